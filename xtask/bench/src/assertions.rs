//! `audex-bench assertions ISSUER CLIENT_ID COUNT FILE...`: a fresh ES256 client key
//! (its public JWK on stdout) and, in each FILE, COUNT `client_credentials` form bodies
//! authenticated with `private_key_jwt` — one assertion per line, each with its own
//! `jti`, so that a load generator never replays one (a replay is refused, DIST-1).

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use audex_jose::{Algorithm, SigningKey};

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(crate) fn run(args: &[String]) {
    let [issuer, client, count, files @ ..] = args else {
        eprintln!("usage: audex-bench assertions ISSUER CLIENT_ID COUNT FILE...");
        std::process::exit(2);
    };
    let count: usize = count.parse().expect("COUNT");
    let (key, _) = SigningKey::generate(Algorithm::ES256).expect("generate");
    let kid = key.thumbprint().to_owned();
    let key = key.with_kid(kid);
    println!("{}", key.to_public_jwk().expect("jwk"));
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs();
    for (f, path) in files.iter().enumerate() {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
        for i in 0..count {
            let claims = serde_json::json!({
                "iss": client, "sub": client, "aud": issuer,
                "iat": now, "exp": now + 280, "jti": format!("bench-{now}-{f}-{i}"),
            });
            let a = audex_jose::sign_jwt(&claims, &key, Some("client-authentication+jwt"))
                .expect("sign");
            writeln!(
                out,
                "grant_type=client_credentials&audience=service-c&client_assertion_type={}&client_assertion={}",
                enc("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                a
            )
            .expect("write");
        }
    }
}
