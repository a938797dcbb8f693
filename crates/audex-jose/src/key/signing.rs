//! [`SigningKey`]: a private (or HMAC) key bound to one algorithm; generation and
//! signing.

use std::fmt;

use ring::rand::SystemRandom;
use ring::signature;

use super::{
    Public, Secret, VerifyingKey, check_hmac, check_rsa_bits, ecdsa_sign_alg, hmac_alg, malformed,
};
use crate::alg::{Algorithm, KeyFamily};
use crate::key_error::{KeyError, UnsupportedKey};
use crate::params::{Params, params};

pub(super) enum SignMaterial {
    Hmac(ring::hmac::Key),
    Rsa(Box<signature::RsaKeyPair>),
    Ecdsa(signature::EcdsaKeyPair),
    Ed25519(signature::Ed25519KeyPair),
}

/// A private (or HMAC) key that signs with exactly one algorithm.
///
/// `Debug` never shows key material.
pub struct SigningKey {
    alg: Algorithm,
    kid: Option<String>,
    /// RFC 7638 thumbprint, computed once; the `kid` written when none is set.
    thumb: String,
    public: Public,
    material: SignMaterial,
    rng: SystemRandom,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .field("kty", &super::kty_of(&self.public))
            .field("material", &"[REDACTED]")
            .finish()
    }
}

/// Why signing failed (only possible with a broken system random source).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("signing failed")]
pub struct SignError;

impl SigningKey {
    /// An HMAC key from its raw secret (at least the hash length — JWK-3).
    pub fn hmac(alg: Algorithm, secret: &[u8]) -> Result<Self, KeyError> {
        check_hmac(alg, secret)?;
        Ok(Self::build(
            alg,
            Public::Oct {
                k: Secret(secret.to_vec()),
            },
            SignMaterial::Hmac(ring::hmac::Key::new(hmac_alg(alg)?, secret)),
            SystemRandom::new(),
        ))
    }

    pub(crate) fn from_parts(
        alg: Algorithm,
        public: Public,
        kind: PrivateParts<'_>,
    ) -> Result<Self, KeyError> {
        let rng = SystemRandom::new();
        let material = match kind {
            PrivateParts::Hmac(k) => {
                check_hmac(alg, k)?;
                SignMaterial::Hmac(ring::hmac::Key::new(hmac_alg(alg)?, k))
            }
            PrivateParts::Rsa(c) => {
                let kp = signature::RsaKeyPair::from_components(&c)
                    .map_err(|e| malformed("RSA private key", e))?;
                check_rsa_bits(kp.public().modulus_len() * 8)?;
                SignMaterial::Rsa(Box::new(kp))
            }
            PrivateParts::Ec { d, point } => SignMaterial::Ecdsa(
                signature::EcdsaKeyPair::from_private_key_and_public_key(
                    ecdsa_sign_alg(alg)?,
                    d,
                    point,
                    &rng,
                )
                .map_err(|e| malformed("EC private key", e))?,
            ),
            PrivateParts::Ed25519 { d, x } => SignMaterial::Ed25519(
                signature::Ed25519KeyPair::from_seed_and_public_key(d, x)
                    .map_err(|e| malformed("Ed25519 private key", e))?,
            ),
        };
        Ok(Self::build(alg, public, material, rng))
    }

    /// Generates a new key: ES256, ES384, EdDSA, or an HMAC secret of the hash length.
    /// Returns the key and its PKCS#8 DER encoding (empty for HMAC, whose secret is
    /// returned instead). ring cannot generate RSA keys; import them instead.
    pub fn generate(alg: Algorithm) -> Result<(Self, Vec<u8>), KeyError> {
        let rng = SystemRandom::new();
        let fail = |e: ring::error::Unspecified| malformed("generated key", e);
        match alg.family() {
            KeyFamily::Ec => {
                let doc = signature::EcdsaKeyPair::generate_pkcs8(ecdsa_sign_alg(alg)?, &rng)
                    .map_err(fail)?;
                Ok((
                    Self::from_pkcs8_der(alg, doc.as_ref())?,
                    doc.as_ref().to_vec(),
                ))
            }
            KeyFamily::Ed25519 => {
                let doc = signature::Ed25519KeyPair::generate_pkcs8(&rng).map_err(fail)?;
                Ok((
                    Self::from_pkcs8_der(alg, doc.as_ref())?,
                    doc.as_ref().to_vec(),
                ))
            }
            KeyFamily::Hmac => {
                let mut secret = vec![0u8; alg.hash_len()];
                ring::rand::SecureRandom::fill(&rng, &mut secret).map_err(fail)?;
                Ok((Self::hmac(alg, &secret)?, secret))
            }
            KeyFamily::Rsa => Err(KeyError::Unsupported(UnsupportedKey::RsaGeneration)),
        }
    }

    pub(super) fn build(
        alg: Algorithm,
        public: Public,
        material: SignMaterial,
        rng: SystemRandom,
    ) -> Self {
        let thumb = super::public::thumbprint(&public);
        Self {
            alg,
            kid: None,
            thumb,
            public,
            material,
            rng,
        }
    }

    /// The `kid` written into headers: the one set with [`SigningKey::with_kid`], or
    /// the RFC 7638 thumbprint.
    pub fn effective_kid(&self) -> &str {
        self.kid.as_deref().unwrap_or(&self.thumb)
    }

    /// Sets the key id written into the `kid` header.
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The one algorithm this key signs with.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// RFC 7638 thumbprint of the public key (for HMAC: of the `oct` JWK).
    pub fn thumbprint(&self) -> &str {
        &self.thumb
    }

    /// The matching verifying key (same algorithm and `kid`).
    pub fn verifying_key(&self) -> Result<VerifyingKey, KeyError> {
        let vk = match &self.public {
            Public::Rsa { n, e } => VerifyingKey::rsa_components(self.alg, n, e)?,
            Public::Ec { x, y, .. } => VerifyingKey::ec_coordinates(self.alg, x, y)?,
            Public::Okp { x } => VerifyingKey::ed25519(x)?,
            Public::Oct { k } => VerifyingKey::hmac(self.alg, &k.0)?,
        };
        Ok(vk.with_kid(self.effective_kid()))
    }

    /// The public JWK (`None` for HMAC). Never contains private members (JWK-5).
    pub fn to_public_jwk(&self) -> Option<serde_json::Value> {
        super::public::public_jwk(&self.public, self.alg, Some(self.effective_kid()))
    }

    /// Signs `message` and returns the JWS signature bytes (R‖S for ECDSA).
    pub fn sign_raw(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        match &self.material {
            SignMaterial::Hmac(k) => Ok(ring::hmac::sign(k, message).as_ref().to_vec()),
            SignMaterial::Rsa(kp) => {
                let mut sig = vec![0u8; kp.public().modulus_len()];
                let padding = match params(self.alg) {
                    Params::Rsa { sign, .. } => sign,
                    Params::Hmac(_) | Params::Ec { .. } | Params::Ed25519 => {
                        return Err(SignError);
                    }
                };
                kp.sign(padding, &self.rng, message, &mut sig)
                    .map_err(|_| SignError)?;
                Ok(sig)
            }
            SignMaterial::Ecdsa(kp) => kp
                .sign(&self.rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| SignError),
            SignMaterial::Ed25519(kp) => Ok(kp.sign(message).as_ref().to_vec()),
        }
    }
}

/// Private key parts decoded from a JWK.
pub(crate) enum PrivateParts<'a> {
    Hmac(&'a [u8]),
    Rsa(ring::rsa::KeyPairComponents<&'a [u8]>),
    Ec { d: &'a [u8], point: &'a [u8] },
    Ed25519 { d: &'a [u8], x: &'a [u8] },
}
