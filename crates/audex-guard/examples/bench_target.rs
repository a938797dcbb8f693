//! The target of `cargo xtask bench guard`: the same axum handler served twice, behind
//! the guard and without it, plus a valid ES256 token for the guarded one. Prints
//! `guarded=ADDR unguarded=ADDR token=JWT` and serves until killed. The unguarded
//! listener also answers `POST /token` with a fixed token-response-sized JSON body and
//! no work: the HTTP round-trip floor of `cargo xtask bench sts`.
#![allow(clippy::print_stdout, reason = "the bench driver reads stdout")]

use std::sync::Arc;

use audex_guard::{Authenticated, Guard, KeySource};
use audex_jose::claims::AccessTokenClaims;
use audex_jose::{Algorithm, KeySet, SigningKey, StringOrUri};
use axum::Router;
use axum::routing::get;

async fn guarded(user: Authenticated) -> String {
    format!("hello {}", user.claims().sub)
}

async fn open() -> String {
    format!("hello {}", "alice")
}

/// A token response's size and headers, without reading the body or doing any work.
async fn token_floor() -> impl axum::response::IntoResponse {
    static BODY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = BODY.get_or_init(|| {
        format!(
            r#"{{"access_token":"{}","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":300}}"#,
            "x".repeat(560)
        )
    });
    (
        [
            (axum::http::header::CONTENT_TYPE, "application/json"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
            (axum::http::header::PRAGMA, "no-cache"),
        ],
        body.as_str(),
    )
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
    );
    let a = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let b = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let (ga, ua) = (a.local_addr()?, b.local_addr()?);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let claims = AccessTokenClaims::from_json_slice(
        format!(
            r#"{{"iss":"https://sts.example","sub":"alice","aud":"order-api","client_id":"portal","exp":{},"iat":{now},"jti":"b","scope":"orders:read"}}"#,
            now + 3600
        )
        .as_bytes(),
    )?;
    let token = audex_jose::sign_access_token(&claims, &key)?;
    println!("guarded={ga} unguarded={ua} token={token}");
    let g = Router::new()
        .route("/orders", get(guarded))
        .layer(guard.layer());
    let u = Router::new()
        .route("/orders", get(open))
        .route("/token", axum::routing::post(token_floor));
    tokio::spawn(async move { axum::serve(b, u).await });
    axum::serve(a, g).await?;
    Ok(())
}
