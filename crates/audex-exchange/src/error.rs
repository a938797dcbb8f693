//! OAuth 2.0 error responses (RFC 6749 §5.2, RFC 8693 §2.2.2, RFC 8707 §2) and the
//! typed reasons a token request is rejected.

use std::fmt;

use serde_json::Value;

use audex_claims::json::{JsonLimits, parse_object};

/// An error code of RFC 6749 §5.2 (plus `invalid_target` of RFC 8707 / RFC 8693 and the
/// `server_error` / `temporarily_unavailable` of RFC 6749 §4.1.2.1); other codes are
/// preserved, validated.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `invalid_request`
    InvalidRequest,
    /// `invalid_client`
    InvalidClient,
    /// `invalid_grant`
    InvalidGrant,
    /// `unauthorized_client`
    UnauthorizedClient,
    /// `unsupported_grant_type`
    UnsupportedGrantType,
    /// `invalid_scope`
    InvalidScope,
    /// `invalid_target` (RFC 8707 §2, RFC 8693 §2.2.2)
    InvalidTarget,
    /// `server_error` (RFC 6749 §4.1.2.1)
    ServerError,
    /// `temporarily_unavailable` (RFC 6749 §4.1.2.1)
    TemporarilyUnavailable,
    /// Any other code: validated, and never one of the codes above.
    Other(OtherErrorCode),
}

/// An error code that is none of [`ErrorCode`]'s named ones, made only of the
/// characters RFC 6749 §5.2 allows (%x20-21 / %x23-5B / %x5D-7E), non-empty and at most
/// 128 characters.
///
/// ```
/// use audex_exchange::{ErrorCode, OtherErrorCode};
///
/// let code = OtherErrorCode::new("slow_down").unwrap();
/// assert_eq!(ErrorCode::Other(code).as_str(), "slow_down");
/// assert!(OtherErrorCode::new("invalid_request").is_err()); // a named code
/// assert!(OtherErrorCode::new("bad\"quote").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OtherErrorCode(String);

/// Longest error code accepted.
const MAX_ERROR_CODE: usize = 128;

/// Why an error code was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidErrorCode {
    /// Empty, too long, or a character outside %x20-21 / %x23-5B / %x5D-7E.
    #[error("error code must be 1 to 128 characters of %x20-21 / %x23-5B / %x5D-7E")]
    Malformed,
    /// A named code given as [`OtherErrorCode`]: use its [`ErrorCode`] variant.
    #[error("a named error code is not an \"other\" error code")]
    Named,
}

impl OtherErrorCode {
    /// Checks `s` (see the type's documentation).
    pub fn new(s: &str) -> Result<Self, InvalidErrorCode> {
        match ErrorCode::parse(s)? {
            ErrorCode::Other(o) => Ok(o),
            _ => Err(InvalidErrorCode::Named),
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl ErrorCode {
    /// Reads a code; anything but a well-formed RFC 6749 §5.2 code is refused.
    pub fn parse(s: &str) -> Result<Self, InvalidErrorCode> {
        Ok(match s {
            "invalid_request" => Self::InvalidRequest,
            "invalid_client" => Self::InvalidClient,
            "invalid_grant" => Self::InvalidGrant,
            "unauthorized_client" => Self::UnauthorizedClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "invalid_scope" => Self::InvalidScope,
            "invalid_target" => Self::InvalidTarget,
            "server_error" => Self::ServerError,
            "temporarily_unavailable" => Self::TemporarilyUnavailable,
            other => {
                let allowed =
                    |c: char| matches!(c, '\x20'..='\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e');
                if other.is_empty() || other.len() > MAX_ERROR_CODE || !other.chars().all(allowed) {
                    return Err(InvalidErrorCode::Malformed);
                }
                Self::Other(OtherErrorCode(other.to_owned()))
            }
        })
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::InvalidTarget => "invalid_target",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::Other(s) => s.as_str(),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error response body (RFC 6749 §5.2).
///
/// ```
/// use audex_exchange::{ErrorCode, ErrorResponse};
///
/// let e = ErrorResponse::new(ErrorCode::InvalidTarget, "audience \"hr-api\" is not available to \"portal\"");
/// assert_eq!(e.http_status(false), 400);
/// assert_eq!(e.to_json(), r#"{"error":"invalid_target","error_description":"audience 'hr-api' is not available to 'portal'"}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorResponse {
    /// `error`
    pub error: ErrorCode,
    /// `error_description`, restricted to %x20-21 / %x23-5B / %x5D-7E.
    pub error_description: Option<String>,
    /// `error_uri`
    pub error_uri: Option<String>,
}

pub use audex_claims::json::sanitize_description;

impl ErrorResponse {
    /// An error with a description (sanitised on the way out).
    pub fn new(error: ErrorCode, description: impl AsRef<str>) -> Self {
        Self {
            error,
            error_description: Some(sanitize_description(description.as_ref())),
            error_uri: None,
        }
    }

    /// The HTTP status: 401 for `invalid_client` when the client authenticated with
    /// the `Authorization` header (RFC 6749 §5.2), otherwise 400.
    pub fn http_status(&self, client_used_authorization_header: bool) -> u16 {
        if self.error == ErrorCode::InvalidClient && client_used_authorization_header {
            401
        } else {
            400
        }
    }

    /// The `WWW-Authenticate` value to send with a 401 `invalid_client` (RFC 6749 §5.2).
    pub fn www_authenticate(
        &self,
        client_used_authorization_header: bool,
        realm: &str,
    ) -> Option<String> {
        (self.http_status(client_used_authorization_header) == 401)
            .then(|| format!("Basic realm=\"{}\"", sanitize_description(realm)))
    }

    /// The JSON body.
    pub fn to_json(&self) -> String {
        let mut m = serde_json::Map::new();
        m.insert("error".into(), self.error.as_str().into());
        if let Some(d) = &self.error_description {
            m.insert("error_description".into(), sanitize_description(d).into());
        }
        if let Some(u) = &self.error_uri {
            m.insert("error_uri".into(), u.clone().into());
        }
        Value::Object(m).to_string()
    }

    /// Reads an error body from a server, tolerating characters outside the allowed
    /// set in the description (they are kept as received).
    pub fn from_json(bytes: &[u8]) -> Result<Self, crate::ResponseError> {
        let mut m = parse_object(bytes, JsonLimits::default())?;
        let error = match m.remove("error") {
            Some(Value::String(s)) => ErrorCode::parse(&s)
                .map_err(|_| crate::ResponseError::Invalid { field: "error" })?,
            Some(_) => return Err(crate::ResponseError::WrongType { field: "error" }),
            None => return Err(crate::ResponseError::Missing { field: "error" }),
        };
        let opt =
            |m: &mut serde_json::Map<String, Value>, field: &'static str| match m.remove(field) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(_) => Err(crate::ResponseError::WrongType { field }),
            };
        Ok(Self {
            error,
            error_description: opt(&mut m, "error_description")?,
            error_uri: opt(&mut m, "error_uri")?,
        })
    }
}

impl fmt::Display for ErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error_description {
            Some(d) => write!(f, "{}: {}", self.error, d),
            None => write!(f, "{}", self.error),
        }
    }
}

/// Why a token request body was rejected. Each variant maps to its RFC error code with
/// [`FormError::error_response`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormError {
    /// The body is larger than [`crate::MAX_FORM_BYTES`].
    #[error("request body is {len} bytes, over the limit of {limit}")]
    TooLarge {
        /// Body size.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// More parameters than [`crate::MAX_PARAMS`].
    #[error("request has more than {limit} parameters")]
    TooManyParameters {
        /// The limit.
        limit: usize,
    },
    /// A `%` not followed by two hex digits.
    #[error("invalid percent-encoding at byte {offset}")]
    BadPercentEncoding {
        /// Offset in the body.
        offset: usize,
    },
    /// A decoded name or value is not UTF-8.
    #[error("parameter is not UTF-8 after decoding (near byte {offset})")]
    NotUtf8 {
        /// Approximate offset in the body.
        offset: usize,
    },
    /// The `Content-Type` is not `application/x-www-form-urlencoded` (UTF-8).
    #[error("content type must be application/x-www-form-urlencoded, found {found}")]
    ContentType {
        /// What was sent.
        found: String,
    },
    /// A single-valued parameter appears more than once.
    #[error("parameter {name} must not be repeated")]
    Repeated {
        /// The parameter.
        name: &'static str,
    },
    /// A repeatable parameter has too many values.
    #[error("parameter {name} has more than {limit} values")]
    TooManyValues {
        /// The parameter.
        name: &'static str,
        /// The limit.
        limit: usize,
    },
    /// A required parameter is missing (or empty).
    #[error("parameter {name} is required")]
    Missing {
        /// The parameter.
        name: &'static str,
    },
    /// `grant_type` is not one this endpoint supports.
    #[error("grant type \"{found}\" is not supported")]
    UnsupportedGrantType {
        /// The value sent (truncated).
        found: String,
    },
    /// `actor_token` without `actor_token_type`, or the reverse (RFC 8693 §2.1).
    #[error("actor_token and actor_token_type must be sent together")]
    ActorPairing,
    /// A token type parameter is not an absolute URI.
    #[error("parameter {name} must be an absolute URI")]
    InvalidTokenType {
        /// The parameter.
        name: &'static str,
    },
    /// A `resource` is not an absolute URI without fragment (RFC 8707 §2).
    #[error("resource {index} is not an absolute URI without a fragment")]
    InvalidResource {
        /// Position among the `resource` values (0-based).
        index: usize,
    },
    /// `scope` is malformed.
    #[error("scope: {0}")]
    InvalidScope(audex_claims::ScopeError),
    /// The `Authorization: Basic` header is malformed.
    #[error("malformed Basic authorization: {0}")]
    BadBasicAuth(&'static str),
    /// The client authenticated in more than one way (RFC 6749 §2.3).
    #[error("client must use only one authentication method")]
    MultipleClientAuth,
    /// `client_assertion` without `client_assertion_type`, or the reverse.
    #[error("client_assertion and client_assertion_type must be sent together")]
    AssertionPairing,
    /// A body `client_id` names another client than the `Authorization` header.
    #[error("client_id in the body differs from the client id in the Authorization header")]
    ClientIdMismatch,
    /// `client_secret` was sent without `client_id` (RFC 6749 §2.3.1).
    #[error("client_secret requires client_id")]
    SecretWithoutClientId,
    /// `client_id` or `client_secret` holds characters outside %x20-7E (RFC 6749
    /// Appendix A.1, A.2).
    #[error("parameter {name} has characters outside %x20-7E")]
    InvalidCredentialSyntax {
        /// The parameter.
        name: &'static str,
    },
    /// `client_assertion_type` is not the JWT bearer type (RFC 7523 §2.2).
    #[error("client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer")]
    UnsupportedAssertionType,
}

impl FormError {
    /// The RFC error code this rejection maps to.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Self::UnsupportedGrantType { .. } => ErrorCode::UnsupportedGrantType,
            Self::InvalidScope(_) => ErrorCode::InvalidScope,
            Self::InvalidResource { .. } => ErrorCode::InvalidTarget,
            Self::BadBasicAuth(_) | Self::UnsupportedAssertionType => ErrorCode::InvalidClient,
            _ => ErrorCode::InvalidRequest,
        }
    }

    /// The error response body for this rejection.
    pub fn error_response(&self) -> ErrorResponse {
        ErrorResponse::new(self.error_code(), self.to_string())
    }
}

/// Why a well-formed token exchange request is refused. Servers and policy engines
/// produce these; each maps to the RFC 8693 §2.2.2 / RFC 6749 §5.2 code.
///
/// ```
/// use audex_exchange::{ErrorCode, Rejection};
///
/// let r = Rejection::SubjectToken { reason: "token expired at 1900000300".into() };
/// assert_eq!(r.error_code(), ErrorCode::InvalidRequest);
/// let t = Rejection::Target { target: "hr-api".into(), reason: "not registered".into() };
/// assert_eq!(t.error_code(), ErrorCode::InvalidTarget);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// The subject token is invalid or unacceptable (RFC 8693 §2.2.2: `invalid_request`).
    #[error("subject_token rejected: {reason}")]
    SubjectToken {
        /// Which check failed.
        reason: String,
    },
    /// The actor token is invalid or unacceptable (RFC 8693 §2.2.2: `invalid_request`).
    #[error("actor_token rejected: {reason}")]
    ActorToken {
        /// Which check failed.
        reason: String,
    },
    /// The request is unacceptable for a reason that lies in neither token, such as a
    /// `requested_token_type` the server cannot issue (`invalid_request`).
    #[error("request rejected: {reason}")]
    Request {
        /// Why.
        reason: String,
    },
    /// A requested `audience` or `resource` is unacceptable (RFC 8693 §2.2.2:
    /// `invalid_target`).
    #[error("target \"{target}\" rejected: {reason}")]
    Target {
        /// The audience or resource value.
        target: String,
        /// Why.
        reason: String,
    },
    /// The requested scope cannot be granted (`invalid_scope`).
    #[error("scope rejected: {reason}")]
    Scope {
        /// Why.
        reason: String,
    },
    /// The client may not use this grant or exchange (`unauthorized_client`).
    #[error("client not authorized: {reason}")]
    UnauthorizedClient {
        /// Why.
        reason: String,
    },
    /// Client authentication failed (`invalid_client`).
    #[error("client authentication failed: {reason}")]
    Client {
        /// Why.
        reason: String,
    },
}

impl Rejection {
    /// The RFC error code.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Self::SubjectToken { .. } | Self::ActorToken { .. } | Self::Request { .. } => {
                ErrorCode::InvalidRequest
            }
            Self::Target { .. } => ErrorCode::InvalidTarget,
            Self::Scope { .. } => ErrorCode::InvalidScope,
            Self::UnauthorizedClient { .. } => ErrorCode::UnauthorizedClient,
            Self::Client { .. } => ErrorCode::InvalidClient,
        }
    }

    /// The error response body.
    pub fn error_response(&self) -> ErrorResponse {
        ErrorResponse::new(self.error_code(), self.to_string())
    }
}
