//! Client errors keep three cases apart (CL-ERR-1): the server said no, the transport
//! failed, the server's answer was invalid.

use audex_exchange::ErrorResponse;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The server said no: its RFC 6749 error, as sent, with the HTTP status.
    #[error("server refused ({status}): {error}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The parsed error body.
        error: ErrorResponse,
    },
    /// The request did not complete: connection, timeout, TLS.
    #[error("transport: {0}")]
    Transport(String),
    /// The server answered, but not as the protocol requires (wrong content type,
    /// not JSON, a missing member, oversized, a redirect).
    #[error("invalid response: {0}")]
    InvalidResponse(String),
    /// The URL is not `https` (and not loopback `http`), or not a URL.
    #[error("insecure or invalid URL: {0}")]
    Insecure(String),
    /// Metadata names another issuer than the one asked for (MD-2).
    #[error("{0}")]
    IssuerMismatch(#[from] audex_exchange::IssuerMismatch),
    /// The client is misconfigured (keys, TLS roots, endpoints).
    #[error("configuration: {0}")]
    Config(String),
}

impl ClientError {
    /// The server's RFC 6749 error, when the server said no.
    pub fn refusal(&self) -> Option<&ErrorResponse> {
        match self {
            Self::Refused { error, .. } => Some(error),
            _ => None,
        }
    }
}
