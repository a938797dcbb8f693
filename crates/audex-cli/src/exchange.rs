//! `audex exchange` (RFC 8693 against any authorization server, through audex-client)
//! and `audex jws verify` (signature only).

use std::path::PathBuf;
use std::sync::Arc;

use audex_client::{ClientAuth, ClientError, HttpSettings, TokenClient};
use audex_exchange::{ResourceUri, Secret, TokenExchangeRequest, TokenType};
use audex_jose::{Algorithm, Jwk, KeySet};

use crate::keys::read_signing_key;
use crate::{CmdResult, Failure};

/// `audex exchange`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Example:
  SECRET=service-b-secret audex exchange --issuer http://127.0.0.1:8080 --client-id service-b \\
    --client-secret-env SECRET --subject-token \"$TOKEN\" --audience service-c

Exit codes: 0 the token response (JSON) on stdout; 1 the server said no (error: description);
2 usage, transport or an invalid answer.")]
pub(crate) struct ExchangeArgs {
    /// The authorization server's issuer identifier (discovery, RFC 8414).
    #[arg(long)]
    issuer: String,
    /// The client id.
    #[arg(long)]
    client_id: String,
    /// Environment variable holding the client secret (client_secret_basic).
    #[arg(long, conflicts_with = "key")]
    client_secret_env: Option<String>,
    /// Private key for private_key_jwt (PKCS#8 PEM or JWK).
    #[arg(long)]
    key: Option<PathBuf>,
    /// Algorithm of a PEM key.
    #[arg(long, default_value = "ES256")]
    alg: String,
    /// The subject token, or `-` for standard input.
    #[arg(long)]
    subject_token: String,
    /// Its type URI.
    #[arg(long, default_value = TokenType::ACCESS_TOKEN)]
    subject_token_type: String,
    /// An actor token (delegation).
    #[arg(long)]
    actor_token: Option<String>,
    /// Where the new token is for, and with which scope.
    #[command(flatten)]
    target: TargetArgs,
    /// `requested_token_type`.
    #[arg(long)]
    requested_token_type: Option<String>,
}

/// `--audience`, `--resource` and `--scope` of an exchange (`audex exchange` and
/// `audex policy explain`).
#[derive(clap::Args, Debug)]
pub(crate) struct TargetArgs {
    /// `audience` (repeat).
    #[arg(long)]
    audience: Vec<String>,
    /// `resource` (repeat; absolute URIs).
    #[arg(long)]
    resource: Vec<String>,
    /// `scope`.
    #[arg(long)]
    scope: Option<String>,
}

impl TargetArgs {
    /// Adds the targets and scope to `req`; a malformed resource or scope is a usage
    /// error naming the flag.
    pub(crate) fn apply(
        &self,
        mut req: TokenExchangeRequest,
    ) -> Result<TokenExchangeRequest, Failure> {
        for aud in &self.audience {
            req = req.audience(aud.clone());
        }
        for r in &self.resource {
            req = req.resource(
                ResourceUri::new(r.clone())
                    .map_err(|e| Failure::usage(format!("--resource {r}: {e}")))?,
            );
        }
        if let Some(s) = &self.scope {
            req = req.scope(
                audex_claims::Scope::parse(s)
                    .map_err(|e| Failure::usage(format!("--scope: {e}")))?,
            );
        }
        Ok(req)
    }
}

fn usage(e: impl std::fmt::Display) -> Failure {
    Failure::usage(e.to_string())
}

pub(crate) fn exchange(a: &ExchangeArgs) -> CmdResult {
    let auth = if let Some(var) = &a.client_secret_env {
        let secret = std::env::var(var)
            .map_err(|_| Failure::usage(format!("environment variable {var} is not set")))?;
        ClientAuth::SecretBasic {
            client_id: a.client_id.clone(),
            secret: Secret::new(secret),
        }
    } else if let Some(key) = &a.key {
        let alg = Algorithm::from_name(&a.alg).map_err(usage)?;
        ClientAuth::PrivateKeyJwt {
            client_id: a.client_id.clone(),
            key: Arc::new(read_signing_key(key, alg)?),
        }
    } else {
        ClientAuth::None {
            client_id: a.client_id.clone(),
        }
    };
    let subject = crate::token::read_token(&a.subject_token)?;
    let ty = |s: &str| TokenType::parse(s).map_err(|e| Failure::usage(format!("{s}: {e}")));
    let mut req = TokenExchangeRequest::new(subject, ty(&a.subject_token_type)?);
    if let Some(t) = &a.actor_token {
        req = req.actor(crate::token::read_token(t)?, TokenType::AccessToken);
    }
    req = a.target.apply(req)?;
    if let Some(t) = &a.requested_token_type {
        req = req.requested_token_type(ty(t)?);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(usage)?;
    let result = rt.block_on(async {
        let client = TokenClient::discover(&a.issuer, auth, &HttpSettings::default()).await?;
        client.exchange(&req).await
    });
    match result {
        Ok(r) => {
            println!("{}", r.to_json());
            Ok(())
        }
        Err(ClientError::Refused { error, .. }) => Err(Failure::verdict(format!(
            "{}: {}",
            error.error,
            error.error_description.as_deref().unwrap_or("")
        ))),
        Err(e) => Err(Failure::usage(e.to_string())),
    }
}

/// `audex jws …`.
#[derive(clap::Subcommand, Debug)]
pub(crate) enum JwsCommand {
    /// Verify a compact JWS signature only (any payload): exit 0 and the payload, or 1.
    #[command(after_help = "Example:\n  audex jws verify --jwk key.json \"$JWS\"")]
    Verify {
        /// A public JWK file (its `alg`, or --alg, picks the algorithm).
        #[arg(long, conflicts_with = "jwks")]
        jwk: Option<PathBuf>,
        /// A JWK Set file.
        #[arg(long)]
        jwks: Option<PathBuf>,
        /// The algorithm, for a JWK without `alg`.
        #[arg(long)]
        alg: Option<String>,
        /// The JWS, or `-` for standard input.
        token: String,
    },
}

pub(crate) fn jws(cmd: &JwsCommand) -> CmdResult {
    let JwsCommand::Verify {
        jwk,
        jwks,
        alg,
        token,
    } = cmd;
    let read =
        |p: &PathBuf| std::fs::read(p).map_err(|e| Failure::usage(format!("{}: {e}", p.display())));
    let keys = match (jwk, jwks) {
        (Some(p), _) => {
            let j = Jwk::from_json(&read(p)?)
                .map_err(|e| Failure::usage(format!("{}: {e}", p.display())))?;
            let key = match alg {
                Some(a) => j.verifying_key_for(Algorithm::from_name(a).map_err(usage)?),
                None => j.verifying_key(),
            }
            .map_err(|e| Failure::usage(format!("{}: {e}", p.display())))?;
            KeySet::new(vec![key])
        }
        (None, Some(p)) => KeySet::from_jwks(&read(p)?)
            .map_err(|e| Failure::usage(format!("{}: {e}", p.display())))?,
        (None, None) => return Err(Failure::usage("give --jwk FILE or --jwks FILE")),
    };
    let token = crate::token::read_token(token)?;
    let v = audex_jose::verify_compact(&token, &keys)
        .map_err(|e| Failure::verdict(format!("invalid signature or JWS: {e}")))?;
    match std::str::from_utf8(v.payload()) {
        Ok(text) => println!("{}", audex_claims::json::Escaped(text)),
        Err(_) => println!("({} bytes of binary payload)", v.payload().len()),
    }
    Ok(())
}
