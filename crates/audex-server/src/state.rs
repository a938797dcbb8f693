//! The service's configuration and shared state: the realm (swappable as a whole), the
//! key ring, the key sets derived from both, the state stores and the metrics.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use audex_claims::{NumericDate, StringOrUri};
use audex_jose::{ClientAssertion, KeySet, SubjectToken, Validation};
use audex_policy::{ClientAuth, Realm};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};

use crate::keys::KeyRing;
use crate::store::{MemoryReplayCache, MemoryRevocationList, ReplayCache, RevocationList};

/// Default largest request body, in bytes (the form codec's own limit).
pub const DEFAULT_MAX_BODY_BYTES: usize = audex_exchange::MAX_FORM_BYTES;
/// Default time a client has to send its request body.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// Default Keycloak realm name of the compatibility paths (`/realms/{name}/…`).
pub const DEFAULT_KEYCLOAK_REALM: &str = "audex";

/// What the service is built from.
pub struct ServerConfig {
    /// The realm. Its `issuer` is the `iss` of issued tokens and the metadata's
    /// `issuer`, so it must be the URL clients reach (http only on loopback).
    pub realm: Realm,
    /// The signing keys.
    pub keys: KeyRing,
    /// The realm name in the Keycloak-compatible paths.
    pub keycloak_realm: String,
    /// Largest request body accepted (413 beyond).
    pub max_body_bytes: usize,
    /// Time allowed to receive a request body (408 beyond).
    pub body_timeout: Duration,
    /// The client-assertion replay cache.
    pub replay_cache: Arc<dyn ReplayCache>,
    /// The revocation list.
    pub revocation: Arc<dyn RevocationList>,
}

impl ServerConfig {
    /// A configuration with in-memory stores and the defaults above.
    pub fn new(realm: Realm, keys: KeyRing) -> Self {
        Self {
            realm,
            keys,
            keycloak_realm: DEFAULT_KEYCLOAK_REALM.to_owned(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            replay_cache: Arc::new(MemoryReplayCache::default()),
            revocation: Arc::new(MemoryRevocationList::default()),
        }
    }
}

/// The configuration is not usable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The issuer is not a URL the service can be reached at.
    #[error("issuer {issuer:?}: {reason}")]
    Issuer {
        /// The issuer.
        issuer: String,
        /// Why.
        reason: &'static str,
    },
    /// A key set could not be built.
    #[error("{0}")]
    Keys(String),
    /// The TLS certificate or key is unusable.
    #[error("TLS: {0}")]
    Tls(String),
    /// The Keycloak realm name is not a single path segment.
    #[error("keycloak realm name {0:?} must be a non-empty path segment of [A-Za-z0-9._-]")]
    KeycloakRealm(String),
}

/// A realm with everything derived from it, swapped as one value: a request sees
/// either the old realm or the new one, never a mix.
pub(crate) struct RealmSnapshot {
    pub(crate) realm: Realm,
    /// How to verify subject and actor tokens of each accepted issuer (this realm and
    /// every trusted issuer), built once per realm rather than per request.
    pub(crate) issuers: HashMap<String, IssuerVerifier>,
    /// How to verify each `private_key_jwt` client's assertions, built once per realm.
    pub(crate) clients: HashMap<String, AssertionVerifier>,
    /// Endpoint URLs.
    pub(crate) urls: Urls,
}

/// Where an issuer's verification keys come from.
pub(crate) enum IssuerKeys {
    /// A fixed set (this realm's own keys, or a trusted issuer's inline JWK Set).
    Static(KeySet),
    /// A trusted issuer's `jwks_uri`, through audex-client's cache.
    Fetched(Arc<audex_client::JwksCache>),
}

/// Subject/actor token verification for one issuer.
pub(crate) struct IssuerVerifier {
    /// Whether this is the realm's own issuer (its tokens can be revoked here).
    pub(crate) own: bool,
    pub(crate) validation: Validation<SubjectToken>,
    pub(crate) keys: IssuerKeys,
}

/// Client-assertion verification for one `private_key_jwt` client.
pub(crate) struct AssertionVerifier {
    pub(crate) validation: Validation<ClientAssertion>,
    /// The client's keys, bound to its id.
    pub(crate) keys: KeySet,
}

/// The public URLs, derived from the issuer.
#[derive(Clone, Debug)]
pub(crate) struct Urls {
    pub(crate) issuer: String,
    /// The issuer's path without a trailing `/` (`""` for a host-only issuer).
    pub(crate) prefix: String,
    pub(crate) token: String,
    pub(crate) jwks: String,
    pub(crate) introspect: String,
    pub(crate) revoke: String,
}

fn is_loopback(host: Option<url::Host<&str>>) -> bool {
    match host {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn urls(issuer: &StringOrUri) -> Result<Urls, ConfigError> {
    let bad = |reason| ConfigError::Issuer {
        issuer: issuer.as_str().to_owned(),
        reason,
    };
    let u = url::Url::parse(issuer.as_str()).map_err(|_| bad("not an absolute URL"))?;
    match u.scheme() {
        "https" => {}
        "http" if is_loopback(u.host()) => {}
        "http" => return Err(bad("http is only allowed on a loopback address; use https")),
        _ => return Err(bad("scheme must be https (or http on loopback)")),
    }
    if u.query().is_some() || u.fragment().is_some() {
        return Err(bad("an issuer has no query and no fragment (RFC 8414 §2)"));
    }
    if u.as_str() != issuer.as_str() && u.as_str() != format!("{}/", issuer.as_str()) {
        return Err(bad(
            "write the issuer in its normalised form (lower-case scheme and host)",
        ));
    }
    let base = issuer.as_str().trim_end_matches('/');
    let prefix = u.path().trim_end_matches('/').to_owned();
    Ok(Urls {
        issuer: issuer.as_str().to_owned(),
        prefix,
        token: format!("{base}/token"),
        jwks: format!("{base}/jwks"),
        introspect: format!("{base}/introspect"),
        revoke: format!("{base}/revoke"),
    })
}

impl RealmSnapshot {
    fn build(
        realm: Realm,
        keys: &KeyRing,
        http: &audex_client::Http,
        previous: Option<&RealmSnapshot>,
    ) -> Result<Self, ConfigError> {
        let urls = urls(&realm.issuer)?;
        let mut issuers = HashMap::new();
        let own_keys = keys
            .verification_keys(&realm.issuer)
            .map_err(|e| ConfigError::Keys(e.to_string()))?;
        issuers.insert(
            realm.issuer.as_str().to_owned(),
            IssuerVerifier {
                own: true,
                validation: Validation::subject_token(realm.issuer.clone()),
                keys: IssuerKeys::Static(own_keys),
            },
        );
        for t in realm.trusted_issuers() {
            let iss = StringOrUri::new(t.issuer.clone())
                .map_err(|e| ConfigError::Keys(format!("trusted issuer: {e}")))?;
            let keys = match (&t.jwks, &t.jwks_uri) {
                (Some(jwks), _) => IssuerKeys::Static(
                    KeySet::from_jwks(jwks.as_bytes())
                        .map_err(|e| ConfigError::Keys(format!("{}: {e}", t.issuer)))?
                        .for_issuer(iss.clone()),
                ),
                (None, Some(uri)) => {
                    // Keep a cache across reloads when the issuer and URI are unchanged.
                    let unchanged = previous
                        .and_then(|p| p.realm.trusted_issuer(&t.issuer))
                        .and_then(|old| old.jwks_uri.as_ref())
                        == Some(uri);
                    let kept = previous
                        .filter(|_| unchanged)
                        .and_then(|p| p.issuers.get(&t.issuer))
                        .and_then(|v| match &v.keys {
                            IssuerKeys::Fetched(c) => Some(Arc::clone(c)),
                            IssuerKeys::Static(_) => None,
                        });
                    let cache = match kept {
                        Some(c) => c,
                        None => Arc::new(
                            audex_client::JwksCache::new(
                                http.clone(),
                                iss.clone(),
                                uri,
                                audex_client::JwksSettings::default(),
                            )
                            .map_err(|e| ConfigError::Keys(format!("{}: {e}", t.issuer)))?,
                        ),
                    };
                    IssuerKeys::Fetched(cache)
                }
                // The realm loader refuses a trusted issuer with neither.
                (None, None) => continue,
            };
            issuers.insert(
                t.issuer.clone(),
                IssuerVerifier {
                    own: false,
                    validation: Validation::subject_token(iss),
                    keys,
                },
            );
        }
        let mut clients = HashMap::new();
        for c in realm.clients() {
            if let ClientAuth::PrivateKeyJwt { jwks } = &c.auth {
                let id = StringOrUri::new_lenient(c.id.clone());
                let keys = KeySet::from_jwks(jwks.as_bytes())
                    .map_err(|e| ConfigError::Keys(format!("client {}: {e}", c.id)))?
                    .for_issuer(id);
                clients.insert(
                    c.id.clone(),
                    AssertionVerifier {
                        validation: Validation::client_assertion(
                            realm.issuer.clone(),
                            c.id.clone(),
                        ),
                        keys,
                    },
                );
            }
        }
        Ok(Self {
            realm,
            issuers,
            clients,
            urls,
        })
    }
}

/// The shared state of a running service. Build it with [`ServerState::new`] and hand
/// it to [`crate::router`].
pub struct ServerState {
    current: RwLock<Arc<RealmSnapshot>>,
    pub(crate) keys: KeyRing,
    pub(crate) keycloak_realm: String,
    pub(crate) max_body_bytes: usize,
    pub(crate) body_timeout: Duration,
    pub(crate) replay_cache: Arc<dyn ReplayCache>,
    pub(crate) revocation: Arc<dyn RevocationList>,
    pub(crate) recorder: PrometheusRecorder,
    pub(crate) metrics: PrometheusHandle,
    pub(crate) rng: ring::rand::SystemRandom,
    http: audex_client::Http,
}

impl std::fmt::Debug for ServerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerState")
            .field("issuer", &self.snapshot().urls.issuer)
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

/// Latency buckets of `audex_token_request_seconds`.
const LATENCY_BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
];

impl ServerState {
    /// Checks the configuration and derives every key set.
    pub fn new(config: ServerConfig) -> Result<Arc<Self>, ConfigError> {
        let name = &config.keycloak_realm;
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        {
            return Err(ConfigError::KeycloakRealm(name.clone()));
        }
        let http = audex_client::Http::new(&audex_client::HttpSettings::default())
            .map_err(|e| ConfigError::Keys(format!("HTTP client: {e}")))?;
        let snapshot = RealmSnapshot::build(config.realm, &config.keys, &http, None)?;
        let recorder = PrometheusBuilder::new()
            .set_buckets(&LATENCY_BUCKETS)
            .map_err(|e| ConfigError::Keys(format!("metrics: {e}")))?
            .build_recorder();
        let metrics = recorder.handle();
        Ok(Arc::new(Self {
            current: RwLock::new(Arc::new(snapshot)),
            keys: config.keys,
            keycloak_realm: config.keycloak_realm,
            max_body_bytes: config.max_body_bytes,
            body_timeout: config.body_timeout,
            replay_cache: config.replay_cache,
            revocation: config.revocation,
            recorder,
            metrics,
            rng: ring::rand::SystemRandom::new(),
            http,
        }))
    }

    /// Replaces the realm atomically. The issuer must not change (issued tokens and
    /// the published metadata name it). A broken realm leaves the old one serving.
    pub fn reload(&self, realm: Realm) -> Result<(), ConfigError> {
        let current = self.snapshot();
        if realm.issuer != current.realm.issuer {
            return Err(ConfigError::Issuer {
                issuer: realm.issuer.as_str().to_owned(),
                reason: "a reload cannot change the issuer",
            });
        }
        let next = Arc::new(RealmSnapshot::build(
            realm,
            &self.keys,
            &self.http,
            Some(&current),
        )?);
        match self.current.write() {
            Ok(mut w) => *w = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
        Ok(())
    }

    pub(crate) fn snapshot(&self) -> Arc<RealmSnapshot> {
        match self.current.read() {
            Ok(r) => Arc::clone(&r),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The issuer identifier (the `iss` of issued tokens).
    pub fn issuer(&self) -> String {
        self.snapshot().urls.issuer.clone()
    }

    /// The metadata document's `issuer` and the native endpoint paths, for banners.
    pub fn endpoints(&self) -> Vec<(&'static str, String)> {
        let s = self.snapshot();
        let u = &s.urls;
        let origin = u
            .issuer
            .trim_end_matches('/')
            .strip_suffix(u.prefix.as_str())
            .unwrap_or(&u.issuer)
            .to_owned();
        let kc = format!("{origin}/realms/{}", self.keycloak_realm);
        vec![
            ("token", u.token.clone()),
            ("jwks", u.jwks.clone()),
            ("introspection", u.introspect.clone()),
            ("revocation", u.revoke.clone()),
            (
                "metadata (RFC 8414)",
                format!(
                    "{origin}/.well-known/oauth-authorization-server{}",
                    u.prefix
                ),
            ),
            (
                "metadata (OpenID)",
                format!(
                    "{}/.well-known/openid-configuration",
                    u.issuer.trim_end_matches('/')
                ),
            ),
            (
                "keycloak token",
                format!("{kc}/protocol/openid-connect/token"),
            ),
            (
                "keycloak certs",
                format!("{kc}/protocol/openid-connect/certs"),
            ),
            (
                "keycloak introspection",
                format!("{kc}/protocol/openid-connect/token/introspect"),
            ),
            (
                "keycloak metadata",
                format!("{kc}/.well-known/openid-configuration"),
            ),
            ("health", format!("{origin}/healthz")),
            ("metrics", format!("{origin}/metrics")),
        ]
    }

    /// The public JWK Set document served at `/jwks`.
    pub fn public_jwks(&self) -> serde_json::Value {
        self.keys.public_jwks()
    }

    /// Folds the latency samples recorded since the last call into the histogram
    /// buckets. [`crate::serve`] and [`crate::serve_tls`] call it every few seconds; an
    /// application that mounts [`crate::router`] itself must too, or samples pile up
    /// until the next `/metrics` scrape.
    pub fn run_metrics_upkeep(&self) {
        self.metrics.run_upkeep();
    }

    /// Runs `f` with this service's metrics recorder.
    pub(crate) fn record(&self, f: impl FnOnce()) {
        metrics::with_local_recorder(&self.recorder, f);
    }

    /// A fresh random token identifier (128 bits, base64url).
    pub(crate) fn new_jti(&self) -> Result<String, ring::error::Unspecified> {
        use base64::Engine;
        use ring::rand::SecureRandom;
        let mut b = [0u8; 16];
        self.rng.fill(&mut b)?;
        Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b))
    }
}

/// The current time (the service's only clock).
pub(crate) fn now() -> NumericDate {
    NumericDate::from_system_time(SystemTime::now()).unwrap_or(NumericDate::MAX)
}
