//! `POST /introspect` (RFC 7662) and `POST /revoke` (RFC 7009), for authenticated
//! confidential clients only.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use audex_claims::NumericDate;
use audex_exchange::{IntrospectionResponse, TokenHintRequest};
use audex_jose::{JwsOptions, SubjectTokenClaims, UnverifiedJws, Verified};

use crate::auth::{self, Caller};
use crate::error::{OAuthError, json_response, no_store};
use crate::state::{IssuerKeys, RealmSnapshot, ServerState, now};
use crate::token::read_form;

/// Decodes and authenticates a `token` request; only confidential clients that
/// authenticated may introspect or revoke.
async fn authenticated_request(
    state: &ServerState,
    snap: &RealmSnapshot,
    headers: &HeaderMap,
    body: Body,
    now: NumericDate,
) -> Result<(TokenHintRequest, Caller), OAuthError> {
    let bytes = read_form(state, headers, body).await?;
    let used_header = auth::authorization(headers)?.is_some();
    let (request, client) =
        TokenHintRequest::decode(&bytes).map_err(|e| OAuthError::from_form(&e, used_header))?;
    let caller = auth::authenticate(state, snap, headers, &client, now).await?;
    if !caller.authenticated {
        return Err(OAuthError::invalid_client(
            "this endpoint is for authenticated confidential clients only",
            caller.used_header,
        ));
    }
    Ok((request, caller))
}

/// One of this realm's own tokens, verified (no audience rule: introspection and
/// revocation are about the token, not about a resource server). `None` when the
/// token is not a valid token of this realm.
fn own_token(
    snap: &RealmSnapshot,
    token: &str,
    now: NumericDate,
) -> Option<Verified<SubjectTokenClaims>> {
    let jws = UnverifiedJws::parse(token, &JwsOptions::default()).ok()?;
    let iss = jws.unverified_issuer()?;
    let verifier = snap.issuers.get(&iss).filter(|v| v.own)?;
    match &verifier.keys {
        IssuerKeys::Static(keys) => verifier.validation.verify_parsed(jws, keys, now).ok(),
        IssuerKeys::Fetched(_) => None,
    }
}

/// The `POST /introspect` handler: `{"active": false}` for anything that is not a
/// live, unrevoked token of this realm; otherwise its claims, `act` included for
/// delegated tokens (INT-1).
pub(crate) async fn introspect(
    State(state): State<Arc<ServerState>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let snap = state.snapshot();
    let now = now();
    let (request, caller) = match authenticated_request(&state, &snap, &headers, body, now).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let answer = match own_token(&snap, request.token.expose(), now) {
        None => IntrospectionResponse::inactive(),
        Some(v) => match state.revocation.is_revoked(&v.claims().jti, now).await {
            Err(e) => {
                tracing::warn!(error = %e, "revocation list unavailable");
                return OAuthError::unavailable(
                    "the revocation state of the token cannot be checked right now; retry later",
                )
                .into_response();
            }
            Ok(true) => IntrospectionResponse::inactive(),
            Ok(false) => {
                let c = v.into_claims().into_inner();
                IntrospectionResponse {
                    active: true,
                    scope: c.scope,
                    client_id: Some(c.client_id),
                    username: None,
                    token_type: Some("Bearer".into()),
                    exp: Some(c.exp),
                    iat: Some(c.iat),
                    nbf: c.nbf,
                    sub: Some(c.sub),
                    aud: Some(c.aud),
                    iss: Some(c.iss),
                    jti: Some(c.jti),
                    act: c.act,
                }
            }
        },
    };
    tracing::info!(
        target: "audex::introspection",
        client = %audex_claims::json::Truncated(&caller.client_id),
        active = answer.active,
        "token introspected"
    );
    let mut resp = json_response(StatusCode::OK, answer.to_json());
    no_store(&mut resp);
    resp
}

/// The `POST /revoke` handler (RFC 7009): a client revokes its own tokens; the
/// `jti` stays on the revocation list until the token's `exp`. An unknown, invalid or
/// another client's token answers 200 as well (§2.2), and nothing happens.
pub(crate) async fn revoke(
    State(state): State<Arc<ServerState>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let snap = state.snapshot();
    let now = now();
    let (request, caller) = match authenticated_request(&state, &snap, &headers, body, now).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    if let Some(v) = own_token(&snap, request.token.expose(), now) {
        let c = v.claims();
        if c.client_id == caller.client_id {
            if let Err(e) = state.revocation.revoke(&c.jti, c.exp, now).await {
                tracing::warn!(error = %e, "revocation list unavailable");
                return OAuthError::unavailable(
                    "the token cannot be revoked right now; retry later",
                )
                .into_response();
            }
            tracing::info!(
                target: "audex::revocation",
                client = %audex_claims::json::Truncated(&caller.client_id),
                "token revoked"
            );
        }
    }
    let mut resp = StatusCode::OK.into_response();
    no_store(&mut resp);
    resp
}
