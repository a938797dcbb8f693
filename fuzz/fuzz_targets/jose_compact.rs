//! Arbitrary text as a compact JWS, parsed and verified against a key set mixing RSA,
//! EC, OKP and oct keys, with every validation profile. Body in `audex_jose::fuzz`.
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../../crates/audex-jose/tests/vectors/fuzz/keys.rs");

fuzz_target!(|data: &[u8]| {
    audex_jose::fuzz::jose_compact(data, fuzz_keys());
});
