//! `audex serve`: the reference STS, on the embedded demo realm or a policy file.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use audex_claims::StringOrUri;
use audex_policy::Realm;
use audex_server::{KeyRing, ServerConfig, ServerState};

use crate::keys::{pem, read_signing_key, write_private};
use crate::{CmdResult, Failure};

/// The embedded demo realm: the clients of the seed stories, secrets `<id>-secret`.
pub(crate) const DEMO_REALM: &str = include_str!("../realms/demo.toml");

/// Log line format.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// `audex serve`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  audex serve                                     # demo realm, generated key, 127.0.0.1:8080
  audex serve --addr 127.0.0.1:0                  # any free port
  audex serve --policy realm.toml --key new.pem --key old.pem --issuer https://sts.example

Logs go to standard error (RUST_LOG filters them). SIGHUP reloads --policy; a broken
file is refused with its file:line:col and the old realm keeps serving.")]
pub(crate) struct Args {
    /// Realm (policy) file; without it, the embedded demo realm.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Signing key file (PKCS#8 PEM or private JWK); repeat for rotation: the first
    /// signs, the others stay published. Without it, an ES256 key is generated.
    #[arg(long)]
    key: Vec<PathBuf>,
    /// The issuer identifier clients reach (default http://ADDR); also `iss` of tokens.
    #[arg(long)]
    issuer: Option<String>,
    /// Allow the demo realm (public secrets!) on a non-loopback address.
    #[arg(long)]
    insecure_demo: bool,
    /// Log format.
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
    /// Realm name of the Keycloak-compatible paths.
    #[arg(long, default_value = audex_server::DEFAULT_KEYCLOAK_REALM)]
    keycloak_realm: String,
    /// Redis for the state replicas share (client-assertion replay cache, revocation
    /// list); without it, both are in memory (one process).
    #[arg(long, env = "AUDEX_REDIS_URL")]
    redis: Option<String>,
    /// Serve HTTPS with this PEM certificate chain (with --tls-key).
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert (PKCS#8, SEC1 or PKCS#1).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

fn load_realm(policy: Option<&PathBuf>, issuer: &str) -> Result<Realm, Failure> {
    let mut realm = match policy {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| Failure::usage(format!("{}: {e}", p.display())))?;
            Realm::from_toml(&p.display().to_string(), &text)
                .map_err(|e| Failure::verdict(e.to_string()))?
        }
        None => Realm::from_toml("demo.toml", DEMO_REALM)
            .map_err(|e| Failure::usage(format!("embedded demo realm: {e}")))?,
    };
    realm.issuer = StringOrUri::new(issuer.to_owned())
        .map_err(|e| Failure::usage(format!("--issuer: {e}")))?;
    Ok(realm)
}

pub(crate) fn run(args: Args) -> CmdResult {
    init_logs(args.log_format);
    let demo = args.policy.is_none();
    if demo && !args.addr.ip().is_loopback() && !args.insecure_demo {
        return Err(Failure::usage(format!(
            "the demo realm's client secrets are public; refusing to listen on {} (use a loopback address, --policy, or --insecure-demo)",
            args.addr
        )));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("runtime: {e}")))?;
    rt.block_on(serve(args, demo))
}

async fn serve(args: Args, demo: bool) -> CmdResult {
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| Failure::usage(format!("cannot listen on {}: {e}", args.addr)))?;
    let local = listener
        .local_addr()
        .map_err(|e| Failure::usage(e.to_string()))?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(c), Some(k)) => {
            let read = |p: &PathBuf| {
                std::fs::read(p).map_err(|e| Failure::usage(format!("{}: {e}", p.display())))
            };
            let config = audex_server::tls_config(&read(c)?, &read(k)?)
                .map_err(|e| Failure::usage(format!("{} / {}: {e}", c.display(), k.display())))?;
            Some(Arc::new(config))
        }
        _ => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let issuer = args
        .issuer
        .clone()
        .unwrap_or_else(|| format!("{scheme}://{local}"));
    let realm = load_realm(args.policy.as_ref(), &issuer)?;
    let alg = realm.token.algorithm;

    // Keys: given, or generated (and, for the demo, saved where `token mint` finds it).
    let mut demo_dir = None;
    let keys = if args.key.is_empty() {
        let (key, der) = audex_jose::SigningKey::generate(alg).map_err(|e| {
            Failure::usage(format!("cannot generate a {alg} key ({e}); pass --key"))
        })?;
        if demo {
            let dir = tempfile::Builder::new()
                .prefix("audex-demo-")
                .tempdir()
                .map_err(|e| Failure::usage(format!("temporary directory: {e}")))?;
            write_private(&dir.path().join("key.pem"), pem(&der).as_bytes())?;
            demo_dir = Some(dir);
        }
        KeyRing::new(key, Vec::new()).map_err(|e| Failure::usage(e.to_string()))?
    } else {
        let mut loaded = Vec::new();
        for p in &args.key {
            loaded.push(read_signing_key(p, alg)?);
        }
        let active = loaded.remove(0);
        KeyRing::new(active, loaded).map_err(|e| Failure::usage(e.to_string()))?
    };

    let mut config = ServerConfig::new(realm, keys);
    config.keycloak_realm = args.keycloak_realm.clone();
    if let Some(url) = &args.redis {
        let store = Arc::new(
            audex_server::RedisStore::new(url, "audex")
                .map_err(|e| Failure::usage(format!("--redis: {e}")))?,
        );
        config.replay_cache = store.clone();
        config.revocation = store;
    }
    let state = ServerState::new(config).map_err(|e| Failure::usage(e.to_string()))?;
    banner(
        &state,
        &args,
        demo,
        tls.is_some(),
        demo_dir.as_ref().map(|d| d.path().join("key.pem")),
    );

    let reload_state = Arc::clone(&state);
    let policy = args.policy.clone();
    tokio::spawn(reload_on_sighup(reload_state, policy, issuer));

    match tls {
        Some(tls) => audex_server::serve_tls(listener, tls, state, shutdown_signal()).await,
        None => audex_server::serve(listener, state, shutdown_signal()).await,
    }
    .map_err(|e| Failure::usage(format!("server: {e}")))?;
    tracing::info!("shut down");
    drop(demo_dir);
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// SIGHUP: re-read the policy file and swap the realm atomically; a broken file is
/// refused and the old realm keeps serving.
async fn reload_on_sighup(state: Arc<ServerState>, policy: Option<PathBuf>, issuer: String) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            return;
        };
        while hup.recv().await.is_some() {
            let Some(path) = &policy else {
                tracing::info!("SIGHUP: the embedded demo realm does not change");
                continue;
            };
            match load_realm(Some(path), &issuer) {
                Ok(realm) => match state.reload(realm) {
                    Ok(()) => tracing::info!(policy = %path.display(), "realm reloaded"),
                    Err(e) => {
                        tracing::error!(error = %e, "realm reload refused; the old realm keeps serving")
                    }
                },
                Err(Failure::Verdict(e) | Failure::Usage(e)) => {
                    tracing::error!(error = %e, "realm reload refused; the old realm keeps serving");
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (state, policy, issuer);
    }
}

fn banner(state: &ServerState, args: &Args, demo: bool, tls: bool, key_file: Option<PathBuf>) {
    let issuer = state.issuer();
    println!(
        "audex {} — token service at {issuer}",
        env!("CARGO_PKG_VERSION")
    );
    println!();
    for (name, url) in state.endpoints() {
        println!("  {name:<24} {url}");
    }
    println!();
    if demo {
        println!("Demo realm (secrets are public: demo only). Clients and secrets:");
        println!("  client-a / client-a-secret          service-b / service-b-secret");
        println!(
            "  service-c / service-c-secret        backoffice-portal / backoffice-portal-secret"
        );
        println!("  order-status-api / order-status-api-secret   hr-api / hr-api-secret");
        println!("  customer-portal (public, no secret)");
        println!();
        if let Some(key) = key_file {
            let exe = std::env::current_exe()
                .map_or_else(|_| "audex".to_owned(), |p| p.display().to_string());
            let kc = format!(
                "{}/realms/{}/protocol/openid-connect/token",
                issuer.trim_end_matches('/'),
                args.keycloak_realm
            );
            println!("Try it (Alice's token for service-b, then B exchanges it for service-c):");
            println!();
            println!(
                "  TOKEN=$({exe} token mint --key {} --iss {issuer} --sub alice --aud service-b --client-id client-a --scope 'orders:read orders:write')",
                key.display()
            );
            println!("  curl -s -u service-b:service-b-secret {kc} \\");
            println!("    -d grant_type=urn:ietf:params:oauth:grant-type:token-exchange \\");
            println!("    -d subject_token_type=urn:ietf:params:oauth:token-type:access_token \\");
            println!("    -d subject_token=\"$TOKEN\" -d audience=service-c");
            println!();
        }
    } else if !tls && !args.addr.ip().is_loopback() {
        println!(
            "NOTE: listening on {} without TLS: terminate TLS in front of this service and set --issuer to its https URL.",
            args.addr
        );
        println!();
    }
    match &args.redis {
        Some(_) => println!("State store: Redis (shared by replicas)."),
        None => println!("State store: in memory (one process; use --redis for replicas)."),
    }
    println!("Ctrl-C stops (requests in flight finish first).");
}
