//! Property tests for audex-claims.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

use audex_claims::{
    AccessTokenClaims, Actor, Audience, ClaimsError, ClaimsSet, MAX_ACTOR_DEPTH, ParseOptions,
    Scope, ScopeToken, Strictness, StringOrUri,
};
use proptest::prelude::*;
use serde_json::{Value, json};

const PCHAR: &str = r"([A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})";
const REG_NAME: &str = r"([A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})";

/// URIs generated from the RFC 3986 §3 grammar (scheme ":" hier-part [?query] [#fragment]).
fn rfc3986_uri() -> impl Strategy<Value = String> {
    let scheme = "[A-Za-z][A-Za-z0-9+.\\-]{0,8}";
    let userinfo = r"(([A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2}){0,6}@)?";
    let host = prop_oneof![
        proptest::string::string_regex(&format!("{REG_NAME}{{0,12}}")).unwrap(),
        "(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}",
        Just("[::1]".to_owned()),
        Just("[2001:db8::7]".to_owned()),
    ];
    let port = "(:[0-9]{0,5})?";
    let seg = format!("{PCHAR}{{0,8}}");
    let seg_nz = format!("{PCHAR}{{1,8}}");
    let path_abempty = format!("(/{seg}){{0,3}}");
    let authority_form = (
        proptest::string::string_regex(userinfo).unwrap(),
        host,
        proptest::string::string_regex(port).unwrap(),
        proptest::string::string_regex(&path_abempty).unwrap(),
    )
        .prop_map(|(u, h, p, path)| format!("//{u}{h}{p}{path}"));
    let hier = prop_oneof![
        authority_form,
        proptest::string::string_regex(&format!("/({seg_nz}(/{seg}){{0,3}})?")).unwrap(),
        proptest::string::string_regex(&format!("{seg_nz}(/{seg}){{0,3}}")).unwrap(),
        Just(String::new()),
    ];
    let qf = format!(r"(\?({PCHAR}|[/?]){{0,8}})?(#({PCHAR}|[/?]){{0,8}})?");
    (
        proptest::string::string_regex(scheme).unwrap(),
        hier,
        proptest::string::string_regex(&qf).unwrap(),
    )
        .prop_map(|(s, h, q)| format!("{s}:{h}{q}"))
}

/// Characters RFC 3986 allows nowhere in a URI.
fn never_in_uri() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::sample::select(vec![
            ' ', '"', '<', '>', '\\', '^', '`', '{', '|', '}', '\t', '\n'
        ]),
        any::<char>().prop_filter("non-ASCII", |c| !c.is_ascii()),
    ]
}

/// A strict StringOrURI: a plain string without ':' or a URI.
fn strict_value() -> impl Strategy<Value = String> {
    prop_oneof!["[^:]{0,16}", rfc3986_uri()]
}

fn scope_token() -> impl Strategy<Value = String> {
    "[!#-\\[\\]-~]{1,12}"
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        rfc3986_uri().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const CLAIM_NAMES: [&str; 20] = [
    "iss",
    "sub",
    "aud",
    "exp",
    "nbf",
    "iat",
    "jti",
    "client_id",
    "scope",
    "scp",
    "azp",
    "act",
    "may_act",
    "auth_time",
    "acr",
    "amr",
    "groups",
    "roles",
    "entitlements",
    "other",
];

fn is_string_or_string_array(v: &Value) -> bool {
    match v {
        Value::String(_) => true,
        Value::Array(items) => items.iter().all(Value::is_string),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_rfc3986_uri_is_accepted(uri in rfc3986_uri()) {
        let v = StringOrUri::new(uri.clone());
        prop_assert!(v.is_ok(), "{uri:?}: {v:?}");
        prop_assert_eq!(v.unwrap().into_string(), uri);
    }

    #[test]
    fn colon_strings_that_are_not_uris_are_rejected(
        uri in rfc3986_uri(),
        bad in never_in_uri(),
        at in any::<prop::sample::Index>(),
    ) {
        let mut s = uri;
        let mut cut = at.index(s.len() + 1);
        while !s.is_char_boundary(cut) { cut -= 1; }
        s.insert(cut, bad);
        prop_assume!(s.contains(':'));
        prop_assert!(StringOrUri::new(s.clone()).is_err(), "{s:?}");
        prop_assert_eq!(StringOrUri::new_lenient(s.clone()).into_string(), s);
    }

    #[test]
    fn strings_without_colon_are_always_accepted(s in "[^:]{0,40}") {
        prop_assert!(StringOrUri::new(s).is_ok());
    }

    #[test]
    fn audience_round_trip_keeps_the_wire_form(
        values in prop::collection::vec(strict_value(), 0..5),
        as_string in any::<bool>(),
    ) {
        let wire = match (as_string, values.first()) {
            (true, Some(first)) => json!(first),
            _ => json!(values),
        };
        let text = wire.to_string();
        let aud: Audience = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(serde_json::to_string(&aud).unwrap(), text);
        prop_assert_eq!(aud.is_empty(), wire.as_array().is_some_and(Vec::is_empty));
        for v in aud.iter() {
            prop_assert!(aud.contains(v.as_str()));
            prop_assert!(aud.check(std::slice::from_ref(v)).is_ok());
        }
    }

    #[test]
    fn scope_round_trip_keeps_the_wire_form(tokens in prop::collection::vec(scope_token(), 1..8)) {
        let scope: Scope = tokens.iter().map(|t| ScopeToken::new(t.clone()).unwrap()).collect();
        let wire = scope.to_string();
        let again = Scope::parse(&wire).unwrap();
        prop_assert_eq!(again.to_string(), wire.clone());
        prop_assert_eq!(&again, &scope);
        let json = serde_json::to_string(&scope).unwrap();
        prop_assert_eq!(serde_json::from_str::<Scope>(&json).unwrap().to_string(), wire);
    }

    #[test]
    fn scope_set_algebra(
        a in prop::collection::vec(scope_token(), 0..6),
        b in prop::collection::vec(scope_token(), 0..6),
    ) {
        let a: Scope = a.into_iter().map(|t| ScopeToken::new(t).unwrap()).collect();
        let b: Scope = b.into_iter().map(|t| ScopeToken::new(t).unwrap()).collect();
        let i = a.intersection(&b);
        prop_assert!(i.is_subset(&a) && i.is_subset(&b));
        let d = a.difference(&b);
        prop_assert!(d.iter().all(|t| !b.contains(t)));
        prop_assert_eq!(i.len() + d.len(), a.len());
        prop_assert!(a.is_subset(&a.union(&b)) && b.is_subset(&a.union(&b)));
    }

    #[test]
    fn arbitrary_json_never_panics_and_aud_type_is_enforced(
        members in prop::collection::btree_map(prop::sample::select(CLAIM_NAMES.to_vec()), json_value(), 0..10),
    ) {
        let obj: serde_json::Map<String, Value> =
            members.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let bytes = Value::Object(obj.clone()).to_string().into_bytes();
        for opts in [ParseOptions::strict(), ParseOptions::lenient()] {
            let generic = ClaimsSet::from_json_slice_with(&bytes, &opts);
            let at = AccessTokenClaims::from_json_slice_with(&bytes, &opts);
            if let Some(aud) = obj.get("aud").filter(|a| !is_string_or_string_array(a)) {
                {
                    // Never read as "no audience": the parse fails (another malformed
                    // claim may be the one reported).
                    prop_assert!(generic.is_err(), "{generic:?}");
                    prop_assert!(at.is_err());
                    let only_aud = json!({ "aud": aud }).to_string();
                    let alone = ClaimsSet::from_json_slice_with(only_aud.as_bytes(), &opts);
                    prop_assert!(matches!(alone, Err(ClaimsError::Audience(_))), "{alone:?}");
                }
            }
            if let Ok(c) = generic {
                // Typed claims are never left behind in `extra`.
                for name in ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"] {
                    prop_assert!(!c.extra.contains_key(name));
                }
            }
            audex_claims::fuzz::claims_parse(&bytes);
        }
    }

    #[test]
    fn streaming_and_map_parsers_agree(
        members in prop::collection::btree_map(prop::sample::select(CLAIM_NAMES.to_vec()), json_value(), 0..10),
    ) {
        use audex_claims::json::{JsonLimits, parse_object};
        let obj: serde_json::Map<String, Value> =
            members.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let bytes = Value::Object(obj).to_string().into_bytes();
        for opts in [ParseOptions::strict(), ParseOptions::lenient()] {
            let map = parse_object(&bytes, JsonLimits::default()).unwrap();
            let a = ClaimsSet::from_json_slice_with(&bytes, &opts);
            let b = ClaimsSet::from_map(map.clone(), &opts);
            prop_assert_eq!(a.is_ok(), b.is_ok());
            if let (Ok(a), Ok(b)) = (a, b) {
                prop_assert_eq!(a, b);
            }
            let a = AccessTokenClaims::from_json_slice_with(&bytes, &opts);
            let b = AccessTokenClaims::from_map(map, &opts);
            prop_assert_eq!(a.is_ok(), b.is_ok());
            if let (Ok(a), Ok(b)) = (a, b) {
                prop_assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        audex_claims::fuzz::claims_parse(&bytes);
    }

    #[test]
    fn actor_depth_is_bounded(depth in 1usize..=(MAX_ACTOR_DEPTH + 8)) {
        let mut v = json!({"sub": "a0"});
        for i in 1..depth {
            v = json!({"sub": format!("a{i}"), "act": v});
        }
        let parsed = Actor::from_json(v, Strictness::Strict);
        if depth <= MAX_ACTOR_DEPTH {
            let act = parsed.unwrap();
            prop_assert_eq!(act.depth(), depth);
            let first = act.iter().next().unwrap().sub.clone().unwrap();
            prop_assert_eq!(first.as_str(), format!("a{}", depth - 1));
            prop_assert_eq!(Actor::from_json(act.to_json(), Strictness::Strict).unwrap(), act);
        } else {
            prop_assert!(parsed.is_err());
        }
    }
}
