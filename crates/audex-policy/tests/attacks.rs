//! Attack tests: each tries to obtain a grant the engine must refuse (the
//! authorization holes of the cross-issuer and delegation paths), and asserts the
//! secure outcome, the error code and the rule that decided.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

mod common;

use audex_claims::{NumericDate, Scope, StringOrUri};
use audex_exchange::{ClientCredentialsRequest, ErrorCode, Rejection, TokenType};
use audex_jose::Validation;
use audex_policy::{
    Decision, Denial, ExchangeInput, IssuePlan, MayActMismatch, Realm, Requester, Rule, TokenRole,
};
use common::*;
use serde_json::json;

const PARTNER: &str = "https://idp.partner.example";
const HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn grant(d: &Decision) -> IssuePlan {
    d.outcome()
        .clone()
        .unwrap_or_else(|e| panic!("denied: {e}\n{d}"))
}

fn denied(d: &Decision) -> Rejection {
    d.outcome()
        .clone()
        .err()
        .unwrap_or_else(|| panic!("granted:\n{d}"))
}

fn abc_text() -> String {
    std::fs::read_to_string(format!("{}/realms/abc.toml", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// abc.toml plus extra TOML.
fn abc_with(extra: &str) -> Realm {
    Realm::from_toml("test.toml", &format!("{}\n{extra}", abc_text())).unwrap()
}

/// abc.toml with one textual edit plus extra TOML.
fn abc_edited(from: &str, to: &str, extra: &str) -> Realm {
    abc_edits(&[(from, to)], extra)
}

/// abc.toml with textual edits plus extra TOML.
fn abc_edits(edits: &[(&str, &str)], extra: &str) -> Realm {
    let mut text = abc_text();
    for (from, to) in edits {
        assert!(text.contains(from), "edit target {from:?} not in abc.toml");
        text = text.replace(from, to);
    }
    Realm::from_toml("edited.toml", &format!("{text}\n{extra}")).unwrap()
}

const PERM: &str = "impersonation = true\ndelegation = true";
const CHAINING: &str = "impersonation = true\ndelegation = true\nchaining = true";

fn load_error(extra: &str) -> audex_policy::LoadError {
    Realm::from_toml("bad.toml", &format!("{}\n{extra}", abc_text())).unwrap_err()
}

/// A partner trusted for `clients`, with a subject prefix.
fn trust(partner: &Issuer, clients: &str, subject: &str) -> String {
    format!(
        "[[trusted_issuer]]\nissuer = \"{PARTNER}\"\njwks = '{}'\naccepted_audiences = [\"https://sts.example\"]\nclients = {clients}\n{subject}\n",
        partner.jwks_json()
    )
}

fn prefixed(partner: &Issuer) -> String {
    trust(partner, "[\"service-b\"]", "subject_prefix = \"partner:\"")
}

/// A client `service-d` with the same exchange permission as `service-b`.
const CLIENT_D: &str = r#"
[[client]]
id = "service-d"
kind = "confidential"
auth = { method = "client_secret", secret_sha256 = "0000000000000000000000000000000000000000000000000000000000000000" }
grants = ["token_exchange"]
default_scopes = ["orders:read"]
optional_scopes = ["orders:write"]

[[exchange]]
client = "service-d"
targets = ["service-c"]
impersonation = true
delegation = true
"#;

// --- 1. Key of one issuer verifies another issuer's tokens ----------------------

// conformance: POL-XISS-2
#[test]
fn partner_key_cannot_vouch_for_a_token_naming_the_realm_as_issuer() {
    let realm = abc_with(&prefixed(&Issuer::new(PARTNER)));
    let partner = Issuer::new(PARTNER);
    let realm_iss = StringOrUri::new("https://sts.example").unwrap();
    let partner_iss = StringOrUri::new(PARTNER).unwrap();
    // The partner signs a token claiming to come from the realm.
    let forged = partner.mint(json!({"iss": "https://sts.example", "aud": "service-b"}));
    let multi = Validation::subject_token(realm_iss).issuer(partner_iss.clone());
    // With the partner's keys bound to the partner: the iss/key mismatch is caught.
    let err = multi
        .verify(&forged, &partner.key_set(), now())
        .unwrap_err();
    assert!(
        matches!(err, audex_jose::VerifyError::IssuerKeyMismatch { .. }),
        "{err:?}"
    );
    // With the same keys unbound, a multi-issuer validation refuses to run at all.
    let unbound = partner.unbound_key_set();
    assert_eq!(
        multi.verify(&forged, &unbound, now()).unwrap_err(),
        audex_jose::VerifyError::UnboundKeySet
    );
    // A token verified with an unbound set never reaches a grant: the engine requires
    // the verifying keys to be bound to the token's iss.
    let sts = Issuer::new("https://sts.example");
    let token = sts.mint(json!({}));
    let loose = Validation::subject_token(StringOrUri::new(sts.iss.clone()).unwrap())
        .verify(&token, &sts.unbound_key_set(), now())
        .unwrap();
    assert_eq!(loose.key_issuer(), None);
    let d = exchange(&realm, "service-b", &loose, None, &request());
    assert_eq!(denied(&d).error_code(), ErrorCode::InvalidRequest);
    assert_eq!(d.deciding_rule(), Some(Rule::SubjectIssuer));
    assert!(
        matches!(
            d.denial(),
            Some(Denial::KeysNotBound {
                token: TokenRole::Subject,
                ..
            })
        ),
        "{:?}",
        d.denial()
    );
}

// --- 2. accepted_audiences required ---------------------------------------------

// conformance: POL-XISS-2
#[test]
fn trusted_issuer_needs_accepted_audiences_and_a_foreign_aud_must_hold_one() {
    let partner = Issuer::new(PARTNER);
    let e = load_error(&format!(
        "[[trusted_issuer]]\nissuer = \"{PARTNER}\"\njwks_uri = \"{PARTNER}/jwks\"\nclients = [\"service-b\"]\nsubject_prefix = \"p:\"\n"
    ));
    assert!(e.message.contains("accepted_audiences"), "{e}");
    assert!(e.to_string().starts_with("bad.toml:"), "{e}");
    assert!(e.line > 40, "{e}");
    let e = load_error(&format!(
        "[[trusted_issuer]]\nissuer = \"{PARTNER}\"\njwks_uri = \"{PARTNER}/jwks\"\naccepted_audiences = []\nclients = [\"service-b\"]\nsubject_prefix = \"p:\"\n"
    ));
    assert!(e.message.contains("accepted_audiences"), "{e}");

    let realm = abc_with(&prefixed(&partner));
    for aud in [
        json!([]),
        json!("service-b"),
        json!(["https://elsewhere.example"]),
    ] {
        let t = partner.subject(json!({"aud": aud.clone()}));
        let d = exchange(&realm, "service-b", &t, None, &request());
        assert_eq!(denied(&d).error_code(), ErrorCode::InvalidRequest, "{aud}");
        assert_eq!(d.deciding_rule(), Some(Rule::SubjectIssuer), "{aud}");
        assert!(
            matches!(d.denial(), Some(Denial::NotAnAcceptedAudience { .. })),
            "{:?}",
            d.denial()
        );
    }
    let ok = partner.subject(json!({"aud": ["https://elsewhere.example", "https://sts.example"]}));
    assert!(exchange(&realm, "service-b", &ok, None, &request()).is_granted());
}

// --- 3. POL-WHO-1 for foreign tokens ----------------------------------------------

// conformance: POL-XISS-2, POL-WHO-1
#[test]
fn only_named_local_clients_may_present_a_foreign_token() {
    let partner = Issuer::new(PARTNER);
    let e = load_error(&format!(
        "[[trusted_issuer]]\nissuer = \"{PARTNER}\"\njwks_uri = \"{PARTNER}/jwks\"\naccepted_audiences = [\"https://sts.example\"]\nsubject_prefix = \"p:\"\n"
    ));
    assert!(e.message.contains("clients"), "{e}");
    let e = load_error(&trust(&partner, "[\"nobody\"]", "subject_prefix = \"p:\""));
    assert!(e.message.contains("undefined client \"nobody\""), "{e}");

    let realm = abc_with(&format!("{CLIENT_D}\n{}", prefixed(&partner)));
    // The partner token even names service-d in its own namespace: no help.
    let t = partner.subject(json!({"aud": ["https://sts.example", "service-d"], "azp": "service-d", "client_id": "service-d"}));
    let d = exchange(&realm, "service-d", &t, None, &request());
    assert_eq!(denied(&d).error_code(), ErrorCode::InvalidRequest);
    assert_eq!(d.deciding_rule(), Some(Rule::SubjectAudience));
    assert!(
        matches!(
            d.denial(),
            Some(Denial::UntrustedPresenter {
                token: TokenRole::Subject,
                ..
            })
        ),
        "{:?}",
        d.denial()
    );
    assert!(exchange(&realm, "service-b", &t, None, &request()).is_granted());
}

// --- 4. Foreign identities are qualified ------------------------------------------

// conformance: POL-XISS-2
#[test]
fn foreign_subjects_are_qualified_and_their_act_entries_carry_iss() {
    let partner = Issuer::new(PARTNER);
    // Neither subject_prefix nor keep_subject: refused at load.
    let e = load_error(&trust(&partner, "[\"service-b\"]", ""));
    assert!(e.message.contains("subject_prefix"), "{e}");
    let e = load_error(&trust(
        &partner,
        "[\"service-b\"]",
        "subject_prefix = \"p:\"\nkeep_subject = true",
    ));
    assert!(e.message.contains("exclude"), "{e}");

    let realm = abc_edited(PERM, CHAINING, &prefixed(&partner));
    let t = partner.subject(json!({"sub": "admin", "aud": "https://sts.example",
        "act": {"sub": "partner-gateway", "act": {"sub": "edge", "iss": "https://edge.example"}}}));
    let plan = grant(&exchange(&realm, "service-b", &t, None, &request()));
    assert_eq!(plan.sub.as_str(), "partner:admin");
    let act = plan.act.clone().unwrap();
    let iss: Vec<&str> = act
        .iter()
        .map(|a| a.iss.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(iss, [PARTNER, "https://edge.example"]);
    // The signed claims say the same.
    let claims = plan.claims("j");
    assert_eq!(claims.sub.as_str(), "partner:admin");

    // keep_subject, written explicitly, keeps it.
    let keep = abc_with(&trust(&partner, "[\"service-b\"]", "keep_subject = true"));
    let t = partner.subject(json!({"sub": "admin", "aud": "https://sts.example"}));
    assert_eq!(
        grant(&exchange(&keep, "service-b", &t, None, &request()))
            .sub
            .as_str(),
        "admin"
    );
}

// --- 5. [[exchange]].targets restricts ---------------------------------------------

// conformance: POL-TARGET-1
#[test]
fn client_credentials_audiences_and_own_client_scopes_do_not_open_exchange_targets() {
    // service-b may obtain service-b-api by client_credentials, and its own client
    // scope maps service-c-admin; its exchange permission names service-c only.
    let realm = abc_edited(
        "grants = [\"token_exchange\", \"client_credentials\"]\ndefault_scopes = [\"orders:read\"]\noptional_scopes = [\"orders:write\"]",
        "grants = [\"token_exchange\", \"client_credentials\"]\ndefault_scopes = [\"orders:read\"]\noptional_scopes = [\"orders:write\"]\nallowed_audiences = [\"billing\"]\nclient_scopes = [\"admin-access\"]",
        r#"
[[target]]
audience = "billing"
scopes = ["orders:read"]

[[target]]
audience = "admin-api"
scopes = ["orders:read"]

[[client_scope]]
name = "admin-access"
audiences = ["admin-api"]
scopes = ["orders:read"]
"#,
    );
    let sts = Issuer::new("https://sts.example");
    let user = sts.subject(json!({}));
    for target in ["billing", "admin-api"] {
        let d = exchange(
            &realm,
            "service-b",
            &user,
            None,
            &request().audience(target),
        );
        assert_eq!(
            denied(&d).error_code(),
            ErrorCode::InvalidTarget,
            "{target}"
        );
        assert_eq!(d.deciding_rule(), Some(Rule::Targets));
        assert!(
            matches!(d.denial(), Some(Denial::TargetNotPermitted { .. })),
            "{:?}",
            d.denial()
        );
        // ... while client_credentials still reaches them.
        let cc = realm.decide_client_credentials(
            Requester {
                client_id: "service-b",
                authenticated: true,
            },
            &ClientCredentialsRequest {
                audience: vec![target.into()],
                ..Default::default()
            },
            now(),
        );
        assert!(cc.is_granted(), "{cc}");
    }
    // A client scope listed on the permission itself does open its audience.
    let realm = abc_edited(
        "targets = [\"service-c\"]",
        "targets = [\"service-c\"]\nclient_scopes = [\"admin-access\"]",
        r#"
[[target]]
audience = "admin-api"
scopes = ["orders:read"]

[[client_scope]]
name = "admin-access"
audiences = ["admin-api"]
scopes = ["orders:read"]
"#,
    );
    let plan = grant(&exchange(
        &realm,
        "service-b",
        &user,
        None,
        &request().audience("admin-api"),
    ));
    assert_eq!(plan.aud.iter().next().unwrap().as_str(), "admin-api");
}

// --- 6. may_act matching ---------------------------------------------------------

fn third_party_realm(partner: &Issuer) -> Realm {
    abc_edited(
        "impersonation = true\ndelegation = true",
        "impersonation = true\ndelegation = true\nthird_party_actors = true",
        &prefixed(partner),
    )
}

// conformance: POL-MAYACT-2, TE-MAYACT-1
#[test]
fn may_act_without_iss_means_the_subjects_issuer_and_every_member_must_match() {
    let partner = Issuer::new(PARTNER);
    let realm = third_party_realm(&partner);
    let sts = Issuer::new("https://sts.example");
    let partner_admin = partner.subject(json!({"sub": "admin", "aud": "https://sts.example"}));
    let local_admin = sts.subject(json!({"sub": "admin", "client_id": "service-b"}));

    // Local subject, may_act without iss: a partner "admin" is not our admin.
    let subject = sts.subject(json!({"may_act": {"sub": "admin"}}));
    let d = exchange(
        &realm,
        "service-b",
        &subject,
        Some(&partner_admin),
        &request(),
    );
    assert_eq!(denied(&d).error_code(), ErrorCode::InvalidRequest);
    assert_eq!(d.deciding_rule(), Some(Rule::MayAct));
    assert!(
        matches!(d.denial(), Some(Denial::MayAct(MayActMismatch::Iss { .. }))),
        "{:?}",
        d.denial()
    );
    assert!(
        exchange(
            &realm,
            "service-b",
            &subject,
            Some(&local_admin),
            &request()
        )
        .is_granted()
    );

    // The reverse: may_act naming the partner is not satisfied by our admin.
    let pinned = sts.subject(json!({"may_act": {"sub": "admin", "iss": PARTNER}}));
    let d = exchange(&realm, "service-b", &pinned, Some(&local_admin), &request());
    assert_eq!(d.deciding_rule(), Some(Rule::MayAct));
    assert!(
        matches!(d.denial(), Some(Denial::MayAct(MayActMismatch::Iss { .. }))),
        "{:?}",
        d.denial()
    );
    assert!(
        exchange(
            &realm,
            "service-b",
            &pinned,
            Some(&partner_admin),
            &request()
        )
        .is_granted()
    );

    // Unknown members fail closed: compared with the actor token's claims.
    let odd = sts.subject(json!({"may_act": {"sub": "admin", "tenant": "t1"}}));
    let d = exchange(&realm, "service-b", &odd, Some(&local_admin), &request());
    assert_eq!(d.deciding_rule(), Some(Rule::MayAct));
    assert!(
        matches!(
            d.denial(),
            Some(Denial::MayAct(MayActMismatch::Member { .. }))
        ),
        "{:?}",
        d.denial()
    );
    let tenant_admin =
        sts.subject(json!({"sub": "admin", "client_id": "service-b", "tenant": "t1"}));
    assert!(exchange(&realm, "service-b", &odd, Some(&tenant_admin), &request()).is_granted());
    // client_id present in may_act must match too.
    let by_client = sts.subject(json!({"may_act": {"sub": "admin", "client_id": "service-x"}}));
    let d = exchange(
        &realm,
        "service-b",
        &by_client,
        Some(&local_admin),
        &request(),
    );
    assert_eq!(d.deciding_rule(), Some(Rule::MayAct));
    assert!(
        matches!(
            d.denial(),
            Some(Denial::MayAct(MayActMismatch::ClientId { .. }))
        ),
        "{:?}",
        d.denial()
    );
}

// --- 7. An actor token's own act ----------------------------------------------------

// conformance: POL-ACTOR-1
#[test]
fn an_actor_token_carrying_act_is_refused() {
    let realm = realm("abc.toml");
    let sts = Issuer::new("https://sts.example");
    let subject = sts.subject(json!({}));
    let actor = sts.subject(json!({"sub": "service-b", "client_id": "service-b",
        "act": {"sub": "the-real-presenter"}}));
    let d = exchange(&realm, "service-b", &subject, Some(&actor), &request());
    let r = denied(&d);
    assert_eq!(r.error_code(), ErrorCode::InvalidRequest);
    assert!(matches!(r, Rejection::ActorToken { .. }), "{r:?}");
    assert_eq!(d.deciding_rule(), Some(Rule::ActorToken));
    assert_eq!(d.denial(), Some(&Denial::ActorCarriesAct));
}

// conformance: POL-ACTOR-1
#[test]
fn the_actor_token_must_be_the_requesters_own() {
    let sts = Issuer::new("https://sts.example");
    let subject = sts.subject(json!({}));
    // A token service-b received from someone else, presented as "the actor".
    let someone =
        sts.subject(json!({"sub": "mallory", "client_id": "client-a", "aud": "service-b"}));
    let d = exchange(
        &realm("abc.toml"),
        "service-b",
        &subject,
        Some(&someone),
        &request(),
    );
    assert_eq!(denied(&d).error_code(), ErrorCode::InvalidRequest);
    assert_eq!(d.deciding_rule(), Some(Rule::ActorToken));
    assert!(
        matches!(d.denial(), Some(Denial::ActorNotOwn { .. })),
        "{:?}",
        d.denial()
    );
    // Own by sub, by client_id or by azp.
    for own in [
        json!({"sub": "service-b", "client_id": "x"}),
        json!({"sub": "svc", "client_id": "service-b"}),
        json!({"sub": "svc", "client_id": "x", "azp": "service-b"}),
    ] {
        let actor = sts.subject(own.clone());
        assert!(
            exchange(
                &realm("abc.toml"),
                "service-b",
                &subject,
                Some(&actor),
                &request()
            )
            .is_granted(),
            "{own}"
        );
    }
    // A foreign actor token is never "own" (other namespace), even naming service-b.
    let partner = Issuer::new(PARTNER);
    let strict = abc_with(&prefixed(&partner));
    let foreign = partner.subject(
        json!({"sub": "service-b", "client_id": "service-b", "aud": "https://sts.example"}),
    );
    let d = exchange(&strict, "service-b", &subject, Some(&foreign), &request());
    assert_eq!(d.deciding_rule(), Some(Rule::ActorToken));
    assert!(
        matches!(d.denial(), Some(Denial::ActorNotOwn { .. })),
        "{:?}",
        d.denial()
    );
    // Explicitly allowed third-party actors pass.
    assert!(
        exchange(
            &third_party_realm(&partner),
            "service-b",
            &subject,
            Some(&someone),
            &request()
        )
        .is_granted()
    );
}

// --- 8. Refresh tokens never with act -------------------------------------------

// conformance: POL-REFRESH-1
#[test]
fn no_refresh_token_when_the_issued_token_carries_act_from_chaining() {
    let realm = abc_edits(
        &[
            (
                "scope_mode = \"strict\"",
                "scope_mode = \"strict\"\nrefresh_on_exchange = true",
            ),
            (PERM, CHAINING),
        ],
        "",
    );
    let sts = Issuer::new("https://sts.example");
    let chained = sts.subject(json!({"act": {"sub": "service-a"}}));
    let plan = grant(&exchange(&realm, "service-b", &chained, None, &request()));
    assert!(plan.act.is_some());
    assert!(
        !plan.refresh_token,
        "refresh token issued with an act chain"
    );
    // Without act, the realm setting applies.
    let plain = sts.subject(json!({}));
    assert!(grant(&exchange(&realm, "service-b", &plain, None, &request())).refresh_token);
}

// --- Also fixed -------------------------------------------------------------------

// conformance: POL-MAYACT-2
#[test]
fn may_act_survives_impersonation() {
    let realm = abc_edited(PERM, CHAINING, "");
    let sts = Issuer::new("https://sts.example");
    let subject = sts.subject(json!({"may_act": {"sub": "admin"}}));
    let plan = grant(&exchange(&realm, "service-b", &subject, None, &request()));
    let may = plan
        .may_act
        .clone()
        .expect("may_act dropped on impersonation");
    assert_eq!(may.sub.unwrap().as_str(), "admin");
    assert_eq!(may.iss.unwrap().as_str(), "https://sts.example");
    let claims = serde_json::to_value(plan.claims("j")).unwrap();
    assert_eq!(
        claims["may_act"],
        json!({"sub": "admin", "iss": "https://sts.example"})
    );
    // The next hop is bound by it: service-c, holding the issued token, cannot have
    // mallory act for the subject; admin still can.
    let next = sts.verify(&sts.sign(&plan.claims("j2")));
    let hop = realm_with_c_exchanging();
    let mallory = sts.subject(json!({"sub": "mallory", "client_id": "service-b"}));
    let d = exchange(&hop, "service-c", &next, Some(&mallory), &request());
    assert_eq!(denied(&d).error_code(), ErrorCode::InvalidRequest);
    assert_eq!(d.deciding_rule(), Some(Rule::MayAct));
    let admin = sts.subject(json!({"sub": "admin", "client_id": "service-b"}));
    assert!(exchange(&hop, "service-c", &next, Some(&admin), &request()).is_granted());
}

/// abc.toml where service-c may exchange (with delegation, third-party actors) for
/// service-b.
fn realm_with_c_exchanging() -> Realm {
    abc_edited(
        "grants = [\"client_credentials\"]\n\n[[exchange]]",
        "grants = [\"client_credentials\", \"token_exchange\"]\ndefault_scopes = [\"orders:read\"]\n\n[[exchange]]",
        "[[exchange]]\nclient = \"service-c\"\ntargets = [\"service-b\"]\ndelegation = true\nthird_party_actors = true\n",
    )
}

// conformance: POL-CHAIN-1
#[test]
fn loops_already_in_the_subjects_chain_are_refused() {
    let realm = abc_edited(PERM, CHAINING, "");
    let sts = Issuer::new("https://sts.example");
    for act in [
        json!({"sub": "x", "act": {"sub": "y", "act": {"sub": "x"}}}),
        json!({"sub": "alice"}),
        json!({"client_id": "c", "act": {"client_id": "c"}}),
    ] {
        let subject = sts.subject(json!({"act": act.clone()}));
        let d = exchange(&realm, "service-b", &subject, None, &request());
        let r = denied(&d);
        assert!(matches!(r, Rejection::SubjectToken { .. }), "{act}: {r:?}");
        assert_eq!(d.deciding_rule(), Some(Rule::ActorChain), "{act}");
        assert!(
            matches!(
                d.denial(),
                Some(Denial::LoopInSubjectChain { .. } | Denial::ActorAlreadyInChain { .. })
            ),
            "{:?}",
            d.denial()
        );
    }
    let fine = sts.subject(json!({"act": {"sub": "x", "act": {"sub": "y"}}}));
    assert!(exchange(&realm, "service-b", &fine, None, &request()).is_granted());
}

// conformance: POL-SCOPE-1
#[test]
fn client_credentials_scope_is_limited_to_what_the_targets_understand() {
    let realm = realm("portals.toml");
    let bo = Requester {
        client_id: "backoffice-portal",
        authenticated: true,
    };
    // hr:write must not ride on a token for order-status-api.
    let d = realm.decide_client_credentials(
        bo,
        &ClientCredentialsRequest {
            audience: vec!["order-status-api".into()],
            scope: Some(Scope::parse("orders:read hr:write").unwrap()),
            ..Default::default()
        },
        now(),
    );
    let plan = grant(&d);
    assert_eq!(plan.scope.to_string(), "orders:read");
    assert!(plan.scope_differs);
    // Strict realm: the same request is invalid_scope.
    let strict = Realm::from_toml(
        "s.toml",
        &std::fs::read_to_string(format!(
            "{}/realms/portals.toml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
        .replace("scope_mode = \"lenient\"", "scope_mode = \"strict\""),
    )
    .unwrap();
    let d = strict.decide_client_credentials(
        bo,
        &ClientCredentialsRequest {
            audience: vec!["order-status-api".into()],
            scope: Some(Scope::parse("orders:read hr:write").unwrap()),
            ..Default::default()
        },
        now(),
    );
    assert_eq!(denied(&d).error_code(), ErrorCode::InvalidScope);
}

// conformance: TE-RES-2
#[test]
fn scope_differs_when_none_was_requested_but_some_granted() {
    let sts = Issuer::new("https://sts.example");
    let plan = grant(&exchange(
        &realm("abc.toml"),
        "service-b",
        &sts.subject(json!({})),
        None,
        &request(),
    ));
    assert!(!plan.scope.is_empty());
    assert!(plan.scope_differs, "granted scope must be reported");
    // Nothing requested and nothing granted: nothing differs.
    let bare = sts.subject(json!({"scope": null}));
    let plan = grant(&exchange(
        &realm("abc.toml"),
        "service-b",
        &bare,
        None,
        &request(),
    ));
    assert!(plan.scope.is_empty());
    assert!(!plan.scope_differs);
    // Requested and granted as asked: no difference.
    let plan = grant(&exchange(
        &realm("abc.toml"),
        "service-b",
        &sts.subject(json!({})),
        None,
        &request().scope(Scope::parse("orders:read").unwrap()),
    ));
    assert!(!plan.scope_differs);
}

// conformance: POL-LIFE-1
#[test]
fn fractional_exp_gives_exact_whole_second_lifetimes() {
    let realm = realm("abc.toml");
    let sts = Issuer::new("https://sts.example");
    let subject = sts.subject(json!({"exp": NOW as f64 + 100.5}));
    let plan = grant(&exchange(&realm, "service-b", &subject, None, &request()));
    assert_eq!(plan.exp.secs(), NOW + 100);
    assert_eq!(plan.exp.subsec_millis(), 0);
    assert_eq!(plan.expires_in(), 100);
    // A fractional now: iat is cut to the second, expires_in still exact.
    let now_frac = NumericDate::from_f64(NOW as f64 + 0.75).unwrap();
    let d = realm.decide_exchange(&ExchangeInput {
        requester: Requester {
            client_id: "service-b",
            authenticated: true,
        },
        subject: &subject,
        actor: None,
        request: &request(),
        now: now_frac,
    });
    let plan = grant(&d);
    assert_eq!(plan.expires_in(), plan.exp.secs() - plan.iat.secs());
    assert!(plan.exp <= subject.claims().exp);
    // Less than a second left: refused, blaming the subject token.
    let short = sts.subject(json!({"exp": NOW as f64 + 0.5}));
    let d = exchange(&realm, "service-b", &short, None, &request());
    assert!(matches!(denied(&d), Rejection::SubjectToken { .. }));
    assert_eq!(d.deciding_rule(), Some(Rule::Lifetime));
}

// conformance: POL-EXPLAIN-1
#[test]
fn explanations_blame_the_real_rule_and_token() {
    let sts = Issuer::new("https://sts.example");
    // Over-deep act with no actor: the subject token is at fault.
    let deep = abc_edits(
        &[("max_act_depth = 5", "max_act_depth = 1"), (PERM, CHAINING)],
        "",
    );
    let subject = sts.subject(json!({"act": {"sub": "a", "act": {"sub": "b"}}}));
    let d = exchange(&deep, "service-b", &subject, None, &request());
    let r = denied(&d);
    assert!(matches!(r, Rejection::SubjectToken { .. }), "{r:?}");
    assert_eq!(d.deciding_rule(), Some(Rule::ActorChain));
    assert_eq!(
        d.denial(),
        Some(&Denial::ActDepth {
            token: TokenRole::Subject,
            depth: 2,
            limit: 1
        })
    );

    // An expired actor is not a subject-token problem.
    let realm = realm("abc.toml");
    let expired_actor =
        sts.subject(json!({"sub": "service-b", "client_id": "service-b", "exp": NOW - 5}));
    let d = exchange(
        &realm,
        "service-b",
        &sts.subject(json!({})),
        Some(&expired_actor),
        &request(),
    );
    let r = denied(&d);
    assert!(matches!(r, Rejection::ActorToken { .. }), "{r:?}");
    assert_eq!(d.deciding_rule(), Some(Rule::Lifetime));
    assert_eq!(
        d.denial(),
        Some(&Denial::Expired {
            token: TokenRole::Actor
        })
    );

    // An unsupported requested token type is a request problem, not a token one.
    let d = exchange(
        &realm,
        "service-b",
        &sts.subject(json!({})),
        None,
        &request().requested_token_type(TokenType::RefreshToken),
    );
    let r = denied(&d);
    assert!(matches!(r, Rejection::Request { .. }), "{r:?}");
    assert_eq!(r.error_code(), ErrorCode::InvalidRequest);
    assert_eq!(d.deciding_rule(), Some(Rule::TokenType));
    assert!(
        matches!(d.denial(), Some(Denial::UnsupportedTokenType { .. })),
        "{:?}",
        d.denial()
    );

    // The chaining step never says "allowed" when chaining is not allowed.
    let subject = sts.subject(json!({"may_act": {"sub": "service-b"}}));
    let actor = sts.subject(json!({"sub": "service-b", "client_id": "service-b"}));
    let d = exchange(&realm, "service-b", &subject, Some(&actor), &request());
    let step = d.steps().iter().find(|s| s.rule == Rule::Chaining).unwrap();
    assert!(step.passed);
    assert!(
        !step.detail.to_string().contains("chaining allowed"),
        "{}",
        step.detail
    );

    // A public client whose name contains "grant" is denied by client-authentication.
    let text = format!(
        "issuer = \"https://sts.example\"\n[[target]]\naudience = \"api\"\n[[client]]\nid = \"grant-portal\"\nkind = \"public\"\nauth = {{ method = \"none\" }}\ngrants = [\"token_exchange\"]\n[[exchange]]\nclient = \"grant-portal\"\ntargets = [\"api\"]\nimpersonation = true\n[[client]]\nid = \"unknown-grant\"\nkind = \"confidential\"\nauth = {{ method = \"client_secret\", secret_sha256 = \"{HASH}\" }}\n"
    );
    let r = Realm::from_toml("g.toml", &text).unwrap();
    let d = r.decide_exchange(&ExchangeInput {
        requester: Requester {
            client_id: "grant-portal",
            authenticated: false,
        },
        subject: &sts.subject(json!({"aud": "grant-portal"})),
        actor: None,
        request: &request(),
        now: now(),
    });
    assert_eq!(denied(&d).error_code(), ErrorCode::UnauthorizedClient);
    assert_eq!(d.deciding_rule(), Some(Rule::ClientAuthentication));
    assert_eq!(
        d.denial(),
        Some(&Denial::PublicExchange {
            client: "grant-portal".into()
        })
    );
    // And a confidential client named "unknown-…" that did not authenticate is not
    // reported as unknown.
    let d = r.decide_exchange(&ExchangeInput {
        requester: Requester {
            client_id: "unknown-grant",
            authenticated: false,
        },
        subject: &sts.subject(json!({"aud": "unknown-grant"})),
        actor: None,
        request: &request(),
        now: now(),
    });
    assert_eq!(d.deciding_rule(), Some(Rule::ClientAuthentication));
    assert_eq!(
        d.denial(),
        Some(&Denial::NotAuthenticated {
            client: "unknown-grant".into()
        })
    );
}

#[test]
fn realm_targets_are_parsed_strictly_at_load() {
    let e = Realm::from_toml(
        "t.toml",
        "issuer = \"https://sts.example\"\n[[target]]\naudience = \"urn:a b\"\n",
    )
    .unwrap_err();
    assert_eq!((e.line, e.column), (3, 12), "{e}");
    assert!(e.message.starts_with("audience:"), "{e}");
}
