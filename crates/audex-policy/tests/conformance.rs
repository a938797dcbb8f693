//! Conformance tests for audex-policy (POL-*, TE-MAYACT-1).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

mod common;

use audex_claims::{NumericDate, Scope, StringOrUri};
use audex_exchange::{ErrorCode, TokenType};
use audex_policy::{ExchangeInput, Realm, Requester, Rule};
use common::*;
use serde_json::json;

fn grant(d: &audex_policy::Decision) -> audex_policy::IssuePlan {
    d.outcome()
        .clone()
        .unwrap_or_else(|e| panic!("denied: {e}\n{d}"))
}

fn code(d: &audex_policy::Decision) -> ErrorCode {
    d.outcome()
        .clone()
        .err()
        .unwrap_or_else(|| panic!("granted:\n{d}"))
        .error_code()
}

/// abc.toml plus an extra client D with the same permission as B, and options.
fn realm_with(extra: &str) -> Realm {
    let base =
        std::fs::read_to_string(format!("{}/realms/abc.toml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    Realm::from_toml("test.toml", &format!("{base}\n{extra}")).unwrap()
}

/// abc.toml with one textual edit, for realm-option variants.
fn abc_edited(from: &str, to: &str) -> Realm {
    let text =
        std::fs::read_to_string(format!("{}/realms/abc.toml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert!(text.contains(from), "edit target {from:?} not in abc.toml");
    Realm::from_toml("edited.toml", &text.replace(from, to)).unwrap()
}

const CLIENT_D: &str = r#"
[[client]]
id = "service-d"
kind = "confidential"
auth = { method = "client_secret", secret_sha256 = "0000000000000000000000000000000000000000000000000000000000000000" }
grants = ["token_exchange"]
default_scopes = ["orders:read"]

[[exchange]]
client = "service-d"
targets = ["service-c"]
impersonation = true
"#;

// conformance: POL-WHO-1
#[test]
fn requester_must_be_audience_azp_or_client_id() {
    let realm = realm_with(CLIENT_D);
    let sts = Issuer::new("https://sts.example");
    let subject = sts.subject(json!({"aud": "service-b"}));
    assert!(
        exchange(
            &realm,
            "service-b",
            &subject,
            None,
            &request().audience("service-c")
        )
        .is_granted()
    );
    let d = exchange(
        &realm,
        "service-d",
        &subject,
        None,
        &request().audience("service-c"),
    );
    assert_eq!(code(&d), ErrorCode::InvalidRequest);
    assert_eq!(d.deciding_rule(), Some(Rule::SubjectAudience));
    // As azp or client_id instead of aud.
    let by_azp = sts.subject(json!({"aud": "service-x", "azp": "service-d"}));
    assert!(
        exchange(
            &realm,
            "service-d",
            &by_azp,
            None,
            &request().audience("service-c")
        )
        .is_granted()
    );
    let by_client = sts.subject(json!({"aud": "service-x", "client_id": "service-d"}));
    assert!(
        exchange(
            &realm,
            "service-d",
            &by_client,
            None,
            &request().audience("service-c")
        )
        .is_granted()
    );
    // Case matters.
    let upper = sts.subject(json!({"aud": "Service-D", "client_id": "x"}));
    assert_eq!(
        code(&exchange(
            &realm,
            "service-d",
            &upper,
            None,
            &request().audience("service-c")
        )),
        ErrorCode::InvalidRequest
    );
}

// conformance: POL-TARGET-1
#[test]
fn targets_must_be_registered_and_permitted() {
    let realm = realm("abc.toml");
    let sts = Issuer::new("https://sts.example");
    let subject = sts.subject(json!({}));
    for (req, why) in [
        (request().audience("service-z"), "not a registered"),
        (request().audience("service-b"), "may not obtain"),
        (
            request().audience("service-c").audience("service-b"),
            "may not obtain",
        ),
        (
            request().resource(audex_exchange::ResourceUri::new("https://z.example/").unwrap()),
            "not a registered",
        ),
    ] {
        let d = exchange(&realm, "service-b", &subject, None, &req);
        assert_eq!(code(&d), ErrorCode::InvalidTarget);
        assert!(d.to_string().contains(why), "{d}");
        assert_eq!(d.deciding_rule(), Some(Rule::Targets));
    }
    // A resource URI names its target.
    let d = exchange(
        &realm,
        "service-b",
        &subject,
        None,
        &request().resource(audex_exchange::ResourceUri::new("https://c.example/api").unwrap()),
    );
    assert_eq!(
        serde_json::to_value(&grant(&d).aud).unwrap(),
        json!("service-c")
    );
    // Default target rule: the client's only target.
    let d = exchange(&realm, "service-b", &subject, None, &request());
    assert_eq!(
        serde_json::to_value(&grant(&d).aud).unwrap(),
        json!("service-c")
    );
    // Audience values compare byte for byte.
    assert_eq!(
        code(&exchange(
            &realm,
            "service-b",
            &subject,
            None,
            &request().audience("Service-C")
        )),
        ErrorCode::InvalidTarget
    );
}

// conformance: POL-SCOPE-1
#[test]
fn scope_never_escalates() {
    let realm = realm("abc.toml");
    let sts = Issuer::new("https://sts.example");
    let read = sts.subject(json!({"scope": "orders:read"}));
    let d = exchange(
        &realm,
        "service-b",
        &read,
        None,
        &request().scope(Scope::parse("orders:write").unwrap()),
    );
    assert_eq!(code(&d), ErrorCode::InvalidScope);
    // Without a request: subject ∩ client ∩ target.
    let wide = sts.subject(json!({"scope": "orders:read orders:write admin"}));
    let plan = grant(&exchange(&realm, "service-b", &wide, None, &request()));
    assert_eq!(plan.scope.to_string(), "orders:read orders:write");
    // Asking for less is fine, and equal to what is granted.
    let plan = grant(&exchange(
        &realm,
        "service-b",
        &wide,
        None,
        &request().scope(Scope::parse("orders:read").unwrap()),
    ));
    assert_eq!(plan.scope.to_string(), "orders:read");
    assert!(!plan.scope_differs);
    // A subject without scope gets none.
    let none = sts.subject(json!({"scope": null}));
    assert!(
        grant(&exchange(&realm, "service-b", &none, None, &request()))
            .scope
            .is_empty()
    );
}

// conformance: POL-LIFE-1
#[test]
fn lifetime_is_capped_by_subject_actor_and_realm() {
    let realm = realm("abc.toml"); // default lifetime 300 s
    let sts = Issuer::new("https://sts.example");
    let long = sts.subject(json!({"exp": NOW + 10_000}));
    assert_eq!(
        grant(&exchange(&realm, "service-b", &long, None, &request()))
            .exp
            .secs(),
        NOW + 300
    );
    let short = sts.subject(json!({"exp": NOW + 42}));
    let plan = grant(&exchange(&realm, "service-b", &short, None, &request()));
    assert_eq!(plan.exp.secs(), NOW + 42);
    assert_eq!(plan.expires_in(), 42);
    let actor = sts.subject(
        json!({"sub": "svc-actor", "client_id": "service-b", "aud": "service-b", "exp": NOW + 7}),
    );
    assert_eq!(
        grant(&exchange(
            &realm,
            "service-b",
            &long,
            Some(&actor),
            &request()
        ))
        .exp
        .secs(),
        NOW + 7
    );
    // Already expired by the time the engine runs: denied.
    let d = realm.decide_exchange(&ExchangeInput {
        requester: Requester {
            client_id: "service-b",
            authenticated: true,
        },
        subject: &short,
        actor: None,
        request: &request(),
        now: NumericDate::from_secs(NOW + 42).unwrap(),
    });
    assert_eq!(d.deciding_rule(), Some(Rule::Lifetime));
}

fn nested_act(depth: usize) -> serde_json::Value {
    let mut v = json!({"sub": "svc-0"});
    for i in 1..depth {
        v = json!({"sub": format!("svc-{i}"), "act": v});
    }
    v
}

// conformance: POL-CHAIN-1
#[test]
fn chain_depth_and_loops() {
    let realm = realm_with("");
    let sts = Issuer::new("https://sts.example");
    let actor = sts.subject(json!({"sub": "svc-new", "client_id": "service-b"}));
    // Depth 4 + new actor = 5: allowed. Depth 5 + 1 = 6: over the default limit.
    let d4 = sts.subject(json!({"act": nested_act(4)}));
    assert_eq!(
        grant(&exchange(
            &realm,
            "service-b",
            &d4,
            Some(&actor),
            &request()
        ))
        .act
        .unwrap()
        .depth(),
        5
    );
    let d5 = sts.subject(json!({"act": nested_act(5)}));
    let d = exchange(&realm, "service-b", &d5, Some(&actor), &request());
    assert_eq!(code(&d), ErrorCode::InvalidRequest);
    assert_eq!(d.deciding_rule(), Some(Rule::ActorChain));
    // An actor already in the chain is a loop.
    let looped = sts.subject(json!({"sub": "svc-2", "client_id": "service-b"}));
    let d = exchange(&realm, "service-b", &d4, Some(&looped), &request());
    assert_eq!(d.deciding_rule(), Some(Rule::ActorChain));
    // The subject acting for itself too.
    let me = sts.subject(json!({"sub": "alice", "client_id": "service-b"}));
    assert_eq!(
        exchange(
            &realm,
            "service-b",
            &sts.subject(json!({})),
            Some(&me),
            &request()
        )
        .deciding_rule(),
        Some(Rule::ActorChain)
    );
    // A plain exchange of a token that already carries act is refused unless chaining is allowed.
    let d = exchange(&realm, "service-b", &d4, None, &request());
    assert_eq!(d.deciding_rule(), Some(Rule::Chaining));
    let allow = abc_edited(
        "impersonation = true\ndelegation = true",
        "impersonation = true\ndelegation = true\nchaining = true",
    );
    assert_eq!(
        grant(&exchange(&allow, "service-b", &d4, None, &request()))
            .act
            .unwrap()
            .depth(),
        4
    );
}

// conformance: POL-DELEG-1
#[test]
fn delegation_nests_act_and_impersonation_needs_permission() {
    let realm = realm("abc.toml");
    let sts = Issuer::new("https://sts.example");
    let subject = sts.subject(json!({"act": {"sub": "gateway"}}));
    let actor = sts.subject(json!({"sub": "service-b-instance", "client_id": "service-b"}));
    let plan = grant(&exchange(
        &realm,
        "service-b",
        &subject,
        Some(&actor),
        &request(),
    ));
    let act = plan.act.unwrap();
    let order: Vec<&str> = act
        .iter()
        .map(|a| a.sub.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(order, ["service-b-instance", "gateway"]);
    assert_eq!(act.current().client_id.as_deref(), Some("service-b"));
    // Impersonation denied where only delegation is allowed.
    let only = abc_edited("impersonation = true\n", "");
    let plain = sts.subject(json!({}));
    let d = exchange(&only, "service-b", &plain, None, &request());
    assert_eq!(code(&d), ErrorCode::UnauthorizedClient);
    assert_eq!(d.deciding_rule(), Some(Rule::ExchangeMode));
    assert!(exchange(&only, "service-b", &plain, Some(&actor), &request()).is_granted());
}

// conformance: TE-MAYACT-1, POL-DELEG-1
#[test]
fn may_act_is_enforced() {
    let realm = realm("abc.toml");
    let sts = Issuer::new("https://sts.example");
    let subject = sts.subject(json!({"may_act": {"sub": "admin@example.net"}}));
    let admin = sts.subject(json!({"sub": "admin@example.net", "client_id": "service-b"}));
    let mallory = sts.subject(json!({"sub": "mallory@example.net", "client_id": "service-b"}));
    assert!(exchange(&realm, "service-b", &subject, Some(&admin), &request()).is_granted());
    let d = exchange(&realm, "service-b", &subject, Some(&mallory), &request());
    assert_eq!(code(&d), ErrorCode::InvalidRequest);
    assert_eq!(d.deciding_rule(), Some(Rule::MayAct));
    // may_act with an issuer constrains the actor's issuer too.
    let pinned = sts
        .subject(json!({"may_act": {"sub": "admin@example.net", "iss": "https://other.example"}}));
    assert_eq!(
        exchange(&realm, "service-b", &pinned, Some(&admin), &request()).deciding_rule(),
        Some(Rule::MayAct)
    );
}

// conformance: POL-REFRESH-1
#[test]
fn refresh_tokens_only_when_allowed_and_never_with_an_actor() {
    let sts = Issuer::new("https://sts.example");
    let subject = sts.subject(json!({}));
    let actor = sts.subject(json!({"sub": "svc", "client_id": "service-b"}));
    assert!(
        !grant(&exchange(
            &realm("abc.toml"),
            "service-b",
            &subject,
            None,
            &request()
        ))
        .refresh_token
    );
    let on = abc_edited(
        "scope_mode = \"strict\"",
        "scope_mode = \"strict\"\nrefresh_on_exchange = true",
    );
    assert!(grant(&exchange(&on, "service-b", &subject, None, &request())).refresh_token);
    assert!(
        !grant(&exchange(
            &on,
            "service-b",
            &subject,
            Some(&actor),
            &request()
        ))
        .refresh_token
    );
}

// conformance: POL-XISS-1
#[test]
fn foreign_issuers_only_when_trusted() {
    let partner = Issuer::new("https://idp.partner.example");
    let token = partner.subject(json!({"aud": "https://sts.example", "client_id": "partner-app"}));
    let d = exchange(&realm("abc.toml"), "service-b", &token, None, &request());
    assert_eq!(code(&d), ErrorCode::InvalidRequest);
    assert_eq!(d.deciding_rule(), Some(Rule::SubjectIssuer));
    let trusting = realm_with(
        r#"
[[trusted_issuer]]
issuer = "https://idp.partner.example"
jwks_uri = "https://idp.partner.example/jwks"
accepted_audiences = ["https://sts.example"]
clients = ["service-b"]
subject_prefix = "partner:"
"#,
    );
    assert!(exchange(&trusting, "service-b", &token, None, &request()).is_granted());
    let elsewhere = partner.subject(json!({"aud": "https://someone-else.example"}));
    assert_eq!(
        exchange(&trusting, "service-b", &elsewhere, None, &request()).deciding_rule(),
        Some(Rule::SubjectIssuer)
    );
}

// conformance: POL-PUBLIC-1
#[test]
fn public_clients_need_explicit_permission() {
    let realm = realm("portals.toml");
    let sts = Issuer::new("https://sts.example");
    let subject = sts.subject(json!({"aud": "customer-portal", "scope": "orders:read"}));
    let run = |realm: &Realm, client: &str, authenticated: bool| {
        realm.decide_exchange(&ExchangeInput {
            requester: Requester {
                client_id: client,
                authenticated,
            },
            subject: &subject,
            actor: None,
            request: &request(),
            now: now(),
        })
    };
    assert!(run(&realm, "customer-portal", false).is_granted());
    let text = std::fs::read_to_string(format!(
        "{}/realms/portals.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let strict = Realm::from_toml("p.toml", &text.replace("allow_public = true\n", "")).unwrap();
    let d = run(&strict, "customer-portal", false);
    assert_eq!(code(&d), ErrorCode::UnauthorizedClient);
    assert_eq!(d.deciding_rule(), Some(Rule::ClientAuthentication));
    // A confidential client that did not authenticate is invalid_client.
    let bo = sts.subject(json!({"aud": "backoffice-portal"}));
    let d = realm.decide_exchange(&ExchangeInput {
        requester: Requester {
            client_id: "backoffice-portal",
            authenticated: false,
        },
        subject: &bo,
        actor: None,
        request: &request(),
        now: now(),
    });
    assert_eq!(code(&d), ErrorCode::InvalidClient);
}

// conformance: POL-EXPLAIN-1
#[test]
fn decisions_list_every_rule_and_the_deciding_one() {
    let realm = realm("abc.toml");
    let sts = Issuer::new("https://sts.example");
    let d = exchange(
        &realm,
        "service-b",
        &sts.subject(json!({})),
        None,
        &request().audience("service-c"),
    );
    let rules: Vec<Rule> = d.steps().iter().map(|s| s.rule).collect();
    assert_eq!(
        rules,
        [
            Rule::KnownClient,
            Rule::ClientAuthentication,
            Rule::GrantAllowed,
            Rule::ExchangePermission,
            Rule::SubjectIssuer,
            Rule::SubjectAudience,
            Rule::SubjectIdentity,
            Rule::Chaining,
            Rule::ExchangeMode,
            Rule::ActorChain,
            Rule::TokenType,
            Rule::Targets,
            Rule::Scope,
            Rule::Lifetime,
            Rule::RefreshToken,
        ]
    );
    assert!(d.steps().iter().all(|s| s.passed && !s.detail.is_empty()));
    let text = d.to_string();
    assert!(text.starts_with("GRANT aud=service-c"), "{text}");
    // The details are values rendered when shown; the wording is part of the product.
    let details: Vec<String> = d.steps().iter().map(|s| s.detail.to_string()).collect();
    let exp = d.outcome().as_ref().unwrap().exp;
    assert_eq!(
        details,
        [
            "client \"service-b\" is registered".to_owned(),
            "confidential client authenticated".to_owned(),
            "TokenExchange is allowed for \"service-b\"".to_owned(),
            "exchange permission found for \"service-b\"".to_owned(),
            "issued by this realm (https://sts.example)".to_owned(),
            "\"service-b\" is in the subject token's aud, azp or client_id".to_owned(),
            "local subject kept".to_owned(),
            "no prior act/may_act".to_owned(),
            "impersonation allowed".to_owned(),
            "act depth 0 within 5".to_owned(),
            "issuing urn:ietf:params:oauth:token-type:access_token".to_owned(),
            "requested targets permitted: service-c".to_owned(),
            "no scope requested; granted \"orders:read orders:write\"".to_owned(),
            format!("exp {exp} = min(subject exp, actor exp, now + lifetime)"),
            "no refresh token".to_owned(),
        ]
    );
    let denied = exchange(
        &realm,
        "service-b",
        &sts.subject(json!({})),
        None,
        &request().audience("hr-api"),
    );
    assert_eq!(
        denied.steps().last().map(|s| (s.rule, s.passed)),
        Some((Rule::Targets, false))
    );
    assert!(
        denied.steps()[..denied.steps().len() - 1]
            .iter()
            .all(|s| s.passed)
    );
    let text = denied.to_string();
    assert!(text.starts_with("DENY invalid_target"), "{text}");
    assert!(text.contains("FAIL targets"), "{text}");
}

// conformance: POL-DENY-1
#[test]
fn empty_realm_grants_nothing() {
    let empty = Realm::empty(StringOrUri::new("https://sts.example").unwrap());
    let loaded = Realm::from_toml("empty.toml", "issuer = \"https://sts.example\"\n").unwrap();
    let sts = Issuer::new("https://sts.example");
    let subject = sts.subject(json!({}));
    for realm in [&empty, &loaded] {
        let d = exchange(
            realm,
            "service-b",
            &subject,
            None,
            &request().audience("service-c"),
        );
        assert_eq!(code(&d), ErrorCode::InvalidClient);
        let cc = realm.decide_client_credentials(
            Requester {
                client_id: "service-b",
                authenticated: true,
            },
            &audex_exchange::ClientCredentialsRequest::default(),
            now(),
        );
        assert!(!cc.is_granted());
    }
    // A client with no exchange permission gets nothing either.
    let d = exchange(&realm("abc.toml"), "client-a", &subject, None, &request());
    assert_eq!(code(&d), ErrorCode::UnauthorizedClient);
    // requested_token_type other than access_token / jwt is refused.
    let d = exchange(
        &realm("abc.toml"),
        "service-b",
        &subject,
        None,
        &request().requested_token_type(TokenType::Saml2),
    );
    assert_eq!(d.deciding_rule(), Some(Rule::TokenType));
}

#[test]
fn client_credentials_decisions() {
    let realm = realm("abc.toml");
    let ok = realm.decide_client_credentials(
        Requester {
            client_id: "client-a",
            authenticated: true,
        },
        &audex_exchange::ClientCredentialsRequest::default(),
        now(),
    );
    let plan = grant(&ok);
    assert_eq!(serde_json::to_value(&plan.aud).unwrap(), json!("service-b"));
    assert_eq!(plan.scope.to_string(), "orders:read");
    assert_eq!(plan.sub.as_str(), "client-a");
    let req = audex_exchange::ClientCredentialsRequest {
        audience: vec!["service-c".into()],
        ..Default::default()
    };
    let d = realm.decide_client_credentials(
        Requester {
            client_id: "client-a",
            authenticated: true,
        },
        &req,
        now(),
    );
    assert_eq!(code(&d), ErrorCode::InvalidTarget);
    let req = audex_exchange::ClientCredentialsRequest {
        scope: Some(Scope::parse("admin").unwrap()),
        ..Default::default()
    };
    let d = realm.decide_client_credentials(
        Requester {
            client_id: "client-a",
            authenticated: true,
        },
        &req,
        now(),
    );
    assert_eq!(code(&d), ErrorCode::InvalidScope);
}

#[test]
fn load_errors_have_line_and_column() {
    let cases = [
        ("issuer = \"https://s\"\nbogus = 1\n", 2, "unknown field"),
        (
            "issuer = \"https://s\"\n[[exchange]]\nclient = \"ghost\"\n",
            3,
            "undefined client \"ghost\"",
        ),
        (
            "issuer = \"https://s\"\n[[target]]\naudience = \"a\"\n[[target]]\naudience = \"a\"\n",
            5,
            "duplicate target audience",
        ),
        (
            "issuer = \"https://s\"\n[[client]]\nid = \"c\"\nkind = \"public\"\nauth = { method = \"none\" }\nallowed_audiences = [\"nope\"]\n",
            6,
            "undefined target",
        ),
        (
            "issuer = \"https://s\"\n[[client]]\nid = \"c\"\nkind = \"public\"\nauth = { method = \"none\" }\nclient_scopes = [\"x\"]\n",
            6,
            "undefined client scope",
        ),
        (
            "issuer = \"https://s\"\n[[target]]\naudience = \"a\"\nscopes = [\"bad scope\"]\n",
            4,
            "invalid scope token",
        ),
        ("issuer = \"a b:c\"\n", 1, "issuer"),
        (
            "issuer = \"https://s\"\n[[client]]\nid = \"k\"\nkind = \"confidential\"\nauth = { method = \"private_key_jwt\", jwks = '{\"keys\":[]}' }\n",
            3,
            "no usable verification key",
        ),
        (
            "issuer = \"https://s\"\n[[trusted_issuer]]\nissuer = \"https://x\"\njwks = 'not json'\n",
            3,
            "jwks",
        ),
    ];
    for (text, line, msg) in cases {
        let err = Realm::from_toml("realm.toml", text).unwrap_err();
        assert_eq!(err.line, line, "{err}");
        assert!(err.message.contains(msg), "{err}");
        assert!(
            err.to_string().starts_with(&format!("realm.toml:{line}:")),
            "{err}"
        );
    }
}
