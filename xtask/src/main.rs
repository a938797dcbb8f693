//! audex project automation, in the rust-analyzer style: `cargo xtask <command>`.
//!
//! ```text
//! cargo xtask ci                         fmt, clippy, tests, docs, conformance, fuzz smoke
//! cargo xtask conformance [--write]      check (or rewrite) docs/CONFORMANCE.md against test markers
//! cargo xtask fuzz [--smoke] [--time SECS] [TARGET]
//! cargo xtask interop                   JWT interop with PyJWT, jwcrypto, npm jose
//! cargo xtask bench [jose] [ALG]         audex-jose against its peers and the ring floor
//! cargo xtask bench policy|stages        policy decisions; where an HS256 verify spends its time
//! cargo xtask bench sts [--replicas 2 --redis]   the token service (vs authgent-server; replicas vs one)
//! cargo xtask bench guard                an axum handler with and without audex-guard
//! ```
//!
//! Only `std` is used, so the tool builds in seconds on a fresh machine.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool reports on the terminal"
)]

mod bench_sts;
mod conformance;
mod fuzz;
mod interop;
mod util;

use std::process::ExitCode;

use util::{Result, project_root, run};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  ci                              everything CI checks: prerequisites (redis-server), fmt,
                                  clippy, tests, cargo deny, cargo package, docs,
                                  conformance, interop, fuzz smoke
  conformance [--write]           check docs/CONFORMANCE.md against `// conformance:` markers;
                                  --write refreshes its tests column
  fuzz [--smoke] [--time SECS] [TARGET]
                                  run the cargo-fuzz targets (nightly); --smoke: ~20 s each
  interop                         JWT interop both ways with PyJWT, jwcrypto and npm jose
  bench [jose] [ALG]              audex-jose vs jsonwebtoken, jwt-simple and the ring floor
  bench policy                    policy decisions from 10 to 10,000 clients and targets
  bench stages                    the stages of one HS256 access-token verify, timed apart
  bench sts                       exchanges/s, p50/p99, start-up and RSS of `audex serve`,
                                  side by side with authgent-server
  bench sts --replicas 2 --redis  one replica in memory vs two sharing Redis
                                  (wrk on another core) against the ring crypto bound
  bench guard                     an axum handler with and without audex-guard, per-request
                                  cost against one ring ES256 verify
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("conformance") => conformance::run(args.iter().any(|a| a == "--write")),
        Some("fuzz") => fuzz::run(args.get(1..).unwrap_or_default()),
        Some("interop") => interop::run(),
        Some("bench") => bench(args.get(1..).unwrap_or_default()),
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn ci() -> Result<()> {
    let root = project_root();
    let started = std::time::Instant::now();
    step("prerequisites");
    prerequisites()?;
    step("cargo fmt --check");
    run(&root, "cargo", &["fmt", "--all", "--check"], &[])?;
    step("cargo clippy");
    run(
        &root,
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    step("cargo test");
    run(&root, "cargo", &["test", "--workspace", "--locked"], &[])?;
    step("cargo deny (bans, licenses, sources)");
    deny(&root)?;
    step("cargo package (library and binary crates)");
    clear_package_overlays();
    run(
        &root,
        "cargo",
        &[
            "package",
            "--workspace",
            "--exclude",
            "xtask",
            "--locked",
            "--quiet",
            "--allow-dirty",
        ],
        &[],
    )?;
    step("cargo doc");
    run(
        &root,
        "cargo",
        &["doc", "--workspace", "--no-deps", "--locked"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    step("conformance");
    conformance::run(false)?;
    step("interop");
    interop::run()?;
    step("fuzz smoke");
    fuzz::run(&["--smoke".to_owned()])?;
    println!("\nxtask ci: all checks passed in {:.0?}", started.elapsed());
    Ok(())
}

/// Runs the benchmark crate (its own workspace, so peer crates stay out of the
/// library dependency trees) in release mode.
fn bench(args: &[String]) -> Result<()> {
    if args.first().is_some_and(|a| a == "sts") {
        return bench_sts::run(args.get(1..).unwrap_or_default());
    }
    if args.first().is_some_and(|a| a == "guard") {
        return bench_sts::run_guard();
    }
    let root = project_root();
    let cmd: Vec<&str> = if args.first().is_some_and(|a| a == "stages") {
        util::bench_crate_args("stages", &[])
    } else {
        let mut rest: Vec<&str> = args.iter().map(String::as_str).collect();
        if rest.is_empty() {
            rest.push("jose");
        }
        util::bench_crate_args("audex-bench", &rest)
    };
    run(&root, "cargo", &cmd, &[])
}

/// `cargo package --workspace` verifies each crate against a temporary registry of the
/// others, extracted under `$CARGO_HOME/registry/src/-<hash>/`. Cargo reuses an
/// extraction with the same name and version, so a second run on one machine would
/// compile against the first run's sources (a stale `audex-claims 0.1.0`), and its
/// build cache in `target/package` would keep the stale artefacts (registry crates are
/// fingerprinted by version, not by content). Both are removed first: the extractions of
/// our own crates only (crates.io's are left alone) and `target/package`.
fn clear_package_overlays() {
    let target = project_root().join("target");
    let _ = std::fs::remove_dir_all(target.join("package"));
    // Verification builds into target/debug: drop the artefacts of our crates built
    // from such a temporary registry (their dep-info names a `registry/src/-…` path).
    let deps = target.join("debug/deps");
    for entry in std::fs::read_dir(&deps).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".d").filter(|n| n.starts_with("audex_")) else {
            continue;
        };
        let from_overlay =
            std::fs::read_to_string(entry.path()).is_ok_and(|d| d.contains("/registry/src/-"));
        let Some((krate, hash)) = stem.rsplit_once('-').filter(|_| from_overlay) else {
            continue;
        };
        let _ = std::fs::remove_dir_all(
            target
                .join("debug/.fingerprint")
                .join(format!("{}-{hash}", krate.replace('_', "-"))),
        );
        for artefact in std::fs::read_dir(&deps).into_iter().flatten().flatten() {
            if artefact.file_name().to_string_lossy().contains(hash) {
                let _ = std::fs::remove_file(artefact.path());
            }
        }
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cargo")));
    let Some(src) = home.map(|h| h.join("registry/src")) else {
        return;
    };
    let Ok(registries) = std::fs::read_dir(&src) else {
        return;
    };
    for registry in registries.flatten() {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for krate in std::fs::read_dir(registry.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if krate.file_name().to_string_lossy().starts_with("audex-") {
                let _ = std::fs::remove_dir_all(krate.path());
            }
        }
    }
}

/// Version of cargo-deny the project installs into `.tools/`.
const CARGO_DENY_VERSION: &str = "0.20.2";

/// Runs `cargo deny check bans licenses sources` (deny.toml), installing cargo-deny
/// into the project-local `.tools/` when it is missing. Advisories need GitHub, which
/// CI cannot reach: deny.toml says how to run them elsewhere.
fn deny(root: &std::path::Path) -> Result<()> {
    let tools = root.join(".tools");
    let bin = tools.join("bin/cargo-deny");
    if !bin.exists() {
        println!(
            "cargo-deny: installing {CARGO_DENY_VERSION} into {}",
            tools.display()
        );
        let tools_s = tools.to_string_lossy().into_owned();
        run(
            root,
            "cargo",
            &[
                "install",
                "cargo-deny",
                "--locked",
                "--version",
                CARGO_DENY_VERSION,
                "--root",
                &tools_s,
            ],
            &[],
        )?;
    }
    run(
        root,
        &bin.to_string_lossy(),
        &[
            "deny",
            "--all-features",
            "check",
            "bans",
            "licenses",
            "sources",
        ],
        &[],
    )
}

/// Installs what the tests need from Debian when it is missing: `redis-server` for the
/// replica tests.
pub(crate) fn prerequisites() -> Result<()> {
    let have = |program: &str| {
        std::process::Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if have("redis-server") && have("redis-cli") {
        println!("redis-server: present");
        return Ok(());
    }
    println!("redis-server: installing the Debian package");
    let root = project_root();
    let env = [("DEBIAN_FRONTEND", "noninteractive")];
    run(&root, "apt-get", &["update", "-qq"], &env)?;
    run(
        &root,
        "apt-get",
        &[
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
            "redis-server",
            "redis-tools",
        ],
        &env,
    )
}

fn step(name: &str) {
    println!("\n==> {name}");
}
