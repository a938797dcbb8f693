//! Replays the committed fuzz corpora through the fuzz entry points, so that a plain
//! `cargo test` catches a regression the fuzzer once found.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::path::Path;

include!("vectors/fuzz/keys.rs");

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus folder exists") {
        run(&std::fs::read(entry.unwrap().path()).unwrap());
        n += 1;
    }
    assert!(n >= 5, "{target} corpus has only {n} files");
}

#[test]
fn replay_jose_compact_corpus() {
    replay("jose_compact", |d| {
        audex_jose::fuzz::jose_compact(d, fuzz_keys())
    });
}

#[test]
fn replay_jose_jwk_corpus() {
    replay("jose_jwk", audex_jose::fuzz::jose_jwk);
}

#[test]
fn fuzz_key_set_mixes_every_key_type() {
    let set = fuzz_keys();
    let ktys: std::collections::BTreeSet<&str> = set.keys().iter().map(|k| k.kty()).collect();
    assert_eq!(
        ktys.into_iter().collect::<Vec<_>>(),
        ["EC", "OKP", "RSA", "oct"]
    );
    // The RSA entry without alg is reported, not silently dropped.
    let from_file =
        audex_jose::KeySet::from_jwks(include_bytes!("vectors/fuzz/jwks.json")).unwrap();
    assert_eq!(from_file.skipped().len(), 1);
}
