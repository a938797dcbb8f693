//! Claims sets: the RFC 7519 registered claims and the RFC 9068 access-token profile.

use std::fmt;

use serde::ser::SerializeMap;
use serde_json::{Map, Value};

use crate::actor::{Actor, ActorError, ActorIdentity};
use crate::audience::{Audience, AudienceParseError};
use crate::json::{self, JsonError, JsonLimits, JsonType, Member};
use crate::scope::{Scope, ScopeError};
use crate::string_or_uri::{Strictness, StringOrUri, StringOrUriError, read_checked};
use crate::time::{NumericDate, NumericDateError, TimeCheck, TimeError};

/// Which claims sets give a claim a type: the registered claims are typed in every
/// set; the others only in [`AccessTokenClaims`] (in a [`ClaimsSet`] they stay in
/// `extra`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Typed {
    /// RFC 7519 §4.1: typed everywhere.
    Registered,
    /// Typed in the access-token profile only.
    AccessToken,
}

/// The one claim-name table. Each line gives the variant, its wire name, which claims
/// sets type it, and its documentation; the order is the serialisation order. It
/// generates [`Claim`], [`Claim::as_str`], [`Claim::from_name`] and [`Claim::ALL`];
/// parsing, presence checks and serialisation all go through those, and the matches on
/// `Claim` that type each value are exhaustive, so a claim added here cannot be
/// forgotten by one of them.
macro_rules! claim_table {
    ($($variant:ident = $name:literal, $typed:ident, $doc:literal;)*) => {
        /// A claim name that audex gives a type to. Used instead of bare strings in
        /// errors and in required-claim sets.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Claim {
            $(#[doc = $doc] $variant,)*
        }

        impl Claim {
            /// Every claim audex types, in serialisation order.
            pub const ALL: &'static [Claim] = &[$(Self::$variant,)*];

            /// The claim's name on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }

            /// The claim named `name`, if audex types it anywhere.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name => Some(Self::$variant),)*
                    _ => None,
                }
            }

            const fn typed(self) -> Typed {
                match self {
                    $(Self::$variant => Typed::$typed,)*
                }
            }
        }
    };
}

claim_table! {
    Iss = "iss", Registered, "`iss` (RFC 7519 §4.1.1)";
    Sub = "sub", Registered, "`sub` (RFC 7519 §4.1.2)";
    Aud = "aud", Registered, "`aud` (RFC 7519 §4.1.3)";
    Exp = "exp", Registered, "`exp` (RFC 7519 §4.1.4)";
    Nbf = "nbf", Registered, "`nbf` (RFC 7519 §4.1.5)";
    Iat = "iat", Registered, "`iat` (RFC 7519 §4.1.6)";
    Jti = "jti", Registered, "`jti` (RFC 7519 §4.1.7)";
    ClientId = "client_id", AccessToken, "`client_id` (RFC 8693 §4.3)";
    Scope = "scope", AccessToken, "`scope` (RFC 8693 §4.2)";
    Azp = "azp", AccessToken, "`azp` (OpenID Connect Core §2)";
    Act = "act", AccessToken, "`act` (RFC 8693 §4.1)";
    MayAct = "may_act", AccessToken, "`may_act` (RFC 8693 §4.4)";
    AuthTime = "auth_time", AccessToken, "`auth_time` (OpenID Connect Core §2)";
    Acr = "acr", AccessToken, "`acr` (OpenID Connect Core §2)";
    Amr = "amr", AccessToken, "`amr` (OpenID Connect Core §2)";
    Groups = "groups", AccessToken, "`groups` (RFC 9068 §2.2.3.1)";
    Roles = "roles", AccessToken, "`roles` (RFC 9068 §2.2.3.1)";
    Entitlements = "entitlements", AccessToken, "`entitlements` (RFC 9068 §2.2.3.1)";
}

impl Claim {
    /// The seven registered claims of RFC 7519 §4.1.
    pub const REGISTERED: [Claim; 7] = [
        Self::Iss,
        Self::Sub,
        Self::Aud,
        Self::Exp,
        Self::Nbf,
        Self::Iat,
        Self::Jti,
    ];

    /// Whether a claims set of `profile` gives this claim a type.
    fn typed_in(self, profile: Profile) -> bool {
        self.typed() == Typed::Registered || profile == Profile::AccessToken
    }
}

impl fmt::Display for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a claims set is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseOptions {
    /// StringOrURI checking for `iss`, `sub`, `aud` and actor identities.
    pub strictness: Strictness,
    /// Accept the array form of `scope` and, when `scope` is absent, the `scp` claim
    /// (off by default: `scope` must be one space-delimited string).
    pub lenient_scope: bool,
    /// Size and nesting limits for the JSON document.
    pub limits: JsonLimits,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self::strict()
    }
}

impl ParseOptions {
    /// The default: strict StringOrURI and strict `scope`.
    pub const fn strict() -> Self {
        Self {
            strictness: Strictness::Strict,
            lenient_scope: false,
            limits: JsonLimits {
                max_bytes: json::DEFAULT_MAX_BYTES,
                max_depth: json::DEFAULT_MAX_DEPTH,
            },
        }
    }

    /// For tokens minted by third parties: StringOrURI values are taken as they are,
    /// `scope` may be an array and `scp` is read when `scope` is absent. Types are still
    /// checked and duplicates still rejected.
    pub const fn lenient() -> Self {
        Self {
            strictness: Strictness::Lenient,
            lenient_scope: true,
            limits: JsonLimits {
                max_bytes: json::DEFAULT_MAX_BYTES,
                max_depth: json::DEFAULT_MAX_DEPTH,
            },
        }
    }
}

/// Why a claims set was rejected. Each variant names the claim and the reason; claim
/// values are never included (they may be personal data).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClaimsError {
    /// The document is not a strict JSON object (duplicates, size, depth, syntax).
    #[error("claims set: {0}")]
    Json(#[from] JsonError),
    /// A claim has the wrong JSON type (never treated as absent).
    #[error("claim {claim} must be {expected}, found {found}")]
    WrongType {
        /// The claim.
        claim: Claim,
        /// What the claim must be.
        expected: &'static str,
        /// The JSON type found.
        found: JsonType,
    },
    /// A StringOrURI claim is invalid.
    #[error("claim {claim}: {source}")]
    StringOrUri {
        /// The claim.
        claim: Claim,
        /// The reason.
        source: StringOrUriError,
    },
    /// The `aud` claim is malformed.
    #[error("claim aud: {0}")]
    Audience(#[from] AudienceParseError),
    /// A date claim is invalid.
    #[error("claim {claim}: {source}")]
    Date {
        /// The claim.
        claim: Claim,
        /// The reason.
        source: NumericDateError,
    },
    /// The `scope` (or `scp`) claim is malformed.
    #[error("claim scope: {0}")]
    Scope(#[from] ScopeError),
    /// An `act` or `may_act` claim is malformed.
    #[error("claim {claim}: {source}")]
    Actor {
        /// `act` or `may_act`.
        claim: Claim,
        /// The reason.
        source: ActorError,
    },
    /// A required claim is absent.
    #[error("required claim {0} is missing")]
    Missing(Claim),
}

fn wrong(claim: Claim, expected: &'static str, found: &Value) -> ClaimsError {
    ClaimsError::WrongType {
        claim,
        expected,
        found: JsonType::of(found),
    }
}

fn conv_string(claim: Claim, m: Member<'_>) -> Result<String, ClaimsError> {
    match m.into_text() {
        Ok(s) => Ok(s.into_owned()),
        Err(other) => Err(wrong(claim, "a string", &other)),
    }
}

fn conv_sou(
    claim: Claim,
    m: Member<'_>,
    strictness: Strictness,
    known: &[StringOrUri],
) -> Result<StringOrUri, ClaimsError> {
    read_checked(conv_string(claim, m)?, strictness, known)
        .map_err(|source| ClaimsError::StringOrUri { claim, source })
}

fn conv_date(claim: Claim, m: Member<'_>) -> Result<NumericDate, ClaimsError> {
    NumericDate::from_json(&m.into_value()).map_err(|source| ClaimsError::Date { claim, source })
}

fn conv_strings(claim: Claim, m: Member<'_>) -> Result<Vec<String>, ClaimsError> {
    match m.into_value() {
        Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                other => Err(wrong(claim, "an array of strings", &other)),
            })
            .collect(),
        other => Err(wrong(claim, "an array of strings", &other)),
    }
}

fn conv_scope(m: Member<'_>, lenient: bool) -> Result<Scope, ClaimsError> {
    if lenient {
        return Ok(Scope::from_json_lenient(&m.into_value())?);
    }
    match m.into_text() {
        Ok(s) => Ok(Scope::parse(&s)?),
        Err(other) => Err(wrong(Claim::Scope, "a space-delimited string", &other)),
    }
}

/// Which claims a parse types (the rest go to `extra`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Profile {
    Registered,
    AccessToken,
}

/// Collects typed claims member by member, in document order.
#[derive(Default)]
struct Builder<'k> {
    /// Values that need no StringOrURI re-check (see [`read_checked`]).
    known: &'k [StringOrUri],
    iss: Option<StringOrUri>,
    sub: Option<StringOrUri>,
    aud: Option<Audience>,
    exp: Option<NumericDate>,
    nbf: Option<NumericDate>,
    iat: Option<NumericDate>,
    jti: Option<String>,
    client_id: Option<String>,
    scope: Option<Scope>,
    azp: Option<String>,
    act: Option<Actor>,
    may_act: Option<ActorIdentity>,
    auth_time: Option<NumericDate>,
    acr: Option<String>,
    amr: Option<Vec<String>>,
    groups: Option<Vec<String>>,
    roles: Option<Vec<String>>,
    entitlements: Option<Vec<String>>,
    extra: Map<String, Value>,
}

impl<'k> Builder<'k> {
    fn accept(
        &mut self,
        name: &str,
        v: Member<'_>,
        opts: &ParseOptions,
        profile: Profile,
    ) -> Result<(), ClaimsError> {
        let st = opts.strictness;
        let Some(claim) = Claim::from_name(name).filter(|c| c.typed_in(profile)) else {
            self.extra.insert(name.to_owned(), v.into_value());
            return Ok(());
        };
        match claim {
            Claim::Iss => self.iss = Some(conv_sou(claim, v, st, self.known)?),
            Claim::Sub => self.sub = Some(conv_sou(claim, v, st, self.known)?),
            Claim::Aud => self.aud = Some(Audience::read(v.into_value(), st, self.known)?),
            Claim::Exp => self.exp = Some(conv_date(claim, v)?),
            Claim::Nbf => self.nbf = Some(conv_date(claim, v)?),
            Claim::Iat => self.iat = Some(conv_date(claim, v)?),
            Claim::Jti => self.jti = Some(conv_string(claim, v)?),
            Claim::ClientId => self.client_id = Some(conv_string(claim, v)?),
            Claim::Scope => self.scope = Some(conv_scope(v, opts.lenient_scope)?),
            Claim::Azp => self.azp = Some(conv_string(claim, v)?),
            Claim::Act => {
                self.act = Some(
                    Actor::from_json(v.into_value(), st)
                        .map_err(|source| ClaimsError::Actor { claim, source })?,
                );
            }
            Claim::MayAct => {
                self.may_act = Some(
                    ActorIdentity::from_json(v.into_value(), st)
                        .map_err(|source| ClaimsError::Actor { claim, source })?,
                );
            }
            Claim::AuthTime => self.auth_time = Some(conv_date(claim, v)?),
            Claim::Acr => self.acr = Some(conv_string(claim, v)?),
            Claim::Amr => self.amr = Some(conv_strings(claim, v)?),
            Claim::Groups => self.groups = Some(conv_strings(claim, v)?),
            Claim::Roles => self.roles = Some(conv_strings(claim, v)?),
            Claim::Entitlements => self.entitlements = Some(conv_strings(claim, v)?),
        }
        Ok(())
    }

    fn parse(
        bytes: &[u8],
        opts: &ParseOptions,
        profile: Profile,
        known: &'k [StringOrUri],
    ) -> Result<Self, ClaimsError> {
        let mut b = Self {
            known,
            ..Self::default()
        };
        json::for_each_member(bytes, opts.limits, |name, v| {
            b.accept(name, v, opts, profile)
        })?;
        b.finish_scope(opts, profile)?;
        Ok(b)
    }

    fn from_map(
        map: Map<String, Value>,
        opts: &ParseOptions,
        profile: Profile,
    ) -> Result<Self, ClaimsError> {
        let mut b = Self::default();
        for (name, v) in map {
            b.accept(&name, Member::Other(v), opts, profile)?;
        }
        b.finish_scope(opts, profile)?;
        Ok(b)
    }

    /// Lenient mode reads `scp` (left in `extra`) when `scope` is absent.
    fn finish_scope(&mut self, opts: &ParseOptions, profile: Profile) -> Result<(), ClaimsError> {
        let wants_scp =
            profile == Profile::AccessToken && opts.lenient_scope && self.scope.is_none();
        if let Some(v) = self.extra.get("scp").filter(|_| wants_scp) {
            self.scope = Some(Scope::from_json_lenient(v)?);
        }
        Ok(())
    }

    fn registered(&mut self) -> RegisteredClaims {
        RegisteredClaims {
            iss: self.iss.take(),
            sub: self.sub.take(),
            aud: self.aud.take(),
            exp: self.exp.take(),
            nbf: self.nbf.take(),
            iat: self.iat.take(),
            jti: self.jti.take(),
        }
    }
}

fn required<T>(value: Option<T>, claim: Claim) -> Result<T, ClaimsError> {
    value.ok_or(ClaimsError::Missing(claim))
}

/// The registered claims of RFC 7519 §4.1, all optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegisteredClaims {
    /// `iss`: the issuer.
    pub iss: Option<StringOrUri>,
    /// `sub`: the subject.
    pub sub: Option<StringOrUri>,
    /// `aud`: the intended recipients.
    pub aud: Option<Audience>,
    /// `exp`: expiration time.
    pub exp: Option<NumericDate>,
    /// `nbf`: not-before time.
    pub nbf: Option<NumericDate>,
    /// `iat`: issued-at time.
    pub iat: Option<NumericDate>,
    /// `jti`: unique token identifier.
    pub jti: Option<String>,
}

impl RegisteredClaims {
    /// The `exp` / `nbf` / `iat` checks (JWT-EXP-1, JWT-NBF-1, JWT-IAT-1); `exp` is required.
    pub fn check_times(&self, check: &TimeCheck) -> Result<(), TimeError> {
        check.check_all(self.exp, self.nbf, self.iat, true)
    }

    fn write<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        entry(map, Claim::Iss.as_str(), self.iss.as_ref())?;
        entry(map, Claim::Sub.as_str(), self.sub.as_ref())?;
        entry(map, Claim::Aud.as_str(), self.aud.as_ref())?;
        entry(map, Claim::Exp.as_str(), self.exp.as_ref())?;
        entry(map, Claim::Nbf.as_str(), self.nbf.as_ref())?;
        entry(map, Claim::Iat.as_str(), self.iat.as_ref())?;
        entry(map, Claim::Jti.as_str(), self.jti.as_ref())
    }
}

/// Writes `name: value` when there is a value.
fn entry<M: SerializeMap, T: serde::Serialize + ?Sized>(
    map: &mut M,
    name: &'static str,
    value: Option<&T>,
) -> Result<(), M::Error> {
    match value {
        Some(v) => map.serialize_entry(name, v),
        None => Ok(()),
    }
}

/// Writes the extension claims, skipping any whose name the profile types (a typed
/// field already wrote it).
fn write_extra<M: SerializeMap>(
    map: &mut M,
    extra: &Map<String, Value>,
    profile: Profile,
) -> Result<(), M::Error> {
    for (k, v) in extra {
        if !Claim::from_name(k).is_some_and(|c| c.typed_in(profile)) {
            map.serialize_entry(k, v)?;
        }
    }
    Ok(())
}

/// A generic JWT claims set: the registered claims, typed, and every other claim as JSON.
///
/// ```
/// use audex_claims::{ClaimsSet, ClaimsError, Claim};
///
/// let c = ClaimsSet::from_json_slice(br#"{"iss":"https://as.example","aud":["a","b"],"exp":1900000000,"tenant":"t1"}"#).unwrap();
/// assert_eq!(c.registered.aud.unwrap().len(), 2);
/// assert_eq!(c.extra["tenant"], "t1");
///
/// // A wrong-typed registered claim is an error, never "absent".
/// let err = ClaimsSet::from_json_slice(br#"{"aud":42}"#).unwrap_err();
/// assert_eq!(err.to_string(), "claim aud: expected a string or an array of strings, found number");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClaimsSet {
    /// The registered claims.
    pub registered: RegisteredClaims,
    /// Every other claim, as received.
    pub extra: Map<String, Value>,
}

impl ClaimsSet {
    /// Parses with [`ParseOptions::strict`].
    pub fn from_json_slice(bytes: &[u8]) -> Result<Self, ClaimsError> {
        Self::from_json_slice_with(bytes, &ParseOptions::strict())
    }

    /// Parses with the given options.
    pub fn from_json_slice_with(bytes: &[u8], opts: &ParseOptions) -> Result<Self, ClaimsError> {
        Self::from_json_slice_known(bytes, opts, &[])
    }

    /// Parses with the given options, taking values equal byte for byte to one of
    /// `known` as valid StringOrURIs without parsing them again. A verifier passes
    /// its configured issuers and audiences, which were checked when they were built;
    /// every other value is checked as `opts` says.
    pub fn from_json_slice_known(
        bytes: &[u8],
        opts: &ParseOptions,
        known: &[StringOrUri],
    ) -> Result<Self, ClaimsError> {
        Ok(Self::build(Builder::parse(
            bytes,
            opts,
            Profile::Registered,
            known,
        )?))
    }

    /// Types the claims of an already strictly parsed object (see [`json::parse_object`]).
    pub fn from_map(map: Map<String, Value>, opts: &ParseOptions) -> Result<Self, ClaimsError> {
        Ok(Self::build(Builder::from_map(
            map,
            opts,
            Profile::Registered,
        )?))
    }

    fn build(mut b: Builder) -> Self {
        Self {
            registered: b.registered(),
            extra: b.extra,
        }
    }

    /// Whether `claim` is present (typed, or in `extra` for non-registered claims).
    pub fn has(&self, claim: Claim) -> bool {
        let r = &self.registered;
        match claim {
            Claim::Iss => r.iss.is_some(),
            Claim::Sub => r.sub.is_some(),
            Claim::Aud => r.aud.is_some(),
            Claim::Exp => r.exp.is_some(),
            Claim::Nbf => r.nbf.is_some(),
            Claim::Iat => r.iat.is_some(),
            Claim::Jti => r.jti.is_some(),
            // Not typed in a generic claims set: kept in `extra` under its name.
            Claim::ClientId
            | Claim::Scope
            | Claim::Azp
            | Claim::Act
            | Claim::MayAct
            | Claim::AuthTime
            | Claim::Acr
            | Claim::Amr
            | Claim::Groups
            | Claim::Roles
            | Claim::Entitlements => self.extra.contains_key(claim.as_str()),
        }
    }
}

impl serde::Serialize for ClaimsSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        self.registered.write(&mut map)?;
        write_extra(&mut map, &self.extra, Profile::Registered)?;
        map.end()
    }
}

/// The claims of a JWT access token (RFC 9068 §2.2), with the token-exchange claims of
/// RFC 8693 §4.
///
/// `iss`, `exp`, `aud`, `sub`, `client_id`, `iat` and `jti` are required (AT-CLAIMS-1);
/// the rest are optional. Every claim named here is type-checked; anything else is kept
/// in [`AccessTokenClaims::extra`].
///
/// ```
/// use audex_claims::AccessTokenClaims;
///
/// let at = AccessTokenClaims::from_json_slice(br#"{
///     "iss":"https://sts.example","sub":"alice","aud":"order-api","client_id":"portal",
///     "exp":1900000300,"iat":1900000000,"jti":"7f3c","scope":"orders:read",
///     "act":{"sub":"gateway"}
/// }"#).unwrap();
/// assert!(at.scope.unwrap().contains("orders:read"));
/// assert_eq!(at.act.unwrap().depth(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessTokenClaims {
    /// `iss`
    pub iss: StringOrUri,
    /// `exp`
    pub exp: NumericDate,
    /// `aud`
    pub aud: Audience,
    /// `sub`
    pub sub: StringOrUri,
    /// `client_id`
    pub client_id: String,
    /// `iat`
    pub iat: NumericDate,
    /// `jti`
    pub jti: String,
    /// `nbf`
    pub nbf: Option<NumericDate>,
    /// `scope`: one space-delimited string on the wire (TE-SCOPE-1).
    pub scope: Option<Scope>,
    /// `azp`: the authorised party.
    pub azp: Option<String>,
    /// `act`: the actor chain, current actor outermost.
    pub act: Option<Actor>,
    /// `may_act`: who may act for the subject.
    pub may_act: Option<ActorIdentity>,
    /// `auth_time`
    pub auth_time: Option<NumericDate>,
    /// `acr`
    pub acr: Option<String>,
    /// `amr`
    pub amr: Option<Vec<String>>,
    /// `groups`
    pub groups: Option<Vec<String>>,
    /// `roles`
    pub roles: Option<Vec<String>>,
    /// `entitlements`
    pub entitlements: Option<Vec<String>>,
    /// Every other claim, as received.
    pub extra: Map<String, Value>,
}

impl AccessTokenClaims {
    /// Parses with [`ParseOptions::strict`].
    pub fn from_json_slice(bytes: &[u8]) -> Result<Self, ClaimsError> {
        Self::from_json_slice_with(bytes, &ParseOptions::strict())
    }

    /// Parses with the given options.
    pub fn from_json_slice_with(bytes: &[u8], opts: &ParseOptions) -> Result<Self, ClaimsError> {
        Self::from_json_slice_known(bytes, opts, &[])
    }

    /// Parses with the given options, taking values equal byte for byte to one of
    /// `known` as valid StringOrURIs without parsing them again (see
    /// [`ClaimsSet::from_json_slice_known`]).
    pub fn from_json_slice_known(
        bytes: &[u8],
        opts: &ParseOptions,
        known: &[StringOrUri],
    ) -> Result<Self, ClaimsError> {
        Self::build(Builder::parse(bytes, opts, Profile::AccessToken, known)?)
    }

    /// Types the claims of an already strictly parsed object (see [`json::parse_object`]).
    ///
    /// Claims are type-checked as they are read; required claims are looked for at the
    /// end, so a malformed claim is reported as such even when another one is missing.
    pub fn from_map(map: Map<String, Value>, opts: &ParseOptions) -> Result<Self, ClaimsError> {
        Self::build(Builder::from_map(map, opts, Profile::AccessToken)?)
    }

    fn build(mut b: Builder) -> Result<Self, ClaimsError> {
        let reg = b.registered();
        Ok(Self {
            iss: required(reg.iss, Claim::Iss)?,
            exp: required(reg.exp, Claim::Exp)?,
            aud: required(reg.aud, Claim::Aud)?,
            sub: required(reg.sub, Claim::Sub)?,
            client_id: required(b.client_id, Claim::ClientId)?,
            iat: required(reg.iat, Claim::Iat)?,
            jti: required(reg.jti, Claim::Jti)?,
            nbf: reg.nbf,
            scope: b.scope,
            azp: b.azp,
            act: b.act,
            may_act: b.may_act,
            auth_time: b.auth_time,
            acr: b.acr,
            amr: b.amr,
            groups: b.groups,
            roles: b.roles,
            entitlements: b.entitlements,
            extra: b.extra,
        })
    }

    /// Whether `claim` is present.
    pub fn has(&self, claim: Claim) -> bool {
        match claim {
            Claim::Iss
            | Claim::Exp
            | Claim::Aud
            | Claim::Sub
            | Claim::ClientId
            | Claim::Iat
            | Claim::Jti => true,
            Claim::Nbf => self.nbf.is_some(),
            Claim::Scope => self.scope.is_some(),
            Claim::Azp => self.azp.is_some(),
            Claim::Act => self.act.is_some(),
            Claim::MayAct => self.may_act.is_some(),
            Claim::AuthTime => self.auth_time.is_some(),
            Claim::Acr => self.acr.is_some(),
            Claim::Amr => self.amr.is_some(),
            Claim::Groups => self.groups.is_some(),
            Claim::Roles => self.roles.is_some(),
            Claim::Entitlements => self.entitlements.is_some(),
        }
    }

    /// The `exp` / `nbf` / `iat` checks (JWT-EXP-1, JWT-NBF-1, JWT-IAT-1).
    pub fn check_times(&self, check: &TimeCheck) -> Result<(), TimeError> {
        check.check_all(Some(self.exp), self.nbf, Some(self.iat), true)
    }
}

impl serde::Serialize for AccessTokenClaims {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for &claim in Claim::ALL {
            let name = claim.as_str();
            match claim {
                Claim::Iss => entry(&mut map, name, Some(&self.iss))?,
                Claim::Sub => entry(&mut map, name, Some(&self.sub))?,
                Claim::Aud => entry(&mut map, name, Some(&self.aud))?,
                Claim::Exp => entry(&mut map, name, Some(&self.exp))?,
                Claim::Nbf => entry(&mut map, name, self.nbf.as_ref())?,
                Claim::Iat => entry(&mut map, name, Some(&self.iat))?,
                Claim::Jti => entry(&mut map, name, Some(&self.jti))?,
                Claim::ClientId => entry(&mut map, name, Some(&self.client_id))?,
                // An empty scope is not written (TE-SCOPE-1).
                Claim::Scope => {
                    entry(
                        &mut map,
                        name,
                        self.scope.as_ref().filter(|s| !s.is_empty()),
                    )?;
                }
                Claim::Azp => entry(&mut map, name, self.azp.as_ref())?,
                Claim::Act => entry(&mut map, name, self.act.as_ref())?,
                Claim::MayAct => entry(&mut map, name, self.may_act.as_ref())?,
                Claim::AuthTime => entry(&mut map, name, self.auth_time.as_ref())?,
                Claim::Acr => entry(&mut map, name, self.acr.as_ref())?,
                Claim::Amr => entry(&mut map, name, self.amr.as_ref())?,
                Claim::Groups => entry(&mut map, name, self.groups.as_ref())?,
                Claim::Roles => entry(&mut map, name, self.roles.as_ref())?,
                Claim::Entitlements => entry(&mut map, name, self.entitlements.as_ref())?,
            }
        }
        write_extra(&mut map, &self.extra, Profile::AccessToken)?;
        map.end()
    }
}

/// The issuer check: `iss` must be present and equal, byte for byte, to one of
/// `expected` (JWT-AUD-3, RFC 8725 §3.8).
pub fn check_issuer(
    iss: Option<&StringOrUri>,
    expected: &[StringOrUri],
) -> Result<(), IssuerError> {
    match iss {
        None => Err(IssuerError::Missing),
        Some(iss) if expected.iter().any(|e| e == iss) => Ok(()),
        Some(iss) => Err(IssuerError::Mismatch {
            expected: expected.iter().map(|e| e.as_str().to_owned()).collect(),
            found: iss.as_str().to_owned(),
        }),
    }
}

/// Why the issuer check failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IssuerError {
    /// The token has no `iss`.
    #[error("token has no iss claim")]
    Missing,
    /// The token's `iss` is not one of the expected issuers.
    #[error("token iss \"{}\" is not an expected issuer", json::Truncated(found))]
    Mismatch {
        /// The expected issuers.
        expected: Vec<String>,
        /// The token's issuer.
        found: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_claim_table_is_one_consistent_mapping() {
        for &c in Claim::ALL {
            assert_eq!(Claim::from_name(c.as_str()), Some(c));
            assert_eq!(
                c.typed_in(Profile::Registered),
                Claim::REGISTERED.contains(&c)
            );
            assert!(c.typed_in(Profile::AccessToken));
        }
        assert_eq!(Claim::from_name("scp"), None);
        // Serialisation follows the table order; a non-typed claim of the same name
        // in `extra` is not written twice.
        let mut at = AccessTokenClaims::from_json_slice(
            br#"{"jti":"j","iat":2,"client_id":"c","sub":"s","aud":"a","exp":3,"iss":"i","tenant":"t"}"#,
        )
        .unwrap();
        at.extra.insert("iss".into(), "shadow".into());
        let out = serde_json::to_string(&at).unwrap();
        assert_eq!(
            out,
            r#"{"iss":"i","sub":"s","aud":"a","exp":3,"iat":2,"jti":"j","client_id":"c","tenant":"t"}"#
        );
        let set = ClaimsSet::from_json_slice(br#"{"scope":"x","exp":1,"iss":"i"}"#).unwrap();
        assert!(set.has(Claim::Scope) && set.has(Claim::Exp) && !set.has(Claim::Sub));
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"{"iss":"i","exp":1,"scope":"x"}"#
        );
    }

    #[test]
    fn known_values_skip_the_uri_parse_and_nothing_else() {
        let doc = br#"{"iss":"urn:a b","aud":["urn:a b","urn:c d"],"exp":1}"#;
        let opts = ParseOptions::strict();
        // Not URIs: refused in strict mode...
        assert!(matches!(
            ClaimsSet::from_json_slice(doc),
            Err(ClaimsError::StringOrUri {
                claim: Claim::Iss,
                ..
            })
        ));
        // ...unless the verifier configured that exact value, and only that value.
        let known = [StringOrUri::new_lenient("urn:a b")];
        let err = ClaimsSet::from_json_slice_known(doc, &opts, &known).unwrap_err();
        assert!(
            matches!(
                err,
                ClaimsError::Audience(AudienceParseError::InvalidValue { index: 1, .. })
            ),
            "{err:?}"
        );
        let doc = br#"{"iss":"urn:a b","aud":"urn:a b","exp":1}"#;
        let c = ClaimsSet::from_json_slice_known(doc, &opts, &known).unwrap();
        assert_eq!(c.registered.iss.unwrap().as_str(), "urn:a b");
        // Byte for byte: a near miss is parsed, and refused.
        let doc = br#"{"iss":"urn:a  b","exp":1}"#;
        assert!(ClaimsSet::from_json_slice_known(doc, &opts, &known).is_err());
    }
}
