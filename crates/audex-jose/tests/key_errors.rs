//! Key errors are values: every way a JWK or key can be refused is a typed variant
//! (no prose to match on), and values from outside are shown log-safe.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

use audex_jose::claims::json::JsonType;
use audex_jose::{Algorithm, Jwk, JwkError, KeyError, SigningKey, UnsupportedKey, VerifyingKey};

fn verify_key(json: &str) -> KeyError {
    match Jwk::from_json(json.as_bytes()).and_then(|j| j.verifying_key()) {
        Err(e) => e,
        Ok(k) => panic!("accepted: {k:?}"),
    }
}

// conformance: JWK-1
#[test]
fn jwk_structure_problems_are_typed() {
    let (_, der) = SigningKey::generate(Algorithm::ES256).unwrap();
    let k = SigningKey::from_pkcs8_der(Algorithm::ES256, &der).unwrap();
    let good = k.to_public_jwk().unwrap();
    let x = good["x"].as_str().unwrap().to_owned();

    assert_eq!(
        verify_key(r#"{"crv":"P-256"}"#),
        KeyError::Jwk(JwkError::MissingMember { member: "kty" })
    );
    assert_eq!(
        verify_key(r#"{"kty":7}"#),
        KeyError::Jwk(JwkError::WrongType {
            member: "kty",
            expected: "a string",
            found: JsonType::Number
        })
    );
    assert_eq!(
        verify_key(&format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}"}}"#)),
        KeyError::Jwk(JwkError::MissingMember { member: "y" })
    );
    assert_eq!(
        verify_key(&format!(
            r#"{{"kty":"EC","crv":"P-256","x":"{x}","y":[1]}}"#
        )),
        KeyError::Jwk(JwkError::WrongType {
            member: "y",
            expected: "a base64url string",
            found: JsonType::Array
        })
    );
    assert!(matches!(
        verify_key(&format!(
            r#"{{"kty":"EC","crv":"P-256","x":"{x}=","y":"{x}"}}"#
        )),
        KeyError::Jwk(JwkError::Base64 { member: "x", .. })
    ));
    assert!(matches!(
        verify_key(r#"{"kty":"EC","crv":5}"#),
        KeyError::Jwk(JwkError::WrongType { member: "crv", .. })
    ));
    assert!(matches!(
        verify_key(r#"{"kty":"EC","key_ops":"verify","crv":"P-256"}"#),
        KeyError::Jwk(JwkError::WrongType {
            member: "key_ops",
            ..
        })
    ));
    assert!(matches!(
        Jwk::from_json(b"{\"kty\":\"EC\",\"kty\":\"RSA\"}"),
        Err(KeyError::Jwk(JwkError::Json(_)))
    ));
}

// conformance: JWK-1
#[test]
fn unsupported_kinds_are_typed() {
    assert_eq!(
        verify_key(r#"{"kty":"EC","crv":"P-521","x":"AA","y":"AA"}"#),
        KeyError::Unsupported(UnsupportedKey::Curve {
            kty: "EC",
            crv: "P-521".into()
        })
    );
    assert_eq!(
        verify_key(r#"{"kty":"OKP","crv":"X25519","x":"AA"}"#),
        KeyError::Unsupported(UnsupportedKey::Curve {
            kty: "OKP",
            crv: "X25519".into()
        })
    );
    assert_eq!(
        verify_key(r#"{"kty":"PQC"}"#),
        KeyError::Unsupported(UnsupportedKey::KeyType("PQC".into()))
    );
    assert_eq!(
        verify_key(r#"{"kty":"RSA","alg":"RS1"}"#),
        KeyError::Unsupported(UnsupportedKey::Algorithm("RS1".into()))
    );
    assert_eq!(
        SigningKey::generate(Algorithm::RS256).err(),
        Some(KeyError::Unsupported(UnsupportedKey::RsaGeneration))
    );
    assert!(matches!(
        VerifyingKey::from_spki_der(Algorithm::ES256, b"\x30\x00"),
        Err(KeyError::Malformed {
            what: "SubjectPublicKeyInfo",
            ..
        })
    ));
}

/// A hostile `kty`, `crv` or `alg` (NUL, CR/LF with a forged log line, ANSI escape,
/// bidi override) is escaped in the error text.
#[test]
fn outside_values_in_key_errors_are_log_safe() {
    for hostile in [
        "a\\u0000b",
        "x\\r\\nERROR forged",
        "\\u001b[31mred",
        "\\u202egnp.exe",
    ] {
        for json in [
            format!(r#"{{"kty":"{hostile}"}}"#),
            format!(r#"{{"kty":"EC","crv":"{hostile}"}}"#),
            format!(r#"{{"kty":"RSA","alg":"{hostile}"}}"#),
        ] {
            let text = verify_key(&json).to_string();
            assert!(
                !text
                    .chars()
                    .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
                "{json} -> {text:?}"
            );
        }
    }
}
