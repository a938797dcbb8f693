//! Decisions: token exchange and `client_credentials`, each returning the outcome and
//! every rule evaluated (POL-EXPLAIN-1).

use std::fmt;

use audex_claims::{
    AccessTokenClaims, Actor, ActorIdentity, Audience, NumericDate, Scope, StringOrUri,
};
use audex_exchange::{ClientCredentialsRequest, Rejection, TokenExchangeRequest, TokenType};
use audex_jose::{SubjectTokenClaims, Verified};

use audex_claims::json::Truncated;

use crate::denial::{Denial, TokenRole};
use crate::detail::Detail;
use crate::realm::{GrantKind, Realm};
use crate::rules;

/// A rule of the engine, in evaluation order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// The requester is a registered client.
    KnownClient,
    /// Public (unauthenticated) clients only where allowed (POL-PUBLIC-1).
    ClientAuthentication,
    /// The client may use this grant.
    GrantAllowed,
    /// The client holds an exchange permission.
    ExchangePermission,
    /// The subject token comes from this realm or a trusted issuer, was verified
    /// with keys bound to its `iss`, and a foreign one is addressed to an accepted
    /// audience (POL-XISS-1, POL-XISS-2).
    SubjectIssuer,
    /// The requester is the subject token's audience, `azp` or `client_id`; for a
    /// foreign token, one of the clients its trusted issuer names (POL-WHO-1,
    /// POL-XISS-2).
    SubjectAudience,
    /// The issued `sub`: kept for this realm's tokens, qualified for foreign ones
    /// (POL-XISS-2).
    SubjectIdentity,
    /// A token already carrying `act` / `may_act` is only re-exchanged without an
    /// actor where chaining is allowed.
    Chaining,
    /// Delegation or impersonation is allowed for this client (POL-DELEG-1).
    ExchangeMode,
    /// The actor token comes from this realm or a trusted issuer.
    ActorIssuer,
    /// The actor token is the requester's own and carries no `act` (POL-ACTOR-1).
    ActorToken,
    /// `may_act`, when present, names the actor (TE-MAYACT-1, POL-MAYACT-2).
    MayAct,
    /// `act` depth within the limit, no actor twice (POL-CHAIN-1).
    ActorChain,
    /// The requested token type can be issued.
    TokenType,
    /// Every target is registered and obtainable (POL-TARGET-1).
    Targets,
    /// Granted scope within subject ∩ client ∩ targets (POL-SCOPE-1).
    Scope,
    /// Lifetime capped (POL-LIFE-1).
    Lifetime,
    /// Refresh token only where allowed, never with an actor (POL-REFRESH-1).
    RefreshToken,
}

impl Rule {
    /// A short kebab-case name for logs and CLI output.
    pub fn name(self) -> &'static str {
        match self {
            Self::KnownClient => "known-client",
            Self::ClientAuthentication => "client-authentication",
            Self::GrantAllowed => "grant-allowed",
            Self::ExchangePermission => "exchange-permission",
            Self::SubjectIssuer => "subject-issuer",
            Self::SubjectAudience => "subject-audience",
            Self::SubjectIdentity => "subject-identity",
            Self::Chaining => "chaining",
            Self::ExchangeMode => "exchange-mode",
            Self::ActorIssuer => "actor-issuer",
            Self::ActorToken => "actor-token",
            Self::MayAct => "may-act",
            Self::ActorChain => "actor-chain",
            Self::TokenType => "token-type",
            Self::Targets => "targets",
            Self::Scope => "scope",
            Self::Lifetime => "lifetime",
            Self::RefreshToken => "refresh-token",
        }
    }
}

/// One evaluated rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The rule.
    pub rule: Rule,
    /// Whether it passed.
    pub passed: bool,
    /// What was checked and found (on failure, the wire rejection's text; the typed
    /// reason is [`Decision::denial`]).
    pub detail: Detail,
}

/// What to issue when a request is granted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuePlan {
    /// `iss`: the realm issuer.
    pub iss: StringOrUri,
    /// `sub`
    pub sub: StringOrUri,
    /// `aud`: a string when single, an array when several.
    pub aud: Audience,
    /// `azp` and `client_id`: the requester.
    pub client_id: String,
    /// `scope` granted.
    pub scope: Scope,
    /// Whether the granted scope differs from the requested one, counting "none
    /// requested, some granted" as different (the response must then carry `scope`,
    /// RFC 8693 §2.2.1, TE-RES-2).
    pub scope_differs: bool,
    /// `act`: current actor outermost.
    pub act: Option<Actor>,
    /// `may_act` carried over from the subject token on impersonation, so that a
    /// later hop stays bound by it (POL-MAYACT-2); its `iss` is always filled in.
    pub may_act: Option<ActorIdentity>,
    /// `iat`
    pub iat: NumericDate,
    /// `exp`
    pub exp: NumericDate,
    /// The issued token type.
    pub issued_token_type: TokenType,
    /// Whether a refresh token may be issued.
    pub refresh_token: bool,
}

impl IssuePlan {
    /// Seconds from `iat` to `exp`, for `expires_in`. The engine issues whole-second
    /// `iat` and `exp`, so this is exact.
    pub fn expires_in(&self) -> u64 {
        self.exp.secs().saturating_sub(self.iat.secs())
    }

    /// The access-token claims to sign; `jti` comes from the caller (the engine has
    /// no randomness).
    pub fn claims(&self, jti: impl Into<String>) -> AccessTokenClaims {
        AccessTokenClaims {
            iss: self.iss.clone(),
            exp: self.exp,
            aud: self.aud.clone(),
            sub: self.sub.clone(),
            client_id: self.client_id.clone(),
            iat: self.iat,
            jti: jti.into(),
            nbf: None,
            scope: (!self.scope.is_empty()).then(|| self.scope.clone()),
            azp: Some(self.client_id.clone()),
            act: self.act.clone(),
            may_act: self.may_act.clone(),
            auth_time: None,
            acr: None,
            amr: None,
            groups: None,
            roles: None,
            entitlements: None,
            extra: serde_json::Map::new(),
        }
    }
}

/// The outcome of a decision plus every rule evaluated. A denial is a value, not an
/// error: it carries the wire rejection. Only the engine builds one.
#[derive(Clone, Debug)]
#[must_use = "a decision must be acted on: issue on grant, answer the rejection on denial"]
pub struct Decision {
    outcome: Result<IssuePlan, Rejection>,
    denial: Option<Denial>,
    steps: Vec<Step>,
}

impl Decision {
    /// Grant with a plan, or deny with a rejection (and its RFC error code).
    pub fn outcome(&self) -> &Result<IssuePlan, Rejection> {
        &self.outcome
    }

    /// Gives up the explanation and returns the outcome.
    pub fn into_outcome(self) -> Result<IssuePlan, Rejection> {
        self.outcome
    }

    /// Rules in evaluation order; on denial the last one failed and decided.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Whether the request was granted.
    pub fn is_granted(&self) -> bool {
        self.outcome.is_ok()
    }

    /// The typed reason of a denial (`None` on grant).
    pub fn denial(&self) -> Option<&Denial> {
        self.denial.as_ref()
    }

    /// The rule that decided: the failing one on denial, the last one on grant.
    pub fn deciding_rule(&self) -> Option<Rule> {
        self.steps
            .iter()
            .find(|s| !s.passed)
            .or(self.steps.last())
            .map(|s| s.rule)
    }
}

impl fmt::Display for Decision {
    /// A multi-line explanation for logs and the CLI.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.outcome {
            Ok(plan) => writeln!(
                f,
                "GRANT aud={} scope=\"{}\" exp={}",
                aud_text(&plan.aud),
                plan.scope,
                plan.exp
            )?,
            Err(r) => writeln!(f, "DENY {}: {}", r.error_code(), r)?,
        }
        for s in &self.steps {
            writeln!(
                f,
                "  {} {:<22} {}",
                if s.passed { "pass" } else { "FAIL" },
                s.rule.name(),
                s.detail
            )?;
        }
        Ok(())
    }
}

/// Who is asking: the client id, and whether it authenticated.
#[derive(Clone, Copy, Debug)]
pub struct Requester<'a> {
    /// The client id.
    pub client_id: &'a str,
    /// Whether the client authenticated (secret or assertion verified by the server).
    pub authenticated: bool,
}

/// Everything a token-exchange decision looks at. Tokens come in as
/// [`Verified`] values: only `audex-jose` can produce them, so an unverified token
/// cannot reach the engine. The engine also requires that they were verified with a
/// key set bound to their own `iss` ([`audex_jose::KeySet::for_issuer`]).
#[derive(Clone, Copy, Debug)]
pub struct ExchangeInput<'a> {
    /// The requesting client.
    pub requester: Requester<'a>,
    /// The verified subject token.
    pub subject: &'a Verified<SubjectTokenClaims>,
    /// The verified actor token, for delegation.
    pub actor: Option<&'a Verified<SubjectTokenClaims>>,
    /// The request (targets, scope, requested token type).
    pub request: &'a TokenExchangeRequest,
    /// The current time.
    pub now: NumericDate,
}

/// How many rules there are (the last rule's index + 1; `Rule` lists them in
/// evaluation order), so that a trace never reallocates.
const RULE_COUNT: usize = Rule::RefreshToken as usize + 1;

struct Trace {
    steps: Vec<Step>,
}

impl Trace {
    fn new() -> Self {
        Self {
            steps: Vec::with_capacity(RULE_COUNT),
        }
    }

    fn pass(&mut self, rule: Rule, detail: Detail) {
        self.steps.push(Step {
            rule,
            passed: true,
            detail,
        });
    }

    fn fail(mut self, rule: Rule, denial: Denial) -> Decision {
        let rejection = denial.rejection();
        self.steps.push(Step {
            rule,
            passed: false,
            detail: Detail::from(rejection.to_string()),
        });
        Decision {
            outcome: Err(rejection),
            denial: Some(denial),
            steps: self.steps,
        }
    }
}

/// Runs one rule: records its step and yields what it established, or records the
/// failure and returns the denial from the enclosing decide function.
macro_rules! rule {
    ($trace:ident, $rule:expr, $check:expr) => {
        match $check {
            Ok((value, detail)) => {
                $trace.pass($rule, detail);
                value
            }
            Err(denial) => return $trace.fail($rule, denial),
        }
    };
}

fn aud_text(a: &Audience) -> String {
    a.iter()
        .map(|v| Truncated(v.as_str()).to_string())
        .collect::<Vec<_>>()
        .join(",")
}

impl Realm {
    /// The `aud` of an issued token: a string when one target, an array when several.
    /// The one place an issued audience is built.
    fn issued_audience(&self, targets: &[usize]) -> Audience {
        Audience::from_values(
            targets
                .iter()
                .filter_map(|i| self.target(*i))
                .map(|t| StringOrUri::new_lenient(t.audience.clone())),
        )
    }

    /// Decides a token exchange (RFC 8693) with every rule of the realm, in
    /// [`Rule`] order.
    pub fn decide_exchange(&self, input: &ExchangeInput<'_>) -> Decision {
        let mut trace = Trace::new();
        let grant = GrantKind::TokenExchange;
        let client = rule!(
            trace,
            Rule::KnownClient,
            rules::known_client(self, input.requester)
        );
        rule!(
            trace,
            Rule::ClientAuthentication,
            rules::client_authentication(self, client, input.requester, grant)
        );
        rule!(
            trace,
            Rule::GrantAllowed,
            rules::grant_allowed(client, grant)
        );
        let perm = rule!(
            trace,
            Rule::ExchangePermission,
            rules::exchange_permission(self, client)
        );

        let subject = input.subject.claims();
        let origin = rule!(
            trace,
            Rule::SubjectIssuer,
            rules::origin(self, input.subject, TokenRole::Subject)
        );
        rule!(
            trace,
            Rule::SubjectAudience,
            rules::subject_audience(origin, subject, client)
        );
        let sub = rule!(
            trace,
            Rule::SubjectIdentity,
            rules::subject_identity(origin, subject)
        );
        let with_actor = input.actor.is_some();
        rule!(
            trace,
            Rule::Chaining,
            rules::chaining(perm, subject, with_actor, client)
        );
        rule!(
            trace,
            Rule::ExchangeMode,
            rules::exchange_mode(perm, with_actor, client)
        );

        let subject_party = rules::subject_party(subject);
        let prior = rules::prior_chain(origin, subject);
        let may_act = rules::may_act_of(subject);
        if let Err(denial) = rules::no_loop_in_prior_chain(prior.as_ref(), &subject_party) {
            return trace.fail(Rule::ActorChain, denial);
        }
        let mut act = prior.clone();
        if let Some(actor_v) = input.actor {
            let actor = actor_v.claims();
            let actor_origin = rule!(
                trace,
                Rule::ActorIssuer,
                rules::actor_issuer(self, actor_v, client)
            );
            rule!(
                trace,
                Rule::ActorToken,
                rules::actor_token(perm, actor, actor_origin, client)
            );
            rule!(trace, Rule::MayAct, rules::may_act(may_act.as_ref(), actor));
            match rules::add_actor(actor, &subject_party, prior.as_ref()) {
                Ok(chain) => act = Some(chain),
                Err(denial) => return trace.fail(Rule::ActorChain, denial),
            }
        }
        rule!(
            trace,
            Rule::ActorChain,
            rules::act_depth(self, act.as_ref(), with_actor)
        );

        let issued_token_type = rule!(trace, Rule::TokenType, rules::token_type(input.request));
        let targets = rule!(
            trace,
            Rule::Targets,
            rules::exchange_targets(self, client, perm, input.request)
        );
        // POL-SCOPE-1: subject ∩ what the permission lets the client hold ∩ targets.
        let grantable = subject
            .scope
            .clone()
            .unwrap_or_default()
            .intersection(&perm.allowed_scopes)
            .intersection(&rules::target_scope(self, &targets));
        let (scope, scope_differs) = rule!(
            trace,
            Rule::Scope,
            rules::scope(self, input.request.scope.as_ref(), &grantable)
        );
        let (iat, exp) = rule!(
            trace,
            Rule::Lifetime,
            rules::exchange_lifetime(
                self,
                subject.exp,
                input.actor.map(|a| a.claims().exp),
                input.now
            )
        );
        let refresh_token = rule!(
            trace,
            Rule::RefreshToken,
            rules::refresh_token(self, act.as_ref())
        );

        Decision {
            outcome: Ok(IssuePlan {
                iss: self.issuer.clone(),
                sub,
                aud: self.issued_audience(&targets),
                client_id: client.id.clone(),
                scope,
                scope_differs,
                may_act: if with_actor { None } else { may_act },
                act,
                iat,
                exp,
                issued_token_type,
                refresh_token,
            }),
            denial: None,
            steps: trace.steps,
        }
    }

    /// Decides a `client_credentials` request: audiences from the client's allowed
    /// set and client scopes (all of them when none is requested); scopes from its
    /// allowed scopes (its defaults when none is requested), and only those that the
    /// granted targets understand.
    pub fn decide_client_credentials(
        &self,
        requester: Requester<'_>,
        request: &ClientCredentialsRequest,
        now: NumericDate,
    ) -> Decision {
        let mut trace = Trace::new();
        let grant = GrantKind::ClientCredentials;
        let client = rule!(
            trace,
            Rule::KnownClient,
            rules::known_client(self, requester)
        );
        rule!(
            trace,
            Rule::ClientAuthentication,
            rules::client_authentication(self, client, requester, grant)
        );
        rule!(
            trace,
            Rule::GrantAllowed,
            rules::grant_allowed(client, grant)
        );
        let targets = rule!(
            trace,
            Rule::Targets,
            rules::client_targets(self, client, &request.audience, &request.resource)
        );
        let target_scope = rules::target_scope(self, &targets);
        let requested = request.scope.as_ref();
        let grantable = match requested {
            None => client.default_scopes.intersection(&target_scope),
            Some(_) => client.allowed_scopes.intersection(&target_scope),
        };
        let (scope, scope_differs) = rule!(
            trace,
            Rule::Scope,
            rules::scope(self, requested, &grantable)
        );
        let (iat, exp) = rule!(trace, Rule::Lifetime, rules::client_lifetime(self, now));
        Decision {
            outcome: Ok(IssuePlan {
                iss: self.issuer.clone(),
                sub: StringOrUri::new_lenient(client.id.clone()),
                aud: self.issued_audience(&targets),
                client_id: client.id.clone(),
                scope_differs,
                scope,
                act: None,
                may_act: None,
                iat,
                exp,
                issued_token_type: TokenType::AccessToken,
                refresh_token: false,
            }),
            denial: None,
            steps: trace.steps,
        }
    }
}
