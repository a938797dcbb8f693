//! Fuzz target `exchange_form`; the body lives in `audex_exchange::fuzz` so that `cargo test`
//! replays the committed corpus through the same code.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    audex_exchange::fuzz::exchange_form(data);
});
