#![doc = include_str!("../README.md")]
//!
//! # Modules
//!
//! Every item has one path: the crate root, except the helpers in [`json`] — the
//! strict JSON object parser that the other audex crates reuse for JOSE headers and
//! wire bodies, the log-safe displays ([`json::Truncated`], [`json::Escaped`]) and the
//! one sanitiser for wire error descriptions.

mod actor;
mod audience;
mod claims;
#[doc(hidden)]
pub mod fuzz;
pub mod json;
mod scope;
mod string_or_uri;
mod time;

pub use actor::{Actor, ActorError, ActorIdentity, ActorIter, MAX_ACTOR_DEPTH};
pub use audience::{Audience, AudienceError, AudienceParseError, check_audience};
pub use claims::{
    AccessTokenClaims, Claim, ClaimsError, ClaimsSet, IssuerError, ParseOptions, RegisteredClaims,
    check_issuer,
};
pub use json::{JsonError, JsonLimits, JsonType};
pub use scope::{MAX_SCOPE_TOKENS, Scope, ScopeError, ScopeIter, ScopeToken};
pub use string_or_uri::{Strictness, StringOrUri, StringOrUriError};
pub use time::{
    DEFAULT_LEEWAY, MAX_NUMERIC_DATE_SECS, NumericDate, NumericDateError, TimeCheck, TimeError,
};
