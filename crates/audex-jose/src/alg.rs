//! JWS algorithms (RFC 7518 §3, RFC 8037 §3.1).

use std::fmt;

/// A JWS signature algorithm that audex can verify and sign with.
///
/// There is deliberately no `none` variant: an unsecured JWS cannot be expressed on
/// the verify path (JWS-ALG-1). Names outside this list, including `ES512` and
/// `ES256K`, are an [`UnsupportedAlgorithm`] error, never a panic (JWS-ALG-2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC with SHA-256.
    HS256,
    /// HMAC with SHA-384.
    HS384,
    /// HMAC with SHA-512.
    HS512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256, 32-byte salt.
    PS256,
    /// RSASSA-PSS with SHA-384, MGF1 with SHA-384, 48-byte salt.
    PS384,
    /// RSASSA-PSS with SHA-512, MGF1 with SHA-512, 64-byte salt.
    PS512,
    /// ECDSA on P-256 with SHA-256, R‖S signature.
    ES256,
    /// ECDSA on P-384 with SHA-384, R‖S signature.
    ES384,
    /// EdDSA (RFC 8037); audex supports the Ed25519 curve only.
    EdDSA,
}

/// The key family an algorithm needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFamily {
    /// A shared secret (`kty: oct`).
    Hmac,
    /// An RSA key.
    Rsa,
    /// An EC key on the algorithm's curve.
    Ec,
    /// An Ed25519 key (`kty: OKP`).
    Ed25519,
}

/// An `alg` value audex does not implement.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unsupported algorithm \"{}\"", audex_claims::json::Truncated(name))]
pub struct UnsupportedAlgorithm {
    /// The name received (may be `none`).
    pub name: String,
}

impl Algorithm {
    /// Every supported algorithm.
    pub const ALL: [Algorithm; 12] = [
        Self::HS256,
        Self::HS384,
        Self::HS512,
        Self::RS256,
        Self::RS384,
        Self::RS512,
        Self::PS256,
        Self::PS384,
        Self::PS512,
        Self::ES256,
        Self::ES384,
        Self::EdDSA,
    ];

    /// Looks up a registered name, case-sensitively (`hs256` is not `HS256`).
    pub fn from_name(name: &str) -> Result<Self, UnsupportedAlgorithm> {
        Self::ALL
            .into_iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| UnsupportedAlgorithm {
                name: name.to_owned(),
            })
    }

    /// The registered name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::HS384 => "HS384",
            Self::HS512 => "HS512",
            Self::RS256 => "RS256",
            Self::RS384 => "RS384",
            Self::RS512 => "RS512",
            Self::PS256 => "PS256",
            Self::PS384 => "PS384",
            Self::PS512 => "PS512",
            Self::ES256 => "ES256",
            Self::ES384 => "ES384",
            Self::EdDSA => "EdDSA",
        }
    }

    /// The key family the algorithm needs.
    pub const fn family(self) -> KeyFamily {
        match self {
            Self::HS256 | Self::HS384 | Self::HS512 => KeyFamily::Hmac,
            Self::RS256 | Self::RS384 | Self::RS512 | Self::PS256 | Self::PS384 | Self::PS512 => {
                KeyFamily::Rsa
            }
            Self::ES256 | Self::ES384 => KeyFamily::Ec,
            Self::EdDSA => KeyFamily::Ed25519,
        }
    }

    /// Output size of the algorithm's hash, in bytes (the minimum HMAC key size).
    pub const fn hash_len(self) -> usize {
        match self {
            Self::HS256 | Self::RS256 | Self::PS256 | Self::ES256 => 32,
            Self::HS384 | Self::RS384 | Self::PS384 | Self::ES384 => 48,
            Self::HS512 | Self::RS512 | Self::PS512 | Self::EdDSA => 64,
        }
    }

    /// Fixed signature length for the ECDSA and EdDSA algorithms (R‖S, RFC 7518 §3.4).
    pub(crate) const fn fixed_signature_len(self) -> Option<usize> {
        match self {
            Self::ES256 | Self::EdDSA => Some(64),
            Self::ES384 => Some(96),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Algorithm {
    type Err = UnsupportedAlgorithm;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_name(s)
    }
}

impl serde::Serialize for Algorithm {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Algorithm {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::from_name(&s).map_err(serde::de::Error::custom)
    }
}
