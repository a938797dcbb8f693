//! [`VerifyingKey`]: a public (or HMAC) key bound to one algorithm, built from its
//! components and checked at construction; signature verification.

use std::fmt;

use ring::signature;

use super::{
    Public, Secret, check_family, check_hmac, check_rsa_bits, ec_curve, hmac_alg, malformed,
    rsa_bits, strip_leading_zeros,
};
use crate::alg::{Algorithm, KeyFamily};
use crate::key_error::KeyError;
use crate::params::{Params, params};

pub(super) enum VerifyMaterial {
    Hmac(ring::hmac::Key),
    Rsa(signature::RsaPublicKeyComponents<Vec<u8>>),
    Ecdsa(Vec<u8>),
    Ed25519(Vec<u8>),
}

/// A public (or, for HMAC, shared) key that verifies signatures of exactly one algorithm.
///
/// ```
/// use audex_jose::{Algorithm, VerifyingKey};
///
/// let key = VerifyingKey::hmac(Algorithm::HS256, &[7u8; 32]).unwrap();
/// assert_eq!(key.algorithm(), Algorithm::HS256);
/// assert!(VerifyingKey::hmac(Algorithm::HS256, &[7u8; 16]).is_err()); // JWK-3
/// ```
pub struct VerifyingKey {
    pub(super) alg: Algorithm,
    pub(super) kid: Option<std::sync::Arc<str>>,
    pub(super) public: Public,
    pub(super) material: VerifyMaterial,
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .field("kty", &self.kty())
            .finish_non_exhaustive()
    }
}

impl VerifyingKey {
    /// An HMAC key from its raw secret (at least the hash length — JWK-3).
    pub fn hmac(alg: Algorithm, secret: &[u8]) -> Result<Self, KeyError> {
        check_hmac(alg, secret)?;
        Ok(Self {
            alg,
            kid: None,
            public: Public::Oct {
                k: Secret(secret.to_vec()),
            },
            material: VerifyMaterial::Hmac(ring::hmac::Key::new(hmac_alg(alg)?, secret)),
        })
    }

    /// An RSA public key from its modulus and exponent (big-endian bytes).
    pub fn rsa_components(alg: Algorithm, n: &[u8], e: &[u8]) -> Result<Self, KeyError> {
        check_family(alg, KeyFamily::Rsa, "RSA")?;
        check_rsa_bits(rsa_bits(n))?;
        let (n, e) = (
            strip_leading_zeros(n).to_vec(),
            strip_leading_zeros(e).to_vec(),
        );
        let e_ok = e.len() <= 4 && e.last().is_some_and(|b| b & 1 == 1) && e != [1];
        if !e_ok {
            return Err(malformed(
                "RSA public key",
                "exponent must be odd, above 1 and at most 32 bits",
            ));
        }
        Ok(Self {
            alg,
            kid: None,
            public: Public::Rsa {
                n: n.clone(),
                e: e.clone(),
            },
            material: VerifyMaterial::Rsa(signature::RsaPublicKeyComponents { n, e }),
        })
    }

    /// An EC public key from its affine coordinates (each exactly the curve size).
    pub fn ec_coordinates(alg: Algorithm, x: &[u8], y: &[u8]) -> Result<Self, KeyError> {
        let (crv, size) = ec_curve(alg).ok_or(KeyError::WrongKeyType { alg, found: "EC" })?;
        if x.len() != size || y.len() != size {
            return Err(malformed(
                "EC public key",
                format!("{crv} coordinates must be {size} bytes each"),
            ));
        }
        let mut point = Vec::with_capacity(1 + 2 * size);
        point.push(4);
        point.extend_from_slice(x);
        point.extend_from_slice(y);
        Ok(Self {
            alg,
            kid: None,
            public: Public::Ec {
                crv,
                x: x.to_vec(),
                y: y.to_vec(),
            },
            material: VerifyMaterial::Ecdsa(point),
        })
    }

    /// An Ed25519 public key (32 bytes), for `EdDSA`.
    pub fn ed25519(x: &[u8]) -> Result<Self, KeyError> {
        if x.len() != 32 {
            return Err(malformed("Ed25519 public key", "must be 32 bytes"));
        }
        Ok(Self {
            alg: Algorithm::EdDSA,
            kid: None,
            public: Public::Okp { x: x.to_vec() },
            material: VerifyMaterial::Ed25519(x.to_vec()),
        })
    }

    /// Sets the key id used for lookup (`kid`).
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into().into());
        self
    }

    /// The one algorithm this key verifies.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The `kid`, shared (a verified token keeps it without copying).
    pub(crate) fn kid_shared(&self) -> Option<std::sync::Arc<str>> {
        self.kid.clone()
    }

    /// The JWK key type: `RSA`, `EC`, `OKP` or `oct`.
    pub fn kty(&self) -> &'static str {
        super::kty_of(&self.public)
    }

    pub(crate) fn public(&self) -> &Public {
        &self.public
    }

    /// RFC 7638 JWK thumbprint (SHA-256, base64url).
    pub fn thumbprint(&self) -> String {
        super::public::thumbprint(&self.public)
    }

    /// The public JWK (never private members; `None` for HMAC keys, which have no
    /// public form). JWK-5.
    pub fn to_public_jwk(&self) -> Option<serde_json::Value> {
        super::public::public_jwk(&self.public, self.alg, self.kid.as_deref())
    }

    /// Checks a raw JWS signature (R‖S for ECDSA) over `message` with this key's one
    /// algorithm. JWS users should prefer [`crate::UnverifiedJws::verify`], which also
    /// checks the header; this is the primitive, for test suites and custom formats.
    pub fn verify_signature(
        &self,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), crate::VerifyError> {
        self.verify_raw(message, signature)
            .map_err(|()| crate::VerifyError::InvalidSignature)
    }

    /// Verifies `signature` over `message`. The caller (the JWS layer) has already
    /// checked that the header `alg` equals [`Self::algorithm`].
    pub(crate) fn verify_raw(&self, message: &[u8], sig: &[u8]) -> Result<(), ()> {
        if self
            .alg
            .fixed_signature_len()
            .is_some_and(|len| sig.len() != len)
        {
            return Err(());
        }
        let r = match &self.material {
            VerifyMaterial::Hmac(key) => ring::hmac::verify(key, message, sig),
            VerifyMaterial::Rsa(c) => match params(self.alg) {
                Params::Rsa { verify, .. } => c.verify(verify, message, sig),
                Params::Hmac(_) | Params::Ec { .. } | Params::Ed25519 => return Err(()),
            },
            VerifyMaterial::Ecdsa(point) => match params(self.alg) {
                Params::Ec { verify, .. } => {
                    signature::UnparsedPublicKey::new(verify, point).verify(message, sig)
                }
                Params::Hmac(_) | Params::Rsa { .. } | Params::Ed25519 => return Err(()),
            },
            VerifyMaterial::Ed25519(x) => {
                signature::UnparsedPublicKey::new(&signature::ED25519, x).verify(message, sig)
            }
        };
        r.map_err(|_| ())
    }
}
