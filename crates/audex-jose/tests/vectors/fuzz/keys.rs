// The key set of the `jose_compact` fuzz target and of the tests that replay its
// corpus: RSA, EC, OKP and oct keys with and without `kid`, plus an HMAC key without
// one. Test material only — it lives here, not in the library. Shared with
// `fuzz/fuzz_targets/jose_compact.rs` through `include!`.

/// The fuzz key set (built once).
fn fuzz_keys() -> &'static audex_jose::KeySet {
    static KEYS: std::sync::OnceLock<audex_jose::KeySet> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let mut set = audex_jose::KeySet::from_jwks(include_bytes!("jwks.json"))
            .unwrap_or_default();
        if let Ok(k) = audex_jose::VerifyingKey::hmac(
            audex_jose::Algorithm::HS256,
            b"an HMAC key of thirty-two bytes!",
        ) {
            set.push(k);
        }
        set
    })
}
