#![doc = include_str!("../README.md")]

pub mod decision;
mod denial;
#[doc(hidden)]
pub mod fuzz;
pub mod realm;
mod rules;

pub use decision::{Decision, ExchangeInput, IssuePlan, Requester, Rule, Step};
pub use denial::{Denial, MayActMismatch, TokenRole};
pub use realm::{
    Client, ClientAuth, ClientKind, ExchangePermission, GrantKind, Limits, LoadError, Realm,
    ScopeMode, SubjectMapping, Target, TokenSettings, TrustedIssuer,
};
