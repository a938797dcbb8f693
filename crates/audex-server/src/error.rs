//! Every error the service answers is an RFC 6749 §5.2 JSON body (STS-ERR-1).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use audex_exchange::{ErrorCode, ErrorResponse, FormError, Rejection};

/// An error answer: status, RFC 6749 body, and the headers that go with it.
#[derive(Clone, Debug)]
pub struct OAuthError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body.
    pub body: ErrorResponse,
    /// `WWW-Authenticate: Basic realm=…` for a 401.
    pub basic_challenge: bool,
    /// `Allow` for a 405.
    pub allow: Option<&'static str>,
    /// `Retry-After` seconds for a 503.
    pub retry_after: Option<u32>,
}

impl OAuthError {
    /// A 400 with `code` and a description.
    pub fn new(code: ErrorCode, description: impl AsRef<str>) -> Self {
        Self::with_status(StatusCode::BAD_REQUEST, code, description)
    }

    /// An error with an explicit status.
    pub fn with_status(status: StatusCode, code: ErrorCode, description: impl AsRef<str>) -> Self {
        Self {
            status,
            body: ErrorResponse::new(code, description),
            basic_challenge: false,
            allow: None,
            retry_after: None,
        }
    }

    /// `invalid_request`.
    pub fn invalid_request(description: impl AsRef<str>) -> Self {
        Self::new(ErrorCode::InvalidRequest, description)
    }

    /// `invalid_client`: 401 with a Basic challenge when the client used the
    /// `Authorization` header, 400 otherwise (RFC 6749 §5.2).
    pub fn invalid_client(description: impl AsRef<str>, used_header: bool) -> Self {
        let mut e = Self::new(ErrorCode::InvalidClient, description);
        if used_header {
            e.status = StatusCode::UNAUTHORIZED;
            e.basic_challenge = true;
        }
        e
    }

    /// A 503 for a state store that cannot answer (fail closed).
    pub fn unavailable(description: impl AsRef<str>) -> Self {
        let mut e = Self::with_status(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::TemporarilyUnavailable,
            description,
        );
        e.retry_after = Some(1);
        e
    }

    /// A request-decoding error, with its RFC code.
    pub fn from_form(e: &FormError, used_header: bool) -> Self {
        match e.error_code() {
            ErrorCode::InvalidClient => Self::invalid_client(e.to_string(), used_header),
            code => {
                let status = match e {
                    FormError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                    FormError::ContentType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    _ => StatusCode::BAD_REQUEST,
                };
                Self::with_status(status, code, e.to_string())
            }
        }
    }

    /// A policy rejection.
    pub fn from_rejection(r: &Rejection, used_header: bool) -> Self {
        match r.error_code() {
            ErrorCode::InvalidClient => Self::invalid_client(r.to_string(), used_header),
            code => Self::new(code, r.to_string()),
        }
    }
}

/// The headers every token-endpoint answer carries (RFC 6749 §5.1).
pub(crate) fn no_store(resp: &mut Response) {
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

pub(crate) fn json_response(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut resp = json_response(self.status, self.body.to_json());
        no_store(&mut resp);
        let h = resp.headers_mut();
        if self.basic_challenge {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"audex\""),
            );
        }
        if let Some(allow) = self.allow {
            h.insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        if let Some(secs) = self.retry_after {
            h.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}
