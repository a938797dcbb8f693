//! JWS compact serialization (RFC 7515 §7.1): strict parsing, key selection and
//! signature verification over the exact received bytes.
//!
//! Files: this one (the compact form, [`UnverifiedJws`] → [`VerifiedJws`], key
//! selection), `header.rs` (the JOSE header and `crit`), `error.rs` (every rejection and
//! its RFC 6750 mapping).

use std::mem::MaybeUninit;

use crate::b64;
use crate::jwk::KeySet;
use crate::key::VerifyingKey;

mod error;
mod header;

pub use error::{AssertionError, BearerError, CritError, JwsError, VerifyError};
pub use header::Header;
pub(crate) use header::media_type_eq;

/// Default maximum size of a compact JWS, in bytes (BCP-SIZE-1).
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 16 * 1024;
/// Maximum size of the decoded protected header, in bytes.
pub const MAX_HEADER_BYTES: usize = 4 * 1024;
/// Maximum JSON nesting in the protected header.
pub const MAX_HEADER_DEPTH: usize = 8;
/// Longest signature any supported key can produce: RSA with an 8192-bit modulus
/// (ring's upper bound).
pub const MAX_SIGNATURE_BYTES: usize = 1024;
/// Headers up to this size are decoded on the stack.
const HEADER_STACK_BYTES: usize = 512;
/// When a token has no `kid`, at most this many keys of its algorithm are tried.
pub const MAX_KIDLESS_CANDIDATES: usize = 4;

/// A compact JWS whose structure and header are valid but whose signature has not
/// been checked. The payload is not accessible: it cannot be trusted yet.
pub struct UnverifiedJws<'a> {
    signing_input: &'a str,
    /// Decoded at parse time (so a malformed payload is reported as such) but only
    /// handed out after the signature verifies.
    payload: Vec<u8>,
    header: Header,
    /// The base64url signature, already checked by `parse`.
    signature: &'a [u8],
}

/// Shows the header and sizes only: token bytes stay out of logs.
impl std::fmt::Debug for UnverifiedJws<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnverifiedJws")
            .field("header", &self.header)
            .field("payload_bytes", &self.payload.len())
            .field("signature_b64_bytes", &self.signature.len())
            .finish()
    }
}

/// Room for any decoded signature, on the stack.
type SignatureBuf = [MaybeUninit<u8>; MAX_SIGNATURE_BYTES];

fn b64_part(part: &[u8], name: &'static str) -> Result<Vec<u8>, JwsError> {
    b64::decode(part).map_err(|source| JwsError::Base64 { part: name, source })
}

/// Limits and extension support for parsing a compact JWS.
#[derive(Clone, Copy, Debug)]
pub struct JwsOptions<'a> {
    /// Maximum token size in bytes.
    pub max_token_bytes: usize,
    /// Extension header parameters the caller understands (for `crit`).
    pub understood_crit: &'a [&'a str],
}

impl Default for JwsOptions<'_> {
    fn default() -> Self {
        Self {
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            understood_crit: &[],
        }
    }
}

impl<'a> UnverifiedJws<'a> {
    /// Parses `token` strictly (JWS-FORM-1, JWS-ALG-1, JWS-CRIT-1, JWS-B64-1, JWT-DUP-1).
    pub fn parse(token: &'a str, opts: &JwsOptions<'_>) -> Result<Self, JwsError> {
        if token.len() > opts.max_token_bytes {
            return Err(JwsError::TooLarge {
                len: token.len(),
                limit: opts.max_token_bytes,
            });
        }
        // The first and last dots delimit the three parts; a dot in between (more
        // than three parts) is found when the payload does not decode, so a valid
        // token's payload is scanned only once, by the base64 decoder.
        let (Some(d1), Some(d2)) = (token.find('.'), token.rfind('.')) else {
            return Err(JwsError::PartCount { parts: 1 });
        };
        let bytes = token.as_bytes();
        let (h, p, s) = (
            bytes.get(..d1).unwrap_or_default(),
            bytes.get(d1 + 1..d2).unwrap_or_default(),
            bytes.get(d2 + 1..).unwrap_or_default(),
        );
        if d1 == d2 || p.contains(&b'.') {
            return Err(JwsError::PartCount {
                parts: token.split('.').count(),
            });
        }
        let mut header_buf = [MaybeUninit::uninit(); HEADER_STACK_BYTES];
        let header = match b64::decode_into(h, &mut header_buf) {
            Ok(Some(small)) => Header::parse(small, opts.understood_crit)?,
            Ok(None) => Header::parse(&b64_part(h, "header")?, opts.understood_crit)?,
            Err(source) => {
                return Err(JwsError::Base64 {
                    part: "header",
                    source,
                });
            }
        };
        let payload = b64_part(p, "payload")?;
        // Checked now, decoded where it is used (no copy of a large buffer around).
        match b64::check(s, MAX_SIGNATURE_BYTES) {
            Ok(true) => {}
            Ok(false) => {
                return Err(JwsError::SignatureTooLong {
                    limit: MAX_SIGNATURE_BYTES,
                });
            }
            Err(source) => {
                return Err(JwsError::Base64 {
                    part: "signature",
                    source,
                });
            }
        }
        let signing_input = token.get(..d2).unwrap_or_default();
        Ok(Self {
            signing_input,
            payload,
            header,
            signature: s,
        })
    }

    /// The protected header (safe to inspect for key selection; not yet authenticated).
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The payload's `iss`, **unverified**, for choosing whose keys to verify with and
    /// nothing else. The verification that follows must bind the key set to that
    /// issuer ([`crate::KeySet::for_issuer`]): audex-jose then refuses the token when
    /// its verified `iss` differs from the keys' issuer (BCP-ISS-1), so a token cannot
    /// pick keys under one name and claim another. `None` when the payload is not a
    /// JSON object with a string `iss`.
    pub fn unverified_issuer(&self) -> Option<String> {
        // The strict walker, keeping only `iss`: no map of the whole payload is built.
        let mut iss = None;
        let walked = audex_claims::json::for_each_member(
            &self.payload,
            audex_claims::JsonLimits::default(),
            |name, member| {
                if name == "iss" {
                    iss = match member {
                        audex_claims::json::Member::Str(s) => Some(s.into_owned()),
                        audex_claims::json::Member::Other(_) => None,
                    };
                }
                Ok::<(), audex_claims::JsonError>(())
            },
        );
        walked.ok().and(iss)
    }

    /// The length of the compact serialisation, in bytes.
    pub fn token_len(&self) -> usize {
        self.signing_input.len() + 1 + self.signature.len()
    }

    /// Verifies the signature with `key`. The header `alg` must equal the key's
    /// algorithm, checked before any crypto (BCP-ALG-1).
    pub fn verify_with(self, key: &VerifyingKey) -> Result<VerifiedJws, VerifyError> {
        if key.algorithm() != self.header.alg {
            return Err(VerifyError::AlgorithmMismatch {
                header: self.header.alg,
                key: key.algorithm(),
            });
        }
        let mut buf: SignatureBuf = [MaybeUninit::uninit(); MAX_SIGNATURE_BYTES];
        key.verify_raw(
            self.signing_input.as_bytes(),
            self.decode_signature(&mut buf)?,
        )
        .map_err(|()| VerifyError::InvalidSignature)?;
        self.into_verified(key)
    }

    /// Selects the key from `keys` (by `kid` and `alg`, JWK-6) and verifies.
    pub fn verify(self, keys: &KeySet) -> Result<VerifiedJws, VerifyError> {
        let alg = self.header.alg;
        match self.header.kid.as_deref() {
            Some(kid) => {
                let mut same_kid = keys
                    .keys()
                    .iter()
                    .filter(|k| k.kid() == Some(kid))
                    .peekable();
                if same_kid.peek().is_none() {
                    return Err(VerifyError::UnknownKey {
                        kid: Some(kid.to_owned()),
                        alg,
                    });
                }
                let mut matching = same_kid.filter(|k| k.algorithm() == alg);
                let key = match (matching.next(), matching.next()) {
                    (Some(k), None) => k,
                    (Some(_), Some(_)) => {
                        return Err(VerifyError::AmbiguousKey {
                            kid: Some(kid.to_owned()),
                            alg,
                        });
                    }
                    (None, _) => {
                        let key_alg = keys
                            .keys()
                            .iter()
                            .find(|k| k.kid() == Some(kid))
                            .map_or(alg, VerifyingKey::algorithm);
                        return Err(VerifyError::AlgorithmMismatch {
                            header: alg,
                            key: key_alg,
                        });
                    }
                };
                self.verify_with(key)
            }
            None => {
                let candidates: Vec<&VerifyingKey> = keys
                    .keys()
                    .iter()
                    .filter(|k| k.algorithm() == alg)
                    .collect();
                if candidates.is_empty() {
                    return Err(VerifyError::UnknownKey { kid: None, alg });
                }
                if candidates.len() > MAX_KIDLESS_CANDIDATES {
                    return Err(VerifyError::AmbiguousKey { kid: None, alg });
                }
                let message = self.signing_input.as_bytes();
                let mut buf: SignatureBuf = [MaybeUninit::uninit(); MAX_SIGNATURE_BYTES];
                let signature = self.decode_signature(&mut buf)?;
                let found = candidates
                    .into_iter()
                    .find(|k| k.verify_raw(message, signature).is_ok());
                match found {
                    Some(k) => self.into_verified(k),
                    None => Err(VerifyError::InvalidSignature),
                }
            }
        }
    }

    fn decode_signature<'b>(&self, buf: &'b mut SignatureBuf) -> Result<&'b [u8], JwsError> {
        match b64::decode_into(self.signature, buf) {
            Ok(Some(signature)) => Ok(signature),
            // `parse` checked both; kept as errors rather than assumptions.
            Ok(None) => Err(JwsError::SignatureTooLong {
                limit: MAX_SIGNATURE_BYTES,
            }),
            Err(source) => Err(JwsError::Base64 {
                part: "signature",
                source,
            }),
        }
    }

    fn into_verified(self, key: &VerifyingKey) -> Result<VerifiedJws, VerifyError> {
        Ok(VerifiedJws {
            header: self.header,
            payload: self.payload,
            kid: key.kid_shared(),
        })
    }
}

/// A JWS whose signature verified with a configured key. Only this crate creates it.
#[derive(Debug, Clone)]
pub struct VerifiedJws {
    header: Header,
    payload: Vec<u8>,
    kid: Option<std::sync::Arc<str>>,
}

impl VerifiedJws {
    /// The protected header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The verified payload bytes.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The `kid` of the key that verified the signature.
    pub fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    pub(crate) fn into_parts(self) -> (Header, Vec<u8>, Option<std::sync::Arc<str>>) {
        (self.header, self.payload, self.kid)
    }
}

/// Verifies a compact JWS against a key set with default options. The payload need
/// not be JSON.
pub fn verify_compact(token: &str, keys: &KeySet) -> Result<VerifiedJws, VerifyError> {
    UnverifiedJws::parse(token, &JwsOptions::default())?.verify(keys)
}
