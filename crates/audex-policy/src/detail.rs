//! What a rule checked and found, as a value: built cheaply while the rules run (shared
//! client and target names, copies of numbers and scopes), written out only when an
//! explanation is shown. Formatting every detail eagerly was ~40 % of a decision's time
//! (docs/BENCHMARKS.md).

use std::fmt;
use std::sync::Arc;

use audex_claims::{NumericDate, Scope, StringOrUri};
use audex_exchange::TokenType;

use crate::realm::GrantKind;

/// One rule's detail line: `Display` writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail(Repr);

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Repr {
    Static(&'static str),
    Text(String),
    ClientRegistered(Arc<str>),
    GrantAllowed(GrantKind, Arc<str>),
    PermissionFound(Arc<str>),
    LocalIssuer(StringOrUri),
    InSubjectAudience(Arc<str>),
    ActorOwn(Arc<str>),
    ActDepth { depth: usize, limit: usize },
    Issuing(TokenType),
    TargetsPermitted(Vec<Arc<str>>),
    OnlyTarget(Arc<str>),
    NoScopeRequested(Scope),
    WithinScope { requested: Scope, grantable: Scope },
    ExchangeExp(NumericDate),
    ClientExp(NumericDate),
}

impl Detail {
    pub(crate) fn new(repr: Repr) -> Self {
        Self(repr)
    }

    /// Whether the detail says nothing.
    pub fn is_empty(&self) -> bool {
        match &self.0 {
            Repr::Static(s) => s.is_empty(),
            Repr::Text(s) => s.is_empty(),
            _ => false,
        }
    }
}

impl From<&'static str> for Detail {
    fn from(s: &'static str) -> Self {
        Self(Repr::Static(s))
    }
}

impl From<String> for Detail {
    fn from(s: String) -> Self {
        Self(Repr::Text(s))
    }
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Static(s) => f.write_str(s),
            Repr::Text(s) => f.write_str(s),
            Repr::ClientRegistered(c) => write!(f, "client \"{c}\" is registered"),
            Repr::GrantAllowed(g, c) => write!(f, "{g:?} is allowed for \"{c}\""),
            Repr::PermissionFound(c) => write!(f, "exchange permission found for \"{c}\""),
            Repr::LocalIssuer(iss) => write!(f, "issued by this realm ({iss})"),
            Repr::InSubjectAudience(c) => {
                write!(f, "\"{c}\" is in the subject token's aud, azp or client_id")
            }
            Repr::ActorOwn(c) => write!(f, "actor token belongs to \"{c}\""),
            Repr::ActDepth { depth, limit } => write!(f, "act depth {depth} within {limit}"),
            Repr::Issuing(t) => write!(f, "issuing {t}"),
            Repr::TargetsPermitted(names) => {
                f.write_str("requested targets permitted: ")?;
                for (i, n) in names.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(n)?;
                }
                Ok(())
            }
            Repr::OnlyTarget(name) => write!(
                f,
                "no target requested; the permission's only target \"{name}\" applies"
            ),
            Repr::NoScopeRequested(g) => write!(f, "no scope requested; granted \"{g}\""),
            Repr::WithinScope {
                requested,
                grantable,
            } => write!(f, "requested \"{requested}\" within \"{grantable}\""),
            Repr::ExchangeExp(exp) => {
                write!(f, "exp {exp} = min(subject exp, actor exp, now + lifetime)")
            }
            Repr::ClientExp(exp) => write!(f, "exp {exp} = now + lifetime"),
        }
    }
}
