//! Client authentication at the token, introspection and revocation endpoints:
//! `client_secret_basic`, `client_secret_post`, `private_key_jwt` (CA-JWT-1, CA-JWT-2),
//! resolved once by `audex_exchange::ClientAuthentication` (STS-AUTH-1).
//!
//! An unknown client and a wrong secret give the same answer after the same work: one
//! SHA-256 of the presented secret and one constant-time comparison with a stored
//! hash, a dummy one when there is none (CA-CT-1).

use axum::http::{HeaderMap, header};
use subtle::ConstantTimeEq;

use audex_claims::NumericDate;
use audex_exchange::{ClientAuthParams, ClientAuthentication, Secret};
use audex_jose::{JwsOptions, UnverifiedJws};
use audex_policy::ClientAuth;

use crate::error::OAuthError;
use crate::state::{RealmSnapshot, ServerState};

/// The one description for every failed client authentication, so that the answer
/// does not tell an unknown client from a wrong secret or a bad assertion.
pub(crate) const AUTH_FAILED: &str = "client authentication failed";

/// Who the request comes from.
#[derive(Debug)]
pub(crate) struct Caller {
    pub(crate) client_id: String,
    pub(crate) authenticated: bool,
    pub(crate) used_header: bool,
}

/// The `Authorization` header, if any, as text.
pub(crate) fn authorization(headers: &HeaderMap) -> Result<Option<&str>, OAuthError> {
    match headers.get(header::AUTHORIZATION) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(Some)
            .map_err(|_| OAuthError::invalid_client("Authorization header is not ASCII", true)),
    }
}

/// Lower-case hex SHA-256 of a secret, as realm files store it.
fn sha256_hex(secret: &Secret) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, secret.expose().as_bytes());
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash compared against when the client is unknown or has no secret.
const DUMMY_HASH: &[u8; 64] = b"0000000000000000000000000000000000000000000000000000000000000000";

fn check_secret(snap: &RealmSnapshot, client_id: &str, secret: &Secret) -> bool {
    let stored = snap.realm.client(client_id).and_then(|c| match &c.auth {
        ClientAuth::ClientSecret { secret_sha256 } => Some(secret_sha256.to_ascii_lowercase()),
        _ => None,
    });
    let presented = sha256_hex(secret);
    let against: &[u8] = stored.as_deref().map_or(&DUMMY_HASH[..], str::as_bytes);
    let equal: bool = presented.as_bytes().ct_eq(against).into();
    equal && stored.is_some()
}

/// Authenticates the caller from the header and body parameters.
pub(crate) async fn authenticate(
    state: &ServerState,
    snap: &RealmSnapshot,
    headers: &HeaderMap,
    params: &ClientAuthParams,
    now: NumericDate,
) -> Result<Caller, OAuthError> {
    let header = authorization(headers)?;
    let used_header = header.is_some();
    let resolved = ClientAuthentication::resolve(header, params)
        .map_err(|e| OAuthError::from_form(&e, used_header))?;
    match resolved {
        ClientAuthentication::Basic { client_id, secret }
        | ClientAuthentication::Post { client_id, secret } => {
            if check_secret(snap, &client_id, &secret) {
                Ok(Caller {
                    client_id,
                    authenticated: true,
                    used_header,
                })
            } else {
                tracing::info!(
                    client = %audex_claims::json::Truncated(&client_id),
                    "client authentication failed: unknown client or wrong secret"
                );
                Err(OAuthError::invalid_client(AUTH_FAILED, used_header))
            }
        }
        ClientAuthentication::Assertion {
            client_id,
            assertion,
        } => {
            let id = verify_assertion(state, snap, client_id.as_deref(), &assertion, now).await?;
            Ok(Caller {
                client_id: id,
                authenticated: true,
                used_header: false,
            })
        }
        ClientAuthentication::Unauthenticated {
            client_id,
            via_header,
        } => Ok(Caller {
            client_id,
            authenticated: false,
            used_header: via_header,
        }),
        ClientAuthentication::Anonymous => Err(OAuthError::invalid_client(
            "client authentication required (client_secret_basic, client_secret_post or private_key_jwt), or client_id for a public client",
            false,
        )),
        // A future method this server does not know: refuse.
        _ => Err(OAuthError::invalid_client(AUTH_FAILED, used_header)),
    }
}

/// `private_key_jwt`: the assertion's `iss` names the client, whose registered keys
/// (bound to its id) must verify it; `aud` must be this issuer alone (CA-JWT-1); its
/// `jti` must not have been used before within its lifetime (CA-JWT-2).
async fn verify_assertion(
    state: &ServerState,
    snap: &RealmSnapshot,
    body_client_id: Option<&str>,
    assertion: &Secret,
    now: NumericDate,
) -> Result<String, OAuthError> {
    let fail = |why: &str| {
        tracing::info!(reason = %audex_claims::json::Truncated(why), "client assertion rejected");
        OAuthError::invalid_client(AUTH_FAILED, false)
    };
    let jws = UnverifiedJws::parse(assertion.expose(), &JwsOptions::default())
        .map_err(|e| fail(&e.to_string()))?;
    let client_id = jws
        .unverified_issuer()
        .ok_or_else(|| fail("assertion has no iss"))?;
    drop(jws);
    if body_client_id.is_some_and(|b| b != client_id) {
        return Err(fail("client_id differs from the assertion's iss"));
    }
    let verifier = snap
        .clients
        .get(&client_id)
        .ok_or_else(|| fail("no private_key_jwt client of that id"))?;
    let verified = verifier
        .validation
        .verify(assertion.expose(), &verifier.keys, now)
        .map_err(|e| fail(&e.to_string()))?;
    let claims = verified.claims();
    let (Some(jti), Some(exp)) = (&claims.registered.jti, claims.registered.exp) else {
        return Err(fail("assertion lacks jti or exp"));
    };
    match state
        .replay_cache
        .check_and_insert(&client_id, jti, exp, now)
        .await
    {
        Ok(true) => Ok(client_id),
        Ok(false) => Err(OAuthError::invalid_client(
            "client assertion was already used (jti replay)",
            false,
        )),
        Err(e) => {
            tracing::warn!(error = %e, "replay cache unavailable; refusing private_key_jwt");
            Err(OAuthError::unavailable(
                "client assertions cannot be checked for replay right now; retry later",
            ))
        }
    }
}
