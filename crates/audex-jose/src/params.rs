//! The one algorithm table: every [`Algorithm`] mapped, exhaustively, to its ring
//! parameters, curve and hash. Adding an algorithm fails to compile until it has a
//! row here, so nothing can silently fall back to P-256 or SHA-256.

use ring::signature;

use crate::alg::Algorithm;

/// What ring needs for one algorithm.
#[derive(Clone, Copy)]
pub(crate) enum Params {
    /// HMAC with this hash.
    Hmac(ring::hmac::Algorithm),
    /// RSA with these verification parameters and this signing encoding.
    Rsa {
        verify: &'static signature::RsaParameters,
        sign: &'static dyn signature::RsaEncoding,
    },
    /// ECDSA on `curve` (JWK `crv`), coordinates of `coord_len` bytes.
    Ec {
        curve: &'static str,
        coord_len: usize,
        verify: &'static signature::EcdsaVerificationAlgorithm,
        sign: &'static signature::EcdsaSigningAlgorithm,
    },
    /// Ed25519.
    Ed25519,
}

/// The parameters of `alg` (exhaustive: no default row).
pub(crate) fn params(alg: Algorithm) -> Params {
    use signature as s;
    match alg {
        Algorithm::HS256 => Params::Hmac(ring::hmac::HMAC_SHA256),
        Algorithm::HS384 => Params::Hmac(ring::hmac::HMAC_SHA384),
        Algorithm::HS512 => Params::Hmac(ring::hmac::HMAC_SHA512),
        Algorithm::RS256 => Params::Rsa {
            verify: &s::RSA_PKCS1_2048_8192_SHA256,
            sign: &s::RSA_PKCS1_SHA256,
        },
        Algorithm::RS384 => Params::Rsa {
            verify: &s::RSA_PKCS1_2048_8192_SHA384,
            sign: &s::RSA_PKCS1_SHA384,
        },
        Algorithm::RS512 => Params::Rsa {
            verify: &s::RSA_PKCS1_2048_8192_SHA512,
            sign: &s::RSA_PKCS1_SHA512,
        },
        Algorithm::PS256 => Params::Rsa {
            verify: &s::RSA_PSS_2048_8192_SHA256,
            sign: &s::RSA_PSS_SHA256,
        },
        Algorithm::PS384 => Params::Rsa {
            verify: &s::RSA_PSS_2048_8192_SHA384,
            sign: &s::RSA_PSS_SHA384,
        },
        Algorithm::PS512 => Params::Rsa {
            verify: &s::RSA_PSS_2048_8192_SHA512,
            sign: &s::RSA_PSS_SHA512,
        },
        Algorithm::ES256 => Params::Ec {
            curve: "P-256",
            coord_len: 32,
            verify: &s::ECDSA_P256_SHA256_FIXED,
            sign: &s::ECDSA_P256_SHA256_FIXED_SIGNING,
        },
        Algorithm::ES384 => Params::Ec {
            curve: "P-384",
            coord_len: 48,
            verify: &s::ECDSA_P384_SHA384_FIXED,
            sign: &s::ECDSA_P384_SHA384_FIXED_SIGNING,
        },
        Algorithm::EdDSA => Params::Ed25519,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_has_parameters_of_its_own_family() {
        use crate::alg::KeyFamily;
        for alg in [
            Algorithm::HS256,
            Algorithm::HS384,
            Algorithm::HS512,
            Algorithm::RS256,
            Algorithm::RS384,
            Algorithm::RS512,
            Algorithm::PS256,
            Algorithm::PS384,
            Algorithm::PS512,
            Algorithm::ES256,
            Algorithm::ES384,
            Algorithm::EdDSA,
        ] {
            let ok = matches!(
                (alg.family(), params(alg)),
                (KeyFamily::Hmac, Params::Hmac(_))
                    | (KeyFamily::Rsa, Params::Rsa { .. })
                    | (KeyFamily::Ec, Params::Ec { .. })
                    | (KeyFamily::Ed25519, Params::Ed25519)
            );
            assert!(ok, "{alg}");
        }
        assert!(matches!(
            params(Algorithm::ES384),
            Params::Ec {
                curve: "P-384",
                coord_len: 48,
                ..
            }
        ));
    }
}
