//! `POST /token`: RFC 8693 token exchange and `client_credentials`.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use audex_claims::json::{Escaped, Truncated};
use audex_claims::{NumericDate, Scope};
use audex_exchange::{
    ErrorCode, Grant, TokenExchangeRequest, TokenExchangeResponse, TokenRequest, TokenType,
    check_content_type,
};
use audex_jose::{JwsOptions, SubjectTokenClaims, UnverifiedJws, Verified};
use audex_policy::{Decision, ExchangeInput, IssuePlan, Requester};

use crate::auth::{self, Caller};
use crate::error::{OAuthError, json_response, no_store};
use crate::state::{IssuerKeys, RealmSnapshot, ServerState, now};

/// Reads a request body within the size and time limits and checks its content type
/// against it.
pub(crate) async fn read_form(
    state: &ServerState,
    headers: &HeaderMap,
    body: Body,
) -> Result<Bytes, OAuthError> {
    let too_large = || {
        OAuthError::with_status(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::InvalidRequest,
            format!("request body is larger than {} bytes", state.max_body_bytes),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.max_body_bytes as u64) {
        return Err(too_large());
    }
    let collect = Limited::new(body, state.max_body_bytes).collect();
    let bytes = match tokio::time::timeout(state.body_timeout, collect).await {
        Err(_) => {
            return Err(OAuthError::with_status(
                StatusCode::REQUEST_TIMEOUT,
                ErrorCode::InvalidRequest,
                "request body not received in time",
            ));
        }
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => return Err(too_large()),
        Ok(Err(_)) => {
            return Err(OAuthError::invalid_request(
                "request body could not be read",
            ));
        }
        Ok(Ok(collected)) => collected.to_bytes(),
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .ok_or_else(|| {
            OAuthError::with_status(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::InvalidRequest,
                "Content-Type application/x-www-form-urlencoded is required",
            )
        })?
        .to_str()
        .map_err(|_| OAuthError::invalid_request("Content-Type is not ASCII"))?;
    check_content_type(content_type, &bytes).map_err(|e| OAuthError::from_form(&e, false))?;
    Ok(bytes)
}

/// The `POST /token` handler.
pub(crate) async fn token(
    State(state): State<Arc<ServerState>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let (result, grant, rule) = token_inner(&state, &headers, body).await;
    let outcome = if result.is_ok() { "granted" } else { "denied" };
    state.record(|| {
        metrics::counter!("audex_token_requests_total", "grant" => grant, "outcome" => outcome, "rule" => rule)
            .increment(1);
        metrics::histogram!("audex_token_request_seconds", "grant" => grant)
            .record(started.elapsed().as_secs_f64());
    });
    match result {
        Ok(r) => r,
        Err(e) => {
            tracing::info!(
                target: "audex::token",
                grant,
                rule,
                status = e.status.as_u16(),
                error = e.body.error.as_str(),
                description = %Escaped(e.body.error_description.as_deref().unwrap_or("")),
                "token request refused"
            );
            e.into_response()
        }
    }
}

type Outcome = (Result<Response, OAuthError>, &'static str, &'static str);

async fn token_inner(state: &ServerState, headers: &HeaderMap, body: Body) -> Outcome {
    let snap = state.snapshot();
    let bytes = match read_form(state, headers, body).await {
        Ok(b) => b,
        Err(e) => return (Err(e), "unknown", "request"),
    };
    let used_header = headers.contains_key(header::AUTHORIZATION);
    let request = match TokenRequest::decode(&bytes) {
        Ok(r) => r,
        Err(e) => {
            return (
                Err(OAuthError::from_form(&e, used_header)),
                "unknown",
                "request",
            );
        }
    };
    let grant_name = match &request.grant {
        Grant::TokenExchange(_) => "token_exchange",
        Grant::ClientCredentials(_) => "client_credentials",
        // A grant a newer audex-exchange decodes but this server does not serve.
        _ => {
            return (
                Err(OAuthError::new(
                    ErrorCode::UnsupportedGrantType,
                    "this server does not support that grant_type",
                )),
                "unknown",
                "request",
            );
        }
    };
    let now = now();
    let caller = match auth::authenticate(state, &snap, headers, &request.client, now).await {
        Ok(c) => c,
        Err(e) => return (Err(e), grant_name, "client-authentication"),
    };
    let requester = Requester {
        client_id: &caller.client_id,
        authenticated: caller.authenticated,
    };
    let decided = match &request.grant {
        Grant::TokenExchange(te) => exchange(state, &snap, requester, te, now).await,
        Grant::ClientCredentials(cc) => Ok((
            snap.realm.decide_client_credentials(requester, cc, now),
            cc.scope.clone(),
        )),
        _ => Err(OAuthError::new(
            ErrorCode::UnsupportedGrantType,
            "this server does not support that grant_type",
        )),
    };
    let (decision, requested_scope) = match decided {
        Ok(d) => d,
        Err(e) => return (Err(e), grant_name, "token-verification"),
    };
    log_decision(&caller, grant_name, &decision);
    let rule = decision
        .deciding_rule()
        .map_or("none", audex_policy::Rule::name);
    let plan = match decision.into_outcome() {
        Ok(p) => p,
        Err(r) => {
            return (
                Err(OAuthError::from_rejection(&r, caller.used_header)),
                grant_name,
                rule,
            );
        }
    };
    let result = issue(state, &plan, requested_scope.as_ref(), grant_name);
    (result, grant_name, rule)
}

/// Logs the decision's rule trace (POL-EXPLAIN-1): client ids, rule names and
/// details the engine escaped; never a token or a secret (STS-LOG-1).
fn log_decision(caller: &Caller, grant: &str, decision: &Decision) {
    if !tracing::enabled!(target: "audex::decision", tracing::Level::INFO) {
        return;
    }
    let trace: Vec<String> = decision
        .steps()
        .iter()
        .map(|s| {
            format!(
                "{}:{}",
                s.rule.name(),
                if s.passed { "pass" } else { "FAIL" }
            )
        })
        .collect();
    let detail = decision
        .steps()
        .iter()
        .find(|s| !s.passed)
        .map(|s| s.detail.to_string())
        .unwrap_or_default();
    tracing::info!(
        target: "audex::decision",
        client = %Truncated(&caller.client_id),
        grant,
        granted = decision.is_granted(),
        rules = %trace.join(" "),
        denial = decision.denial().map_or("", audex_policy::Denial::kind),
        reason = %Truncated(&detail),
        "token request decided"
    );
}

/// Subject and actor tokens are verified as RFC 9068 JWT access tokens, declared as
/// `access_token` or `jwt`; any other declared type is `invalid_request` (TE-ERR-1).
fn accepted_type(t: &TokenType, which: &str) -> Result<(), OAuthError> {
    match t {
        TokenType::AccessToken | TokenType::Jwt => Ok(()),
        other => Err(OAuthError::invalid_request(format!(
            "{which}_token_type {} is not accepted here: this server takes JWT access tokens (access_token or jwt)",
            Truncated(other.as_str())
        ))),
    }
}

async fn exchange(
    state: &ServerState,
    snap: &RealmSnapshot,
    requester: Requester<'_>,
    te: &TokenExchangeRequest,
    now: NumericDate,
) -> Result<(Decision, Option<Scope>), OAuthError> {
    accepted_type(&te.subject_token_type, "subject")?;
    if let Some((_, t)) = &te.actor {
        accepted_type(t, "actor")?;
    }
    let subject =
        verify_exchange_token(state, snap, te.subject_token.expose(), "subject_token", now).await?;
    let actor = match &te.actor {
        Some((token, _)) => {
            Some(verify_exchange_token(state, snap, token.expose(), "actor_token", now).await?)
        }
        None => None,
    };
    let decision = snap.realm.decide_exchange(&ExchangeInput {
        requester,
        subject: &subject,
        actor: actor.as_ref(),
        request: te,
        now,
    });
    Ok((decision, te.scope.clone()))
}

/// Verifies a subject or actor token with the keys of the issuer it names (this
/// realm or a trusted issuer), bound to that issuer (BCP-ISS-1), and checks that the
/// realm's own tokens are not revoked.
pub(crate) async fn verify_exchange_token(
    state: &ServerState,
    snap: &RealmSnapshot,
    token: &str,
    which: &str,
    now: NumericDate,
) -> Result<Verified<SubjectTokenClaims>, OAuthError> {
    let rejected = |why: String| OAuthError::invalid_request(format!("{which} rejected: {why}"));
    // Parsed once: the unverified issuer picks the keys, the kid picks within them,
    // and the same parse is verified (`verify_parsed` re-applies the validation's own
    // size and `crit` limits).
    let jws =
        UnverifiedJws::parse(token, &JwsOptions::default()).map_err(|e| rejected(e.to_string()))?;
    let iss = jws
        .unverified_issuer()
        .ok_or_else(|| rejected("no iss claim".into()))?;
    let Some(verifier) = snap.issuers.get(&iss) else {
        return Err(rejected(format!(
            "issuer \"{}\" is not this realm and not a trusted issuer",
            Truncated(&iss)
        )));
    };
    let fetched;
    let keys = match &verifier.keys {
        IssuerKeys::Static(k) => k,
        IssuerKeys::Fetched(cache) => {
            fetched = cache
                .keys_for_kid(jws.header().kid.as_deref())
                .await
                .map_err(|e| {
                    tracing::warn!(issuer = %Truncated(&iss), error = %e, "trusted issuer's JWKS unavailable");
                    rejected(format!(
                        "the keys of trusted issuer \"{}\" are unavailable",
                        Truncated(&iss)
                    ))
                })?;
            &*fetched
        }
    };
    let verified = verifier
        .validation
        .verify_parsed(jws, keys, now)
        .map_err(|e| rejected(e.to_string()))?;
    let own = verifier.own;
    if own {
        match state
            .revocation
            .is_revoked(&verified.claims().jti, now)
            .await
        {
            Ok(false) => {}
            Ok(true) => return Err(rejected("the token was revoked".into())),
            // The exchange keeps working while the store is down (the token's own
            // short lifetime bounds the window); introspection fails closed instead.
            // docs/DEPLOYMENT.md says so.
            Err(e) => {
                tracing::warn!(error = %e, "revocation list unavailable; exchange proceeds without it");
            }
        }
    }
    Ok(verified)
}

/// Signs the plan's token and builds the response (RFC 6749 §5.1, RFC 8693 §2.2.1).
fn issue(
    state: &ServerState,
    plan: &IssuePlan,
    requested: Option<&Scope>,
    grant: &str,
) -> Result<Response, OAuthError> {
    let internal = |what: &str| {
        tracing::error!(what, "token could not be issued");
        OAuthError::with_status(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::ServerError,
            "the token could not be issued",
        )
    };
    let jti = state.new_jti().map_err(|_| internal("random jti"))?;
    let token = audex_jose::sign_access_token(&plan.claims(jti), state.keys.active())
        .map_err(|_| internal("signing"))?;
    let mut response = TokenExchangeResponse::new(token, plan.issued_token_type.clone())
        .with_granted_scope(&plan.scope, requested);
    response.expires_in = Some(plan.expires_in());
    // The reference server issues no refresh tokens: it has no refresh grant.
    let body = if grant == "client_credentials" {
        let mut v: serde_json::Value =
            serde_json::from_str(&response.to_json()).map_err(|_| internal("json"))?;
        if let Some(m) = v.as_object_mut() {
            m.remove("issued_token_type");
        }
        v.to_string()
    } else {
        response.to_json()
    };
    let mut resp = json_response(StatusCode::OK, body);
    no_store(&mut resp);
    Ok(resp)
}
