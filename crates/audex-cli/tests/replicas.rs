//! Two replicas of the token service sharing one real `redis-server` (the Debian
//! package; `cargo xtask ci` installs it): a replayed client assertion fails at the
//! other replica, a revocation is seen by both, Redis down fails closed where it must
//! and nowhere else, and the replicas recover when it is back.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use audex_claims::{AccessTokenClaims, StringOrUri};
use audex_jose::{Algorithm, SigningKey};
use audex_policy::Realm;
use audex_server::{KeyRing, RedisStore, ServerConfig, ServerState};
use serde_json::{Value, json};

const TE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const AT: &str = "urn:ietf:params:oauth:token-type:access_token";
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A `redis-server` child on a free port, killed on drop.
struct Redis {
    child: Option<Child>,
    port: u16,
}

impl Redis {
    fn start_on(port: u16) -> Self {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("redis-server not found ({e}): `cargo xtask ci` installs it (apt-get install redis-server)")
            });
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Self {
            child: Some(child),
            port,
        }
    }

    fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self::start_on(port)
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

fn pair() -> (SigningKey, SigningKey) {
    let (_, der) = SigningKey::generate(Algorithm::ES256).unwrap();
    (
        SigningKey::from_pkcs8_der(Algorithm::ES256, &der).unwrap(),
        SigningKey::from_pkcs8_der(Algorithm::ES256, &der).unwrap(),
    )
}

struct Replica {
    base: String,
}

/// Two replicas behind no load balancer: same issuer name, same key, same realm, same
/// Redis; different listeners (a client picks one or the other).
async fn replicas(redis_url: &str, client_pub: &SigningKey) -> (Vec<Replica>, SigningKey, String) {
    let issuer = "https://sts.replicas.example".to_owned();
    let jwks = json!({"keys": [client_pub.to_public_jwk().unwrap()]}).to_string();
    let text = format!(
        "{}\n[[client]]\nid = \"service-k\"\nkind = \"confidential\"\nauth = {{ method = \"private_key_jwt\", jwks = '{jwks}' }}\ngrants = [\"token_exchange\"]\ndefault_scopes = [\"orders:read\"]\n[[exchange]]\nclient = \"service-k\"\ntargets = [\"service-c\"]\nimpersonation = true\n",
        include_str!("../realms/demo.toml")
    );
    let (_, der) = SigningKey::generate(Algorithm::ES256).unwrap();
    let mut out = Vec::new();
    for _ in 0..2 {
        let mut realm = Realm::from_toml("demo.toml", &text).unwrap();
        realm.issuer = StringOrUri::new(issuer.clone()).unwrap();
        let key = SigningKey::from_pkcs8_der(Algorithm::ES256, &der).unwrap();
        let store = Arc::new(RedisStore::new(redis_url, "audex-test").unwrap());
        let mut config = ServerConfig::new(realm, KeyRing::new(key, vec![]).unwrap());
        config.replay_cache = store.clone();
        config.revocation = store;
        let state = ServerState::new(config).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(audex_server::serve(listener, state, std::future::pending()));
        out.push(Replica { base });
    }
    let signer = SigningKey::from_pkcs8_der(Algorithm::ES256, &der).unwrap();
    let kid = signer.thumbprint().to_owned();
    (out, signer.with_kid(kid), issuer)
}

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

async fn post(
    r: &Replica,
    path: &str,
    body: String,
    basic: Option<(&str, &str)>,
) -> (u16, Option<String>, Value) {
    let mut req = http()
        .post(format!("{}{path}", r.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some((id, s)) = basic {
        req = req.basic_auth(id, Some(s));
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = resp.text().await.unwrap();
    (
        status,
        retry,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn mint(key: &SigningKey, issuer: &str, extra: Value) -> String {
    let now = unix_now();
    let mut c = json!({"iss": issuer, "sub": "alice", "aud": "service-b", "client_id": "client-a", "exp": now + 600,
        "iat": now, "jti": format!("r-{}-{}", now, extra.to_string().len()), "scope": "orders:read"});
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    let claims = AccessTokenClaims::from_json_slice(c.to_string().as_bytes()).unwrap();
    audex_jose::sign_access_token(&claims, key).unwrap()
}

fn assertion(key: &SigningKey, issuer: &str, jti: &str) -> String {
    let now = unix_now();
    audex_jose::sign_jwt(
        &json!({"iss": "service-k", "sub": "service-k", "aud": issuer, "exp": now + 60, "iat": now, "jti": jti}),
        key,
        Some("client-authentication+jwt"),
    )
    .unwrap()
}

// conformance: DIST-1, DIST-2, DIST-3
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_replay_and_revocation_and_fail_closed_without_redis() {
    let mut redis = Redis::start();
    let (client_key, client_pub) = pair();
    let (r, signer, issuer) = replicas(&redis.url(), &client_pub).await;
    let subject_k = mint(&signer, &issuer, json!({"aud": "service-k"}));
    let pkj = |a: &str| {
        form(&[
            ("grant_type", TE),
            ("subject_token", &subject_k),
            ("subject_token_type", AT),
            ("audience", "service-c"),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", a),
        ])
    };
    // DIST-1: an assertion used at replica 0 is a replay at replica 1.
    let a1 = assertion(&client_key, &issuer, "rep-1");
    assert_eq!(post(&r[0], "/token", pkj(&a1), None).await.0, 200);
    let (status, _, body) = post(&r[1], "/token", pkj(&a1), None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_client")),
        "{body}"
    );
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("replay"),
        "{body}"
    );

    // DIST-2: revoked at replica 0, inactive at replica 1, and not exchangeable there.
    let alice = mint(&signer, &issuer, json!({}));
    let (s, _, _) = post(
        &r[0],
        "/revoke",
        form(&[("token", &alice)]),
        Some(("client-a", "client-a-secret")),
    )
    .await;
    assert_eq!(s, 200);
    let (_, _, i) = post(
        &r[1],
        "/introspect",
        form(&[("token", &alice)]),
        Some(("service-c", "service-c-secret")),
    )
    .await;
    assert_eq!(i, json!({"active": false}));
    let ex = form(&[
        ("grant_type", TE),
        ("subject_token", &alice),
        ("subject_token_type", AT),
        ("audience", "service-c"),
    ]);
    let (s, _, body) = post(
        &r[1],
        "/token",
        ex.clone(),
        Some(("service-b", "service-b-secret")),
    )
    .await;
    assert_eq!(s, 400, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("revoked"),
        "{body}"
    );
    // Keys expire with the token: Redis holds a TTL, not a forever entry.
    let ttl = Command::new("redis-cli")
        .args([
            "-p",
            &redis.port.to_string(),
            "--scan",
            "--pattern",
            "audex-test:revoked:*",
        ])
        .output();
    if let Ok(o) = ttl {
        let key = String::from_utf8_lossy(&o.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        if !key.is_empty() {
            let t = Command::new("redis-cli")
                .args(["-p", &redis.port.to_string(), "PTTL", &key])
                .output()
                .unwrap();
            let ms: i64 = String::from_utf8_lossy(&t.stdout).trim().parse().unwrap();
            assert!(ms > 0 && ms <= 601_000, "revocation entry TTL {ms} ms");
        }
    }

    // DIST-3: Redis down. private_key_jwt → 503 with Retry-After and an RFC body;
    // introspection is not reported active; health says the store is down; other
    // paths keep working.
    redis.stop();
    let a2 = assertion(&client_key, &issuer, "rep-2");
    let (s, retry, body) = post(&r[0], "/token", pkj(&a2), None).await;
    assert_eq!((s, retry.as_deref()), (503, Some("1")), "{body}");
    assert_eq!(body["error"], "temporarily_unavailable");
    let fresh = mint(&signer, &issuer, json!({"jti": "fresh-1"}));
    let (s, _, body) = post(
        &r[1],
        "/introspect",
        form(&[("token", &fresh)]),
        Some(("service-c", "service-c-secret")),
    )
    .await;
    assert_ne!(body["active"], true, "{s} {body}");
    let h = http()
        .get(format!("{}/healthz", r[0].base))
        .send()
        .await
        .unwrap();
    assert_eq!(h.status().as_u16(), 503);
    let ex2 = form(&[
        ("grant_type", TE),
        ("subject_token", &fresh),
        ("subject_token_type", AT),
        ("audience", "service-c"),
    ]);
    let (s, _, body) = post(
        &r[0],
        "/token",
        ex2.clone(),
        Some(("service-b", "service-b-secret")),
    )
    .await;
    assert_eq!(s, 200, "client_secret exchange keeps working: {body}");
    let jwks = http()
        .get(format!("{}/jwks", r[1].base))
        .send()
        .await
        .unwrap();
    assert_eq!(jwks.status().as_u16(), 200);

    // Back up on the same port: the replicas reconnect by themselves.
    let _redis = Redis::start_on(redis.port);
    let started = Instant::now();
    loop {
        let h = http()
            .get(format!("{}/healthz", r[0].base))
            .send()
            .await
            .unwrap();
        if h.status().as_u16() == 200 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no reconnect");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let a3 = assertion(&client_key, &issuer, "rep-3");
    let (s, _, body) = post(&r[1], "/token", pkj(&a3), None).await;
    assert_eq!(s, 200, "{body}");
}
