//! Arbitrary bytes as a JWK and as a JWK Set, with a public-JWK round-trip oracle.
//! Body in `audex_jose::fuzz`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    audex_jose::fuzz::jose_jwk(data);
});
