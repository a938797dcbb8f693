//! `cargo xtask bench sts`: token exchanges per second through `audex serve` over
//! loopback with keep-alive connections (ES256), p50/p99 latency, start-up time to the
//! first served request, idle and under-load RSS — the server pinned to core 0 and the
//! load generator (`wrk`, from Debian) to core 1 — and, in the same run, the crypto
//! bound (one ES256 verify + one ES256 sign with raw ring on one core).

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{self, Result, project_root};

fn ensure_wrk() -> Result<()> {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return Ok(());
    }
    println!("bench sts: installing wrk (Debian)");
    let root = project_root();
    let env = [("DEBIAN_FRONTEND", "noninteractive")];
    util::run(&root, "apt-get", &["update", "-qq"], &env)?;
    util::run(&root, "apt-get", &["install", "-y", "-qq", "wrk"], &env)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn healthz(addr: &str) -> bool {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
    if s.write_all(
        format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .is_err()
    {
        return false;
    }
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.starts_with("HTTP/1.1 200")
}

/// The ring crypto bound (`audex-bench floor`), pinned to core 0; its output.
fn floor(root: &std::path::Path) -> Result<String> {
    let out = Command::new("taskset")
        .args([
            "-c",
            "0",
            "cargo",
            "run",
            "--release",
            "--quiet",
            "--manifest-path",
            "xtask/bench/Cargo.toml",
            "--bin",
            "audex-bench",
            "--",
            "floor",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn field(text: &str, prefix: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.split_whitespace().nth(1))
        .map(str::to_owned)
}

pub(crate) fn run() -> Result<()> {
    let root = project_root();
    ensure_wrk()?;
    util::run(
        &root,
        "cargo",
        &["build", "--release", "--quiet", "-p", "audex-cli"],
        &[],
    )?;
    let exe = root.join("target/release/audex");
    let exe = exe.to_string_lossy().into_owned();
    let port = util::free_port()?;
    let addr = format!("127.0.0.1:{port}");
    let started = Instant::now();
    let mut child = Command::new("taskset")
        .args(["-c", "0", &exe, "serve", "--addr", &addr])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start audex serve: {e}"))?;
    let result = (|| -> Result<()> {
        while !healthz(&addr) {
            if started.elapsed() > Duration::from_secs(10) {
                return Err("audex serve did not answer".into());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let startup = started.elapsed();
        let pid = child.id();
        let key = util::demo_key_from_banner(&mut child)?;
        let issuer = format!("http://{addr}");
        let token = util::output(
            &exe,
            &[
                "token",
                "mint",
                "--key",
                &key,
                "--iss",
                &issuer,
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
        .ok_or("token mint failed")?;
        let body = format!(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token={}&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&audience=service-c",
            token.trim()
        );
        let script = root.join("target/bench-sts.lua");
        std::fs::write(
            &script,
            format!(
                "wrk.method = \"POST\"\nwrk.body = \"{body}\"\nwrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\nwrk.headers[\"Authorization\"] = \"Basic c2VydmljZS1iOnNlcnZpY2UtYi1zZWNyZXQ=\"\n"
            ),
        )
        .map_err(|e| e.to_string())?;
        let idle = rss_kib(pid);
        let script_s = script.to_string_lossy().into_owned();
        let url = format!("{issuer}/token");
        let mut rss_samples = Vec::new();
        let wrk = Command::new("taskset")
            .args([
                "-c",
                "1",
                "wrk",
                "-t1",
                "-c32",
                "-d20s",
                "--latency",
                "-s",
                &script_s,
                &url,
            ])
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start wrk: {e}"))?;
        let sampling = Instant::now();
        while sampling.elapsed() < Duration::from_secs(19) {
            std::thread::sleep(Duration::from_secs(2));
            rss_samples.push(rss_kib(pid));
        }
        let out = wrk.wait_with_output().map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if text.contains("Non-2xx") {
            return Err(format!("some exchanges failed:\n{text}"));
        }
        let rps: f64 = field(&text, "Requests/sec:")
            .and_then(|v| v.parse().ok())
            .ok_or("no Requests/sec")?;
        let p50 = field(&text, "50%").unwrap_or_default();
        let p99 = field(&text, "99%").unwrap_or_default();
        let floor_text = floor(&root)?;
        let floor: f64 = field(&floor_text, "floor_exchanges_per_sec")
            .and_then(|v| v.parse().ok())
            .ok_or("no floor")?;
        let max_rss = rss_samples.iter().copied().max().unwrap_or(0);
        let min_rss = rss_samples.iter().copied().min().unwrap_or(0);
        println!(
            "audex serve, token exchange (ES256 subject verify + ES256 sign), server on core 0, wrk -t1 -c32 -d20s on core 1"
        );
        println!(
            "  start-up to first served request   {:.0} ms",
            startup.as_secs_f64() * 1e3
        );
        println!("  exchanges/s                         {rps:.0}");
        println!("  latency p50 / p99                   {p50} / {p99}");
        println!("  crypto bound (ring, one core)       {floor:.0} exchanges/s");
        println!(
            "  share of the crypto bound           {:.0} %",
            100.0 * rps / floor
        );
        println!(
            "  RSS idle                            {:.1} MiB",
            idle as f64 / 1024.0
        );
        println!(
            "  RSS under load (min .. max, 2 s)    {:.1} .. {:.1} MiB",
            min_rss as f64 / 1024.0,
            max_rss as f64 / 1024.0
        );
        println!("  peer (authgent-server) not measured in this run: see docs/BENCHMARKS.md");
        Ok(())
    })();
    let _ = child.kill();
    let _ = child.wait();
    result
}

/// `cargo xtask bench guard`: requests/s of the same axum handler behind audex-guard
/// (ES256 bearer token verified per request) and without it, the handler on core 0 and
/// wrk on core 1, and the per-request overhead against one raw ring ES256 verify.
pub(crate) fn run_guard() -> Result<()> {
    let root = project_root();
    ensure_wrk()?;
    util::run(
        &root,
        "cargo",
        &[
            "build",
            "--release",
            "--quiet",
            "-p",
            "audex-guard",
            "--example",
            "bench_target",
        ],
        &[],
    )?;
    let exe = root.join("target/release/examples/bench_target");
    let mut child = Command::new("taskset")
        .args(["-c", "0", &exe.to_string_lossy()])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the bench target: {e}"))?;
    let result = (|| -> Result<()> {
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let get = |k: &str| {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(k))
                .map(str::to_owned)
                .ok_or(format!("no {k} in {line}"))
        };
        let (guarded, unguarded, token) = (get("guarded=")?, get("unguarded=")?, get("token=")?);
        let run_wrk = |addr: &str, auth: bool| -> Result<(f64, String, String)> {
            let mut args = vec!["-c", "1", "wrk", "-t1", "-c32", "-d10s", "--latency"];
            let header = format!("Authorization: Bearer {token}");
            if auth {
                args.extend(["-H", &header]);
            }
            let url = format!("http://{addr}/orders");
            args.push(&url);
            let out = Command::new("taskset")
                .args(&args)
                .output()
                .map_err(|e| e.to_string())?;
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            if text.contains("Non-2xx") {
                return Err(format!("non-2xx answers:\n{text}"));
            }
            let rps = field(&text, "Requests/sec:")
                .and_then(|v| v.parse().ok())
                .ok_or("no Requests/sec")?;
            Ok((
                rps,
                field(&text, "50%").unwrap_or_default(),
                field(&text, "99%").unwrap_or_default(),
            ))
        };
        let (u_rps, u50, u99) = run_wrk(&unguarded, false)?;
        let (g_rps, g50, g99) = run_wrk(&guarded, true)?;
        let floor_text = floor(&root)?;
        let verify_us: f64 = field(&floor_text, "floor_verify_us")
            .and_then(|v| v.parse().ok())
            .ok_or("no floor")?;
        let overhead_us = 1e6 / g_rps - 1e6 / u_rps;
        println!("axum handler on core 0, wrk -t1 -c32 -d10s on core 1, ES256 bearer tokens");
        println!("  unguarded                 {u_rps:.0} req/s   p50 {u50}  p99 {u99}");
        println!("  behind audex-guard        {g_rps:.0} req/s   p50 {g50}  p99 {g99}");
        println!("  guard cost per request    {overhead_us:.1} µs");
        println!(
            "  one ring ES256 verify     {verify_us:.1} µs  (guard cost / verify = {:.2})",
            overhead_us / verify_us
        );
        Ok(())
    })();
    let _ = child.kill();
    let _ = child.wait();
    result
}
