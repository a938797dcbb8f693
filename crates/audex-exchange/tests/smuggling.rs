//! Token-endpoint request decoding against the tricks a differential run found
//! (Python's `parse_qsl`, WHATWG `URLSearchParams` and captured client requests read
//! some bodies differently): parameter smuggling through empty repeats, two
//! authentication methods, credential syntax, one place for client authentication,
//! and the tolerant cases RFCs allow.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

use audex_exchange::{
    BasicCredentials, ClientAuthParams, ClientAuthentication, ErrorCode, FormError, Grant,
    TokenRequest, TokenType,
};

const TE: &str = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange";
const SUBJECT: &str =
    "subject_token=tok&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token";
const JWT_BEARER: &str = "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer";

fn decode(body: &str) -> Result<TokenRequest, FormError> {
    TokenRequest::decode(body.as_bytes())
}

fn client(body: &str) -> ClientAuthParams {
    decode(body).unwrap().client
}

// conformance: TE-REQ-7
#[test]
fn an_empty_repeat_is_still_a_repeat() {
    for (body, name) in [
        (format!("{TE}&{SUBJECT}&scope=&scope=admin"), "scope"),
        (format!("{TE}&{SUBJECT}&scope=admin&scope="), "scope"),
        (
            format!("{TE}&{SUBJECT}&client_id=&client_id=c"),
            "client_id",
        ),
        (format!("{TE}&{SUBJECT}&client_id=c&client_id"), "client_id"),
        (format!("{TE}&grant_type=&{SUBJECT}"), "grant_type"),
        (format!("{TE}&{SUBJECT}&subject_token="), "subject_token"),
        (
            format!("{TE}&{SUBJECT}&client_secret=&client_secret=s&client_id=c"),
            "client_secret",
        ),
    ] {
        let err = decode(&body).unwrap_err();
        assert_eq!(err, FormError::Repeated { name }, "{body}");
        assert_eq!(err.error_code(), ErrorCode::InvalidRequest);
    }
    // Sent once and empty: omitted, as before (RFC 6749 §3.1).
    let r = decode(&format!("{TE}&{SUBJECT}&scope=&audience=&client_id=")).unwrap();
    let Grant::TokenExchange(te) = r.grant else {
        panic!("wrong grant")
    };
    assert!(te.scope.is_none());
    assert!(te.audience.is_empty());
    assert!(r.client.client_id.is_none());
}

// Two client-authentication methods are invalid_request (RFC 6749 §2.3, §5.2); the
// server maps this without a Basic challenge.
#[test]
fn two_authentication_methods_are_invalid_request() {
    let both = format!(
        "{TE}&{SUBJECT}&client_id=c&client_secret=s&client_assertion=a&client_assertion_type={JWT_BEARER}"
    );
    let err = decode(&both).unwrap_err();
    assert_eq!(err, FormError::MultipleClientAuth);
    assert_eq!(err.error_code(), ErrorCode::InvalidRequest);

    let basic = BasicCredentials::encode("c", "s");
    for body in [
        format!("{TE}&{SUBJECT}&client_secret=s2&client_id=c"),
        format!("{TE}&{SUBJECT}&client_assertion=a&client_assertion_type={JWT_BEARER}"),
    ] {
        let err = ClientAuthentication::resolve(Some(&basic), &client(&body)).unwrap_err();
        assert_eq!(err, FormError::MultipleClientAuth, "{body}");
        assert_eq!(err.error_code(), ErrorCode::InvalidRequest);
    }
}

#[test]
fn client_id_and_secret_are_vschar_in_the_body_and_in_basic() {
    for bad in ["%0D%0A", "%00", "%7F", "%C3%A9", "a%0Ab", "%1B%5B31m"] {
        for name in ["client_id", "client_secret"] {
            let other = if name == "client_id" {
                "client_secret=s"
            } else {
                "client_id=c"
            };
            let body = format!("{TE}&{SUBJECT}&{other}&{name}={bad}");
            let err = decode(&body).unwrap_err();
            assert!(
                matches!(err, FormError::InvalidCredentialSyntax { .. }),
                "{body}: {err:?}"
            );
            assert_eq!(err.error_code(), ErrorCode::InvalidRequest);
        }
        let raw = percent_decode(bad);
        for (id, secret) in [(raw.as_str(), "s"), ("c", raw.as_str())] {
            let h = BasicCredentials::encode(id, secret);
            let err = BasicCredentials::decode(&h).unwrap_err();
            assert!(matches!(err, FormError::BadBasicAuth(_)), "{bad}: {err:?}");
            assert_eq!(err.error_code(), ErrorCode::InvalidClient);
        }
    }
    // Every VSCHAR is fine, space and tilde included.
    let ok = BasicCredentials::encode("c 1~", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
    assert!(BasicCredentials::decode(&ok).is_ok());
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

#[test]
fn client_authentication_is_resolved_in_one_place() {
    let basic = BasicCredentials::encode("portal", "s3cret");
    // Basic alone.
    let a =
        ClientAuthentication::resolve(Some(&basic), &client(&format!("{TE}&{SUBJECT}"))).unwrap();
    assert!(
        matches!(&a, ClientAuthentication::Basic { client_id, secret } if client_id == "portal" && secret.ct_eq("s3cret"))
    );
    assert!(a.used_authorization_header());
    // Basic plus the same client_id in the body: fine; another one: invalid_request.
    let same = client(&format!("{TE}&{SUBJECT}&client_id=portal"));
    assert_eq!(
        ClientAuthentication::resolve(Some(&basic), &same)
            .unwrap()
            .client_id(),
        Some("portal")
    );
    let other = client(&format!("{TE}&{SUBJECT}&client_id=admin-portal"));
    let err = ClientAuthentication::resolve(Some(&basic), &other).unwrap_err();
    assert_eq!(err, FormError::ClientIdMismatch);
    assert_eq!(err.error_code(), ErrorCode::InvalidRequest);
    // client_secret without client_id.
    let err =
        ClientAuthentication::resolve(None, &client(&format!("{TE}&{SUBJECT}&client_secret=s")))
            .unwrap_err();
    assert_eq!(err, FormError::SecretWithoutClientId);
    assert_eq!(err.error_code(), ErrorCode::InvalidRequest);
    // Empty secrets: `portal:` and `client_secret=` both identify without
    // authenticating, the same way.
    let empty_basic = BasicCredentials::encode("portal", "");
    let via_header =
        ClientAuthentication::resolve(Some(&empty_basic), &client(&format!("{TE}&{SUBJECT}")))
            .unwrap();
    let via_body = ClientAuthentication::resolve(
        None,
        &client(&format!("{TE}&{SUBJECT}&client_id=portal&client_secret=")),
    )
    .unwrap();
    for a in [&via_header, &via_body] {
        assert!(
            matches!(a, ClientAuthentication::Unauthenticated { client_id, .. } if client_id == "portal"),
            "{a:?}"
        );
    }
    assert!(via_header.used_authorization_header());
    assert!(!via_body.used_authorization_header());
    // client_secret_post, private_key_jwt, nothing.
    let post = ClientAuthentication::resolve(
        None,
        &client(&format!("{TE}&{SUBJECT}&client_id=portal&client_secret=s")),
    )
    .unwrap();
    assert!(matches!(post, ClientAuthentication::Post { .. }));
    let jwt = ClientAuthentication::resolve(
        None,
        &client(&format!(
            "{TE}&{SUBJECT}&client_assertion=a.b.c&client_assertion_type={JWT_BEARER}"
        )),
    )
    .unwrap();
    assert!(matches!(jwt, ClientAuthentication::Assertion { .. }));
    let err = ClientAuthentication::resolve(
        None,
        &client(&format!(
            "{TE}&{SUBJECT}&client_assertion=a.b.c&client_assertion_type=urn%3Aexample%3Asaml"
        )),
    )
    .unwrap_err();
    assert_eq!(err, FormError::UnsupportedAssertionType);
    assert!(matches!(
        ClientAuthentication::resolve(None, &client(&format!("{TE}&{SUBJECT}"))).unwrap(),
        ClientAuthentication::Anonymous
    ));
    // A non-Basic Authorization header is a client-authentication failure.
    assert_eq!(
        ClientAuthentication::resolve(Some("Bearer abc"), &client(&format!("{TE}&{SUBJECT}")))
            .unwrap_err()
            .error_code(),
        ErrorCode::InvalidClient
    );
}

#[test]
fn repeated_scope_tokens_are_merged_but_the_syntax_stays_strict() {
    let r = decode(&format!("{TE}&{SUBJECT}&scope=read+write+read")).unwrap();
    let Grant::TokenExchange(te) = r.grant else {
        panic!("wrong grant")
    };
    assert_eq!(te.scope.unwrap().to_string(), "read write");
    for bad in [
        "read++read",
        "read+read+",
        "+read+read",
        "read+re%22ad+read",
    ] {
        let err = decode(&format!("{TE}&{SUBJECT}&scope={bad}")).unwrap_err();
        assert!(matches!(err, FormError::InvalidScope(_)), "{bad}: {err:?}");
    }
}

// conformance: TE-TYPE-1
#[test]
fn registered_token_type_urns_match_case_insensitively_in_the_urn_ietf_prefix() {
    for t in [
        "URN:IETF:params:oauth:token-type:access_token",
        "Urn:Ietf:params:oauth:token-type:access_token",
    ] {
        assert_eq!(TokenType::parse(t).unwrap(), TokenType::AccessToken, "{t}");
    }
    // The namespace-specific part is compared exactly.
    assert!(matches!(
        TokenType::parse("urn:ietf:params:oauth:token-type:ACCESS_TOKEN").unwrap(),
        TokenType::Other(_)
    ));
}

/// A registered type has one representation: it cannot be built as an "other" type,
/// whatever the case of its `urn:ietf:` prefix, so code matching on
/// `TokenType::AccessToken` sees every access-token type.
#[test]
fn a_registered_token_type_cannot_hide_in_other() {
    use audex_exchange::{InvalidTokenType, OtherTokenType};
    for t in [
        "urn:ietf:params:oauth:token-type:access_token",
        "URN:IETF:params:oauth:token-type:jwt",
        "urn:ietf:params:oauth:token-type:id_token",
    ] {
        assert_eq!(
            OtherTokenType::new(t),
            Err(InvalidTokenType::Registered),
            "{t}"
        );
    }
    assert_eq!(
        OtherTokenType::new("not a uri"),
        Err(InvalidTokenType::NotAbsoluteUri)
    );
    assert!(OtherTokenType::new("urn:example:custom").is_ok());
}

/// Error codes read from a server are validated: a named code has one representation
/// and a malformed one (control bytes, quotes, empty, oversized) makes the response
/// invalid instead of reaching a log or a caller's `match` as text.
#[test]
fn error_codes_from_a_server_are_validated() {
    use audex_exchange::{
        ErrorCode, ErrorResponse, InvalidErrorCode, OtherErrorCode, ResponseError,
    };
    assert_eq!(
        ErrorCode::parse("temporarily_unavailable"),
        Ok(ErrorCode::TemporarilyUnavailable)
    );
    assert_eq!(
        OtherErrorCode::new("server_error"),
        Err(InvalidErrorCode::Named)
    );
    let long = "x".repeat(129);
    // JSON escapes in the body: NUL, newline, quote, backslash, ANSI ESC.
    for bad in [
        "",
        r"a\u0000b",
        r"new\nline",
        r#"quo\"te"#,
        r"back\\slash",
        r"\u001b[31m",
        long.as_str(),
    ] {
        let body = format!("{{\"error\":\"{bad}\"}}");
        assert!(
            matches!(
                ErrorResponse::from_json(body.as_bytes()),
                Err(ResponseError::Invalid { field: "error" })
            ),
            "{bad:?}"
        );
    }
    let ok = ErrorResponse::from_json(br#"{"error":"slow_down"}"#).unwrap();
    assert_eq!(ok.error.as_str(), "slow_down");
}

#[test]
fn error_offsets_point_at_the_raw_input() {
    // The name "%41%41%41" decodes to "AAA" (3 bytes) but spans 9 raw bytes; the bad
    // escape in its value sits at byte 16.
    let body = "aaa=b&%41%41%41=%zz";
    assert_eq!(
        decode(body).unwrap_err(),
        FormError::BadPercentEncoding { offset: 16 }
    );
    assert_eq!(body.as_bytes()[16], b'%');
}
