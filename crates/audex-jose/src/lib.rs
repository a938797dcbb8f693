#![doc = include_str!("../README.md")]

mod alg;
/// base64url helpers, for the crate's own tests and benchmarks only.
#[doc(hidden)]
pub mod b64;
#[doc(hidden)]
pub mod fuzz;
mod jwk;
mod jws;
mod key;
mod key_error;
mod params;
mod sign;
mod validation;

pub use alg::{Algorithm, KeyFamily, UnsupportedAlgorithm};
pub use audex_claims::{self as claims, NumericDate, Scope, StringOrUri};
pub use b64::Base64Error;
pub use jwk::{Jwk, JwkSetError, KeySet, MAX_JWKS_BYTES, MAX_JWKS_KEYS, SkippedKey};
pub use jws::{
    AssertionError, BearerError, CritError, DEFAULT_MAX_TOKEN_BYTES, Header, JwsError, JwsOptions,
    MAX_HEADER_BYTES, MAX_HEADER_DEPTH, MAX_KIDLESS_CANDIDATES, MAX_SIGNATURE_BYTES, UnverifiedJws,
    VerifiedJws, VerifyError, verify_compact,
};
pub use key::{MAX_RSA_BITS, MIN_RSA_BITS, SignError, SigningKey, VerifyingKey};
pub use key_error::{JwkError, KeyError, UnsupportedKey};
pub use sign::{EncodeError, sign_access_token, sign_compact, sign_jwt};
pub use validation::{
    AccessToken, ChecksAudience, ChecksScope, ClientAssertion, DEFAULT_MAX_ASSERTION_LIFETIME, Jwt,
    NamesIssuer, Profile, SubjectToken, SubjectTokenClaims, TYP_ACCESS_TOKEN, TYP_CLIENT_ASSERTION,
    Validation, Verified,
};
