//! Replays the committed fuzz corpus through the fuzz entry point, so that a plain
//! `cargo test` catches a regression the fuzzer once found.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::path::Path;

#[test]
fn replay_claims_parse_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/claims_parse");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/corpus/claims_parse exists") {
        let path = entry.unwrap().path();
        audex_claims::fuzz::claims_parse(&std::fs::read(&path).unwrap());
        n += 1;
    }
    assert!(n >= 5, "corpus has only {n} files");
}
