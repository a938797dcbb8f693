#![doc = include_str!("../README.md")]

pub mod decision;
#[doc(hidden)]
pub mod fuzz;
pub mod realm;

pub use decision::{Decision, ExchangeInput, IssuePlan, Requester, Rule, Step};
pub use realm::{
    Client, ClientAuth, ClientKind, ExchangePermission, GrantKind, Limits, LoadError, Realm,
    ScopeMode, SubjectMapping, Target, TokenSettings, TrustedIssuer,
};
