//! Token requests: RFC 8693 token exchange and `client_credentials` with targets,
//! with client-authentication parameters (RFC 6749 §2.3, RFC 7523 §2.2).

use base64::Engine;

use audex_claims::Scope;

use crate::error::FormError;
use crate::form;
use crate::secret::Secret;
use crate::token_type::TokenType;

/// `urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693 §2.1).
pub const GRANT_TYPE_TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
/// `client_credentials` (RFC 6749 §4.4).
pub const GRANT_TYPE_CLIENT_CREDENTIALS: &str = "client_credentials";
/// `urn:ietf:params:oauth:client-assertion-type:jwt-bearer` (RFC 7523 §2.2).
pub const CLIENT_ASSERTION_TYPE_JWT: &str =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A `resource` value: an absolute URI without a fragment (RFC 8707 §2, TE-REQ-4).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceUri(String);

/// A value that is not an absolute URI without a fragment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("resource must be an absolute URI without a fragment")]
pub struct InvalidResourceUri;

impl ResourceUri {
    /// Checks and wraps a resource URI.
    pub fn new(s: impl Into<String>) -> Result<Self, InvalidResourceUri> {
        let s = s.into();
        if crate::is_absolute_uri(&s) {
            Ok(Self(s))
        } else {
            Err(InvalidResourceUri)
        }
    }

    /// The URI as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Client-authentication parameters found in a request body (RFC 6749 §2.3.1
/// `client_secret_post`, RFC 7523 §2.2 `private_key_jwt`). Checking them is the
/// server's job; this type only carries them, secrets redacted.
#[derive(Clone, Debug, Default)]
pub struct ClientAuthParams {
    /// `client_id`
    pub client_id: Option<String>,
    /// `client_secret`
    pub client_secret: Option<Secret>,
    /// `client_assertion`
    pub client_assertion: Option<Secret>,
    /// `client_assertion_type`
    pub client_assertion_type: Option<String>,
}

impl ClientAuthParams {
    fn pairs(&self) -> Vec<(&str, &str)> {
        let mut v = Vec::new();
        if let Some(id) = &self.client_id {
            v.push(("client_id", id.as_str()));
        }
        if let Some(s) = &self.client_secret {
            v.push(("client_secret", s.expose()));
        }
        if let Some(a) = &self.client_assertion {
            v.push(("client_assertion", a.expose()));
        }
        if let Some(t) = &self.client_assertion_type {
            v.push(("client_assertion_type", t.as_str()));
        }
        v
    }
}

/// `client_secret_basic` credentials (RFC 6749 §2.3.1): the client id and secret are
/// each form-encoded, joined with `:`, then base64-encoded (CA-BASIC-1).
///
/// ```
/// use audex_exchange::BasicCredentials;
///
/// let header = BasicCredentials::encode("my client", "p@ss:w%rd");
/// assert_eq!(header, "Basic bXkrY2xpZW50OnAlNDBzcyUzQXclMjVyZA==");
/// let (id, secret) = BasicCredentials::decode(&header).unwrap();
/// assert_eq!((id.as_str(), secret.expose()), ("my client", "p@ss:w%rd"));
/// ```
pub struct BasicCredentials;

impl BasicCredentials {
    /// The `Authorization` header value for `client_id` and `client_secret`.
    pub fn encode(client_id: &str, client_secret: &str) -> String {
        let id: String = form_urlencoded::byte_serialize(client_id.as_bytes()).collect();
        let secret: String = form_urlencoded::byte_serialize(client_secret.as_bytes()).collect();
        let raw = format!("{id}:{secret}");
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }

    /// Reads an `Authorization: Basic` header value.
    pub fn decode(header: &str) -> Result<(String, Secret), FormError> {
        let (scheme, rest) = header
            .trim()
            .split_once(' ')
            .ok_or(FormError::BadBasicAuth("expected `Basic <credentials>`"))?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(FormError::BadBasicAuth("scheme is not Basic"));
        }
        let raw = base64::engine::general_purpose::STANDARD
            .decode(rest.trim())
            .map_err(|_| FormError::BadBasicAuth("credentials are not base64"))?;
        let colon = raw
            .iter()
            .position(|b| *b == b':')
            .ok_or(FormError::BadBasicAuth(
                "no ':' between client id and secret",
            ))?;
        let (id, secret) = (
            raw.get(..colon).unwrap_or_default(),
            raw.get(colon + 1..).unwrap_or_default(),
        );
        let id = form::component(id, 0)
            .map_err(|_| FormError::BadBasicAuth("client id is not form-encoded UTF-8"))?;
        let secret = form::component(secret, 0)
            .map_err(|_| FormError::BadBasicAuth("client secret is not form-encoded UTF-8"))?;
        if id.is_empty() {
            return Err(FormError::BadBasicAuth("empty client id"));
        }
        // RFC 6749 Appendix A.1/A.2 (VSCHAR), RFC 7617 §2 (no control characters).
        if !is_vschar(&id) {
            return Err(FormError::BadBasicAuth(
                "client id has characters outside %x20-7E",
            ));
        }
        if !is_vschar(&secret) {
            return Err(FormError::BadBasicAuth(
                "client secret has characters outside %x20-7E",
            ));
        }
        Ok((id, Secret::new(secret)))
    }
}

/// Whether every character is a VSCHAR (%x20-7E), the syntax of `client_id` and
/// `client_secret` (RFC 6749 Appendix A.1, A.2).
fn is_vschar(s: &str) -> bool {
    s.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

/// How a client authenticated to the token endpoint, resolved once from the
/// `Authorization` header and the body together (RFC 6749 §2.3, RFC 7523 §2.2).
///
/// The rules, decided here so that no server decides them differently:
/// - at most one method: Basic together with a body `client_secret` or
///   `client_assertion`, or a body with both, is `invalid_request` (RFC 6749 §2.3);
/// - a body `client_id` next to Basic must name the same client (`invalid_request`);
/// - a `client_secret` needs a `client_id` (`invalid_request`);
/// - an empty secret is no secret: `portal:` in Basic and `client_id=portal&client_secret=`
///   in the body both identify `portal` without authenticating it, so a confidential
///   client gets the same `invalid_client` either way;
/// - `client_assertion_type` must be `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.
///
/// ```
/// use audex_exchange::{BasicCredentials, ClientAuthentication, TokenRequest};
///
/// let req = TokenRequest::decode(b"grant_type=client_credentials").unwrap();
/// let basic = BasicCredentials::encode("portal", "s3cret");
/// let auth = ClientAuthentication::resolve(Some(&basic), &req.client).unwrap();
/// assert_eq!(auth.client_id(), Some("portal"));
/// assert!(auth.used_authorization_header());
///
/// let both = TokenRequest::decode(b"grant_type=client_credentials&client_secret=x&client_id=portal").unwrap();
/// let err = ClientAuthentication::resolve(Some(&basic), &both.client).unwrap_err();
/// assert_eq!(err.error_code().as_str(), "invalid_request");
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ClientAuthentication {
    /// `client_secret_basic`.
    Basic {
        /// The client id.
        client_id: String,
        /// The secret (non-empty).
        secret: Secret,
    },
    /// `client_secret_post`.
    Post {
        /// The client id.
        client_id: String,
        /// The secret (non-empty).
        secret: Secret,
    },
    /// `private_key_jwt` / `client_secret_jwt` (RFC 7523 §2.2): the server verifies
    /// the assertion; its `iss` and `sub` name the client, and a body `client_id`, when
    /// sent, must equal them.
    Assertion {
        /// The body's `client_id`, if sent.
        client_id: Option<String>,
        /// The assertion.
        assertion: Secret,
    },
    /// A client identified but not authenticated (a public client, or an empty
    /// secret).
    Unauthenticated {
        /// The client id.
        client_id: String,
        /// Whether it came from an `Authorization: Basic` header.
        via_header: bool,
    },
    /// No client named at all.
    Anonymous,
}

impl ClientAuthentication {
    /// Resolves client authentication from the `Authorization` header value (if any)
    /// and the body's parameters.
    pub fn resolve(
        authorization: Option<&str>,
        body: &ClientAuthParams,
    ) -> Result<Self, FormError> {
        let body_secret = body.client_secret.as_ref().filter(|s| !s.is_empty());
        if let Some(header) = authorization {
            let (id, secret) = BasicCredentials::decode(header)?;
            if body_secret.is_some() || body.client_assertion.is_some() {
                return Err(FormError::MultipleClientAuth);
            }
            if body.client_id.as_deref().is_some_and(|b| b != id) {
                return Err(FormError::ClientIdMismatch);
            }
            return Ok(if secret.is_empty() {
                Self::Unauthenticated {
                    client_id: id,
                    via_header: true,
                }
            } else {
                Self::Basic {
                    client_id: id,
                    secret,
                }
            });
        }
        if let Some(assertion) = &body.client_assertion {
            if body_secret.is_some() {
                return Err(FormError::MultipleClientAuth);
            }
            if body.client_assertion_type.as_deref() != Some(CLIENT_ASSERTION_TYPE_JWT) {
                return Err(FormError::UnsupportedAssertionType);
            }
            return Ok(Self::Assertion {
                client_id: body.client_id.clone(),
                assertion: assertion.clone(),
            });
        }
        match (&body.client_id, body_secret) {
            (Some(id), Some(secret)) => Ok(Self::Post {
                client_id: id.clone(),
                secret: secret.clone(),
            }),
            (None, Some(_)) => Err(FormError::SecretWithoutClientId),
            (Some(id), None) => Ok(Self::Unauthenticated {
                client_id: id.clone(),
                via_header: false,
            }),
            (None, None) => Ok(Self::Anonymous),
        }
    }

    /// The client id named by the request (for an assertion, the body's `client_id`
    /// if sent; the assertion's `iss` decides).
    pub fn client_id(&self) -> Option<&str> {
        match self {
            Self::Basic { client_id, .. }
            | Self::Post { client_id, .. }
            | Self::Unauthenticated { client_id, .. } => Some(client_id),
            Self::Assertion { client_id, .. } => client_id.as_deref(),
            Self::Anonymous => None,
        }
    }

    /// Whether the client used the `Authorization` header (an `invalid_client` answer
    /// is then a 401 with a `WWW-Authenticate: Basic` challenge, RFC 6749 §5.2).
    pub fn used_authorization_header(&self) -> bool {
        matches!(
            self,
            Self::Basic { .. }
                | Self::Unauthenticated {
                    via_header: true,
                    ..
                }
        )
    }
}

/// An RFC 8693 token exchange request (§2.1).
///
/// ```
/// use audex_exchange::{TokenExchangeRequest, TokenType};
///
/// let req = TokenExchangeRequest::new("eyJ...", TokenType::AccessToken)
///     .audience("order-api")
///     .audience("billing-api");
/// let body = req.to_form();
/// let back = TokenExchangeRequest::decode(body.as_bytes()).unwrap().0;
/// assert_eq!(back.audience, ["order-api", "billing-api"]);
/// ```
#[derive(Clone, Debug)]
pub struct TokenExchangeRequest {
    /// `subject_token`
    pub subject_token: Secret,
    /// `subject_token_type`
    pub subject_token_type: TokenType,
    /// `actor_token` with its `actor_token_type`: both or neither (TE-REQ-3).
    pub actor: Option<(Secret, TokenType)>,
    /// `requested_token_type`
    pub requested_token_type: Option<TokenType>,
    /// `audience` values, in order, as sent (TE-REQ-5).
    pub audience: Vec<String>,
    /// `resource` values, in order (TE-REQ-4).
    pub resource: Vec<ResourceUri>,
    /// `scope`
    pub scope: Option<Scope>,
}

impl TokenExchangeRequest {
    /// A request for `subject_token` of type `subject_token_type`.
    pub fn new(subject_token: impl Into<Secret>, subject_token_type: TokenType) -> Self {
        Self {
            subject_token: subject_token.into(),
            subject_token_type,
            actor: None,
            requested_token_type: None,
            audience: Vec::new(),
            resource: Vec::new(),
            scope: None,
        }
    }

    /// Adds the actor token (delegation).
    #[must_use]
    pub fn actor(mut self, token: impl Into<Secret>, token_type: TokenType) -> Self {
        self.actor = Some((token.into(), token_type));
        self
    }

    /// Adds an `audience` value.
    #[must_use]
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience.push(audience.into());
        self
    }

    /// Adds a `resource` value.
    #[must_use]
    pub fn resource(mut self, resource: ResourceUri) -> Self {
        self.resource.push(resource);
        self
    }

    /// Sets `scope`.
    #[must_use]
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = Some(scope);
        self
    }

    /// Sets `requested_token_type`.
    #[must_use]
    pub fn requested_token_type(mut self, t: TokenType) -> Self {
        self.requested_token_type = Some(t);
        self
    }

    /// The form body, without client authentication.
    pub fn to_form(&self) -> String {
        self.to_form_with(&ClientAuthParams::default())
    }

    /// The form body with client-authentication parameters (for `client_secret_post`
    /// or `private_key_jwt`).
    pub fn to_form_with(&self, client: &ClientAuthParams) -> String {
        let scope = self.scope.as_ref().map(ToString::to_string);
        let mut pairs: Vec<(&str, &str)> = vec![
            ("grant_type", GRANT_TYPE_TOKEN_EXCHANGE),
            ("subject_token", self.subject_token.expose()),
            ("subject_token_type", self.subject_token_type.as_str()),
        ];
        if let Some((t, ty)) = &self.actor {
            pairs.push(("actor_token", t.expose()));
            pairs.push(("actor_token_type", ty.as_str()));
        }
        if let Some(t) = &self.requested_token_type {
            pairs.push(("requested_token_type", t.as_str()));
        }
        pairs.extend(self.audience.iter().map(|a| ("audience", a.as_str())));
        pairs.extend(self.resource.iter().map(|r| ("resource", r.as_str())));
        if let Some(s) = &scope {
            pairs.push(("scope", s.as_str()));
        }
        pairs.extend(client.pairs());
        form::encode(pairs)
    }

    /// Decodes a body that must be a token exchange request (TE-REQ-1..8).
    pub fn decode(body: &[u8]) -> Result<(Self, ClientAuthParams), FormError> {
        match TokenRequest::decode(body)? {
            TokenRequest {
                grant: Grant::TokenExchange(r),
                client,
            } => Ok((r, client)),
            TokenRequest { .. } => Err(FormError::UnsupportedGrantType {
                found: GRANT_TYPE_CLIENT_CREDENTIALS.into(),
            }),
        }
    }
}

/// A `client_credentials` request (RFC 6749 §4.4) that may name its targets up front
/// with repeated `audience` and `resource` (the Hydra / Auth0 style).
#[derive(Clone, Debug, Default)]
pub struct ClientCredentialsRequest {
    /// `audience` values, in order.
    pub audience: Vec<String>,
    /// `resource` values, in order.
    pub resource: Vec<ResourceUri>,
    /// `scope`
    pub scope: Option<Scope>,
}

impl ClientCredentialsRequest {
    /// The form body with client-authentication parameters.
    pub fn to_form_with(&self, client: &ClientAuthParams) -> String {
        let scope = self.scope.as_ref().map(ToString::to_string);
        let mut pairs: Vec<(&str, &str)> = vec![("grant_type", GRANT_TYPE_CLIENT_CREDENTIALS)];
        pairs.extend(self.audience.iter().map(|a| ("audience", a.as_str())));
        pairs.extend(self.resource.iter().map(|r| ("resource", r.as_str())));
        if let Some(s) = &scope {
            pairs.push(("scope", s.as_str()));
        }
        pairs.extend(client.pairs());
        form::encode(pairs)
    }
}

/// The grant of a decoded token request.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Grant {
    /// RFC 8693 token exchange.
    TokenExchange(TokenExchangeRequest),
    /// `client_credentials`.
    ClientCredentials(ClientCredentialsRequest),
}

/// A decoded token-endpoint request: the grant and the client-authentication
/// parameters from the body.
#[derive(Clone, Debug)]
pub struct TokenRequest {
    /// The grant.
    pub grant: Grant,
    /// Client authentication found in the body.
    pub client: ClientAuthParams,
}

/// Parameters that must not repeat (RFC 6749 §3.2).
const SINGLE: [&str; 12] = [
    "grant_type",
    "subject_token",
    "subject_token_type",
    "actor_token",
    "actor_token_type",
    "requested_token_type",
    "scope",
    "client_id",
    "client_secret",
    "client_assertion",
    "client_assertion_type",
    "assertion",
];

/// Values as received: `Some("")` is a parameter sent empty, which counts for the
/// repeat check and is then treated as omitted.
#[derive(Default)]
struct Params {
    single: [Option<String>; SINGLE.len()],
    audience: Vec<String>,
    resource: Vec<String>,
}

impl Params {
    fn take(&mut self, name: &str) -> Option<String> {
        let i = SINGLE.iter().position(|n| *n == name)?;
        self.single
            .get_mut(i)
            .and_then(Option::take)
            .filter(|v| !v.is_empty())
    }
}

impl TokenRequest {
    /// Decodes a token request body strictly (TE-REQ-1..8): unknown parameters are
    /// ignored; a single-valued parameter sent twice is `invalid_request` whether or
    /// not either value is empty (RFC 6749 §3.2), so a gateway reading the first or
    /// the last value cannot see another request; after that an empty value counts as
    /// absent (§3.1); every value is checked for its syntax (`client_id` and
    /// `client_secret` are VSCHAR, Appendix A); repeated scope tokens are merged.
    pub fn decode(body: &[u8]) -> Result<Self, FormError> {
        let mut p = Params::default();
        for (name, value) in form::decode(body)? {
            if let Some(i) = SINGLE.iter().position(|n| *n == name) {
                let slot = p
                    .single
                    .get_mut(i)
                    .ok_or(FormError::Missing { name: "grant_type" })?;
                if slot.is_some() {
                    return Err(FormError::Repeated {
                        name: SINGLE.get(i).copied().unwrap_or("parameter"),
                    });
                }
                *slot = Some(value);
            } else if (name == "audience" || name == "resource") && !value.is_empty() {
                let (list, static_name) = if name == "audience" {
                    (&mut p.audience, "audience")
                } else {
                    (&mut p.resource, "resource")
                };
                if list.len() >= form::MAX_REPEATED {
                    return Err(FormError::TooManyValues {
                        name: static_name,
                        limit: form::MAX_REPEATED,
                    });
                }
                list.push(value);
            }
            // Unknown parameters are ignored (RFC 6749 §3.2).
        }
        let grant_type = p
            .take("grant_type")
            .ok_or(FormError::Missing { name: "grant_type" })?;
        let client_id = p.take("client_id");
        let client_secret = p.take("client_secret");
        for (name, v) in [("client_id", &client_id), ("client_secret", &client_secret)] {
            if v.as_deref().is_some_and(|v| !is_vschar(v)) {
                return Err(FormError::InvalidCredentialSyntax { name });
            }
        }
        let client = ClientAuthParams {
            client_id,
            client_secret: client_secret.map(Secret::new),
            client_assertion: p.take("client_assertion").map(Secret::new),
            client_assertion_type: p.take("client_assertion_type"),
        };
        if client.client_assertion.is_some() != client.client_assertion_type.is_some() {
            return Err(FormError::AssertionPairing);
        }
        if client.client_assertion.is_some() && client.client_secret.is_some() {
            return Err(FormError::MultipleClientAuth);
        }
        let resource = p
            .resource
            .drain(..)
            .enumerate()
            .map(|(index, r)| ResourceUri::new(r).map_err(|_| FormError::InvalidResource { index }))
            .collect::<Result<Vec<_>, _>>()?;
        let scope = p
            .take("scope")
            .map(|s| parse_request_scope(&s).map_err(FormError::InvalidScope))
            .transpose()?;
        let token_type = |p: &mut Params, name: &'static str| {
            p.take(name)
                .map(|v| TokenType::parse(&v).map_err(|_| FormError::InvalidTokenType { name }))
                .transpose()
        };
        let grant = match grant_type.as_str() {
            GRANT_TYPE_TOKEN_EXCHANGE => {
                let subject_token = p.take("subject_token").ok_or(FormError::Missing {
                    name: "subject_token",
                })?;
                let subject_token_type =
                    token_type(&mut p, "subject_token_type")?.ok_or(FormError::Missing {
                        name: "subject_token_type",
                    })?;
                let actor_token = p.take("actor_token");
                let actor_token_type = token_type(&mut p, "actor_token_type")?;
                let actor = match (actor_token, actor_token_type) {
                    (Some(t), Some(ty)) => Some((Secret::new(t), ty)),
                    (None, None) => None,
                    _ => return Err(FormError::ActorPairing),
                };
                Grant::TokenExchange(TokenExchangeRequest {
                    subject_token: Secret::new(subject_token),
                    subject_token_type,
                    actor,
                    requested_token_type: token_type(&mut p, "requested_token_type")?,
                    audience: p.audience,
                    resource,
                    scope,
                })
            }
            GRANT_TYPE_CLIENT_CREDENTIALS => Grant::ClientCredentials(ClientCredentialsRequest {
                audience: p.audience,
                resource,
                scope,
            }),
            other => {
                return Err(FormError::UnsupportedGrantType {
                    found: audex_claims::json::Truncated(other).to_string(),
                });
            }
        };
        Ok(Self { grant, client })
    }
}

/// A request's `scope`: the strict wire form, except that a repeated token is merged
/// rather than refused (RFC 6749 §3.3 does not forbid repeats, and some clients send
/// them).
fn parse_request_scope(s: &str) -> Result<Scope, audex_claims::ScopeError> {
    match Scope::parse(s) {
        Err(audex_claims::ScopeError::Duplicate { .. }) => {
            let mut seen = std::collections::HashSet::new();
            let unique: Vec<&str> = s.split(' ').filter(|t| seen.insert(*t)).collect();
            Scope::parse(&unique.join(" "))
        }
        other => other,
    }
}

/// A request that names one token: RFC 7662 introspection and RFC 7009 revocation
/// (`token`, optional `token_type_hint`), with client authentication in the body.
/// Decoded with the same strict rules as token requests: a repeated parameter is
/// `invalid_request` even when empty, and `client_id` / `client_secret` are VSCHAR.
///
/// ```
/// use audex_exchange::TokenHintRequest;
///
/// let (r, client) = TokenHintRequest::decode(b"token=abc&token_type_hint=access_token&client_id=rs").unwrap();
/// assert_eq!(r.token.expose(), "abc");
/// assert_eq!(client.client_id.as_deref(), Some("rs"));
/// assert!(TokenHintRequest::decode(b"token=a&token=").is_err());
/// ```
#[derive(Clone, Debug)]
pub struct TokenHintRequest {
    /// `token`
    pub token: Secret,
    /// `token_type_hint`
    pub token_type_hint: Option<String>,
}

impl TokenHintRequest {
    /// Decodes the body; unknown parameters are ignored.
    pub fn decode(body: &[u8]) -> Result<(Self, ClientAuthParams), FormError> {
        const NAMES: [&str; 6] = [
            "token",
            "token_type_hint",
            "client_id",
            "client_secret",
            "client_assertion",
            "client_assertion_type",
        ];
        let mut values: [Option<String>; NAMES.len()] = Default::default();
        for (name, value) in form::decode(body)? {
            if let Some(i) = NAMES.iter().position(|n| *n == name) {
                let slot = values
                    .get_mut(i)
                    .ok_or(FormError::Missing { name: "token" })?;
                if slot.is_some() {
                    return Err(FormError::Repeated {
                        name: NAMES.get(i).copied().unwrap_or("parameter"),
                    });
                }
                *slot = Some(value);
            }
        }
        let mut take = |i: usize| {
            values
                .get_mut(i)
                .and_then(Option::take)
                .filter(|v| !v.is_empty())
        };
        let token = take(0).ok_or(FormError::Missing { name: "token" })?;
        let token_type_hint = take(1);
        let client_id = take(2);
        let client_secret = take(3);
        for (name, v) in [("client_id", &client_id), ("client_secret", &client_secret)] {
            if v.as_deref().is_some_and(|v| !is_vschar(v)) {
                return Err(FormError::InvalidCredentialSyntax { name });
            }
        }
        let client = ClientAuthParams {
            client_id,
            client_secret: client_secret.map(Secret::new),
            client_assertion: take(4).map(Secret::new),
            client_assertion_type: take(5),
        };
        if client.client_assertion.is_some() != client.client_assertion_type.is_some() {
            return Err(FormError::AssertionPairing);
        }
        if client.client_assertion.is_some() && client.client_secret.is_some() {
            return Err(FormError::MultipleClientAuth);
        }
        Ok((
            Self {
                token: Secret::new(token),
                token_type_hint,
            },
            client,
        ))
    }

    /// The form body with client-authentication parameters.
    pub fn to_form_with(&self, client: &ClientAuthParams) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![("token", self.token.expose())];
        if let Some(h) = &self.token_type_hint {
            pairs.push(("token_type_hint", h.as_str()));
        }
        pairs.extend(client.pairs());
        form::encode(pairs)
    }
}
