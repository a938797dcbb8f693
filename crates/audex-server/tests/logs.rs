//! What the service logs: each decision's rule trace, never a token, a secret or an
//! assertion, and outside bytes escaped (STS-LOG-1).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use serde_json::json;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// conformance: STS-LOG-1, CA-CT-1
#[tokio::test(flavor = "current_thread")]
async fn logs_carry_the_rule_trace_and_no_secrets() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sts = Sts::start().await;
    let alice = sts.mint(json!({}));
    // A grant, a denial, a wrong secret, a private_key_jwt, a token whose aud carries
    // a forged log line with ANSI and bidi characters.
    let ok = sts
        .exchange("service-b", &alice, &[("audience", "service-c")])
        .await;
    assert_eq!(ok.status, 200);
    let issued = ok.json()["access_token"].as_str().unwrap().to_owned();
    let _ = sts
        .exchange("service-b", &alice, &[("audience", "hr-api")])
        .await;
    let _ = sts
        .post(
            "/token",
            &form(&[("grant_type", "client_credentials")]),
            Some(("service-b", "hunter2-wrong")),
        )
        .await;
    let forged_aud = "x\n2026-01-01T00:00:00Z  INFO forged line\u{1b}[31m\u{202e}";
    let hostile = sts.mint_raw(
        &json!({"iss": sts.issuer, "sub": "alice", "aud": forged_aud,
        "client_id": "service-b", "exp": unix_now() + 60, "iat": unix_now(), "jti": "h-1"}),
    );
    let _ = sts.exchange("service-b", &hostile, &[]).await;
    // Without a colon the value is a plain string: it reaches the decision's reason.
    let hostile2 = sts.mint_raw(
        &json!({"iss": sts.issuer, "sub": "alice", "aud": "x\nINFO forged2\u{1b}[31m\u{202e}",
        "client_id": "c", "exp": unix_now() + 60, "iat": unix_now(), "jti": "h-2"}),
    );
    let _ = sts.exchange("service-b", &hostile2, &[]).await;
    let assertion = audex_jose::sign_jwt(
        &json!({"iss": "service-k", "sub": "service-k", "aud": sts.issuer, "exp": unix_now() + 60, "jti": "log-1"}),
        &sts.client_key,
        Some("client-authentication+jwt"),
    )
    .unwrap();
    let _ = sts
        .post(
            "/token",
            &form(&[
                ("grant_type", "client_credentials"),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ),
                ("client_assertion", &assertion),
            ]),
            None,
        )
        .await;
    sts.stop().await;

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    // The rule trace of the grant and of the denial.
    assert!(logs.contains("subject-issuer:pass"), "{logs}");
    assert!(logs.contains("targets:FAIL"), "{logs}");
    assert!(logs.contains("granted=true"), "{logs}");
    // Never a token, a secret or an assertion (nor their signatures).
    for secret in [
        alice.as_str(),
        issued.as_str(),
        hostile.as_str(),
        hostile2.as_str(),
        assertion.as_str(),
        "service-b-secret",
        "hunter2-wrong",
    ] {
        assert!(!logs.contains(secret), "log contains a secret: {secret}");
        let sig = secret.rsplit('.').next().unwrap();
        assert!(!logs.contains(sig), "log contains a signature");
    }
    // Outside bytes are escaped: no forged line, no ESC, no bidi override.
    assert!(!logs.contains('\u{1b}'), "{logs}");
    assert!(!logs.contains('\u{202e}'), "{logs}");
    assert!(
        !logs
            .lines()
            .any(|l| l.starts_with("2026-01-01T00:00:00Z  INFO forged")),
        "{logs}"
    );
}
