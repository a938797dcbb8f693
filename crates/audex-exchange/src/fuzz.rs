//! Entry points shared by the `fuzz/` targets and the corpus-replay tests.
//!
//! Not a stable API: it exists so that `cargo test` replays the committed fuzz
//! corpus through exactly the code the fuzzer runs.

use crate::{ErrorResponse, Grant, TokenExchangeResponse, TokenRequest};

/// `exchange_form`: arbitrary bytes into the token request decoder. A decoded token
/// exchange request must re-encode and decode to the same request.
pub fn exchange_form(data: &[u8]) {
    if let Ok(TokenRequest {
        grant: Grant::TokenExchange(r),
        client,
    }) = TokenRequest::decode(data)
    {
        let again = crate::TokenExchangeRequest::decode(r.to_form_with(&client).as_bytes());
        assert!(again.is_ok(), "re-encoded request must decode: {again:?}");
        let Ok((r2, c2)) = again else { return };
        assert_eq!(r.subject_token.expose(), r2.subject_token.expose());
        assert_eq!(r.subject_token_type, r2.subject_token_type);
        assert_eq!(r.audience, r2.audience);
        assert_eq!(r.resource, r2.resource);
        assert_eq!(r.scope, r2.scope);
        assert_eq!(client.client_id, c2.client_id);
    }
    let _ = crate::BasicCredentials::decode(&String::from_utf8_lossy(data));
}

/// `exchange_response`: arbitrary bytes as a token response and as an error response.
pub fn exchange_response(data: &[u8]) {
    if let Ok(r) = TokenExchangeResponse::from_json(data) {
        let again = TokenExchangeResponse::from_json(r.to_json().as_bytes());
        assert!(again.is_ok(), "response round-trip");
    }
    if let Ok(e) = ErrorResponse::from_json(data) {
        let again = ErrorResponse::from_json(e.to_json().as_bytes());
        assert!(again.is_ok(), "error round-trip");
    }
    let _ = crate::AuthorizationServerMetadata::from_json(data);
}
