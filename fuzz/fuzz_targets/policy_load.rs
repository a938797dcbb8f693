//! Fuzz target `policy_load`: arbitrary bytes as a realm TOML file. The body lives in
//! `audex_policy::fuzz` so that `cargo test` replays the committed corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    audex_policy::fuzz::policy_load(data);
});
