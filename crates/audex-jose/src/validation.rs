//! JWT validation profiles (RFC 8725 §3.11–3.12, RFC 9068 §4, RFC 7523) and the
//! [`Verified`] proof type.

use std::marker::PhantomData;
use std::time::Duration;

use audex_claims::{
    AccessTokenClaims, Audience, Claim, ClaimsSet, NumericDate, ParseOptions, Scope, StringOrUri,
    TimeCheck, check_audience, check_issuer,
};

use crate::alg::Algorithm;
use crate::jwk::KeySet;
use crate::jws::{
    AssertionError, CritError, DEFAULT_MAX_TOKEN_BYTES, Header, JwsError, JwsOptions,
    UnverifiedJws, VerifyError,
};

/// The `typ` of an RFC 9068 access token.
pub const TYP_ACCESS_TOKEN: &str = "at+jwt";
/// The `typ` of a client authentication assertion (draft-ietf-oauth-rfc7523bis).
pub const TYP_CLIENT_ASSERTION: &str = "client-authentication+jwt";

/// Default longest lifetime accepted for a client assertion (`exp − now`).
pub const DEFAULT_MAX_ASSERTION_LIFETIME: Duration = Duration::from_secs(300);

/// A token whose signature verified with a configured key and whose claims passed
/// every check of a validation profile. Only `audex-jose` can construct it, so code
/// that takes a `Verified<…>` cannot be handed an unchecked token.
#[derive(Clone, Debug)]
pub struct Verified<T> {
    header: Header,
    claims: T,
    key_id: Option<std::sync::Arc<str>>,
    key_issuer: Option<StringOrUri>,
}

impl<T> Verified<T> {
    /// The issuer the verifying key set is bound to ([`KeySet::for_issuer`]), if it is
    /// bound. When present it equals the token's `iss` (BCP-ISS-1): a policy may rely
    /// on it to know whose keys vouched for the token.
    pub fn key_issuer(&self) -> Option<&StringOrUri> {
        self.key_issuer.as_ref()
    }

    /// The protected header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The verified claims.
    pub fn claims(&self) -> &T {
        &self.claims
    }

    /// The `kid` of the key that verified the token.
    pub fn key_id(&self) -> Option<&str> {
        self.key_id.as_deref()
    }

    /// Gives up the proof and returns the claims.
    pub fn into_claims(self) -> T {
        self.claims
    }
}

mod sealed {
    pub trait Sealed {}
}

/// Profiles whose validation names the accepted issuers ([`Validation::issuer`]).
/// Not the client-assertion profile: there the issuer is the client itself, bound
/// with [`Validation::client_assertion`].
pub trait NamesIssuer: Profile {}
/// Profiles that check `aud` themselves ([`Validation::audience`]). Not the
/// subject-token profile, whose audience rule belongs to the exchange policy, and not
/// the client-assertion profile, whose audience is fixed.
pub trait ChecksAudience: Profile {}
/// Profiles that can require scopes ([`Validation::require_scope`]).
pub trait ChecksScope: Profile {}

/// The claims of a subject or actor token verified for a token exchange
/// ([`Validation::subject_token`]): an RFC 9068 access token whose signature, issuer,
/// type and times were checked but whose **audience was not** — the exchange policy
/// applies its own rule (POL-WHO-1). It is a distinct type so that a resource server,
/// which must take `Verified<AccessTokenClaims>`, cannot be handed one:
///
/// ```compile_fail,E0308
/// use audex_jose::claims::AccessTokenClaims;
/// use audex_jose::{SubjectTokenClaims, Verified};
///
/// fn resource_server(token: &Verified<AccessTokenClaims>) { let _ = token; }
/// fn misuse(subject: &Verified<SubjectTokenClaims>) {
///     resource_server(subject); // error: audience never checked
/// }
/// ```
///
/// It dereferences to the [`AccessTokenClaims`] for reading.
#[derive(Clone, Debug, PartialEq)]
pub struct SubjectTokenClaims(AccessTokenClaims);

impl std::ops::Deref for SubjectTokenClaims {
    type Target = AccessTokenClaims;

    fn deref(&self) -> &AccessTokenClaims {
        &self.0
    }
}

impl SubjectTokenClaims {
    /// Gives up the type distinction (for code that only reads the claims).
    pub fn into_inner(self) -> AccessTokenClaims {
        self.0
    }
}

/// A validation profile. Profiles are mutually exclusive by `typ` (BCP-TYP-1): an
/// access token does not pass as a client assertion or a generic JWT, and vice versa.
pub trait Profile: sealed::Sealed {
    /// The claims type the profile yields.
    type Claims;
    #[doc(hidden)]
    fn check_typ(header: &Header, v: &Validation<Self>) -> Result<(), VerifyError>
    where
        Self: Sized;
    #[doc(hidden)]
    fn claims(
        payload: &[u8],
        v: &Validation<Self>,
        now: NumericDate,
    ) -> Result<Self::Claims, VerifyError>
    where
        Self: Sized;
    #[doc(hidden)]
    fn issuer_of(claims: &Self::Claims) -> Option<&StringOrUri>;
}

/// RFC 9068 JWT access tokens: `typ` `at+jwt`, required claims, exact `iss`, `aud`
/// containing the resource server.
#[derive(Clone, Copy, Debug)]
pub struct AccessToken;
/// Client authentication assertions (RFC 7523 §3 as updated by rfc7523bis).
#[derive(Clone, Copy, Debug)]
pub struct ClientAssertion;
/// Generic JWTs: `typ` absent or `JWT` (or one the caller names), never `at+jwt` or
/// `client-authentication+jwt`.
#[derive(Clone, Copy, Debug)]
pub struct Jwt;

/// Subject and actor tokens at a token-exchange server: RFC 9068 access tokens whose
/// audience the exchange policy checks, not jose ([`SubjectTokenClaims`]).
#[derive(Clone, Copy, Debug)]
pub struct SubjectToken;

impl sealed::Sealed for AccessToken {}
impl sealed::Sealed for ClientAssertion {}
impl sealed::Sealed for Jwt {}
impl sealed::Sealed for SubjectToken {}
impl NamesIssuer for AccessToken {}
impl NamesIssuer for Jwt {}
impl NamesIssuer for SubjectToken {}
impl ChecksAudience for AccessToken {}
impl ChecksAudience for Jwt {}
impl ChecksScope for AccessToken {}
impl ChecksScope for Jwt {}

/// What a resource server, STS or client checks in a JWT. Secure by default:
/// `exp` required, 60 s leeway, 16 KiB size limit, strict claims parsing, and a
/// configured issuer or audience makes the claim required.
///
/// ```
/// use audex_jose::{Validation, StringOrUri};
///
/// let v = Validation::access_token(
///     StringOrUri::new("https://sts.example")?,
///     StringOrUri::new("order-api")?,
/// );
/// # let _ = v;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Validation<P> {
    issuers: Vec<StringOrUri>,
    audiences: Vec<StringOrUri>,
    /// `issuers` and `audiences` together: token values equal to one of them are not
    /// parsed as URIs again (they were checked when the validation was built).
    known: Vec<StringOrUri>,
    algorithms: Option<Vec<Algorithm>>,
    leeway: Duration,
    required: Vec<Claim>,
    max_token_bytes: usize,
    required_scope: Option<Scope>,
    parse: ParseOptions,
    understood_crit: Vec<&'static str>,
    extra_typs: Vec<String>,
    max_assertion_lifetime: Duration,
    legacy_typ: bool,
    audience_deferred: bool,
    client_id: Option<String>,
    _profile: PhantomData<P>,
}

impl<P> Validation<P> {
    fn base() -> Self {
        Self {
            issuers: Vec::new(),
            audiences: Vec::new(),
            known: Vec::new(),
            algorithms: None,
            leeway: audex_claims::DEFAULT_LEEWAY,
            required: vec![Claim::Exp],
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            required_scope: None,
            parse: ParseOptions::strict(),
            understood_crit: Vec::new(),
            extra_typs: Vec::new(),
            max_assertion_lifetime: DEFAULT_MAX_ASSERTION_LIFETIME,
            legacy_typ: false,
            audience_deferred: false,
            client_id: None,
            _profile: PhantomData,
        }
    }

    fn add_issuer(mut self, issuer: StringOrUri) -> Self {
        self.known.push(issuer.clone());
        self.issuers.push(issuer);
        self
    }

    fn add_audience(mut self, audience: StringOrUri) -> Self {
        self.known.push(audience.clone());
        self.audiences.push(audience);
        self
    }

    /// Restricts the algorithms accepted (on top of each key's own algorithm).
    #[must_use]
    pub fn algorithms(mut self, algs: impl IntoIterator<Item = Algorithm>) -> Self {
        self.algorithms = Some(algs.into_iter().collect());
        self
    }

    /// Sets the clock-skew leeway (default 60 s).
    #[must_use]
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Requires a claim to be present.
    #[must_use]
    pub fn require(mut self, claim: Claim) -> Self {
        if !self.required.contains(&claim) {
            self.required.push(claim);
        }
        self
    }

    /// Sets the maximum token size in bytes (default 16 KiB).
    #[must_use]
    pub fn max_token_bytes(mut self, n: usize) -> Self {
        self.max_token_bytes = n;
        self
    }

    /// Reads claims leniently (third-party tokens; see [`ParseOptions::lenient`]).
    #[must_use]
    pub fn lenient_claims(mut self) -> Self {
        self.parse = ParseOptions::lenient();
        self
    }

    /// Declares a `crit` extension the caller understands and processes itself.
    #[must_use]
    pub fn understand_crit(mut self, name: &'static str) -> Self {
        self.understood_crit.push(name);
        self
    }

    fn verify_inner(
        &self,
        token: &str,
        keys: &KeySet,
        now: NumericDate,
    ) -> Result<Verified<P::Claims>, VerifyError>
    where
        P: Profile + Sized,
    {
        let opts = JwsOptions {
            max_token_bytes: self.max_token_bytes,
            understood_crit: &self.understood_crit,
        };
        self.verify_jws(UnverifiedJws::parse(token, &opts)?, keys, now)
    }

    /// Verifies a token that was already parsed (by a caller that had to look at its
    /// header or unverified issuer to pick the key set), without parsing it again.
    /// Everything [`Self`]'s `verify` checks is checked, including this validation's
    /// size limit and `crit` extensions, whatever options the token was parsed with.
    ///
    /// ```
    /// use audex_jose::{Algorithm, JwsOptions, KeySet, NumericDate, SigningKey, StringOrUri,
    ///                  UnverifiedJws, Validation};
    /// use audex_jose::claims::AccessTokenClaims;
    ///
    /// let iss = StringOrUri::new("https://sts.example")?;
    /// let key = SigningKey::generate(Algorithm::ES256)?.0;
    /// let keys = KeySet::new(vec![key.verifying_key()?]).for_issuer(iss.clone());
    /// let claims = AccessTokenClaims::from_json_slice(br#"{"iss":"https://sts.example",
    ///     "sub":"alice","aud":"api","client_id":"c","exp":1900000600,"iat":1900000000,
    ///     "jti":"j"}"#)?;
    /// let token = audex_jose::sign_access_token(&claims, &key)?;
    ///
    /// let jws = UnverifiedJws::parse(&token, &JwsOptions::default())?;
    /// assert_eq!(jws.unverified_issuer().as_deref(), Some("https://sts.example"));
    /// let now = NumericDate::from_secs(1_900_000_100)?;
    /// let v = Validation::access_token(iss, StringOrUri::new("api")?)
    ///     .verify_parsed(jws, &keys, now)?;
    /// assert_eq!(v.claims().sub.as_str(), "alice");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_parsed(
        &self,
        jws: UnverifiedJws<'_>,
        keys: &KeySet,
        now: NumericDate,
    ) -> Result<Verified<P::Claims>, VerifyError>
    where
        P: Profile + Sized,
    {
        let len = jws.token_len();
        if len > self.max_token_bytes {
            return Err(JwsError::TooLarge {
                len,
                limit: self.max_token_bytes,
            }
            .into());
        }
        if let Some(name) = jws
            .header()
            .crit
            .iter()
            .flatten()
            .find(|c| !self.understood_crit.contains(&c.as_str()))
        {
            return Err(JwsError::Crit(CritError::NotUnderstood {
                name: audex_claims::json::Truncated(name).to_string(),
            })
            .into());
        }
        self.verify_jws(jws, keys, now)
    }

    fn verify_jws(
        &self,
        jws: UnverifiedJws<'_>,
        keys: &KeySet,
        now: NumericDate,
    ) -> Result<Verified<P::Claims>, VerifyError>
    where
        P: Profile + Sized,
    {
        // BCP-ISS-1: a bound key set must belong to an accepted issuer, and a
        // validation accepting several issuers must be handed a bound set, or one
        // issuer's key could vouch for another issuer's token.
        match keys.issuer() {
            Some(bound) if !self.issuers.is_empty() && !self.issuers.contains(bound) => {
                return Err(VerifyError::WrongIssuerKeys {
                    key_issuer: audex_claims::json::sanitize_description(bound.as_str()),
                });
            }
            None if self.issuers.len() > 1 => return Err(VerifyError::UnboundKeySet),
            _ => {}
        }
        let alg = jws.header().alg;
        if self.algorithms.as_ref().is_some_and(|a| !a.contains(&alg)) {
            return Err(VerifyError::AlgorithmNotAllowed(alg));
        }
        P::check_typ(jws.header(), self)?;
        let verified = jws.verify(keys)?;
        let (header, payload, key_id) = verified.into_parts();
        let claims = P::claims(&payload, self, now)?;
        let key_issuer = keys.issuer().cloned();
        if let Some(bound) = &key_issuer
            && P::issuer_of(&claims) != Some(bound)
        {
            return Err(VerifyError::IssuerKeyMismatch {
                key_issuer: audex_claims::json::sanitize_description(bound.as_str()),
            });
        }
        Ok(Verified {
            header,
            claims,
            key_id,
            key_issuer,
        })
    }

    fn check_common(
        &self,
        iss: Option<&StringOrUri>,
        aud: Option<&Audience>,
        exp: Option<NumericDate>,
        nbf: Option<NumericDate>,
        iat: Option<NumericDate>,
        now: NumericDate,
    ) -> Result<(), VerifyError> {
        if !self.issuers.is_empty() {
            check_issuer(iss, &self.issuers)?;
        }
        if !self.audience_deferred {
            check_audience(aud, &self.audiences)?;
        }
        TimeCheck::at(now).with_leeway(self.leeway).check_all(
            exp,
            nbf,
            iat,
            self.required.contains(&Claim::Exp),
        )?;
        Ok(())
    }

    fn check_required(&self, has: impl Fn(Claim) -> bool) -> Result<(), VerifyError> {
        match self.required.iter().find(|c| !has(**c)) {
            Some(c) => Err(VerifyError::Claims(audex_claims::ClaimsError::Missing(*c))),
            None => Ok(()),
        }
    }

    fn check_scope(&self, scope: Option<&Scope>) -> Result<(), VerifyError> {
        if let Some(required) = &self.required_scope {
            let empty = Scope::empty();
            let missing = required.difference(scope.unwrap_or(&empty));
            if !missing.is_empty() {
                return Err(VerifyError::InsufficientScope {
                    missing: missing.to_string(),
                });
            }
        }
        Ok(())
    }
}

impl<P: NamesIssuer> Validation<P> {
    /// Accepts tokens from `issuer` too (exact match). With several issuers, the key
    /// set must be bound to one of them ([`KeySet::for_issuer`]).
    #[must_use]
    pub fn issuer(self, issuer: StringOrUri) -> Self {
        self.add_issuer(issuer)
    }
}

impl<P: ChecksAudience> Validation<P> {
    /// Accepts tokens whose `aud` contains `audience` too.
    #[must_use]
    pub fn audience(self, audience: StringOrUri) -> Self {
        self.add_audience(audience)
    }
}

impl<P: ChecksScope> Validation<P> {
    /// Requires the token's `scope` to include every token of `scope`; a token
    /// lacking one fails with `insufficient_scope` (RFC 6750 §3.1).
    #[must_use]
    pub fn require_scope(mut self, scope: Scope) -> Self {
        self.required_scope = Some(scope);
        self
    }
}

impl Validation<AccessToken> {
    /// RFC 9068 access-token validation for a resource server known as `audience`,
    /// accepting tokens from `issuer` (AT-TYP-1, AT-CLAIMS-1, AT-ISS-1).
    pub fn access_token(issuer: StringOrUri, audience: StringOrUri) -> Self {
        Self::base().issuer(issuer).audience(audience)
    }

    /// **Loosening.** Also accepts access tokens whose `typ` is absent or `JWT`, for
    /// issuers that mint RFC 9068 claims without the RFC 9068 header (authgent-server,
    /// older Keycloak). Every claim check stays; `client-authentication+jwt` and any
    /// other explicit type are still refused, so an assertion cannot pass as an access
    /// token. Off by default: RFC 9068 §4 requires `at+jwt` (AT-TYP-1), and that header
    /// is what keeps an ID token or a client's assertion from being replayed here.
    #[must_use]
    pub fn allow_jwt_typ(mut self) -> Self {
        self.legacy_typ = true;
        self
    }

    /// Verifies an access token against the issuer's key set at time `now`.
    pub fn verify(
        &self,
        token: &str,
        keys: &KeySet,
        now: NumericDate,
    ) -> Result<Verified<AccessTokenClaims>, VerifyError> {
        self.verify_inner(token, keys, now)
    }
}

/// `typ` must be `at+jwt` (AT-TYP-1), for both access-token profiles.
fn check_access_token_typ(header: &Header) -> Result<(), VerifyError> {
    if header.typ_is(TYP_ACCESS_TOKEN) {
        Ok(())
    } else {
        Err(VerifyError::WrongType {
            expected: "at+jwt",
            found: header.typ.clone(),
        })
    }
}

/// The RFC 9068 claims checks shared by both access-token profiles; the audience check
/// runs unless the profile defers it, the scope check only where one was required.
fn access_token_claims<P>(
    payload: &[u8],
    v: &Validation<P>,
    now: NumericDate,
) -> Result<AccessTokenClaims, VerifyError> {
    let c = AccessTokenClaims::from_json_slice_known(payload, &v.parse, &v.known)?;
    v.check_required(|claim| c.has(claim))?;
    v.check_common(
        Some(&c.iss),
        Some(&c.aud),
        Some(c.exp),
        c.nbf,
        Some(c.iat),
        now,
    )?;
    v.check_scope(c.scope.as_ref())?;
    Ok(c)
}

impl Profile for AccessToken {
    type Claims = AccessTokenClaims;

    fn check_typ(header: &Header, v: &Validation<Self>) -> Result<(), VerifyError> {
        let plain_jwt = v.legacy_typ
            && header
                .typ
                .as_deref()
                .is_none_or(|t| crate::jws::media_type_eq(t, "JWT"));
        if plain_jwt {
            Ok(())
        } else {
            check_access_token_typ(header)
        }
    }

    fn claims(
        payload: &[u8],
        v: &Validation<Self>,
        now: NumericDate,
    ) -> Result<AccessTokenClaims, VerifyError> {
        access_token_claims(payload, v, now)
    }

    fn issuer_of(claims: &AccessTokenClaims) -> Option<&StringOrUri> {
        Some(&claims.iss)
    }
}

impl Validation<SubjectToken> {
    /// Validation of subject and actor tokens at a token-exchange server, which does
    /// not consume them itself: every access-token check runs except the audience
    /// check, which the exchange policy applies with its own rule (audex-policy's
    /// POL-WHO-1). `aud` is still required and type-checked. The result is a
    /// [`SubjectTokenClaims`], which resource-server code cannot take for an access
    /// token.
    ///
    /// ```compile_fail,E0599
    /// # use audex_jose::{Validation, StringOrUri};
    /// // No audience on this profile: the policy decides who the token is for.
    /// let v = Validation::subject_token(StringOrUri::new("https://sts.example")?)
    ///     .audience(StringOrUri::new("api")?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn subject_token(issuer: StringOrUri) -> Self {
        let mut v = Self::base().add_issuer(issuer);
        v.audience_deferred = true;
        v
    }

    /// Verifies a subject or actor token against its issuer's key set at `now`.
    pub fn verify(
        &self,
        token: &str,
        keys: &KeySet,
        now: NumericDate,
    ) -> Result<Verified<SubjectTokenClaims>, VerifyError> {
        self.verify_inner(token, keys, now)
    }
}

impl Profile for SubjectToken {
    type Claims = SubjectTokenClaims;

    fn check_typ(header: &Header, _: &Validation<Self>) -> Result<(), VerifyError> {
        check_access_token_typ(header)
    }

    fn claims(
        payload: &[u8],
        v: &Validation<Self>,
        now: NumericDate,
    ) -> Result<SubjectTokenClaims, VerifyError> {
        access_token_claims(payload, v, now).map(SubjectTokenClaims)
    }

    fn issuer_of(claims: &SubjectTokenClaims) -> Option<&StringOrUri> {
        Some(&claims.0.iss)
    }
}

impl Validation<ClientAssertion> {
    /// Client-assertion validation for the client `client_id` at the authorization
    /// server whose issuer identifier is `as_issuer`: `iss` = `sub` = `client_id`,
    /// `aud` exactly that identifier (CA-JWT-1), `exp` within
    /// [`DEFAULT_MAX_ASSERTION_LIFETIME`], `jti` present. The client's key set may be
    /// bound to the client id ([`KeySet::for_issuer`]).
    ///
    /// The issuer and audience are fixed by the profile; neither can be added:
    ///
    /// ```compile_fail,E0599
    /// # use audex_jose::{Validation, StringOrUri};
    /// let v = Validation::client_assertion(StringOrUri::new("https://sts.example")?, "portal")
    ///     .issuer(StringOrUri::new("https://other.example")?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn client_assertion(as_issuer: StringOrUri, client_id: impl Into<String>) -> Self {
        let mut v = Self::base().add_audience(as_issuer).require(Claim::Jti);
        v.client_id = Some(client_id.into());
        v
    }

    /// Also accepts assertions whose `typ` is absent or `JWT` (RFC 7523 clients that
    /// predate `client-authentication+jwt`). Off by default.
    #[must_use]
    pub fn allow_legacy_typ(mut self) -> Self {
        self.legacy_typ = true;
        self
    }

    /// Sets the longest accepted `exp − now` (default 5 minutes).
    #[must_use]
    pub fn max_lifetime(mut self, d: Duration) -> Self {
        self.max_assertion_lifetime = d;
        self
    }

    /// Verifies a client assertion with the client's registered keys.
    pub fn verify(
        &self,
        token: &str,
        keys: &KeySet,
        now: NumericDate,
    ) -> Result<Verified<ClaimsSet>, VerifyError> {
        self.verify_inner(token, keys, now)
    }
}

impl Profile for ClientAssertion {
    type Claims = ClaimsSet;

    fn check_typ(header: &Header, v: &Validation<Self>) -> Result<(), VerifyError> {
        let legacy = v.legacy_typ
            && header
                .typ
                .as_deref()
                .is_none_or(|t| t.eq_ignore_ascii_case("JWT"));
        if header.typ_is(TYP_CLIENT_ASSERTION) || legacy {
            Ok(())
        } else {
            Err(VerifyError::WrongType {
                expected: "client-authentication+jwt",
                found: header.typ.clone(),
            })
        }
    }

    fn claims(
        payload: &[u8],
        v: &Validation<Self>,
        now: NumericDate,
    ) -> Result<ClaimsSet, VerifyError> {
        let c = ClaimsSet::from_json_slice_known(payload, &v.parse, &v.known)?;
        v.check_required(|claim| c.has(claim))?;
        let r = &c.registered;
        let (Some(iss), Some(sub)) = (&r.iss, &r.sub) else {
            return Err(VerifyError::ClientAssertion(
                AssertionError::IssOrSubMissing,
            ));
        };
        if iss != sub || v.client_id.as_deref().is_some_and(|id| iss.as_str() != id) {
            return Err(VerifyError::ClientAssertion(AssertionError::NotTheClient));
        }
        if r.jti.is_none() {
            return Err(VerifyError::Claims(audex_claims::ClaimsError::Missing(
                Claim::Jti,
            )));
        }
        // The AS issuer identifier must be the only audience value.
        match &r.aud {
            Some(aud) if aud.len() == 1 => {}
            Some(aud) => {
                return Err(VerifyError::ClientAssertion(
                    AssertionError::NotOneAudience { count: aud.len() },
                ));
            }
            None => {
                return Err(VerifyError::Claims(audex_claims::ClaimsError::Missing(
                    Claim::Aud,
                )));
            }
        }
        v.check_common(None, r.aud.as_ref(), r.exp, r.nbf, r.iat, now)?;
        if let Some(exp) = r.exp {
            let life = exp.saturating_duration_since(now);
            if life > v.max_assertion_lifetime {
                return Err(VerifyError::ClientAssertion(AssertionError::TooLong {
                    ahead_secs: life.as_secs(),
                    max_secs: v.max_assertion_lifetime.as_secs(),
                }));
            }
        }
        Ok(c)
    }

    fn issuer_of(claims: &ClaimsSet) -> Option<&StringOrUri> {
        claims.registered.iss.as_ref()
    }
}

impl Validation<Jwt> {
    /// Generic JWT validation. Configure the issuer and audience; without an
    /// audience, a token carrying `aud` is rejected (RFC 7519 §4.1.3).
    pub fn jwt() -> Self {
        Self::base()
    }

    /// Accepts this explicit `typ` as well as absent / `JWT`. The reserved
    /// `at+jwt` and `client-authentication+jwt` types cannot be added.
    #[must_use]
    pub fn accept_typ(mut self, typ: impl Into<String>) -> Self {
        self.extra_typs.push(typ.into());
        self
    }

    /// Verifies a JWT.
    pub fn verify(
        &self,
        token: &str,
        keys: &KeySet,
        now: NumericDate,
    ) -> Result<Verified<ClaimsSet>, VerifyError> {
        self.verify_inner(token, keys, now)
    }
}

impl Profile for Jwt {
    type Claims = ClaimsSet;

    fn check_typ(header: &Header, v: &Validation<Self>) -> Result<(), VerifyError> {
        let ok = match header.typ.as_deref() {
            None => true,
            Some(t) if crate::jws::media_type_eq(t, "JWT") => true,
            Some(t) if crate::jws::media_type_eq(t, TYP_ACCESS_TOKEN) => false,
            Some(t) if crate::jws::media_type_eq(t, TYP_CLIENT_ASSERTION) => false,
            Some(t) => v.extra_typs.iter().any(|e| crate::jws::media_type_eq(t, e)),
        };
        if ok {
            Ok(())
        } else {
            Err(VerifyError::WrongType {
                expected: "JWT",
                found: header.typ.clone(),
            })
        }
    }

    fn claims(
        payload: &[u8],
        v: &Validation<Self>,
        now: NumericDate,
    ) -> Result<ClaimsSet, VerifyError> {
        let c = ClaimsSet::from_json_slice_known(payload, &v.parse, &v.known)?;
        v.check_required(|claim| c.has(claim))?;
        let r = &c.registered;
        v.check_common(r.iss.as_ref(), r.aud.as_ref(), r.exp, r.nbf, r.iat, now)?;
        if v.required_scope.is_some() {
            let scope = match c.extra.get("scope") {
                Some(s) => Some(Scope::from_json(s)?),
                None => None,
            };
            v.check_scope(scope.as_ref())?;
        }
        Ok(c)
    }

    fn issuer_of(claims: &ClaimsSet) -> Option<&StringOrUri> {
        claims.registered.iss.as_ref()
    }
}

impl From<audex_claims::ScopeError> for VerifyError {
    fn from(e: audex_claims::ScopeError) -> Self {
        Self::Claims(audex_claims::ClaimsError::Scope(e))
    }
}
