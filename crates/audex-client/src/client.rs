//! The token client: discovery (RFC 8414, OpenID), token exchange, `client_credentials`
//! and introspection, with client authentication.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use audex_claims::NumericDate;
use audex_exchange::{
    AuthorizationServerMetadata, BasicCredentials, ClientAuthParams, ClientCredentialsRequest,
    ErrorResponse, IntrospectionResponse, Secret, TokenExchangeRequest, TokenExchangeResponse,
    TokenHintRequest,
};
use audex_jose::SigningKey;
use base64::Engine;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};

use crate::error::ClientError;
use crate::http::{Fetched, Http, HttpSettings, check_url};

/// Lifetime of a `private_key_jwt` assertion.
pub const ASSERTION_LIFETIME: Duration = Duration::from_secs(60);

/// How the client authenticates to the authorization server.
#[derive(Clone)]
#[non_exhaustive]
pub enum ClientAuth {
    /// `client_secret_basic` (RFC 6749 §2.3.1; id and secret form-encoded, CA-BASIC-1).
    SecretBasic {
        /// The client id.
        client_id: String,
        /// The secret.
        secret: Secret,
    },
    /// `client_secret_post`.
    SecretPost {
        /// The client id.
        client_id: String,
        /// The secret.
        secret: Secret,
    },
    /// `private_key_jwt` (RFC 7523): a fresh assertion per request with `iss` = `sub` =
    /// client id, `aud` = the issuer identifier as its only value (CA-JWT-1),
    /// `typ: client-authentication+jwt`, a random `jti` and a short `exp` (CA-JWT-2).
    PrivateKeyJwt {
        /// The client id.
        client_id: String,
        /// The client's signing key.
        key: Arc<SigningKey>,
    },
    /// A public client: `client_id` only.
    None {
        /// The client id.
        client_id: String,
    },
}

impl std::fmt::Debug for ClientAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (method, id) = match self {
            Self::SecretBasic { client_id, .. } => ("client_secret_basic", client_id),
            Self::SecretPost { client_id, .. } => ("client_secret_post", client_id),
            Self::PrivateKeyJwt { client_id, .. } => ("private_key_jwt", client_id),
            Self::None { client_id } => ("none", client_id),
        };
        f.debug_struct("ClientAuth")
            .field("method", &method)
            .field("client_id", id)
            .finish_non_exhaustive()
    }
}

/// Builds a client assertion for `client_id` addressed to `issuer` (CA-JWT-1/2).
pub fn client_assertion(
    client_id: &str,
    issuer: &str,
    key: &SigningKey,
) -> Result<String, ClientError> {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| ClientError::Config("the OS random generator failed".into()))?;
    let jti = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let now = NumericDate::from_system_time(SystemTime::now())
        .map_err(|e| ClientError::Config(format!("clock: {e}")))?
        .secs();
    let claims = serde_json::json!({
        "iss": client_id, "sub": client_id, "aud": issuer, "jti": jti,
        "iat": now, "exp": now + ASSERTION_LIFETIME.as_secs(),
    });
    audex_jose::sign_jwt(&claims, key, Some(audex_jose::TYP_CLIENT_ASSERTION))
        .map_err(|e| ClientError::Config(format!("client assertion: {e}")))
}

/// A client of one authorization server.
///
/// ```no_run
/// use audex_client::{ClientAuth, TokenClient};
/// use audex_exchange::{Secret, TokenExchangeRequest, TokenType};
///
/// # async fn run(user_token: String) -> Result<(), audex_client::ClientError> {
/// let auth = ClientAuth::SecretBasic { client_id: "service-b".into(), secret: Secret::new("service-b-secret") };
/// let sts = TokenClient::discover("http://127.0.0.1:8080", auth, &Default::default()).await?;
/// let token = sts.exchange(&TokenExchangeRequest::new(user_token, TokenType::AccessToken).audience("service-c")).await?;
/// # let _ = token; Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct TokenClient {
    http: Http,
    metadata: AuthorizationServerMetadata,
    auth: ClientAuth,
}

/// A `client_credentials` (RFC 6749 §5.1) token response.
#[derive(Clone, Debug)]
pub struct AccessTokenResponse {
    /// `access_token`
    pub access_token: Secret,
    /// `token_type`
    pub token_type: String,
    /// `expires_in`
    pub expires_in: Option<u64>,
    /// `scope`
    pub scope: Option<String>,
}

fn parse_json_body(url: &str, f: &Fetched) -> Result<(), ClientError> {
    if !f.is_json() {
        return Err(ClientError::InvalidResponse(format!(
            "{url}: content type is not JSON"
        )));
    }
    Ok(())
}

/// A 200 with a JSON body, or the error the answer amounts to.
fn success_json(url: &str, f: &Fetched) -> Result<(), ClientError> {
    if f.status != 200 {
        return Err(refused(url, f));
    }
    parse_json_body(url, f)
}

/// Turns an error answer into `Refused` (a parsed RFC 6749 body) or
/// `InvalidResponse` (anything else).
fn refused(url: &str, f: &Fetched) -> ClientError {
    if f.is_json()
        && let Ok(error) = ErrorResponse::from_json(&f.body)
    {
        return ClientError::Refused {
            status: f.status,
            error,
        };
    }
    ClientError::InvalidResponse(format!(
        "{url}: status {} without an RFC 6749 error body",
        f.status
    ))
}

impl TokenClient {
    /// Fetches the server's metadata: RFC 8414 first (with the §3.1 path insertion),
    /// then OpenID discovery; the document's `issuer` must equal `issuer` (MD-2).
    pub async fn discover(
        issuer: &str,
        auth: ClientAuth,
        settings: &HttpSettings,
    ) -> Result<Self, ClientError> {
        let http = Http::new(settings)?;
        let u = check_url(issuer)?;
        let path = u.path().trim_end_matches('/');
        let origin = u.origin().ascii_serialization();
        let candidates = [
            format!("{origin}/.well-known/oauth-authorization-server{path}"),
            format!(
                "{}/.well-known/openid-configuration",
                issuer.trim_end_matches('/')
            ),
        ];
        let mut last = None;
        for url in &candidates {
            let f = http
                .send(url, |c, u| c.get(u).header(ACCEPT, "application/json"))
                .await?;
            if f.status != 200 {
                last = Some(ClientError::InvalidResponse(format!(
                    "{url}: status {}",
                    f.status
                )));
                continue;
            }
            parse_json_body(url, &f)?;
            let metadata = AuthorizationServerMetadata::from_json(&f.body)
                .map_err(|e| ClientError::InvalidResponse(format!("{url}: {e}")))?;
            metadata.check_issuer(issuer)?;
            return Self::from_metadata(metadata, auth, settings);
        }
        Err(last.unwrap_or_else(|| ClientError::InvalidResponse("no metadata".into())))
    }

    /// A client from metadata already known.
    pub fn from_metadata(
        metadata: AuthorizationServerMetadata,
        auth: ClientAuth,
        settings: &HttpSettings,
    ) -> Result<Self, ClientError> {
        for url in [
            &metadata.token_endpoint,
            &metadata.jwks_uri,
            &metadata.introspection_endpoint,
        ]
        .into_iter()
        .flatten()
        {
            check_url(url)?;
        }
        Ok(Self {
            http: Http::new(settings)?,
            metadata,
            auth,
        })
    }

    /// The server's metadata.
    pub fn metadata(&self) -> &AuthorizationServerMetadata {
        &self.metadata
    }

    /// The HTTP client (for a [`crate::JwksCache`] of the same server).
    pub fn http(&self) -> &Http {
        &self.http
    }

    fn auth_params(&self) -> Result<(ClientAuthParams, Option<String>), ClientError> {
        let mut p = ClientAuthParams::default();
        let header = match &self.auth {
            ClientAuth::SecretBasic { client_id, secret } => {
                Some(BasicCredentials::encode(client_id, secret.expose()))
            }
            ClientAuth::SecretPost { client_id, secret } => {
                p.client_id = Some(client_id.clone());
                p.client_secret = Some(secret.clone());
                None
            }
            ClientAuth::PrivateKeyJwt { client_id, key } => {
                p.client_id = Some(client_id.clone());
                p.client_assertion = Some(Secret::new(client_assertion(
                    client_id,
                    &self.metadata.issuer,
                    key,
                )?));
                p.client_assertion_type = Some(audex_exchange::CLIENT_ASSERTION_TYPE_JWT.into());
                None
            }
            ClientAuth::None { client_id } => {
                p.client_id = Some(client_id.clone());
                None
            }
        };
        Ok((p, header))
    }

    async fn post_form(
        &self,
        url: &str,
        body: String,
        header: Option<String>,
    ) -> Result<Fetched, ClientError> {
        self.http
            .send(url, |c, u| {
                let mut r = c
                    .post(u)
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(ACCEPT, "application/json")
                    .body(body);
                if let Some(h) = header {
                    r = r.header(AUTHORIZATION, h);
                }
                r
            })
            .await
    }

    fn token_endpoint(&self) -> Result<&str, ClientError> {
        self.metadata
            .token_endpoint
            .as_deref()
            .ok_or_else(|| ClientError::Config("the server publishes no token_endpoint".into()))
    }

    /// An RFC 8693 token exchange. The response must carry `issued_token_type`.
    pub async fn exchange(
        &self,
        request: &TokenExchangeRequest,
    ) -> Result<TokenExchangeResponse, ClientError> {
        let url = self.token_endpoint()?;
        let (params, header) = self.auth_params()?;
        let f = self
            .post_form(url, request.to_form_with(&params), header)
            .await?;
        success_json(url, &f)?;
        TokenExchangeResponse::from_json(&f.body)
            .map_err(|e| ClientError::InvalidResponse(format!("{url}: {e}")))
    }

    /// A `client_credentials` grant, with `audience` / `resource` (Hydra / Auth0 style).
    pub async fn client_credentials(
        &self,
        request: &ClientCredentialsRequest,
    ) -> Result<AccessTokenResponse, ClientError> {
        let url = self.token_endpoint()?;
        let (params, header) = self.auth_params()?;
        let f = self
            .post_form(url, request.to_form_with(&params), header)
            .await?;
        success_json(url, &f)?;
        let invalid = |what: &str| ClientError::InvalidResponse(format!("{url}: {what}"));
        let m = audex_claims::json::parse_object(&f.body, audex_claims::JsonLimits::default())
            .map_err(|e| invalid(&e.to_string()))?;
        let string = |k: &str| match m.get(k) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(&format!("{k} is not a string"))),
        };
        Ok(AccessTokenResponse {
            access_token: Secret::new(
                string("access_token")?.ok_or_else(|| invalid("server omitted access_token"))?,
            ),
            token_type: string("token_type")?
                .ok_or_else(|| invalid("server omitted token_type"))?,
            expires_in: m.get("expires_in").and_then(serde_json::Value::as_u64),
            scope: string("scope")?,
        })
    }

    /// RFC 7662 introspection of `token`.
    pub async fn introspect(&self, token: &str) -> Result<IntrospectionResponse, ClientError> {
        let url = self
            .metadata
            .introspection_endpoint
            .as_deref()
            .ok_or_else(|| {
                ClientError::Config("the server publishes no introspection_endpoint".into())
            })?;
        let (params, header) = self.auth_params()?;
        let body = TokenHintRequest {
            token: Secret::new(token),
            token_type_hint: Some("access_token".into()),
        }
        .to_form_with(&params);
        let f = self.post_form(url, body, header).await?;
        success_json(url, &f)?;
        IntrospectionResponse::from_json(&f.body)
            .map_err(|e| ClientError::InvalidResponse(format!("{url}: {e}")))
    }
}
