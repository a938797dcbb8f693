//! Property tests for audex-jose.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

use std::sync::OnceLock;

use audex_jose::{Algorithm, Jwk, KeyFamily, KeySet, SigningKey, sign_jwt, verify_compact};
use proptest::prelude::*;
use serde_json::{Value, json};

include!("vectors/fuzz/keys.rs");

/// One signing key per algorithm (RSA from the RFC 7515 A.2 key; others generated).
fn keys() -> &'static Vec<(SigningKey, KeySet)> {
    static KEYS: OnceLock<Vec<(SigningKey, KeySet)>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let path = format!("{}/tests/vectors/rfc/jws.json", env!("CARGO_MANIFEST_DIR"));
        let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let rsa = doc["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "RFC7515-A.2")
            .unwrap();
        let rsa = Jwk::from_json(rsa["jwk"].to_string().as_bytes()).unwrap();
        Algorithm::ALL
            .into_iter()
            .map(|alg| {
                let sk = match alg.family() {
                    KeyFamily::Rsa => rsa.signing_key(Some(alg)).unwrap(),
                    _ => SigningKey::generate(alg).unwrap().0,
                };
                let set = KeySet::new(vec![sk.verifying_key().unwrap()]);
                (sk, set)
            })
            .collect()
    })
}

fn claims() -> impl Strategy<Value = Value> {
    (
        any::<u32>(),
        "[a-z]{0,12}",
        prop::collection::vec("[ -~]{0,10}", 0..4),
    )
        .prop_map(|(n, s, v)| json!({"n": n, "sub": s, "list": v}))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn sign_then_verify_round_trips_for_every_algorithm(idx in 0usize..12, c in claims()) {
        let (sk, set) = &keys()[idx];
        let token = sign_jwt(&c, sk, Some("JWT")).unwrap();
        let v = verify_compact(&token, set).unwrap();
        prop_assert_eq!(v.header().alg, sk.algorithm());
        let back: Value = serde_json::from_slice(v.payload()).unwrap();
        prop_assert_eq!(back, c);
    }

    #[test]
    fn any_single_byte_change_fails(idx in 0usize..12, at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let (sk, set) = &keys()[idx];
        let token = sign_jwt(&json!({"sub": "alice"}), sk, None).unwrap();
        let mut bytes = token.clone().into_bytes();
        let i = at.index(bytes.len());
        prop_assume!(bytes[i] != byte);
        bytes[i] = byte;
        // Non-UTF-8 results cannot even be presented as a token string.
        if let Ok(tampered) = String::from_utf8(bytes) {
            prop_assert!(verify_compact(&tampered, set).is_err(), "{} accepted a change at {}", sk.algorithm(), i);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(s in "[A-Za-z0-9_.=+/ -]{0,200}") {
        for (_, set) in keys() {
            let _ = verify_compact(&s, set);
        }
        audex_jose::fuzz::jose_compact(s.as_bytes(), fuzz_keys());
    }

    // The SIMD decoder on the hot path and the `base64` crate (asked for the reason of
    // a rejection) must accept and reject the same inputs. Near-base64url text makes
    // the trailing-bit and length cases common; arbitrary bytes cover the rest.
    #[test]
    fn base64_decoders_agree(
        text in "[A-Za-z0-9_-]{0,70}[=+/ \n]?[A-Za-z0-9_-]{0,3}",
        bytes in prop::collection::vec(any::<u8>(), 0..80),
    ) {
        prop_assert!(audex_jose::b64::decoders_agree(text.as_bytes()), "{text:?}");
        prop_assert!(audex_jose::b64::decoders_agree(&bytes), "{bytes:?}");
        let encoded = audex_jose::b64::encode(&bytes);
        prop_assert_eq!(audex_jose::b64::decode(encoded.as_bytes()), Ok(bytes));
    }

    #[test]
    fn arbitrary_bytes_never_panic_jwk(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        audex_jose::fuzz::jose_jwk(&bytes);
        audex_jose::fuzz::jose_compact(&bytes, fuzz_keys());
    }

    #[test]
    fn structured_headers_never_panic(
        alg in prop::sample::select(vec!["HS256", "RS256", "ES256", "EdDSA", "none", "ES512", "PS512"]),
        kid in prop::option::of("[a-z0-9-]{0,8}"),
        extra in prop::collection::btree_map("[a-z]{1,4}", any::<i32>(), 0..4),
        sig in prop::collection::vec(any::<u8>(), 0..130),
    ) {
        use audex_jose::b64;
        let mut h = json!({"alg": alg});
        if let Some(k) = kid { h["kid"] = json!(k); }
        for (k, v) in extra { h[k] = json!(v); }
        let token = format!("{}.{}.{}", b64::encode(h.to_string().as_bytes()), b64::encode(b"{}"), b64::encode(&sig));
        for (_, set) in keys() {
            prop_assert!(verify_compact(&token, set).is_err());
        }
    }
}
