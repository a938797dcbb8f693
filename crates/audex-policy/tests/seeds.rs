//! The seed stories, end to end through audex-jose and the engine, on the realm files
//! in `realms/`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

mod common;

use audex_claims::{Scope, StringOrUri};
use audex_exchange::ErrorCode;
use audex_jose::{Validation, VerifyError};
use audex_policy::Rule;
use common::*;
use serde_json::json;

#[test]
fn a_b_c_story() {
    let realm = realm("abc.toml");
    let sts = Issuer::new("https://sts.example");
    // A got a token for B on Alice's behalf.
    let token_for_b = sts.mint(json!({"aud": "service-b"}));

    // 1. B replays it at C: C's resource-server validation rejects it (wrong aud).
    let c_validation = Validation::access_token(
        StringOrUri::new("https://sts.example").unwrap(),
        StringOrUri::new("service-c").unwrap(),
    );
    let err = c_validation
        .verify(&token_for_b, &sts_keys(&sts), now())
        .unwrap_err();
    assert!(matches!(err, VerifyError::Audience(_)), "{err:?}");

    // 2. B exchanges it for a token whose aud is C.
    let subject = sts.verify(&token_for_b);
    let d = exchange(
        &realm,
        "service-b",
        &subject,
        None,
        &request().audience("service-c"),
    );
    let plan = d.outcome().clone().unwrap_or_else(|e| panic!("{e}\n{d}"));
    assert_eq!(serde_json::to_value(&plan.aud).unwrap(), json!("service-c"));
    assert_eq!(plan.sub.as_str(), "alice");
    assert_eq!(plan.client_id, "service-b");
    assert_eq!(plan.scope.to_string(), "orders:read orders:write");
    assert!(plan.exp.secs() <= NOW + 600);

    // 3. C accepts the new token.
    let new_token = sts.sign(&plan.claims("j-2"));
    let ok = c_validation
        .verify(&new_token, &sts_keys(&sts), now())
        .unwrap();
    assert_eq!(ok.claims().azp.as_deref(), Some("service-b"));

    // 4. Widening the scope is refused.
    let narrow = sts.verify(&sts.mint(json!({"aud": "service-b", "scope": "orders:read"})));
    let d = exchange(
        &realm,
        "service-b",
        &narrow,
        None,
        &request()
            .audience("service-c")
            .scope(Scope::parse("orders:read orders:write").unwrap()),
    );
    let err = d.outcome().clone().unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::InvalidScope);
    assert_eq!(d.deciding_rule(), Some(Rule::Scope));

    // 5. And C cannot exchange B's token for itself: it is neither aud, azp nor client_id.
    let d = exchange(
        &realm,
        "service-c",
        &subject,
        None,
        &request().audience("service-c"),
    );
    assert_eq!(
        d.into_outcome().unwrap_err().error_code(),
        ErrorCode::UnauthorizedClient
    );
}

fn sts_keys(sts: &Issuer) -> audex_jose::KeySet {
    sts.key_set()
}

#[test]
fn portal_token_never_reaches_hr_but_back_office_does() {
    let realm = realm("portals.toml");
    let sts = Issuer::new("https://sts.example");
    let portal_token = sts.subject(json!({"aud": "customer-portal", "client_id": "customer-portal", "scope": "orders:read hr:read"}));
    let public = |subject| {
        realm.decide_exchange(&audex_policy::ExchangeInput {
            requester: audex_policy::Requester {
                client_id: "customer-portal",
                authenticated: false,
            },
            subject,
            actor: None,
            request: &request().audience("hr-api"),
            now: now(),
        })
    };
    let d = public(&portal_token);
    assert_eq!(
        d.outcome().clone().unwrap_err().error_code(),
        ErrorCode::InvalidTarget,
        "{d}"
    );
    // By resource too.
    let by_resource = realm.decide_exchange(&audex_policy::ExchangeInput {
        requester: audex_policy::Requester {
            client_id: "customer-portal",
            authenticated: false,
        },
        subject: &portal_token,
        actor: None,
        request: &request()
            .resource(audex_exchange::ResourceUri::new("https://hr.example/api").unwrap()),
        now: now(),
    });
    assert_eq!(
        by_resource.into_outcome().unwrap_err().error_code(),
        ErrorCode::InvalidTarget
    );
    // The portal may reach the order-status API, with orders:read only.
    let ok = realm.decide_exchange(&audex_policy::ExchangeInput {
        requester: audex_policy::Requester {
            client_id: "customer-portal",
            authenticated: false,
        },
        subject: &portal_token,
        actor: None,
        request: &request().audience("order-status-api"),
        now: now(),
    });
    assert_eq!(ok.into_outcome().unwrap().scope.to_string(), "orders:read");

    // The back office reaches HR.
    let bo_token = sts.subject(json!({"aud": "backoffice-portal", "client_id": "backoffice-portal", "scope": "hr:read orders:read"}));
    let d = exchange(
        &realm,
        "backoffice-portal",
        &bo_token,
        None,
        &request().audience("hr-api"),
    );
    let plan = d.into_outcome().unwrap();
    assert_eq!(serde_json::to_value(&plan.aud).unwrap(), json!("hr-api"));
    assert_eq!(plan.scope.to_string(), "hr:read");
    // Lenient realm: asking for hr:write the subject never had drops it and says so.
    let d = exchange(
        &realm,
        "backoffice-portal",
        &bo_token,
        None,
        &request()
            .audience("hr-api")
            .scope(Scope::parse("hr:read hr:write").unwrap()),
    );
    let plan = d.into_outcome().unwrap();
    assert_eq!(plan.scope.to_string(), "hr:read");
    assert!(plan.scope_differs);
    // Both targets at once: aud becomes an array.
    let d = exchange(
        &realm,
        "backoffice-portal",
        &bo_token,
        None,
        &request().audience("hr-api").audience("order-status-api"),
    );
    assert_eq!(
        serde_json::to_value(&d.into_outcome().unwrap().aud).unwrap(),
        json!(["hr-api", "order-status-api"])
    );
}
