//! The two pieces of state that must be shared by every replica: the client-assertion
//! `jti` replay cache and the revocation list. Both sit behind traits so that a
//! distributed store (Redis) can replace the in-memory default without touching the
//! handlers. Both fail closed: a store that cannot answer makes the request fail, it
//! never lets a replay or a revoked token through.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use audex_claims::NumericDate;

/// A boxed future, as the store traits return (object safe, `Send`).
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// The store could not answer (unreachable, full, …). Callers fail closed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("state store unavailable: {0}")]
pub struct StoreError(pub String);

/// Remembers client-assertion `jti`s until their `exp` (CA-JWT-2).
pub trait ReplayCache: Send + Sync {
    /// Records `(client, jti)` until `exp`. `Ok(true)` when it was not seen before,
    /// `Ok(false)` for a replay.
    fn check_and_insert<'a>(
        &'a self,
        client: &'a str,
        jti: &'a str,
        exp: NumericDate,
        now: NumericDate,
    ) -> StoreFuture<'a, bool>;

    /// Whether the store answers (for `/healthz`).
    fn healthy(&self) -> StoreFuture<'_, ()>;
}

/// The RFC 7009 revocation list: revoked `jti`s until the token's `exp`.
pub trait RevocationList: Send + Sync {
    /// Revokes `jti` until `exp`.
    fn revoke<'a>(
        &'a self,
        jti: &'a str,
        exp: NumericDate,
        now: NumericDate,
    ) -> StoreFuture<'a, ()>;

    /// Whether `jti` is revoked.
    fn is_revoked<'a>(&'a self, jti: &'a str, now: NumericDate) -> StoreFuture<'a, bool>;

    /// Whether the store answers (for `/healthz`).
    fn healthy(&self) -> StoreFuture<'_, ()>;
}

/// Most entries an in-memory store holds; when full after dropping expired entries,
/// it refuses new ones (fail closed) rather than grow without bound.
pub const MEMORY_STORE_CAPACITY: usize = 1_000_000;

/// A map of keys to expiry times with a capacity bound.
#[derive(Debug, Default)]
struct ExpiringSet {
    entries: HashMap<String, NumericDate>,
}

impl ExpiringSet {
    fn purge(&mut self, now: NumericDate) {
        self.entries.retain(|_, exp| *exp > now);
    }

    /// Inserts unless present and live; `Ok(true)` when inserted.
    fn insert(
        &mut self,
        key: String,
        exp: NumericDate,
        now: NumericDate,
    ) -> Result<bool, StoreError> {
        if let Some(old) = self.entries.get(&key)
            && *old > now
        {
            return Ok(false);
        }
        if self.entries.len() >= MEMORY_STORE_CAPACITY {
            self.purge(now);
            if self.entries.len() >= MEMORY_STORE_CAPACITY {
                return Err(StoreError(format!(
                    "in-memory store is full ({MEMORY_STORE_CAPACITY} live entries)"
                )));
            }
        }
        self.entries.insert(key, exp);
        Ok(true)
    }

    fn contains(&self, key: &str, now: NumericDate) -> bool {
        self.entries.get(key).is_some_and(|exp| *exp > now)
    }
}

fn locked<T>(m: &Mutex<T>) -> Result<std::sync::MutexGuard<'_, T>, StoreError> {
    m.lock()
        .map_err(|_| StoreError("in-memory store lock poisoned".into()))
}

/// The in-memory replay cache (one process).
#[derive(Debug, Default)]
pub struct MemoryReplayCache {
    set: Mutex<ExpiringSet>,
}

impl ReplayCache for MemoryReplayCache {
    fn check_and_insert<'a>(
        &'a self,
        client: &'a str,
        jti: &'a str,
        exp: NumericDate,
        now: NumericDate,
    ) -> StoreFuture<'a, bool> {
        // Length-prefixed so that ("a:b", "c") and ("a", "b:c") differ.
        let key = format!("{}:{client}{jti}", client.len());
        let result = locked(&self.set).and_then(|mut s| s.insert(key, exp, now));
        Box::pin(async move { result })
    }

    fn healthy(&self) -> StoreFuture<'_, ()> {
        let r = locked(&self.set).map(|_| ());
        Box::pin(async move { r })
    }
}

/// The in-memory revocation list (one process).
#[derive(Debug, Default)]
pub struct MemoryRevocationList {
    set: Mutex<ExpiringSet>,
}

impl RevocationList for MemoryRevocationList {
    fn revoke<'a>(
        &'a self,
        jti: &'a str,
        exp: NumericDate,
        now: NumericDate,
    ) -> StoreFuture<'a, ()> {
        let result =
            locked(&self.set).and_then(|mut s| s.insert(jti.to_owned(), exp, now).map(|_| ()));
        Box::pin(async move { result })
    }

    fn is_revoked<'a>(&'a self, jti: &'a str, now: NumericDate) -> StoreFuture<'a, bool> {
        let result = locked(&self.set).map(|s| s.contains(jti, now));
        Box::pin(async move { result })
    }

    fn healthy(&self) -> StoreFuture<'_, ()> {
        let r = locked(&self.set).map(|_| ());
        Box::pin(async move { r })
    }
}
