//! Small helpers shared by the xtask commands.

use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) type Result<T> = std::result::Result<T, String>;

/// The workspace root (the parent of `xtask/`).
pub(crate) fn project_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map_or(manifest.clone(), Path::to_path_buf)
}

/// Runs a command in `dir`, inheriting stdio; fails when it exits non-zero.
pub(crate) fn run(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<()> {
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start `{program}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

/// Runs a command and returns its stdout, or `None` when it cannot run or fails.
pub(crate) fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A free TCP port on 127.0.0.1 (bound, read, released).
pub(crate) fn free_port() -> Result<u16> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// Reads a starting `audex serve`'s banner (its stdout, piped) up to the `Ctrl-C` line
/// and returns the demo key file the banner's `token mint --key …` line names.
pub(crate) fn demo_key_from_banner(child: &mut std::process::Child) -> Result<String> {
    use std::io::BufRead;
    let stdout = child.stdout.take().ok_or("no stdout from audex serve")?;
    let mut key = None;
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if let Some((_, rest)) = line.split_once("--key ") {
            key = rest.split_whitespace().next().map(str::to_owned);
        }
        if line.starts_with("Ctrl-C") {
            break;
        }
    }
    key.ok_or_else(|| "the banner names no demo key".to_owned())
}

/// The arguments of `cargo` that run binary `bin` of the benchmark crate (its own
/// workspace, release build) with `args`.
pub(crate) fn bench_crate_args<'a>(bin: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec![
        "run",
        "--release",
        "--quiet",
        "--manifest-path",
        "xtask/bench/Cargo.toml",
        "--bin",
        bin,
        "--",
    ];
    all.extend_from_slice(args);
    all
}

/// A subject token for the A → B → C story: Alice's token for `service-b`, from
/// `client-a`, minted by `audex token mint` with `key` as `issuer`.
pub(crate) fn mint_subject(exe: &str, key: &str, issuer: &str) -> Result<String> {
    output(
        exe,
        &[
            "token",
            "mint",
            "--key",
            key,
            "--iss",
            issuer,
            "--sub",
            "alice",
            "--aud",
            "service-b",
            "--client-id",
            "client-a",
            "--scope",
            "orders:read orders:write",
            "--ttl",
            "3600",
        ],
    )
    .map(|t| t.trim().to_owned())
    .ok_or_else(|| "audex token mint failed".to_owned())
}
