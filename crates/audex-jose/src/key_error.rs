//! Why key material was refused: one typed error for every key constructor, with the
//! JWK structure problems and the unsupported kinds as their own enums (no prose
//! strings to match on). Values that came from outside are shown log-safe.

use audex_claims::json::{JsonType, Truncated};

use crate::alg::Algorithm;
use crate::b64::Base64Error;
use crate::key::{MAX_RSA_BITS, MIN_RSA_BITS};

/// Why key material was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The key type or curve does not fit the algorithm.
    #[error("a {found} key cannot be used with {alg}")]
    WrongKeyType {
        /// The algorithm requested.
        alg: Algorithm,
        /// What the key is.
        found: &'static str,
    },
    /// The RSA modulus is too small or too large.
    #[error("RSA key has {bits} bits; audex accepts {MIN_RSA_BITS} to {MAX_RSA_BITS}")]
    RsaSize {
        /// The modulus size in bits.
        bits: usize,
    },
    /// The HMAC secret is shorter than the hash output.
    #[error("{alg} secret is {len} bytes; at least {min} are required")]
    HmacTooShort {
        /// The algorithm.
        alg: Algorithm,
        /// The secret length.
        len: usize,
        /// The minimum (the hash output length).
        min: usize,
    },
    /// DER or PEM key bytes could not be parsed (the reason comes from the DER, PEM or
    /// ring layer that refused them).
    #[error("malformed {what}: {reason}")]
    Malformed {
        /// What was being parsed (e.g. "PKCS#8 private key").
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// A JWK's structure is wrong: a member missing, of the wrong type, or not
    /// base64url.
    #[error("malformed JWK: {0}")]
    Jwk(#[from] JwkError),
    /// The JWK does not say which algorithm it is for and none can be inferred.
    #[error(
        "key has no alg and its type ({}) fits several algorithms; bind it explicitly",
        Truncated(kty)
    )]
    AlgorithmRequired {
        /// The key type.
        kty: String,
    },
    /// The JWK's `alg` differs from the algorithm requested.
    #[error("key is for {}, not {requested}", Truncated(key_alg))]
    AlgorithmConflict {
        /// The key's `alg`.
        key_alg: String,
        /// The algorithm requested.
        requested: Algorithm,
    },
    /// The key is marked for encryption (`use: enc`) or its `key_ops` exclude the operation.
    #[error("key is not usable to {op} (use/key_ops)")]
    NotPermitted {
        /// `verify` or `sign`.
        op: &'static str,
    },
    /// The key type, curve or algorithm is not supported.
    #[error("unsupported key: {0}")]
    Unsupported(UnsupportedKey),
    /// A public JWK was given where a private key is needed.
    #[error("key has no private part")]
    NotPrivate,
}

/// What is wrong with a JWK's structure (RFC 7517 §4, RFC 7518 §6).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwkError {
    /// Not a strict JSON object within the limits.
    #[error("{0}")]
    Json(#[from] audex_claims::JsonError),
    /// A JWK Set entry that is not a JSON object.
    #[error("entry is a {found}, not an object")]
    NotAnObject {
        /// What it is.
        found: JsonType,
    },
    /// A required member is absent.
    #[error("member {member} is missing")]
    MissingMember {
        /// The member.
        member: &'static str,
    },
    /// A member has the wrong JSON type.
    #[error("member {member} must be {expected}, found {found}")]
    WrongType {
        /// The member.
        member: &'static str,
        /// What it must be.
        expected: &'static str,
        /// What it is.
        found: JsonType,
    },
    /// A member is not canonical unpadded base64url.
    #[error("member {member}: {error}")]
    Base64 {
        /// The member.
        member: &'static str,
        /// Where and why.
        error: Base64Error,
    },
}

/// A key kind audex does not support.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UnsupportedKey {
    /// A `kty` other than RSA, EC, OKP and oct.
    #[error("kty {}", Truncated(.0))]
    KeyType(String),
    /// A curve other than P-256, P-384 (EC) and Ed25519 (OKP), by name or OID.
    #[error("{kty} curve {}", Truncated(crv))]
    Curve {
        /// `EC` or `OKP`.
        kty: &'static str,
        /// The curve's name or OID.
        crv: String,
    },
    /// An `alg` that is not one of audex's algorithms.
    #[error("alg {}", Truncated(.0))]
    Algorithm(String),
    /// A SubjectPublicKeyInfo algorithm OID that is not RSA, EC or Ed25519.
    #[error("public key algorithm {0}")]
    PublicKeyAlgorithm(String),
    /// Multi-prime RSA (`oth`).
    #[error("multi-prime RSA (oth)")]
    MultiPrimeRsa,
    /// RSA key generation (ring cannot generate RSA keys).
    #[error("ring cannot generate RSA keys; import one from PKCS#8")]
    RsaGeneration,
}
