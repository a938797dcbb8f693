//! `audex token mint | inspect | verify`.

use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use audex_claims::{AccessTokenClaims, Actor, ActorIdentity, NumericDate, StringOrUri};
use audex_jose::{Algorithm, KeySet, Validation};
use base64::Engine;
use serde_json::{Value, json};

use crate::keys::read_signing_key;
use crate::{CmdResult, Failure};

/// Largest token read from standard input (the verifier's own limit is lower).
const MAX_STDIN_TOKEN: u64 = 1024 * 1024;

/// `audex token …`.
#[derive(clap::Subcommand, Debug)]
pub(crate) enum Command {
    /// Mint a signed RFC 9068 access token for local testing.
    #[command(
        after_help = "Example:\n  audex token mint --key key.pem --sub alice --aud service-b --client-id client-a --scope 'orders:read orders:write'"
    )]
    Mint(MintArgs),
    /// Decode a token WITHOUT verifying it (`-` reads standard input).
    #[command(after_help = "Example:\n  audex token inspect \"$TOKEN\"")]
    Inspect {
        /// The token, or `-` for standard input.
        token: String,
    },
    /// Verify a JWT: exit 0 and the claims as JSON, or exit 1 and the failed check.
    #[command(
        after_help = "Example:\n  audex token verify --jwks jwks.json --iss http://127.0.0.1:8080 --aud service-c - < token.txt"
    )]
    Verify(VerifyArgs),
}

#[derive(clap::Args, Debug)]
pub(crate) struct MintArgs {
    /// Signing key (PKCS#8 PEM or private JWK).
    #[arg(long)]
    key: PathBuf,
    /// Algorithm of a PEM key.
    #[arg(long, default_value = "ES256")]
    alg: String,
    /// `sub`.
    #[arg(long)]
    sub: String,
    /// `aud` (repeat for several).
    #[arg(long, required = true)]
    aud: Vec<String>,
    /// `scope`, space-separated.
    #[arg(long)]
    scope: Option<String>,
    /// `client_id` (and `azp`).
    #[arg(long, default_value = "audex-cli")]
    client_id: String,
    /// `iss`.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    iss: String,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 600)]
    ttl: u64,
    /// `act` chain, current actor first (repeat).
    #[arg(long)]
    act: Vec<String>,
}

#[derive(clap::Args, Debug)]
pub(crate) struct VerifyArgs {
    /// JWK Set file of the issuer.
    #[arg(long)]
    jwks: PathBuf,
    /// Expected issuer.
    #[arg(long)]
    iss: String,
    /// Expected audience (the verifier's own identifier).
    #[arg(long)]
    aud: String,
    /// Profile: `at+jwt` (RFC 9068 access token) or `jwt`.
    #[arg(long, default_value = "at+jwt")]
    profile: String,
    /// Clock-skew leeway in seconds.
    #[arg(long, default_value_t = 60)]
    leeway: u64,
    /// Verify as of this instant (Unix seconds) instead of now.
    #[arg(long)]
    now: Option<u64>,
    /// The token, or `-` for standard input.
    token: String,
}

pub(crate) fn run(cmd: Command) -> CmdResult {
    match cmd {
        Command::Mint(a) => mint(&a),
        Command::Inspect { token } => inspect(&read_token(&token)?),
        Command::Verify(a) => verify(&a),
    }
}

/// The token argument, or standard input for `-` (trimmed).
pub(crate) fn read_token(arg: &str) -> Result<String, Failure> {
    if arg != "-" {
        return Ok(arg.trim().to_owned());
    }
    let mut s = String::new();
    std::io::stdin()
        .take(MAX_STDIN_TOKEN)
        .read_to_string(&mut s)
        .map_err(|e| Failure::usage(format!("standard input: {e}")))?;
    Ok(s.trim().to_owned())
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn sou(what: &str, v: &str) -> Result<StringOrUri, Failure> {
    StringOrUri::new(v.to_owned()).map_err(|e| Failure::usage(format!("{what}: {e}")))
}

fn mint(a: &MintArgs) -> CmdResult {
    let alg = Algorithm::from_name(&a.alg).map_err(|e| Failure::usage(e.to_string()))?;
    let key = read_signing_key(&a.key, alg)?;
    let now = unix_now();
    let jti = {
        use ring::rand::SecureRandom;
        let mut b = [0u8; 16];
        ring::rand::SystemRandom::new()
            .fill(&mut b)
            .map_err(|_| Failure::usage("the OS random generator failed"))?;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    };
    let mut act: Option<Actor> = None;
    for sub in a.act.iter().rev() {
        act = Some(Actor::delegate(
            ActorIdentity::subject(sou("--act", sub)?),
            act,
        ));
    }
    let aud = match a.aud.as_slice() {
        [one] => json!(one),
        many => json!(many),
    };
    let mut c = serde_json::Map::new();
    for (k, v) in [
        ("iss", json!(a.iss)),
        ("sub", json!(a.sub)),
        ("aud", aud),
        ("client_id", json!(a.client_id)),
        ("azp", json!(a.client_id)),
        ("iat", json!(now)),
        ("exp", json!(now.saturating_add(a.ttl))),
        ("jti", json!(jti)),
    ] {
        c.insert(k.to_owned(), v);
    }
    if let Some(s) = &a.scope {
        c.insert("scope".into(), json!(s));
    }
    if let Some(act) = &act {
        c.insert("act".into(), act.to_json());
    }
    let c = Value::Object(c);
    let claims = AccessTokenClaims::from_json_slice(c.to_string().as_bytes())
        .map_err(|e| Failure::usage(format!("claims: {e}")))?;
    let token = audex_jose::sign_access_token(&claims, &key)
        .map_err(|e| Failure::usage(format!("signing: {e}")))?;
    println!("{token}");
    Ok(())
}

fn b64_json(part: &str, what: &str) -> Result<Value, Failure> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|e| Failure::verdict(format!("{what} is not base64url: {e}")))?;
    let obj = audex_claims::json::parse_object(&bytes, audex_claims::JsonLimits::default())
        .map_err(|e| Failure::verdict(format!("{what} is not a JSON object: {e}")))?;
    Ok(Value::Object(obj))
}

fn date(v: &Value) -> String {
    let Some(secs) = v.as_f64() else {
        return v.to_string();
    };
    if !(0.0..253_402_300_800.0).contains(&secs) {
        return v.to_string();
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "range checked above"
    )]
    let t = UNIX_EPOCH + Duration::from_secs(secs as u64);
    let now = unix_now();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "range checked above"
    )]
    let secs = secs as u64;
    let rel = if secs >= now {
        format!(
            "in {}",
            humantime::format_duration(Duration::from_secs(secs - now))
        )
    } else {
        format!(
            "{} ago",
            humantime::format_duration(Duration::from_secs(now - secs))
        )
    };
    format!("{v} ({}, {rel})", humantime::format_rfc3339_seconds(t))
}

fn act_tree(v: &Value, depth: usize, out: &mut String) {
    let mut current = Some(v);
    let mut d = depth;
    while let Some(a) = current {
        let who = ["sub", "client_id", "iss"]
            .iter()
            .filter_map(|k| a.get(k).map(|x| format!("{k}={x}")))
            .collect::<Vec<_>>()
            .join(" ");
        out.push_str(&format!("{}└─ {who}\n", "   ".repeat(d)));
        current = a.get("act");
        d += 1;
        if d > audex_claims::MAX_ACTOR_DEPTH + 1 {
            out.push_str("   … (deeper than audex accepts)\n");
            break;
        }
    }
}

fn inspect(token: &str) -> CmdResult {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Failure::verdict(
            "not a compact JWS (three dot-separated parts)",
        ));
    };
    let header = b64_json(h, "header")?;
    let claims = b64_json(p, "payload")?;
    let mut out = String::from("UNVERIFIED — decoded only; nothing here is checked or trusted\n\n");
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    out.push_str(&format!("header:\n{}\n\n", pretty(&header)));
    out.push_str(&format!("claims:\n{}\n\n", pretty(&claims)));
    for k in ["aud", "scope", "azp", "client_id"] {
        if let Some(v) = claims.get(k) {
            out.push_str(&format!("{k:<10} {v}\n"));
        }
    }
    for k in ["iat", "nbf", "exp"] {
        if let Some(v) = claims.get(k) {
            out.push_str(&format!("{k:<10} {}\n", date(v)));
        }
    }
    if let Some(act) = claims.get("act") {
        out.push_str("act chain (current actor first):\n");
        act_tree(act, 0, &mut out);
    }
    print!(
        "{}",
        audex_claims::json::Escaped(&out)
            .to_string()
            .replace("\\u{a}", "\n")
    );
    Ok(())
}

fn verify(a: &VerifyArgs) -> CmdResult {
    let token = read_token(&a.token)?;
    let jwks =
        std::fs::read(&a.jwks).map_err(|e| Failure::usage(format!("{}: {e}", a.jwks.display())))?;
    let iss = sou("--iss", &a.iss)?;
    let keys = KeySet::from_jwks(&jwks)
        .map_err(|e| Failure::usage(format!("{}: {e}", a.jwks.display())))?
        .for_issuer(iss.clone());
    let now = NumericDate::from_secs(a.now.unwrap_or_else(unix_now))
        .map_err(|e| Failure::usage(format!("--now: {e}")))?;
    let leeway = Duration::from_secs(a.leeway);
    let aud = sou("--aud", &a.aud)?;
    let claims = match a.profile.as_str() {
        "at+jwt" => Validation::access_token(iss, aud)
            .leeway(leeway)
            .verify(&token, &keys, now)
            .map(|v| serde_json::to_value(v.claims()).unwrap_or(Value::Null)),
        "jwt" => Validation::jwt()
            .issuer(iss)
            .audience(aud)
            .leeway(leeway)
            .verify(&token, &keys, now)
            .map(|v| serde_json::to_value(v.claims()).unwrap_or(Value::Null)),
        other => {
            return Err(Failure::usage(format!(
                "--profile {other}: use at+jwt or jwt"
            )));
        }
    }
    .map_err(|e| Failure::verdict(format!("invalid token: {e}")))?;
    println!(
        "{}",
        serde_json::to_string_pretty(&claims).unwrap_or_default()
    );
    Ok(())
}
