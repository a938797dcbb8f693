//! Redis implementations of the replay cache and the revocation list, shared by every
//! replica (feature `redis`). Keys expire with the assertion's or token's `exp`, so
//! nothing grows without bound. Every call has a short timeout; a Redis that does not
//! answer is a [`StoreError`] and the callers fail closed. The connection is made
//! lazily and re-made by itself (redis' connection manager), so a replica starts and
//! serves while Redis is down, and recovers when it is back.

use std::time::Duration;

use audex_claims::NumericDate;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::Mutex;

use crate::store::{ReplayCache, RevocationList, StoreError, StoreFuture};

/// Time allowed for one Redis round trip (connecting included).
pub const REDIS_TIMEOUT: Duration = Duration::from_millis(500);

/// A Redis-backed store for both traits. Clone-free: share it in an `Arc`.
pub struct RedisStore {
    client: redis::Client,
    prefix: String,
    conn: Mutex<Option<ConnectionManager>>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn err(e: impl std::fmt::Display) -> StoreError {
    StoreError(format!("redis: {e}"))
}

fn millis(d: NumericDate) -> u64 {
    d.secs()
        .saturating_mul(1000)
        .saturating_add(u64::from(d.subsec_millis()))
}

impl RedisStore {
    /// A store for `url` (`redis://host:port/db`; TLS off unless the URL says
    /// `rediss://` and the build supports it). Keys are namespaced by `prefix`.
    pub fn new(url: &str, prefix: impl Into<String>) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(err)?;
        Ok(Self {
            client,
            prefix: prefix.into(),
            conn: Mutex::new(None),
        })
    }

    async fn connection(&self) -> Result<ConnectionManager, StoreError> {
        let mut slot = self.conn.lock().await;
        if let Some(c) = slot.as_ref() {
            return Ok(c.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let c = tokio::time::timeout(
            REDIS_TIMEOUT * 2,
            ConnectionManager::new_with_config(self.client.clone(), config),
        )
        .await
        .map_err(|_| StoreError("redis: connection timed out".into()))?
        .map_err(err)?;
        *slot = Some(c.clone());
        Ok(c)
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: redis::Cmd) -> Result<T, StoreError> {
        let mut c = self.connection().await?;
        let first = tokio::time::timeout(REDIS_TIMEOUT, cmd.query_async(&mut c))
            .await
            .map_err(|_| StoreError("redis: no answer in time".into()))?;
        match first {
            Ok(v) => Ok(v),
            // A connection that broke while Redis was away is re-made by the manager on
            // this failure: try once more on the new one.
            Err(e) if e.is_io_error() || e.is_connection_dropped() || e.is_connection_refusal() => {
                tokio::time::timeout(REDIS_TIMEOUT, cmd.query_async(&mut c))
                    .await
                    .map_err(|_| StoreError("redis: no answer in time".into()))?
                    .map_err(err)
            }
            Err(e) => Err(err(e)),
        }
    }

    async fn set_until(
        &self,
        key: String,
        exp: NumericDate,
        only_new: bool,
    ) -> Result<bool, StoreError> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(key).arg(1);
        if only_new {
            cmd.arg("NX");
        }
        cmd.arg("PXAT").arg(millis(exp).max(1));
        let r: Option<String> = self.query(cmd).await?;
        Ok(r.is_some())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let r: String = self.query(redis::cmd("PING")).await?;
        if r == "PONG" {
            Ok(())
        } else {
            Err(StoreError(format!("redis: unexpected PING answer {r:?}")))
        }
    }
}

impl ReplayCache for RedisStore {
    fn check_and_insert<'a>(
        &'a self,
        client: &'a str,
        jti: &'a str,
        exp: NumericDate,
        _now: NumericDate,
    ) -> StoreFuture<'a, bool> {
        // Length-prefixed so that ("a:b", "c") and ("a", "b:c") differ.
        let key = format!("{}:jti:{}:{client}{jti}", self.prefix, client.len());
        Box::pin(self.set_until(key, exp, true))
    }

    fn healthy(&self) -> StoreFuture<'_, ()> {
        Box::pin(self.ping())
    }
}

impl RevocationList for RedisStore {
    fn revoke<'a>(
        &'a self,
        jti: &'a str,
        exp: NumericDate,
        _now: NumericDate,
    ) -> StoreFuture<'a, ()> {
        let key = format!("{}:revoked:{jti}", self.prefix);
        Box::pin(async move { self.set_until(key, exp, false).await.map(|_| ()) })
    }

    fn is_revoked<'a>(&'a self, jti: &'a str, _now: NumericDate) -> StoreFuture<'a, bool> {
        let key = format!("{}:revoked:{jti}", self.prefix);
        Box::pin(async move {
            let mut cmd = redis::cmd("EXISTS");
            cmd.arg(key);
            let n: u64 = self.query(cmd).await?;
            Ok(n > 0)
        })
    }

    fn healthy(&self) -> StoreFuture<'_, ()> {
        Box::pin(self.ping())
    }
}
