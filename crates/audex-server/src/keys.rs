//! The server's signing keys: exactly one active signer, any number of published
//! verification keys (rotation), every `kid` the RFC 7638 thumbprint (STS-JWKS-1).

use audex_claims::StringOrUri;
use audex_jose::{Algorithm, KeyError, KeySet, SigningKey};

/// Why a key ring could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyRingError {
    /// A key could not be generated or read.
    #[error("key: {0}")]
    Key(#[from] KeyError),
    /// An HMAC key was given: the STS publishes its keys, so they must be asymmetric.
    #[error("the token service signs with asymmetric keys only; {0} is symmetric")]
    Symmetric(Algorithm),
    /// Two keys have the same thumbprint.
    #[error("key {kid} is given twice")]
    Duplicate {
        /// The thumbprint.
        kid: String,
    },
}

/// One active signing key plus the keys still published for verification.
///
/// Rotation without failures in flight: publish the new key first (as a
/// non-active key) on every replica, then make it active, then drop the old one after
/// the longest token lifetime has passed.
pub struct KeyRing {
    active: SigningKey,
    published: Vec<SigningKey>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("active", &self.active.effective_kid())
            .field(
                "published",
                &self
                    .published
                    .iter()
                    .map(SigningKey::effective_kid)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

fn thumbprinted(key: SigningKey) -> Result<SigningKey, KeyRingError> {
    if key.algorithm().family() == audex_jose::KeyFamily::Hmac {
        return Err(KeyRingError::Symmetric(key.algorithm()));
    }
    let kid = key.thumbprint().to_owned();
    Ok(key.with_kid(kid))
}

impl KeyRing {
    /// A ring with a freshly generated key (ES256 unless `alg` says otherwise; RSA
    /// keys cannot be generated with ring and must be imported).
    pub fn generate(alg: Algorithm) -> Result<Self, KeyRingError> {
        let (key, _) = SigningKey::generate(alg)?;
        Self::new(key, Vec::new())
    }

    /// A ring whose active signer is `active`; `previous` stay published for
    /// verification. Every `kid` is set to the key's RFC 7638 thumbprint.
    pub fn new(active: SigningKey, previous: Vec<SigningKey>) -> Result<Self, KeyRingError> {
        let active = thumbprinted(active)?;
        let mut published: Vec<SigningKey> = Vec::new();
        for k in previous {
            let k = thumbprinted(k)?;
            let kid = k.effective_kid().to_owned();
            if kid == active.effective_kid() || published.iter().any(|p| p.effective_kid() == kid) {
                return Err(KeyRingError::Duplicate { kid });
            }
            published.push(k);
        }
        Ok(Self { active, published })
    }

    /// The key that signs issued tokens.
    pub fn active(&self) -> &SigningKey {
        &self.active
    }

    /// The verification keys of every published key (active first), bound to `issuer`.
    pub fn verification_keys(&self, issuer: &StringOrUri) -> Result<KeySet, KeyError> {
        let mut keys = vec![self.active.verifying_key()?];
        for k in &self.published {
            keys.push(k.verifying_key()?);
        }
        Ok(KeySet::new(keys).for_issuer(issuer.clone()))
    }

    /// The public JWK Set document: public members only, `use: sig`, `alg`, and the
    /// thumbprint as `kid`.
    pub fn public_jwks(&self) -> serde_json::Value {
        let keys: Vec<serde_json::Value> = std::iter::once(&self.active)
            .chain(&self.published)
            .filter_map(SigningKey::to_public_jwk)
            .collect();
        serde_json::json!({ "keys": keys })
    }
}
