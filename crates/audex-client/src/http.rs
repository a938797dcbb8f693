//! The HTTP side: reqwest on rustls with the ring provider, no redirects, timeouts, a
//! response-size cap, and `https` required except on loopback (HTTP-1).

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderMap};

use crate::error::ClientError;

/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time for a whole request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default largest response body read, in bytes.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// HTTP settings shared by the token client and the JWKS cache.
#[derive(Clone, Debug)]
pub struct HttpSettings {
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Time for a whole request, body included.
    pub timeout: Duration,
    /// Largest response body read; a larger one is an invalid response.
    pub max_response_bytes: usize,
    /// Extra trusted root certificates (DER), on top of the Mozilla roots.
    pub extra_roots: Vec<Vec<u8>>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            extra_roots: Vec::new(),
        }
    }
}

/// An HTTP client configured as above.
#[derive(Clone, Debug)]
pub struct Http {
    client: reqwest::Client,
    max_response_bytes: usize,
}

/// A response read whole (within the cap).
#[derive(Debug)]
pub(crate) struct Fetched {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Fetched {
    /// Whether the body is declared JSON (`application/json`, any parameters, or a
    /// `+json` type such as `application/jwk-set+json`).
    pub(crate) fn is_json(&self) -> bool {
        self.headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase())
            .is_some_and(|m| m == "application/json" || m.ends_with("+json"))
    }
}

/// Whether `url` may be used: `https`, or `http` to a loopback address (HTTP-1).
pub fn check_url(url: &str) -> Result<url::Url, ClientError> {
    let u = url::Url::parse(url).map_err(|e| ClientError::Insecure(format!("{url}: {e}")))?;
    let loopback = match u.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    match u.scheme() {
        "https" => Ok(u),
        "http" if loopback => Ok(u),
        _ => Err(ClientError::Insecure(format!(
            "{url}: only https is allowed (http only on loopback)"
        ))),
    }
}

impl Http {
    /// Builds the client: rustls on the ring provider with the Mozilla roots (plus any
    /// extra ones), no redirects, the timeouts above.
    pub fn new(settings: &HttpSettings) -> Result<Self, ClientError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for der in &settings.extra_roots {
            roots
                .add(rustls::pki_types::CertificateDer::from(der.clone()))
                .map_err(|e| ClientError::Config(format!("extra root certificate: {e}")))?;
        }
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ClientError::Config(format!("TLS: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .build()
            .map_err(|e| ClientError::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            client,
            max_response_bytes: settings.max_response_bytes,
        })
    }

    /// Sends a request built by `build` and reads the response within the cap.
    pub(crate) async fn send(
        &self,
        url: &str,
        build: impl FnOnce(&reqwest::Client, url::Url) -> reqwest::RequestBuilder,
    ) -> Result<Fetched, ClientError> {
        let u = check_url(url)?;
        let mut resp = build(&self.client, u)
            .send()
            .await
            .map_err(|e| ClientError::Transport(format!("{url}: {}", transport_reason(&e))))?;
        let status = resp.status().as_u16();
        if resp.status().is_redirection() {
            return Err(ClientError::InvalidResponse(format!(
                "{url}: redirect ({status}) refused; token and key endpoints are not followed elsewhere"
            )));
        }
        if resp
            .content_length()
            .is_some_and(|n| n > self.max_response_bytes as u64)
        {
            return Err(ClientError::InvalidResponse(format!(
                "{url}: response is larger than {} bytes",
                self.max_response_bytes
            )));
        }
        let headers = resp.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| ClientError::Transport(format!("{url}: {}", transport_reason(&e))))?
        {
            if body.len() + chunk.len() > self.max_response_bytes {
                return Err(ClientError::InvalidResponse(format!(
                    "{url}: response is larger than {} bytes",
                    self.max_response_bytes
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            status,
            headers,
            body,
        })
    }
}

fn transport_reason(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "could not connect".into()
    } else {
        e.to_string()
    }
}
