//! Verify an RFC 9068 access token the way a resource server must: signature with
//! the issuer's keys, `typ: at+jwt`, exact `iss`, this service in `aud`, `exp`.
//!
//! ```sh
//! cargo run -p audex-jose --example verify_access_token
//! ```
#![allow(clippy::print_stdout, reason = "an example prints its result")]

use audex_jose::claims::AccessTokenClaims;
use audex_jose::{Algorithm, KeySet, NumericDate, SigningKey, StringOrUri, Validation};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The issuer's key (a real service would load the issuer's JWK Set instead).
    let (key, _pkcs8) = SigningKey::generate(Algorithm::ES256)?;
    let issuer = StringOrUri::new("https://sts.example")?;
    let keys = KeySet::new(vec![key.verifying_key()?]).for_issuer(issuer.clone());

    let now = NumericDate::from_secs(1_900_000_000)?;
    let claims = AccessTokenClaims::from_json_slice(
        br#"{"iss":"https://sts.example","sub":"alice","aud":"order-api","client_id":"portal",
            "exp":1900000300,"iat":1900000000,"jti":"t-1","scope":"orders:read"}"#,
    )?;
    let token = audex_jose::sign_access_token(&claims, &key)?;

    // The resource server "order-api" accepts it...
    let at_orders = Validation::access_token(issuer.clone(), StringOrUri::new("order-api")?);
    let verified = at_orders.verify(&token, &keys, now)?;
    println!(
        "order-api accepts: sub={} scope={:?}",
        verified.claims().sub,
        verified.claims().scope.as_ref().map(ToString::to_string)
    );

    // ... "billing-api" does not: the token was not minted for it.
    let at_billing = Validation::access_token(issuer, StringOrUri::new("billing-api")?);
    match at_billing.verify(&token, &keys, now) {
        Ok(_) => println!("billing-api accepts (this must not happen)"),
        Err(e) => println!(
            "billing-api refuses: {e} (RFC 6750: {})",
            e.www_authenticate(Some("billing-api"))
        ),
    }
    Ok(())
}
