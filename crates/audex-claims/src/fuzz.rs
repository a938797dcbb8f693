//! Entry points shared by the `fuzz/` targets and the corpus-replay tests.
//!
//! Not a stable API: it exists so that `cargo test` replays the committed fuzz
//! corpus through exactly the code the fuzzer runs.

use crate::{AccessTokenClaims, ClaimsSet, ParseOptions};

/// `claims_parse`: arbitrary bytes into both claims-set types, with both option sets.
/// Any successful parse must serialise and parse back to an equal value.
pub fn claims_parse(data: &[u8]) {
    for opts in [ParseOptions::strict(), ParseOptions::lenient()] {
        if let Ok(c) = ClaimsSet::from_json_slice_with(data, &opts) {
            let again = serde_json::to_vec(&c)
                .ok()
                .and_then(|b| ClaimsSet::from_json_slice_with(&b, &opts).ok());
            assert_eq!(again.as_ref(), Some(&c), "ClaimsSet round-trip");
        }
        if let Ok(c) = AccessTokenClaims::from_json_slice_with(data, &opts) {
            let bytes = serde_json::to_vec(&c).ok();
            let again = bytes
                .as_deref()
                .and_then(|b| AccessTokenClaims::from_json_slice_with(b, &opts).ok());
            // The lenient reader may take `scp`, which re-serialises as `scope`.
            if !opts.lenient_scope {
                assert_eq!(again.as_ref(), Some(&c), "AccessTokenClaims round-trip");
            } else {
                assert!(again.is_some(), "AccessTokenClaims re-parse");
            }
        }
    }
}
