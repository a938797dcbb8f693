//! Token responses (RFC 8693 §2.2.1, RFC 6749 §5.1) and the headers they need.

use serde_json::{Map, Value};

use audex_claims::Scope;
use audex_claims::json::{JsonLimits, parse_object};

use crate::secret::Secret;
use crate::token_type::{AccessTokenType, TokenType};

/// Headers every token response (success or error) must carry: RFC 6749 §5.1 requires
/// `Cache-Control: no-store`; `Pragma: no-cache` is kept for HTTP/1.0 caches (TE-RES-3).
pub const TOKEN_RESPONSE_HEADERS: [(&str, &str); 3] = [
    ("content-type", "application/json"),
    ("cache-control", "no-store"),
    ("pragma", "no-cache"),
];

/// Why a server's token response could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResponseError {
    /// Not a strict JSON object within the limits.
    #[error("response is not a valid JSON object: {0}")]
    Json(#[from] audex_claims::JsonError),
    /// A required field is missing, e.g. "server omitted issued_token_type".
    #[error("server omitted {field}")]
    Missing {
        /// The field.
        field: &'static str,
    },
    /// A field has the wrong JSON type.
    #[error("field {field} has the wrong type")]
    WrongType {
        /// The field.
        field: &'static str,
    },
    /// A field's value is malformed.
    #[error("field {field} is malformed")]
    Invalid {
        /// The field.
        field: &'static str,
    },
}

/// A successful token exchange response (RFC 8693 §2.2.1).
///
/// ```
/// use audex_exchange::{AccessTokenType, TokenExchangeResponse, TokenType};
///
/// let r = TokenExchangeResponse::from_json(br#"{"access_token":"abc","issued_token_type":
///   "urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":60}"#).unwrap();
/// assert_eq!(r.token_type, AccessTokenType::Bearer);
/// let missing = TokenExchangeResponse::from_json(br#"{"access_token":"abc","token_type":"Bearer"}"#);
/// assert_eq!(missing.unwrap_err().to_string(), "server omitted issued_token_type");
/// ```
#[derive(Clone, Debug)]
pub struct TokenExchangeResponse {
    /// `access_token`: the issued token (whatever its type).
    pub access_token: Secret,
    /// `issued_token_type`
    pub issued_token_type: TokenType,
    /// `token_type`: `Bearer`, or `N_A` when the issued token is not an access token.
    pub token_type: AccessTokenType,
    /// `expires_in`, seconds.
    pub expires_in: Option<u64>,
    /// `scope`: required when it differs from the requested scope (TE-RES-2).
    pub scope: Option<Scope>,
    /// `refresh_token`
    pub refresh_token: Option<Secret>,
}

impl TokenExchangeResponse {
    /// A response for an issued token; `token_type` is `Bearer` for access tokens and
    /// `N_A` for anything else (TE-RES-1).
    pub fn new(access_token: impl Into<Secret>, issued_token_type: TokenType) -> Self {
        let token_type = if issued_token_type == TokenType::AccessToken {
            AccessTokenType::Bearer
        } else {
            AccessTokenType::NotApplicable
        };
        Self {
            access_token: access_token.into(),
            issued_token_type,
            token_type,
            expires_in: None,
            scope: None,
            refresh_token: None,
        }
    }

    /// Sets `scope` when the granted scope differs from the requested one (TE-RES-2);
    /// leaves it out when they are equal.
    #[must_use]
    pub fn with_granted_scope(mut self, granted: &Scope, requested: Option<&Scope>) -> Self {
        self.scope = match requested {
            Some(r) if r == granted => None,
            _ if granted.is_empty() => None,
            _ => Some(granted.clone()),
        };
        self
    }

    /// The JSON body. Absent fields are omitted (no `null`s).
    pub fn to_json(&self) -> String {
        let mut m = Map::new();
        m.insert("access_token".into(), self.access_token.expose().into());
        m.insert(
            "issued_token_type".into(),
            self.issued_token_type.as_str().into(),
        );
        m.insert("token_type".into(), self.token_type.as_str().into());
        if let Some(e) = self.expires_in {
            m.insert("expires_in".into(), e.into());
        }
        if let Some(s) = &self.scope {
            m.insert("scope".into(), s.to_string().into());
        }
        if let Some(r) = &self.refresh_token {
            m.insert("refresh_token".into(), r.expose().into());
        }
        Value::Object(m).to_string()
    }

    /// Reads a server's JSON, naming any missing required field.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ResponseError> {
        let mut m = parse_object(bytes, JsonLimits::default())?;
        let string = |m: &mut Map<String, Value>, field: &'static str| match m.remove(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ResponseError::WrongType { field }),
        };
        let access_token = string(&mut m, "access_token")?.ok_or(ResponseError::Missing {
            field: "access_token",
        })?;
        let issued = string(&mut m, "issued_token_type")?.ok_or(ResponseError::Missing {
            field: "issued_token_type",
        })?;
        let issued_token_type = TokenType::parse(&issued).map_err(|_| ResponseError::Invalid {
            field: "issued_token_type",
        })?;
        let token_type = string(&mut m, "token_type")?.ok_or(ResponseError::Missing {
            field: "token_type",
        })?;
        let expires_in = match m.remove("expires_in") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(n.as_u64().ok_or(ResponseError::Invalid {
                field: "expires_in",
            })?),
            Some(_) => {
                return Err(ResponseError::WrongType {
                    field: "expires_in",
                });
            }
        };
        let scope = string(&mut m, "scope")?
            .map(|s| {
                Scope::parse_lenient(&s).map_err(|_| ResponseError::Invalid { field: "scope" })
            })
            .transpose()?;
        Ok(Self {
            access_token: Secret::new(access_token),
            issued_token_type,
            token_type: AccessTokenType::parse(&token_type),
            expires_in,
            scope,
            refresh_token: string(&mut m, "refresh_token")?.map(Secret::new),
        })
    }
}
