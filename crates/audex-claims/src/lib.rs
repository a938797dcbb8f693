#![doc = include_str!("../README.md")]
//!
//! # Modules
//!
//! The crate root re-exports everything a caller normally needs. [`json`] holds the
//! strict JSON object parser that the other audex crates reuse for JOSE headers and
//! wire bodies.

pub mod actor;
pub mod audience;
pub mod claims;
#[doc(hidden)]
pub mod fuzz;
pub mod json;
pub mod scope;
pub mod string_or_uri;
pub mod time;

pub use actor::{Actor, ActorError, ActorIdentity, ActorIter, MAX_ACTOR_DEPTH};
pub use audience::{Audience, AudienceError, AudienceParseError, check_audience};
pub use claims::{
    AccessTokenClaims, Claim, ClaimsError, ClaimsSet, IssuerError, ParseOptions, RegisteredClaims,
    check_issuer,
};
pub use json::{JsonError, JsonLimits, JsonType};
pub use scope::{MAX_SCOPE_TOKENS, Scope, ScopeError, ScopeIter, ScopeToken};
pub use string_or_uri::{Strictness, StringOrUri, StringOrUriError};
pub use time::{DEFAULT_LEEWAY, NumericDate, NumericDateError, TimeCheck, TimeError};
