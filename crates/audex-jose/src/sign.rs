//! Signing compact JWS and JWTs.

use serde::Serialize;

use crate::b64;
use crate::jws::Header;
use crate::key::{SignError, SigningKey};

/// Why a token could not be signed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The header's `alg` is not the key's algorithm.
    #[error("header alg {header} does not match the signing key's algorithm {key}")]
    AlgorithmMismatch {
        /// The header's `alg`.
        header: crate::Algorithm,
        /// The key's algorithm.
        key: crate::Algorithm,
    },
    /// The claims could not be serialised.
    #[error("claims could not be serialised: {0}")]
    Json(#[from] serde_json::Error),
    /// The signature operation failed.
    #[error(transparent)]
    Sign(#[from] SignError),
}

/// Signs `payload` under `header` with `key`; `header.alg` must equal the key's
/// algorithm.
pub fn sign_compact(
    header: &Header,
    payload: &[u8],
    key: &SigningKey,
) -> Result<String, EncodeError> {
    if header.alg != key.algorithm() {
        return Err(EncodeError::AlgorithmMismatch {
            header: header.alg,
            key: key.algorithm(),
        });
    }
    let header_json = serde_json::to_vec(&header.to_json())?;
    let mut out = String::with_capacity((header_json.len() + payload.len()) * 4 / 3 + 100);
    b64::encode_into(&header_json, &mut out);
    out.push('.');
    b64::encode_into(payload, &mut out);
    let sig = key.sign_raw(out.as_bytes())?;
    out.push('.');
    b64::encode_into(&sig, &mut out);
    Ok(out)
}

/// Signs a JWT: the header gets the key's `alg`, its `kid` (the RFC 7638 thumbprint
/// when none is set) and `typ`.
///
/// ```
/// use audex_jose::{Algorithm, SigningKey, sign_jwt};
///
/// let (key, _pkcs8) = SigningKey::generate(Algorithm::ES256).unwrap();
/// let token = sign_jwt(&serde_json::json!({"sub": "alice"}), &key, Some("JWT")).unwrap();
/// assert_eq!(token.split('.').count(), 3);
/// ```
pub fn sign_jwt<T: Serialize>(
    claims: &T,
    key: &SigningKey,
    typ: Option<&str>,
) -> Result<String, EncodeError> {
    let mut header = Header::new(key.algorithm());
    header.typ = typ.map(str::to_owned);
    header.kid = Some(key.effective_kid().to_owned());
    let payload = serde_json::to_vec(claims)?;
    sign_compact(&header, &payload, key)
}

/// Signs an RFC 9068 access token (`typ: at+jwt`).
pub fn sign_access_token(
    claims: &audex_claims::AccessTokenClaims,
    key: &SigningKey,
) -> Result<String, EncodeError> {
    sign_jwt(claims, key, Some(crate::validation::TYP_ACCESS_TOKEN))
}
