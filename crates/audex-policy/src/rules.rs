//! The rules, one function each: a rule reads the request context (and what earlier
//! rules established) and returns what it established with a one-line detail, or a
//! typed [`Denial`]. The drivers in `decision.rs` run them in order and record every
//! [`Step`](crate::Step); no rule records anything itself.

use std::time::Duration;

use audex_claims::{AccessTokenClaims, Actor, ActorIdentity, NumericDate, Scope, StringOrUri};
use audex_exchange::{ResourceUri, TokenExchangeRequest, TokenType};
use audex_jose::{SubjectTokenClaims, Verified};

use crate::decision::Requester;
use crate::denial::{Denial, MayActMismatch, TokenRole, safe};
use crate::detail::{Detail, Repr};
use crate::realm::{
    Client, ClientKind, ExchangePermission, GrantKind, Realm, ScopeMode, SubjectMapping,
    TrustedIssuer,
};

/// What a rule established, with its detail line; or why it denied.
pub(crate) type Checked<T> = Result<(T, Detail), Denial>;

/// Where a verified token comes from.
#[derive(Clone, Copy)]
pub(crate) enum Origin<'r> {
    /// This realm.
    Local,
    /// A trusted external issuer.
    Trusted(&'r TrustedIssuer),
}

fn aud_values(c: &AccessTokenClaims) -> Vec<String> {
    c.aud.iter().map(|v| safe(v.as_str())).collect()
}

/// KnownClient.
pub(crate) fn known_client<'r>(realm: &'r Realm, requester: Requester<'_>) -> Checked<&'r Client> {
    match realm.clients.get(requester.client_id) {
        Some(c) => Ok((c, Detail::new(Repr::ClientRegistered(c.shared_id.clone())))),
        None => Err(Denial::UnknownClient {
            client: safe(requester.client_id),
        }),
    }
}

/// ClientAuthentication (POL-PUBLIC-1).
pub(crate) fn client_authentication(
    realm: &Realm,
    client: &Client,
    requester: Requester<'_>,
    grant: GrantKind,
) -> Checked<()> {
    let client_id = || client.id.clone();
    let detail = match client.kind {
        ClientKind::Confidential if !requester.authenticated => {
            return Err(Denial::NotAuthenticated {
                client: client_id(),
            });
        }
        ClientKind::Confidential => "confidential client authenticated",
        ClientKind::Public if grant == GrantKind::ClientCredentials => {
            return Err(Denial::PublicClientCredentials {
                client: client_id(),
            });
        }
        ClientKind::Public
            if realm
                .exchanges
                .get(&client.id)
                .is_some_and(|p| p.allow_public) =>
        {
            "public client; exchange explicitly allowed"
        }
        ClientKind::Public => {
            return Err(Denial::PublicExchange {
                client: client_id(),
            });
        }
    };
    Ok(((), detail.into()))
}

/// GrantAllowed.
pub(crate) fn grant_allowed(client: &Client, grant: GrantKind) -> Checked<()> {
    if client.grants.contains(&grant) {
        Ok((
            (),
            Detail::new(Repr::GrantAllowed(grant, client.shared_id.clone())),
        ))
    } else {
        Err(Denial::GrantNotAllowed {
            client: client.id.clone(),
            grant,
        })
    }
}

/// ExchangePermission.
pub(crate) fn exchange_permission<'r>(
    realm: &'r Realm,
    client: &Client,
) -> Checked<&'r ExchangePermission> {
    match realm.exchanges.get(&client.id) {
        Some(p) => Ok((
            p,
            Detail::new(Repr::PermissionFound(client.shared_id.clone())),
        )),
        None => Err(Denial::NoExchangePermission {
            client: client.id.clone(),
        }),
    }
}

/// SubjectIssuer / ActorIssuer: this realm, or a trusted issuer whose accepted
/// audiences the token is addressed to; the keys that verified it must be bound to its
/// `iss` (POL-XISS-1, POL-XISS-2, BCP-ISS-1).
pub(crate) fn origin<'r>(
    realm: &'r Realm,
    v: &Verified<SubjectTokenClaims>,
    token: TokenRole,
) -> Checked<Origin<'r>> {
    let c = v.claims();
    let iss = c.iss.as_str();
    if v.key_issuer() != Some(&c.iss) {
        return Err(Denial::KeysNotBound {
            token,
            iss: safe(iss),
        });
    }
    if iss == realm.issuer.as_str() {
        return Ok((Origin::Local, Detail::new(Repr::LocalIssuer(c.iss.clone()))));
    }
    let Some(t) = realm.trusted.get(iss) else {
        return Err(Denial::UnknownIssuer {
            token,
            iss: safe(iss),
        });
    };
    match t.accepted_audiences.iter().find(|a| c.aud.contains(a)) {
        Some(a) => Ok((
            Origin::Trusted(t),
            format!("issued by trusted issuer {iss}, addressed to accepted audience \"{a}\"")
                .into(),
        )),
        None => Err(Denial::NotAnAcceptedAudience {
            token,
            iss: iss.to_owned(),
            aud: aud_values(c),
        }),
    }
}

/// ActorIssuer: [`origin`], and a foreign actor token only from a client its trusted
/// issuer names.
pub(crate) fn actor_issuer<'r>(
    realm: &'r Realm,
    actor: &Verified<SubjectTokenClaims>,
    client: &Client,
) -> Checked<Origin<'r>> {
    let (o, detail) = origin(realm, actor, TokenRole::Actor)?;
    if let Origin::Trusted(t) = o
        && !t.clients.contains(&client.id)
    {
        return Err(Denial::UntrustedPresenter {
            token: TokenRole::Actor,
            client: client.id.clone(),
            issuer: t.issuer.clone(),
        });
    }
    Ok((o, detail))
}

/// SubjectAudience (POL-WHO-1, POL-XISS-2): our own tokens must have been issued to or
/// for the requester; a foreign token's azp/client_id live in another namespace and
/// never match, so its trusted issuer names the local clients that may present it.
pub(crate) fn subject_audience(
    origin: Origin<'_>,
    subject: &AccessTokenClaims,
    client: &Client,
) -> Checked<()> {
    let id = client.id.as_str();
    match origin {
        Origin::Local => {
            let who = subject.aud.contains(id)
                || subject.azp.as_deref() == Some(id)
                || subject.client_id == id;
            if !who {
                return Err(Denial::NotIssuedToRequester {
                    client: id.to_owned(),
                    aud: aud_values(subject),
                    token_client_id: safe(&subject.client_id),
                });
            }
            Ok((
                (),
                Detail::new(Repr::InSubjectAudience(client.shared_id.clone())),
            ))
        }
        Origin::Trusted(t) => {
            if !t.clients.iter().any(|c| c == id) {
                return Err(Denial::UntrustedPresenter {
                    token: TokenRole::Subject,
                    client: id.to_owned(),
                    issuer: t.issuer.clone(),
                });
            }
            Ok((
                (),
                format!(
                    "\"{id}\" is one of the clients that may present tokens of {}",
                    t.issuer
                )
                .into(),
            ))
        }
    }
}

/// SubjectIdentity (POL-XISS-2): a foreign subject never becomes a local one.
pub(crate) fn subject_identity(
    origin: Origin<'_>,
    subject: &AccessTokenClaims,
) -> Checked<StringOrUri> {
    match origin {
        Origin::Local => Ok((subject.sub.clone(), "local subject kept".into())),
        Origin::Trusted(t) => match &t.subject {
            SubjectMapping::Keep => Ok((
                subject.sub.clone(),
                format!("foreign subject kept as is (keep_subject) for {}", t.issuer).into(),
            )),
            SubjectMapping::Prefix(p) => {
                match StringOrUri::new(format!("{p}{}", subject.sub.as_str())) {
                    Ok(s) => {
                        let detail =
                            format!("foreign subject qualified as \"{}\"", safe(s.as_str()));
                        Ok((s, detail.into()))
                    }
                    Err(e) => Err(Denial::InvalidQualifiedSubject {
                        error: e.to_string(),
                    }),
                }
            }
        },
    }
}

/// Chaining: a token already carrying `act` / `may_act` is only re-exchanged without
/// an actor where chaining is allowed.
pub(crate) fn chaining(
    perm: &ExchangePermission,
    subject: &AccessTokenClaims,
    with_actor: bool,
    client: &Client,
) -> Checked<()> {
    let carries_chain = subject.act.is_some() || subject.may_act.is_some();
    let detail = match (with_actor, carries_chain) {
        (false, true) if !perm.chaining => {
            return Err(Denial::ChainingNotAllowed {
                client: client.id.clone(),
            });
        }
        (false, true) => "token carries act/may_act; chaining allowed for this client",
        (true, true) => "token carries act/may_act; delegation is checked by the actor rules",
        (_, false) => "no prior act/may_act",
    };
    Ok(((), detail.into()))
}

/// ExchangeMode (POL-DELEG-1).
pub(crate) fn exchange_mode(
    perm: &ExchangePermission,
    with_actor: bool,
    client: &Client,
) -> Checked<()> {
    match with_actor {
        true if !perm.delegation => Err(Denial::DelegationNotAllowed {
            client: client.id.clone(),
        }),
        false if !perm.impersonation => Err(Denial::ImpersonationNotAllowed {
            client: client.id.clone(),
        }),
        true => Ok(((), "delegation allowed".into())),
        false => Ok(((), "impersonation allowed".into())),
    }
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

/// The subject token's `act` chain as this realm will carry it (foreign entries given
/// their issuer).
pub(crate) fn prior_chain(origin: Origin<'_>, subject: &AccessTokenClaims) -> Option<Actor> {
    subject.act.as_ref().map(|a| match origin {
        Origin::Local => a.clone(),
        Origin::Trusted(_) => chain_with_iss(a, &subject.iss),
    })
}

/// `may_act` as this realm reads it: without `iss`, the subject token's issuer
/// (POL-MAYACT-2).
pub(crate) fn may_act_of(subject: &AccessTokenClaims) -> Option<ActorIdentity> {
    subject.may_act.clone().map(|mut m| {
        if m.iss.is_none() {
            m.iss = Some(subject.iss.clone());
        }
        m
    })
}

/// The subject as a party, for loop checks.
pub(crate) fn subject_party(subject: &AccessTokenClaims) -> ActorIdentity {
    ActorIdentity {
        sub: Some(subject.sub.clone()),
        iss: Some(subject.iss.clone()),
        ..ActorIdentity::default()
    }
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

/// ActorChain, first part: loops already in the subject's chain are refused, not only
/// new ones. Establishes nothing and records no step of its own when it passes.
pub(crate) fn no_loop_in_prior_chain(
    prior: Option<&Actor>,
    subject: &ActorIdentity,
) -> Result<(), Denial> {
    match prior.and_then(|chain| loop_in(chain, subject)) {
        Some(party) => Err(Denial::LoopInSubjectChain {
            party: safe(&party),
        }),
        None => Ok(()),
    }
}

/// ActorToken (POL-ACTOR-1): no `act` inside, and the requester's own unless
/// `third_party_actors`.
pub(crate) fn actor_token(
    perm: &ExchangePermission,
    actor: &AccessTokenClaims,
    origin: Origin<'_>,
    client: &Client,
) -> Checked<()> {
    let id = client.id.as_str();
    if actor.act.is_some() {
        return Err(Denial::ActorCarriesAct);
    }
    let own = matches!(origin, Origin::Local)
        && (actor.sub.as_str() == id || actor.client_id == id || actor.azp.as_deref() == Some(id));
    if own {
        Ok(((), Detail::new(Repr::ActorOwn(client.shared_id.clone()))))
    } else if perm.third_party_actors {
        Ok((
            (),
            format!("actor token of another party; third_party_actors allowed for \"{id}\"").into(),
        ))
    } else {
        Err(Denial::ActorNotOwn {
            client: id.to_owned(),
        })
    }
}

/// MayAct (TE-MAYACT-1, POL-MAYACT-2): every member present must equal the actor's;
/// unknown members are compared with the actor token's claims of the same name and
/// fail when absent there.
pub(crate) fn may_act(may: Option<&ActorIdentity>, actor: &AccessTokenClaims) -> Checked<()> {
    let Some(may) = may else {
        return Ok(((), "no may_act in the subject token".into()));
    };
    let mismatch = |m| Err(Denial::MayAct(m));
    if may.sub.is_none() && may.client_id.is_none() {
        return mismatch(MayActMismatch::NamesNobody);
    }
    if let Some(sub) = &may.sub
        && *sub != actor.sub
    {
        return mismatch(MayActMismatch::Sub {
            named: safe(sub.as_str()),
            actor: safe(actor.sub.as_str()),
        });
    }
    if let Some(iss) = &may.iss
        && *iss != actor.iss
    {
        return mismatch(MayActMismatch::Iss {
            named: safe(iss.as_str()),
            actor: safe(actor.iss.as_str()),
        });
    }
    if let Some(id) = &may.client_id
        && *id != actor.client_id
    {
        return mismatch(MayActMismatch::ClientId {
            named: safe(id),
            actor: safe(&actor.client_id),
        });
    }
    for (name, want) in &may.other {
        if actor.extra.get(name) != Some(want) {
            return mismatch(MayActMismatch::Member { name: safe(name) });
        }
    }
    Ok((
        (),
        format!("may_act names \"{}\"", safe(actor.sub.as_str())).into(),
    ))
}

/// ActorChain, second part: the new actor is neither the subject nor already in the
/// chain; establishes the new chain.
pub(crate) fn add_actor(
    actor: &AccessTokenClaims,
    subject: &ActorIdentity,
    prior: Option<&Actor>,
) -> Result<Actor, Denial> {
    let identity = ActorIdentity {
        sub: Some(actor.sub.clone()),
        iss: Some(actor.iss.clone()),
        client_id: Some(actor.client_id.clone()),
        other: serde_json::Map::new(),
    };
    if identity.same_party(subject) || prior.is_some_and(|a| a.contains(&identity)) {
        return Err(Denial::ActorAlreadyInChain {
            actor: safe(actor.sub.as_str()),
        });
    }
    Ok(Actor::delegate(identity, prior.cloned()))
}

/// ActorChain, last part: `act` depth within the realm's limit (POL-CHAIN-1).
pub(crate) fn act_depth(realm: &Realm, act: Option<&Actor>, with_actor: bool) -> Checked<()> {
    let depth = act.map_or(0, Actor::depth);
    let limit = realm.limits.max_act_depth;
    if depth > limit {
        return Err(Denial::ActDepth {
            token: if with_actor {
                TokenRole::Actor
            } else {
                TokenRole::Subject
            },
            depth,
            limit,
        });
    }
    Ok(((), Detail::new(Repr::ActDepth { depth, limit })))
}

/// TokenType: what can be issued for the requested type.
pub(crate) fn token_type(request: &TokenExchangeRequest) -> Checked<TokenType> {
    let t = match &request.requested_token_type {
        None | Some(TokenType::AccessToken) => TokenType::AccessToken,
        Some(TokenType::Jwt) => TokenType::Jwt,
        Some(other) => {
            return Err(Denial::UnsupportedTokenType {
                requested: safe(other.as_str()),
            });
        }
    };
    let detail = Detail::new(Repr::Issuing(t.clone()));
    Ok((t, detail))
}

/// Resolves requested targets (audience values, then resources) to target indexes,
/// each of which must be `permitted`; an empty list when none was requested.
fn requested_targets(
    realm: &Realm,
    client: &Client,
    permitted: &dyn Fn(usize) -> bool,
    audience: &[String],
    resource: &[ResourceUri],
) -> Checked<Vec<usize>> {
    let mut out: Vec<usize> = Vec::new();
    let requested = audience
        .iter()
        .map(|a| (a.as_str(), realm.by_audience.get(a)))
        .chain(
            resource
                .iter()
                .map(|r| (r.as_str(), realm.by_resource.get(r.as_str()))),
        );
    for (value, idx) in requested {
        let Some(&idx) = idx else {
            return Err(Denial::UnregisteredTarget {
                target: safe(value),
            });
        };
        if !permitted(idx) {
            return Err(Denial::TargetNotPermitted {
                target: safe(value),
                client: client.id.clone(),
            });
        }
        if !out.contains(&idx) {
            out.push(idx);
        }
    }
    let names = out
        .iter()
        .filter_map(|i| realm.target(*i))
        .map(|t| t.shared_audience.clone())
        .collect();
    Ok((out, Detail::new(Repr::TargetsPermitted(names))))
}

/// Targets for an exchange (POL-TARGET-1): only the permission's own targets; with
/// none requested, the permission's only target.
pub(crate) fn exchange_targets(
    realm: &Realm,
    client: &Client,
    perm: &ExchangePermission,
    request: &TokenExchangeRequest,
) -> Checked<Vec<usize>> {
    let permitted = |idx: usize| perm.targets.contains(&idx);
    let (targets, detail) = requested_targets(
        realm,
        client,
        &permitted,
        &request.audience,
        &request.resource,
    )?;
    if !targets.is_empty() {
        return Ok((targets, detail));
    }
    match perm.target_order.as_slice() {
        [one] => {
            let name = realm
                .target(*one)
                .map_or_else(|| std::sync::Arc::from(""), |t| t.shared_audience.clone());
            Ok((vec![*one], Detail::new(Repr::OnlyTarget(name))))
        }
        [] => Err(Denial::NoExchangeTargets {
            client: client.id.clone(),
        }),
        many => Err(Denial::AmbiguousTarget {
            candidates: many.len(),
        }),
    }
}

/// Targets for `client_credentials`: the client's allowed audiences; all of them when
/// none is requested.
pub(crate) fn client_targets(
    realm: &Realm,
    client: &Client,
    audience: &[String],
    resource: &[ResourceUri],
) -> Checked<Vec<usize>> {
    let permitted = |idx: usize| client.audiences.contains(&idx);
    let (targets, detail) = requested_targets(realm, client, &permitted, audience, resource)?;
    if !targets.is_empty() {
        return Ok((targets, detail));
    }
    let mut all: Vec<usize> = client.audiences.iter().copied().collect();
    all.sort_unstable();
    if all.is_empty() {
        return Err(Denial::NoAudience {
            client: client.id.clone(),
        });
    }
    Ok((
        all,
        "no target requested; all of the client's audiences apply".into(),
    ))
}

/// The union of the scopes the targets understand.
pub(crate) fn target_scope(realm: &Realm, targets: &[usize]) -> Scope {
    targets
        .iter()
        .filter_map(|i| realm.target(*i))
        .fold(Scope::empty(), |acc, t| acc.union(&t.scopes))
}

/// Scope (POL-SCOPE-1): the requested scope within `grantable` (strict), or cut down
/// to it (lenient); with none requested, all of `grantable`. Establishes the granted
/// scope and whether it differs from the requested one.
pub(crate) fn scope(
    realm: &Realm,
    requested: Option<&Scope>,
    grantable: &Scope,
) -> Checked<(Scope, bool)> {
    let Some(req) = requested else {
        return Ok((
            (grantable.clone(), !grantable.is_empty()),
            Detail::new(Repr::NoScopeRequested(grantable.clone())),
        ));
    };
    let missing = req.difference(grantable);
    if missing.is_empty() {
        return Ok((
            (req.clone(), false),
            Detail::new(Repr::WithinScope {
                requested: req.clone(),
                grantable: grantable.clone(),
            }),
        ));
    }
    match realm.limits.scope_mode {
        ScopeMode::Strict => Err(Denial::ScopeNotGrantable {
            missing,
            grantable: grantable.clone(),
        }),
        ScopeMode::Lenient => {
            let granted = req.intersection(grantable);
            let detail = format!("dropped \"{missing}\"; granted \"{granted}\"");
            Ok(((granted, true), detail.into()))
        }
    }
}

/// The realm's lifetime for issued tokens.
fn lifetime(realm: &Realm) -> Duration {
    realm.token.default_lifetime.min(realm.token.max_lifetime)
}

/// The earlier of two dates.
fn min_date(a: NumericDate, b: NumericDate) -> NumericDate {
    if a <= b { a } else { b }
}

/// A date cut to its whole second (never later than the input).
fn whole_second(d: NumericDate) -> NumericDate {
    NumericDate::UNIX_EPOCH.saturating_add(Duration::from_secs(d.secs()))
}

/// Lifetime (POL-LIFE-1) for an exchange: `exp` = min(subject exp, actor exp, now +
/// lifetime), in whole seconds so that `expires_in` is exact. Establishes (iat, exp).
pub(crate) fn exchange_lifetime(
    realm: &Realm,
    subject_exp: NumericDate,
    actor_exp: Option<NumericDate>,
    now: NumericDate,
) -> Checked<(NumericDate, NumericDate)> {
    let realm_cap = now.saturating_add(lifetime(realm));
    let exp = whole_second(min_date(
        min_date(subject_exp, realm_cap),
        actor_exp.unwrap_or(realm_cap),
    ));
    if exp <= now {
        let actor_first = actor_exp.is_some_and(|a| a <= subject_exp);
        return Err(Denial::Expired {
            token: if actor_first {
                TokenRole::Actor
            } else {
                TokenRole::Subject
            },
        });
    }
    Ok((
        (whole_second(now), exp),
        Detail::new(Repr::ExchangeExp(exp)),
    ))
}

/// Lifetime for `client_credentials`: now + the realm's lifetime.
pub(crate) fn client_lifetime(
    realm: &Realm,
    now: NumericDate,
) -> Checked<(NumericDate, NumericDate)> {
    let exp = whole_second(now.saturating_add(lifetime(realm)));
    Ok(((whole_second(now), exp), Detail::new(Repr::ClientExp(exp))))
}

/// RefreshToken (POL-REFRESH-1): never with an `act` chain, whatever its source.
pub(crate) fn refresh_token(realm: &Realm, act: Option<&Actor>) -> Checked<bool> {
    let allowed = realm.limits.refresh_on_exchange && act.is_none();
    let detail = if allowed {
        "refresh token allowed (realm setting, no act)"
    } else if act.is_some() {
        "no refresh token: the issued token carries act"
    } else {
        "no refresh token"
    };
    Ok((allowed, detail.into()))
}
