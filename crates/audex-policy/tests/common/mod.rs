//! Test helpers: mint tokens and verify them through audex-jose (the only way to get
//! a `Verified<…>` for the engine).
#![allow(
    dead_code,
    unreachable_pub,
    reason = "test helpers; each test file uses a subset"
)]

use audex_claims::{AccessTokenClaims, NumericDate, StringOrUri};
use audex_exchange::{TokenExchangeRequest, TokenType};
use audex_jose::{Algorithm, KeySet, SigningKey, SubjectTokenClaims, Validation, Verified};
use audex_policy::{Decision, ExchangeInput, Realm, Requester};
use serde_json::{Value, json};

pub const NOW: u64 = 1_900_000_000;

pub fn now() -> NumericDate {
    NumericDate::from_secs(NOW).unwrap()
}

pub fn realm(name: &str) -> Realm {
    let path = format!("{}/realms/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    Realm::from_toml(&path, &text).unwrap()
}

/// A token issuer with one ES256 key.
pub struct Issuer {
    pub iss: String,
    key: SigningKey,
    keys: KeySet,
}

impl Issuer {
    pub fn new(iss: &str) -> Self {
        let key = SigningKey::generate(Algorithm::ES256).unwrap().0;
        let keys = KeySet::new(vec![key.verifying_key().unwrap()])
            .for_issuer(StringOrUri::new(iss.to_owned()).unwrap());
        Self {
            iss: iss.to_owned(),
            key,
            keys,
        }
    }

    /// Mints an access token; `extra` overrides or adds claims.
    pub fn mint(&self, extra: Value) -> String {
        let mut c = json!({"iss": self.iss, "sub": "alice", "aud": "service-b", "client_id": "client-a",
            "exp": NOW + 600, "iat": NOW - 10, "jti": "j-1", "scope": "orders:read orders:write"});
        for (k, v) in extra.as_object().unwrap() {
            if v.is_null() {
                c.as_object_mut().unwrap().remove(k);
            } else {
                c[k] = v.clone();
            }
        }
        let claims = AccessTokenClaims::from_json_slice(c.to_string().as_bytes()).unwrap();
        audex_jose::sign_access_token(&claims, &self.key).unwrap()
    }

    /// Verifies as an exchange server does (audience rule deferred to the policy).
    pub fn verify(&self, token: &str) -> Verified<SubjectTokenClaims> {
        Validation::subject_token(StringOrUri::new(self.iss.clone()).unwrap())
            .verify(token, &self.keys, now())
            .unwrap()
    }

    /// The issuer's verification keys, bound to its issuer identifier.
    pub fn key_set(&self) -> KeySet {
        KeySet::new(vec![self.key.verifying_key().unwrap()])
            .for_issuer(StringOrUri::new(self.iss.clone()).unwrap())
    }

    /// The same keys, bound to no issuer.
    pub fn unbound_key_set(&self) -> KeySet {
        KeySet::new(vec![self.key.verifying_key().unwrap()])
    }

    /// The public JWK Set, as JSON text (for inline `jwks` in a realm file).
    pub fn jwks_json(&self) -> String {
        json!({"keys": [self.key.to_public_jwk().unwrap()]}).to_string()
    }

    pub fn sign(&self, claims: &AccessTokenClaims) -> String {
        audex_jose::sign_access_token(claims, &self.key).unwrap()
    }

    pub fn subject(&self, extra: Value) -> Verified<SubjectTokenClaims> {
        self.verify(&self.mint(extra))
    }
}

pub fn exchange(
    realm: &Realm,
    client: &str,
    subject: &Verified<SubjectTokenClaims>,
    actor: Option<&Verified<SubjectTokenClaims>>,
    request: &TokenExchangeRequest,
) -> Decision {
    realm.decide_exchange(&ExchangeInput {
        requester: Requester {
            client_id: client,
            authenticated: true,
        },
        subject,
        actor,
        request,
        now: now(),
    })
}

pub fn request() -> TokenExchangeRequest {
    TokenExchangeRequest::new("(verified separately)", TokenType::AccessToken)
}
