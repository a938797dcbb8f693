use audex_jose::claims::AccessTokenClaims;
use audex_jose::{Algorithm, KeySet, NumericDate, SigningKey, StringOrUri, Validation};
fn main() {
    let claims = br#"{"iss":"https://sts.example.com","sub":"248289761001-alice@example.com","aud":["https://api.example.com/orders","https://api.example.com/billing"],"exp":1900086400,"iat":1900000000,"scope":"orders:read orders:write billing:read profile","client_id":"s6BhdRkqt3-customer-portal","jti":"7f3c0a4e-5b1d-4c1e-9a2f-0d6b8e1c2a94"}"#;
    let at = AccessTokenClaims::from_json_slice(claims).unwrap();
    let k = SigningKey::hmac(Algorithm::HS256, &[7u8; 32])
        .unwrap()
        .with_kid("bench-key");
    let token = audex_jose::sign_access_token(&at, &k).unwrap();
    let keys = KeySet::new(vec![k.verifying_key().unwrap()]);
    let v = Validation::access_token(
        StringOrUri::new("https://sts.example.com").unwrap(),
        StringOrUri::new("https://api.example.com/orders").unwrap(),
    );
    let now = NumericDate::from_secs(1_900_000_100).unwrap();
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20000);
    let mut ok = 0;
    for _ in 0..n {
        if v.verify(std::hint::black_box(&token), &keys, now).is_ok() {
            ok += 1;
        }
    }
    assert_eq!(ok, n);
}
