//! Property tests for audex-exchange.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

use audex_claims::{Scope, ScopeToken};
use audex_exchange::{ClientAuthParams, ResourceUri, Secret, TokenExchangeRequest, TokenType};
use proptest::prelude::*;

fn token_type() -> impl Strategy<Value = TokenType> {
    prop_oneof![
        Just(TokenType::AccessToken),
        Just(TokenType::RefreshToken),
        Just(TokenType::IdToken),
        Just(TokenType::Saml1),
        Just(TokenType::Saml2),
        Just(TokenType::Jwt),
        "[a-z]{1,6}:[a-z0-9:._-]{1,12}".prop_map(|s| TokenType::parse(&s).unwrap()),
    ]
}

fn request() -> impl Strategy<Value = (TokenExchangeRequest, ClientAuthParams)> {
    (
        "[ -~]{1,40}",
        token_type(),
        prop::option::of(("[ -~]{1,20}", token_type())),
        prop::option::of(token_type()),
        prop::collection::vec("\\PC{1,12}", 0..4),
        prop::collection::vec("https://[a-z]{1,8}\\.example/[a-z0-9/]{0,8}", 0..3),
        prop::option::of(prop::collection::vec("[!#-\\[\\]-~]{1,8}", 1..4)),
        prop::option::of("[a-zA-Z0-9 :%&=+-]{1,12}"),
    )
        .prop_map(|(st, stt, actor, rtt, aud, res, scope, client_id)| {
            let mut r = TokenExchangeRequest::new(st, stt);
            r.actor = actor.map(|(t, ty)| (Secret::new(t), ty));
            r.requested_token_type = rtt;
            r.audience = aud;
            r.resource = res
                .into_iter()
                .map(|u| ResourceUri::new(u).unwrap())
                .collect();
            r.scope = scope.map(|v| {
                v.into_iter()
                    .map(|t| ScopeToken::new(t).unwrap())
                    .collect::<Scope>()
            });
            let client = ClientAuthParams {
                client_id,
                ..Default::default()
            };
            (r, client)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn request_form_request_is_identity((r, client) in request()) {
        let body = r.to_form_with(&client);
        let (back, c2) = TokenExchangeRequest::decode(body.as_bytes()).unwrap();
        prop_assert_eq!(back.subject_token.expose(), r.subject_token.expose());
        prop_assert_eq!(&back.subject_token_type, &r.subject_token_type);
        prop_assert_eq!(
            back.actor.as_ref().map(|(t, ty)| (t.expose().to_owned(), ty.clone())),
            r.actor.as_ref().map(|(t, ty)| (t.expose().to_owned(), ty.clone()))
        );
        prop_assert_eq!(&back.requested_token_type, &r.requested_token_type);
        prop_assert_eq!(&back.audience, &r.audience);
        prop_assert_eq!(&back.resource, &r.resource);
        prop_assert_eq!(back.scope.map(|s| s.to_string()), r.scope.map(|s| s.to_string()));
        prop_assert_eq!(c2.client_id, client.client_id);
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_decoder(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        audex_exchange::fuzz::exchange_form(&bytes);
        audex_exchange::fuzz::exchange_response(&bytes);
    }

    #[test]
    fn form_shaped_noise_never_panics(
        pairs in prop::collection::vec(("(grant_type|subject_token|subject_token_type|actor_token|actor_token_type|audience|resource|scope|client_id|x)", "[ -~%]{0,20}"), 0..12)
    ) {
        let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        audex_exchange::fuzz::exchange_form(body.join("&").as_bytes());
    }

    #[test]
    fn oversized_bodies_are_rejected_before_parsing(extra in 65_537usize..80_000) {
        let body = vec![b'a'; extra];
        let too_large = matches!(
            TokenExchangeRequest::decode(&body),
            Err(audex_exchange::FormError::TooLarge { .. })
        );
        prop_assert!(too_large);
    }
}
