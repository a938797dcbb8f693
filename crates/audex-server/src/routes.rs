//! The router: native paths under the issuer's path, RFC 8414 discovery with the §3.1
//! path insertion, the Keycloak-compatible aliases, health and metrics.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::handler::Handler;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};

use audex_exchange::{AuthorizationServerMetadata, ErrorCode};

use crate::error::{OAuthError, json_response};
use crate::introspect::{introspect, revoke};
use crate::state::ServerState;
use crate::token::token;

type Shared = Arc<ServerState>;

/// A route for one method; any other method is a 405 with `Allow` and an RFC 6749
/// body (STS-ERR-1).
fn only<H, T>(method: &'static str, handler: H) -> MethodRouter<Shared>
where
    H: Handler<T, Shared>,
    T: 'static,
{
    let route = if method == "POST" {
        post(handler)
    } else {
        get(handler)
    };
    route.fallback(move |body: axum::body::Body| async move {
        drain(body).await;
        let mut e = OAuthError::with_status(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::InvalidRequest,
            format!("this endpoint accepts {method} only"),
        );
        e.allow = Some(if method == "POST" {
            "POST"
        } else {
            "GET, HEAD"
        });
        e.into_response()
    })
}

fn metadata(state: &ServerState) -> AuthorizationServerMetadata {
    let snap = state.snapshot();
    let u = &snap.urls;
    let mut scopes: Vec<String> = snap
        .realm
        .targets()
        .flat_map(|t| t.scopes.iter().map(str::to_owned))
        .collect();
    scopes.sort();
    scopes.dedup();
    let mut other = serde_json::Map::new();
    other.insert("revocation_endpoint".into(), u.revoke.clone().into());
    other.insert(
        "revocation_endpoint_auth_methods_supported".into(),
        serde_json::json!([
            "client_secret_basic",
            "client_secret_post",
            "private_key_jwt"
        ]),
    );
    let asymmetric = [
        "ES256", "ES384", "EdDSA", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
    ];
    AuthorizationServerMetadata {
        issuer: u.issuer.clone(),
        token_endpoint: Some(u.token.clone()),
        jwks_uri: Some(u.jwks.clone()),
        introspection_endpoint: Some(u.introspect.clone()),
        grant_types_supported: vec![
            audex_exchange::GRANT_TYPE_TOKEN_EXCHANGE.to_owned(),
            audex_exchange::GRANT_TYPE_CLIENT_CREDENTIALS.to_owned(),
        ],
        token_endpoint_auth_methods_supported: vec![
            "client_secret_basic".into(),
            "client_secret_post".into(),
            "private_key_jwt".into(),
            "none".into(),
        ],
        token_endpoint_auth_signing_alg_values_supported: asymmetric
            .iter()
            .map(|a| (*a).to_owned())
            .collect(),
        introspection_endpoint_auth_methods_supported: vec![
            "client_secret_basic".into(),
            "client_secret_post".into(),
            "private_key_jwt".into(),
        ],
        scopes_supported: scopes,
        other,
    }
}

async fn discovery(State(state): State<Shared>) -> Response {
    let mut resp = json_response(StatusCode::OK, metadata(&state).to_json());
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    resp
}

async fn jwks(State(state): State<Shared>) -> Response {
    let mut resp = json_response(StatusCode::OK, state.public_jwks().to_string());
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/jwk-set+json"),
    );
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    resp
}

async fn healthz(State(state): State<Shared>) -> Response {
    let replay = state.replay_cache.healthy().await;
    let revocation = state.revocation.healthy().await;
    let (status, store) = match (replay, revocation) {
        (Ok(()), Ok(())) => (StatusCode::OK, "up".to_owned()),
        (Err(e), _) | (_, Err(e)) => (StatusCode::SERVICE_UNAVAILABLE, format!("down: {e}")),
    };
    let body = serde_json::json!({
        "status": if status == StatusCode::OK { "ok" } else { "degraded" },
        "store": store,
    });
    json_response(status, body.to_string())
}

async fn metrics_text(State(state): State<Shared>) -> Response {
    let mut resp = (StatusCode::OK, state.metrics.render()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    resp
}

/// Reads and discards a small request body before an early error answer, so that a
/// client still sending it gets the answer rather than a reset connection.
async fn drain(body: axum::body::Body) {
    use http_body_util::BodyExt;
    let limited = http_body_util::Limited::new(body, crate::state::DEFAULT_MAX_BODY_BYTES);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), limited.collect()).await;
}

async fn not_found(body: axum::body::Body) -> Response {
    drain(body).await;
    OAuthError::with_status(
        StatusCode::NOT_FOUND,
        ErrorCode::InvalidRequest,
        "no such endpoint",
    )
    .into_response()
}

/// Keycloak paths name a realm; only the configured one exists.
fn keycloak_realm_ok(state: &ServerState, realm: &str) -> bool {
    state.keycloak_realm == realm
}

/// A Keycloak-style POST path: the configured realm name only, then the native handler.
async fn kc_post<F, Fut>(
    state: Shared,
    realm: &str,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
    native: F,
) -> Response
where
    F: FnOnce(State<Shared>, axum::http::HeaderMap, axum::body::Body) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    if !keycloak_realm_ok(&state, realm) {
        return not_found(body).await;
    }
    native(State(state), headers, body).await
}

async fn kc_token(
    State(state): State<Shared>,
    Path(realm): Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Response {
    kc_post(state, &realm, headers, body, token).await
}

async fn kc_introspect(
    State(state): State<Shared>,
    Path(realm): Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Response {
    kc_post(state, &realm, headers, body, introspect).await
}

async fn kc_revoke(
    State(state): State<Shared>,
    Path(realm): Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Response {
    kc_post(state, &realm, headers, body, revoke).await
}

async fn kc_certs(State(state): State<Shared>, Path(realm): Path<String>) -> Response {
    if !keycloak_realm_ok(&state, &realm) {
        return not_found(axum::body::Body::empty()).await;
    }
    jwks(State(state)).await
}

async fn kc_discovery(State(state): State<Shared>, Path(realm): Path<String>) -> Response {
    if !keycloak_realm_ok(&state, &realm) {
        return not_found(axum::body::Body::empty()).await;
    }
    discovery(State(state)).await
}

/// The service's router. Mount it at the root of the origin the issuer names.
///
/// Native paths live under the issuer's path (`{issuer}/token`, `/jwks`,
/// `/introspect`, `/revoke`, `/.well-known/openid-configuration`); RFC 8414 metadata
/// is at `/.well-known/oauth-authorization-server{issuer path}`; Keycloak clients find
/// the same endpoints under `/realms/{realm}/protocol/openid-connect/…`.
pub fn router(state: Arc<ServerState>) -> Router {
    let prefix = state.snapshot().urls.prefix.clone();
    let native = Router::new()
        .route("/token", only("POST", token))
        .route("/jwks", only("GET", jwks))
        .route("/introspect", only("POST", introspect))
        .route("/revoke", only("POST", revoke))
        .route("/.well-known/openid-configuration", only("GET", discovery));
    let root = Router::new()
        .route(
            &format!("/.well-known/oauth-authorization-server{prefix}"),
            only("GET", discovery),
        )
        .route(
            "/realms/{realm}/protocol/openid-connect/token",
            only("POST", kc_token),
        )
        .route(
            "/realms/{realm}/protocol/openid-connect/token/introspect",
            only("POST", kc_introspect),
        )
        .route(
            "/realms/{realm}/protocol/openid-connect/revoke",
            only("POST", kc_revoke),
        )
        .route(
            "/realms/{realm}/protocol/openid-connect/certs",
            only("GET", kc_certs),
        )
        .route(
            "/realms/{realm}/.well-known/openid-configuration",
            only("GET", kc_discovery),
        )
        .route("/healthz", only("GET", healthz))
        .route("/metrics", only("GET", metrics_text));
    let app = if prefix.is_empty() {
        root.merge(native)
    } else {
        root.nest(&prefix, native)
    };
    app.fallback(not_found).with_state(state)
}
