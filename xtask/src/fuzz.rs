//! `cargo xtask fuzz [--smoke] [--time SECS] [TARGET]`: runs the cargo-fuzz targets in
//! `fuzz/` with the nightly toolchain.
//!
//! It installs what it needs: the nightly toolchain through rustup when missing, and
//! cargo-fuzz into the project-local `.tools/` folder. When the nightly toolchain
//! cannot be had, a smoke run says so in one loud line and returns success so that the
//! rest of `cargo xtask ci` still runs; a full run fails.
//!
//! libFuzzer writes the inputs it discovers into `fuzz/target/corpus-work/<target>/`;
//! the committed corpus `fuzz/corpus/<target>/` is only read. Promote an input by
//! copying it there; `cargo test` replays that folder through the same entry points.

use std::fs;
use std::path::Path;

use crate::util::{self, Result, output, project_root};

const SMOKE_SECS: u64 = 20;
const DEFAULT_SECS: u64 = 300;

pub(crate) fn run(args: &[String]) -> Result<()> {
    let mut smoke = false;
    let mut secs = None;
    let mut only = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--smoke" => smoke = true,
            "--time" => {
                let v = it.next().ok_or("--time needs a number of seconds")?;
                secs = Some(
                    v.parse::<u64>()
                        .map_err(|_| format!("--time: `{v}` is not a number of seconds"))?,
                );
            }
            t if !t.starts_with('-') => only = Some(t.to_owned()),
            other => return Err(format!("fuzz: unknown option `{other}`")),
        }
    }
    let secs = secs.unwrap_or(if smoke { SMOKE_SECS } else { DEFAULT_SECS });
    let root = project_root();

    let mut targets = list_targets(&root.join("fuzz/fuzz_targets"))?;
    if let Some(t) = &only {
        if !targets.contains(t) {
            return Err(format!(
                "no fuzz target `{t}`; targets: {}",
                targets.join(", ")
            ));
        }
        targets = vec![t.clone()];
    }

    if !ensure_nightly() {
        let line = "!!!!! FUZZ SKIPPED: no nightly toolchain on this machine and `rustup toolchain install nightly` failed; the fuzz targets did NOT run !!!!!";
        if smoke {
            eprintln!("{line}");
            return Ok(());
        }
        return Err(line.to_owned());
    }
    let tools = root.join(".tools");
    let path = format!(
        "{}:{}",
        tools.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let env = [("PATH", path.as_str())];
    ensure_cargo_fuzz(&root, &tools, &env)?;

    println!("fuzz: building the fuzz targets with nightly");
    util::run(&root, "cargo", &["+nightly", "fuzz", "build"], &env)?;
    for t in &targets {
        let work = root.join("fuzz/target/corpus-work").join(t);
        fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
        let committed = root.join("fuzz/corpus").join(t);
        fs::create_dir_all(&committed)
            .map_err(|e| format!("cannot create {}: {e}", committed.display()))?;
        println!("fuzz: {t} for {secs} s");
        let max_time = format!("-max_total_time={secs}");
        let work_s = work.to_string_lossy().into_owned();
        let committed_s = committed.to_string_lossy().into_owned();
        util::run(
            &root,
            "cargo",
            &[
                "+nightly",
                "fuzz",
                "run",
                t,
                &work_s,
                &committed_s,
                "--",
                &max_time,
                "-rss_limit_mb=2048",
                "-timeout=10",
                "-print_final_stats=1",
            ],
            &env,
        )
        .map_err(|e| {
            format!("fuzz target {t} failed (crash input is under fuzz/artifacts/{t}/): {e}")
        })?;
    }
    println!(
        "fuzz: {} target(s) ran {secs} s each without a failure",
        targets.len()
    );
    Ok(())
}

fn list_targets(dir: &Path) -> Result<Vec<String>> {
    let mut out: Vec<String> = fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".rs").map(str::to_owned)
        })
        .collect();
    out.sort();
    Ok(out)
}

fn ensure_nightly() -> bool {
    if output("rustc", &["+nightly", "--version"]).is_some() {
        return true;
    }
    println!("fuzz: nightly toolchain missing; installing it with rustup");
    let installed = std::process::Command::new("rustup")
        .args(["toolchain", "install", "nightly", "--profile", "minimal"])
        .status()
        .is_ok_and(|s| s.success());
    installed && output("rustc", &["+nightly", "--version"]).is_some()
}

fn ensure_cargo_fuzz(root: &Path, tools: &Path, env: &[(&str, &str)]) -> Result<()> {
    let bin = tools.join("bin/cargo-fuzz");
    if bin.exists() || output("cargo-fuzz", &["--version"]).is_some() {
        return Ok(());
    }
    println!("fuzz: installing cargo-fuzz into {}", tools.display());
    let tools_s = tools.to_string_lossy().into_owned();
    util::run(
        root,
        "cargo",
        &["install", "cargo-fuzz", "--locked", "--root", &tools_s],
        env,
    )
}
