#![doc = include_str!("../README.md")]

pub mod decision;
pub mod fuzz;
pub mod realm;

pub use decision::{Decision, ExchangeInput, IssuePlan, Requester, Rule, Step};
pub use realm::{
    Client, ClientAuth, ClientKind, ExchangePermission, GrantKind, Limits, LoadError, Realm,
    ScopeMode, SubjectMapping, Target, TokenSettings, TrustedIssuer,
};
