//! RFC 7662 token introspection responses (INT-1, types only).

use serde_json::{Map, Value};

use audex_claims::{Actor, Audience, NumericDate, Scope, StringOrUri};

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
