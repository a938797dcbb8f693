//! Keys and secrets: `audex keygen`, `audex secret new`, and reading key files.

use std::io::Write;
use std::path::{Path, PathBuf};

use audex_jose::{Algorithm, Jwk, KeyFamily, SigningKey};
use base64::Engine;

use crate::{CmdResult, Failure};

/// Reads a signing key from a file: PKCS#8 (or SEC1 / PKCS#1) PEM, or a private JWK.
/// `alg` is the algorithm a PEM key is used with; a JWK's own `alg` must agree.
pub(crate) fn read_signing_key(path: &Path, alg: Algorithm) -> Result<SigningKey, Failure> {
    let bytes =
        std::fs::read(path).map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
    let key = if bytes.trim_ascii_start().starts_with(b"{") {
        let jwk = Jwk::from_json(&bytes)
            .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
        jwk.signing_key(Some(alg))
    } else {
        SigningKey::from_pkcs8_pem(alg, &bytes)
    };
    key.map_err(|e| Failure::usage(format!("{}: {e}", path.display())))
}

/// A PKCS#8 DER key as PEM.
pub(crate) fn pem(der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::from("-----BEGIN PRIVATE KEY-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str("-----END PRIVATE KEY-----\n");
    out
}

/// Writes `contents` to a new file readable by its owner only (0600).
pub(crate) fn write_private(path: &Path, contents: &[u8]) -> Result<(), Failure> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
    f.write_all(contents)
        .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))
}

/// `audex keygen`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  audex keygen --alg ES256 --out sts.pem > sts.jwk.json")]
pub(crate) struct KeygenArgs {
    /// ES256, ES384, EdDSA or HS256. RSA keys cannot be generated (see below).
    #[arg(long, default_value = "ES256")]
    alg: String,
    /// Write the private key here (mode 0600, must not exist) instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub(crate) fn keygen(args: &KeygenArgs) -> CmdResult {
    let alg = Algorithm::from_name(&args.alg).map_err(|e| Failure::usage(e.to_string()))?;
    if alg.family() == KeyFamily::Rsa {
        return Err(Failure::usage(format!(
            "audex does not generate RSA keys (ring cannot, and audex uses no second crypto backend); make one with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out key.pem` and pass it with --key (used as {alg})"
        )));
    }
    let (key, der) = SigningKey::generate(alg).map_err(|e| Failure::usage(e.to_string()))?;
    if alg.family() == KeyFamily::Hmac {
        let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&der);
        match &args.out {
            Some(p) => write_private(p, secret.as_bytes())?,
            None => println!("{secret}"),
        }
        return Ok(());
    }
    let text = pem(&der);
    match &args.out {
        Some(p) => write_private(p, text.as_bytes())?,
        None => print!("{text}"),
    }
    if let Some(jwk) = key.to_public_jwk() {
        println!("{jwk}");
    }
    Ok(())
}

/// `audex secret …`.
#[derive(clap::Subcommand, Debug)]
pub(crate) enum SecretCommand {
    /// Generate a client secret (256 bits from the OS, URL-safe) and the realm line
    /// that stores its SHA-256.
    ///
    /// The realm stores an unsalted, fast SHA-256 because these secrets are generated
    /// with 256 bits of entropy, never chosen by people: guessing one is as hard as
    /// finding a SHA-256 preimage. Do not hand-write a secret into a realm.
    #[command(after_help = "Example:\n  audex secret new --client service-b")]
    New {
        /// The client the secret is for.
        #[arg(long)]
        client: String,
    },
}

pub(crate) fn secret(cmd: &SecretCommand) -> CmdResult {
    let SecretCommand::New { client } = cmd;
    use ring::rand::SecureRandom;
    let mut b = [0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| Failure::usage("the OS random generator failed"))?;
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let hash: String = ring::digest::digest(&ring::digest::SHA256, secret.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    println!("client_secret for {client} (shown once; store it in the client's secret store):");
    println!("{secret}");
    println!();
    println!("realm entry:");
    println!("[[client]]");
    println!("id = \"{}\"", audex_claims::json::Escaped(client));
    println!("kind = \"confidential\"");
    println!("auth = {{ method = \"client_secret\", secret_sha256 = \"{hash}\" }}");
    Ok(())
}
