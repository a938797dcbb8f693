//! RFC 8414 authorization server metadata (MD-1, MD-2).

use serde_json::{Map, Value};

use audex_claims::json::{JsonLimits, parse_object};

use crate::response::ResponseError;

/// Authorization server metadata (RFC 8414 §2). Unknown members are kept in `other`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthorizationServerMetadata {
    /// `issuer`: equals the `iss` of the tokens the server issues (MD-1).
    pub issuer: String,
    /// `token_endpoint`
    pub token_endpoint: Option<String>,
    /// `jwks_uri`
    pub jwks_uri: Option<String>,
    /// `introspection_endpoint`
    pub introspection_endpoint: Option<String>,
    /// `grant_types_supported`
    pub grant_types_supported: Vec<String>,
    /// `token_endpoint_auth_methods_supported`
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// `token_endpoint_auth_signing_alg_values_supported`
    pub token_endpoint_auth_signing_alg_values_supported: Vec<String>,
    /// `introspection_endpoint_auth_methods_supported`
    pub introspection_endpoint_auth_methods_supported: Vec<String>,
    /// `scopes_supported`
    pub scopes_supported: Vec<String>,
    /// Other members, as received.
    pub other: Map<String, Value>,
}

/// The metadata names another issuer than the one asked for (RFC 8414 §3.3).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("metadata issuer \"{found}\" differs from the requested issuer \"{expected}\"")]
pub struct IssuerMismatch {
    /// The issuer the client asked for.
    pub expected: String,
    /// The issuer in the metadata.
    pub found: String,
}

impl AuthorizationServerMetadata {
    /// Checks RFC 8414 §3.3: the `issuer` must be identical to the issuer identifier the
    /// client used to build the metadata URL (MD-2).
    pub fn check_issuer(&self, requested: &str) -> Result<(), IssuerMismatch> {
        if self.issuer == requested {
            Ok(())
        } else {
            Err(IssuerMismatch {
                expected: requested.to_owned(),
                found: self.issuer.clone(),
            })
        }
    }

    /// The JSON document.
    pub fn to_json(&self) -> String {
        let mut m = self.other.clone();
        m.insert("issuer".into(), self.issuer.clone().into());
        let mut opt = |k: &str, v: &Option<String>| {
            if let Some(v) = v {
                m.insert(k.into(), v.clone().into());
            }
        };
        opt("token_endpoint", &self.token_endpoint);
        opt("jwks_uri", &self.jwks_uri);
        opt("introspection_endpoint", &self.introspection_endpoint);
        for (k, v) in [
            ("grant_types_supported", &self.grant_types_supported),
            (
                "token_endpoint_auth_methods_supported",
                &self.token_endpoint_auth_methods_supported,
            ),
            (
                "token_endpoint_auth_signing_alg_values_supported",
                &self.token_endpoint_auth_signing_alg_values_supported,
            ),
            (
                "introspection_endpoint_auth_methods_supported",
                &self.introspection_endpoint_auth_methods_supported,
            ),
            ("scopes_supported", &self.scopes_supported),
        ] {
            if !v.is_empty() {
                m.insert(k.into(), v.clone().into());
            }
        }
        Value::Object(m).to_string()
    }

    /// Reads a metadata document.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ResponseError> {
        let mut m = parse_object(
            bytes,
            JsonLimits {
                max_bytes: 128 * 1024,
                max_depth: 16,
            },
        )?;
        let string = |m: &mut Map<String, Value>, field: &'static str| match m.remove(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ResponseError::WrongType { field }),
        };
        let list = |m: &mut Map<String, Value>, field: &'static str| match m.remove(field) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    _ => Err(ResponseError::WrongType { field }),
                })
                .collect(),
            Some(_) => Err(ResponseError::WrongType { field }),
        };
        Ok(Self {
            issuer: string(&mut m, "issuer")?.ok_or(ResponseError::Missing { field: "issuer" })?,
            token_endpoint: string(&mut m, "token_endpoint")?,
            jwks_uri: string(&mut m, "jwks_uri")?,
            introspection_endpoint: string(&mut m, "introspection_endpoint")?,
            grant_types_supported: list(&mut m, "grant_types_supported")?,
            token_endpoint_auth_methods_supported: list(
                &mut m,
                "token_endpoint_auth_methods_supported",
            )?,
            token_endpoint_auth_signing_alg_values_supported: list(
                &mut m,
                "token_endpoint_auth_signing_alg_values_supported",
            )?,
            introspection_endpoint_auth_methods_supported: list(
                &mut m,
                "introspection_endpoint_auth_methods_supported",
            )?,
            scopes_supported: list(&mut m, "scopes_supported")?,
            other: m,
        })
    }
}
