//! Interop helper driven by `cargo xtask interop`.
//!
//! ```text
//! interop sign   KEYS.json EXP        -> {"HS256": token, ...} on stdout
//! interop verify KEYS.json TOKENS.json -> {"peer/alg": "ok" | "error: …"} on stdout
//! ```
//! KEYS.json maps each algorithm to a private JWK (with `kid`). Tokens are RFC 9068
//! access tokens for issuer `https://issuer.example` and audience `order-api`.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line helper"
)]

use std::collections::BTreeMap;
use std::process::ExitCode;

use audex_jose::claims::AccessTokenClaims;
use audex_jose::{Algorithm, Jwk, KeySet, NumericDate, StringOrUri, Validation};
use serde_json::{Value, json};

fn main() -> ExitCode {
    match run() {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("interop: {e}");
            ExitCode::FAILURE
        }
    }
}

fn read_json(path: &str) -> Result<Value, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{path}: {e}"))
}

fn keys(path: &str) -> Result<BTreeMap<String, Jwk>, String> {
    let doc = read_json(path)?;
    let obj = doc.as_object().ok_or("keys file must be an object")?;
    obj.iter()
        .map(|(alg, jwk)| {
            Jwk::from_json(jwk.to_string().as_bytes())
                .map(|j| (alg.clone(), j))
                .map_err(|e| format!("{alg}: {e}"))
        })
        .collect()
}

fn run() -> Result<String, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, keys_path, arg) = match args.as_slice() {
        [c, k, a] => (c.as_str(), k.as_str(), a.as_str()),
        _ => return Err("usage: interop sign|verify KEYS.json EXP|TOKENS.json".into()),
    };
    let keys = keys(keys_path)?;
    match cmd {
        "sign" => {
            let exp: u64 = arg.parse().map_err(|_| "EXP must be seconds")?;
            let mut out = serde_json::Map::new();
            for (alg_name, jwk) in &keys {
                let alg = Algorithm::from_name(alg_name).map_err(|e| e.to_string())?;
                let sk = jwk
                    .signing_key(Some(alg))
                    .map_err(|e| format!("{alg}: {e}"))?;
                let claims = AccessTokenClaims::from_json_slice(
                    json!({"iss": "https://issuer.example", "sub": "alice", "aud": ["order-api", "billing-api"],
                           "client_id": "portal", "exp": exp, "iat": exp - 3600, "jti": format!("audex-{alg}"),
                           "scope": "orders:read orders:write"})
                    .to_string()
                    .as_bytes(),
                )
                .map_err(|e| e.to_string())?;
                let token =
                    audex_jose::sign_access_token(&claims, &sk).map_err(|e| e.to_string())?;
                out.insert(alg_name.clone(), Value::String(token));
            }
            Ok(Value::Object(out).to_string())
        }
        "verify" => {
            let tokens = read_json(arg)?;
            let now = NumericDate::from_system_time(std::time::SystemTime::now())
                .map_err(|e| e.to_string())?;
            let validation = Validation::access_token(
                StringOrUri::new("https://issuer.example").map_err(|e| e.to_string())?,
                StringOrUri::new("order-api").map_err(|e| e.to_string())?,
            );
            let mut out = serde_json::Map::new();
            for (peer, by_alg) in tokens.as_object().ok_or("tokens must be an object")? {
                for (alg_name, token) in by_alg
                    .as_object()
                    .ok_or("tokens per peer must be an object")?
                {
                    let alg = Algorithm::from_name(alg_name).map_err(|e| e.to_string())?;
                    let jwk = keys.get(alg_name).ok_or(format!("no key for {alg_name}"))?;
                    let vk = jwk.verifying_key_for(alg).map_err(|e| e.to_string())?;
                    let set = KeySet::new(vec![vk]);
                    let verdict =
                        match validation.verify(token.as_str().unwrap_or_default(), &set, now) {
                            Ok(v) if v.claims().sub.as_str() == "alice" => "ok".to_owned(),
                            Ok(_) => "error: wrong sub".to_owned(),
                            Err(e) => format!("error: {e}"),
                        };
                    out.insert(format!("{peer}/{alg_name}"), Value::String(verdict));
                }
            }
            Ok(Value::Object(out).to_string())
        }
        other => Err(format!("unknown command {other}")),
    }
}
