//! Why a rule denied: a typed reason per failure, its wire text, and the RFC error it
//! maps to. Nothing in the engine matches on text: the rule that decided and the
//! reason are values (POL-EXPLAIN-1).

use std::fmt;

use audex_claims::Scope;
use audex_claims::json::Truncated;
use audex_exchange::Rejection;

use crate::realm::GrantKind;

/// Which token a denial blames.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenRole {
    /// The `subject_token`.
    Subject,
    /// The `actor_token`.
    Actor,
}

impl TokenRole {
    /// The wire rejection that blames this token.
    fn rejection(self, reason: String) -> Rejection {
        match self {
            Self::Subject => Rejection::SubjectToken { reason },
            Self::Actor => Rejection::ActorToken { reason },
        }
    }
}

/// How `may_act` failed to name the actor (TE-MAYACT-1, POL-MAYACT-2).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MayActMismatch {
    /// `may_act` names neither `sub` nor `client_id`.
    NamesNobody,
    /// `may_act.sub` is not the actor's `sub`.
    Sub {
        /// The value in `may_act` (log-safe).
        named: String,
        /// The actor's value (log-safe).
        actor: String,
    },
    /// `may_act.iss` (or the subject's issuer, when absent) is not the actor token's.
    Iss {
        /// The value in `may_act` (log-safe).
        named: String,
        /// The actor token's issuer (log-safe).
        actor: String,
    },
    /// `may_act.client_id` is not the actor's `client_id`.
    ClientId {
        /// The value in `may_act` (log-safe).
        named: String,
        /// The actor's value (log-safe).
        actor: String,
    },
    /// Another member of `may_act` differs from (or is absent in) the actor token.
    Member {
        /// The member name (log-safe).
        name: String,
    },
}

impl fmt::Display for MayActMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NamesNobody => {
                f.write_str("may_act names neither sub nor client_id, so it authorises nobody")
            }
            Self::Sub { named, actor } => {
                write!(f, "may_act names sub \"{named}\", the actor is \"{actor}\"")
            }
            Self::Iss { named, actor } => write!(
                f,
                "may_act names iss \"{named}\", the actor token is from \"{actor}\""
            ),
            Self::ClientId { named, actor } => write!(
                f,
                "may_act names client_id \"{named}\", the actor's is \"{actor}\""
            ),
            Self::Member { name } => {
                write!(
                    f,
                    "may_act member \"{name}\" does not match the actor token"
                )
            }
        }
    }
}

/// The typed reason a rule denied a request. `Display` is the human text (the
/// `error_description` of [`Denial::rejection`], without its prefix); every value that
/// came from a token or request is stored log-safe (escaped, cut to 64 characters).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Denial {
    /// The client id is not registered (`invalid_client`).
    UnknownClient {
        /// The client id asked for (log-safe).
        client: String,
    },
    /// A confidential client did not authenticate (`invalid_client`).
    NotAuthenticated {
        /// The client.
        client: String,
    },
    /// A public client asked for `client_credentials` (`unauthorized_client`).
    PublicClientCredentials {
        /// The client.
        client: String,
    },
    /// A public client without `allow_public` asked to exchange (POL-PUBLIC-1).
    PublicExchange {
        /// The client.
        client: String,
    },
    /// The client may not use this grant (`unauthorized_client`).
    GrantNotAllowed {
        /// The client.
        client: String,
        /// The grant.
        grant: GrantKind,
    },
    /// The client holds no exchange permission (`unauthorized_client`).
    NoExchangePermission {
        /// The client.
        client: String,
    },
    /// The token was verified with keys not bound to its `iss` (BCP-ISS-1).
    KeysNotBound {
        /// The token blamed.
        token: TokenRole,
        /// Its `iss` (log-safe).
        iss: String,
    },
    /// The token's `iss` is neither this realm nor a trusted issuer (POL-XISS-1).
    UnknownIssuer {
        /// The token blamed.
        token: TokenRole,
        /// Its `iss` (log-safe).
        iss: String,
    },
    /// A trusted issuer's token is addressed to none of its accepted audiences
    /// (POL-XISS-2).
    NotAnAcceptedAudience {
        /// The token blamed.
        token: TokenRole,
        /// The trusted issuer.
        iss: String,
        /// The token's `aud` values (log-safe).
        aud: Vec<String>,
    },
    /// The requester is not among the clients a trusted issuer names (POL-XISS-2).
    UntrustedPresenter {
        /// The token blamed.
        token: TokenRole,
        /// The requester.
        client: String,
        /// The trusted issuer.
        issuer: String,
    },
    /// A token of this realm was issued neither to nor for the requester (POL-WHO-1).
    NotIssuedToRequester {
        /// The requester.
        client: String,
        /// The token's `aud` values (log-safe).
        aud: Vec<String>,
        /// The token's `client_id` (log-safe).
        token_client_id: String,
    },
    /// The prefixed foreign subject is not a valid StringOrURI.
    InvalidQualifiedSubject {
        /// The parse error.
        error: String,
    },
    /// The subject token carries `act`/`may_act` and the client may not chain.
    ChainingNotAllowed {
        /// The client.
        client: String,
    },
    /// Delegation (an `actor_token`) is not allowed for the client (POL-DELEG-1).
    DelegationNotAllowed {
        /// The client.
        client: String,
    },
    /// Impersonation (no `actor_token`) is not allowed for the client (POL-DELEG-1).
    ImpersonationNotAllowed {
        /// The client.
        client: String,
    },
    /// The subject token's `act` chain already names a party twice (POL-CHAIN-1).
    LoopInSubjectChain {
        /// The party (log-safe).
        party: String,
    },
    /// The actor token itself carries `act` (POL-ACTOR-1).
    ActorCarriesAct,
    /// The actor token is not the requester's own (POL-ACTOR-1).
    ActorNotOwn {
        /// The requester.
        client: String,
    },
    /// `may_act` does not name the actor.
    MayAct(MayActMismatch),
    /// The actor is already the subject or in the `act` chain (POL-CHAIN-1).
    ActorAlreadyInChain {
        /// The actor's `sub` (log-safe).
        actor: String,
    },
    /// The `act` chain would be deeper than the realm allows (POL-CHAIN-1).
    ActDepth {
        /// The token blamed: the actor's when one was presented.
        token: TokenRole,
        /// The depth.
        depth: usize,
        /// The realm's limit.
        limit: usize,
    },
    /// The requested token type cannot be issued (`invalid_request`).
    UnsupportedTokenType {
        /// The requested type URI (log-safe).
        requested: String,
    },
    /// A requested audience or resource is not registered (POL-TARGET-1).
    UnregisteredTarget {
        /// The value (log-safe).
        target: String,
    },
    /// A registered target the client may not obtain (POL-TARGET-1).
    TargetNotPermitted {
        /// The value (log-safe).
        target: String,
        /// The client.
        client: String,
    },
    /// No target requested and the exchange permission names none.
    NoExchangeTargets {
        /// The client.
        client: String,
    },
    /// No target requested and several are possible.
    AmbiguousTarget {
        /// How many.
        candidates: usize,
    },
    /// `client_credentials` for a client that may obtain no audience.
    NoAudience {
        /// The client.
        client: String,
    },
    /// Strict scope mode and scopes that cannot be granted (POL-SCOPE-1).
    ScopeNotGrantable {
        /// What cannot be granted.
        missing: Scope,
        /// What could be.
        grantable: Scope,
    },
    /// The token expires now or within the second (POL-LIFE-1).
    Expired {
        /// The token that expires first.
        token: TokenRole,
    },
}

impl Denial {
    /// A stable kebab-case name of the reason, for logs, metrics and JSON output
    /// (the text of [`Denial`]'s `Display` is for people and may change).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::UnknownClient { .. } => "unknown-client",
            Self::NotAuthenticated { .. } => "not-authenticated",
            Self::PublicClientCredentials { .. } => "public-client-credentials",
            Self::PublicExchange { .. } => "public-exchange",
            Self::GrantNotAllowed { .. } => "grant-not-allowed",
            Self::NoExchangePermission { .. } => "no-exchange-permission",
            Self::KeysNotBound { .. } => "keys-not-bound",
            Self::UnknownIssuer { .. } => "unknown-issuer",
            Self::NotAnAcceptedAudience { .. } => "not-an-accepted-audience",
            Self::UntrustedPresenter { .. } => "untrusted-presenter",
            Self::NotIssuedToRequester { .. } => "not-issued-to-requester",
            Self::InvalidQualifiedSubject { .. } => "invalid-qualified-subject",
            Self::ChainingNotAllowed { .. } => "chaining-not-allowed",
            Self::DelegationNotAllowed { .. } => "delegation-not-allowed",
            Self::ImpersonationNotAllowed { .. } => "impersonation-not-allowed",
            Self::LoopInSubjectChain { .. } => "loop-in-subject-chain",
            Self::ActorCarriesAct => "actor-carries-act",
            Self::ActorNotOwn { .. } => "actor-not-own",
            Self::MayAct(MayActMismatch::NamesNobody) => "may-act-names-nobody",
            Self::MayAct(MayActMismatch::Sub { .. }) => "may-act-sub",
            Self::MayAct(MayActMismatch::Iss { .. }) => "may-act-iss",
            Self::MayAct(MayActMismatch::ClientId { .. }) => "may-act-client-id",
            Self::MayAct(MayActMismatch::Member { .. }) => "may-act-member",
            Self::ActorAlreadyInChain { .. } => "actor-already-in-chain",
            Self::ActDepth { .. } => "act-depth",
            Self::UnsupportedTokenType { .. } => "unsupported-token-type",
            Self::UnregisteredTarget { .. } => "unregistered-target",
            Self::TargetNotPermitted { .. } => "target-not-permitted",
            Self::NoExchangeTargets { .. } => "no-exchange-targets",
            Self::AmbiguousTarget { .. } => "ambiguous-target",
            Self::NoAudience { .. } => "no-audience",
            Self::ScopeNotGrantable { .. } => "scope-not-grantable",
            Self::Expired { .. } => "expired",
        }
    }

    /// The wire rejection (its RFC error code and `error_description`).
    pub fn rejection(&self) -> Rejection {
        let reason = self.to_string();
        match self {
            Self::UnknownClient { .. } | Self::NotAuthenticated { .. } => {
                Rejection::Client { reason }
            }
            Self::PublicClientCredentials { .. }
            | Self::PublicExchange { .. }
            | Self::GrantNotAllowed { .. }
            | Self::NoExchangePermission { .. }
            | Self::DelegationNotAllowed { .. }
            | Self::ImpersonationNotAllowed { .. } => Rejection::UnauthorizedClient { reason },
            Self::KeysNotBound { token, .. }
            | Self::UnknownIssuer { token, .. }
            | Self::NotAnAcceptedAudience { token, .. }
            | Self::UntrustedPresenter { token, .. }
            | Self::ActDepth { token, .. }
            | Self::Expired { token } => token.rejection(reason),
            Self::NotIssuedToRequester { .. }
            | Self::InvalidQualifiedSubject { .. }
            | Self::ChainingNotAllowed { .. }
            | Self::LoopInSubjectChain { .. } => Rejection::SubjectToken { reason },
            Self::ActorCarriesAct
            | Self::ActorNotOwn { .. }
            | Self::MayAct(_)
            | Self::ActorAlreadyInChain { .. } => Rejection::ActorToken { reason },
            Self::UnsupportedTokenType { .. } => Rejection::Request { reason },
            Self::UnregisteredTarget { target } | Self::TargetNotPermitted { target, .. } => {
                Rejection::Target {
                    target: target.clone(),
                    reason,
                }
            }
            Self::NoExchangeTargets { .. }
            | Self::AmbiguousTarget { .. }
            | Self::NoAudience { .. } => Rejection::Target {
                target: String::new(),
                reason,
            },
            Self::ScopeNotGrantable { .. } => Rejection::Scope { reason },
        }
    }
}

/// A value from outside, made log-safe for a denial.
pub(crate) fn safe(s: &str) -> String {
    Truncated(s).to_string()
}

impl fmt::Display for Denial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownClient { client } => write!(f, "unknown client \"{client}\""),
            Self::NotAuthenticated { client } => {
                write!(f, "confidential client \"{client}\" did not authenticate")
            }
            Self::PublicClientCredentials { client } => {
                write!(
                    f,
                    "public client \"{client}\" may not use client_credentials"
                )
            }
            Self::PublicExchange { client } => {
                write!(f, "public client \"{client}\" may not exchange tokens")
            }
            Self::GrantNotAllowed { client, grant } => {
                write!(f, "client \"{client}\" may not use the {grant:?} grant")
            }
            Self::NoExchangePermission { client } => {
                write!(f, "client \"{client}\" holds no exchange permission")
            }
            Self::KeysNotBound { iss, .. } => write!(
                f,
                "token from \"{iss}\" was not verified with a key set bound to its issuer"
            ),
            Self::UnknownIssuer { iss, .. } => write!(
                f,
                "issuer \"{iss}\" is not this realm and not a trusted issuer"
            ),
            Self::NotAnAcceptedAudience { iss, aud, .. } => write!(
                f,
                "token from trusted issuer \"{iss}\" is addressed to [{}], none of its accepted audiences",
                aud.join(",")
            ),
            Self::UntrustedPresenter { client, issuer, .. } => write!(
                f,
                "client \"{client}\" may not present tokens of trusted issuer \"{issuer}\""
            ),
            Self::NotIssuedToRequester {
                client,
                aud,
                token_client_id,
            } => write!(
                f,
                "token was issued to [{}] (client_id \"{token_client_id}\"), not to or for \"{client}\"",
                aud.join(",")
            ),
            Self::InvalidQualifiedSubject { error } => {
                write!(f, "qualified subject is not a valid StringOrURI: {error}")
            }
            Self::ChainingNotAllowed { client } => write!(
                f,
                "token already carries act/may_act and client \"{client}\" may not chain exchanges"
            ),
            Self::DelegationNotAllowed { client } => write!(
                f,
                "client \"{client}\" may not exchange with delegation (actor_token)"
            ),
            Self::ImpersonationNotAllowed { client } => write!(
                f,
                "client \"{client}\" may not exchange without an actor (impersonation)"
            ),
            Self::LoopInSubjectChain { party } => write!(
                f,
                "the subject token's act chain already holds a loop (\"{party}\")"
            ),
            Self::ActorCarriesAct => f.write_str(
                "the actor token itself carries act; present the real actor's own token",
            ),
            Self::ActorNotOwn { client } => write!(
                f,
                "the actor token is not \"{client}\"'s own (its sub, client_id or azp must be the requester)"
            ),
            Self::MayAct(m) => m.fmt(f),
            Self::ActorAlreadyInChain { actor } => write!(
                f,
                "actor \"{actor}\" is already the subject or in the act chain"
            ),
            Self::ActDepth {
                token: TokenRole::Actor,
                depth,
                limit,
            } => write!(f, "act depth would be {depth}, over the limit of {limit}"),
            Self::ActDepth {
                token: TokenRole::Subject,
                depth,
                limit,
            } => write!(
                f,
                "the subject token's act chain has depth {depth}, over the limit of {limit}"
            ),
            Self::UnsupportedTokenType { requested } => write!(
                f,
                "requested_token_type {requested} cannot be issued by this server"
            ),
            Self::UnregisteredTarget { .. } => f.write_str("not a registered audience or resource"),
            Self::TargetNotPermitted { client, .. } => {
                write!(f, "client \"{client}\" may not obtain tokens for it")
            }
            Self::NoExchangeTargets { client } => write!(
                f,
                "no audience or resource requested and client \"{client}\" may exchange for none"
            ),
            Self::AmbiguousTarget { candidates } => write!(
                f,
                "no audience or resource requested and {candidates} targets are possible; name one"
            ),
            Self::NoAudience { client } => {
                write!(f, "client \"{client}\" may obtain no audience")
            }
            Self::ScopeNotGrantable { missing, grantable } => write!(
                f,
                "\"{missing}\" cannot be granted (grantable: \"{grantable}\")"
            ),
            Self::Expired {
                token: TokenRole::Actor,
            } => f.write_str("the actor token has expired (or expires within the second)"),
            Self::Expired {
                token: TokenRole::Subject,
            } => f.write_str("the subject token has expired (or expires within the second)"),
        }
    }
}
