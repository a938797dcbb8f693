//! Decisions: token exchange and `client_credentials`, each returning the outcome and
//! every rule evaluated (POL-EXPLAIN-1).

use std::fmt;
use std::time::Duration;

use audex_claims::{
    AccessTokenClaims, Actor, ActorIdentity, Audience, NumericDate, Scope, StringOrUri,
};
use audex_exchange::{ClientCredentialsRequest, Rejection, TokenExchangeRequest, TokenType};
use audex_jose::{SubjectTokenClaims, Verified};

use audex_claims::json::Truncated;

use crate::realm::{
    Client, ClientKind, GrantKind, Realm, ScopeMode, SubjectMapping, TrustedIssuer,
};

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
    /// What was checked and found.
    pub detail: String,
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

struct Trace {
    steps: Vec<Step>,
}

impl Trace {
    fn pass(&mut self, rule: Rule, detail: impl Into<String>) {
        self.steps.push(Step {
            rule,
            passed: true,
            detail: detail.into(),
        });
    }

    fn fail(mut self, rule: Rule, rejection: Rejection) -> Decision {
        self.steps.push(Step {
            rule,
            passed: false,
            detail: rejection.to_string(),
        });
        Decision {
            outcome: Err(rejection),
            steps: self.steps,
        }
    }
}

/// Where a verified token comes from.
#[derive(Clone, Copy)]
enum Origin<'r> {
    /// This realm.
    Local,
    /// A trusted external issuer.
    Trusted(&'r TrustedIssuer),
}

impl Origin<'_> {
    /// `iss` to give a foreign `act` / `may_act` entry that names none.
    fn fill_iss(self, identity: &mut ActorIdentity, token_iss: &StringOrUri) {
        if identity.iss.is_none() {
            identity.iss = Some(token_iss.clone());
        }
    }
}

fn identity_of(c: &AccessTokenClaims) -> ActorIdentity {
    ActorIdentity {
        sub: Some(c.sub.clone()),
        iss: Some(c.iss.clone()),
        client_id: Some(c.client_id.clone()),
        other: serde_json::Map::new(),
    }
}

/// The earlier of two dates.
fn min_date(a: NumericDate, b: NumericDate) -> NumericDate {
    if a <= b { a } else { b }
}

/// A date cut to its whole second (never later than the input).
fn whole_second(d: NumericDate) -> NumericDate {
    NumericDate::UNIX_EPOCH.saturating_add(Duration::from_secs(d.secs()))
}

/// An `act` chain with every entry that names no issuer given `iss`
/// (a foreign token's chain, POL-XISS-2).
fn chain_with_iss(chain: &Actor, iss: &StringOrUri) -> Actor {
    let mut ids: Vec<ActorIdentity> = chain.iter().cloned().collect();
    for id in &mut ids {
        if id.iss.is_none() {
            id.iss = Some(iss.clone());
        }
    }
    let mut out: Option<Actor> = None;
    while let Some(id) = ids.pop() {
        out = Some(Actor::delegate(id, out));
    }
    out.unwrap_or_else(|| chain.clone())
}

/// The first party that appears twice in `chain` or that is the subject itself.
fn loop_in(chain: &Actor, subject: &ActorIdentity) -> Option<String> {
    let ids: Vec<&ActorIdentity> = chain.iter().collect();
    for (i, a) in ids.iter().enumerate() {
        let again = ids.iter().skip(i + 1).any(|b| a.same_party(b));
        if again || a.same_party(subject) {
            return Some(
                a.sub
                    .as_ref()
                    .map(|s| s.as_str().to_owned())
                    .or_else(|| a.client_id.clone())
                    .unwrap_or_default(),
            );
        }
    }
    None
}

/// TE-MAYACT-1 with POL-MAYACT-2: a missing `iss` in `may_act` means the subject
/// token's issuer; every member present (identity or other) must equal the actor's.
/// Unknown members are compared with the actor token's claims of the same name, and
/// fail when absent there.
fn may_act_permits(may: &ActorIdentity, actor: &AccessTokenClaims) -> Result<(), String> {
    if may.sub.is_none() && may.client_id.is_none() {
        return Err("may_act names neither sub nor client_id, so it authorises nobody".into());
    }
    if let Some(sub) = &may.sub
        && *sub != actor.sub
    {
        return Err(format!(
            "may_act names sub \"{}\", the actor is \"{}\"",
            Truncated(sub.as_str()),
            Truncated(actor.sub.as_str())
        ));
    }
    if let Some(iss) = &may.iss
        && *iss != actor.iss
    {
        return Err(format!(
            "may_act names iss \"{}\", the actor token is from \"{}\"",
            Truncated(iss.as_str()),
            Truncated(actor.iss.as_str())
        ));
    }
    if let Some(id) = &may.client_id
        && *id != actor.client_id
    {
        return Err(format!(
            "may_act names client_id \"{}\", the actor's is \"{}\"",
            Truncated(id),
            Truncated(&actor.client_id)
        ));
    }
    for (name, want) in &may.other {
        if actor.extra.get(name) != Some(want) {
            return Err(format!(
                "may_act member \"{}\" does not match the actor token",
                Truncated(name)
            ));
        }
    }
    Ok(())
}

fn aud_text(a: &Audience) -> String {
    a.iter()
        .map(|v| Truncated(v.as_str()).to_string())
        .collect::<Vec<_>>()
        .join(",")
}

impl Realm {
    fn lifetime(&self) -> Duration {
        self.token.default_lifetime.min(self.token.max_lifetime)
    }

    /// Where a verified token comes from: this realm, or a trusted issuer whose
    /// accepted audiences the token is addressed to. The keys that verified it must be
    /// bound to its `iss` (POL-XISS-2, BCP-ISS-1).
    fn origin(&self, v: &Verified<SubjectTokenClaims>) -> Result<(Origin<'_>, String), String> {
        let c = v.claims();
        let iss = c.iss.as_str();
        if v.key_issuer() != Some(&c.iss) {
            return Err(format!(
                "token from \"{}\" was not verified with a key set bound to its issuer",
                Truncated(iss)
            ));
        }
        if iss == self.issuer.as_str() {
            return Ok((Origin::Local, format!("issued by this realm ({iss})")));
        }
        let Some(t) = self.trusted.get(iss) else {
            return Err(format!(
                "issuer \"{}\" is not this realm and not a trusted issuer",
                Truncated(iss)
            ));
        };
        match t.accepted_audiences.iter().find(|a| c.aud.contains(a)) {
            Some(a) => Ok((
                Origin::Trusted(t),
                format!("issued by trusted issuer {iss}, addressed to accepted audience \"{a}\""),
            )),
            None => Err(format!(
                "token from trusted issuer \"{iss}\" is addressed to [{}], none of its accepted audiences",
                aud_text(&c.aud)
            )),
        }
    }

    /// KnownClient, ClientAuthentication and GrantAllowed, each failure with its own
    /// rule.
    fn client_checks<'r>(
        &'r self,
        trace: &mut Trace,
        requester: Requester<'_>,
        grant: GrantKind,
    ) -> Result<&'r Client, (Rule, Rejection)> {
        let Some(c) = self.clients.get(requester.client_id) else {
            return Err((
                Rule::KnownClient,
                Rejection::Client {
                    reason: format!("unknown client \"{}\"", Truncated(requester.client_id)),
                },
            ));
        };
        trace.pass(
            Rule::KnownClient,
            format!("client \"{}\" is registered", c.id),
        );
        let auth = match c.kind {
            ClientKind::Confidential if !requester.authenticated => Err(Rejection::Client {
                reason: format!("confidential client \"{}\" did not authenticate", c.id),
            }),
            ClientKind::Confidential => Ok("confidential client authenticated"),
            ClientKind::Public if grant == GrantKind::ClientCredentials => {
                Err(Rejection::UnauthorizedClient {
                    reason: format!("public client \"{}\" may not use client_credentials", c.id),
                })
            }
            ClientKind::Public if self.exchanges.get(&c.id).is_some_and(|p| p.allow_public) => {
                Ok("public client; exchange explicitly allowed")
            }
            ClientKind::Public => Err(Rejection::UnauthorizedClient {
                reason: format!("public client \"{}\" may not exchange tokens", c.id),
            }),
        };
        match auth {
            Ok(detail) => trace.pass(Rule::ClientAuthentication, detail),
            Err(r) => return Err((Rule::ClientAuthentication, r)),
        }
        if !c.grants.contains(&grant) {
            return Err((
                Rule::GrantAllowed,
                Rejection::UnauthorizedClient {
                    reason: format!("client \"{}\" may not use the {grant:?} grant", c.id),
                },
            ));
        }
        trace.pass(
            Rule::GrantAllowed,
            format!("{grant:?} is allowed for \"{}\"", c.id),
        );
        Ok(c)
    }

    /// Resolves requested targets (audience values, then resources) to target indexes,
    /// each of which must be in `permitted`. With none requested, `default` decides.
    fn resolve_targets(
        &self,
        client: &Client,
        permitted: &dyn Fn(usize) -> bool,
        audience: &[String],
        resource: &[audex_exchange::ResourceUri],
    ) -> Result<(Vec<usize>, String), Rejection> {
        let mut out: Vec<usize> = Vec::new();
        let requested = audience
            .iter()
            .map(|a| (a.as_str(), self.by_audience.get(a)))
            .chain(
                resource
                    .iter()
                    .map(|r| (r.as_str(), self.by_resource.get(r.as_str()))),
            );
        for (value, idx) in requested {
            let idx = *idx.ok_or_else(|| Rejection::Target {
                target: Truncated(value).to_string(),
                reason: "not a registered audience or resource".into(),
            })?;
            if !permitted(idx) {
                return Err(Rejection::Target {
                    target: Truncated(value).to_string(),
                    reason: format!("client \"{}\" may not obtain tokens for it", client.id),
                });
            }
            if !out.contains(&idx) {
                out.push(idx);
            }
        }
        let names: Vec<&str> = out
            .iter()
            .filter_map(|i| self.target(*i))
            .map(|t| t.audience.as_str())
            .collect();
        Ok((
            out,
            format!("requested targets permitted: {}", names.join(", ")),
        ))
    }

    fn grant_scope(
        &self,
        requested: Option<&Scope>,
        grantable: &Scope,
    ) -> Result<(Scope, bool, String), Rejection> {
        match requested {
            None => Ok((
                grantable.clone(),
                !grantable.is_empty(),
                format!("no scope requested; granted \"{grantable}\""),
            )),
            Some(req) => {
                let missing = req.difference(grantable);
                if missing.is_empty() {
                    return Ok((
                        req.clone(),
                        false,
                        format!("requested \"{req}\" within \"{grantable}\""),
                    ));
                }
                match self.limits.scope_mode {
                    ScopeMode::Strict => Err(Rejection::Scope {
                        reason: format!(
                            "\"{missing}\" cannot be granted (grantable: \"{grantable}\")"
                        ),
                    }),
                    ScopeMode::Lenient => {
                        let granted = req.intersection(grantable);
                        Ok((
                            granted.clone(),
                            true,
                            format!("dropped \"{missing}\"; granted \"{granted}\""),
                        ))
                    }
                }
            }
        }
    }

    /// The `aud` of an issued token: a string when one target, an array when several.
    fn issued_audience(&self, targets: &[usize]) -> Audience {
        Audience::from_values(
            targets
                .iter()
                .filter_map(|i| self.target(*i))
                .map(|t| StringOrUri::new_lenient(t.audience.clone())),
        )
    }

    /// Decides a token exchange (RFC 8693) with every rule of the realm.
    pub fn decide_exchange(&self, input: &ExchangeInput<'_>) -> Decision {
        let mut trace = Trace { steps: Vec::new() };
        let client = match self.client_checks(&mut trace, input.requester, GrantKind::TokenExchange)
        {
            Ok(c) => c,
            Err((rule, r)) => return trace.fail(rule, r),
        };
        let id = client.id.as_str();
        let Some(perm) = self.exchanges.get(id) else {
            return trace.fail(
                Rule::ExchangePermission,
                Rejection::UnauthorizedClient {
                    reason: format!("client \"{id}\" holds no exchange permission"),
                },
            );
        };
        trace.pass(
            Rule::ExchangePermission,
            format!("exchange permission found for \"{id}\""),
        );

        // POL-XISS-1, POL-XISS-2: where the subject token comes from.
        let subject = input.subject.claims();
        let origin = match self.origin(input.subject) {
            Ok((o, d)) => {
                trace.pass(Rule::SubjectIssuer, d);
                o
            }
            Err(reason) => {
                return trace.fail(Rule::SubjectIssuer, Rejection::SubjectToken { reason });
            }
        };

        // POL-WHO-1: our own tokens must have been issued to or for the requester; a
        // foreign token's azp/client_id live in another namespace and never match, so
        // its trusted issuer names the local clients that may present it.
        match origin {
            Origin::Local => {
                let who = subject.aud.contains(id)
                    || subject.azp.as_deref() == Some(id)
                    || subject.client_id == id;
                if !who {
                    return trace.fail(
                        Rule::SubjectAudience,
                        Rejection::SubjectToken {
                            reason: format!(
                                "token was issued to [{}] (client_id \"{}\"), not to or for \"{id}\"",
                                aud_text(&subject.aud),
                                Truncated(&subject.client_id)
                            ),
                        },
                    );
                }
                trace.pass(
                    Rule::SubjectAudience,
                    format!("\"{id}\" is in the subject token's aud, azp or client_id"),
                );
            }
            Origin::Trusted(t) => {
                if !t.clients.iter().any(|c| c == id) {
                    return trace.fail(
                        Rule::SubjectAudience,
                        Rejection::SubjectToken {
                            reason: format!(
                                "client \"{id}\" may not present tokens of trusted issuer \"{}\"",
                                t.issuer
                            ),
                        },
                    );
                }
                trace.pass(
                    Rule::SubjectAudience,
                    format!(
                        "\"{id}\" is one of the clients that may present tokens of {}",
                        t.issuer
                    ),
                );
            }
        }

        // POL-XISS-2: a foreign subject never becomes a local one.
        let sub = match origin {
            Origin::Local => {
                trace.pass(Rule::SubjectIdentity, "local subject kept");
                subject.sub.clone()
            }
            Origin::Trusted(t) => match &t.subject {
                SubjectMapping::Keep => {
                    trace.pass(
                        Rule::SubjectIdentity,
                        format!("foreign subject kept as is (keep_subject) for {}", t.issuer),
                    );
                    subject.sub.clone()
                }
                SubjectMapping::Prefix(p) => {
                    match StringOrUri::new(format!("{p}{}", subject.sub.as_str())) {
                        Ok(s) => {
                            trace.pass(
                                Rule::SubjectIdentity,
                                format!(
                                    "foreign subject qualified as \"{}\"",
                                    Truncated(s.as_str())
                                ),
                            );
                            s
                        }
                        Err(e) => {
                            return trace.fail(
                                Rule::SubjectIdentity,
                                Rejection::SubjectToken {
                                    reason: format!(
                                        "qualified subject is not a valid StringOrURI: {e}"
                                    ),
                                },
                            );
                        }
                    }
                }
            },
        };
        let subject_identity = ActorIdentity {
            sub: Some(subject.sub.clone()),
            iss: Some(subject.iss.clone()),
            ..ActorIdentity::default()
        };
        let prior_act = subject.act.as_ref().map(|a| match origin {
            Origin::Local => a.clone(),
            Origin::Trusted(_) => chain_with_iss(a, &subject.iss),
        });
        // A may_act without iss means the subject token's issuer (POL-MAYACT-2).
        let may_act = subject.may_act.clone().map(|mut m| {
            origin.fill_iss(&mut m, &subject.iss);
            m
        });

        let carries_chain = subject.act.is_some() || subject.may_act.is_some();
        match input.actor {
            None if carries_chain && !perm.chaining => {
                return trace.fail(
                    Rule::Chaining,
                    Rejection::SubjectToken {
                        reason: format!(
                            "token already carries act/may_act and client \"{id}\" may not chain exchanges"
                        ),
                    },
                );
            }
            None if carries_chain => trace.pass(
                Rule::Chaining,
                "token carries act/may_act; chaining allowed for this client",
            ),
            Some(_) if carries_chain => trace.pass(
                Rule::Chaining,
                "token carries act/may_act; delegation is checked by the actor rules",
            ),
            _ => trace.pass(Rule::Chaining, "no prior act/may_act"),
        }

        match input.actor {
            Some(_) if !perm.delegation => {
                return trace.fail(
                    Rule::ExchangeMode,
                    Rejection::UnauthorizedClient {
                        reason: format!(
                            "client \"{id}\" may not exchange with delegation (actor_token)"
                        ),
                    },
                );
            }
            None if !perm.impersonation => {
                return trace.fail(
                    Rule::ExchangeMode,
                    Rejection::UnauthorizedClient {
                        reason: format!(
                            "client \"{id}\" may not exchange without an actor (impersonation)"
                        ),
                    },
                );
            }
            Some(_) => trace.pass(Rule::ExchangeMode, "delegation allowed"),
            None => trace.pass(Rule::ExchangeMode, "impersonation allowed"),
        }

        // Loops already in the subject's chain are refused, not only new ones.
        if let Some(chain) = &prior_act
            && let Some(who) = loop_in(chain, &subject_identity)
        {
            return trace.fail(
                Rule::ActorChain,
                Rejection::SubjectToken {
                    reason: format!(
                        "the subject token's act chain already holds a loop (\"{}\")",
                        Truncated(&who)
                    ),
                },
            );
        }

        let mut act = prior_act.clone();
        if let Some(actor_v) = input.actor {
            let actor = actor_v.claims();
            let actor_origin = match self.origin(actor_v) {
                Ok((o, d)) => {
                    if let Origin::Trusted(t) = o
                        && !t.clients.iter().any(|c| c == id)
                    {
                        return trace.fail(
                            Rule::ActorIssuer,
                            Rejection::ActorToken {
                                reason: format!(
                                    "client \"{id}\" may not present tokens of trusted issuer \"{}\"",
                                    t.issuer
                                ),
                            },
                        );
                    }
                    trace.pass(Rule::ActorIssuer, d);
                    o
                }
                Err(reason) => {
                    return trace.fail(Rule::ActorIssuer, Rejection::ActorToken { reason });
                }
            };

            // POL-ACTOR-1.
            if actor.act.is_some() {
                return trace.fail(
                    Rule::ActorToken,
                    Rejection::ActorToken {
                        reason:
                            "the actor token itself carries act; present the real actor's own token"
                                .into(),
                    },
                );
            }
            let own = matches!(actor_origin, Origin::Local)
                && (actor.sub.as_str() == id
                    || actor.client_id == id
                    || actor.azp.as_deref() == Some(id));
            if own {
                trace.pass(Rule::ActorToken, format!("actor token belongs to \"{id}\""));
            } else if perm.third_party_actors {
                trace.pass(
                    Rule::ActorToken,
                    format!(
                        "actor token of another party; third_party_actors allowed for \"{id}\""
                    ),
                );
            } else {
                return trace.fail(
                    Rule::ActorToken,
                    Rejection::ActorToken {
                        reason: format!(
                            "the actor token is not \"{id}\"'s own (its sub, client_id or azp must be the requester)"
                        ),
                    },
                );
            }

            match &may_act {
                Some(may) => match may_act_permits(may, actor) {
                    Ok(()) => trace.pass(
                        Rule::MayAct,
                        format!("may_act names \"{}\"", Truncated(actor.sub.as_str())),
                    ),
                    Err(reason) => {
                        return trace.fail(Rule::MayAct, Rejection::ActorToken { reason });
                    }
                },
                None => trace.pass(Rule::MayAct, "no may_act in the subject token"),
            }

            let identity = identity_of(actor);
            let is_subject = identity.same_party(&subject_identity);
            if is_subject || prior_act.as_ref().is_some_and(|a| a.contains(&identity)) {
                return trace.fail(
                    Rule::ActorChain,
                    Rejection::ActorToken {
                        reason: format!(
                            "actor \"{}\" is already the subject or in the act chain",
                            Truncated(actor.sub.as_str())
                        ),
                    },
                );
            }
            act = Some(Actor::delegate(identity, act));
        }
        let depth = act.as_ref().map_or(0, Actor::depth);
        if depth > self.limits.max_act_depth {
            let limit = self.limits.max_act_depth;
            return trace.fail(
                Rule::ActorChain,
                if input.actor.is_some() {
                    Rejection::ActorToken {
                        reason: format!("act depth would be {depth}, over the limit of {limit}"),
                    }
                } else {
                    Rejection::SubjectToken {
                        reason: format!(
                            "the subject token's act chain has depth {depth}, over the limit of {limit}"
                        ),
                    }
                },
            );
        }
        trace.pass(
            Rule::ActorChain,
            format!("act depth {depth} within {}", self.limits.max_act_depth),
        );

        let issued_token_type = match &input.request.requested_token_type {
            None | Some(TokenType::AccessToken) => TokenType::AccessToken,
            Some(TokenType::Jwt) => TokenType::Jwt,
            Some(other) => {
                return trace.fail(
                    Rule::TokenType,
                    Rejection::Request {
                        reason: format!(
                            "requested_token_type {} cannot be issued by this server",
                            Truncated(other.as_str())
                        ),
                    },
                );
            }
        };
        trace.pass(Rule::TokenType, format!("issuing {issued_token_type}"));

        // POL-TARGET-1: for exchange, only the permission's own targets.
        let permitted = |idx: usize| perm.targets.contains(&idx);
        let targets = match self.resolve_targets(
            client,
            &permitted,
            &input.request.audience,
            &input.request.resource,
        ) {
            Ok((t, d)) if !t.is_empty() => {
                trace.pass(Rule::Targets, d);
                t
            }
            Ok(_) => {
                match perm.target_order.as_slice() {
                    [one] => {
                        let name = self.target(*one).map_or("", |t| t.audience.as_str());
                        trace.pass(
                        Rule::Targets,
                        format!("no target requested; the permission's only target \"{name}\" applies"),
                    );
                        vec![*one]
                    }
                    [] => {
                        return trace.fail(
                        Rule::Targets,
                        Rejection::Target {
                            target: String::new(),
                            reason: format!(
                                "no audience or resource requested and client \"{id}\" may exchange for none"
                            ),
                        },
                    );
                    }
                    many => {
                        return trace.fail(
                        Rule::Targets,
                        Rejection::Target {
                            target: String::new(),
                            reason: format!(
                                "no audience or resource requested and {} targets are possible; name one",
                                many.len()
                            ),
                        },
                    );
                    }
                }
            }
            Err(r) => return trace.fail(Rule::Targets, r),
        };

        // POL-SCOPE-1: subject ∩ what the permission lets the client hold ∩ targets.
        let subject_scope = subject.scope.clone().unwrap_or_default();
        let target_scope = targets
            .iter()
            .filter_map(|i| self.target(*i))
            .fold(Scope::empty(), |acc, t| acc.union(&t.scopes));
        let grantable = subject_scope
            .intersection(&perm.allowed_scopes)
            .intersection(&target_scope);
        let (scope, scope_differs, detail) =
            match self.grant_scope(input.request.scope.as_ref(), &grantable) {
                Ok(v) => v,
                Err(r) => return trace.fail(Rule::Scope, r),
            };
        trace.pass(Rule::Scope, detail);

        // POL-LIFE-1, in whole seconds so that expires_in is exact.
        let iat = whole_second(input.now);
        let realm_cap = input.now.saturating_add(self.lifetime());
        let actor_exp = input.actor.map(|a| a.claims().exp);
        let exp = whole_second(min_date(
            min_date(subject.exp, realm_cap),
            actor_exp.unwrap_or(realm_cap),
        ));
        if exp <= input.now {
            let actor_first = actor_exp.is_some_and(|a| a <= subject.exp);
            return trace.fail(
                Rule::Lifetime,
                if actor_first {
                    Rejection::ActorToken {
                        reason: "the actor token has expired (or expires within the second)".into(),
                    }
                } else {
                    Rejection::SubjectToken {
                        reason: "the subject token has expired (or expires within the second)"
                            .into(),
                    }
                },
            );
        }
        trace.pass(
            Rule::Lifetime,
            format!("exp {exp} = min(subject exp, actor exp, now + lifetime)"),
        );

        // POL-REFRESH-1: never with an act chain, whatever its source.
        let refresh_token = self.limits.refresh_on_exchange && act.is_none();
        trace.pass(
            Rule::RefreshToken,
            if refresh_token {
                "refresh token allowed (realm setting, no act)"
            } else if act.is_some() {
                "no refresh token: the issued token carries act"
            } else {
                "no refresh token"
            },
        );

        Decision {
            outcome: Ok(IssuePlan {
                iss: self.issuer.clone(),
                sub,
                aud: self.issued_audience(&targets),
                client_id: client.id.clone(),
                scope,
                scope_differs,
                may_act: if input.actor.is_none() { may_act } else { None },
                act,
                iat,
                exp,
                issued_token_type,
                refresh_token,
            }),
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
        let mut trace = Trace { steps: Vec::new() };
        let client = match self.client_checks(&mut trace, requester, GrantKind::ClientCredentials) {
            Ok(c) => c,
            Err((rule, r)) => return trace.fail(rule, r),
        };
        let permitted = |idx: usize| client.audiences.contains(&idx);
        let targets =
            match self.resolve_targets(client, &permitted, &request.audience, &request.resource) {
                Ok((t, d)) if !t.is_empty() => {
                    trace.pass(Rule::Targets, d);
                    t
                }
                Ok(_) => {
                    let mut all: Vec<usize> = client.audiences.iter().copied().collect();
                    all.sort_unstable();
                    if all.is_empty() {
                        return trace.fail(
                            Rule::Targets,
                            Rejection::Target {
                                target: String::new(),
                                reason: format!("client \"{}\" may obtain no audience", client.id),
                            },
                        );
                    }
                    trace.pass(
                        Rule::Targets,
                        "no target requested; all of the client's audiences apply",
                    );
                    all
                }
                Err(r) => return trace.fail(Rule::Targets, r),
            };
        let target_scope = targets
            .iter()
            .filter_map(|i| self.target(*i))
            .fold(Scope::empty(), |acc, t| acc.union(&t.scopes));
        let requested = request.scope.as_ref();
        let grantable = match requested {
            None => client.default_scopes.intersection(&target_scope),
            Some(_) => client.allowed_scopes.intersection(&target_scope),
        };
        let (scope, scope_differs, detail) = match self.grant_scope(requested, &grantable) {
            Ok(v) => v,
            Err(r) => return trace.fail(Rule::Scope, r),
        };
        trace.pass(Rule::Scope, detail);
        let iat = whole_second(now);
        let exp = whole_second(now.saturating_add(self.lifetime()));
        trace.pass(Rule::Lifetime, format!("exp {exp} = now + lifetime"));
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
            steps: trace.steps,
        }
    }
}
