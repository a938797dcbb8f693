//! End-to-end tests over loopback: a real listener, real HTTP, the seed stories, every
//! client-authentication method and the RFC 8693 error paths.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

mod common;

use audex_claims::{NumericDate, StringOrUri};
use audex_jose::{Algorithm, KeySet, Validation};
use common::*;
use serde_json::{Value, json};

fn now() -> NumericDate {
    NumericDate::from_secs(unix_now()).unwrap()
}

fn sou(s: &str) -> StringOrUri {
    StringOrUri::new(s.to_owned()).unwrap()
}

/// The published JWK Set, as a verifier outside sees it.
async fn published_keys(sts: &Sts) -> KeySet {
    let r = sts.get(&format!("{}/jwks", sts.path_prefix())).await;
    assert_eq!(r.status, 200);
    KeySet::from_jwks(&r.body)
        .unwrap()
        .for_issuer(sou(&sts.issuer))
}

// conformance: STS-TOK-1, TE-RES-1
#[tokio::test]
async fn the_a_b_c_story_over_http() {
    let sts = Sts::start().await;
    let alice = sts.mint(json!({}));
    // C, a resource server, rejects B's replay of Alice's token: wrong audience.
    let keys = published_keys(&sts).await;
    let at_c = Validation::access_token(sou(&sts.issuer), sou("service-c"));
    assert!(matches!(
        at_c.verify(&alice, &keys, now()),
        Err(audex_jose::VerifyError::Audience(_))
    ));
    // B exchanges it for C.
    let r = sts
        .exchange(
            "service-b",
            &alice,
            &[("audience", "service-c"), ("scope", "orders:read")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.header("pragma"), Some("no-cache"));
    let j = r.json();
    assert_eq!(j["issued_token_type"], AT);
    assert_eq!(j["token_type"], "Bearer");
    assert!(j.get("refresh_token").is_none());
    assert!(j.get("scope").is_none(), "scope equals the request: {j}");
    let expires_in = j["expires_in"].as_u64().unwrap();
    assert!((290..=300).contains(&expires_in), "{j}");
    // The new token verifies at C with nothing but the published JWKS (STS-TOK-1).
    let token = j["access_token"].as_str().unwrap();
    let v = at_c.verify(token, &keys, now()).unwrap();
    assert_eq!(v.header().typ.as_deref(), Some("at+jwt"));
    let c = v.claims();
    assert_eq!(c.sub.as_str(), "alice");
    assert_eq!(c.client_id, "service-b");
    assert_eq!(c.azp.as_deref(), Some("service-b"));
    assert_eq!(c.scope.as_ref().unwrap().to_string(), "orders:read");
    assert!(c.act.is_none());
    // aud is a string when single; jti unique across exchanges.
    let payload = decode_payload(token);
    assert_eq!(payload["aud"], json!("service-c"));
    assert!(payload["scope"].is_string());
    let again = sts
        .exchange("service-b", &alice, &[("audience", "service-c")])
        .await
        .json();
    let p2 = decode_payload(again["access_token"].as_str().unwrap());
    assert_ne!(payload["jti"], p2["jti"]);
    // No scope asked: the granted one is reported (TE-RES-2).
    assert_eq!(again["scope"], "orders:read orders:write");
    // Widening scope is refused.
    sts.exchange(
        "service-b",
        &alice,
        &[
            ("audience", "service-c"),
            ("scope", "orders:read orders:admin"),
        ],
    )
    .await
    .assert_error(400, "invalid_scope");
    sts.stop().await;
}

fn decode_payload(token: &str) -> Value {
    use base64::Engine;
    let p = token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(p)
            .unwrap(),
    )
    .unwrap()
}

// conformance: INT-1
#[tokio::test]
async fn delegation_yields_act_and_introspection_shows_it() {
    let sts = Sts::start().await;
    let alice = sts.mint(json!({}));
    let b = sts.mint(json!({"sub": "service-b", "client_id": "service-b", "azp": "service-b", "aud": "https://sts"}));
    let r = sts
        .exchange(
            "service-b",
            &alice,
            &[
                ("audience", "service-c"),
                ("actor_token", &b),
                ("actor_token_type", AT),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let token = r.json()["access_token"].as_str().unwrap().to_owned();
    let payload = decode_payload(&token);
    assert_eq!(payload["act"]["sub"], "service-b");
    // Introspection by an authenticated client returns act.
    let body = form(&[("token", &token)]);
    let i = sts
        .post(
            "/introspect",
            &body,
            Some(("service-c", "service-c-secret")),
        )
        .await;
    assert_eq!(i.status, 200);
    let j = i.json();
    assert_eq!(j["active"], true);
    assert_eq!(j["act"]["sub"], "service-b");
    assert_eq!(j["aud"], "service-c");
    assert_eq!(j["client_id"], "service-b");
    // A public client or a wrong secret may not introspect.
    sts.post("/introspect", &body, Some(("service-c", "nope")))
        .await
        .assert_error(401, "invalid_client");
    sts.post(
        "/introspect",
        &format!("{body}&client_id=customer-portal"),
        None,
    )
    .await
    .assert_error(400, "invalid_client");
    // Garbage and foreign tokens are inactive, not errors.
    let g = sts
        .post(
            "/introspect",
            &form(&[("token", "garbage")]),
            Some(("service-c", "service-c-secret")),
        )
        .await;
    assert_eq!(g.json(), json!({"active": false}));
    sts.stop().await;
}

// conformance: TE-ERR-1, TE-ERR-2, STS-ERR-1
#[tokio::test]
async fn every_error_path_has_its_code_and_status() {
    let sts = Sts::start().await;
    let alice = sts.mint(json!({}));
    let te = |extra: &[(&str, &str)]| {
        let mut p = vec![
            ("grant_type", TE),
            ("subject_token", alice.as_str()),
            ("subject_token_type", AT),
        ];
        p.extend_from_slice(extra);
        form(&p)
    };
    // invalid_target: not registered, and registered but not permitted.
    sts.exchange("service-b", &alice, &[("audience", "nowhere")])
        .await
        .assert_error(400, "invalid_target");
    sts.exchange("service-b", &alice, &[("audience", "hr-api")])
        .await
        .assert_error(400, "invalid_target");
    sts.exchange(
        "service-b",
        &alice,
        &[("resource", "https://b.example/api")],
    )
    .await
    .assert_error(400, "invalid_target");
    // unauthorized_client: client-a may not exchange.
    let bad = sts.mint(json!({"aud": "client-a"}));
    sts.exchange("client-a", &bad, &[])
        .await
        .assert_error(400, "unauthorized_client");
    // invalid_request: a token not for service-b's eyes, an unsupported subject type,
    // a missing subject_token, a garbage token, an actor without its type.
    let other = sts.mint(json!({"aud": "service-c", "client_id": "x", "azp": "x"}));
    let j = sts
        .exchange("service-b", &other, &[])
        .await
        .assert_error(400, "invalid_request");
    assert!(
        j["error_description"]
            .as_str()
            .unwrap()
            .starts_with("subject_token rejected"),
        "{j}"
    );
    sts.post(
        "/token",
        &te(&[]).replace("access_token", "saml2"),
        Some(("service-b", "service-b-secret")),
    )
    .await
    .assert_error(400, "invalid_request");
    sts.post(
        "/token",
        &form(&[("grant_type", TE), ("subject_token_type", AT)]),
        Some(("service-b", "service-b-secret")),
    )
    .await
    .assert_error(400, "invalid_request");
    sts.exchange("service-b", "not.a.jwt", &[])
        .await
        .assert_error(400, "invalid_request");
    sts.post(
        "/token",
        &te(&[("actor_token", "x")]),
        Some(("service-b", "service-b-secret")),
    )
    .await
    .assert_error(400, "invalid_request");
    // An expired subject token.
    let old = sts.mint(json!({"exp": unix_now() - 3600, "iat": unix_now() - 4000}));
    sts.exchange("service-b", &old, &[])
        .await
        .assert_error(400, "invalid_request");
    // A token signed by someone else under our issuer name.
    let (mallory, _) = key_pair(Algorithm::ES256);
    let forged = sts.mint_with(&mallory, json!({}));
    sts.exchange("service-b", &forged, &[])
        .await
        .assert_error(400, "invalid_request");
    // unsupported_grant_type.
    sts.post(
        "/token",
        "grant_type=password&username=a&password=b",
        Some(("service-b", "service-b-secret")),
    )
    .await
    .assert_error(400, "unsupported_grant_type");
    // Repeated parameters, empty or not.
    sts.post(
        "/token",
        &te(&[("scope", ""), ("scope", "orders:read")]),
        Some(("service-b", "service-b-secret")),
    )
    .await
    .assert_error(400, "invalid_request");
    // 405 with Allow, 415, 413, 404: RFC bodies too.
    let r = sts.get("/token").await;
    r.assert_error(405, "invalid_request");
    assert_eq!(r.header("allow"), Some("POST"));
    let r = Reply::from(
        sts.http
            .post(sts.url("/token"))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap(),
    )
    .await;
    r.assert_error(415, "invalid_request");
    let huge = format!("{}&pad={}", te(&[]), "a".repeat(70 * 1024));
    sts.post("/token", &huge, Some(("service-b", "service-b-secret")))
        .await
        .assert_error(413, "invalid_request");
    sts.get("/nope").await.assert_error(404, "invalid_request");
    sts.stop().await;
}

// conformance: STS-AUTH-1, CA-CT-1
#[tokio::test]
async fn client_authentication_methods_and_failures() {
    let sts = Sts::start().await;
    let alice = sts.mint(json!({}));
    let base = form(&[
        ("grant_type", TE),
        ("subject_token", &alice),
        ("subject_token_type", AT),
        ("audience", "service-c"),
    ]);
    // client_secret_basic and client_secret_post both work.
    assert_eq!(
        sts.post("/token", &base, Some(("service-b", "service-b-secret")))
            .await
            .status,
        200
    );
    let post = format!("{base}&client_id=service-b&client_secret=service-b-secret");
    assert_eq!(sts.post("/token", &post, None).await.status, 200);
    // Unknown client and wrong secret: the same answer.
    let unknown = sts
        .post("/token", &base, Some(("nobody", "service-b-secret")))
        .await;
    let wrong = sts
        .post("/token", &base, Some(("service-b", "wrong")))
        .await;
    assert_eq!(
        unknown.assert_error(401, "invalid_client"),
        wrong.assert_error(401, "invalid_client")
    );
    assert_eq!(
        unknown.header("www-authenticate"),
        Some("Basic realm=\"audex\"")
    );
    let unknown_post = sts
        .post(
            "/token",
            &format!("{base}&client_id=nobody&client_secret=x"),
            None,
        )
        .await;
    let wrong_post = sts
        .post(
            "/token",
            &format!("{base}&client_id=service-b&client_secret=x"),
            None,
        )
        .await;
    assert_eq!(
        unknown_post.assert_error(400, "invalid_client"),
        wrong_post.assert_error(400, "invalid_client")
    );
    // Two methods in one request: invalid_request, not a challenge.
    let two = sts
        .post(
            "/token",
            &format!("{base}&client_secret=service-b-secret&client_id=service-b"),
            Some(("service-b", "service-b-secret")),
        )
        .await;
    two.assert_error(400, "invalid_request");
    // A confidential client that does not authenticate.
    sts.post("/token", &format!("{base}&client_id=service-b"), None)
        .await
        .assert_error(400, "invalid_client");
    // Same work for unknown and wrong: medians within a factor of two.
    let mut times = [Vec::new(), Vec::new()];
    for i in 0..120 {
        let who = if i % 2 == 0 {
            ("nobody", "x")
        } else {
            ("service-b", "x")
        };
        let t = std::time::Instant::now();
        let _ = sts.post("/token", &base, Some(who)).await;
        times[i % 2].push(t.elapsed());
    }
    for t in &mut times {
        t.sort();
    }
    let (a, b) = (
        times[0][60 / 2].as_secs_f64(),
        times[1][60 / 2].as_secs_f64(),
    );
    assert!(
        a / b < 2.0 && b / a < 2.0,
        "unknown {a}s vs wrong secret {b}s"
    );
    sts.stop().await;
}

fn assertion(sts: &Sts, extra: Value) -> String {
    let now = unix_now();
    let mut c = json!({"iss": "service-k", "sub": "service-k", "aud": sts.issuer, "exp": now + 60, "iat": now, "jti": format!("a-{now}-{}", extra.to_string().len())});
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    audex_jose::sign_jwt(&c, &sts.client_key, Some("client-authentication+jwt")).unwrap()
}

// conformance: CA-JWT-1, CA-JWT-2
#[tokio::test]
async fn private_key_jwt_with_replay_protection() {
    let sts = Sts::start().await;
    let alice = sts.mint(json!({"aud": "service-k"}));
    let with = |a: &str| {
        form(&[
            ("grant_type", TE),
            ("subject_token", &alice),
            ("subject_token_type", AT),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", a),
        ])
    };
    let a = assertion(&sts, json!({}));
    let ok = sts.post("/token", &with(&a), None).await;
    assert_eq!(ok.status, 200, "{}", String::from_utf8_lossy(&ok.body));
    // The same assertion again: a replay.
    let j = sts
        .post("/token", &with(&a), None)
        .await
        .assert_error(400, "invalid_client");
    assert!(
        j["error_description"].as_str().unwrap().contains("replay"),
        "{j}"
    );
    // aud must be the issuer alone; typ must be the assertion type; a wrong key fails.
    for bad in [
        assertion(&sts, json!({"aud": format!("{}/token", sts.issuer), "jti": "b1"})),
        assertion(&sts, json!({"aud": [sts.issuer.clone(), "x"], "jti": "b2"})),
        assertion(&sts, json!({"sub": "service-b", "jti": "b3"})),
        audex_jose::sign_jwt(&json!({"iss": "service-k", "sub": "service-k", "aud": sts.issuer, "exp": unix_now() + 60, "jti": "b4"}), &sts.client_key, Some("JWT")).unwrap(),
        audex_jose::sign_jwt(&json!({"iss": "service-k", "sub": "service-k", "aud": sts.issuer, "exp": unix_now() + 60, "jti": "b5"}), &key_pair(Algorithm::ES256).0, Some("client-authentication+jwt")).unwrap(),
    ] {
        sts.post("/token", &with(&bad), None).await.assert_error(400, "invalid_client");
    }
    sts.stop().await;
}

// conformance: STS-KC-1, MD-1
#[tokio::test]
async fn keycloak_paths_and_discovery_behave_like_the_native_ones() {
    let sts = Sts::start().await;
    let alice = sts.mint(json!({}));
    let kc = "/realms/audex/protocol/openid-connect";
    let r = sts
        .exchange_at(
            &format!("{kc}/token"),
            "service-b",
            &alice,
            &[("audience", "service-c")],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        sts.get(&format!("{kc}/certs")).await.body,
        sts.get("/jwks").await.body
    );
    let native = sts
        .get("/.well-known/oauth-authorization-server")
        .await
        .json();
    assert_eq!(native["issuer"], sts.issuer.as_str());
    assert_eq!(native["token_endpoint"], format!("{}/token", sts.issuer));
    assert_eq!(
        sts.get("/.well-known/openid-configuration").await.json(),
        native
    );
    assert_eq!(
        sts.get("/realms/audex/.well-known/openid-configuration")
            .await
            .json(),
        native
    );
    // Another realm name does not exist.
    sts.exchange_at(
        "/realms/other/protocol/openid-connect/token",
        "service-b",
        &alice,
        &[],
    )
    .await
    .assert_error(404, "invalid_request");
    // Keycloak-style introspection.
    let token = r.json()["access_token"].as_str().unwrap().to_owned();
    let i = sts
        .post(
            &format!("{kc}/token/introspect"),
            &form(&[("token", &token)]),
            Some(("service-c", "service-c-secret")),
        )
        .await;
    assert_eq!(i.json()["active"], true);
    sts.stop().await;
}

// conformance: MD-1
#[tokio::test]
async fn an_issuer_with_a_path_uses_the_rfc8414_insertion_rule() {
    let sts = Sts::start_with(Options {
        path: "/sts",
        ..Options::default()
    })
    .await;
    let m = sts.get("/.well-known/oauth-authorization-server/sts").await;
    assert_eq!(m.status, 200);
    let m = m.json();
    assert_eq!(m["issuer"], sts.issuer.as_str());
    assert_eq!(m["token_endpoint"], format!("{}/token", sts.issuer));
    assert_eq!(
        sts.get("/sts/.well-known/openid-configuration")
            .await
            .json(),
        m
    );
    assert_eq!(
        sts.get("/.well-known/oauth-authorization-server")
            .await
            .status,
        404
    );
    let alice = sts.mint(json!({}));
    assert_eq!(
        sts.exchange("service-b", &alice, &[("audience", "service-c")])
            .await
            .status,
        200
    );
    sts.stop().await;
}

// conformance: STS-JWKS-1
#[tokio::test]
async fn jwks_is_public_with_thumbprint_kids_and_rotation_publishes_both() {
    let (old_signer, old_published) = key_pair(Algorithm::ES256);
    let sts = Sts::start_with(Options {
        previous_key: Some(old_published),
        ..Options::default()
    })
    .await;
    let jwks = sts.get("/jwks").await;
    assert_eq!(
        jwks.header("content-type"),
        Some("application/jwk-set+json")
    );
    let j = jwks.json();
    let keys = j["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    for k in keys {
        assert!(k.get("d").is_none(), "{k}");
        assert_eq!(k["use"], "sig");
        assert_eq!(k["alg"], "ES256");
        let thumb = audex_jose::Jwk::from_json(k.to_string().as_bytes()).unwrap();
        let vk = thumb.verifying_key().unwrap();
        assert_eq!(k["kid"].as_str().unwrap(), vk.thumbprint());
    }
    // A token signed by the old key (in flight during rotation) still exchanges; new
    // tokens carry the active kid.
    let old_kid = old_signer.thumbprint().to_owned();
    let old = sts.mint_with(&old_signer.with_kid(old_kid.clone()), json!({}));
    let r = sts
        .exchange("service-b", &old, &[("audience", "service-c")])
        .await;
    assert_eq!(r.status, 200);
    let issued = r.json()["access_token"].as_str().unwrap().to_owned();
    let header = decode_header(&issued);
    assert_eq!(header["kid"], keys[0]["kid"]);
    assert_ne!(header["kid"], old_kid.as_str());
    sts.stop().await;
}

fn decode_header(token: &str) -> Value {
    use base64::Engine;
    let p = token.split('.').next().unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(p)
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn portal_story_customer_never_reaches_hr_back_office_does() {
    let sts = Sts::start().await;
    let portal_token = sts.mint(json!({"aud": "customer-portal", "client_id": "customer-portal", "azp": "customer-portal", "scope": "orders:read hr:read"}));
    let public = |aud: &'static str| {
        form(&[
            ("grant_type", TE),
            ("subject_token", &portal_token),
            ("subject_token_type", AT),
            ("audience", aud),
            ("client_id", "customer-portal"),
        ])
    };
    sts.post("/token", &public("hr-api"), None)
        .await
        .assert_error(400, "invalid_target");
    let ok = sts.post("/token", &public("order-status-api"), None).await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json()["scope"], "orders:read");
    let bo = sts.mint(json!({"aud": "backoffice-portal", "client_id": "backoffice-portal", "azp": "backoffice-portal", "scope": "hr:read"}));
    let r = sts
        .exchange("backoffice-portal", &bo, &[("audience", "hr-api")])
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(
        decode_payload(r.json()["access_token"].as_str().unwrap())["aud"],
        "hr-api"
    );
    sts.stop().await;
}

#[tokio::test]
async fn client_credentials_with_audience() {
    let sts = Sts::start().await;
    let body = form(&[
        ("grant_type", "client_credentials"),
        ("audience", "service-b"),
    ]);
    let r = sts
        .post("/token", &body, Some(("client-a", "client-a-secret")))
        .await;
    assert_eq!(r.status, 200);
    let j = r.json();
    assert_eq!(j["token_type"], "Bearer");
    assert!(j.get("issued_token_type").is_none());
    let keys = published_keys(&sts).await;
    let v = Validation::access_token(sou(&sts.issuer), sou("service-b"))
        .verify(j["access_token"].as_str().unwrap(), &keys, now())
        .unwrap();
    assert_eq!(v.claims().sub.as_str(), "client-a");
    sts.post(
        "/token",
        &form(&[
            ("grant_type", "client_credentials"),
            ("audience", "service-c"),
        ]),
        Some(("client-a", "client-a-secret")),
    )
    .await
    .assert_error(400, "invalid_target");
    sts.stop().await;
}

// conformance: REV-1
#[tokio::test]
async fn revocation_makes_a_token_inactive_and_unexchangeable() {
    let sts = Sts::start().await;
    let alice = sts.mint(json!({}));
    // Only its own client revokes it; another client's attempt is a silent no-op.
    let r = sts
        .post(
            "/revoke",
            &form(&[("token", &alice)]),
            Some(("service-c", "service-c-secret")),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        sts.exchange("service-b", &alice, &[("audience", "service-c")])
            .await
            .status,
        200
    );
    let r = sts
        .post(
            "/revoke",
            &form(&[("token", &alice)]),
            Some(("client-a", "client-a-secret")),
        )
        .await;
    assert_eq!(r.status, 200);
    let j = sts
        .exchange("service-b", &alice, &[("audience", "service-c")])
        .await
        .assert_error(400, "invalid_request");
    assert!(
        j["error_description"].as_str().unwrap().contains("revoked"),
        "{j}"
    );
    let i = sts
        .post(
            "/introspect",
            &form(&[("token", &alice)]),
            Some(("service-c", "service-c-secret")),
        )
        .await;
    assert_eq!(i.json(), json!({"active": false}));
    // Unknown tokens answer 200 too.
    assert_eq!(
        sts.post(
            "/revoke",
            &form(&[("token", "junk")]),
            Some(("client-a", "client-a-secret"))
        )
        .await
        .status,
        200
    );
    sts.stop().await;
}

#[tokio::test]
async fn health_and_metrics() {
    let sts = Sts::start().await;
    let h = sts.get("/healthz").await;
    assert_eq!((h.status, h.json()["status"].as_str()), (200, Some("ok")));
    let alice = sts.mint(json!({}));
    let _ = sts
        .exchange("service-b", &alice, &[("audience", "service-c")])
        .await;
    let _ = sts
        .exchange("service-b", &alice, &[("audience", "hr-api")])
        .await;
    let m = sts.get("/metrics").await;
    let text = String::from_utf8(m.body).unwrap();
    assert!(text.contains("audex_token_requests_total{grant=\"token_exchange\",outcome=\"granted\",rule=\"refresh-token\"} 1"), "{text}");
    assert!(text.contains("audex_token_requests_total{grant=\"token_exchange\",outcome=\"denied\",rule=\"targets\"} 1"), "{text}");
    assert!(
        text.contains("audex_token_request_seconds_bucket"),
        "{text}"
    );
    sts.stop().await;
}

#[tokio::test]
async fn graceful_shutdown_finishes_and_stops_listening() {
    let sts = Sts::start().await;
    let base = sts.base.clone();
    sts.stop().await;
    assert!(reqwest::get(format!("{base}/healthz")).await.is_err());
}

// conformance: POL-XISS-2
#[tokio::test]
async fn a_trusted_issuer_with_a_jwks_uri_is_fetched_and_its_subjects_qualified() {
    // The partner's JWKS, on a real loopback listener.
    let (partner_key, partner_pub) = key_pair(Algorithm::ES256);
    let jwks = json!({"keys": [partner_pub.to_public_jwk().unwrap()]}).to_string();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let jwks_url = format!("http://{}/jwks", listener.local_addr().unwrap());
    let app = axum::Router::new().route(
        "/jwks",
        axum::routing::get(move || {
            let jwks = jwks.clone();
            async move { ([("content-type", "application/json")], jwks) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let partner = "https://idp.partner.example";
    let sts = Sts::start_with(Options {
        extra_realm: format!(
            "[[trusted_issuer]]\nissuer = \"{partner}\"\njwks_uri = \"{jwks_url}\"\naccepted_audiences = [\"audex-sts\"]\nclients = [\"service-b\"]\nsubject_prefix = \"partner:\"\n"
        ),
        ..Options::default()
    })
    .await;
    let now = unix_now();
    let claims = audex_claims::AccessTokenClaims::from_json_slice(
        json!({"iss": partner, "sub": "admin", "aud": "audex-sts", "client_id": "service-b",
               "exp": now + 300, "iat": now, "jti": "p1", "scope": "orders:read"})
        .to_string()
        .as_bytes(),
    )
    .unwrap();
    let token = audex_jose::sign_access_token(&claims, &partner_key).unwrap();
    let r = sts
        .exchange("service-b", &token, &[("audience", "service-c")])
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let p = decode_payload(r.json()["access_token"].as_str().unwrap());
    assert_eq!(p["sub"], "partner:admin");
    assert_eq!(p["iss"], sts.issuer.as_str());
    // Its token presented by another client is refused; a forged one too.
    let (mallory, _) = key_pair(Algorithm::ES256);
    let forged = audex_jose::sign_access_token(&claims, &mallory).unwrap();
    sts.exchange("service-b", &forged, &[("audience", "service-c")])
        .await
        .assert_error(400, "invalid_request");
    sts.stop().await;
}
