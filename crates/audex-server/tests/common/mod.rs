//! Test harness: a real listener on 127.0.0.1 with the seed realms, a plain HTTP
//! client, and the server's own signing key so tests can mint subject tokens.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers; each test file uses a subset, and a panic is a test failure"
)]

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use audex_claims::AccessTokenClaims;
use audex_jose::{Algorithm, SigningKey};
use audex_policy::Realm;
use audex_server::{KeyRing, ServerConfig, ServerState};
use serde_json::{Value, json};

pub const TE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
pub const AT: &str = "urn:ietf:params:oauth:token-type:access_token";

pub fn sha256_hex(s: &str) -> String {
    ring::digest::digest(&ring::digest::SHA256, s.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The seed realms, in one file, with `<client-id>-secret` secrets; `{ISSUER}` and
/// `{PKJ_JWKS}` are filled in.
pub fn realm_text(issuer: &str, pkj_jwks: &str, extra: &str) -> String {
    let secret = |id: &str| sha256_hex(&format!("{id}-secret"));
    format!(
        r#"
issuer = "{issuer}"

[limits]
max_act_depth = 5
scope_mode = "strict"

[[target]]
audience = "service-b"
resources = ["https://b.example/api"]
scopes = ["orders:read", "orders:write"]

[[target]]
audience = "service-c"
resources = ["https://c.example/api"]
scopes = ["orders:read", "orders:write"]

[[target]]
audience = "order-status-api"
scopes = ["orders:read"]

[[target]]
audience = "hr-api"
scopes = ["hr:read", "hr:write"]

[[client_scope]]
name = "hr-access"
audiences = ["hr-api"]
scopes = ["hr:read", "hr:write"]

[[client]]
id = "client-a"
kind = "confidential"
auth = {{ method = "client_secret", secret_sha256 = "{a}" }}
grants = ["client_credentials"]
default_scopes = ["orders:read"]
optional_scopes = ["orders:write"]
allowed_audiences = ["service-b"]

[[client]]
id = "service-b"
kind = "confidential"
auth = {{ method = "client_secret", secret_sha256 = "{b}" }}
grants = ["token_exchange", "client_credentials"]
default_scopes = ["orders:read"]
optional_scopes = ["orders:write"]

[[client]]
id = "service-c"
kind = "confidential"
auth = {{ method = "client_secret", secret_sha256 = "{c}" }}
grants = ["client_credentials"]

[[client]]
id = "service-k"
kind = "confidential"
auth = {{ method = "private_key_jwt", jwks = '{pkj_jwks}' }}
grants = ["token_exchange", "client_credentials"]
default_scopes = ["orders:read"]
allowed_audiences = ["service-c"]

[[client]]
id = "customer-portal"
kind = "public"
auth = {{ method = "none" }}
grants = ["token_exchange"]
default_scopes = ["orders:read"]

[[client]]
id = "backoffice-portal"
kind = "confidential"
auth = {{ method = "client_secret", secret_sha256 = "{bo}" }}
grants = ["token_exchange"]
default_scopes = ["orders:read"]

[[exchange]]
client = "service-b"
targets = ["service-c"]
impersonation = true
delegation = true

[[exchange]]
client = "service-k"
targets = ["service-c"]
impersonation = true

[[exchange]]
client = "customer-portal"
targets = ["order-status-api"]
impersonation = true
allow_public = true

[[exchange]]
client = "backoffice-portal"
targets = ["order-status-api"]
client_scopes = ["hr-access"]
impersonation = true
{extra}
"#,
        a = secret("client-a"),
        b = secret("service-b"),
        c = secret("service-c"),
        bo = secret("backoffice-portal"),
    )
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A running server.
pub struct Sts {
    pub base: String,
    pub issuer: String,
    pub http: reqwest::Client,
    pub state: Arc<ServerState>,
    /// The server's active signing key (PKCS#8), to mint subject tokens.
    signer: SigningKey,
    /// The private_key_jwt client's key.
    pub client_key: SigningKey,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    pub task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

#[derive(Default)]
pub struct Options {
    pub path: &'static str,
    pub extra_realm: String,
    pub previous_key: Option<SigningKey>,
    pub max_body_bytes: Option<usize>,
}

pub fn key_pair(alg: Algorithm) -> (SigningKey, SigningKey) {
    let (_, der) = SigningKey::generate(alg).unwrap();
    (
        SigningKey::from_pkcs8_der(alg, &der).unwrap(),
        SigningKey::from_pkcs8_der(alg, &der).unwrap(),
    )
}

impl Sts {
    pub async fn start() -> Self {
        Self::start_with(Options::default()).await
    }

    pub async fn start_with(opts: Options) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let base = format!("http://127.0.0.1:{port}");
        let issuer = format!("{base}{}", opts.path);
        let (client_key, client_key_copy) = key_pair(Algorithm::ES256);
        let pkj_jwks = json!({"keys": [client_key.to_public_jwk().unwrap()]}).to_string();
        let text = realm_text(&issuer, &pkj_jwks, &opts.extra_realm);
        let realm = Realm::from_toml("test-realm.toml", &text).unwrap();
        let (signer, server_key) = key_pair(Algorithm::ES256);
        let previous = opts.previous_key.into_iter().collect();
        let keys = KeyRing::new(server_key, previous).unwrap();
        let mut config = ServerConfig::new(realm, keys);
        if let Some(n) = opts.max_body_bytes {
            config.max_body_bytes = n;
        }
        let state = ServerState::new(config).unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(audex_server::serve(listener, state.clone(), async move {
            let _ = rx.await;
        }));
        // reqwest may be built with `rustls-no-provider` (unified from audex-client in a
        // workspace build): give it ring, the only crypto backend.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let signer = signer.with_kid(state.public_jwks()["keys"][0]["kid"].as_str().unwrap());
        Self {
            base,
            issuer,
            http,
            state,
            signer,
            client_key: client_key_copy,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// Mints a token as the server would (its key, its issuer): Alice's token for
    /// service-b by default; `extra` overrides claims (`null` removes).
    pub fn mint(&self, extra: Value) -> String {
        self.mint_with(&self.signer, extra)
    }

    pub fn mint_with(&self, key: &SigningKey, extra: Value) -> String {
        let now = unix_now();
        let mut c = json!({"iss": self.issuer, "sub": "alice", "aud": "service-b", "client_id": "client-a",
            "azp": "client-a", "exp": now + 600, "iat": now, "jti": format!("j-{}", rand_suffix()),
            "scope": "orders:read orders:write"});
        for (k, v) in extra.as_object().unwrap() {
            if v.is_null() {
                c.as_object_mut().unwrap().remove(k);
            } else {
                c[k] = v.clone();
            }
        }
        let claims = AccessTokenClaims::from_json_slice(c.to_string().as_bytes()).unwrap();
        audex_jose::sign_access_token(&claims, key).unwrap()
    }

    /// Signs any JSON as an `at+jwt` with the server's key (for hostile claims the
    /// claim model itself would refuse to build).
    pub fn mint_raw(&self, claims: &Value) -> String {
        audex_jose::sign_jwt(claims, &self.signer, Some("at+jwt")).unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POSTs a form body (already encoded) with optional Basic credentials.
    pub async fn post(&self, path: &str, body: &str, basic: Option<(&str, &str)>) -> Reply {
        let mut req = self
            .http
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned());
        if let Some((id, secret)) = basic {
            req = req.header(
                "authorization",
                audex_exchange::BasicCredentials::encode(id, secret),
            );
        }
        Reply::from(req.send().await.unwrap()).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        Reply::from(self.http.get(self.url(path)).send().await.unwrap()).await
    }

    /// A token exchange by `client` (Basic, `<id>-secret`) at `path`.
    pub async fn exchange_at(
        &self,
        path: &str,
        client: &str,
        subject: &str,
        extra: &[(&str, &str)],
    ) -> Reply {
        let mut pairs = vec![
            ("grant_type", TE),
            ("subject_token", subject),
            ("subject_token_type", AT),
        ];
        pairs.extend_from_slice(extra);
        let secret = format!("{client}-secret");
        self.post(path, &form(&pairs), Some((client, &secret)))
            .await
    }

    pub async fn exchange(&self, client: &str, subject: &str, extra: &[(&str, &str)]) -> Reply {
        let path = format!("{}/token", self.path_prefix());
        self.exchange_at(&path, client, subject, extra).await
    }

    pub fn path_prefix(&self) -> String {
        self.issuer
            .strip_prefix(&self.base)
            .unwrap_or("")
            .to_owned()
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            t.await.unwrap().unwrap();
        }
    }
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = String::new();
    for (k, v) in pairs {
        if !s.is_empty() {
            s.push('&');
        }
        s.push_str(&enc(k));
        s.push('=');
        s.push_str(&enc(v));
    }
    s
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub async fn from(r: reqwest::Response) -> Self {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = r.bytes().await.unwrap().to_vec();
        Self {
            status,
            headers,
            body,
        }
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts an RFC 6749 error body with `code` and `status`.
    pub fn assert_error(&self, status: u16, code: &str) -> Value {
        let j = self.json();
        assert_eq!(
            (self.status, j["error"].as_str()),
            (status, Some(code)),
            "{j}"
        );
        assert!(
            j["error_description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{j}"
        );
        assert_eq!(self.header("content-type"), Some("application/json"));
        j
    }
}
