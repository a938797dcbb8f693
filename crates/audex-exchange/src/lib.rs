#![doc = include_str!("../README.md")]

mod error;
mod form;
#[doc(hidden)]
pub mod fuzz;
mod introspection;
mod metadata;
mod request;
mod response;
mod secret;
mod token_type;

pub use error::{
    ErrorCode, ErrorResponse, FormError, InvalidErrorCode, OtherErrorCode, Rejection,
    sanitize_description,
};
pub use form::{MAX_FORM_BYTES, MAX_PARAMS, MAX_REPEATED, check_content_type};
pub use introspection::IntrospectionResponse;
pub use metadata::{AuthorizationServerMetadata, IssuerMismatch};
pub use request::{
    BasicCredentials, CLIENT_ASSERTION_TYPE_JWT, ClientAuthParams, ClientAuthentication,
    ClientCredentialsRequest, GRANT_TYPE_CLIENT_CREDENTIALS, GRANT_TYPE_TOKEN_EXCHANGE, Grant,
    InvalidResourceUri, ResourceUri, TokenExchangeRequest, TokenHintRequest, TokenRequest,
};
pub use response::{ResponseError, TOKEN_RESPONSE_HEADERS, TokenExchangeResponse};
pub use secret::Secret;
pub use token_type::{AccessTokenType, InvalidTokenType, OtherTokenType, TokenType};

/// An absolute URI (RFC 3986 §4.3: scheme, no fragment).
pub(crate) fn is_absolute_uri(s: &str) -> bool {
    fluent_uri::Uri::parse(s).is_ok_and(|u| u.fragment().is_none())
}
