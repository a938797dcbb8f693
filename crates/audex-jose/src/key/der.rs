//! Keys from DER and PEM: SubjectPublicKeyInfo (public keys) and PKCS#8 (private keys;
//! PKCS#1 for RSA), parsed with the `spki`/`der` crates and ring.

use ring::rand::SystemRandom;
use ring::signature::{self, KeyPair};
use rustls_pki_types::pem::PemObject;

use super::signing::SignMaterial;
use super::{
    Public, SigningKey, VerifyingKey, check_family, check_rsa_bits, ec_curve, ecdsa_sign_alg,
    malformed, strip_leading_zeros,
};
use crate::alg::{Algorithm, KeyFamily};
use crate::key_error::{KeyError, UnsupportedKey};

impl VerifyingKey {
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
}

impl SigningKey {
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
