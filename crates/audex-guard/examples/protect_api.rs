//! Protect a two-route axum app with audex-guard: `/health` is open, `/orders`
//! accepts only access tokens minted for `order-api` with `orders:read`.
//!
//! ```sh
//! cargo run -p audex-guard --example protect_api
//! ```
#![allow(clippy::print_stdout, reason = "an example prints its result")]

use std::sync::Arc;

use audex_guard::{Authenticated, Guard, KeySource};
use audex_jose::claims::AccessTokenClaims;
use audex_jose::{Algorithm, KeySet, SigningKey, StringOrUri};
use axum::Router;
use axum::routing::get;

async fn orders(user: Authenticated) -> String {
    format!("orders of {}\n", user.claims().sub)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (key, _) = SigningKey::generate(Algorithm::ES256)?;
    let issuer = StringOrUri::new("https://sts.example")?;
    let keys = KeySet::new(vec![key.verifying_key()?]).for_issuer(issuer.clone());
    let guard = Guard::new(
        issuer,
        StringOrUri::new("order-api")?,
        KeySource::Static(Arc::new(keys)),
    )
    .require_scope(audex_jose::Scope::parse("orders:read")?);

    let app = Router::new()
        .route("/orders", get(orders))
        .layer(guard.layer())
        .route("/health", get(|| async { "ok\n" }))
        .merge(guard.metadata_router());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });

    // A token for order-api, and one call with it and one without.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let claims = AccessTokenClaims::from_json_slice(
        format!(r#"{{"iss":"https://sts.example","sub":"alice","aud":"order-api","client_id":"portal","exp":{},"iat":{now},"jti":"x","scope":"orders:read"}}"#, now + 300).as_bytes(),
    )?;
    let token = audex_jose::sign_access_token(&claims, &key)?;
    for (what, auth) in [("with a token", Some(token)), ("without", None)] {
        let (status, body) = get_orders(addr, auth.as_deref()).await?;
        println!("GET /orders {what}: {status} {body}");
    }
    Ok(())
}

/// A minimal HTTP/1.1 GET over a TCP stream (keeps the example free of an HTTP client).
async fn get_orders(
    addr: std::net::SocketAddr,
    token: Option<&str>,
) -> std::io::Result<(String, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    s.write_all(
        format!("GET /orders HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n")
            .as_bytes(),
    )
    .await?;
    let mut out = String::new();
    s.read_to_string(&mut out).await?;
    let status = out.lines().next().unwrap_or_default().to_owned();
    let body = out
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .trim()
        .to_owned();
    Ok((status, body))
}
