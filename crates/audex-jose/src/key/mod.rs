//! Keys bound to exactly one algorithm (RFC 8725 §3.1).
//!
//! A [`VerifyingKey`] or [`SigningKey`] is built once — from a JWK, from DER or PEM,
//! or from raw HMAC secret bytes — and checked at construction: the key type must fit
//! the algorithm, RSA moduli must have at least 2048 bits and HMAC secrets at least
//! the hash length (JWK-3). Verification and signing then reuse the parsed material.

//!
//! Files: `verifying.rs` ([`VerifyingKey`]: constructors from components, verify),
//! `signing.rs` ([`SigningKey`]: constructors from parts, generation, sign), `der.rs`
//! (SubjectPublicKeyInfo and PKCS#8, DER and PEM), `public.rs` (the public parts:
//! RFC 7638 thumbprints and public JWKs). The JWK layer (`crate::jwk`) builds keys
//! through these; nothing here depends on it.

use std::fmt;

use ring::signature;

use crate::alg::{Algorithm, KeyFamily};
use crate::key_error::KeyError;
use crate::params::{Params, params};

mod der;
mod public;
mod signing;
mod verifying;

pub(crate) use public::kty_of;
pub(crate) use signing::PrivateParts;
pub use signing::{SignError, SigningKey};
pub use verifying::VerifyingKey;

/// Minimum RSA modulus size in bits (RFC 8725 §3.5, RFC 7518 §3.3).
pub const MIN_RSA_BITS: usize = 2048;
/// Maximum RSA modulus size in bits that ring verifies.
pub const MAX_RSA_BITS: usize = 8192;

fn malformed(what: &'static str, reason: impl fmt::Display) -> KeyError {
    KeyError::Malformed {
        what,
        reason: reason.to_string(),
    }
}

/// Public key material, kept to export JWKs and compute thumbprints.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Public {
    /// Modulus and exponent, big-endian without leading zeros.
    Rsa { n: Vec<u8>, e: Vec<u8> },
    /// Uncompressed point coordinates.
    Ec {
        crv: &'static str,
        x: Vec<u8>,
        y: Vec<u8>,
    },
    /// Ed25519 public key.
    Okp { x: Vec<u8> },
    /// HMAC: the secret itself (never exported as a public key).
    Oct { k: Secret },
}

/// Secret bytes with a redacted `Debug` and no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(pub(crate) Vec<u8>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret([REDACTED; {} bytes])", self.0.len())
    }
}

fn rsa_bits(n: &[u8]) -> usize {
    let n = strip_leading_zeros(n);
    match n.first() {
        None => 0,
        Some(&top) => (n.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
    }
}

fn check_rsa_bits(bits: usize) -> Result<(), KeyError> {
    if (MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
        Ok(())
    } else {
        Err(KeyError::RsaSize { bits })
    }
}

pub(crate) fn strip_leading_zeros(v: &[u8]) -> &[u8] {
    let start = v.iter().position(|b| *b != 0).unwrap_or(v.len());
    v.get(start..).unwrap_or_default()
}

fn check_family(alg: Algorithm, family: KeyFamily, found: &'static str) -> Result<(), KeyError> {
    if alg.family() == family {
        Ok(())
    } else {
        Err(KeyError::WrongKeyType { alg, found })
    }
}

/// The curve name and coordinate length of an EC algorithm (from the one table).
fn ec_curve(alg: Algorithm) -> Option<(&'static str, usize)> {
    match params(alg) {
        Params::Ec {
            curve, coord_len, ..
        } => Some((curve, coord_len)),
        Params::Hmac(_) | Params::Rsa { .. } | Params::Ed25519 => None,
    }
}

/// The HMAC algorithm of an HS* algorithm (from the one table).
fn hmac_alg(alg: Algorithm) -> Result<ring::hmac::Algorithm, KeyError> {
    match params(alg) {
        Params::Hmac(a) => Ok(a),
        Params::Rsa { .. } | Params::Ec { .. } | Params::Ed25519 => {
            Err(KeyError::WrongKeyType { alg, found: "HMAC" })
        }
    }
}

/// The ECDSA signing algorithm of an ES* algorithm (from the one table).
fn ecdsa_sign_alg(alg: Algorithm) -> Result<&'static signature::EcdsaSigningAlgorithm, KeyError> {
    match params(alg) {
        Params::Ec { sign, .. } => Ok(sign),
        Params::Hmac(_) | Params::Rsa { .. } | Params::Ed25519 => {
            Err(KeyError::WrongKeyType { alg, found: "EC" })
        }
    }
}

fn check_hmac(alg: Algorithm, secret: &[u8]) -> Result<(), KeyError> {
    check_family(alg, KeyFamily::Hmac, "non-HMAC")?;
    if secret.len() < alg.hash_len() {
        return Err(KeyError::HmacTooShort {
            alg,
            len: secret.len(),
            min: alg.hash_len(),
        });
    }
    Ok(())
}
