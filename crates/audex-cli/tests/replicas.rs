//! Two `audex serve` processes sharing one real `redis-server` (the Debian package;
//! `cargo xtask ci` installs it): a replayed client assertion fails at the other
//! replica, a revocation is seen by both, Redis down fails closed where it must and
//! nowhere else, the replicas recover when it is back, and a key rotation rolled
//! through both replicas fails no token in flight.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use audex_claims::AccessTokenClaims;
use audex_jose::{Algorithm, SigningKey};
use audex_jose::{JwsOptions, UnverifiedJws};
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

/// A key made by `audex keygen`: its PEM file and the key, loaded for minting.
fn keygen(dir: &Path, name: &str) -> (String, SigningKey) {
    let pem = dir.join(name);
    let o = Command::new(env!("CARGO_BIN_EXE_audex"))
        .args(["keygen", "--alg", "ES256", "--out", pem.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let key = SigningKey::from_pkcs8_pem(Algorithm::ES256, &std::fs::read(&pem).unwrap()).unwrap();
    let kid = key.thumbprint().to_owned();
    (pem.to_str().unwrap().to_owned(), key.with_kid(kid))
}

const ISSUER: &str = "https://sts.replicas.example";

/// The demo realm plus `service-k`, a `private_key_jwt` client, written to `dir`.
fn realm_file(dir: &Path, client_pub: &SigningKey) -> String {
    let jwks = json!({"keys": [client_pub.to_public_jwk().unwrap()]}).to_string();
    let text = format!(
        "{}\n[[client]]\nid = \"service-k\"\nkind = \"confidential\"\nauth = {{ method = \"private_key_jwt\", jwks = '{jwks}' }}\ngrants = [\"token_exchange\"]\ndefault_scopes = [\"orders:read\"]\n[[exchange]]\nclient = \"service-k\"\ntargets = [\"service-c\"]\nimpersonation = true\n",
        include_str!("../realms/demo.toml")
    );
    let path = dir.join("realm.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One `audex serve` process (a replica), killed on drop. Replicas share the issuer
/// name, the policy file, the key files and Redis — nothing else.
struct Replica {
    base: String,
    port: u16,
    child: Option<Child>,
}

impl Replica {
    fn start(port: u16, policy: &str, keys: &[&str], redis: Option<&str>) -> Self {
        let addr = format!("127.0.0.1:{port}");
        let mut args = vec![
            "serve", "--addr", &addr, "--issuer", ISSUER, "--policy", policy,
        ];
        for k in keys {
            args.extend(["--key", k]);
        }
        if let Some(url) = redis {
            args.extend(["--redis", url]);
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_audex"))
            .args(&args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The banner's last line comes once the listener is bound.
        let stdout = child.stdout.take().unwrap();
        let mut seen = String::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            seen.push_str(&line);
            seen.push('\n');
            if line.starts_with("Ctrl-C") {
                break;
            }
        }
        assert!(seen.contains("Ctrl-C"), "audex serve did not start: {seen}");
        Self {
            base: format!("http://{addr}"),
            port,
            child: Some(child),
        }
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.stop();
    }
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
    let dir = tempfile::tempdir().unwrap();
    let (server_pem, signer) = keygen(dir.path(), "server.pem");
    let (_, client_key) = keygen(dir.path(), "client.pem");
    let policy = realm_file(dir.path(), &client_key);
    let url = redis.url();
    let r = [
        Replica::start(free_port(), &policy, &[&server_pem], Some(&url)),
        Replica::start(free_port(), &policy, &[&server_pem], Some(&url)),
    ];
    let issuer = ISSUER.to_owned();
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
    let scan = Command::new("redis-cli")
        .args([
            "-p",
            &redis.port.to_string(),
            "--scan",
            "--pattern",
            "audex:revoked:*",
        ])
        .output()
        .expect("redis-cli (redis-tools) is installed by cargo xtask ci");
    let key = String::from_utf8_lossy(&scan.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(!key.is_empty(), "no revocation entry in Redis");
    let t = Command::new("redis-cli")
        .args(["-p", &redis.port.to_string(), "PTTL", &key])
        .output()
        .unwrap();
    let ms: i64 = String::from_utf8_lossy(&t.stdout).trim().parse().unwrap();
    assert!(ms > 0 && ms <= 601_000, "revocation entry TTL {ms} ms");

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

/// Exchanges a fresh subject token (signed by `subject_key`) at replica `r` and
/// returns the issued token.
async fn exchange_at(r: &Replica, subject_key: &SigningKey, n: usize) -> String {
    let subject = mint(subject_key, ISSUER, json!({"jti": format!("rot-{n}")}));
    let body = form(&[
        ("grant_type", TE),
        ("subject_token", &subject),
        ("subject_token_type", AT),
        ("audience", "service-c"),
    ]);
    let (s, _, v) = post(r, "/token", body, Some(("service-b", "service-b-secret"))).await;
    assert_eq!(s, 200, "{v}");
    v["access_token"].as_str().unwrap().to_owned()
}

fn kid_of(token: &str) -> String {
    UnverifiedJws::parse(token, &JwsOptions::default())
        .unwrap()
        .header()
        .kid
        .clone()
        .unwrap()
}

async fn active_at(r: &Replica, token: &str) -> bool {
    let (s, _, v) = post(
        r,
        "/introspect",
        form(&[("token", token)]),
        Some(("service-c", "service-c-secret")),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    v["active"] == true
}

async fn published_kids(r: &Replica) -> Vec<String> {
    let jwks: Value = http()
        .get(format!("{}/jwks", r.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut kids: Vec<String> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect();
    kids.sort();
    kids
}

// conformance: STS-JWKS-1
/// The documented rotation (docs/DEPLOYMENT.md), rolled one replica at a time through
/// two `audex serve` processes: publish the next key, make it the signer, retire the
/// old one. After every single restart, every token issued so far is active at both
/// replicas, whichever replica and key issued it; only the final retirement ends the
/// old key's tokens (after their lifetime, in production).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_rotation_rolled_through_two_replicas_fails_no_token_in_flight() {
    let redis = Redis::start();
    let url = redis.url();
    let dir = tempfile::tempdir().unwrap();
    let (cur_pem, cur) = keygen(dir.path(), "current.pem");
    let (next_pem, next) = keygen(dir.path(), "next.pem");
    let (_, client_key) = keygen(dir.path(), "client.pem");
    let policy = realm_file(dir.path(), &client_key);
    let ports = [free_port(), free_port()];
    let mut r = [
        Replica::start(ports[0], &policy, &[&cur_pem], Some(&url)),
        Replica::start(ports[1], &policy, &[&cur_pem], Some(&url)),
    ];
    let mut issued = vec![
        exchange_at(&r[0], &cur, 0).await,
        exchange_at(&r[1], &cur, 1).await,
    ];
    let mut n = 2;
    let phases: [&[&str]; 2] = [&[&cur_pem, &next_pem], &[&next_pem, &cur_pem]];
    for (phase, keys) in phases.iter().enumerate() {
        for i in 0..2 {
            r[i].stop();
            r[i] = Replica::start(ports[i], &policy, keys, Some(&url));
            assert_eq!(r[i].port, ports[i]);
            // A replica not yet restarted still signs with the key it had.
            for replica in &r {
                issued.push(exchange_at(replica, &cur, n).await);
                n += 1;
            }
            for (t, token) in issued.iter().enumerate() {
                for (j, replica) in r.iter().enumerate() {
                    assert!(
                        active_at(replica, token).await,
                        "phase {phase}, replica {i} restarted: token {t} (kid {}) inactive at replica {j}",
                        kid_of(token)
                    );
                }
            }
        }
        let expected_signer = if phase == 0 {
            cur.thumbprint()
        } else {
            next.thumbprint()
        };
        for replica in &r {
            let token = exchange_at(replica, &cur, n).await;
            n += 1;
            assert_eq!(kid_of(&token), expected_signer, "phase {phase}");
            let mut both = vec![cur.thumbprint().to_owned(), next.thumbprint().to_owned()];
            both.sort();
            assert_eq!(published_kids(replica).await, both);
        }
    }
    let kids: Vec<String> = issued.iter().map(|t| kid_of(t)).collect();
    assert!(
        kids.iter().any(|k| k == cur.thumbprint()) && kids.iter().any(|k| k == next.thumbprint())
    );
    // Retirement: only next.pem. Tokens the next key signed stay active everywhere;
    // those of the retired key are not (in production, none is left by then).
    for i in 0..2 {
        r[i].stop();
        r[i] = Replica::start(ports[i], &policy, &[&next_pem], Some(&url));
    }
    for replica in &r {
        assert_eq!(
            published_kids(replica).await,
            vec![next.thumbprint().to_owned()]
        );
        for token in &issued {
            assert_eq!(
                active_at(replica, token).await,
                kid_of(token) == next.thumbprint(),
                "kid {}",
                kid_of(token)
            );
        }
    }
}

// conformance: OPS-1
/// Policy reload on two replicas under load: SIGHUP to both `audex serve` processes
/// ten times while requests (client_secret exchanges and fresh `private_key_jwt`
/// assertions through Redis) go to both; then a broken file. No request fails, both
/// realms are seen (their lifetimes differ), and the broken file changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reload_on_two_replicas_under_load_fails_no_request() {
    let redis = Redis::start();
    let url = redis.url();
    let dir = tempfile::tempdir().unwrap();
    let (server_pem, signer) = keygen(dir.path(), "server.pem");
    let (_, client_key) = keygen(dir.path(), "client.pem");
    let policy = realm_file(dir.path(), &client_key);
    let first = std::fs::read_to_string(&policy).unwrap();
    let second = first.replace("default_lifetime_secs = 300", "default_lifetime_secs = 240");
    assert_ne!(first, second);
    let r = [
        Replica::start(free_port(), &policy, &[&server_pem], Some(&url)),
        Replica::start(free_port(), &policy, &[&server_pem], Some(&url)),
    ];
    let pids: Vec<u32> = r.iter().map(|x| x.child.as_ref().unwrap().id()).collect();
    let subject = mint(&signer, ISSUER, json!({"jti": "hup-subject"}));
    let subject_k = mint(&signer, ISSUER, json!({"aud": "service-k", "jti": "hup-k"}));
    let reloads = {
        let policy = policy.clone();
        let (first, second) = (first.clone(), second.clone());
        std::thread::spawn(move || {
            let hup = |pids: &[u32]| {
                for pid in pids {
                    let ok = Command::new("kill")
                        .args(["-HUP", &pid.to_string()])
                        .status()
                        .unwrap()
                        .success();
                    assert!(ok, "kill -HUP {pid}");
                }
            };
            for i in 0..10 {
                std::thread::sleep(Duration::from_millis(150));
                std::fs::write(&policy, if i % 2 == 0 { &second } else { &first }).unwrap();
                hup(&pids);
            }
            // A broken file: refused, the realm in place keeps serving.
            std::thread::sleep(Duration::from_millis(150));
            std::fs::write(
                &policy,
                "issuer = \"x\"\n[[exchange]]\nclient = \"ghost\"\n",
            )
            .unwrap();
            hup(&pids);
            std::thread::sleep(Duration::from_millis(300));
        })
    };
    let started = Instant::now();
    let mut n = 0usize;
    let mut lifetimes = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    while started.elapsed() < Duration::from_millis(2300) {
        let replica = &r[n % 2];
        let (s, _, body) = if n % 3 == 2 {
            let a = assertion(&client_key, ISSUER, &format!("hup-{n}"));
            let form = form(&[
                ("grant_type", TE),
                ("subject_token", &subject_k),
                ("subject_token_type", AT),
                ("audience", "service-c"),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &a),
            ]);
            post(replica, "/token", form, None).await
        } else {
            let form = form(&[
                ("grant_type", TE),
                ("subject_token", &subject),
                ("subject_token_type", AT),
                ("audience", "service-c"),
            ]);
            post(
                replica,
                "/token",
                form,
                Some(("service-b", "service-b-secret")),
            )
            .await
        };
        if s == 200 {
            if let Some(e) = body["expires_in"].as_u64() {
                lifetimes.insert(e.div_ceil(10) * 10);
            }
        } else {
            failures.push((n, s, body));
        }
        n += 1;
    }
    reloads.join().unwrap();
    assert!(n > 60, "only {n} requests");
    assert!(
        failures.is_empty(),
        "{} of {n} failed: {:?}",
        failures.len(),
        failures.first()
    );
    assert!(
        lifetimes.contains(&300) && lifetimes.contains(&240),
        "both realms served: {lifetimes:?}"
    );
    // After the broken file, both replicas still serve (the last good realm).
    for replica in &r {
        let form = form(&[
            ("grant_type", TE),
            ("subject_token", &subject),
            ("subject_token_type", AT),
            ("audience", "service-c"),
        ]);
        let (s, _, body) = post(
            replica,
            "/token",
            form,
            Some(("service-b", "service-b-secret")),
        )
        .await;
        assert_eq!(s, 200, "{body}");
    }
}
