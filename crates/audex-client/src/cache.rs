//! A cache of exchanged tokens: "call C on every request" must not cost an exchange per
//! request. Entries are keyed by the subject token (its SHA-256, never the token
//! itself), the audiences, resources, scope, actor token and requested type, and are
//! reused until `margin` before the issued token expires.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use audex_exchange::{TokenExchangeRequest, TokenExchangeResponse};

use crate::client::TokenClient;
use crate::error::ClientError;

/// Most entries kept; when full, expired entries go first, then the oldest.
pub const DEFAULT_CACHE_CAPACITY: usize = 10_000;

/// Reuse a token until this long before it expires.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(30);

struct Entry {
    response: TokenExchangeResponse,
    stored: Instant,
    reuse_until: Instant,
}

/// The cache. Share it (in an `Arc`) between the tasks that call the same service.
pub struct ExchangeCache {
    entries: Mutex<HashMap<[u8; 32], Entry>>,
    capacity: usize,
    margin: Duration,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl std::fmt::Debug for ExchangeCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExchangeCache")
            .field("capacity", &self.capacity)
            .field("hits", &self.hits())
            .field("misses", &self.misses())
            .finish_non_exhaustive()
    }
}

impl Default for ExchangeCache {
    fn default() -> Self {
        Self::new(DEFAULT_CACHE_CAPACITY, DEFAULT_REFRESH_MARGIN)
    }
}

/// The cache key: SHA-256 over every field that shapes the issued token, each
/// length-prefixed.
fn key(req: &TokenExchangeRequest) -> [u8; 32] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut put = |b: &[u8]| {
        ctx.update(&(b.len() as u64).to_be_bytes());
        ctx.update(b);
    };
    put(req.subject_token.expose().as_bytes());
    put(req.subject_token_type.as_str().as_bytes());
    match &req.actor {
        Some((t, ty)) => {
            put(t.expose().as_bytes());
            put(ty.as_str().as_bytes());
        }
        None => put(b"-"),
    }
    put(req
        .requested_token_type
        .as_ref()
        .map_or("-", |t| t.as_str())
        .as_bytes());
    for a in &req.audience {
        put(a.as_bytes());
    }
    put(b"|");
    for r in &req.resource {
        put(r.as_str().as_bytes());
    }
    put(b"|");
    put(req
        .scope
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default()
        .as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

impl ExchangeCache {
    /// A cache of at most `capacity` tokens, each reused until `margin` before it
    /// expires. A response without `expires_in` is not cached.
    pub fn new(capacity: usize, margin: Duration) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
            margin,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Requests served from the cache.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Requests that went to the server.
    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }

    fn get(&self, k: &[u8; 32]) -> Option<TokenExchangeResponse> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(k)
            .filter(|e| Instant::now() < e.reuse_until)
            .map(|e| e.response.clone())
    }

    fn put(&self, k: [u8; 32], response: &TokenExchangeResponse) {
        let Some(expires_in) = response.expires_in else {
            return;
        };
        let now = Instant::now();
        let Some(reuse_until) = Duration::from_secs(expires_in)
            .checked_sub(self.margin)
            .map(|d| now + d)
        else {
            return; // shorter-lived than the margin: not worth keeping
        };
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= self.capacity {
            entries.retain(|_, e| now < e.reuse_until);
        }
        if entries.len() >= self.capacity
            && let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, e)| e.stored)
                .map(|(k, _)| *k)
        {
            entries.remove(&oldest);
        }
        entries.insert(
            k,
            Entry {
                response: response.clone(),
                stored: now,
                reuse_until,
            },
        );
    }

    /// The exchanged token for `req`: from the cache while it is fresh enough,
    /// otherwise from `client` (and then cached).
    pub async fn exchange(
        &self,
        client: &TokenClient,
        req: &TokenExchangeRequest,
    ) -> Result<TokenExchangeResponse, ClientError> {
        let k = key(req);
        if let Some(r) = self.get(&k) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(r);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let r = client.exchange(req).await?;
        self.put(k, &r);
        Ok(r)
    }
}
