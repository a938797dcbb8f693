//! Replays the committed `policy_load` fuzz corpus through the fuzz entry point.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

#[test]
fn replay_policy_load_corpus() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/policy_load");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus folder exists") {
        audex_policy::fuzz::policy_load(&std::fs::read(entry.unwrap().path()).unwrap());
        n += 1;
    }
    assert!(n >= 5, "corpus has only {n} files");
}
