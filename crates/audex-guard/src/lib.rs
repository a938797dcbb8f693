#![doc = include_str!("../README.md")]

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};

use audex_claims::{AccessTokenClaims, NumericDate, Scope, StringOrUri};
use audex_client::JwksCache;
use audex_jose::{
    AccessToken, JwsOptions, KeySet, UnverifiedJws, Validation, Verified, VerifyError,
};

/// Where the guard's verification keys come from.
#[derive(Clone, Debug)]
pub enum KeySource {
    /// A fixed key set (bound to the issuer by the guard).
    Static(Arc<KeySet>),
    /// The issuer's JWK Set, fetched and cached (rotation handled by the cache).
    Jwks(Arc<JwksCache>),
}

struct Config {
    validation: Validation<AccessToken>,
    issuer: StringOrUri,
    keys: KeySource,
    realm: String,
    resource: Option<String>,
    resource_metadata: Option<String>,
    scopes: Option<Scope>,
}

/// A resource server's token check: RFC 9068 access tokens from one issuer, for this
/// service's audience(s), with the required scopes. Build it, then `.layer()` it onto an
/// axum router; handlers take [`Authenticated`].
#[derive(Clone)]
pub struct Guard {
    config: Arc<Config>,
}

impl std::fmt::Debug for Guard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guard")
            .field("issuer", &self.config.issuer)
            .field("realm", &self.config.realm)
            .finish_non_exhaustive()
    }
}

/// Why a request was refused, with its RFC 6750 status and challenge (RS-1).
#[derive(Debug)]
pub enum Refusal {
    /// No bearer token: 401 and a challenge without an error code.
    NoToken,
    /// A malformed `Authorization` header: 400 `invalid_request`.
    Malformed(&'static str),
    /// The token failed verification: 401 `invalid_token`, or 403 `insufficient_scope`.
    Token(VerifyError),
    /// The keys could not be obtained (the JWKS endpoint failed and nothing is cached).
    Keys(String),
}

impl Guard {
    /// A guard accepting `issuer`'s access tokens addressed to `audience`.
    pub fn new(issuer: StringOrUri, audience: StringOrUri, keys: KeySource) -> Self {
        let realm = audience.as_str().to_owned();
        Self {
            config: Arc::new(Config {
                validation: Validation::access_token(issuer.clone(), audience),
                issuer,
                keys,
                realm,
                resource: None,
                resource_metadata: None,
                scopes: None,
            }),
        }
    }

    fn edit(mut self, f: impl FnOnce(&mut Config)) -> Self {
        if let Some(c) = Arc::get_mut(&mut self.config) {
            f(c);
        } else {
            let old = &self.config;
            let mut c = Config {
                validation: old.validation.clone(),
                issuer: old.issuer.clone(),
                keys: old.keys.clone(),
                realm: old.realm.clone(),
                resource: old.resource.clone(),
                resource_metadata: old.resource_metadata.clone(),
                scopes: old.scopes.clone(),
            };
            f(&mut c);
            self.config = Arc::new(c);
        }
        self
    }

    /// Also accepts tokens addressed to `audience`.
    #[must_use]
    pub fn audience(self, audience: StringOrUri) -> Self {
        self.edit(|c| c.validation = c.validation.clone().audience(audience))
    }

    /// Requires every scope of `scope` (403 `insufficient_scope` otherwise).
    #[must_use]
    pub fn require_scope(self, scope: Scope) -> Self {
        self.edit(|c| {
            c.validation = c.validation.clone().require_scope(scope.clone());
            c.scopes = Some(scope);
        })
    }

    /// **Loosening.** Also accepts tokens whose `typ` is absent or `JWT` (issuers such
    /// as authgent-server that mint RFC 9068 claims without the `at+jwt` header). All
    /// claim checks stay; a `client-authentication+jwt` assertion is still refused. See
    /// [`Validation::allow_jwt_typ`](audex_jose::Validation::allow_jwt_typ).
    #[must_use]
    pub fn allow_jwt_typ(self) -> Self {
        self.edit(|c| c.validation = c.validation.clone().allow_jwt_typ())
    }

    /// The `realm` of the challenge (default: the audience).
    #[must_use]
    pub fn realm(self, realm: impl Into<String>) -> Self {
        let realm = realm.into();
        self.edit(|c| c.realm = realm)
    }

    /// Names this protected resource (RFC 9728) and the URL of its metadata document,
    /// which the challenge then carries as `resource_metadata` (RS-MD-1).
    #[must_use]
    pub fn protected_resource(
        self,
        resource: impl Into<String>,
        metadata_url: impl Into<String>,
    ) -> Self {
        let (r, m) = (resource.into(), metadata_url.into());
        self.edit(|c| {
            c.resource = Some(r);
            c.resource_metadata = Some(m);
        })
    }

    /// The tower layer.
    pub fn layer(&self) -> GuardLayer {
        GuardLayer {
            guard: self.clone(),
        }
    }

    /// The RFC 9728 metadata document of this resource.
    pub fn resource_metadata_document(&self) -> serde_json::Value {
        let c = &self.config;
        let mut m = serde_json::json!({
            "resource": c.resource.clone().unwrap_or_else(|| c.realm.clone()),
            "authorization_servers": [c.issuer.as_str()],
            "bearer_methods_supported": ["header"],
        });
        if let (Some(s), Some(obj)) = (&c.scopes, m.as_object_mut()) {
            obj.insert(
                "scopes_supported".into(),
                s.iter().map(str::to_owned).collect::<Vec<_>>().into(),
            );
        }
        m
    }

    /// An axum router serving `/.well-known/oauth-protected-resource` (RFC 9728);
    /// merge it outside the guarded routes.
    pub fn metadata_router<S: Clone + Send + Sync + 'static>(&self) -> axum::Router<S> {
        let doc = self.resource_metadata_document().to_string();
        axum::Router::new().route(
            "/.well-known/oauth-protected-resource",
            axum::routing::get(move || {
                let doc = doc.clone();
                async move {
                    let mut r = (StatusCode::OK, doc).into_response();
                    r.headers_mut().insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    );
                    r
                }
            }),
        )
    }

    /// Verifies the bearer token of a request's headers.
    pub async fn verify(
        &self,
        headers: &HeaderMap,
    ) -> Result<Verified<AccessTokenClaims>, Refusal> {
        let mut values = headers.get_all(header::AUTHORIZATION).iter();
        let Some(value) = values.next() else {
            return Err(Refusal::NoToken);
        };
        if values.next().is_some() {
            return Err(Refusal::Malformed("more than one Authorization header"));
        }
        let value = value
            .to_str()
            .map_err(|_| Refusal::Malformed("Authorization header is not ASCII"))?;
        let Some((scheme, token)) = value.split_once(' ') else {
            return Err(Refusal::NoToken);
        };
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(Refusal::NoToken);
        }
        let token = token.trim();
        if token.is_empty() || token.contains(' ') {
            return Err(Refusal::Malformed("malformed bearer token"));
        }
        let now = NumericDate::from_system_time(SystemTime::now())
            .map_err(|e| Refusal::Keys(format!("clock: {e}")))?;
        let c = &self.config;
        match &c.keys {
            KeySource::Static(keys) => c
                .validation
                .verify(token, keys, now)
                .map_err(Refusal::Token),
            KeySource::Jwks(cache) => {
                // Parsed once: its kid picks the keys, and the same parse is verified.
                let jws = UnverifiedJws::parse(token, &JwsOptions::default())
                    .map_err(|e| Refusal::Token(VerifyError::Malformed(e)))?;
                let keys = cache
                    .keys_for_kid(jws.header().kid.as_deref())
                    .await
                    .map_err(|e| Refusal::Keys(e.to_string()))?;
                c.validation
                    .verify_parsed(jws, &keys, now)
                    .map_err(Refusal::Token)
            }
        }
    }

    /// The RFC 6750 answer for a refusal.
    pub fn refusal_response(&self, r: &Refusal) -> Response {
        let c = &self.config;
        let realm = audex_claims::json::sanitize_description(&c.realm);
        let extra = c
            .resource_metadata
            .as_deref()
            .map(|u| {
                format!(
                    ", resource_metadata=\"{}\"",
                    audex_claims::json::sanitize_description(u)
                )
            })
            .unwrap_or_default();
        let (status, challenge, body) = match r {
            Refusal::NoToken => (
                StatusCode::UNAUTHORIZED,
                format!("Bearer realm=\"{realm}\"{extra}"),
                None,
            ),
            Refusal::Malformed(why) => (
                StatusCode::BAD_REQUEST,
                format!(
                    "Bearer realm=\"{realm}\", error=\"invalid_request\", error_description=\"{why}\"{extra}"
                ),
                Some(("invalid_request", (*why).to_owned())),
            ),
            Refusal::Token(e) => (
                StatusCode::from_u16(e.bearer_error().status()).unwrap_or(StatusCode::UNAUTHORIZED),
                format!("{}{extra}", e.www_authenticate(Some(&realm))),
                Some((
                    e.bearer_error().code(),
                    audex_claims::json::sanitize_description(&e.to_string()),
                )),
            ),
            Refusal::Keys(why) => {
                tracing::warn!(error = %audex_claims::json::Escaped(why), "guard: no verification keys");
                (
                    StatusCode::UNAUTHORIZED,
                    format!(
                        "Bearer realm=\"{realm}\", error=\"invalid_token\", error_description=\"the issuer's keys are unavailable\"{extra}"
                    ),
                    Some((
                        "invalid_token",
                        "the issuer's keys are unavailable".to_owned(),
                    )),
                )
            }
        };
        let body = body.map_or_else(String::new, |(code, d)| {
            serde_json::json!({"error": code, "error_description": d}).to_string()
        });
        let mut resp = (status, body).into_response();
        let h = resp.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&challenge) {
            h.insert(header::WWW_AUTHENTICATE, v);
        }
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        resp
    }
}

/// The verified token of the request (RS-2): only the guard puts it in the request,
/// after verification, so a handler that takes it cannot see unverified claims.
#[derive(Clone, Debug)]
pub struct Authenticated(pub Arc<Verified<AccessTokenClaims>>);

impl Authenticated {
    /// The verified claims.
    pub fn claims(&self) -> &AccessTokenClaims {
        self.0.claims()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Authenticated>()
            .cloned()
            .ok_or_else(|| {
                tracing::error!(
                    "Authenticated extractor used on a route without the audex guard layer"
                );
                let mut r = StatusCode::UNAUTHORIZED.into_response();
                r.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                r
            })
    }
}

/// The tower layer of a [`Guard`].
#[derive(Clone, Debug)]
pub struct GuardLayer {
    guard: Guard,
}

impl<S> tower_layer::Layer<S> for GuardLayer {
    type Service = GuardService<S>;

    fn layer(&self, inner: S) -> GuardService<S> {
        GuardService {
            guard: self.guard.clone(),
            inner,
        }
    }
}

/// The service a [`GuardLayer`] wraps around the protected one.
#[derive(Clone, Debug)]
pub struct GuardService<S> {
    guard: Guard,
    inner: S,
}

impl<S> tower_service::Service<Request<Body>> for GuardService<S>
where
    S: tower_service::Service<Request<Body>, Response = Response, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<Body>) -> Self::Future {
        // The ready inner service goes with this request; a clone stays for the next.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let guard = self.guard.clone();
        Box::pin(async move {
            // A handler must never see a token the guard did not verify.
            req.extensions_mut().remove::<Authenticated>();
            match guard.verify(req.headers()).await {
                Ok(v) => {
                    req.extensions_mut().insert(Authenticated(Arc::new(v)));
                    inner.call(req).await
                }
                Err(r) => Ok(guard.refusal_response(&r)),
            }
        })
    }
}
