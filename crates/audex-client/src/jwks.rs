//! A JWK Set cache for one issuer (JWKS-1, JWKS-2, JWKS-3).
//!
//! - A token whose `kid` is in the cached set never causes a fetch while the set is
//!   fresh.
//! - An unknown `kid` causes a refetch at most once per `min_refetch_interval`
//!   (negative cache), and however many requests wait, one fetch is in flight.
//! - `Cache-Control: max-age` sets the freshness, clamped to `[min_ttl, max_ttl]`.
//! - When a refresh fails, the last good set keeps serving until `hard_expiry` after it
//!   was fetched.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use audex_claims::StringOrUri;
use audex_jose::{JwsOptions, KeySet, UnverifiedJws};
use reqwest::header::{ACCEPT, CACHE_CONTROL};
use tokio::sync::{Mutex, RwLock};

use crate::error::ClientError;
use crate::http::{Http, check_url};

/// Cache timing.
#[derive(Clone, Copy, Debug)]
pub struct JwksSettings {
    /// Freshness when the server sends no `max-age`.
    pub default_ttl: Duration,
    /// Shortest freshness honoured.
    pub min_ttl: Duration,
    /// Longest freshness honoured.
    pub max_ttl: Duration,
    /// Least time between two fetches caused by unknown `kid`s.
    pub min_refetch_interval: Duration,
    /// How long the last good set may serve while refreshes fail.
    pub hard_expiry: Duration,
}

impl Default for JwksSettings {
    fn default() -> Self {
        Self {
            default_ttl: Duration::from_secs(300),
            min_ttl: Duration::from_secs(30),
            max_ttl: Duration::from_secs(24 * 3600),
            min_refetch_interval: Duration::from_secs(30),
            hard_expiry: Duration::from_secs(24 * 3600),
        }
    }
}

#[derive(Clone)]
struct Cached {
    keys: Arc<KeySet>,
    fetched: Instant,
    fresh_until: Instant,
}

/// The JWK Set of one issuer, fetched from its `jwks_uri` and cached.
pub struct JwksCache {
    http: Http,
    issuer: StringOrUri,
    jwks_uri: String,
    settings: JwksSettings,
    cached: RwLock<Option<Cached>>,
    /// Held while a fetch runs: one fetch in flight.
    fetching: Mutex<Option<Instant>>,
    fetches: AtomicU64,
}

impl std::fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwksCache")
            .field("issuer", &self.issuer)
            .field("jwks_uri", &self.jwks_uri)
            .field("fetches", &self.fetch_count())
            .finish_non_exhaustive()
    }
}

fn max_age(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers.get(CACHE_CONTROL)?.to_str().ok()?;
    let mut age = None;
    for d in v.split(',').map(str::trim) {
        let lower = d.to_ascii_lowercase();
        if lower == "no-store" || lower == "no-cache" {
            return Some(Duration::ZERO);
        }
        if let Some(n) = lower.strip_prefix("max-age=") {
            age = n
                .trim_matches('"')
                .parse::<u64>()
                .ok()
                .map(Duration::from_secs);
        }
    }
    age
}

impl JwksCache {
    /// A cache of `issuer`'s keys at `jwks_uri` (which must be `https`, or loopback
    /// `http`). Every key set handed out is bound to `issuer` (BCP-ISS-1).
    pub fn new(
        http: Http,
        issuer: StringOrUri,
        jwks_uri: &str,
        settings: JwksSettings,
    ) -> Result<Self, ClientError> {
        check_url(jwks_uri)?;
        Ok(Self {
            http,
            issuer,
            jwks_uri: jwks_uri.to_owned(),
            settings,
            cached: RwLock::new(None),
            fetching: Mutex::new(None),
            fetches: AtomicU64::new(0),
        })
    }

    /// How many fetches were made (for tests and metrics).
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// The issuer whose keys these are.
    pub fn issuer(&self) -> &StringOrUri {
        &self.issuer
    }

    /// The key set to verify `token` with: the cached one when it is fresh and holds
    /// the token's `kid`; otherwise refreshed under the rules above.
    pub async fn keys_for_token(&self, token: &str) -> Result<Arc<KeySet>, ClientError> {
        let kid = UnverifiedJws::parse(token, &JwsOptions::default())
            .ok()
            .and_then(|j| j.header().kid.clone());
        self.keys_for_kid(kid.as_deref()).await
    }

    /// As [`JwksCache::keys_for_token`], for a known `kid`.
    pub async fn keys_for_kid(&self, kid: Option<&str>) -> Result<Arc<KeySet>, ClientError> {
        let now = Instant::now();
        let snapshot = self.cached.read().await.clone();
        let has = |c: &Cached| kid.is_none_or(|k| c.keys.keys().iter().any(|v| v.kid() == Some(k)));
        match &snapshot {
            Some(c) if now < c.fresh_until && has(c) => return Ok(Arc::clone(&c.keys)),
            _ => {}
        }
        // One fetch in flight; the others wait here and then use its result.
        let mut last_attempt = self.fetching.lock().await;
        let current = self.cached.read().await.clone();
        if let Some(c) = &current
            && snapshot.as_ref().is_none_or(|s| s.fetched != c.fetched)
            && Instant::now() < c.fresh_until
        {
            // Someone else fetched while we waited.
            return Ok(Arc::clone(&c.keys));
        }
        let recently =
            last_attempt.is_some_and(|t| t.elapsed() < self.settings.min_refetch_interval);
        if recently {
            // At most one fetch per interval, whether for an unknown kid (negative
            // cache) or a stale set whose endpoint fails: serve what we have.
            return match current {
                Some(c) if c.fetched.elapsed() < self.settings.hard_expiry => Ok(c.keys),
                _ => Err(ClientError::InvalidResponse(format!(
                    "{}: no usable key set (last fetch failed or expired)",
                    self.jwks_uri
                ))),
            };
        }
        *last_attempt = Some(Instant::now());
        match self.fetch().await {
            Ok(fresh) => {
                let keys = Arc::clone(&fresh.keys);
                *self.cached.write().await = Some(fresh);
                Ok(keys)
            }
            Err(e) => match current {
                Some(c) if c.fetched.elapsed() < self.settings.hard_expiry => {
                    tracing::warn!(jwks_uri = %self.jwks_uri, error = %e, "JWKS refresh failed; serving the last good set");
                    Ok(c.keys)
                }
                _ => Err(e),
            },
        }
    }

    async fn fetch(&self) -> Result<Cached, ClientError> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let url = &self.jwks_uri;
        let f = self
            .http
            .send(url, |c, u| {
                c.get(u)
                    .header(ACCEPT, "application/jwk-set+json, application/json")
            })
            .await?;
        if f.status != 200 {
            return Err(ClientError::InvalidResponse(format!(
                "{url}: status {}",
                f.status
            )));
        }
        if !f.is_json() {
            return Err(ClientError::InvalidResponse(format!(
                "{url}: content type is not JSON"
            )));
        }
        let set = KeySet::from_jwks(&f.body)
            .map_err(|e| ClientError::InvalidResponse(format!("{url}: {e}")))?
            .for_issuer(self.issuer.clone());
        let ttl = max_age(&f.headers)
            .unwrap_or(self.settings.default_ttl)
            .clamp(self.settings.min_ttl, self.settings.max_ttl);
        let now = Instant::now();
        Ok(Cached {
            keys: Arc::new(set),
            fetched: now,
            fresh_until: now + ttl,
        })
    }
}
