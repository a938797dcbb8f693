//! Conformance tests for audex-exchange (TE-*, CA-BASIC-1).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

use audex_exchange::{
    AccessTokenType, BasicCredentials, ClientAuthParams, ErrorCode, ErrorResponse, FormError,
    Grant, IntrospectionResponse, Rejection, ResourceUri, ResponseError, TOKEN_RESPONSE_HEADERS,
    TokenExchangeRequest, TokenExchangeResponse, TokenRequest, TokenType, check_content_type,
};
use serde_json::Value;

const TE: &str = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange";
const SUBJECT: &str =
    "subject_token=tok&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token";

fn decode(body: &str) -> Result<(TokenExchangeRequest, ClientAuthParams), FormError> {
    TokenExchangeRequest::decode(body.as_bytes())
}

fn vectors() -> Vec<Value> {
    let path = format!(
        "{}/tests/vectors/rfc8693/examples.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

// conformance: TE-VEC-1
#[test]
fn rfc8693_examples_parse_and_re_encode() {
    let cases = vectors();
    assert_eq!(cases.len(), 3);
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let (req, client) =
            decode(case["body"].as_str().unwrap()).unwrap_or_else(|e| panic!("{id}: {e}"));
        let want = &case["expect"];
        assert_eq!(req.subject_token.expose(), want["subject_token"], "{id}");
        assert_eq!(
            req.subject_token_type.as_str(),
            want["subject_token_type"],
            "{id}"
        );
        let resources: Vec<&str> = req.resource.iter().map(ResourceUri::as_str).collect();
        assert_eq!(serde_json::json!(resources), want["resource"], "{id}");
        assert_eq!(serde_json::json!(req.audience), want["audience"], "{id}");
        assert_eq!(req.actor.is_some(), want["actor"] == true, "{id}");
        if let Some((t, ty)) = &req.actor {
            assert_eq!(t.expose(), want["actor_token"]);
            assert_eq!(*ty, TokenType::Jwt);
        }
        assert!(client.client_id.is_none());
        if let Some(auth) = case["authorization"].as_str() {
            let (id, secret) = BasicCredentials::decode(auth).unwrap();
            assert_eq!(id, want["client_id"]);
            assert_eq!(secret.expose(), want["client_secret"]);
        }
        // Re-encode and decode: an equivalent request.
        let (again, _) = decode(&req.to_form()).unwrap();
        assert_eq!(again.subject_token.expose(), req.subject_token.expose());
        assert_eq!(again.audience, req.audience);
        assert_eq!(again.resource, req.resource);
        assert_eq!(again.actor.map(|a| a.1), req.actor.map(|a| a.1));
        // Response: parse, re-encode, compare as JSON.
        let resp_json = case["response"].to_string();
        let resp = TokenExchangeResponse::from_json(resp_json.as_bytes()).unwrap();
        let back: Value = serde_json::from_str(&resp.to_json()).unwrap();
        assert_eq!(back, case["response"], "{id}");
    }
}

// conformance: TE-REQ-1
#[test]
fn grant_type_must_be_exact() {
    assert!(decode(&format!("{TE}&{SUBJECT}")).is_ok());
    for gt in [
        "token-exchange",
        "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange%20",
        "URN%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange",
        "password",
    ] {
        let err = decode(&format!("grant_type={gt}&{SUBJECT}")).unwrap_err();
        assert!(
            matches!(err, FormError::UnsupportedGrantType { .. }),
            "{gt}: {err:?}"
        );
        assert_eq!(err.error_code(), ErrorCode::UnsupportedGrantType);
    }
    assert_eq!(
        decode(SUBJECT).unwrap_err(),
        FormError::Missing { name: "grant_type" }
    );
}

// conformance: TE-REQ-2
#[test]
fn subject_token_and_type_are_required() {
    for (body, name) in [
        (
            format!("{TE}&subject_token_type=urn%3Aa%3Ab"),
            "subject_token",
        ),
        (format!("{TE}&subject_token=x"), "subject_token_type"),
        (
            format!("{TE}&subject_token=&subject_token_type=urn%3Aa%3Ab"),
            "subject_token",
        ),
    ] {
        let err = decode(&body).unwrap_err();
        assert_eq!(err, FormError::Missing { name });
        assert_eq!(err.error_code(), ErrorCode::InvalidRequest);
        assert_eq!(err.to_string(), format!("parameter {name} is required"));
    }
}

// conformance: TE-REQ-3
#[test]
fn actor_token_and_type_come_together() {
    let jwt = "urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt";
    assert!(
        decode(&format!(
            "{TE}&{SUBJECT}&actor_token=a&actor_token_type={jwt}"
        ))
        .unwrap()
        .0
        .actor
        .is_some()
    );
    assert_eq!(
        decode(&format!("{TE}&{SUBJECT}&actor_token=a")).unwrap_err(),
        FormError::ActorPairing
    );
    assert_eq!(
        decode(&format!("{TE}&{SUBJECT}&actor_token_type={jwt}")).unwrap_err(),
        FormError::ActorPairing
    );
    assert_eq!(
        FormError::ActorPairing.error_code(),
        ErrorCode::InvalidRequest
    );
}

// conformance: TE-REQ-4
#[test]
fn resource_is_an_absolute_uri_without_fragment_and_may_repeat() {
    let (r, _) = decode(&format!(
        "{TE}&{SUBJECT}&resource=https%3A%2F%2Fa.example%2Fx&resource=urn%3Aexample%3Ab"
    ))
    .unwrap();
    assert_eq!(r.resource.len(), 2);
    assert_eq!(r.resource[1].as_str(), "urn:example:b");
    for bad in [
        "%2Frelative",
        "https%3A%2F%2Fa.example%2Fx%23frag",
        "not%20a%20uri",
        "a.example",
    ] {
        let err = decode(&format!(
            "{TE}&{SUBJECT}&resource=https%3A%2F%2Fok.example&resource={bad}"
        ))
        .unwrap_err();
        assert_eq!(err, FormError::InvalidResource { index: 1 }, "{bad}");
        assert_eq!(err.error_code(), ErrorCode::InvalidTarget);
    }
    assert!(ResourceUri::new("https://a.example/#f").is_err());
}

// conformance: TE-REQ-5
#[test]
fn audience_repeats_and_is_kept_as_sent() {
    let (r, _) = decode(&format!(
        "{TE}&{SUBJECT}&audience=order-api&audience=Billing%20API&audience=urn%3Aexample%3Ax&audience=order-api"
    ))
    .unwrap();
    assert_eq!(
        r.audience,
        ["order-api", "Billing API", "urn:example:x", "order-api"]
    );
    let many: String = (0..17).map(|i| format!("&audience=a{i}")).collect();
    assert_eq!(
        decode(&format!("{TE}&{SUBJECT}{many}")).unwrap_err(),
        FormError::TooManyValues {
            name: "audience",
            limit: 16
        }
    );
}

// conformance: TE-REQ-6
#[test]
fn scope_syntax() {
    let (r, _) = decode(&format!("{TE}&{SUBJECT}&scope=orders%3Aread+profile")).unwrap();
    assert_eq!(r.scope.unwrap().to_string(), "orders:read profile");
    for bad in ["a++b", "%22quoted%22", "back%5Cslash", "tab%09", "+a"] {
        let err = decode(&format!("{TE}&{SUBJECT}&scope={bad}")).unwrap_err();
        assert!(matches!(err, FormError::InvalidScope(_)), "{bad}: {err:?}");
        assert_eq!(err.error_code(), ErrorCode::InvalidScope);
    }
}

// conformance: TE-REQ-7
#[test]
fn single_valued_parameters_do_not_repeat_and_unknown_ones_are_ignored() {
    for name in [
        "subject_token",
        "subject_token_type",
        "scope",
        "requested_token_type",
        "client_id",
        "grant_type",
    ] {
        let extra = match name {
            "subject_token_type" | "requested_token_type" => format!("&{name}=urn%3Aa%3Ab"),
            "grant_type" => "&grant_type=client_credentials".to_owned(),
            _ => format!("&{name}=x"),
        };
        let body =
            format!("{TE}&{SUBJECT}&requested_token_type=urn%3Aa%3Ab&scope=a&client_id=c{extra}");
        assert_eq!(
            decode(&body).unwrap_err(),
            FormError::Repeated {
                name: match name {
                    "subject_token" => "subject_token",
                    "subject_token_type" => "subject_token_type",
                    "scope" => "scope",
                    "requested_token_type" => "requested_token_type",
                    "client_id" => "client_id",
                    _ => "grant_type",
                }
            },
            "{name}"
        );
    }
    let (r, _) = decode(&format!("{TE}&{SUBJECT}&foo=bar&foo=baz&x")).unwrap();
    assert_eq!(r.subject_token.expose(), "tok");
    assert_eq!(
        FormError::Repeated { name: "scope" }.to_string(),
        "parameter scope must not be repeated"
    );
}

// conformance: TE-REQ-8
#[test]
fn body_is_strict_utf8_form_encoding() {
    assert_eq!(
        check_content_type("application/x-www-form-urlencoded", b"a=b"),
        Ok(())
    );
    assert_eq!(
        check_content_type(
            "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
            "a=%C3%A9".as_bytes()
        ),
        Ok(())
    );
    assert!(check_content_type("application/json", b"{}").is_err());
    // Another charset only where it cannot change the meaning: an ASCII body with no
    // escaped byte above 0x7F.
    let latin1 = "application/x-www-form-urlencoded; charset=iso-8859-1";
    assert!(check_content_type(latin1, b"scope=caf%E9").is_err());
    assert!(check_content_type(latin1, "scope=café".as_bytes()).is_err());
    assert!(check_content_type(latin1, b"grant_type=client_credentials&scope=a%20b").is_ok());
    assert!(matches!(
        decode(&format!("{TE}&{SUBJECT}&scope=%zz")),
        Err(FormError::BadPercentEncoding { .. })
    ));
    assert!(matches!(
        decode(&format!("{TE}&{SUBJECT}&scope=%4")),
        Err(FormError::BadPercentEncoding { .. })
    ));
    assert!(matches!(
        decode(&format!("{TE}&{SUBJECT}&audience=%C3%28")),
        Err(FormError::NotUtf8 { .. })
    ));
    let mut raw = format!("{TE}&{SUBJECT}&audience=").into_bytes();
    raw.push(0xff);
    assert!(matches!(
        TokenExchangeRequest::decode(&raw),
        Err(FormError::NotUtf8 { .. })
    ));
    let huge = format!("{TE}&{SUBJECT}&x={}", "a".repeat(70_000));
    assert!(matches!(decode(&huge), Err(FormError::TooLarge { .. })));
    let many: String = (0..70).map(|i| format!("&u{i}=1")).collect();
    assert!(matches!(
        decode(&format!("{TE}&{SUBJECT}{many}")),
        Err(FormError::TooManyParameters { .. })
    ));
}

// conformance: TE-TYPE-1
#[test]
fn token_type_uris() {
    for (s, t) in [
        (
            "urn:ietf:params:oauth:token-type:access_token",
            TokenType::AccessToken,
        ),
        (
            "urn:ietf:params:oauth:token-type:refresh_token",
            TokenType::RefreshToken,
        ),
        (
            "urn:ietf:params:oauth:token-type:id_token",
            TokenType::IdToken,
        ),
        ("urn:ietf:params:oauth:token-type:saml1", TokenType::Saml1),
        ("urn:ietf:params:oauth:token-type:saml2", TokenType::Saml2),
        ("urn:ietf:params:oauth:token-type:jwt", TokenType::Jwt),
    ] {
        assert_eq!(TokenType::parse(s).unwrap(), t);
        assert_eq!(t.as_str(), s);
    }
    assert_eq!(
        TokenType::parse("urn:example:token-type:custom").unwrap(),
        TokenType::Other(
            audex_exchange::OtherTokenType::new("urn:example:token-type:custom").unwrap()
        )
    );
    for bad in ["access_token", "", "urn:a:b#frag", "a b:c"] {
        assert!(TokenType::parse(bad).is_err(), "{bad}");
    }
    let err = decode(&format!(
        "{TE}&subject_token=t&subject_token_type=access_token"
    ))
    .unwrap_err();
    assert_eq!(
        err,
        FormError::InvalidTokenType {
            name: "subject_token_type"
        }
    );
}

// conformance: TE-RES-1
#[test]
fn response_required_fields_and_token_type() {
    let at = TokenExchangeResponse::new("tok", TokenType::AccessToken);
    assert_eq!(at.token_type, AccessTokenType::Bearer);
    let jwt = TokenExchangeResponse::new("tok", TokenType::Jwt);
    assert_eq!(jwt.token_type, AccessTokenType::NotApplicable);
    let v: Value = serde_json::from_str(&jwt.to_json()).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"access_token": "tok", "issued_token_type": "urn:ietf:params:oauth:token-type:jwt", "token_type": "N_A"})
    );
    assert!(v.get("refresh_token").is_none());
    for (body, field) in [
        (
            r#"{"issued_token_type":"urn:a:b","token_type":"Bearer"}"#,
            "access_token",
        ),
        (
            r#"{"access_token":"t","token_type":"Bearer"}"#,
            "issued_token_type",
        ),
        (
            r#"{"access_token":"t","issued_token_type":"urn:a:b"}"#,
            "token_type",
        ),
    ] {
        let err = TokenExchangeResponse::from_json(body.as_bytes()).unwrap_err();
        assert_eq!(err, ResponseError::Missing { field });
        assert_eq!(err.to_string(), format!("server omitted {field}"));
    }
    assert!(
        TokenExchangeResponse::from_json(
            br#"{"access_token":1,"issued_token_type":"urn:a:b","token_type":"Bearer"}"#
        )
        .is_err()
    );
    let lower = TokenExchangeResponse::from_json(
        br#"{"access_token":"t","issued_token_type":"urn:a:b","token_type":"bearer"}"#,
    )
    .unwrap();
    assert_eq!(lower.token_type, AccessTokenType::Bearer);
}

// conformance: TE-RES-2
#[test]
fn response_scope_when_it_differs() {
    use audex_claims::Scope;
    let requested = Scope::parse("orders:read orders:write").unwrap();
    let granted = Scope::parse("orders:read").unwrap();
    let r = TokenExchangeResponse::new("t", TokenType::AccessToken)
        .with_granted_scope(&granted, Some(&requested));
    assert_eq!(
        serde_json::from_str::<Value>(&r.to_json()).unwrap()["scope"],
        "orders:read"
    );
    let same = TokenExchangeResponse::new("t", TokenType::AccessToken)
        .with_granted_scope(&requested, Some(&requested));
    assert!(
        serde_json::from_str::<Value>(&same.to_json())
            .unwrap()
            .get("scope")
            .is_none()
    );
    let unasked =
        TokenExchangeResponse::new("t", TokenType::AccessToken).with_granted_scope(&granted, None);
    assert_eq!(
        serde_json::from_str::<Value>(&unasked.to_json()).unwrap()["scope"],
        "orders:read"
    );
}

// conformance: TE-RES-3
#[test]
fn token_responses_are_not_cached() {
    let get = |k: &str| {
        TOKEN_RESPONSE_HEADERS
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| *v)
    };
    assert_eq!(get("cache-control"), Some("no-store"));
    assert_eq!(get("pragma"), Some("no-cache"));
    assert_eq!(get("content-type"), Some("application/json"));
}

// conformance: TE-ERR-3
#[test]
fn error_body_status_and_challenge() {
    let e = ErrorResponse::new(
        ErrorCode::InvalidRequest,
        "subject token \"x\" expired\n\u{1F600}\\",
    );
    let v: Value = serde_json::from_str(&e.to_json()).unwrap();
    assert_eq!(v["error"], "invalid_request");
    let desc = v["error_description"].as_str().unwrap();
    assert_eq!(desc, "subject token 'x' expired??/");
    assert!(
        desc.chars()
            .all(|c| matches!(c, '\x20'..='\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e'))
    );
    assert_eq!(v.as_object().unwrap().len(), 2);
    assert_eq!(e.http_status(true), 400);
    let client = ErrorResponse::new(ErrorCode::InvalidClient, "bad secret");
    assert_eq!(client.http_status(true), 401);
    assert_eq!(
        client.www_authenticate(true, "audex").as_deref(),
        Some("Basic realm=\"audex\"")
    );
    assert_eq!(client.http_status(false), 400);
    assert!(client.www_authenticate(false, "audex").is_none());
    // Every code round-trips; unknown codes are preserved; odd descriptions tolerated on read.
    for code in [
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
        "invalid_target",
        "slow_down",
    ] {
        let parsed = ErrorResponse::from_json(
            format!(r#"{{"error":"{code}","error_description":"é\u0001"}}"#).as_bytes(),
        )
        .unwrap();
        assert_eq!(parsed.error.as_str(), code);
        assert_eq!(parsed.error_description.as_deref(), Some("é\u{1}"));
    }
    assert_eq!(
        ErrorResponse::from_json(b"{}").unwrap_err(),
        ResponseError::Missing { field: "error" }
    );
}

// conformance: CA-BASIC-1
#[test]
fn client_secret_basic_form_encodes_before_base64() {
    // RFC 6749 §2.3.1 / appendix B: "+", "%", ":" and spaces are form-encoded.
    let h = BasicCredentials::encode("client:1", "s3cr%t+ ~");
    let (id, secret) = BasicCredentials::decode(&h).unwrap();
    assert_eq!(id, "client:1");
    assert_eq!(secret.expose(), "s3cr%t+ ~");
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(h.strip_prefix("Basic ").unwrap())
        .unwrap();
    assert_eq!(
        String::from_utf8(raw).unwrap(),
        "client%3A1:s3cr%25t%2B+%7E"
    );
    // Non-ASCII is encoded on the way out but is not a VSCHAR (Appendix A.2): a
    // server refuses it.
    let h = BasicCredentials::encode("client", "s3cr\u{fc}t");
    assert!(matches!(
        BasicCredentials::decode(&h),
        Err(FormError::BadBasicAuth(_))
    ));
    // A secret that is not validly form-encoded is rejected, not guessed.
    let bad = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("a:%zz")
    );
    assert!(matches!(
        BasicCredentials::decode(&bad),
        Err(FormError::BadBasicAuth(_))
    ));
    assert_eq!(
        FormError::BadBasicAuth("x").error_code(),
        ErrorCode::InvalidClient
    );
    for bad in ["Bearer abc", "Basic !!!", "Basic", "Basic Y2xpZW50"] {
        assert!(BasicCredentials::decode(bad).is_err(), "{bad}");
    }
    // client_secret_post: parameters in the body.
    let (_, c) = decode(&format!(
        "{TE}&{SUBJECT}&client_id=portal&client_secret=s%26cret"
    ))
    .unwrap();
    assert_eq!(c.client_id.as_deref(), Some("portal"));
    assert_eq!(c.client_secret.unwrap().expose(), "s&cret");
}

#[test]
fn secrets_are_redacted_and_client_auth_is_unambiguous() {
    let (r, c) = decode(&format!("{TE}&{SUBJECT}&client_id=p&client_secret=hunter2")).unwrap();
    let dbg = format!("{r:?} {c:?}");
    assert!(!dbg.contains("tok\"") && !dbg.contains("hunter2"), "{dbg}");
    assert!(c.client_secret.as_ref().unwrap().ct_eq("hunter2"));
    assert!(!c.client_secret.unwrap().ct_eq("hunter3"));
    let both = format!(
        "{TE}&{SUBJECT}&client_secret=s&client_assertion=a&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
    );
    assert_eq!(decode(&both).unwrap_err(), FormError::MultipleClientAuth);
    assert_eq!(
        decode(&format!("{TE}&{SUBJECT}&client_assertion=a")).unwrap_err(),
        FormError::AssertionPairing
    );
}

#[test]
fn client_credentials_with_targets() {
    let r = TokenRequest::decode(b"grant_type=client_credentials&audience=order-api&audience=billing-api&resource=https%3A%2F%2Fapi.example%2F&scope=a+b&client_id=portal").unwrap();
    let Grant::ClientCredentials(cc) = r.grant else {
        panic!("wrong grant")
    };
    assert_eq!(cc.audience, ["order-api", "billing-api"]);
    assert_eq!(cc.resource[0].as_str(), "https://api.example/");
    assert_eq!(cc.scope.unwrap().len(), 2);
    assert!(TokenRequest::decode(b"grant_type=client_credentials&scope=a&scope=b").is_err());
    assert!(TokenRequest::decode(b"grant_type=client_credentials&resource=x").is_err());
}

#[test]
fn introspection_inactive_is_minimal() {
    assert_eq!(
        IntrospectionResponse::inactive().to_json(),
        r#"{"active":false}"#
    );
    let mut active = IntrospectionResponse {
        active: true,
        client_id: Some("portal".into()),
        ..Default::default()
    };
    active.scope = Some(audex_claims::Scope::parse("a b").unwrap());
    let v: Value = serde_json::from_str(&active.to_json()).unwrap();
    assert_eq!(v["scope"], "a b");
    assert_eq!(v["client_id"], "portal");
}

#[test]
fn metadata_issuer_check() {
    let m = audex_exchange::AuthorizationServerMetadata::from_json(
        br#"{"issuer":"https://sts.example","token_endpoint":"https://sts.example/token","grant_types_supported":["urn:ietf:params:oauth:grant-type:token-exchange"],"x":1}"#,
    )
    .unwrap();
    assert!(m.check_issuer("https://sts.example").is_ok());
    assert!(m.check_issuer("https://sts.example/").is_err());
    assert_eq!(m.other["x"], 1);
    let back =
        audex_exchange::AuthorizationServerMetadata::from_json(m.to_json().as_bytes()).unwrap();
    assert_eq!(back, m);
}

// conformance: TE-ERR-1
#[test]
fn bad_subject_or_actor_token_is_invalid_request() {
    for r in [
        Rejection::SubjectToken {
            reason: "signature does not verify".into(),
        },
        Rejection::ActorToken {
            reason: "expired".into(),
        },
    ] {
        assert_eq!(r.error_code(), ErrorCode::InvalidRequest);
        let body: Value = serde_json::from_str(&r.error_response().to_json()).unwrap();
        assert_eq!(body["error"], "invalid_request");
        assert!(
            body["error_description"]
                .as_str()
                .unwrap()
                .contains("rejected")
        );
        assert_eq!(r.error_response().http_status(false), 400);
    }
    // Not invalid_grant (Spring) and not access_denied (Keycloak).
    assert_ne!(
        Rejection::SubjectToken {
            reason: String::new()
        }
        .error_code(),
        ErrorCode::InvalidGrant
    );
}

// conformance: TE-ERR-2
#[test]
fn unacceptable_target_is_invalid_target() {
    let r = Rejection::Target {
        target: "hr-api".into(),
        reason: "not available to customer-portal".into(),
    };
    assert_eq!(r.error_code(), ErrorCode::InvalidTarget);
    assert_eq!(
        r.error_response().to_json(),
        r#"{"error":"invalid_target","error_description":"target 'hr-api' rejected: not available to customer-portal"}"#
    );
    // A malformed resource is an unacceptable target too (RFC 8707 §2), not invalid_request.
    let err = decode(&format!("{TE}&{SUBJECT}&resource=relative")).unwrap_err();
    assert_eq!(err.error_response().error, ErrorCode::InvalidTarget);
}
