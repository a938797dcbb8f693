//! Replays the committed fuzz corpora through the fuzz entry points.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::path::Path;

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
fn replay_exchange_form_corpus() {
    replay("exchange_form", audex_exchange::fuzz::exchange_form);
}

#[test]
fn replay_exchange_response_corpus() {
    replay("exchange_response", audex_exchange::fuzz::exchange_response);
}
