//! Keys bound to exactly one algorithm (RFC 8725 §3.1).
//!
//! A [`VerifyingKey`] or [`SigningKey`] is built once — from a JWK, from DER or PEM,
//! or from raw HMAC secret bytes — and checked at construction: the key type must fit
//! the algorithm, RSA moduli must have at least 2048 bits and HMAC secrets at least
//! the hash length (JWK-3). Verification and signing then reuse the parsed material.

use std::fmt;

use ring::rand::SystemRandom;
use ring::signature::{self, KeyPair};
use rustls_pki_types::pem::PemObject;

use crate::alg::{Algorithm, KeyFamily};
use crate::key_error::{KeyError, UnsupportedKey};
use crate::params::{Params, params};

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

enum VerifyMaterial {
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
    alg: Algorithm,
    kid: Option<std::sync::Arc<str>>,
    public: Public,
    material: VerifyMaterial,
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

    /// A public key from a DER SubjectPublicKeyInfo (RSA, EC P-256/P-384, Ed25519).
    pub fn from_spki_der(alg: Algorithm, der: &[u8]) -> Result<Self, KeyError> {
        use spki::der::Decode;
        let spki = spki::SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| malformed("SubjectPublicKeyInfo", e))?;
        let bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| malformed("SubjectPublicKeyInfo", "unused bits in key"))?;
        let oid = spki.algorithm.oid.to_string();
        match oid.as_str() {
            "1.2.840.113549.1.1.1" => {
                let (n, e) = parse_pkcs1_public(bits)?;
                Self::rsa_components(alg, &n, &e)
            }
            "1.2.840.10045.2.1" => {
                let curve = spki
                    .algorithm
                    .parameters_oid()
                    .map_err(|e| malformed("EC SubjectPublicKeyInfo", e))?
                    .to_string();
                let want = match curve.as_str() {
                    "1.2.840.10045.3.1.7" => Algorithm::ES256,
                    "1.3.132.0.34" => Algorithm::ES384,
                    other => {
                        return Err(KeyError::Unsupported(UnsupportedKey::Curve {
                            kty: "EC",
                            crv: other.to_owned(),
                        }));
                    }
                };
                if want != alg {
                    return Err(KeyError::WrongKeyType {
                        alg,
                        found: if want == Algorithm::ES256 {
                            "P-256"
                        } else {
                            "P-384"
                        },
                    });
                }
                let size = ec_curve(alg).map_or(0, |c| c.1);
                match bits.split_first() {
                    Some((4, xy)) if xy.len() == 2 * size => {
                        let (x, y) = xy.split_at(size);
                        Self::ec_coordinates(alg, x, y)
                    }
                    _ => Err(malformed("EC public key", "expected an uncompressed point")),
                }
            }
            "1.3.101.112" => {
                check_family(alg, KeyFamily::Ed25519, "Ed25519")?;
                Self::ed25519(bits)
            }
            other => Err(KeyError::Unsupported(UnsupportedKey::PublicKeyAlgorithm(
                other.to_owned(),
            ))),
        }
    }

    /// A public key from a PEM `PUBLIC KEY` block (SubjectPublicKeyInfo).
    pub fn from_spki_pem(alg: Algorithm, pem: &[u8]) -> Result<Self, KeyError> {
        let der = rustls_pki_types::SubjectPublicKeyInfoDer::from_pem_slice(pem)
            .map_err(|e| malformed("PEM public key", format!("{e:?}")))?;
        Self::from_spki_der(alg, der.as_ref())
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
        kty_of(&self.public)
    }

    pub(crate) fn public(&self) -> &Public {
        &self.public
    }

    /// RFC 7638 JWK thumbprint (SHA-256, base64url).
    pub fn thumbprint(&self) -> String {
        crate::jwk::thumbprint(&self.public)
    }

    /// The public JWK (never private members; `None` for HMAC keys, which have no
    /// public form). JWK-5.
    pub fn to_public_jwk(&self) -> Option<serde_json::Value> {
        crate::jwk::public_jwk(&self.public, self.alg, self.kid.as_deref())
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

pub(crate) fn kty_of(p: &Public) -> &'static str {
    match p {
        Public::Rsa { .. } => "RSA",
        Public::Ec { .. } => "EC",
        Public::Okp { .. } => "OKP",
        Public::Oct { .. } => "oct",
    }
}

/// Parses a PKCS#1 `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`.
fn parse_pkcs1_public(der: &[u8]) -> Result<(Vec<u8>, Vec<u8>), KeyError> {
    use spki::der::{Decode, Reader, SliceReader, asn1::UintRef};
    let mut reader = SliceReader::new(der).map_err(|e| malformed("RSA public key", e))?;
    let (n, e) = reader
        .sequence(|r| {
            let n = UintRef::decode(r)?;
            let e = UintRef::decode(r)?;
            Ok((n.as_bytes().to_vec(), e.as_bytes().to_vec()))
        })
        .map_err(|e| malformed("RSA public key", e))?;
    reader
        .finish(())
        .map_err(|e| malformed("RSA public key", e))?;
    Ok((n, e))
}

enum SignMaterial {
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
            .field("kty", &kty_of(&self.public))
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

    /// A private key from DER PKCS#8 (RSA, EC P-256/P-384, Ed25519). For RSA,
    /// a PKCS#1 `RSAPrivateKey` is accepted too.
    pub fn from_pkcs8_der(alg: Algorithm, der: &[u8]) -> Result<Self, KeyError> {
        let rng = SystemRandom::new();
        let (public, material) = match alg.family() {
            KeyFamily::Hmac => {
                return Err(KeyError::WrongKeyType {
                    alg,
                    found: "asymmetric",
                });
            }
            KeyFamily::Rsa => {
                let kp = signature::RsaKeyPair::from_pkcs8(der)
                    .or_else(|_| signature::RsaKeyPair::from_der(der))
                    .map_err(|e| malformed("RSA private key", e))?;
                check_rsa_bits(kp.public().modulus_len() * 8)?;
                let (n, e) = parse_pkcs1_public(kp.public().as_ref())?;
                (
                    Public::Rsa {
                        n: strip_leading_zeros(&n).to_vec(),
                        e: strip_leading_zeros(&e).to_vec(),
                    },
                    SignMaterial::Rsa(Box::new(kp)),
                )
            }
            KeyFamily::Ec => {
                let (crv, size) =
                    ec_curve(alg).ok_or(KeyError::WrongKeyType { alg, found: "EC" })?;
                let kp = signature::EcdsaKeyPair::from_pkcs8(ecdsa_sign_alg(alg)?, der, &rng)
                    .map_err(|e| malformed("EC private key", e))?;
                let point = kp.public_key().as_ref();
                let (x, y) = point
                    .get(1..)
                    .map(|xy| xy.split_at(size))
                    .ok_or_else(|| malformed("EC private key", "bad public point"))?;
                let public = Public::Ec {
                    crv,
                    x: x.to_vec(),
                    y: y.to_vec(),
                };
                (public, SignMaterial::Ecdsa(kp))
            }
            KeyFamily::Ed25519 => {
                let kp = signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                    .map_err(|e| malformed("Ed25519 private key", e))?;
                let x = kp.public_key().as_ref().to_vec();
                (Public::Okp { x }, SignMaterial::Ed25519(kp))
            }
        };
        Ok(Self::build(alg, public, material, rng))
    }

    /// A private key from PEM (`PRIVATE KEY`, or `RSA PRIVATE KEY` / `EC PRIVATE KEY`
    /// where ring can read them).
    pub fn from_pkcs8_pem(alg: Algorithm, pem: &[u8]) -> Result<Self, KeyError> {
        let der = rustls_pki_types::PrivateKeyDer::from_pem_slice(pem)
            .map_err(|e| malformed("PEM private key", format!("{e:?}")))?;
        Self::from_pkcs8_der(alg, der.secret_der())
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

    fn build(alg: Algorithm, public: Public, material: SignMaterial, rng: SystemRandom) -> Self {
        let thumb = crate::jwk::thumbprint(&public);
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
        crate::jwk::public_jwk(&self.public, self.alg, Some(self.effective_kid()))
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
