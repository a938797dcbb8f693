//! Arbitrary bytes into the audex-claims parsers (strict and lenient), with a
//! round-trip oracle. The body lives in `audex_claims::fuzz` so that `cargo test`
//! replays the committed corpus through the same code.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    audex_claims::fuzz::claims_parse(data);
});
