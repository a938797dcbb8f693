//! Conformance tests for audex-claims. Each test names the requirement it proves
//! (see docs/CONFORMANCE.md).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

use std::time::Duration;

use audex_claims::{
    AccessTokenClaims, Audience, AudienceError, AudienceParseError, Claim, ClaimsError, ClaimsSet,
    JsonError, JsonType, NumericDate, NumericDateError, ParseOptions, Scope, StringOrUri,
    StringOrUriError, TimeCheck, TimeError, check_audience, check_issuer,
};
use serde_json::json;

fn sou(s: &str) -> StringOrUri {
    StringOrUri::new(s).unwrap()
}

fn date(s: u64) -> NumericDate {
    NumericDate::from_secs(s).unwrap()
}

fn claims(v: serde_json::Value) -> Result<ClaimsSet, ClaimsError> {
    ClaimsSet::from_json_slice(v.to_string().as_bytes())
}

// conformance: JWT-AUD-1
#[test]
fn audience_check_requires_the_verifier_among_the_values() {
    let aud = claims(json!({"aud": ["order-api", "billing-api"]}))
        .unwrap()
        .registered
        .aud
        .unwrap();
    assert_eq!(aud.check(&[sou("billing-api")]), Ok(()));
    // Any one of the verifier's identifiers is enough.
    assert_eq!(aud.check(&[sou("x"), sou("order-api")]), Ok(()));
    let err = aud.check(&[sou("hr-api")]).unwrap_err();
    assert_eq!(
        err,
        AudienceError::Mismatch {
            expected: vec!["hr-api".into()],
            found: vec!["order-api".into(), "billing-api".into()],
        }
    );
    assert_eq!(
        err.to_string(),
        "token aud [\"order-api\", \"billing-api\"] does not contain any of [\"hr-api\"]"
    );
    // Single-string form.
    let one = claims(json!({"aud": "order-api"})).unwrap().registered.aud;
    assert_eq!(check_audience(one.as_ref(), &[sou("order-api")]), Ok(()));
    assert!(check_audience(one.as_ref(), &[sou("billing-api")]).is_err());
    // A verifier that identifies itself by nothing rejects a token with an aud.
    assert!(check_audience(one.as_ref(), &[]).is_err());
    // A configured audience makes the claim required.
    assert_eq!(
        check_audience(None, &[sou("order-api")]),
        Err(AudienceError::Missing {
            expected: vec!["order-api".into()]
        })
    );
}

// conformance: JWT-AUD-2
#[test]
fn audience_of_any_other_json_type_is_a_hard_error() {
    let cases = [
        (
            json!(42),
            AudienceParseError::WrongType {
                found: JsonType::Number,
            },
        ),
        (
            json!(null),
            AudienceParseError::WrongType {
                found: JsonType::Null,
            },
        ),
        (
            json!(true),
            AudienceParseError::WrongType {
                found: JsonType::Bool,
            },
        ),
        (
            json!({"a": "b"}),
            AudienceParseError::WrongType {
                found: JsonType::Object,
            },
        ),
        (
            json!(["ok", 7]),
            AudienceParseError::WrongElementType {
                index: 1,
                found: JsonType::Number,
            },
        ),
        (
            json!(["ok", null]),
            AudienceParseError::WrongElementType {
                index: 1,
                found: JsonType::Null,
            },
        ),
        (
            json!([["nested"]]),
            AudienceParseError::WrongElementType {
                index: 0,
                found: JsonType::Array,
            },
        ),
    ];
    for (value, expected) in cases {
        let err = claims(json!({ "aud": value })).unwrap_err();
        assert_eq!(err, ClaimsError::Audience(expected), "aud = {value}");
        // And never silently "absent" in the access-token profile either.
        let at = json!({"iss":"i","sub":"s","aud":value,"client_id":"c","exp":2,"iat":1,"jti":"j"});
        assert!(matches!(
            AccessTokenClaims::from_json_slice(at.to_string().as_bytes()),
            Err(ClaimsError::Audience(_))
        ));
    }
    assert_eq!(
        claims(json!({"aud": 42})).unwrap_err().to_string(),
        "claim aud: expected a string or an array of strings, found number"
    );
}

// conformance: JWT-AUD-3
#[test]
fn audience_and_issuer_compare_byte_for_byte() {
    let aud = Audience::one(sou("https://api.example.com/orders"));
    for near_miss in [
        "https://api.example.com/orders/",
        "https://API.example.com/orders",
        "HTTPS://api.example.com/orders",
        "https://api.example.com/%6Frders",
        "https://api.example.com:443/orders",
        "https://api.example.com/orders ",
    ] {
        assert!(
            aud.check(&[StringOrUri::new_lenient(near_miss)]).is_err(),
            "{near_miss}"
        );
    }
    assert!(
        Audience::one(sou("Order-API"))
            .check(&[sou("order-api")])
            .is_err()
    );
    // Issuer: same rule.
    let iss = sou("https://sts.example.com");
    assert!(check_issuer(Some(&iss), &[sou("https://sts.example.com")]).is_ok());
    assert!(check_issuer(Some(&iss), &[sou("https://sts.example.com/")]).is_err());
    assert!(check_issuer(Some(&iss), &[sou("https://STS.example.com")]).is_err());
    assert!(check_issuer(None, std::slice::from_ref(&iss)).is_err());
    // Display is the raw string.
    assert_eq!(
        sou("https://api.example.com/%6Frders").to_string(),
        "https://api.example.com/%6Frders"
    );
}

// conformance: JWT-AUD-4
#[test]
fn audience_round_trip_keeps_the_wire_form() {
    for wire in [r#""a""#, r#"["a"]"#, r#"["a","b"]"#, "[]"] {
        let aud: Audience = serde_json::from_str(wire).unwrap();
        assert_eq!(serde_json::to_string(&aud).unwrap(), wire);
    }
    // Issuing: a string when single, an array when several.
    assert_eq!(
        serde_json::to_string(&Audience::from_values([sou("a")])).unwrap(),
        r#""a""#
    );
    assert_eq!(
        serde_json::to_string(&Audience::from_values([sou("a"), sou("b"), sou("a")])).unwrap(),
        r#"["a","b"]"#
    );
    // Through a whole claims set too.
    let c = claims(json!({"aud": ["only"]})).unwrap();
    assert_eq!(serde_json::to_value(&c).unwrap(), json!({"aud": ["only"]}));
}

// conformance: JWT-AUD-5
#[test]
fn empty_audience_array_matches_nobody() {
    let aud = claims(json!({"aud": []})).unwrap().registered.aud.unwrap();
    assert!(aud.is_empty());
    assert!(!aud.contains(""));
    assert_eq!(
        aud.check(&[sou("order-api")]),
        Err(AudienceError::Empty {
            expected: vec!["order-api".into()]
        })
    );
    assert!(aud.check(&[sou("")]).is_err());
    assert!(aud.check(&[]).is_err());
}

// conformance: JWT-SOU-1
#[test]
fn string_or_uri_with_colon_must_be_a_uri() {
    assert!(StringOrUri::new("urn:ietf:params:oauth:token-type:jwt").is_ok());
    assert!(StringOrUri::new("https://sts.example.com").is_ok());
    assert!(StringOrUri::new("plain-client-id").is_ok());
    for bad in [
        "a b:c",
        "http://exa mple",
        ":x",
        "9x:y",
        "x:<y>",
        "urn:a%zz",
        "ht tp://x",
    ] {
        assert!(
            matches!(StringOrUri::new(bad), Err(StringOrUriError::NotAUri { .. })),
            "{bad}"
        );
    }
    // Strict by default in every claims parser, lenient only when asked.
    let doc = json!({"iss": "https://sts.example", "sub": "urn:user:a b"}).to_string();
    let err = ClaimsSet::from_json_slice(doc.as_bytes()).unwrap_err();
    assert!(
        matches!(
            err,
            ClaimsError::StringOrUri {
                claim: Claim::Sub,
                ..
            }
        ),
        "{err:?}"
    );
    let lenient =
        ClaimsSet::from_json_slice_with(doc.as_bytes(), &ParseOptions::lenient()).unwrap();
    assert_eq!(lenient.registered.sub.unwrap().as_str(), "urn:user:a b");
    let err = claims(json!({"aud": ["ok", "bad uri:x"]})).unwrap_err();
    assert!(matches!(
        err,
        ClaimsError::Audience(AudienceParseError::InvalidValue { index: 1, .. })
    ));
}

// conformance: JWT-DATE-1
#[test]
fn numeric_date_accepts_numbers_and_rejects_the_rest() {
    let ok = [
        ("1795318248", 1_795_318_248, 0),
        ("1795318248.0", 1_795_318_248, 0),
        ("1795318248.5", 1_795_318_248, 500),
        ("0", 0, 0),
        ("1.7953182485e9", 1_795_318_248, 500),
        ("253402300799", 253_402_300_799, 0),
    ];
    for (wire, secs, millis) in ok {
        let d: NumericDate = serde_json::from_str(wire).unwrap();
        assert_eq!((d.secs(), d.subsec_millis()), (secs, millis), "{wire}");
    }
    let bad = [
        ("-1", NumericDateError::Negative),
        ("-0.5", NumericDateError::Negative),
        ("253402300800", NumericDateError::OutOfRange),
        ("1e300", NumericDateError::OutOfRange),
        ("18446744073709551615", NumericDateError::OutOfRange),
    ];
    for (wire, expected) in bad {
        let v: serde_json::Value = serde_json::from_str(wire).unwrap();
        assert_eq!(NumericDate::from_json(&v), Err(expected), "{wire}");
    }
    assert_eq!(
        NumericDate::from_f64(f64::NAN),
        Err(NumericDateError::NotFinite)
    );
    assert_eq!(
        NumericDate::from_f64(f64::INFINITY),
        Err(NumericDateError::NotFinite)
    );
    // A string, even a numeric one, is not a NumericDate.
    let err = claims(json!({"exp": "1795318248"})).unwrap_err();
    assert_eq!(
        err,
        ClaimsError::Date {
            claim: Claim::Exp,
            source: NumericDateError::NotANumber {
                found: JsonType::String
            }
        }
    );
    assert_eq!(
        err.to_string(),
        "claim exp: expected a number of seconds, found string"
    );
}

// conformance: JWT-EXP-1, JWT-NBF-1
#[test]
fn time_edges_compare_exactly_below_the_millisecond() {
    // A present-day now with a 60 s leeway; values 0.4 ms inside and outside the
    // edges must fall on the right side (millisecond rounding used to flip both).
    let now = NumericDate::from_f64(1_900_000_000.25).unwrap();
    let check = TimeCheck::at(now).with_leeway(Duration::from_secs(60));
    let at = |offset: f64| NumericDate::from_f64(1_900_000_000.25 + offset).unwrap();
    assert!(check.check_exp(at(-59.9996)).is_ok(), "exp 0.4 ms inside");
    assert!(check.check_exp(at(-60.0004)).is_err(), "exp 0.4 ms outside");
    assert!(check.check_nbf(at(59.9996)).is_ok(), "nbf 0.4 ms inside");
    assert!(check.check_nbf(at(60.0004)).is_err(), "nbf 0.4 ms outside");
    assert!(check.check_iat(at(59.9996)).is_ok());
    assert!(check.check_iat(at(60.0004)).is_err());
    // And through JSON, as a token carries them.
    let exp: NumericDate = serde_json::from_str("1899999940.2504").unwrap();
    assert!(check.check_exp(exp).is_ok());
    let exp: NumericDate = serde_json::from_str("1899999940.2496").unwrap();
    assert!(check.check_exp(exp).is_err());
}

// conformance: JWT-EXP-1
#[test]
fn exp_rejects_at_and_after_exp_plus_leeway() {
    let exp = date(1000);
    let check = |now| {
        TimeCheck::at(date(now))
            .with_leeway(Duration::from_secs(60))
            .check_exp(exp)
    };
    assert!(check(1059).is_ok());
    assert!(matches!(check(1060), Err(TimeError::Expired { .. })));
    assert!(check(5000).is_err());
    let zero = TimeCheck::at(date(999)).with_leeway(Duration::ZERO);
    assert!(zero.check_exp(exp).is_ok());
    assert!(
        TimeCheck::at(date(1000))
            .with_leeway(Duration::ZERO)
            .check_exp(exp)
            .is_err()
    );
    // Fractional exp: now = 1000 is before 1000.5.
    let frac = NumericDate::from_f64(1000.5).unwrap();
    assert!(
        TimeCheck::at(date(1000))
            .with_leeway(Duration::ZERO)
            .check_exp(frac)
            .is_ok()
    );
    // exp is required by the claims-level checks.
    let c = claims(json!({"iat": 1})).unwrap();
    assert_eq!(
        c.registered.check_times(&TimeCheck::at(date(2))),
        Err(TimeError::MissingExp)
    );
    let e = TimeCheck::at(date(2000)).check_exp(exp).unwrap_err();
    assert_eq!(
        e.to_string(),
        "token expired at 1000 (now 2000, leeway 60s)"
    );
}

// conformance: JWT-NBF-1
#[test]
fn nbf_rejects_before_nbf_minus_leeway() {
    let nbf = date(1000);
    let check = |now| {
        TimeCheck::at(date(now))
            .with_leeway(Duration::from_secs(60))
            .check_nbf(nbf)
    };
    assert!(matches!(check(939), Err(TimeError::NotYetValid { .. })));
    assert!(check(940).is_ok());
    assert!(check(1000).is_ok());
    assert!(check(99_999).is_ok());
    let c = claims(json!({"exp": 5000, "nbf": 3000})).unwrap();
    assert!(
        c.registered
            .check_times(&TimeCheck::at(date(2000)))
            .is_err()
    );
    assert!(c.registered.check_times(&TimeCheck::at(date(3000))).is_ok());
}

// conformance: JWT-IAT-1
#[test]
fn iat_in_the_future_beyond_leeway_is_rejected() {
    let check = |iat| {
        TimeCheck::at(date(1000))
            .with_leeway(Duration::from_secs(60))
            .check_iat(date(iat))
    };
    assert!(check(1060).is_ok());
    assert!(matches!(check(1061), Err(TimeError::IssuedInFuture { .. })));
    assert!(check(0).is_ok());
    let at = json!({"iss":"i","sub":"s","aud":"a","client_id":"c","exp":9000,"iat":5000,"jti":"j"});
    let at = AccessTokenClaims::from_json_slice(at.to_string().as_bytes()).unwrap();
    assert!(matches!(
        at.check_times(&TimeCheck::at(date(1000))),
        Err(TimeError::IssuedInFuture { .. })
    ));
}

// conformance: JWT-DUP-1
#[test]
fn duplicate_member_names_are_rejected_anywhere() {
    let docs: [&[u8]; 5] = [
        br#"{"aud":"a","aud":"b"}"#,
        br#"{"exp":1,"sub":"x","exp":2}"#,
        br#"{"act":{"sub":"a","sub":"b"}}"#,
        br#"{"ext":{"deep":[{"k":1,"k":1}]}}"#,
        br#"{"aud":"a","\u0061ud":"b"}"#,
    ];
    for doc in docs {
        assert!(
            matches!(
                ClaimsSet::from_json_slice(doc),
                Err(ClaimsError::Json(JsonError::DuplicateMember { .. }))
            ),
            "{}",
            String::from_utf8_lossy(doc)
        );
        assert!(AccessTokenClaims::from_json_slice(doc).is_err());
    }
    let err = ClaimsSet::from_json_slice(br#"{"aud":"a","aud":"b"}"#).unwrap_err();
    assert_eq!(err.to_string(), "claims set: duplicate member name \"aud\"");
}

// conformance: JWT-UTF8-1
#[test]
fn claims_must_be_a_utf8_json_object() {
    assert!(matches!(
        ClaimsSet::from_json_slice(b"{\"sub\":\"\xc3\x28\"}"),
        Err(ClaimsError::Json(JsonError::NotUtf8 { valid_up_to: 8 }))
    ));
    for (doc, found) in [
        (&b"[]"[..], JsonType::Array),
        (b"\"x\"", JsonType::String),
        (b"1", JsonType::Number),
        (b"null", JsonType::Null),
    ] {
        assert_eq!(
            ClaimsSet::from_json_slice(doc),
            Err(ClaimsError::Json(JsonError::NotAnObject { found }))
        );
    }
    assert!(matches!(
        ClaimsSet::from_json_slice(b"{\"a\":1"),
        Err(ClaimsError::Json(JsonError::Syntax { .. }))
    ));
    assert!(matches!(
        ClaimsSet::from_json_slice(b"{} {}"),
        Err(ClaimsError::Json(JsonError::Syntax { .. }))
    ));
    // A UTF-8 byte-order mark is not JSON.
    assert!(ClaimsSet::from_json_slice(b"\xef\xbb\xbf{}").is_err());
}

// conformance: TE-SCOPE-1
#[test]
fn scope_claim_is_one_space_delimited_string() {
    let base = json!({"iss":"i","sub":"s","aud":"a","client_id":"c","exp":9,"iat":1,"jti":"j"});
    let with = |scope: serde_json::Value| {
        let mut v = base.clone();
        v["scope"] = scope;
        AccessTokenClaims::from_json_slice(v.to_string().as_bytes())
    };
    let at = with(json!("orders:read orders:write")).unwrap();
    let scope = at.scope.clone().unwrap();
    assert_eq!(scope.len(), 2);
    assert_eq!(
        serde_json::to_value(&at).unwrap()["scope"],
        json!("orders:read orders:write")
    );
    // The array form is not the RFC 8693 §4.2 form: rejected by default...
    assert!(matches!(
        with(json!(["orders:read"])),
        Err(ClaimsError::WrongType {
            claim: Claim::Scope,
            ..
        })
    ));
    // ...but readable, with scp, when the caller opts in for third-party tokens.
    let mut v = base.clone();
    v["scp"] = json!(["orders:read", "orders:write"]);
    let lenient =
        AccessTokenClaims::from_json_slice_with(v.to_string().as_bytes(), &ParseOptions::lenient())
            .unwrap();
    assert_eq!(lenient.scope.unwrap(), scope);
    // Malformed strings are errors.
    assert!(with(json!("a  b")).is_err());
    assert!(with(json!("")).is_err());
    assert_eq!(Scope::parse("b a").unwrap().to_string(), "b a");
}

#[test]
fn access_token_requires_the_rfc9068_claims() {
    let full = json!({"iss":"i","sub":"s","aud":"a","client_id":"c","exp":9,"iat":1,"jti":"j"});
    assert!(AccessTokenClaims::from_json_slice(full.to_string().as_bytes()).is_ok());
    for (name, claim) in [
        ("iss", Claim::Iss),
        ("exp", Claim::Exp),
        ("aud", Claim::Aud),
        ("sub", Claim::Sub),
        ("client_id", Claim::ClientId),
        ("iat", Claim::Iat),
        ("jti", Claim::Jti),
    ] {
        let mut v = full.clone();
        v.as_object_mut().unwrap().remove(name);
        assert_eq!(
            AccessTokenClaims::from_json_slice(v.to_string().as_bytes()),
            Err(ClaimsError::Missing(claim)),
            "{name}"
        );
    }
    // Wrong types of optional claims are errors too.
    for (name, bad) in [
        ("azp", json!(1)),
        ("amr", json!("pwd")),
        ("roles", json!(["a", 1])),
        ("auth_time", json!("now")),
        ("act", json!("svc")),
        ("may_act", json!({"iss": "only-issuer"})),
        ("client_id", json!(["c"])),
        ("jti", json!(7)),
    ] {
        let mut v = full.clone();
        v[name] = bad;
        assert!(
            AccessTokenClaims::from_json_slice(v.to_string().as_bytes()).is_err(),
            "{name}"
        );
    }
}

// conformance: TE-ACT-1
#[test]
fn actor_chain_nesting_and_may_act() {
    use audex_claims::{Actor, ActorIdentity, MAX_ACTOR_DEPTH};
    let doc = json!({"iss":"i","sub":"alice","aud":"c","client_id":"b","exp":9,"iat":1,"jti":"j",
        "act":{"sub":"service-b","act":{"sub":"service-a","client_id":"a"}},
        "may_act":{"sub":"service-b"}});
    let at = AccessTokenClaims::from_json_slice(doc.to_string().as_bytes()).unwrap();
    let act = at.act.clone().unwrap();
    assert_eq!(act.depth(), 2);
    assert!(act.contains(&ActorIdentity::client("a")));
    assert!(act.contains(&ActorIdentity::subject(sou("service-b"))));
    assert!(!act.contains(&ActorIdentity::subject(sou("service-c"))));
    let may = at.may_act.clone().unwrap();
    assert!(may.permits(&ActorIdentity::subject(sou("service-b"))));
    assert!(!may.permits(&ActorIdentity::subject(sou("service-x"))));
    // Authorisation looks at the current (outermost) actor only.
    assert_eq!(act.current().sub.as_ref().unwrap().as_str(), "service-b");
    // Delegation puts the new actor outermost.
    let next = Actor::delegate(ActorIdentity::subject(sou("service-c")), Some(act));
    let order: Vec<_> = next
        .iter()
        .map(|a| a.sub.as_ref().unwrap().as_str().to_owned())
        .collect();
    assert_eq!(order, ["service-c", "service-b", "service-a"]);
    // Serialisation nests the same way.
    let v = next.to_json();
    assert_eq!(v["act"]["act"]["sub"], "service-a");
    // Depth limit.
    let mut deep = json!({"sub": "a0"});
    for i in 1..=MAX_ACTOR_DEPTH {
        deep = json!({"sub": format!("a{i}"), "act": deep});
    }
    let c = json!({"act": deep});
    let err = ClaimsSet::from_json_slice(c.to_string().as_bytes());
    assert!(err.is_ok(), "ClaimsSet does not type act");
    let mut doc2 = doc.clone();
    doc2["act"] = deep;
    assert!(matches!(
        AccessTokenClaims::from_json_slice(doc2.to_string().as_bytes()),
        Err(ClaimsError::Actor {
            claim: Claim::Act,
            ..
        })
    ));
}
