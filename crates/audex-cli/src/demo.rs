//! `audex demo`: the A → B → C story over real HTTP, narrated.
//!
//! The STS runs in-process on an ephemeral loopback port with the demo realm; service C
//! is a real axum service behind audex-guard (keys from the STS's JWKS through
//! audex-client's cache). Every step checks its verdict; any surprise exits 1.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use audex_claims::{AccessTokenClaims, Scope, StringOrUri};
use audex_client::{ClientAuth, ClientError, HttpSettings, JwksCache, JwksSettings, TokenClient};
use audex_exchange::{AuthorizationServerMetadata, Secret, TokenExchangeRequest, TokenType};
use audex_guard::{Authenticated, Guard, KeySource};
use audex_jose::{Algorithm, SigningKey};
use audex_policy::Realm;
use audex_server::{KeyRing, ServerConfig, ServerState};
use base64::Engine;
use serde_json::{Value, json};

use crate::serve::DEMO_REALM;
use crate::{CmdResult, Failure};

/// `audex demo`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  audex demo          # exits 0 when every step behaves as the story says"
)]
pub(crate) struct Args {
    /// Never colour the output (colour is used only on a terminal anyway).
    #[arg(long)]
    no_color: bool,
}

struct Out {
    color: bool,
    failures: usize,
}

impl Out {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\u{1b}[{code}m{s}\u{1b}[0m")
        } else {
            s.to_owned()
        }
    }

    fn step(&self, n: usize, title: &str) {
        println!();
        println!("{}", self.paint("1", &format!("{n}. {title}")));
    }

    fn line(&self, s: &str) {
        println!("   {s}");
    }

    fn verdict(&mut self, ok: bool, expected: &str) {
        if ok {
            println!("   {} {expected}", self.paint("32", "✔ as expected:"));
        } else {
            self.failures += 1;
            println!("   {} {expected}", self.paint("31", "✘ NOT as expected:"));
        }
    }
}

fn payload(token: &str) -> Value {
    token
        .split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null)
}

/// A member by JSON pointer, `null` when absent.
fn at<'a>(v: &'a Value, pointer: &str) -> &'a Value {
    v.pointer(pointer).unwrap_or(&Value::Null)
}

fn claims_line(token: &str) -> String {
    let p = payload(token);
    let mut parts = Vec::new();
    for k in ["sub", "aud", "scope", "azp", "act"] {
        if let Some(v) = p.get(k) {
            parts.push(format!("{k}={v}"));
        }
    }
    if let (Some(exp), Some(iat)) = (at(&p, "/exp").as_u64(), at(&p, "/iat").as_u64()) {
        parts.push(format!("exp=iat+{}s", exp.saturating_sub(iat)));
    }
    parts.join("  ")
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn io(e: impl std::fmt::Display) -> Failure {
    Failure::usage(e.to_string())
}

pub(crate) fn run(args: &Args) -> CmdResult {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(io)?;
    let color = !args.no_color && std::io::stdout().is_terminal();
    let failures = rt.block_on(story(color))?;
    if failures == 0 {
        println!();
        println!("Every step behaved as the story says.");
        Ok(())
    } else {
        Err(Failure::verdict(format!(
            "{failures} step(s) did not behave as expected"
        )))
    }
}

async fn get_c(url: &str, token: &str) -> Result<(u16, String, String), Failure> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let r = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .map_err(io)?;
    let status = r.status().as_u16();
    let challenge = r
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    Ok((status, challenge, r.text().await.map_err(io)?))
}

#[allow(
    clippy::too_many_lines,
    reason = "a narrated story reads best top to bottom"
)]
async fn story(color: bool) -> Result<usize, Failure> {
    let mut out = Out { color, failures: 0 };

    // The STS.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(io)?;
    let issuer = format!("http://{}", listener.local_addr().map_err(io)?);
    let mut realm = Realm::from_toml("demo.toml", DEMO_REALM).map_err(io)?;
    realm.issuer = StringOrUri::new(issuer.clone()).map_err(io)?;
    let demo_realm = realm.clone();
    let (_, der) = SigningKey::generate(Algorithm::ES256).map_err(io)?;
    let sts_key = SigningKey::from_pkcs8_der(Algorithm::ES256, &der).map_err(io)?;
    let a_key = SigningKey::from_pkcs8_der(Algorithm::ES256, &der).map_err(io)?;
    let kid = sts_key.thumbprint().to_owned();
    let a_key = a_key.with_kid(kid);
    let state = ServerState::new(ServerConfig::new(
        realm,
        KeyRing::new(sts_key, Vec::new()).map_err(io)?,
    ))
    .map_err(io)?;
    tokio::spawn(audex_server::serve(listener, state, std::future::pending()));

    // Service C, behind the guard, keys from the STS's JWKS.
    let settings = HttpSettings::default();
    let http = audex_client::Http::new(&settings).map_err(io)?;
    let iss = StringOrUri::new(issuer.clone()).map_err(io)?;
    let jwks = JwksCache::new(
        http,
        iss.clone(),
        &format!("{issuer}/jwks"),
        JwksSettings::default(),
    )
    .map_err(io)?;
    let guard = Guard::new(
        iss,
        StringOrUri::new("service-c".to_owned()).map_err(io)?,
        KeySource::Jwks(Arc::new(jwks)),
    )
    .require_scope(Scope::parse("orders:read").map_err(io)?);
    async fn orders(user: Authenticated) -> String {
        let c = user.claims();
        json!({"sub": c.sub.as_str(), "azp": c.azp, "act": c.act.as_ref().map(audex_claims::Actor::to_json), "scope": c.scope.as_ref().map(ToString::to_string)}).to_string()
    }
    let app: axum::Router = axum::Router::new()
        .route("/orders", axum::routing::get(orders))
        .layer(guard.layer());
    let c_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(io)?;
    let c_url = format!("http://{}/orders", c_listener.local_addr().map_err(io)?);
    tokio::spawn(async move { axum::serve(c_listener, app).await });

    println!("audex demo — the A → B → C story over real HTTP");
    out.line(&format!(
        "STS       {issuer}  (demo realm, fresh ES256 key)"
    ));
    out.line(&format!(
        "service C {c_url}  (audex-guard: aud must be service-c, scope orders:read)"
    ));

    // 1. Alice's token for B.
    out.step(1, "Client A holds Alice's token, issued for service B");
    let now = unix_now();
    let alice_claims = json!({"iss": issuer, "sub": "alice", "aud": "service-b", "client_id": "client-a", "azp": "client-a",
        "exp": now + 600, "iat": now, "jti": "demo-alice", "scope": "orders:read orders:write"});
    let alice = AccessTokenClaims::from_json_slice(alice_claims.to_string().as_bytes())
        .map_err(io)
        .and_then(|c| audex_jose::sign_access_token(&c, &a_key).map_err(io))?;
    out.line(&claims_line(&alice));
    out.verdict(
        at(&payload(&alice), "/aud") == "service-b",
        "aud is service-b",
    );

    // 2. B replays it to C.
    out.step(2, "B forwards Alice's token to C unchanged");
    let (status, challenge, _) = get_c(&c_url, &alice).await?;
    out.line(&format!(
        "GET {c_url} → {status}  WWW-Authenticate: {challenge}"
    ));
    out.verdict(
        status == 401 && challenge.contains("invalid_token"),
        "C refuses it: 401 invalid_token (the token is not addressed to C)",
    );

    // 3. B exchanges it (Keycloak-style path, as in the seed), with its own actor token.
    out.step(
        3,
        "B exchanges it at the token endpoint (Keycloak-style path), acting for Alice",
    );
    let kc = format!("{issuer}/realms/audex/protocol/openid-connect/token");
    let md = AuthorizationServerMetadata {
        issuer: issuer.clone(),
        token_endpoint: Some(kc.clone()),
        ..AuthorizationServerMetadata::default()
    };
    let b_auth = ClientAuth::SecretBasic {
        client_id: "service-b".into(),
        secret: Secret::new("service-b-secret"),
    };
    let b = TokenClient::from_metadata(md, b_auth, &settings).map_err(io)?;
    let b_claims = json!({"iss": issuer, "sub": "service-b", "aud": issuer, "client_id": "service-b",
        "exp": now + 600, "iat": now, "jti": "demo-b"});
    let b_token = AccessTokenClaims::from_json_slice(b_claims.to_string().as_bytes())
        .map_err(io)
        .and_then(|c| audex_jose::sign_access_token(&c, &a_key).map_err(io))?;
    let request = TokenExchangeRequest::new(alice.clone(), TokenType::AccessToken)
        .audience("service-c")
        .scope(Scope::parse("orders:read").map_err(io)?)
        .actor(b_token, TokenType::AccessToken);
    out.line(&format!(
        "POST {kc}  (Basic service-b; audience=service-c scope=orders:read actor_token=B's own)"
    ));
    let new_token = match b.exchange(&request).await {
        Ok(r) => {
            let t = r.access_token.expose().to_owned();
            out.line(&claims_line(&t));
            out.line(&format!(
                "rule trace: {}",
                trace(&demo_realm, &alice, &a_key, &issuer, &request)
            ));
            let p = payload(&t);
            out.verdict(
                at(&p, "/aud") == "service-c"
                    && at(&p, "/azp") == "service-b"
                    && at(&p, "/act/sub") == "service-b",
                "a token for C, azp=service-b, act names B, scope narrowed to orders:read",
            );
            Some(t)
        }
        Err(e) => {
            out.line(&e.to_string());
            out.verdict(false, "the exchange is granted");
            None
        }
    };

    // 4. C accepts the new token.
    out.step(4, "B calls C with the exchanged token");
    if let Some(t) = &new_token {
        let (status, _, body) = get_c(&c_url, t).await?;
        out.line(&format!("GET {c_url} → {status}  {body}"));
        let seen: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        out.verdict(
            status == 200 && at(&seen, "/sub") == "alice" && at(&seen, "/act/sub") == "service-b",
            "C accepts it and sees Alice as the subject and B as the actor",
        );
    } else {
        out.verdict(false, "C accepts the exchanged token");
    }

    // 5. Widening scope.
    out.step(
        5,
        "B asks for more than Alice's token carries (orders:admin)",
    );
    let wider = TokenExchangeRequest::new(alice.clone(), TokenType::AccessToken)
        .audience("service-c")
        .scope(Scope::parse("orders:read orders:admin").map_err(io)?);
    let e = b.exchange(&wider).await;
    refusal(&mut out, e, "invalid_scope", "refused with invalid_scope");

    // 6. The portals.
    out.step(
        6,
        "The customer portal asks for an hr-api token; the back office does too",
    );
    let portal_md = AuthorizationServerMetadata {
        issuer: issuer.clone(),
        token_endpoint: Some(format!("{issuer}/token")),
        ..AuthorizationServerMetadata::default()
    };
    let portal = TokenClient::from_metadata(
        portal_md.clone(),
        ClientAuth::None {
            client_id: "customer-portal".into(),
        },
        &settings,
    )
    .map_err(io)?;
    let mint = |aud: &str, sub: &str, scope: &str| {
        let c = json!({"iss": issuer, "sub": sub, "aud": aud, "client_id": aud, "azp": aud,
            "exp": now + 600, "iat": now, "jti": format!("demo-{aud}"), "scope": scope});
        AccessTokenClaims::from_json_slice(c.to_string().as_bytes())
            .map_err(io)
            .and_then(|c| audex_jose::sign_access_token(&c, &a_key).map_err(io))
    };
    let customer = mint("customer-portal", "carol", "orders:read")?;
    let e = portal
        .exchange(&TokenExchangeRequest::new(customer, TokenType::AccessToken).audience("hr-api"))
        .await;
    refusal(
        &mut out,
        e,
        "invalid_target",
        "the customer portal never gets an hr-api token (invalid_target)",
    );
    let bo = TokenClient::from_metadata(
        portal_md,
        ClientAuth::SecretBasic {
            client_id: "backoffice-portal".into(),
            secret: Secret::new("backoffice-portal-secret"),
        },
        &settings,
    )
    .map_err(io)?;
    let clerk = mint("backoffice-portal", "bob", "hr:read")?;
    match bo
        .exchange(&TokenExchangeRequest::new(clerk, TokenType::AccessToken).audience("hr-api"))
        .await
    {
        Ok(r) => {
            out.line(&claims_line(r.access_token.expose()));
            out.verdict(
                at(&payload(r.access_token.expose()), "/aud") == "hr-api",
                "the back office gets one",
            );
        }
        Err(e) => {
            out.line(&e.to_string());
            out.verdict(false, "the back office gets an hr-api token");
        }
    }
    Ok(out.failures)
}

fn refusal(
    out: &mut Out,
    result: Result<audex_exchange::TokenExchangeResponse, ClientError>,
    code: &str,
    expected: &str,
) {
    match result {
        Err(e) => {
            let got = e.refusal().map(|r| r.error.as_str().to_owned());
            out.line(&format!("→ {e}"));
            out.verdict(got.as_deref() == Some(code), expected);
        }
        Ok(_) => {
            out.line("→ granted");
            out.verdict(false, expected);
        }
    }
}

/// The policy's rule trace for the exchange, from the same engine and realm the STS
/// runs (verified with the same key).
fn trace(
    realm: &Realm,
    subject: &str,
    key: &SigningKey,
    issuer: &str,
    request: &TokenExchangeRequest,
) -> String {
    let Ok(iss) = StringOrUri::new(issuer.to_owned()) else {
        return String::new();
    };
    let Ok(vk) = key.verifying_key() else {
        return String::new();
    };
    let keys = audex_jose::KeySet::new(vec![vk]).for_issuer(iss.clone());
    let now = audex_claims::NumericDate::from_secs(unix_now())
        .unwrap_or(audex_claims::NumericDate::UNIX_EPOCH);
    let validation = audex_jose::Validation::subject_token(iss);
    let (Ok(s), Some(Ok(a))) = (
        validation.verify(subject, &keys, now),
        request
            .actor
            .as_ref()
            .map(|(t, _)| validation.verify(t.expose(), &keys, now)),
    ) else {
        return String::new();
    };
    let d = realm.decide_exchange(&audex_policy::ExchangeInput {
        requester: audex_policy::Requester {
            client_id: "service-b",
            authenticated: true,
        },
        subject: &s,
        actor: Some(&a),
        request,
        now,
    });
    d.steps()
        .iter()
        .map(|s| format!("{}{}", s.rule.name(), if s.passed { "✔" } else { "✘" }))
        .collect::<Vec<_>>()
        .join(" ")
}
