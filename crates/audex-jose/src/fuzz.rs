//! Entry points shared by the `fuzz/` targets and the corpus-replay tests.
//!
//! Not a stable API: it exists so that `cargo test` replays the committed fuzz
//! corpus through exactly the code the fuzzer runs.

use crate::{Jwk, KeySet, NumericDate, StringOrUri, Validation, VerifyingKey};

/// `jose_compact`: arbitrary text as a compact JWS, verified against `keys` (the fuzz
/// target and the tests pass a set mixing RSA, EC, OKP and oct keys: test material
/// stays out of the library) with every profile. The oracle is "no panic, no unbounded work"; forgery resistance
/// is tested by the tampered-twin vectors and property tests, since the corpus holds
/// genuine RFC tokens that do verify. Each dot-separated part also checks that the
/// SIMD base64url decoder and the `base64` crate accept and reject the same input.
pub fn jose_compact(data: &[u8], keys: &KeySet) {
    for part in data.split(|b| *b == b'.') {
        assert!(crate::b64::decoders_agree(part), "base64 decoders disagree");
    }
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let now = NumericDate::from_secs(1_800_000_000).unwrap_or(NumericDate::UNIX_EPOCH);
    let _ = crate::verify_compact(token, keys);
    let iss = StringOrUri::new_lenient("https://issuer.example");
    let aud = StringOrUri::new_lenient("api");
    let _ = Validation::access_token(iss.clone(), aud.clone()).verify(token, keys, now);
    // The server's path: parse once, read the unverified issuer, verify the same parse.
    if let Ok(jws) = crate::UnverifiedJws::parse(token, &crate::JwsOptions::default()) {
        let _ = jws.unverified_issuer();
        let _ = Validation::subject_token(iss.clone()).verify_parsed(jws, keys, now);
    }
    let _ = Validation::client_assertion(iss.clone(), "portal").verify(token, keys, now);
    let _ = Validation::jwt()
        .issuer(iss)
        .audience(aud)
        .verify(token, keys, now);
}

/// `jose_jwk`: arbitrary bytes as a JWK and as a JWK Set; every loaded key must
/// export a public JWK that loads back to the same thumbprint.
pub fn jose_jwk(data: &[u8]) {
    if let Ok(jwk) = Jwk::from_json(data) {
        if let Ok(k) = jwk.verifying_key() {
            roundtrip(&k);
        }
        let _ = jwk.signing_key(None);
    }
    if let Ok(set) = KeySet::from_jwks(data) {
        for k in set.keys() {
            roundtrip(k);
        }
    }
}

fn roundtrip(k: &VerifyingKey) {
    if let Some(public) = k.to_public_jwk() {
        let bytes = serde_json::to_vec(&public).unwrap_or_default();
        let again = Jwk::from_json(&bytes).and_then(|j| j.verifying_key());
        assert_eq!(
            again.map(|a| a.thumbprint()).ok(),
            Some(k.thumbprint()),
            "public JWK round-trip"
        );
    }
}
