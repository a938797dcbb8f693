#![doc = include_str!("../README.md")]

pub mod alg;
pub mod b64;
#[doc(hidden)]
pub mod fuzz;
pub mod jwk;
pub mod jws;
pub mod key;
mod key_error;
mod params;
pub mod sign;
pub mod validation;

pub use alg::{Algorithm, KeyFamily, UnsupportedAlgorithm};
pub use audex_claims::{self as claims, NumericDate, Scope, StringOrUri};
pub use jwk::{Jwk, JwkSetError, KeySet, SkippedKey};
pub use jws::{
    AssertionError, BearerError, CritError, Header, JwsError, JwsOptions, UnverifiedJws,
    VerifiedJws, VerifyError, verify_compact,
};
pub use key::{SignError, SigningKey, VerifyingKey};
pub use key_error::{JwkError, KeyError, UnsupportedKey};
pub use sign::{EncodeError, sign_access_token, sign_compact, sign_jwt};
pub use validation::{
    AccessToken, ChecksAudience, ChecksScope, ClientAssertion, Jwt, NamesIssuer, Profile,
    SubjectToken, SubjectTokenClaims, Validation, Verified,
};
