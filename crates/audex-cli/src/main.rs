//! `audex`: run the reference token-exchange STS and work with tokens, keys, secrets
//! and policies.
//!
//! Exit codes everywhere: 0 success, 1 a negative verdict (a token that does not
//! verify, a policy that does not load, a server's "no"), 2 a usage or I/O error.
//! Errors are one line on standard error.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool reports on the terminal"
)]

mod demo;
mod exchange;
mod keys;
mod policy;
mod serve;
mod token;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  audex serve                                   # the STS on 127.0.0.1:8080 with the demo realm
  audex serve --policy realm.toml --key sts.pem --issuer https://sts.example
  audex token mint --key key.pem --sub alice --aud service-b --scope orders:read
  audex token verify --jwks jwks.json --iss http://127.0.0.1:8080 --aud service-c -
  audex policy check realm.toml

Exit codes: 0 success, 1 a negative verdict, 2 a usage or I/O error.";

/// OAuth 2.0 token exchange (RFC 8693) and audience handling, done strictly.
#[derive(Parser, Debug)]
#[command(name = "audex", version, about, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the reference security token service.
    Serve(serve::Args),
    /// Run the A → B → C story end to end over real HTTP and narrate it.
    Demo(demo::Args),
    /// Mint, inspect and verify tokens.
    #[command(subcommand)]
    Token(token::Command),
    /// Generate a signing key (PKCS#8 PEM) and print its public JWK.
    Keygen(keys::KeygenArgs),
    /// Client secrets.
    #[command(subcommand)]
    Secret(keys::SecretCommand),
    /// Check realm (policy) files.
    #[command(subcommand)]
    Policy(policy::Command),
    /// Exchange a token (RFC 8693) at any authorization server.
    Exchange(exchange::ExchangeArgs),
    /// Work with any compact JWS.
    #[command(subcommand)]
    Jws(exchange::JwsCommand),
    /// Print a shell completion script.
    #[command(after_help = "Example:\n  audex completions bash > /etc/bash_completion.d/audex")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// How a command failed, and so which exit code it gets.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A negative verdict: exit 1.
    Verdict(String),
    /// A usage or I/O error: exit 2.
    Usage(String),
}

impl Failure {
    pub(crate) fn usage(msg: impl Into<String>) -> Self {
        Self::Usage(msg.into())
    }

    pub(crate) fn verdict(msg: impl Into<String>) -> Self {
        Self::Verdict(msg.into())
    }
}

pub(crate) type CmdResult = Result<(), Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Demo(args) => demo::run(&args),
        Command::Token(cmd) => token::run(cmd),
        Command::Keygen(args) => keys::keygen(&args),
        Command::Secret(cmd) => keys::secret(&cmd),
        Command::Policy(cmd) => policy::run(cmd),
        Command::Exchange(args) => exchange::exchange(&args),
        Command::Jws(cmd) => exchange::jws(&cmd),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "audex", &mut std::io::stdout());
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Verdict(m)) => {
            eprintln!("{}", one_line(&m));
            ExitCode::from(1)
        }
        Err(Failure::Usage(m)) => {
            eprintln!("audex: error: {}", one_line(&m));
            ExitCode::from(2)
        }
    }
}

/// A message on one line, outside bytes escaped.
fn one_line(m: &str) -> String {
    audex_claims::json::Escaped(m).to_string()
}
