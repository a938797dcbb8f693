//! RFC 7662 token introspection responses (INT-1, types only).

use serde_json::{Map, Value};

use audex_claims::json::{JsonLimits, parse_object};
use audex_claims::{Actor, Audience, NumericDate, Scope, Strictness, StringOrUri};

use crate::response::ResponseError;

/// An introspection response. An inactive token is `{"active": false}` and nothing else
/// (RFC 7662 §2.2): [`IntrospectionResponse::inactive`] serialises exactly that.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IntrospectionResponse {
    /// `active`
    pub active: bool,
    /// `scope`
    pub scope: Option<Scope>,
    /// `client_id`
    pub client_id: Option<String>,
    /// `username`
    pub username: Option<String>,
    /// `token_type`
    pub token_type: Option<String>,
    /// `exp`
    pub exp: Option<NumericDate>,
    /// `iat`
    pub iat: Option<NumericDate>,
    /// `nbf`
    pub nbf: Option<NumericDate>,
    /// `sub`
    pub sub: Option<StringOrUri>,
    /// `aud`
    pub aud: Option<Audience>,
    /// `iss`
    pub iss: Option<StringOrUri>,
    /// `jti`
    pub jti: Option<String>,
    /// `act` (RFC 8693 §4.1)
    pub act: Option<Actor>,
}

impl IntrospectionResponse {
    /// The response for an invalid, expired, revoked or foreign token.
    pub fn inactive() -> Self {
        Self::default()
    }

    /// Reads a server's introspection response. `active` is required and must be a
    /// boolean; when it is false, nothing else is read (RFC 7662 §2.2). Values other
    /// servers write are read leniently (StringOrURI, scope separators) but every
    /// member must have its JSON type.
    ///
    /// ```
    /// use audex_exchange::IntrospectionResponse;
    ///
    /// let r = IntrospectionResponse::from_json(br#"{"active":true,"aud":"api","act":{"sub":"svc"}}"#).unwrap();
    /// assert!(r.active);
    /// assert_eq!(r.act.unwrap().current().sub.as_ref().unwrap().as_str(), "svc");
    /// assert!(!IntrospectionResponse::from_json(br#"{"active":false,"sub":"x"}"#).unwrap().active);
    /// assert!(IntrospectionResponse::from_json(br#"{"active":"true"}"#).is_err());
    /// ```
    pub fn from_json(bytes: &[u8]) -> Result<Self, ResponseError> {
        let mut m = parse_object(bytes, JsonLimits::default())?;
        let active = match m.remove("active") {
            Some(Value::Bool(b)) => b,
            Some(_) => return Err(ResponseError::WrongType { field: "active" }),
            None => return Err(ResponseError::Missing { field: "active" }),
        };
        if !active {
            return Ok(Self::inactive());
        }
        let string = |m: &mut Map<String, Value>, field: &'static str| match m.remove(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ResponseError::WrongType { field }),
        };
        let date = |m: &mut Map<String, Value>, field: &'static str| match m.remove(field) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => NumericDate::from_json(&v)
                .map(Some)
                .map_err(|_| ResponseError::Invalid { field }),
        };
        let scope = string(&mut m, "scope")?
            .map(|s| {
                Scope::parse_lenient(&s).map_err(|_| ResponseError::Invalid { field: "scope" })
            })
            .transpose()?;
        let aud = match m.remove("aud") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                Audience::from_json(v, Strictness::Lenient)
                    .map_err(|_| ResponseError::Invalid { field: "aud" })?,
            ),
        };
        let act = match m.remove("act") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                Actor::from_json(v, Strictness::Lenient)
                    .map_err(|_| ResponseError::Invalid { field: "act" })?,
            ),
        };
        Ok(Self {
            active,
            scope,
            client_id: string(&mut m, "client_id")?,
            username: string(&mut m, "username")?,
            token_type: string(&mut m, "token_type")?,
            exp: date(&mut m, "exp")?,
            iat: date(&mut m, "iat")?,
            nbf: date(&mut m, "nbf")?,
            sub: string(&mut m, "sub")?.map(StringOrUri::new_lenient),
            aud,
            iss: string(&mut m, "iss")?.map(StringOrUri::new_lenient),
            jti: string(&mut m, "jti")?,
            act,
        })
    }

    /// The JSON body; an inactive response carries `active: false` only.
    pub fn to_json(&self) -> String {
        let mut m = Map::new();
        m.insert("active".into(), self.active.into());
        if !self.active {
            return Value::Object(m).to_string();
        }
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                m.insert(k.into(), v);
            }
        };
        put("scope", self.scope.as_ref().map(|s| s.to_string().into()));
        put("client_id", self.client_id.clone().map(Value::from));
        put("username", self.username.clone().map(Value::from));
        put("token_type", self.token_type.clone().map(Value::from));
        put("exp", self.exp.and_then(|d| serde_json::to_value(d).ok()));
        put("iat", self.iat.and_then(|d| serde_json::to_value(d).ok()));
        put("nbf", self.nbf.and_then(|d| serde_json::to_value(d).ok()));
        put("sub", self.sub.as_ref().map(|s| s.as_str().into()));
        put(
            "aud",
            self.aud.as_ref().and_then(|a| serde_json::to_value(a).ok()),
        );
        put("iss", self.iss.as_ref().map(|s| s.as_str().into()));
        put("jti", self.jti.clone().map(Value::from));
        put("act", self.act.as_ref().map(Actor::to_json));
        Value::Object(m).to_string()
    }
}
