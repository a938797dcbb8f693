//! The realm: clients, targets, client scopes, exchange permissions, trusted issuers
//! and limits — loaded from TOML or built in code, checked and indexed once.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use audex_claims::{Scope, ScopeToken, StringOrUri};

/// Default maximum `act` depth after an exchange.
pub const DEFAULT_MAX_ACT_DEPTH: usize = 5;
/// Default lifetime of issued tokens.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// Default maximum lifetime of issued tokens.
pub const DEFAULT_MAX_LIFETIME: Duration = Duration::from_secs(3600);

/// What a scope that cannot be granted does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeMode {
    /// The request fails with `invalid_scope` (the default).
    #[default]
    Strict,
    /// The scope is dropped and the response's `scope` reports what was granted.
    Lenient,
}

/// A client is confidential (it authenticates) or public (it cannot).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientKind {
    /// Authenticates to the token endpoint.
    Confidential,
    /// Cannot keep a secret; unauthenticated.
    Public,
}

/// How a client authenticates (checked by the server, described here).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ClientAuth {
    /// `client_secret_basic` / `client_secret_post`; the secret is stored as its
    /// SHA-256, hex-encoded, and compared in constant time by the server.
    ClientSecret {
        /// Lower-case hex SHA-256 of the secret.
        secret_sha256: String,
    },
    /// `private_key_jwt` with the client's public keys (a JWK Set document).
    PrivateKeyJwt {
        /// The JWK Set, as JSON text.
        jwks: String,
    },
    /// No authentication (public clients).
    None,
}

/// A grant a client may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GrantKind {
    /// `client_credentials`
    ClientCredentials,
    /// RFC 8693 token exchange
    TokenExchange,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRealm {
    issuer: Spanned<String>,
    #[serde(default)]
    token: FileToken,
    #[serde(default)]
    limits: FileLimits,
    #[serde(default, rename = "client")]
    clients: Vec<FileClient>,
    #[serde(default, rename = "target")]
    targets: Vec<FileTarget>,
    #[serde(default, rename = "client_scope")]
    client_scopes: Vec<FileClientScope>,
    #[serde(default, rename = "exchange")]
    exchanges: Vec<FileExchange>,
    #[serde(default, rename = "trusted_issuer")]
    trusted_issuers: Vec<FileTrustedIssuer>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToken {
    default_lifetime_secs: Option<u64>,
    max_lifetime_secs: Option<u64>,
    algorithm: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLimits {
    max_act_depth: Option<usize>,
    #[serde(default)]
    scope_mode: ScopeMode,
    #[serde(default)]
    refresh_on_exchange: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileClient {
    id: Spanned<String>,
    kind: ClientKind,
    auth: ClientAuth,
    #[serde(default)]
    grants: Vec<GrantKind>,
    #[serde(default)]
    default_scopes: Vec<Spanned<String>>,
    #[serde(default)]
    optional_scopes: Vec<Spanned<String>>,
    #[serde(default)]
    client_scopes: Vec<Spanned<String>>,
    #[serde(default)]
    allowed_audiences: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTarget {
    audience: Spanned<String>,
    #[serde(default)]
    resources: Vec<Spanned<String>>,
    #[serde(default)]
    scopes: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileClientScope {
    name: Spanned<String>,
    #[serde(default)]
    audiences: Vec<Spanned<String>>,
    #[serde(default)]
    scopes: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileExchange {
    client: Spanned<String>,
    #[serde(default)]
    targets: Vec<Spanned<String>>,
    #[serde(default)]
    client_scopes: Vec<Spanned<String>>,
    #[serde(default)]
    delegation: bool,
    #[serde(default)]
    impersonation: bool,
    #[serde(default)]
    chaining: bool,
    #[serde(default)]
    allow_public: bool,
    #[serde(default)]
    third_party_actors: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTrustedIssuer {
    issuer: Spanned<String>,
    jwks: Option<String>,
    jwks_uri: Option<String>,
    #[serde(default)]
    accepted_audiences: Vec<Spanned<String>>,
    #[serde(default)]
    clients: Vec<Spanned<String>>,
    subject_prefix: Option<Spanned<String>>,
    #[serde(default)]
    keep_subject: bool,
}

/// A realm that failed to load: where and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct LoadError {
    /// The file name given to [`Realm::from_toml`].
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Largest realm file accepted, in bytes.
pub const MAX_REALM_BYTES: usize = 8 * 1024 * 1024;

/// A registered client.
#[derive(Clone, Debug)]
pub struct Client {
    /// `client_id`
    pub id: String,
    /// Confidential or public.
    pub kind: ClientKind,
    /// How it authenticates.
    pub auth: ClientAuth,
    /// Grants it may use.
    pub grants: HashSet<GrantKind>,
    /// Scopes granted when none is requested.
    pub default_scopes: Scope,
    /// Scopes it may ask for on top of the defaults.
    pub optional_scopes: Scope,
    /// Audiences it may obtain (Hydra's allowed-audience list plus the audiences its
    /// client scopes map in, Keycloak-style), as target indexes.
    pub(crate) audiences: HashSet<usize>,
    /// Scopes it may hold: defaults, optionals and those of its client scopes.
    pub(crate) allowed_scopes: Scope,
    /// `id`, shared with the explanations that name it.
    pub(crate) shared_id: std::sync::Arc<str>,
}

/// A registered target (resource server / audience).
#[derive(Clone, Debug)]
pub struct Target {
    /// The audience value put in `aud` (a client id or a URI).
    pub audience: String,
    /// RFC 8707 resource URIs that name this target.
    pub resources: Vec<String>,
    /// Scopes this target understands.
    pub scopes: Scope,
    /// `audience`, shared with the explanations that name it.
    pub(crate) shared_audience: std::sync::Arc<str>,
}

/// What a client may do with token exchange.
///
/// For token exchange the obtainable targets are exactly the permission's `targets`
/// plus the audiences of the client scopes the permission itself lists; the client's
/// `allowed_audiences` and its own `client_scopes` govern `client_credentials` only.
#[derive(Clone, Debug, Default)]
pub struct ExchangePermission {
    /// Targets it may exchange for (indexes).
    pub(crate) targets: HashSet<usize>,
    /// The same, in file order (for the default-target rule and messages).
    pub(crate) target_order: Vec<usize>,
    /// Scopes it may hold on exchanged tokens: the client's default and optional
    /// scopes plus those of the permission's client scopes.
    pub(crate) allowed_scopes: Scope,
    /// Delegation (with `actor_token`) allowed.
    pub delegation: bool,
    /// Impersonation (without `actor_token`) allowed.
    pub impersonation: bool,
    /// Exchanging a token that already carries `act` / `may_act` without an actor.
    pub chaining: bool,
    /// Public (unauthenticated) use allowed.
    pub allow_public: bool,
    /// An actor token need not be the requester's own (POL-ACTOR-1 loosened).
    pub third_party_actors: bool,
}

/// How a trusted issuer's subjects are named in tokens this realm issues.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubjectMapping {
    /// `sub` becomes the prefix followed by the foreign `sub` (the default way, and
    /// required unless keeping is written explicitly).
    Prefix(String),
    /// `sub` is kept as the foreign issuer wrote it (`keep_subject = true`).
    Keep,
}

/// A trusted external issuer (cross-issuer exchange).
#[derive(Clone, Debug)]
pub struct TrustedIssuer {
    /// Its issuer identifier.
    pub issuer: String,
    /// Its JWK Set, as JSON text, if configured inline.
    pub jwks: Option<String>,
    /// Where its JWK Set lives, if fetched by the server.
    pub jwks_uri: Option<String>,
    /// Which of its audiences we accept (one must be in the token's `aud`); never
    /// empty.
    pub accepted_audiences: Vec<String>,
    /// The local clients allowed to present its tokens; never empty.
    pub clients: Vec<String>,
    /// How its subjects are named in issued tokens.
    pub subject: SubjectMapping,
}

/// Token lifetimes and algorithm.
#[derive(Clone, Debug)]
pub struct TokenSettings {
    /// Lifetime when nothing else caps it.
    pub default_lifetime: Duration,
    /// Hard cap.
    pub max_lifetime: Duration,
    /// Signing algorithm name.
    pub algorithm: audex_jose::Algorithm,
}

/// Realm-wide limits.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Maximum `act` depth after an exchange.
    pub max_act_depth: usize,
    /// Strict or lenient scope handling.
    pub scope_mode: ScopeMode,
    /// Whether an exchange may ever yield a refresh token (never with an actor).
    pub refresh_on_exchange: bool,
}

/// A checked, indexed realm. Build it with [`Realm::from_toml`] or [`Realm::empty`].
/// Lookups are hash-map based: decision cost does not grow with the realm.
#[derive(Clone, Debug)]
pub struct Realm {
    /// The issuer identifier (`iss` of issued tokens).
    pub issuer: StringOrUri,
    /// Token settings.
    pub token: TokenSettings,
    /// Limits.
    pub limits: Limits,
    pub(crate) clients: HashMap<String, Client>,
    pub(crate) targets: Vec<Target>,
    pub(crate) by_audience: HashMap<String, usize>,
    pub(crate) by_resource: HashMap<String, usize>,
    pub(crate) exchanges: HashMap<String, ExchangePermission>,
    pub(crate) trusted: HashMap<String, TrustedIssuer>,
}

struct Locator<'a> {
    file: &'a str,
    text: &'a str,
}

impl Locator<'_> {
    fn at(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> LoadError {
        let before = self.text.get(..span.start).unwrap_or(self.text);
        let line = before.matches('\n').count() + 1;
        let column = before.rfind('\n').map_or(before.chars().count(), |i| {
            before.get(i + 1..).map_or(0, |s| s.chars().count())
        }) + 1;
        LoadError {
            file: self.file.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }

    fn spanned<T>(&self, s: &Spanned<T>, message: impl Into<String>) -> LoadError {
        self.at(s.span(), message)
    }
}

/// An inline JWK Set must parse and hold at least one usable verification key.
fn check_jwks(loc: &Locator<'_>, at: &Spanned<String>, jwks: &str) -> Result<(), LoadError> {
    let set = audex_jose::KeySet::from_jwks(jwks.as_bytes())
        .map_err(|e| loc.spanned(at, format!("jwks: {e}")))?;
    if set.keys().is_empty() {
        let why = set
            .skipped()
            .first()
            .map_or_else(|| "no keys".to_owned(), |s| s.reason.to_string());
        return Err(loc.spanned(at, format!("jwks has no usable verification key ({why})")));
    }
    Ok(())
}

fn scope_of(loc: &Locator<'_>, tokens: &[Spanned<String>]) -> Result<Scope, LoadError> {
    if let Some(t) = tokens.get(audex_claims::MAX_SCOPE_TOKENS) {
        return Err(loc.spanned(
            t,
            format!(
                "more than {} scope tokens in one list",
                audex_claims::MAX_SCOPE_TOKENS
            ),
        ));
    }
    let mut out = Scope::empty();
    for t in tokens {
        let tok = ScopeToken::new(t.get_ref().clone())
            .map_err(|e| loc.spanned(t, format!("invalid scope token: {e}")))?;
        out.insert(tok);
    }
    Ok(out)
}

impl Realm {
    /// A realm with an issuer and nothing else: it grants nothing (POL-DENY-1).
    pub fn empty(issuer: StringOrUri) -> Self {
        Self {
            issuer,
            token: TokenSettings {
                default_lifetime: DEFAULT_LIFETIME,
                max_lifetime: DEFAULT_MAX_LIFETIME,
                algorithm: audex_jose::Algorithm::ES256,
            },
            limits: Limits {
                max_act_depth: DEFAULT_MAX_ACT_DEPTH,
                scope_mode: ScopeMode::Strict,
                refresh_on_exchange: false,
            },
            clients: HashMap::new(),
            targets: Vec::new(),
            by_audience: HashMap::new(),
            by_resource: HashMap::new(),
            exchanges: HashMap::new(),
            trusted: HashMap::new(),
        }
    }

    /// Loads a realm from TOML text. `file` names the source in error messages.
    /// Unknown fields, undefined references and duplicate ids are errors with line and
    /// column.
    pub fn from_toml(file: &str, text: &str) -> Result<Self, LoadError> {
        let loc = Locator { file, text };
        if text.len() > MAX_REALM_BYTES {
            return Err(loc.at(
                0..0,
                format!("realm file is larger than {MAX_REALM_BYTES} bytes"),
            ));
        }
        let raw: FileRealm = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            loc.at(span, e.message().to_owned())
        })?;
        let issuer = StringOrUri::new(raw.issuer.get_ref().clone())
            .map_err(|e| loc.spanned(&raw.issuer, format!("issuer: {e}")))?;
        let mut realm = Self::empty(issuer);
        if let Some(s) = raw.token.default_lifetime_secs {
            realm.token.default_lifetime = Duration::from_secs(s);
        }
        if let Some(s) = raw.token.max_lifetime_secs {
            realm.token.max_lifetime = Duration::from_secs(s);
        }
        if realm.token.default_lifetime > realm.token.max_lifetime
            || realm.token.max_lifetime.is_zero()
        {
            return Err(loc.at(
                0..0,
                "token lifetimes: need 0 < default_lifetime_secs <= max_lifetime_secs",
            ));
        }
        if let Some(a) = &raw.token.algorithm {
            realm.token.algorithm = audex_jose::Algorithm::from_name(a.get_ref())
                .map_err(|e| loc.spanned(a, e.to_string()))?;
        }
        if let Some(d) = raw.limits.max_act_depth {
            realm.limits.max_act_depth = d;
        }
        realm.limits.scope_mode = raw.limits.scope_mode;
        realm.limits.refresh_on_exchange = raw.limits.refresh_on_exchange;

        // Targets.
        for t in &raw.targets {
            let aud = t.audience.get_ref();
            if aud.is_empty() {
                return Err(loc.spanned(&t.audience, "empty audience"));
            }
            // Issued tokens carry this value in `aud`: it must pass audex's own
            // strict StringOrURI check, or the realm would mint tokens audex rejects.
            StringOrUri::new(aud.clone())
                .map_err(|e| loc.spanned(&t.audience, format!("audience: {e}")))?;
            let idx = realm.targets.len();
            if realm.by_audience.insert(aud.clone(), idx).is_some() {
                return Err(
                    loc.spanned(&t.audience, format!("duplicate target audience \"{aud}\""))
                );
            }
            for r in &t.resources {
                audex_exchange::ResourceUri::new(r.get_ref().clone())
                    .map_err(|e| loc.spanned(r, e.to_string()))?;
                if realm.by_resource.insert(r.get_ref().clone(), idx).is_some() {
                    return Err(
                        loc.spanned(r, format!("resource \"{}\" names two targets", r.get_ref()))
                    );
                }
            }
            realm.targets.push(Target {
                shared_audience: std::sync::Arc::from(aud.as_str()),
                audience: aud.clone(),
                resources: t.resources.iter().map(|r| r.get_ref().clone()).collect(),
                scopes: scope_of(&loc, &t.scopes)?,
            });
        }
        let target_ref = |realm: &Realm, s: &Spanned<String>| {
            realm
                .by_audience
                .get(s.get_ref())
                .copied()
                .ok_or_else(|| loc.spanned(s, format!("undefined target \"{}\"", s.get_ref())))
        };

        // Client scopes.
        let mut client_scopes: HashMap<String, (HashSet<usize>, Scope)> = HashMap::new();
        for cs in &raw.client_scopes {
            let mut auds = HashSet::new();
            for a in &cs.audiences {
                auds.insert(target_ref(&realm, a)?);
            }
            let scopes = scope_of(&loc, &cs.scopes)?;
            if client_scopes
                .insert(cs.name.get_ref().clone(), (auds, scopes))
                .is_some()
            {
                return Err(loc.spanned(
                    &cs.name,
                    format!("duplicate client scope \"{}\"", cs.name.get_ref()),
                ));
            }
        }

        // Clients.
        for c in &raw.clients {
            let id = c.id.get_ref();
            if id.is_empty() {
                return Err(loc.spanned(&c.id, "empty client id"));
            }
            if c.kind == ClientKind::Public && c.auth != ClientAuth::None {
                return Err(loc.spanned(&c.id, "a public client must use auth method \"none\""));
            }
            if c.kind == ClientKind::Confidential && c.auth == ClientAuth::None {
                return Err(loc.spanned(
                    &c.id,
                    "a confidential client needs an authentication method",
                ));
            }
            if let ClientAuth::PrivateKeyJwt { jwks } = &c.auth {
                check_jwks(&loc, &c.id, jwks)?;
            }
            let bad_hash = |h: &String| h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit());
            if matches!(&c.auth, ClientAuth::ClientSecret { secret_sha256 } if bad_hash(secret_sha256))
            {
                return Err(loc.spanned(&c.id, "secret_sha256 must be 64 hex digits"));
            }
            let default_scopes = scope_of(&loc, &c.default_scopes)?;
            let optional_scopes = scope_of(&loc, &c.optional_scopes)?;
            let mut allowed_scopes = default_scopes.union(&optional_scopes);
            let mut audiences = HashSet::new();
            for a in &c.allowed_audiences {
                audiences.insert(target_ref(&realm, a)?);
            }
            for name in &c.client_scopes {
                let (auds, scopes) = client_scopes.get(name.get_ref()).ok_or_else(|| {
                    loc.spanned(
                        name,
                        format!("undefined client scope \"{}\"", name.get_ref()),
                    )
                })?;
                audiences.extend(auds.iter().copied());
                allowed_scopes = allowed_scopes.union(scopes);
            }
            let client = Client {
                shared_id: std::sync::Arc::from(id.as_str()),
                id: id.clone(),
                kind: c.kind,
                auth: c.auth.clone(),
                grants: c.grants.iter().copied().collect(),
                default_scopes,
                optional_scopes,
                audiences,
                allowed_scopes,
            };
            if realm.clients.insert(id.clone(), client).is_some() {
                return Err(loc.spanned(&c.id, format!("duplicate client \"{id}\"")));
            }
        }

        // Exchange permissions.
        for x in &raw.exchanges {
            let client = x.client.get_ref();
            let Some(c) = realm.clients.get(client) else {
                return Err(loc.spanned(&x.client, format!("undefined client \"{client}\"")));
            };
            let mut p = ExchangePermission {
                delegation: x.delegation,
                impersonation: x.impersonation,
                chaining: x.chaining,
                allow_public: x.allow_public,
                third_party_actors: x.third_party_actors,
                allowed_scopes: c.default_scopes.union(&c.optional_scopes),
                ..ExchangePermission::default()
            };
            for t in &x.targets {
                let idx = target_ref(&realm, t)?;
                if p.targets.insert(idx) {
                    p.target_order.push(idx);
                }
            }
            for name in &x.client_scopes {
                let (auds, scopes) = client_scopes.get(name.get_ref()).ok_or_else(|| {
                    loc.spanned(
                        name,
                        format!("undefined client scope \"{}\"", name.get_ref()),
                    )
                })?;
                let mut auds: Vec<usize> = auds.iter().copied().collect();
                auds.sort_unstable();
                for idx in auds {
                    if p.targets.insert(idx) {
                        p.target_order.push(idx);
                    }
                }
                p.allowed_scopes = p.allowed_scopes.union(scopes);
            }
            if realm.exchanges.insert(client.clone(), p).is_some() {
                return Err(loc.spanned(
                    &x.client,
                    format!("duplicate exchange permission for \"{client}\""),
                ));
            }
        }

        // Trusted issuers.
        for t in &raw.trusted_issuers {
            let iss = t.issuer.get_ref();
            StringOrUri::new(iss.clone()).map_err(|e| loc.spanned(&t.issuer, e.to_string()))?;
            if iss == realm.issuer.as_str() {
                return Err(loc.spanned(
                    &t.issuer,
                    "the realm's own issuer cannot be an external trusted issuer",
                ));
            }
            if let Some(jwks) = &t.jwks {
                check_jwks(&loc, &t.issuer, jwks)?;
            }
            if t.jwks.is_none() && t.jwks_uri.is_none() {
                return Err(loc.spanned(&t.issuer, "a trusted issuer needs jwks or jwks_uri"));
            }
            // POL-XISS-2: whom its tokens must be addressed to, who may present them,
            // and how its subjects are named here are all explicit.
            if t.accepted_audiences.is_empty() {
                return Err(loc.spanned(
                    &t.issuer,
                    "a trusted issuer needs a non-empty accepted_audiences (its tokens must be addressed to this realm)",
                ));
            }
            for a in &t.accepted_audiences {
                StringOrUri::new(a.get_ref().clone())
                    .map_err(|e| loc.spanned(a, format!("accepted audience: {e}")))?;
            }
            if t.clients.is_empty() {
                return Err(loc.spanned(
                    &t.issuer,
                    "a trusted issuer needs a non-empty clients list (the local clients that may present its tokens)",
                ));
            }
            for c in &t.clients {
                if !realm.clients.contains_key(c.get_ref()) {
                    return Err(loc.spanned(c, format!("undefined client \"{}\"", c.get_ref())));
                }
            }
            let subject = match (&t.subject_prefix, t.keep_subject) {
                (Some(p), false) => {
                    let prefix = p.get_ref();
                    if prefix.is_empty() || StringOrUri::new(format!("{prefix}x")).is_err() {
                        return Err(loc.spanned(
                            p,
                            "subject_prefix must be non-empty and form a valid StringOrURI with a subject after it",
                        ));
                    }
                    SubjectMapping::Prefix(prefix.clone())
                }
                (None, true) => SubjectMapping::Keep,
                (Some(p), true) => {
                    return Err(loc.spanned(
                        p,
                        "subject_prefix and keep_subject = true exclude each other",
                    ));
                }
                (None, false) => {
                    return Err(loc.spanned(
                        &t.issuer,
                        "a trusted issuer needs subject_prefix (or keep_subject = true, written explicitly) so its subjects cannot pose as local ones",
                    ));
                }
            };
            let ti = TrustedIssuer {
                issuer: iss.clone(),
                jwks: t.jwks.clone(),
                jwks_uri: t.jwks_uri.clone(),
                accepted_audiences: t
                    .accepted_audiences
                    .iter()
                    .map(|a| a.get_ref().clone())
                    .collect(),
                clients: t.clients.iter().map(|c| c.get_ref().clone()).collect(),
                subject,
            };
            if realm.trusted.insert(iss.clone(), ti).is_some() {
                return Err(loc.spanned(&t.issuer, format!("duplicate trusted issuer \"{iss}\"")));
            }
        }
        Ok(realm)
    }

    /// A registered client.
    pub fn client(&self, id: &str) -> Option<&Client> {
        self.clients.get(id)
    }

    /// The target registered for an audience value.
    pub fn target_by_audience(&self, audience: &str) -> Option<&Target> {
        self.by_audience
            .get(audience)
            .and_then(|i| self.targets.get(*i))
    }

    /// A trusted external issuer.
    pub fn trusted_issuer(&self, issuer: &str) -> Option<&TrustedIssuer> {
        self.trusted.get(issuer)
    }

    /// Every registered client, in no particular order.
    pub fn clients(&self) -> impl Iterator<Item = &Client> {
        self.clients.values()
    }

    /// Every trusted external issuer, in no particular order.
    pub fn trusted_issuers(&self) -> impl Iterator<Item = &TrustedIssuer> {
        self.trusted.values()
    }

    /// A client's exchange permission.
    pub fn exchange_permission(&self, client: &str) -> Option<&ExchangePermission> {
        self.exchanges.get(client)
    }

    /// The targets a client may exchange a token for (its permission's targets and
    /// the audiences of the permission's client scopes), in file order.
    pub fn exchange_targets(&self, client: &str) -> Vec<&Target> {
        self.exchanges
            .get(client)
            .map(|p| {
                p.target_order
                    .iter()
                    .filter_map(|i| self.target(*i))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The targets a client may obtain with `client_credentials` (its allowed
    /// audiences and its client scopes' audiences), in file order.
    pub fn client_credentials_targets(&self, client: &str) -> Vec<&Target> {
        let Some(c) = self.clients.get(client) else {
            return Vec::new();
        };
        let mut idx: Vec<usize> = c.audiences.iter().copied().collect();
        idx.sort_unstable();
        idx.into_iter().filter_map(|i| self.target(i)).collect()
    }

    /// Every registered target, in file order.
    pub fn targets(&self) -> impl Iterator<Item = &Target> {
        self.targets.iter()
    }

    /// Number of clients.
    pub fn client_count(&self) -> usize {
        self.clients.len()
    }

    /// Number of targets.
    pub fn target_count(&self) -> usize {
        self.targets.len()
    }

    pub(crate) fn target(&self, idx: usize) -> Option<&Target> {
        self.targets.get(idx)
    }
}
