#![doc = include_str!("../README.md")]

mod auth;
mod error;
mod introspect;
mod keys;
mod routes;
mod state;
mod store;
#[cfg(feature = "redis")]
mod store_redis;
mod tls;
mod token;

pub use error::OAuthError;
pub use keys::{KeyRing, KeyRingError};
pub use routes::router;
pub use state::{
    ConfigError, DEFAULT_BODY_TIMEOUT, DEFAULT_KEYCLOAK_REALM, DEFAULT_MAX_BODY_BYTES,
    ServerConfig, ServerState,
};
pub use store::{
    MEMORY_STORE_CAPACITY, MemoryReplayCache, MemoryRevocationList, ReplayCache, RevocationList,
    StoreError, StoreFuture,
};
#[cfg(feature = "redis")]
pub use store_redis::{REDIS_TIMEOUT, RedisStore};
pub use tls::{HANDSHAKE_TIMEOUT, MAX_PENDING_HANDSHAKES, tls_config};

use std::future::Future;
use std::sync::Arc;

/// Serves the token service on `listener` until `shutdown` completes, then finishes
/// the requests in flight and returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<ServerState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let upkeep = spawn_upkeep(&state);
    let r = axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await;
    upkeep.abort();
    r
}

/// Keeps the metrics histograms folded (bounded memory without a scraper).
fn spawn_upkeep(state: &Arc<ServerState>) -> tokio::task::JoinHandle<()> {
    let state = Arc::clone(state);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            every.tick().await;
            state.run_metrics_upkeep();
        }
    })
}

/// Serves over HTTPS (rustls on ring) on `listener` until `shutdown` completes.
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    state: Arc<ServerState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tls::TlsListener::new(listener, tls)?;
    let upkeep = spawn_upkeep(&state);
    let r = axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await;
    upkeep.abort();
    r
}
