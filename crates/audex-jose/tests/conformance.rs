//! Conformance tests for audex-jose (JWS-*, JWK-*, BCP-*, AT-*, CA-JWT-1).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

use std::time::Duration;

use audex_jose::claims::{AccessTokenClaims, Claim};
use audex_jose::{
    Algorithm, AssertionError, BearerError, CritError, Header, Jwk, JwsError, JwsOptions, KeyError,
    KeySet, NumericDate, Scope, SigningKey, StringOrUri, UnverifiedJws, Validation, VerifyError,
    VerifyingKey, b64, sign_compact, sign_jwt, verify_compact,
};
use serde_json::{Value, json};

const ISS: &str = "https://sts.example";
const NOW: u64 = 1_900_000_100;

fn sou(s: &str) -> StringOrUri {
    StringOrUri::new(s).unwrap()
}

fn now() -> NumericDate {
    NumericDate::from_secs(NOW).unwrap()
}

fn es256() -> SigningKey {
    SigningKey::generate(Algorithm::ES256)
        .unwrap()
        .0
        .with_kid("k1")
}

fn keys_of(k: &SigningKey) -> KeySet {
    KeySet::new(vec![k.verifying_key().unwrap()])
}

fn at_claims() -> Value {
    json!({"iss": ISS, "sub": "alice", "aud": "order-api", "client_id": "portal",
           "exp": NOW + 200, "iat": NOW - 100, "jti": "j1", "scope": "orders:read"})
}

fn at_validation() -> Validation<audex_jose::AccessToken> {
    Validation::access_token(sou(ISS), sou("order-api"))
}

/// Signs `payload` under an arbitrary header object (bypassing the typed Header).
fn sign_raw_header(header: &Value, payload: &Value, key: &SigningKey) -> String {
    let input = format!(
        "{}.{}",
        b64::encode(header.to_string().as_bytes()),
        b64::encode(payload.to_string().as_bytes())
    );
    format!(
        "{input}.{}",
        b64::encode(&key.sign_raw(input.as_bytes()).unwrap())
    )
}

fn parse(token: &str) -> Result<UnverifiedJws<'_>, JwsError> {
    UnverifiedJws::parse(token, &JwsOptions::default())
}

// conformance: JWS-FORM-1
#[test]
fn compact_form_is_strict() {
    let k = es256();
    let token = sign_jwt(&json!({"sub": "a"}), &k, Some("JWT")).unwrap();
    let keys = keys_of(&k);
    assert!(verify_compact(&token, &keys).is_ok());
    let (h, rest) = token.split_once('.').unwrap();
    let (p, s) = rest.split_once('.').unwrap();
    assert_eq!(
        parse(&format!("{h}.{p}")).unwrap_err(),
        JwsError::PartCount { parts: 2 }
    );
    assert_eq!(
        parse(&format!("{token}.x")).unwrap_err(),
        JwsError::PartCount { parts: 4 }
    );
    assert_eq!(
        parse(&format!("{h}.{p}.x.{s}")).unwrap_err(),
        JwsError::PartCount { parts: 4 }
    );
    assert_eq!(parse("abc").unwrap_err(), JwsError::PartCount { parts: 1 });
    // No supported key signs more than 1024 bytes (RSA-8192): a longer signature is
    // refused before any key is looked at.
    assert_eq!(
        parse(&format!("{h}.{p}.{}", "A".repeat(1368))).unwrap_err(),
        JwsError::SignatureTooLong { limit: 1024 }
    );
    for bad in [
        format!("{h}=.{p}.{s}"),
        format!("{h}.{p}.{s}="),
        format!(" {h}.{p}.{s}"),
        format!("{h}.{p}.{s}\n"),
        format!("{h}.{p} .{s}"),
        format!("{}.{p}.{s}", h.replace('_', "/").replace('-', "+") + "+"),
    ] {
        assert!(
            matches!(parse(&bad), Err(JwsError::Base64 { .. })),
            "{bad:?} => {:?}",
            parse(&bad)
        );
    }
    // Non-canonical trailing bits: a 64-byte signature is 86 symbols whose last one
    // carries 4 unused bits. Setting one of them keeps the bytes but breaks canonical form.
    let last = s.chars().last().unwrap();
    let idx = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        .iter()
        .position(|c| *c as char == last)
        .unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let sloppy = alphabet.chars().nth(idx | 1).unwrap();
    let s2 = format!("{}{sloppy}", &s[..s.len() - 1]);
    if s2 != s {
        assert!(matches!(
            parse(&format!("{h}.{p}.{s2}")),
            Err(JwsError::Base64 {
                part: "signature",
                ..
            })
        ));
    }
    assert!(matches!(
        parse(""),
        Err(JwsError::PartCount { .. }) | Err(JwsError::Base64 { .. })
    ));
    assert!(parse("..").is_err());
}

// conformance: JWS-ALG-1
#[test]
fn alg_none_is_never_accepted() {
    assert!(Algorithm::from_name("none").is_err());
    let unsecured = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";
    assert_eq!(parse(unsecured).unwrap_err(), JwsError::AlgNone);
    assert!(matches!(
        verify_compact(unsecured, &KeySet::default()),
        Err(VerifyError::Malformed(JwsError::AlgNone))
    ));
    let no_alg = format!(
        "{}.{}.AA",
        b64::encode(br#"{"typ":"JWT"}"#),
        b64::encode(b"{}")
    );
    assert!(matches!(
        parse(&no_alg),
        Err(JwsError::HeaderParam { name: "alg", .. })
    ));
    let alg_number = format!("{}.{}.AA", b64::encode(br#"{"alg":1}"#), b64::encode(b"{}"));
    assert!(matches!(
        parse(&alg_number),
        Err(JwsError::HeaderParam { name: "alg", .. })
    ));
}

// conformance: JWS-ALG-2
#[test]
fn supported_algorithms_and_clean_errors_for_the_rest() {
    for alg in Algorithm::ALL {
        assert_eq!(Algorithm::from_name(alg.name()).unwrap(), alg);
    }
    assert_eq!(Algorithm::ALL.len(), 12);
    for name in [
        "ES512", "ES256K", "HS1", "RSA-OAEP", "", "hs256", "Ed25519", "EdDSA ",
    ] {
        let err = Algorithm::from_name(name).unwrap_err();
        assert_eq!(err.name, name);
        let token = format!(
            "{}.{}.AA",
            b64::encode(json!({"alg": name}).to_string().as_bytes()),
            b64::encode(b"{}")
        );
        assert!(
            matches!(parse(&token), Err(JwsError::UnsupportedAlgorithm(_))),
            "{name}"
        );
    }
    assert_eq!(
        Algorithm::from_name("ES512").unwrap_err().to_string(),
        "unsupported algorithm \"ES512\""
    );
    // Every supported algorithm signs and verifies (RSA keys come from the RFC vectors).
    let rsa_jwk = rfc7515_rsa_jwk();
    for alg in Algorithm::ALL {
        let sk = match alg.family() {
            audex_jose::KeyFamily::Rsa => rsa_jwk.signing_key(Some(alg)).unwrap(),
            _ => SigningKey::generate(alg).unwrap().0,
        };
        let token = sign_jwt(&json!({"n": 1}), &sk, None).unwrap();
        let keys = KeySet::new(vec![sk.verifying_key().unwrap()]);
        let v = verify_compact(&token, &keys).unwrap_or_else(|e| panic!("{alg}: {e}"));
        assert_eq!(v.header().alg, alg);
    }
}

fn rfc7515_rsa_jwk() -> Jwk {
    let path = format!("{}/tests/vectors/rfc/jws.json", env!("CARGO_MANIFEST_DIR"));
    let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let case = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "RFC7515-A.2")
        .unwrap();
    Jwk::from_json(case["jwk"].to_string().as_bytes()).unwrap()
}

/// DER-encodes an R‖S ECDSA signature (what OpenSSL and Java emit natively).
fn rs_to_der(sig: &[u8]) -> Vec<u8> {
    fn int(v: &[u8]) -> Vec<u8> {
        let mut v: Vec<u8> = v.iter().copied().skip_while(|b| *b == 0).collect();
        if v.first().is_some_and(|b| b & 0x80 != 0) {
            v.insert(0, 0);
        }
        let mut out = vec![0x02, v.len() as u8];
        out.extend(v);
        out
    }
    let (r, s) = sig.split_at(sig.len() / 2);
    let body: Vec<u8> = [int(r), int(s)].concat();
    let mut out = vec![0x30, body.len() as u8];
    out.extend(body);
    out
}

// conformance: JWS-ALG-3
#[test]
fn ecdsa_signatures_are_fixed_width_r_s() {
    for (alg, len) in [(Algorithm::ES256, 64), (Algorithm::ES384, 96)] {
        let (sk, _) = SigningKey::generate(alg).unwrap();
        let token = sign_jwt(&json!({"a": 1}), &sk, None).unwrap();
        let sig = b64::decode(token.rsplit('.').next().unwrap().as_bytes()).unwrap();
        assert_eq!(sig.len(), len);
        let keys = KeySet::new(vec![sk.verifying_key().unwrap()]);
        assert!(verify_compact(&token, &keys).is_ok());
        let (input, _) = token.rsplit_once('.').unwrap();
        let der = format!("{input}.{}", b64::encode(&rs_to_der(&sig)));
        assert_eq!(
            verify_compact(&der, &keys).unwrap_err(),
            VerifyError::InvalidSignature
        );
    }
}

// conformance: JWS-CRIT-1
#[test]
fn crit_rules() {
    let k = es256();
    let keys = keys_of(&k);
    let with = |header: Value| sign_raw_header(&header, &json!({"a": 1}), &k);
    let name = |n: &str| n.to_owned();
    let bad = [
        (json!({"alg": "ES256", "crit": []}), CritError::Empty),
        (
            json!({"alg": "ES256", "crit": "exp"}),
            CritError::NotAnArray {
                found: audex_jose::claims::json::JsonType::String,
            },
        ),
        (json!({"alg": "ES256", "crit": [1]}), CritError::NotAString),
        (
            json!({"alg": "ES256", "crit": ["alg"]}),
            CritError::Registered { name: name("alg") },
        ),
        (
            json!({"alg": "ES256", "crit": ["kid"], "kid": "k1"}),
            CritError::Registered { name: name("kid") },
        ),
        (
            json!({"alg": "ES256", "crit": ["exp"]}),
            CritError::Absent { name: name("exp") },
        ),
        (
            json!({"alg": "ES256", "crit": ["exp"], "exp": 5}),
            CritError::NotUnderstood { name: name("exp") },
        ),
    ];
    for (header, why) in bad {
        let token = with(header.clone());
        match verify_compact(&token, &keys) {
            Err(VerifyError::Malformed(JwsError::Crit(e))) => assert_eq!(e, why, "{header}"),
            other => panic!("{header}: {other:?}"),
        }
    }
    // An extension the caller declares it understands passes.
    let token = with(json!({"alg": "ES256", "kid": "k1", "crit": ["exp"], "exp": 5}));
    let opts = JwsOptions {
        understood_crit: &["exp"],
        ..JwsOptions::default()
    };
    let jws = UnverifiedJws::parse(&token, &opts).unwrap();
    assert_eq!(jws.header().crit.as_deref(), Some(&["exp".to_owned()][..]));
    assert!(jws.verify(&keys).is_ok());
    let twice = with(json!({"alg": "ES256", "kid": "k1", "crit": ["exp", "exp"], "exp": 5}));
    match UnverifiedJws::parse(&twice, &opts) {
        Err(JwsError::Crit(e)) => assert_eq!(e, CritError::Duplicate { name: name("exp") }),
        other => panic!("{other:?}"),
    }
}

// conformance: JWS-B64-1
#[test]
fn unencoded_payload_is_rejected() {
    let k = es256();
    for header in [
        json!({"alg": "ES256", "b64": false, "crit": ["b64"]}),
        json!({"alg": "ES256", "b64": false}),
    ] {
        let token = sign_raw_header(&header, &json!({}), &k);
        assert_eq!(parse(&token).unwrap_err(), JwsError::UnencodedPayload);
    }
}

// conformance: JWT-DUP-1
#[test]
fn duplicate_header_members_are_rejected() {
    let k = es256();
    let input = format!(
        "{}.{}",
        b64::encode(br#"{"alg":"ES256","alg":"HS256"}"#),
        b64::encode(b"{}")
    );
    let token = format!(
        "{input}.{}",
        b64::encode(&k.sign_raw(input.as_bytes()).unwrap())
    );
    assert!(matches!(parse(&token), Err(JwsError::HeaderJson(_))));
}

// conformance: JWK-1
#[test]
fn jwk_set_keeps_supported_entries_and_reports_the_rest() {
    let rsa = rfc7515_rsa_jwk();
    let rsa_pub = rsa
        .verifying_key_for(Algorithm::RS256)
        .unwrap()
        .to_public_jwk()
        .unwrap();
    let ec256 = SigningKey::generate(Algorithm::ES256)
        .unwrap()
        .0
        .to_public_jwk()
        .unwrap();
    let ec384 = SigningKey::generate(Algorithm::ES384)
        .unwrap()
        .0
        .to_public_jwk()
        .unwrap();
    let okp = SigningKey::generate(Algorithm::EdDSA)
        .unwrap()
        .0
        .to_public_jwk()
        .unwrap();
    let oct = json!({"kty": "oct", "alg": "HS256", "kid": "h", "k": b64::encode(&[9u8; 32])});
    let jwks = json!({"keys": [
        rsa_pub, ec256, ec384, okp, oct,
        {"kty": "EC", "crv": "P-521", "kid": "p521", "x": "AA", "y": "AA"},
        {"kty": "OKP", "crv": "X25519", "kid": "x", "x": "AA"},
        {"kty": "foo", "kid": "foo"},
        {"kty": "RSA", "kid": "no-alg", "n": "AQAB", "e": "AQAB"},
        "not an object",
        {"kty": "EC", "crv": "P-256", "kid": "short", "x": "AA", "y": "AA"}
    ]});
    let set = KeySet::from_jwks(jwks.to_string().as_bytes()).unwrap();
    let algs: Vec<Algorithm> = set.keys().iter().map(VerifyingKey::algorithm).collect();
    assert_eq!(
        algs,
        [
            Algorithm::RS256,
            Algorithm::ES256,
            Algorithm::ES384,
            Algorithm::EdDSA,
            Algorithm::HS256
        ]
    );
    let skipped: Vec<usize> = set.skipped().iter().map(|s| s.index).collect();
    assert_eq!(skipped, [5, 6, 7, 8, 9, 10]);
    assert!(matches!(
        set.skipped()[3].reason,
        KeyError::AlgorithmRequired { .. }
    ));
    assert_eq!(set.skipped()[0].kid.as_deref(), Some("p521"));
    // A set is a JSON object with a keys array.
    assert!(KeySet::from_jwks(b"[]").is_err());
    assert!(KeySet::from_jwks(br#"{"keys": {}}"#).is_err());
    // RSA keys without alg can be bound explicitly.
    let bound = KeySet::from_jwks_with_rsa_default(
        json!({"keys": [{"kty": "RSA", "n": rsa_pub["n"], "e": "AQAB"}]})
            .to_string()
            .as_bytes(),
        Algorithm::PS256,
    )
    .unwrap();
    assert_eq!(bound.keys()[0].algorithm(), Algorithm::PS256);
}

// conformance: JWK-2
#[test]
fn encryption_keys_never_verify() {
    let (sk, _) = SigningKey::generate(Algorithm::ES256).unwrap();
    let mut public = sk.to_public_jwk().unwrap();
    public["use"] = json!("enc");
    let jwk = Jwk::from_json(public.to_string().as_bytes()).unwrap();
    assert_eq!(
        jwk.verifying_key().unwrap_err(),
        KeyError::NotPermitted { op: "verify" }
    );
    public.as_object_mut().unwrap().remove("use");
    public["key_ops"] = json!(["encrypt", "wrapKey"]);
    let jwk = Jwk::from_json(public.to_string().as_bytes()).unwrap();
    assert!(jwk.verifying_key().is_err());
    public["key_ops"] = json!(["verify"]);
    let jwk = Jwk::from_json(public.to_string().as_bytes()).unwrap();
    assert!(jwk.verifying_key().is_ok());
    public["use"] = json!("enc");
    let set = KeySet::from_jwks(json!({"keys": [public]}).to_string().as_bytes()).unwrap();
    assert!(set.keys().is_empty());
    assert_eq!(set.skipped().len(), 1);
}

// conformance: JWK-3
#[test]
fn weak_keys_are_refused() {
    let mut n1024 = vec![0xC5u8; 128];
    n1024[127] |= 1;
    assert_eq!(
        VerifyingKey::rsa_components(Algorithm::RS256, &n1024, &[1, 0, 1]).unwrap_err(),
        KeyError::RsaSize { bits: 1024 }
    );
    let jwk = json!({"kty": "RSA", "alg": "RS256", "n": b64::encode(&n1024), "e": "AQAB"});
    assert!(matches!(
        Jwk::from_json(jwk.to_string().as_bytes())
            .unwrap()
            .verifying_key(),
        Err(KeyError::RsaSize { bits: 1024 })
    ));
    for (alg, min) in [
        (Algorithm::HS256, 32),
        (Algorithm::HS384, 48),
        (Algorithm::HS512, 64),
    ] {
        assert_eq!(
            VerifyingKey::hmac(alg, &vec![1u8; min - 1]).unwrap_err(),
            KeyError::HmacTooShort {
                alg,
                len: min - 1,
                min
            }
        );
        assert!(VerifyingKey::hmac(alg, &vec![1u8; min]).is_ok());
        assert!(SigningKey::hmac(alg, &vec![1u8; min - 1]).is_err());
    }
    // Wrong key type for the algorithm.
    assert!(matches!(
        VerifyingKey::ec_coordinates(Algorithm::RS256, &[0; 32], &[0; 32]),
        Err(KeyError::WrongKeyType { .. })
    ));
}

// conformance: JWK-5
#[test]
fn private_material_never_leaks() {
    let rsa = rfc7515_rsa_jwk();
    assert!(rsa.is_private());
    let debug = format!("{rsa:?}");
    assert!(debug.contains("[REDACTED]"));
    assert!(!debug.contains("Eq5xpGnNCivDflJs"), "{debug}");
    let sk = rsa.signing_key(Some(Algorithm::RS256)).unwrap();
    let public = sk.to_public_jwk().unwrap();
    for member in ["d", "p", "q", "dp", "dq", "qi", "k", "oth"] {
        assert!(public.get(member).is_none(), "{member}");
    }
    assert!(!format!("{sk:?}").contains("Eq5xpGnNCivDflJs"));
    let (ed, _) = SigningKey::generate(Algorithm::EdDSA).unwrap();
    assert!(ed.to_public_jwk().unwrap().get("d").is_none());
    // HMAC keys have no public form at all.
    let h = SigningKey::hmac(Algorithm::HS256, &[7; 32]).unwrap();
    assert!(h.to_public_jwk().is_none());
    assert!(!format!("{h:?}").contains("7, 7"));
    let set = KeySet::new(vec![
        h.verifying_key().unwrap(),
        sk.verifying_key().unwrap(),
    ]);
    assert_eq!(set.to_public_jwks()["keys"].as_array().unwrap().len(), 1);
}

// conformance: JWK-6
#[test]
fn ambiguous_key_selection_is_an_error() {
    let (a, _) = SigningKey::generate(Algorithm::ES256).unwrap();
    let (b, _) = SigningKey::generate(Algorithm::ES256).unwrap();
    let a = a.with_kid("dup");
    let b = b.with_kid("dup");
    let keys = KeySet::new(vec![a.verifying_key().unwrap(), b.verifying_key().unwrap()]);
    let token = sign_jwt(&json!({}), &a, None).unwrap();
    assert_eq!(
        verify_compact(&token, &keys).unwrap_err(),
        VerifyError::AmbiguousKey {
            kid: Some("dup".into()),
            alg: Algorithm::ES256
        }
    );
    // Same kid, different algorithms: the header alg picks exactly one.
    let (c, _) = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let c = c.with_kid("dup");
    let keys = KeySet::new(vec![a.verifying_key().unwrap(), c.verifying_key().unwrap()]);
    assert!(verify_compact(&token, &keys).is_ok());
    // Without kid: only keys of the token's algorithm are tried, and only a few.
    let mut header = Header::new(Algorithm::ES256);
    header.kid = None;
    let kidless = sign_compact(&header, b"{}", &a).unwrap();
    assert!(verify_compact(&kidless, &keys).is_ok());
    let many: Vec<VerifyingKey> = (0..5)
        .map(|_| {
            SigningKey::generate(Algorithm::ES256)
                .unwrap()
                .0
                .verifying_key()
                .unwrap()
        })
        .collect();
    assert_eq!(
        verify_compact(&kidless, &KeySet::new(many)).unwrap_err(),
        VerifyError::AmbiguousKey {
            kid: None,
            alg: Algorithm::ES256
        }
    );
}

// conformance: BCP-ALG-1
#[test]
fn header_alg_must_equal_the_key_algorithm() {
    let rsa = rfc7515_rsa_jwk();
    let rs256 = rsa
        .signing_key(Some(Algorithm::RS256))
        .unwrap()
        .with_kid("r");
    let keys = KeySet::new(vec![rs256.verifying_key().unwrap()]);
    // Same RSA key, but the token claims PS256: refused before any crypto.
    let ps256 = rsa
        .signing_key(Some(Algorithm::PS256))
        .unwrap()
        .with_kid("r");
    let token = sign_jwt(&json!({}), &ps256, None).unwrap();
    assert_eq!(
        verify_compact(&token, &keys).unwrap_err(),
        VerifyError::AlgorithmMismatch {
            header: Algorithm::PS256,
            key: Algorithm::RS256
        }
    );
    // The classic confusion: HS256 keyed with the RSA public key bytes.
    let public = rs256.to_public_jwk().unwrap();
    let n = b64::decode(public["n"].as_str().unwrap().as_bytes()).unwrap();
    let forger = SigningKey::hmac(Algorithm::HS256, &n)
        .unwrap()
        .with_kid("r");
    let forged = sign_jwt(&json!({"admin": true}), &forger, None).unwrap();
    assert_eq!(
        verify_compact(&forged, &keys).unwrap_err(),
        VerifyError::AlgorithmMismatch {
            header: Algorithm::HS256,
            key: Algorithm::RS256
        }
    );
    // A key is bound at construction: a JWK's alg cannot be overridden.
    let mut j = public.clone();
    j["alg"] = json!("RS256");
    let jwk = Jwk::from_json(j.to_string().as_bytes()).unwrap();
    assert!(matches!(
        jwk.verifying_key_for(Algorithm::PS256),
        Err(KeyError::AlgorithmConflict { .. })
    ));
}

// conformance: BCP-KEYS-1
#[test]
fn embedded_key_headers_never_select_keys() {
    let trusted = es256();
    let keys = keys_of(&trusted);
    let (attacker, _) = SigningKey::generate(Algorithm::ES256).unwrap();
    let attacker_jwk = attacker.to_public_jwk().unwrap();
    for extra in [
        json!({"jwk": attacker_jwk}),
        json!({"jku": "https://attacker.example/jwks"}),
        json!({"x5u": "https://attacker.example/cert"}),
        json!({"x5c": ["MIIB"]}),
    ] {
        let mut header = json!({"alg": "ES256", "kid": "k1"});
        for (k, v) in extra.as_object().unwrap() {
            header[k] = v.clone();
        }
        let token = sign_raw_header(&header, &json!({"sub": "mallory"}), &attacker);
        assert_eq!(
            verify_compact(&token, &keys).unwrap_err(),
            VerifyError::InvalidSignature,
            "{header}"
        );
    }
}

fn signed_at(claims: &Value, key: &SigningKey, typ: Option<&str>) -> String {
    sign_jwt(claims, key, typ).unwrap()
}

// conformance: BCP-ISS-1
#[test]
fn keys_come_from_the_expected_issuers_set() {
    let k = es256();
    let token = signed_at(&at_claims(), &k, Some("at+jwt"));
    let theirs = keys_of(&k).for_issuer(sou("https://other-issuer.example"));
    assert_eq!(
        at_validation().verify(&token, &theirs, now()).unwrap_err(),
        VerifyError::WrongIssuerKeys {
            key_issuer: "https://other-issuer.example".into()
        }
    );
    let ours = keys_of(&k).for_issuer(sou(ISS));
    assert!(at_validation().verify(&token, &ours, now()).is_ok());
    // A token naming another issuer, signed with our key, still fails the iss check.
    let mut c = at_claims();
    c["iss"] = json!("https://other-issuer.example");
    let token = signed_at(&c, &k, Some("at+jwt"));
    assert!(matches!(
        at_validation().verify(&token, &ours, now()),
        Err(VerifyError::Issuer(_))
    ));
}

// conformance: BCP-ISS-1
#[test]
fn one_issuers_key_never_verifies_another_issuers_token() {
    let partner_key = es256();
    const PARTNER: &str = "https://partner.example";
    let both = at_validation().issuer(sou(PARTNER));
    // The partner signs a token that names our issuer.
    let forged = signed_at(&at_claims(), &partner_key, Some("at+jwt"));
    let partner_keys = keys_of(&partner_key).for_issuer(sou(PARTNER));
    assert_eq!(
        both.verify(&forged, &partner_keys, now()).unwrap_err(),
        VerifyError::IssuerKeyMismatch {
            key_issuer: PARTNER.into()
        }
    );
    // Unbound keys and several accepted issuers: nothing ties key to issuer.
    assert_eq!(
        both.verify(&forged, &keys_of(&partner_key), now())
            .unwrap_err(),
        VerifyError::UnboundKeySet
    );
    // The partner's own token verifies with its bound keys, and says whose keys.
    let mut c = at_claims();
    c["iss"] = json!(PARTNER);
    let theirs = signed_at(&c, &partner_key, Some("at+jwt"));
    let v = both.verify(&theirs, &partner_keys, now()).unwrap();
    assert_eq!(v.key_issuer().map(|i| i.as_str()), Some(PARTNER));
    // A single-issuer validation with unbound keys still works (the iss check holds).
    assert_eq!(
        at_validation()
            .verify(
                &signed_at(&at_claims(), &partner_key, Some("at+jwt")),
                &keys_of(&partner_key),
                now()
            )
            .unwrap()
            .key_issuer(),
        None
    );
}

// conformance: BCP-AUD-1
#[test]
fn configured_audience_makes_aud_required() {
    let k = es256();
    let mut c = at_claims();
    c.as_object_mut().unwrap().remove("aud");
    let token = signed_at(&c, &k, None);
    let v = Validation::jwt()
        .issuer(sou(ISS))
        .audience(sou("order-api"));
    assert!(matches!(
        v.verify(&token, &keys_of(&k), now()),
        Err(VerifyError::Audience(
            audex_jose::claims::AudienceError::Missing { .. }
        ))
    ));
    // An exchange server defers the audience rule to its policy, but aud stays required.
    let sts = Validation::subject_token(sou(ISS));
    let no_aud_at = signed_at(&c, &k, Some("at+jwt"));
    assert!(matches!(
        sts.verify(&no_aud_at, &keys_of(&k), now()),
        Err(VerifyError::Claims(_))
    ));
    let other = signed_at(
        &json!({"iss": ISS, "sub": "a", "aud": "someone-else", "client_id": "c", "exp": NOW + 60, "iat": NOW, "jti": "j"}),
        &k,
        Some("at+jwt"),
    );
    assert!(sts.verify(&other, &keys_of(&k), now()).is_ok());
    // And an aud naming someone else is rejected.
    let mut c = at_claims();
    c["aud"] = json!(["billing-api"]);
    let token = signed_at(&c, &k, None);
    assert!(matches!(
        v.verify(&token, &keys_of(&k), now()),
        Err(VerifyError::Audience(_))
    ));
}

// conformance: BCP-TYP-1
#[test]
fn profiles_are_mutually_exclusive_by_typ() {
    let k = es256();
    let keys = keys_of(&k);
    let access = signed_at(&at_claims(), &k, Some("at+jwt"));
    let assertion_claims =
        json!({"iss": "portal", "sub": "portal", "aud": ISS, "exp": NOW + 60, "jti": "x"});
    let assertion = signed_at(&assertion_claims, &k, Some("client-authentication+jwt"));
    let id_token = signed_at(&at_claims(), &k, Some("JWT"));
    let generic = Validation::jwt()
        .issuer(sou(ISS))
        .audience(sou("order-api"));
    let ca = Validation::client_assertion(sou(ISS), "portal");
    assert!(at_validation().verify(&access, &keys, now()).is_ok());
    assert!(matches!(
        ca.verify(&access, &keys, now()),
        Err(VerifyError::WrongType { .. })
    ));
    assert!(matches!(
        generic.verify(&access, &keys, now()),
        Err(VerifyError::WrongType { .. })
    ));
    assert!(ca.verify(&assertion, &keys, now()).is_ok());
    assert!(matches!(
        at_validation().verify(&assertion, &keys, now()),
        Err(VerifyError::WrongType { .. })
    ));
    assert!(matches!(
        generic.verify(&assertion, &keys, now()),
        Err(VerifyError::WrongType { .. })
    ));
    assert!(generic.verify(&id_token, &keys, now()).is_ok());
    assert!(matches!(
        at_validation().verify(&id_token, &keys, now()),
        Err(VerifyError::WrongType { .. })
    ));
    assert!(matches!(
        ca.verify(&id_token, &keys, now()),
        Err(VerifyError::WrongType { .. })
    ));
    // The reserved types cannot be smuggled into the generic profile.
    let widened = generic.clone().accept_typ("at+jwt");
    assert!(widened.verify(&access, &keys, now()).is_err());
}

// conformance: BCP-SIZE-1
#[test]
fn size_and_depth_limits() {
    let k = es256();
    let keys = keys_of(&k);
    let mut c = at_claims();
    c["big"] = json!("x".repeat(20_000));
    let token = signed_at(&c, &k, Some("at+jwt"));
    assert!(matches!(
        at_validation().verify(&token, &keys, now()),
        Err(VerifyError::Malformed(JwsError::TooLarge {
            limit: 16384,
            ..
        }))
    ));
    assert!(
        at_validation()
            .max_token_bytes(64 * 1024)
            .verify(&token, &keys, now())
            .is_ok()
    );
    // Header limits: size and nesting.
    let deep = (0..20).fold(json!(1), |acc, _| json!([acc]));
    let token = sign_raw_header(&json!({"alg": "ES256", "x": deep}), &json!({}), &k);
    assert!(matches!(
        parse(&token),
        Err(JwsError::HeaderJson(
            audex_jose::claims::JsonError::TooDeep { .. }
        ))
    ));
    let token = sign_raw_header(
        &json!({"alg": "ES256", "x": "y".repeat(5000)}),
        &json!({}),
        &k,
    );
    assert!(matches!(
        parse(&token),
        Err(JwsError::HeaderJson(
            audex_jose::claims::JsonError::TooLarge { .. }
        ))
    ));
    // Claims nesting.
    let mut c = at_claims();
    c["deep"] = (0..40).fold(json!(1), |acc, _| json!([acc]));
    let token = signed_at(&c, &k, Some("at+jwt"));
    assert!(matches!(
        at_validation().verify(&token, &keys, now()),
        Err(VerifyError::Claims(_))
    ));
}

// conformance: AT-TYP-1
#[test]
fn access_token_typ() {
    let k = es256();
    let keys = keys_of(&k);
    for typ in [
        "at+jwt",
        "application/at+jwt",
        "AT+JWT",
        "Application/At+Jwt",
    ] {
        let token = signed_at(&at_claims(), &k, Some(typ));
        assert!(
            at_validation().verify(&token, &keys, now()).is_ok(),
            "{typ}"
        );
    }
    for typ in [
        Some("JWT"),
        None,
        Some("at+jwt "),
        Some("application/jwt"),
        Some("xat+jwt"),
    ] {
        let token = signed_at(&at_claims(), &k, typ);
        assert!(
            matches!(
                at_validation().verify(&token, &keys, now()),
                Err(VerifyError::WrongType {
                    expected: "at+jwt",
                    ..
                })
            ),
            "{typ:?}"
        );
    }
}

// conformance: AT-TYP-1
/// The explicit loosening for issuers without the RFC 9068 header: absent / `JWT`
/// pass, but an assertion's or any other explicit type still fails, and every claim
/// check stays.
#[test]
fn access_token_allow_jwt_typ_is_narrow() {
    let k = es256();
    let keys = keys_of(&k);
    let loose = at_validation().allow_jwt_typ();
    for typ in [None, Some("JWT"), Some("application/jwt"), Some("at+jwt")] {
        let token = signed_at(&at_claims(), &k, typ);
        assert!(loose.verify(&token, &keys, now()).is_ok(), "{typ:?}");
    }
    for typ in [
        "client-authentication+jwt",
        "application/client-authentication+jwt",
        "id_token+jwt",
        "xjwt",
    ] {
        let token = signed_at(&at_claims(), &k, Some(typ));
        assert!(
            matches!(
                loose.verify(&token, &keys, now()),
                Err(VerifyError::WrongType { .. })
            ),
            "{typ}"
        );
    }
    let mut no_client = at_claims();
    no_client.as_object_mut().unwrap().remove("client_id");
    let token = signed_at(&no_client, &k, Some("JWT"));
    assert!(loose.verify(&token, &keys, now()).is_err());
}

// conformance: AT-CLAIMS-1
#[test]
fn access_token_required_claims() {
    let k = es256();
    let keys = keys_of(&k);
    for name in ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"] {
        let mut c = at_claims();
        c.as_object_mut().unwrap().remove(name);
        let token = signed_at(&c, &k, Some("at+jwt"));
        let err = at_validation().verify(&token, &keys, now()).unwrap_err();
        assert!(
            // One shape for a missing claim, whether the claims parser or the
            // validation's required list noticed it.
            matches!(
                err,
                VerifyError::Claims(audex_jose::claims::ClaimsError::Missing(_))
            ),
            "{name}: {err:?}"
        );
        assert!(err.to_string().contains(name), "{name}: {err}");
    }
}

// conformance: AT-ISS-1
#[test]
fn access_token_issuer_matches_exactly() {
    let k = es256();
    let keys = keys_of(&k);
    for iss in [
        "https://sts.example/",
        "https://STS.example",
        "http://sts.example",
        "https://sts.example:443",
    ] {
        let mut c = at_claims();
        c["iss"] = json!(iss);
        let token = signed_at(&c, &k, Some("at+jwt"));
        assert!(
            matches!(
                at_validation().verify(&token, &keys, now()),
                Err(VerifyError::Issuer(_))
            ),
            "{iss}"
        );
    }
}

// conformance: AT-ERR-1
#[test]
fn failures_map_to_rfc6750_errors() {
    let k = es256();
    let keys = keys_of(&k);
    let token = signed_at(&at_claims(), &k, Some("at+jwt"));
    let v = at_validation().require_scope(Scope::parse("orders:write").unwrap());
    let err = v.verify(&token, &keys, now()).unwrap_err();
    assert_eq!(err.bearer_error(), BearerError::InsufficientScope);
    assert_eq!(err.bearer_error().status(), 403);
    assert_eq!(
        err.www_authenticate(Some("orders")),
        "Bearer realm=\"orders\", error=\"insufficient_scope\", error_description=\"token scope lacks orders:write\", scope=\"orders:write\""
    );
    let late = NumericDate::from_secs(NOW + 10_000).unwrap();
    let err = at_validation().verify(&token, &keys, late).unwrap_err();
    assert_eq!(err.bearer_error(), BearerError::InvalidToken);
    assert_eq!(err.bearer_error().status(), 401);
    let header = err.www_authenticate(None);
    assert!(
        header.starts_with("Bearer error=\"invalid_token\", error_description=\"token expired at"),
        "{header}"
    );
    // Descriptions never carry token bytes and stay in the RFC 6750 character set.
    let bad_aud = Validation::access_token(sou(ISS), sou("hr-api"))
        .verify(&token, &keys, now())
        .unwrap_err();
    let h = bad_aud.www_authenticate(None);
    assert!(!h.contains(&token[..20]));
    let desc = h
        .split("error_description=\"")
        .nth(1)
        .unwrap()
        .trim_end_matches('"');
    assert!(
        desc.chars()
            .all(|c| matches!(c, '\x20'..='\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e')),
        "{desc}"
    );
    assert!(matches!(
        at_validation()
            .verify("garbage", &keys, now())
            .unwrap_err()
            .bearer_error(),
        BearerError::InvalidToken
    ));
}

// conformance: CA-JWT-1
#[test]
fn client_assertion_audience_is_the_issuer_alone() {
    let k = es256();
    let keys = keys_of(&k);
    let ca = Validation::client_assertion(sou(ISS), "portal");
    let base = json!({"iss": "portal", "sub": "portal", "aud": ISS, "exp": NOW + 60, "iat": NOW, "jti": "a1"});
    let sign = |c: &Value| signed_at(c, &k, Some("client-authentication+jwt"));
    let ok = ca.verify(&sign(&base), &keys, now()).unwrap();
    assert_eq!(
        ok.claims().registered.sub.as_ref().unwrap().as_str(),
        "portal"
    );
    // The client's own key set, bound to its id, is usable; another client's is not,
    // and an assertion of "portal" does not pass for another client id.
    let bound = keys_of(&k).for_issuer(sou("portal"));
    assert_eq!(
        ca.verify(&sign(&base), &bound, now())
            .unwrap()
            .key_issuer()
            .map(|i| i.as_str()),
        Some("portal")
    );
    let wrong = keys_of(&k).for_issuer(sou("billing"));
    assert!(matches!(
        ca.verify(&sign(&base), &wrong, now()),
        Err(VerifyError::IssuerKeyMismatch { .. })
    ));
    let other_client = Validation::client_assertion(sou(ISS), "billing");
    assert!(matches!(
        other_client.verify(&sign(&base), &keys, now()),
        Err(VerifyError::ClientAssertion(AssertionError::NotTheClient))
    ));
    let mut array_one = base.clone();
    array_one["aud"] = json!([ISS]);
    assert!(ca.verify(&sign(&array_one), &keys, now()).is_ok());
    use AssertionError as A;
    type Check = fn(&VerifyError) -> bool;
    let cases: [(&str, Value, Check); 6] = [
        ("aud", json!("https://sts.example/token"), |e| {
            matches!(e, VerifyError::Audience(_))
        }),
        ("aud", json!([ISS, "https://sts.example/token"]), |e| {
            matches!(
                e,
                VerifyError::ClientAssertion(A::NotOneAudience { count: 2 })
            )
        }),
        ("aud", json!([]), |e| {
            matches!(
                e,
                VerifyError::ClientAssertion(A::NotOneAudience { count: 0 })
            )
        }),
        ("sub", json!("someone-else"), |e| {
            matches!(e, VerifyError::ClientAssertion(A::NotTheClient))
        }),
        ("exp", json!(NOW + 3600), |e| {
            matches!(
                e,
                VerifyError::ClientAssertion(A::TooLong {
                    ahead_secs: 3600,
                    max_secs: 300
                })
            )
        }),
        ("exp", json!(NOW - 3600), |e| {
            matches!(e, VerifyError::Time(_))
        }),
    ];
    for (field, value, expected) in cases {
        let mut c = base.clone();
        c[field] = value.clone();
        let e = ca.verify(&sign(&c), &keys, now()).unwrap_err();
        assert!(expected(&e), "{field} = {value}: {e:?}");
    }
    for (missing, expected) in [
        ("iss", VerifyError::ClientAssertion(A::IssOrSubMissing)),
        ("sub", VerifyError::ClientAssertion(A::IssOrSubMissing)),
        (
            "aud",
            VerifyError::Claims(audex_jose::claims::ClaimsError::Missing(Claim::Aud)),
        ),
        (
            "exp",
            VerifyError::Claims(audex_jose::claims::ClaimsError::Missing(Claim::Exp)),
        ),
        (
            "jti",
            VerifyError::Claims(audex_jose::claims::ClaimsError::Missing(Claim::Jti)),
        ),
    ] {
        let mut c = base.clone();
        c.as_object_mut().unwrap().remove(missing);
        let e = ca.verify(&sign(&c), &keys, now()).unwrap_err();
        assert_eq!(e.to_string(), expected.to_string(), "without {missing}");
        assert!(
            std::mem::discriminant(&e) == std::mem::discriminant(&expected),
            "without {missing}: {e:?}"
        );
    }
    // Legacy typ only when asked.
    let legacy = signed_at(&base, &k, Some("JWT"));
    assert!(ca.verify(&legacy, &keys, now()).is_err());
    assert!(
        ca.clone()
            .allow_legacy_typ()
            .verify(&legacy, &keys, now())
            .is_ok()
    );
    assert!(matches!(
        ca.max_lifetime(Duration::from_secs(30))
            .verify(&sign(&base), &keys, now()),
        Err(VerifyError::ClientAssertion(A::TooLong {
            ahead_secs: 60,
            max_secs: 30
        }))
    ));
}

#[test]
fn access_token_round_trip_and_leeway() {
    let k = es256();
    let claims = AccessTokenClaims::from_json_slice(at_claims().to_string().as_bytes()).unwrap();
    let token = audex_jose::sign_access_token(&claims, &k).unwrap();
    let v = at_validation().verify(&token, &keys_of(&k), now()).unwrap();
    assert_eq!(v.claims(), &claims);
    assert_eq!(v.key_id(), Some("k1"));
    assert_eq!(v.header().typ.as_deref(), Some("at+jwt"));
    // exp + leeway boundary.
    let edge = NumericDate::from_secs(NOW + 200 + 59).unwrap();
    assert!(at_validation().verify(&token, &keys_of(&k), edge).is_ok());
    let past = NumericDate::from_secs(NOW + 200 + 60).unwrap();
    assert!(at_validation().verify(&token, &keys_of(&k), past).is_err());
    assert!(
        at_validation()
            .leeway(Duration::ZERO)
            .verify(
                &token,
                &keys_of(&k),
                NumericDate::from_secs(NOW + 200).unwrap()
            )
            .is_err()
    );
    // Algorithm allow-list.
    assert_eq!(
        at_validation()
            .algorithms([Algorithm::EdDSA])
            .verify(&token, &keys_of(&k), now())
            .unwrap_err(),
        VerifyError::AlgorithmNotAllowed(Algorithm::ES256)
    );
    // Required claims beyond the profile.
    assert_eq!(
        at_validation()
            .require(Claim::Nbf)
            .verify(&token, &keys_of(&k), now())
            .unwrap_err(),
        VerifyError::Claims(audex_jose::claims::ClaimsError::Missing(Claim::Nbf))
    );
}

#[test]
fn pem_and_der_keys() {
    let (sk, pkcs8) = SigningKey::generate(Algorithm::ES256).unwrap();
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        base64_std(&pkcs8)
    );
    let again = SigningKey::from_pkcs8_pem(Algorithm::ES256, pem.as_bytes()).unwrap();
    assert_eq!(again.thumbprint(), sk.thumbprint());
    assert!(SigningKey::from_pkcs8_der(Algorithm::ES384, &pkcs8).is_err());
    assert!(SigningKey::from_pkcs8_der(Algorithm::HS256, &pkcs8).is_err());
    assert!(
        SigningKey::from_pkcs8_pem(
            Algorithm::ES256,
            b"-----BEGIN PRIVATE KEY-----\n!!\n-----END PRIVATE KEY-----\n"
        )
        .is_err()
    );
    // SPKI for P-256 (a fixed DER prefix followed by the point).
    let jwk = sk.to_public_jwk().unwrap();
    let x = b64::decode(jwk["x"].as_str().unwrap().as_bytes()).unwrap();
    let y = b64::decode(jwk["y"].as_str().unwrap().as_bytes()).unwrap();
    let mut spki = vec![
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
        0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
    ];
    spki.extend(&x);
    spki.extend(&y);
    let vk = VerifyingKey::from_spki_der(Algorithm::ES256, &spki).unwrap();
    assert_eq!(vk.thumbprint(), sk.thumbprint());
    assert!(matches!(
        VerifyingKey::from_spki_der(Algorithm::ES384, &spki),
        Err(KeyError::WrongKeyType { .. })
    ));
    let spki_pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        base64_std(&spki)
    );
    assert!(VerifyingKey::from_spki_pem(Algorithm::ES256, spki_pem.as_bytes()).is_ok());
    assert!(VerifyingKey::from_spki_der(Algorithm::ES256, &spki[..40]).is_err());
    assert!(matches!(
        SigningKey::generate(Algorithm::RS256),
        Err(KeyError::Unsupported(_))
    ));
}

fn base64_std(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

// conformance: JWS-CRIT-1, BCP-SIZE-1
/// A token parsed once (to read its header or unverified issuer) is verified without
/// a second parse, and the validation's own limits still apply whatever options it
/// was parsed with: a looser parse cannot smuggle a size or a `crit` extension past a
/// stricter validation.
#[test]
fn verify_parsed_applies_the_validations_own_limits() {
    let k = es256();
    let keys = keys_of(&k).for_issuer(sou(ISS));
    let token = signed_at(&at_claims(), &k, Some("at+jwt"));
    let jws = UnverifiedJws::parse(&token, &JwsOptions::default()).unwrap();
    assert_eq!(jws.token_len(), token.len());
    assert_eq!(jws.unverified_issuer().as_deref(), Some(ISS));
    let parsed = at_validation().verify_parsed(jws, &keys, now()).unwrap();
    let direct = at_validation().verify(&token, &keys, now()).unwrap();
    assert_eq!(parsed.claims(), direct.claims());

    // Parsed with a large limit, verified by a validation with a small one.
    let big = UnverifiedJws::parse(
        &token,
        &JwsOptions {
            max_token_bytes: 1 << 20,
            ..JwsOptions::default()
        },
    )
    .unwrap();
    assert!(matches!(
        at_validation()
            .max_token_bytes(100)
            .verify_parsed(big, &keys, now()),
        Err(VerifyError::Malformed(JwsError::TooLarge {
            limit: 100,
            ..
        }))
    ));

    // Parsed by a caller that understands `exp` in crit; the validation does not.
    let crit_token = sign_raw_header(
        &json!({"alg": "ES256", "typ": "at+jwt", "kid": "k1", "crit": ["exp"], "exp": 5}),
        &at_claims(),
        &k,
    );
    let lenient = JwsOptions {
        understood_crit: &["exp"],
        ..JwsOptions::default()
    };
    let jws = UnverifiedJws::parse(&crit_token, &lenient).unwrap();
    assert!(matches!(
        at_validation().verify_parsed(jws, &keys, now()),
        Err(VerifyError::Malformed(JwsError::Crit(
            CritError::NotUnderstood { .. }
        )))
    ));
    let jws = UnverifiedJws::parse(&crit_token, &lenient).unwrap();
    assert!(
        at_validation()
            .understand_crit("exp")
            .verify_parsed(jws, &keys, now())
            .is_ok()
    );
}
