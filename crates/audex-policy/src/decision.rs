//! Decisions: token exchange and `client_credentials`, each returning the outcome and
//! every rule evaluated (POL-EXPLAIN-1).

use std::fmt;
use std::time::Duration;

use audex_claims::{
    AccessTokenClaims, Actor, ActorIdentity, Audience, NumericDate, Scope, StringOrUri,
};
use audex_exchange::{ClientCredentialsRequest, Rejection, TokenExchangeRequest, TokenType};
use audex_jose::Verified;

use crate::realm::{Client, ClientKind, ExchangePermission, GrantKind, Realm, ScopeMode};

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
    /// The subject token comes from this realm or a trusted issuer (POL-XISS-1).
    SubjectIssuer,
    /// The requester is the subject token's audience, `azp` or `client_id` (POL-WHO-1).
    SubjectAudience,
    /// A token already carrying `act` / `may_act` is only re-exchanged without an
    /// actor where chaining is allowed.
    Chaining,
    /// Delegation or impersonation is allowed for this client (POL-DELEG-1).
    ExchangeMode,
    /// The actor token comes from this realm or a trusted issuer.
    ActorIssuer,
    /// `may_act`, when present, names the actor (TE-MAYACT-1).
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
            Self::Chaining => "chaining",
            Self::ExchangeMode => "exchange-mode",
            Self::ActorIssuer => "actor-issuer",
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
    /// Whether the granted scope differs from the requested one (the response must then
    /// carry `scope`, RFC 8693 §2.2.1).
    pub scope_differs: bool,
    /// `act`: current actor outermost.
    pub act: Option<Actor>,
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
    /// Seconds from `iat` to `exp`, for `expires_in`.
    pub fn expires_in(&self) -> u64 {
        self.exp.saturating_duration_since(self.iat).as_secs()
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
            may_act: None,
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
/// error: it carries the wire rejection.
#[derive(Clone, Debug)]
pub struct Decision {
    /// Grant with a plan, or deny with a rejection (and its RFC error code).
    pub outcome: Result<IssuePlan, Rejection>,
    /// Rules in evaluation order; on denial the last one failed and decided.
    pub steps: Vec<Step>,
}

impl Decision {
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

fn aud_text(a: &Audience) -> String {
    a.iter()
        .map(StringOrUri::as_str)
        .collect::<Vec<_>>()
        .join(",")
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
/// cannot reach the engine.
#[derive(Clone, Copy, Debug)]
pub struct ExchangeInput<'a> {
    /// The requesting client.
    pub requester: Requester<'a>,
    /// The verified subject token.
    pub subject: &'a Verified<AccessTokenClaims>,
    /// The verified actor token, for delegation.
    pub actor: Option<&'a Verified<AccessTokenClaims>>,
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

fn identity_of(c: &AccessTokenClaims) -> ActorIdentity {
    ActorIdentity {
        sub: Some(c.sub.clone()),
        iss: Some(c.iss.clone()),
        client_id: Some(c.client_id.clone()),
        other: serde_json::Map::new(),
    }
}

fn min_date(a: NumericDate, b: NumericDate) -> NumericDate {
    if a <= b { a } else { b }
}

impl Realm {
    fn lifetime(&self) -> Duration {
        self.token.default_lifetime.min(self.token.max_lifetime)
    }

    /// Whether `iss` is this realm or a trusted issuer; for a trusted issuer the
    /// token's `aud` must contain one of the audiences we accept from it.
    fn issuer_ok(&self, c: &AccessTokenClaims) -> Result<String, String> {
        let iss = c.iss.as_str();
        if iss == self.issuer.as_str() {
            return Ok(format!("issued by this realm ({iss})"));
        }
        match self.trusted.get(iss) {
            None => Err(format!(
                "issuer \"{iss}\" is not this realm and not a trusted issuer"
            )),
            Some(t)
                if t.accepted_audiences.is_empty()
                    || t.accepted_audiences.iter().any(|a| c.aud.contains(a)) =>
            {
                Ok(format!("issued by trusted issuer {iss}"))
            }
            Some(_) => Err(format!(
                "token from trusted issuer \"{iss}\" is not addressed to an accepted audience"
            )),
        }
    }

    fn client_checks<'r>(
        &'r self,
        trace: &mut Trace,
        requester: Requester<'_>,
        grant: GrantKind,
    ) -> Result<&'r Client, Rejection> {
        let client = self
            .clients
            .get(requester.client_id)
            .ok_or_else(|| Rejection::Client {
                reason: format!("unknown client \"{}\"", requester.client_id),
            })?;
        trace.pass(
            Rule::KnownClient,
            format!("client \"{}\" is registered", client.id),
        );
        Ok(client)
            .and_then(|c| {
                if c.kind == ClientKind::Confidential && !requester.authenticated {
                    return Err(Rejection::Client {
                        reason: format!("confidential client \"{}\" did not authenticate", c.id),
                    });
                }
                Ok(c)
            })
            .and_then(|c| {
                let allowed = grant == GrantKind::ClientCredentials || {
                    let public_ok = self.exchanges.get(&c.id).is_some_and(|p| p.allow_public);
                    c.kind == ClientKind::Confidential || public_ok
                };
                if c.kind == ClientKind::Public && !allowed {
                    return Err(Rejection::UnauthorizedClient {
                        reason: format!("public client \"{}\" may not exchange tokens", c.id),
                    });
                }
                if c.kind == ClientKind::Public && grant == GrantKind::ClientCredentials {
                    return Err(Rejection::UnauthorizedClient {
                        reason: format!(
                            "public client \"{}\" may not use client_credentials",
                            c.id
                        ),
                    });
                }
                trace.pass(
                    Rule::ClientAuthentication,
                    match c.kind {
                        ClientKind::Confidential => "confidential client authenticated".to_owned(),
                        ClientKind::Public => {
                            "public client; exchange explicitly allowed".to_owned()
                        }
                    },
                );
                Ok(c)
            })
            .and_then(|c| {
                if c.grants.contains(&grant) {
                    trace.pass(
                        Rule::GrantAllowed,
                        format!("{grant:?} is allowed for \"{}\"", c.id),
                    );
                    Ok(c)
                } else {
                    Err(Rejection::UnauthorizedClient {
                        reason: format!("client \"{}\" may not use the {grant:?} grant", c.id),
                    })
                }
            })
    }

    /// Resolves requested targets (audience values, then resources) to target indexes.
    fn resolve_targets(
        &self,
        client: &Client,
        perm: Option<&ExchangePermission>,
        audience: &[String],
        resource: &[audex_exchange::ResourceUri],
    ) -> Result<(Vec<usize>, String), Rejection> {
        let permitted = |idx: usize| {
            client.audiences.contains(&idx) || perm.is_some_and(|p| p.targets.contains(&idx))
        };
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
                target: value.to_owned(),
                reason: "not a registered audience or resource".into(),
            })?;
            if !permitted(idx) {
                return Err(Rejection::Target {
                    target: value.to_owned(),
                    reason: format!("client \"{}\" may not obtain tokens for it", client.id),
                });
            }
            if !out.contains(&idx) {
                out.push(idx);
            }
        }
        if !out.is_empty() {
            let names: Vec<&str> = out
                .iter()
                .filter_map(|i| self.target(*i))
                .map(|t| t.audience.as_str())
                .collect();
            return Ok((
                out,
                format!("requested targets permitted: {}", names.join(", ")),
            ));
        }
        // Default target rule: with no audience/resource, the one target the client may
        // obtain (exchange permission first, then its audience list) is used; zero or
        // several is invalid_target.
        let mut candidates: Vec<usize> = perm.map(|p| p.target_order.clone()).unwrap_or_default();
        let mut rest: Vec<usize> = client
            .audiences
            .iter()
            .copied()
            .filter(|i| !candidates.contains(i))
            .collect();
        rest.sort_unstable();
        candidates.extend(rest);
        match candidates.as_slice() {
            [one] => {
                let name = self.target(*one).map_or("", |t| t.audience.as_str());
                Ok((
                    vec![*one],
                    format!("no target requested; the client's only target \"{name}\" applies"),
                ))
            }
            [] => Err(Rejection::Target {
                target: String::new(),
                reason: "no audience or resource requested and the client may obtain none".into(),
            }),
            many => Err(Rejection::Target {
                target: String::new(),
                reason: format!(
                    "no audience or resource requested and {} targets are possible; name one",
                    many.len()
                ),
            }),
        }
    }

    fn grant_scope(
        &self,
        requested: Option<&Scope>,
        grantable: &Scope,
    ) -> Result<(Scope, bool, String), Rejection> {
        match requested {
            None => Ok((
                grantable.clone(),
                false,
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

    /// Decides a token exchange (RFC 8693) with every rule of the realm.
    pub fn decide_exchange(&self, input: &ExchangeInput<'_>) -> Decision {
        let mut trace = Trace { steps: Vec::new() };
        let client = match self.client_checks(&mut trace, input.requester, GrantKind::TokenExchange)
        {
            Ok(c) => c,
            Err(r) => {
                let rule = match &r {
                    Rejection::Client { reason } if reason.starts_with("unknown") => {
                        Rule::KnownClient
                    }
                    Rejection::Client { .. } => Rule::ClientAuthentication,
                    Rejection::UnauthorizedClient { reason } if reason.contains("grant") => {
                        Rule::GrantAllowed
                    }
                    _ => Rule::ClientAuthentication,
                };
                return trace.fail(rule, r);
            }
        };
        let Some(perm) = self.exchanges.get(&client.id) else {
            return trace.fail(
                Rule::ExchangePermission,
                Rejection::UnauthorizedClient {
                    reason: format!("client \"{}\" holds no exchange permission", client.id),
                },
            );
        };
        trace.pass(
            Rule::ExchangePermission,
            format!("exchange permission found for \"{}\"", client.id),
        );

        let subject = input.subject.claims();
        let own_subject = subject.iss.as_str() == self.issuer.as_str();
        match self.issuer_ok(subject) {
            Ok(d) => trace.pass(Rule::SubjectIssuer, d),
            Err(reason) => {
                return trace.fail(Rule::SubjectIssuer, Rejection::SubjectToken { reason });
            }
        }

        // POL-WHO-1. Tokens of trusted issuers were checked against the accepted
        // audiences above; our own tokens must have been issued to or for the requester.
        if own_subject {
            let id = client.id.as_str();
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
                            subject.client_id
                        ),
                    },
                );
            }
            trace.pass(
                Rule::SubjectAudience,
                format!("\"{id}\" is in the subject token's aud, azp or client_id"),
            );
        } else {
            trace.pass(
                Rule::SubjectAudience,
                "external token: accepted audience checked with the issuer",
            );
        }

        let carries_chain = subject.act.is_some() || subject.may_act.is_some();
        if input.actor.is_none() && carries_chain && !perm.chaining {
            return trace.fail(
                Rule::Chaining,
                Rejection::SubjectToken {
                    reason: format!(
                        "token already carries act/may_act and client \"{}\" may not chain exchanges",
                        client.id
                    ),
                },
            );
        }
        trace.pass(
            Rule::Chaining,
            if carries_chain {
                "chaining allowed for this client"
            } else {
                "no prior act/may_act"
            },
        );

        match input.actor {
            Some(_) if !perm.delegation => {
                return trace.fail(
                    Rule::ExchangeMode,
                    Rejection::UnauthorizedClient {
                        reason: format!(
                            "client \"{}\" may not exchange with delegation (actor_token)",
                            client.id
                        ),
                    },
                );
            }
            None if !perm.impersonation => {
                return trace.fail(
                    Rule::ExchangeMode,
                    Rejection::UnauthorizedClient {
                        reason: format!(
                            "client \"{}\" may not exchange without an actor (impersonation)",
                            client.id
                        ),
                    },
                );
            }
            Some(_) => trace.pass(Rule::ExchangeMode, "delegation allowed"),
            None => trace.pass(Rule::ExchangeMode, "impersonation allowed"),
        }

        let mut act = subject.act.clone();
        if let Some(actor) = input.actor {
            let actor = actor.claims();
            match self.issuer_ok(actor) {
                Ok(d) => trace.pass(Rule::ActorIssuer, d),
                Err(reason) => {
                    return trace.fail(Rule::ActorIssuer, Rejection::ActorToken { reason });
                }
            }
            let identity = identity_of(actor);
            match &subject.may_act {
                Some(may) if !may.permits(&identity) => {
                    return trace.fail(
                        Rule::MayAct,
                        Rejection::ActorToken {
                            reason: format!(
                                "may_act of the subject token does not name actor \"{}\"",
                                actor.sub
                            ),
                        },
                    );
                }
                Some(_) => trace.pass(Rule::MayAct, format!("may_act names \"{}\"", actor.sub)),
                None => trace.pass(Rule::MayAct, "no may_act in the subject token"),
            }
            let self_actor = identity.same_party(&ActorIdentity::subject(subject.sub.clone()));
            if self_actor || subject.act.as_ref().is_some_and(|a| a.contains(&identity)) {
                return trace.fail(
                    Rule::ActorChain,
                    Rejection::ActorToken {
                        reason: format!(
                            "actor \"{}\" is already the subject or in the act chain",
                            actor.sub
                        ),
                    },
                );
            }
            act = Some(Actor::delegate(identity, act));
        }
        let depth = act.as_ref().map_or(0, Actor::depth);
        if depth > self.limits.max_act_depth {
            return trace.fail(
                Rule::ActorChain,
                Rejection::ActorToken {
                    reason: format!(
                        "act depth would be {depth}, over the limit of {}",
                        self.limits.max_act_depth
                    ),
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
                    Rejection::SubjectToken {
                        reason: format!("this server cannot issue {other}"),
                    },
                );
            }
        };
        trace.pass(Rule::TokenType, format!("issuing {issued_token_type}"));

        let (targets, detail) = match self.resolve_targets(
            client,
            Some(perm),
            &input.request.audience,
            &input.request.resource,
        ) {
            Ok(t) => t,
            Err(r) => return trace.fail(Rule::Targets, r),
        };
        trace.pass(Rule::Targets, detail);

        let subject_scope = subject.scope.clone().unwrap_or_default();
        let target_scope = targets
            .iter()
            .filter_map(|i| self.target(*i))
            .fold(Scope::empty(), |acc, t| acc.union(&t.scopes));
        let grantable = subject_scope
            .intersection(&client.allowed_scopes)
            .intersection(&target_scope);
        let (scope, dropped, detail) =
            match self.grant_scope(input.request.scope.as_ref(), &grantable) {
                Ok(v) => v,
                Err(r) => return trace.fail(Rule::Scope, r),
            };
        trace.pass(Rule::Scope, detail);

        let mut exp = min_date(subject.exp, input.now.saturating_add(self.lifetime()));
        if let Some(a) = input.actor {
            exp = min_date(exp, a.claims().exp);
        }
        if exp <= input.now {
            return trace.fail(
                Rule::Lifetime,
                Rejection::SubjectToken {
                    reason: "subject or actor token has expired".into(),
                },
            );
        }
        trace.pass(
            Rule::Lifetime,
            format!("exp {exp} = min(subject exp, actor exp, now + lifetime)"),
        );

        let refresh_token = self.limits.refresh_on_exchange && input.actor.is_none();
        trace.pass(
            Rule::RefreshToken,
            if refresh_token {
                "refresh token allowed (realm setting, no actor)"
            } else {
                "no refresh token"
            },
        );

        let aud = Audience::from_values(
            targets
                .iter()
                .filter_map(|i| self.target(*i))
                .map(|t| StringOrUri::new_lenient(t.audience.clone())),
        );
        let scope_differs = dropped || input.request.scope.as_ref().is_some_and(|r| *r != scope);
        Decision {
            outcome: Ok(IssuePlan {
                iss: self.issuer.clone(),
                sub: subject.sub.clone(),
                aud,
                client_id: client.id.clone(),
                scope,
                scope_differs,
                act,
                iat: input.now,
                exp,
                issued_token_type,
                refresh_token,
            }),
            steps: trace.steps,
        }
    }

    /// Decides a `client_credentials` request: audiences from the client's allowed set
    /// (all of them when none is requested), scopes from its allowed scopes (its
    /// defaults when none is requested).
    pub fn decide_client_credentials(
        &self,
        requester: Requester<'_>,
        request: &ClientCredentialsRequest,
        now: NumericDate,
    ) -> Decision {
        let mut trace = Trace { steps: Vec::new() };
        let client = match self.client_checks(&mut trace, requester, GrantKind::ClientCredentials) {
            Ok(c) => c,
            Err(r) => {
                let rule = match &r {
                    Rejection::Client { reason } if reason.starts_with("unknown") => {
                        Rule::KnownClient
                    }
                    Rejection::UnauthorizedClient { reason } if reason.contains("grant") => {
                        Rule::GrantAllowed
                    }
                    _ => Rule::ClientAuthentication,
                };
                return trace.fail(rule, r);
            }
        };
        let targets = if request.audience.is_empty() && request.resource.is_empty() {
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
        } else {
            match self.resolve_targets(client, None, &request.audience, &request.resource) {
                Ok((t, d)) => {
                    trace.pass(Rule::Targets, d);
                    t
                }
                Err(r) => return trace.fail(Rule::Targets, r),
            }
        };
        let requested = request.scope.as_ref();
        let grantable = match requested {
            None => client.default_scopes.clone(),
            Some(_) => client.allowed_scopes.clone(),
        };
        let (scope, dropped, detail) = match self.grant_scope(requested, &grantable) {
            Ok(v) => v,
            Err(r) => return trace.fail(Rule::Scope, r),
        };
        trace.pass(Rule::Scope, detail);
        let exp = now.saturating_add(self.lifetime());
        trace.pass(Rule::Lifetime, format!("exp {exp} = now + lifetime"));
        let aud = Audience::from_values(
            targets
                .iter()
                .filter_map(|i| self.target(*i))
                .map(|t| StringOrUri::new_lenient(t.audience.clone())),
        );
        Decision {
            outcome: Ok(IssuePlan {
                iss: self.issuer.clone(),
                sub: StringOrUri::new_lenient(client.id.clone()),
                aud,
                client_id: client.id.clone(),
                scope_differs: dropped || requested.is_some_and(|r| *r != scope),
                scope,
                act: None,
                iat: now,
                exp,
                issued_token_type: TokenType::AccessToken,
                refresh_token: false,
            }),
            steps: trace.steps,
        }
    }
}
