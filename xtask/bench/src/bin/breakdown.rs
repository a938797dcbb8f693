use audex_jose::claims::{
    AccessTokenClaims, ParseOptions,
    json::{JsonLimits, parse_object},
};
use std::hint::black_box;
use std::time::Instant;
fn t<R>(name: &str, mut f: impl FnMut() -> R) {
    for _ in 0..20000 {
        black_box(f());
    }
    let n = 400000;
    let s = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    println!(
        "{name:<40} {:>8.0} ns",
        s.elapsed().as_nanos() as f64 / n as f64
    );
}
fn main() {
    let claims = br#"{"iss":"https://sts.example.com","sub":"248289761001-alice@example.com","aud":["https://api.example.com/orders","https://api.example.com/billing"],"exp":1900086400,"iat":1900000000,"scope":"orders:read orders:write billing:read profile","client_id":"s6BhdRkqt3-customer-portal","jti":"7f3c0a4e-5b1d-4c1e-9a2f-0d6b8e1c2a94"}"#;
    let header = br#"{"alg":"HS256","typ":"at+jwt","kid":"bench-key"}"#;
    let hb = audex_jose::b64::encode(header);
    let pb = audex_jose::b64::encode(claims);
    t("b64 decode header", || {
        audex_jose::b64::decode(hb.as_bytes())
    });
    t("b64 decode payload", || {
        audex_jose::b64::decode(pb.as_bytes())
    });
    t("parse_object header", || {
        parse_object(header, JsonLimits::default())
    });
    t("parse_object claims", || {
        parse_object(claims, JsonLimits::default())
    });
    t("serde_json Value claims", || {
        serde_json::from_slice::<serde_json::Value>(claims)
    });
    let m = parse_object(claims, JsonLimits::default()).unwrap();
    t("AccessTokenClaims::from_map (clone incl)", || {
        AccessTokenClaims::from_map(m.clone(), &ParseOptions::strict())
    });
    t("map clone", || m.clone());
    t("StringOrUri strict https", || {
        audex_jose::StringOrUri::new("https://api.example.com/orders")
    });
    t("Scope parse", || {
        audex_jose::Scope::parse("orders:read orders:write billing:read profile")
    });
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &[1u8; 32]);
    let input = format!("{hb}.{pb}");
    let tag = ring::hmac::sign(&key, input.as_bytes());
    t("hmac verify", || {
        ring::hmac::verify(&key, input.as_bytes(), tag.as_ref())
    });
}
