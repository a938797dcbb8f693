//! Entry point shared by the `policy_load` fuzz target and the corpus-replay test.
//!
//! Not a stable API.

/// `policy_load`: arbitrary bytes as a realm file. Loading never panics; a realm
/// that loads has every reference resolved.
pub fn policy_load(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(realm) = crate::Realm::from_toml("fuzz.toml", text) {
        for (id, p) in &realm.exchanges {
            assert!(
                realm.clients.contains_key(id),
                "exchange permission for an unknown client"
            );
            assert!(
                p.targets.iter().all(|t| realm.targets.get(*t).is_some()),
                "dangling target"
            );
        }
    }
}
