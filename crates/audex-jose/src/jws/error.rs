//! Why a JWS or JWT was refused: structure ([`JwsError`], [`CritError`]), verification
//! and claims ([`VerifyError`], [`AssertionError`]), and the RFC 6750 mapping
//! ([`BearerError`], `WWW-Authenticate`).

use audex_claims::json::{JsonType, sanitize_description};

use crate::alg::Algorithm;
use crate::b64::Base64Error;

/// How a header's `crit` breaks RFC 7515 §4.1.11 or this verifier's policy
/// (JWS-CRIT-1). Names from the header are stored log-safe.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CritError {
    /// `crit` is `[]`.
    #[error("must not be an empty list")]
    Empty,
    /// `crit` is not an array.
    #[error("must be an array, found {found}")]
    NotAnArray {
        /// What it is.
        found: JsonType,
    },
    /// An entry is not a string.
    #[error("entries must be strings")]
    NotAString,
    /// A name appears twice.
    #[error("names {name} twice")]
    Duplicate {
        /// The name (log-safe).
        name: String,
    },
    /// A registered header parameter is named (RFC 7515 §4.1.11 forbids it).
    #[error("names the registered parameter {name}")]
    Registered {
        /// The name.
        name: String,
    },
    /// A name that is not a header parameter of this JWS.
    #[error("names {name} which is not in the header")]
    Absent {
        /// The name (log-safe).
        name: String,
    },
    /// An extension this verifier does not understand.
    #[error("extension {name} is not understood")]
    NotUnderstood {
        /// The name (log-safe).
        name: String,
    },
}

/// How a client assertion breaks RFC 7523 §3 as updated by rfc7523bis (CA-JWT-1).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AssertionError {
    /// `iss` or `sub` is absent.
    #[error("iss and sub are required")]
    IssOrSubMissing,
    /// `iss` and `sub` differ, or are not the client id the validation is bound to.
    #[error("iss and sub must both be the client_id")]
    NotTheClient,
    /// `aud` holds no value or more than one.
    #[error("aud must hold exactly one value, the issuer identifier; found {count}")]
    NotOneAudience {
        /// How many values.
        count: usize,
    },
    /// `exp` is further ahead than the validation accepts.
    #[error("exp is {ahead_secs} s ahead; at most {max_secs} s is accepted")]
    TooLong {
        /// Seconds from now to `exp`.
        ahead_secs: u64,
        /// The longest accepted.
        max_secs: u64,
    },
}

/// Why a compact JWS is malformed (before any key is involved).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwsError {
    /// The token is larger than the limit.
    #[error("token is {len} bytes, over the limit of {limit}")]
    TooLarge {
        /// Token size.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// Not exactly three dot-separated parts.
    #[error("compact JWS must have exactly 3 parts, found {parts}")]
    PartCount {
        /// Number of parts found.
        parts: usize,
    },
    /// A part is not strict base64url.
    #[error("{part} is not valid base64url: {source}")]
    Base64 {
        /// `header`, `payload` or `signature`.
        part: &'static str,
        /// Why.
        source: Base64Error,
    },
    /// The protected header is not a strict JSON object within the limits.
    #[error("header: {0}")]
    HeaderJson(audex_claims::JsonError),
    /// A header parameter is missing or has the wrong type.
    #[error("header parameter {name}: {reason}")]
    HeaderParam {
        /// The parameter.
        name: &'static str,
        /// Why.
        reason: String,
    },
    /// `alg` is `none` (JWS-ALG-1).
    #[error("alg none is not accepted")]
    AlgNone,
    /// `alg` is not one audex supports (JWS-ALG-2).
    #[error(transparent)]
    UnsupportedAlgorithm(#[from] crate::alg::UnsupportedAlgorithm),
    /// `crit` violates RFC 7515 §4.1.11 or names a parameter this verifier does not
    /// understand (JWS-CRIT-1).
    #[error("crit: {0}")]
    Crit(CritError),
    /// The signature is longer than any supported key produces.
    #[error("signature is longer than {limit} bytes")]
    SignatureTooLong {
        /// The limit.
        limit: usize,
    },
    /// RFC 7797 unencoded payloads are not supported (JWS-B64-1).
    #[error("b64 header parameter (RFC 7797 unencoded payload) is not supported")]
    UnencodedPayload,
}

impl From<audex_claims::JsonError> for JwsError {
    fn from(e: audex_claims::JsonError) -> Self {
        Self::HeaderJson(e)
    }
}

/// Why a JWS or JWT was not accepted. Never contains token, key or claim bytes beyond
/// identifiers that are safe to log (audience, issuer, `kid`, algorithm names).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The token is structurally invalid.
    #[error("malformed token: {0}")]
    Malformed(#[from] JwsError),
    /// No configured key has the token's `kid` (or, without `kid`, its algorithm).
    #[error("no key for kid {} and alg {alg}", kid.as_deref().map_or("(none)".to_owned(), |k| format!("\"{}\"", audex_claims::json::Truncated(k))))]
    UnknownKey {
        /// The token's `kid`.
        kid: Option<String>,
        /// The token's `alg`.
        alg: Algorithm,
    },
    /// Several keys fit and audex does not guess (JWK-6).
    #[error("several keys fit kid {} and alg {alg}", kid.as_deref().map_or("(none)".to_owned(), |k| format!("\"{}\"", audex_claims::json::Truncated(k))))]
    AmbiguousKey {
        /// The token's `kid`.
        kid: Option<String>,
        /// The token's `alg`.
        alg: Algorithm,
    },
    /// The header `alg` is not the selected key's algorithm (BCP-ALG-1).
    #[error("header alg {header} does not match the key's algorithm {key}")]
    AlgorithmMismatch {
        /// The header's `alg`.
        header: Algorithm,
        /// The key's algorithm.
        key: Algorithm,
    },
    /// The algorithm is not in the validation's allow-list.
    #[error("algorithm {0} is not allowed")]
    AlgorithmNotAllowed(Algorithm),
    /// The signature does not verify.
    #[error("invalid signature")]
    InvalidSignature,
    /// The key set belongs to another issuer than the one expected (BCP-ISS-1).
    #[error("key set is for issuer \"{key_issuer}\", not the expected issuer")]
    WrongIssuerKeys {
        /// The issuer the key set is bound to.
        key_issuer: String,
    },
    /// The token's `iss` is not the issuer whose keys verified it (BCP-ISS-1,
    /// RFC 8725 §3.8): one issuer's key must never vouch for another issuer's token.
    #[error("token iss is not the issuer \"{key_issuer}\" whose keys verified it")]
    IssuerKeyMismatch {
        /// The issuer the verifying key set is bound to.
        key_issuer: String,
    },
    /// A validation that accepts several issuers was given a key set bound to none,
    /// so nothing ties a key to the issuer it may speak for (BCP-ISS-1).
    #[error(
        "a validation accepting several issuers needs a key set bound to one of them (KeySet::for_issuer)"
    )]
    UnboundKeySet,
    /// `typ` does not fit the validation profile (BCP-TYP-1, AT-TYP-1).
    #[error("typ {} is not accepted here; expected {expected}", found.as_deref().map_or("(absent)".to_owned(), |t| format!("\"{}\"", audex_claims::json::Truncated(t))))]
    WrongType {
        /// What the profile accepts.
        expected: &'static str,
        /// The header's `typ`.
        found: Option<String>,
    },
    /// The payload is not a valid claims set.
    #[error("{0}")]
    Claims(#[from] audex_claims::ClaimsError),
    /// `exp`, `nbf` or `iat` check failed.
    #[error("{0}")]
    Time(#[from] audex_claims::TimeError),
    /// The audience check failed.
    #[error("{0}")]
    Audience(#[from] audex_claims::AudienceError),
    /// The issuer check failed.
    #[error("{0}")]
    Issuer(#[from] audex_claims::IssuerError),
    /// A client assertion breaks an RFC 7523 rule (CA-JWT-1).
    #[error("client assertion: {0}")]
    ClientAssertion(AssertionError),
    /// The token lacks a scope the resource requires (RFC 6750 `insufficient_scope`).
    #[error("token scope lacks {missing}")]
    InsufficientScope {
        /// The missing scope tokens, space-delimited.
        missing: String,
    },
}

/// RFC 6750 §3.1 error codes for a bearer-token failure (AT-ERR-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BearerError {
    /// 401: the token is invalid, expired, for someone else, or badly signed.
    InvalidToken,
    /// 403: the token is valid but lacks the required scope.
    InsufficientScope,
}

impl BearerError {
    /// The error code.
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidToken => "invalid_token",
            Self::InsufficientScope => "insufficient_scope",
        }
    }

    /// The HTTP status code.
    pub fn status(self) -> u16 {
        match self {
            Self::InvalidToken => 401,
            Self::InsufficientScope => 403,
        }
    }
}

impl VerifyError {
    /// The RFC 6750 error this failure maps to.
    pub fn bearer_error(&self) -> BearerError {
        match self {
            Self::InsufficientScope { .. } => BearerError::InsufficientScope,
            _ => BearerError::InvalidToken,
        }
    }

    /// The `WWW-Authenticate` header value for this failure (RFC 6750 §3), with the
    /// description restricted to the characters RFC 6750 allows.
    pub fn www_authenticate(&self, realm: Option<&str>) -> String {
        let mut v = String::from("Bearer");
        let mut sep = " ";
        if let Some(r) = realm {
            v.push_str(&format!("{sep}realm=\"{}\"", sanitize_description(r)));
            sep = ", ";
        }
        let code = self.bearer_error();
        v.push_str(&format!(
            "{sep}error=\"{}\", error_description=\"{}\"",
            code.code(),
            sanitize_description(&self.to_string())
        ));
        if let Self::InsufficientScope { missing } = self {
            v.push_str(&format!(", scope=\"{}\"", sanitize_description(missing)));
        }
        v
    }
}
