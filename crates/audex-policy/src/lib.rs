#![doc = include_str!("../README.md")]

mod decision;
mod denial;
mod detail;
#[doc(hidden)]
pub mod fuzz;
mod realm;
mod rules;

pub use decision::{Decision, ExchangeInput, IssuePlan, Requester, Rule, Step};
pub use denial::{Denial, MayActMismatch, TokenRole};
pub use detail::Detail;
pub use realm::{
    Client, ClientAuth, ClientKind, DEFAULT_LIFETIME, DEFAULT_MAX_ACT_DEPTH, DEFAULT_MAX_LIFETIME,
    ExchangePermission, GrantKind, Limits, LoadError, MAX_REALM_BYTES, Realm, ScopeMode,
    SubjectMapping, Target, TokenSettings, TrustedIssuer,
};
