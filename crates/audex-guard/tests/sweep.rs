//! Malformed-request sweep of the guard: thousands of generated `Authorization`
//! headers (garbage, near-JWTs, tampered and foreign tokens, oversized tokens, control
//! and non-ASCII bytes, repeated headers) sent as raw bytes to a real listener. None
//! gets a 5xx; every refusal from the guard is an RFC 6750 answer that echoes no token
//! bytes; the handler runs only for the one valid token; a good request still passes
//! while the sweep runs (the tests share one server and run in parallel).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use audex_claims::{AccessTokenClaims, StringOrUri};
use audex_guard::{Authenticated, Guard, KeySource};
use audex_jose::{Algorithm, KeySet, SigningKey};
use axum::Router;
use axum::routing::get;
use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ISS: &str = "https://sts.example";

struct World {
    rt: tokio::runtime::Runtime,
    addr: String,
    valid: String,
    foreign: String,
    /// The `x-probe` of every request the handler ran for.
    reached: Arc<Mutex<HashSet<String>>>,
    next_probe: AtomicU64,
}

fn token(key: &SigningKey, aud: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let c = serde_json::json!({"iss": ISS, "sub": "alice", "aud": aud, "client_id": "portal",
        "exp": now + 600, "iat": now, "jti": "sweep", "scope": "orders:read"});
    let claims = AccessTokenClaims::from_json_slice(c.to_string().as_bytes()).unwrap();
    audex_jose::sign_access_token(&claims, key).unwrap()
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (key, _) = SigningKey::generate(Algorithm::ES256).unwrap();
        let kid = key.thumbprint().to_owned();
        let key = key.with_kid(kid);
        let keys = KeySet::new(vec![key.verifying_key().unwrap()])
            .for_issuer(StringOrUri::new(ISS).unwrap());
        let guard = Guard::new(
            StringOrUri::new(ISS).unwrap(),
            StringOrUri::new("service-c").unwrap(),
            KeySource::Static(Arc::new(keys)),
        );
        let reached = Arc::new(Mutex::new(HashSet::new()));
        let seen = Arc::clone(&reached);
        let app: Router = Router::new()
            .route(
                "/me",
                get(move |u: Authenticated, h: axum::http::HeaderMap| {
                    let seen = Arc::clone(&seen);
                    async move {
                        if let Some(p) = h.get("x-probe").and_then(|v| v.to_str().ok()) {
                            seen.lock().unwrap().insert(p.to_owned());
                        }
                        u.claims().sub.as_str().to_owned()
                    }
                }),
            )
            .layer(guard.layer());
        let addr = rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap().to_string();
            tokio::spawn(async move { axum::serve(listener, app).await });
            addr
        });
        World {
            rt,
            addr,
            valid: token(&key, "service-c"),
            foreign: token(&key, "service-b"),
            reached,
            next_probe: AtomicU64::new(0),
        }
    })
}

/// Whether the handler ran for the request with this probe.
fn reached(w: &World, probe: &str) -> bool {
    w.reached.lock().unwrap().contains(probe)
}

/// One request with the given raw header lines and a unique `x-probe`; the probe, the
/// status, the raw head and body.
async fn send(w: &World, headers: &[Vec<u8>]) -> (String, u16, String, String) {
    let probe = format!("p{}", w.next_probe.fetch_add(1, Ordering::Relaxed));
    let mut s = tokio::net::TcpStream::connect(&w.addr).await.unwrap();
    let mut req = format!(
        "GET /me HTTP/1.1\r\nHost: guard.test\r\nConnection: close\r\nx-probe: {probe}\r\n"
    )
    .into_bytes();
    for h in headers {
        req.extend_from_slice(b"Authorization: ");
        req.extend_from_slice(h);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"\r\n");
    // The server may answer and close before reading everything (oversized heads).
    let _ = s.write_all(&req).await;
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (probe, status, head.to_owned(), body.to_owned())
}

/// Header values: each strategy one family of hostile input.
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    let w = world();
    let (valid, foreign) = (w.valid.clone(), w.foreign.clone());
    let tampered = {
        let valid = valid.clone();
        (0..valid.len(), any::<u8>()).prop_map(move |(i, b)| {
            let mut t = valid.clone().into_bytes();
            let c = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
                [usize::from(b) % 65];
            if t[i] == c {
                t[i] = if c == b'A' { b'B' } else { b'A' };
            } else {
                t[i] = c;
            }
            [b"Bearer ".to_vec(), t].concat()
        })
    };
    prop_oneof![
        // Printable garbage, with and without a scheme.
        "[ -~]{0,120}".prop_map(String::into_bytes),
        "[ -~]{0,80}".prop_map(|s| format!("Bearer {s}").into_bytes()),
        // Near-JWTs: base64url-ish parts and dots.
        "[A-Za-z0-9_.-]{0,300}".prop_map(|s| format!("Bearer {s}").into_bytes()),
        "(e[A-Za-z0-9_-]{0,40}\\.){0,5}[A-Za-z0-9_-]{0,40}"
            .prop_map(|s| format!("Bearer {s}").into_bytes()),
        // A valid token changed in one byte; a token for another service.
        tampered,
        Just(format!("Bearer {foreign}").into_bytes()),
        // Schemes and spacing.
        Just(format!("Basic {valid}").into_bytes()),
        Just(format!("Bearer  {valid}").into_bytes()),
        Just(format!("Bearer {valid} extra").into_bytes()),
        Just(b"Bearer".to_vec()),
        // Oversized, control and non-ASCII bytes.
        (1usize..40).prop_map(|k| format!("Bearer {}", "A".repeat(k * 1024)).into_bytes()),
        prop::collection::vec(any::<u8>(), 0..200).prop_map(|b| [b"Bearer ".to_vec(), b].concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_bad_authorization_gets_a_5xx_or_reaches_the_handler(
        first in header_value(),
        second in prop::option::weighted(0.1, header_value()),
    ) {
        let w = world();
        let headers: Vec<Vec<u8>> = std::iter::once(first.clone()).chain(second).collect();
        let (probe, status, head, body) = w.rt.block_on(send(w, &headers));
        prop_assert!((200..500).contains(&status) && status != 0, "{status} for {headers:?}\n{head}");
        let reached = reached(w, &probe);
        if status == 200 {
            // Only the valid token, alone and well-formed, reaches the handler.
            prop_assert!(reached && body == "alice", "{head}\n{body}");
            prop_assert_eq!(headers.len(), 1);
        } else {
            prop_assert!(!reached, "handler reached with {status}");
        }
        let lower = head.to_ascii_lowercase();
        if status == 401 || status == 403 {
            prop_assert!(lower.contains("www-authenticate: bearer realm=\"service-c\""), "{head}");
        }
        // No token bytes echoed: the signature part of any candidate never comes back.
        for h in &headers {
            if let Some(sig) = String::from_utf8_lossy(h).rsplit('.').next().filter(|s| s.len() > 20) {
                prop_assert!(!body.contains(sig) && !head.contains(sig), "echoed {sig}");
            }
        }
    }
}

#[test]
fn a_good_request_passes_while_the_sweep_runs() {
    let w = world();
    let valid = format!("Bearer {}", w.valid).into_bytes();
    let (probe, status, _, body) = w.rt.block_on(send(w, &[valid]));
    assert_eq!((status, body.as_str()), (200, "alice"));
    assert!(reached(w, &probe));
}

// conformance: RS-1
/// The families of the sweep, one example each, with the exact answer.
#[test]
fn each_family_gets_its_exact_answer() {
    let w = world();
    let v = &w.valid;
    /// Header lines, the status, the challenge's error code.
    type Case<'a> = (Vec<Vec<u8>>, u16, Option<&'a str>);
    let cases: Vec<Case> = vec![
        (vec![format!("Bearer {v}").into_bytes()], 200, None),
        (vec![format!("bearer {v}").into_bytes()], 200, None),
        (
            vec![format!("Bearer {}", w.foreign).into_bytes()],
            401,
            Some("invalid_token"),
        ),
        (vec![b"Basic dXNlcjpwYXNz".to_vec()], 401, None),
        (vec![b"Bearer a b".to_vec()], 400, Some("invalid_request")),
        (
            vec![
                format!("Bearer {v}").into_bytes(),
                format!("Bearer {v}").into_bytes(),
            ],
            400,
            Some("invalid_request"),
        ),
        (
            vec![b"Bearer \xff\xfe".to_vec()],
            400,
            Some("invalid_request"),
        ),
        (
            vec![b"Bearer e30.e30.".to_vec()],
            401,
            Some("invalid_token"),
        ),
    ];
    for (headers, want, code) in cases {
        let (probe, status, head, body) = w.rt.block_on(send(w, &headers));
        assert_eq!(status, want, "{headers:?}\n{head}\n{body}");
        assert_eq!(reached(w, &probe), want == 200);
        if want != 200 {
            let challenge = head
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("www-authenticate:"))
                .unwrap_or_default();
            match code {
                Some(c) => assert!(challenge.contains(&format!("error=\"{c}\"")), "{head}"),
                None => assert!(!challenge.contains("error="), "{head}"),
            }
        }
    }
    // An oversized head is refused by the HTTP layer before the guard, with a 4xx.
    let huge = format!("Bearer {}", "A".repeat(200 * 1024)).into_bytes();
    let (_, status, _, _) = w.rt.block_on(send(w, &[huge]));
    assert!((400..500).contains(&status), "{status}");
}
