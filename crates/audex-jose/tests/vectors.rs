//! RFC test vectors (tests/vectors/rfc/*.json), each valid case with tampered twins.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

use audex_jose::{
    Algorithm, Jwk, JwsOptions, KeySet, UnverifiedJws, VerifyError, b64, verify_compact,
};
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let path = format!("{}/tests/vectors/rfc/{name}", env!("CARGO_MANIFEST_DIR"));
    let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn jwk_of(case: &Value) -> Jwk {
    Jwk::from_json(case["jwk"].to_string().as_bytes()).unwrap()
}

/// Variants of a valid token that must all fail: one character changed in each of
/// header, payload and signature (kept inside the base64url alphabet), and the
/// signature of another part swapped in.
fn tampered_twins(token: &str) -> Vec<String> {
    let parts: Vec<&str> = token.split('.').collect();
    let mut out = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let mut chars: Vec<char> = part.chars().collect();
        let mid = chars.len() / 2;
        chars[mid] = if chars[mid] == 'A' { 'B' } else { 'A' };
        let mut p = parts.clone();
        let changed: String = chars.into_iter().collect();
        p[i] = &changed;
        out.push(p.join("."));
    }
    out
}

fn key_set(case: &Value) -> (KeySet, Algorithm) {
    let alg = Algorithm::from_name(case["alg"].as_str().unwrap()).unwrap();
    let vk = jwk_of(case).verifying_key_for(alg).unwrap();
    (KeySet::new(vec![vk]), alg)
}

fn run_family(conformance: &str) -> usize {
    let mut n = 0;
    for case in load("jws.json")
        .iter()
        .filter(|c| c["conformance"] == conformance)
    {
        let id = case["id"].as_str().unwrap();
        let token = case["compact"].as_str().unwrap();
        let (keys, alg) = key_set(case);
        let verified = verify_compact(token, &keys).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(verified.header().alg, alg, "{id}");
        let payload_b64 = token.split('.').nth(1).unwrap();
        assert_eq!(
            verified.payload(),
            b64::decode(payload_b64.as_bytes()).unwrap(),
            "{id}"
        );
        for twin in tampered_twins(token) {
            assert!(
                verify_compact(&twin, &keys).is_err(),
                "{id}: tampered twin verified: {twin}"
            );
        }
        // Deterministic algorithms sign the RFC's signing input to the RFC's bytes.
        if case["deterministic"] == true {
            let sk = jwk_of(case).signing_key(Some(alg)).unwrap();
            let (input, sig) = token.rsplit_once('.').unwrap();
            assert_eq!(
                b64::encode(&sk.sign_raw(input.as_bytes()).unwrap()),
                sig,
                "{id}: signature bytes"
            );
        } else {
            // Randomised algorithms: a fresh signature over the same input verifies.
            let sk = jwk_of(case).signing_key(Some(alg)).unwrap();
            let (input, _) = token.rsplit_once('.').unwrap();
            let fresh = format!(
                "{input}.{}",
                b64::encode(&sk.sign_raw(input.as_bytes()).unwrap())
            );
            assert!(
                verify_compact(&fresh, &keys).is_ok(),
                "{id}: fresh signature"
            );
        }
        n += 1;
    }
    n
}

// conformance: JWS-VEC-1
#[test]
fn rfc7515_appendix_a_vectors() {
    assert_eq!(run_family("JWS-VEC-1"), 3);
}

// conformance: JWS-VEC-2
#[test]
fn rfc7520_section4_vectors() {
    assert_eq!(run_family("JWS-VEC-2"), 3);
}

// conformance: JWS-VEC-3
#[test]
fn rfc8037_ed25519_vector_signs_exact_bytes() {
    assert_eq!(run_family("JWS-VEC-3"), 1);
}

// conformance: JWS-FORM-1
#[test]
fn rfc7515_a1_header_with_crlf_is_verified_over_received_bytes() {
    let case = load("jws.json")
        .into_iter()
        .find(|c| c["id"] == "RFC7515-A.1")
        .unwrap();
    let token = case["compact"].as_str().unwrap();
    let jws = UnverifiedJws::parse(token, &JwsOptions::default()).unwrap();
    assert_eq!(jws.header().typ.as_deref(), Some("JWT"));
    // Re-encoding the header canonically would change the signing input: the
    // signature must only verify over the exact received bytes.
    let (keys, _) = key_set(&case);
    let canonical_header = b64::encode(br#"{"typ":"JWT","alg":"HS256"}"#);
    let rest: Vec<&str> = token.splitn(2, '.').collect();
    let reencoded = format!("{canonical_header}.{}", rest[1]);
    assert_eq!(
        verify_compact(&reencoded, &keys).unwrap_err(),
        VerifyError::InvalidSignature
    );
}

// conformance: JWK-4
#[test]
fn rfc7638_and_rfc8037_thumbprints() {
    let cases = load("thumbprints.json");
    assert_eq!(cases.len(), 2);
    for case in cases {
        let vk = jwk_of(&case).verifying_key().unwrap();
        assert_eq!(
            vk.thumbprint(),
            case["thumbprint"].as_str().unwrap(),
            "{}",
            case["id"]
        );
    }
}
