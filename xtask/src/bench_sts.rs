//! `cargo xtask bench sts`: token exchanges per second through `audex serve` over
//! loopback with keep-alive connections (ES256), p50/p99 latency, start-up time to the
//! first served request, idle and under-load RSS — the server pinned to core 0 and the
//! load generator (`wrk`, from Debian) to core 1 — and, in the same run, the crypto
//! bound (one ES256 verify + one ES256 sign with raw ring on one core) and
//! authgent-server (PyPI) doing the same exchange on the same core.
//!
//! `cargo xtask bench sts --replicas 2 --redis`: exchanges and `private_key_jwt`
//! client-credentials grants through one replica (memory) and through two replicas
//! sharing a `redis-server`, in one run.

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
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
    let mut args = vec!["-c", "0", "cargo"];
    args.extend(util::bench_crate_args("audex-bench", &["floor"]));
    let out = Command::new("taskset")
        .args(&args)
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

/// One wrk run's figures.
struct WrkResult {
    rps: f64,
    requests: u64,
    p50: String,
    p99: String,
}

/// Starts wrk on core 1 (`-t1 --latency`), with a Lua script and its arguments.
fn spawn_wrk(
    conns: u32,
    secs: u32,
    url: &str,
    script: &Path,
    script_args: &[&str],
) -> Result<Child> {
    let c = format!("-c{conns}");
    let d = format!("-d{secs}s");
    let script = script.to_string_lossy().into_owned();
    let mut args = vec![
        "-c",
        "1",
        "wrk",
        "-t1",
        &c,
        &d,
        "--timeout",
        "30s",
        "--latency",
        "-s",
        &script,
        url,
    ];
    if !script_args.is_empty() {
        args.push("--");
        args.extend_from_slice(script_args);
    }
    Command::new("taskset")
        .args(&args)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start wrk: {e}"))
}

/// Waits for a wrk run; any non-2xx answer or socket error fails the benchmark.
fn wrk_result(child: Child, what: &str) -> Result<WrkResult> {
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if text.contains("Non-2xx") || text.contains("Socket errors") {
        return Err(format!("{what}: some requests failed:\n{text}"));
    }
    let rps = field(&text, "Requests/sec:")
        .and_then(|v| v.parse().ok())
        .ok_or(format!("{what}: no Requests/sec in\n{text}"))?;
    let requests = text
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    Ok(WrkResult {
        rps,
        requests,
        p50: field(&text, "50%").unwrap_or_default(),
        p99: field(&text, "99%").unwrap_or_default(),
    })
}

/// A POST of one fixed body (optionally with Basic authentication).
fn static_script(path: &Path, body: &str, basic: Option<&str>) -> Result<()> {
    let auth = basic.map_or(String::new(), |b| {
        format!("wrk.headers[\"Authorization\"] = \"Basic {b}\"\n")
    });
    std::fs::write(
        path,
        format!(
            "wrk.method = \"POST\"\nwrk.body = \"{body}\"\nwrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n{auth}"
        ),
    )
    .map_err(|e| e.to_string())
}

/// POSTs the lines of a file (its first script argument) in turn: one fresh client
/// assertion per request.
fn lines_script(path: &Path) -> Result<()> {
    std::fs::write(
        path,
        "local bodies = {}\nlocal i = 0\nfunction init(args)\n  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end\nend\nfunction request()\n  i = i + 1\n  if i > #bodies then i = 1 end\n  return wrk.format(\"POST\", nil, {[\"Content-Type\"] = \"application/x-www-form-urlencoded\"}, bodies[i])\nend\n",
    )
    .map_err(|e| e.to_string())
}

/// Starts `audex serve` on core 0 and waits until it answers.
fn spawn_serve(exe: &str, addr: &str, extra: &[&str]) -> Result<Child> {
    let mut args = vec!["-c", "0", exe, "serve", "--addr", addr];
    args.extend_from_slice(extra);
    let started = Instant::now();
    let child = Command::new("taskset")
        .args(&args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start audex serve: {e}"))?;
    while !healthz(addr) {
        if started.elapsed() > Duration::from_secs(10) {
            return Err("audex serve did not answer".into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(child)
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Basic credentials of the demo realm's service-b.
const SERVICE_B_BASIC: &str = "c2VydmljZS1iOnNlcnZpY2UtYi1zZWNyZXQ=";

fn exchange_body(token: &str) -> String {
    format!(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token={}&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&audience=service-c",
        token.trim()
    )
}

fn build_release() -> Result<String> {
    let root = project_root();
    util::run(
        &root,
        "cargo",
        &["build", "--release", "--quiet", "-p", "audex-cli"],
        &[],
    )?;
    Ok(root
        .join("target/release/audex")
        .to_string_lossy()
        .into_owned())
}

/// `cargo xtask bench sts [--replicas 2 --redis]`.
pub(crate) fn run(args: &[String]) -> Result<()> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] => run_single(),
        ["--replicas", "2", "--redis"] | ["--redis", "--replicas", "2"] => run_replicas(),
        other => Err(format!(
            "bench sts: unknown arguments {other:?} (none, or `--replicas 2 --redis`)"
        )),
    }
}

fn run_single() -> Result<()> {
    let root = project_root();
    ensure_wrk()?;
    let exe = build_release()?;
    let port = util::free_port()?;
    let addr = format!("127.0.0.1:{port}");
    let started = Instant::now();
    let mut child = spawn_serve(&exe, &addr, &[])?;
    let startup = started.elapsed();
    let result = (|| -> Result<()> {
        let pid = child.id();
        let key = util::demo_key_from_banner(&mut child)?;
        let issuer = format!("http://{addr}");
        let token = util::mint_subject(&exe, &key, &issuer)?;
        let script = root.join("target/bench-sts.lua");
        static_script(&script, &exchange_body(&token), Some(SERVICE_B_BASIC))?;
        let idle = rss_kib(pid);
        let url = format!("{issuer}/token");
        let mut rss_samples = Vec::new();
        let wrk = spawn_wrk(32, 20, &url, &script, &[])?;
        let sampling = Instant::now();
        while sampling.elapsed() < Duration::from_secs(19) {
            std::thread::sleep(Duration::from_secs(2));
            rss_samples.push(rss_kib(pid));
        }
        let w = wrk_result(wrk, "audex exchanges")?;
        let floor_text = floor(&root)?;
        let floor: f64 = field(&floor_text, "floor_exchanges_per_sec")
            .and_then(|v| v.parse().ok())
            .ok_or("no floor")?;
        let max_rss = rss_samples.iter().copied().max().unwrap_or(0);
        let min_rss = rss_samples.iter().copied().min().unwrap_or(0);
        let http = http_floor(&root, &script);
        let peer = authgent(&root);
        println!(
            "audex serve, token exchange (ES256 subject verify + ES256 sign), server on core 0, wrk -t1 -c32 -d20s on core 1"
        );
        println!(
            "  start-up to first served request   {:.0} ms",
            startup.as_secs_f64() * 1e3
        );
        println!("  exchanges/s                         {:.0}", w.rps);
        println!(
            "  latency p50 / p99                   {} / {}",
            w.p50, w.p99
        );
        println!("  crypto bound (ring, one core)       {floor:.0} exchanges/s");
        println!(
            "  share of the crypto bound           {:.0} %",
            100.0 * w.rps / floor
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
        match http {
            Ok(h) => {
                let bound = 1.0 / (1.0 / floor + 1.0 / h.rps);
                println!(
                    "  HTTP round trip alone (axum, no work, same request, token-sized answer)  {:.0} req/s",
                    h.rps
                );
                println!(
                    "  crypto + HTTP bound                 {bound:.0} exchanges/s; audex at {:.0} % of it",
                    100.0 * w.rps / bound
                );
            }
            Err(e) => println!("  HTTP floor: not measured: {e}"),
        }
        match peer {
            Ok(p) => {
                println!(
                    "authgent-server (PyPI), the same exchange (client_secret_post), server on core 0, wrk -t1 -c4 -d15s on core 1"
                );
                println!(
                    "  exchanges/s                         {:.1}   ({} requests)",
                    p.rps, p.requests
                );
                println!(
                    "  latency p50 / p99                   {} / {}",
                    p.p50, p.p99
                );
                println!(
                    "  audex / authgent-server             {:.0}x",
                    w.rps / p.rps
                );
            }
            Err(e) => println!("authgent-server: not measured: {e}"),
        }
        Ok(())
    })();
    stop(child);
    result
}

/// The HTTP round trip alone: the same request (script) to an axum handler that does
/// no work and answers a token-response-sized body (`bench_target`'s `POST /token`), on
/// core 0, with wrk on core 1 as for audex.
fn http_floor(root: &Path, script: &Path) -> Result<WrkResult> {
    let (child, line) = start_bench_target(root)?;
    let result = (|| {
        let addr = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("unguarded="))
            .ok_or(format!("no unguarded= in {line}"))?;
        let wrk = spawn_wrk(32, 10, &format!("http://{addr}/token"), script, &[])?;
        wrk_result(wrk, "HTTP floor")
    })();
    stop(child);
    result
}

/// Builds and starts `bench_target` (audex-guard's example) on core 0; returns it and
/// its first line (`guarded=ADDR unguarded=ADDR token=JWT`).
fn start_bench_target(root: &Path) -> Result<(Child, String)> {
    util::run(
        root,
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
    let mut line = String::new();
    let read = child
        .stdout
        .take()
        .ok_or_else(|| "no stdout".to_owned())
        .and_then(|out| {
            std::io::BufReader::new(out)
                .read_line(&mut line)
                .map_err(|e| e.to_string())
        });
    match read {
        Ok(_) => Ok((child, line)),
        Err(e) => {
            stop(child);
            Err(e)
        }
    }
}

/// authgent-server on core 0 doing the same exchange (an authgent client-credentials
/// token for agent A, exchanged by agent C for audience service-d).
fn authgent(root: &Path) -> Result<WrkResult> {
    let dir = root.join("xtask/interop");
    crate::interop::install_peers(&dir)?;
    let python = dir.join(".venv/bin/python").to_string_lossy().into_owned();
    let port = util::free_port()?;
    let work = root.join("target/bench-authgent");
    let _ = std::fs::remove_dir_all(&work);
    let started = crate::interop::json_object(&crate::interop::capture(
        &dir,
        "taskset",
        &[
            "-c",
            "0",
            &python,
            "authgent_peer.py",
            "start",
            &work.to_string_lossy(),
            &port.to_string(),
        ],
    )?)?;
    let get = |k: &str| started.get(k).cloned().unwrap_or_default();
    let body = format!(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token={}&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&audience=service-d&client_id={}&client_secret={}",
        get("a_token"),
        get("c_id"),
        get("c_secret")
    );
    let script = root.join("target/bench-authgent.lua");
    let result = static_script(&script, &body, None).and_then(|()| {
        let wrk = spawn_wrk(4, 15, &format!("{}/token", get("issuer")), &script, &[])?;
        wrk_result(wrk, "authgent-server exchanges")
    });
    let _ = Command::new("kill").arg(get("pid")).status();
    result
}

/// A `redis-server` on core 0, on a free loopback port, without persistence.
fn spawn_redis(port: u16) -> Result<Child> {
    let p = port.to_string();
    let child = Command::new("taskset")
        .args([
            "-c",
            "0",
            "redis-server",
            "--port",
            &p,
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start redis-server: {e}"))?;
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > Duration::from_secs(10) {
            return Err("redis-server did not start".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(child)
}

/// Runs one measurement against every replica at once (one wrk each, the connections
/// split between them) and sums the throughput.
fn measure(
    bases: &[String],
    script: &Path,
    files: &[String],
    what: &str,
) -> Result<(f64, u64, Vec<String>)> {
    let conns = u32::try_from(32 / bases.len()).unwrap_or(16);
    let mut running = Vec::new();
    for (i, base) in bases.iter().enumerate() {
        let args: Vec<&str> = files.get(i).map(String::as_str).into_iter().collect();
        running.push(spawn_wrk(
            conns,
            10,
            &format!("{base}/token"),
            script,
            &args,
        )?);
    }
    let mut rps = 0.0;
    let mut requests = 0;
    let mut p99 = Vec::new();
    for w in running {
        let r = wrk_result(w, what)?;
        rps += r.rps;
        requests += r.requests;
        p99.push(r.p99);
    }
    Ok((rps, requests, p99))
}

const BENCH_ISSUER: &str = "https://sts.bench.example";
const ASSERTIONS_PER_FILE: usize = 120_000;

/// `bench sts --replicas 2 --redis`: exchanges and private_key_jwt client_credentials
/// through one replica with in-memory state, then through two replicas sharing Redis,
/// all server processes (and Redis) on core 0, wrk on core 1.
fn run_replicas() -> Result<()> {
    let root = project_root();
    ensure_wrk()?;
    crate::prerequisites()?;
    let exe = build_release()?;
    let dir = root.join("target/bench-replicas");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let key = path("server.pem");
    util::output(&exe, &["keygen", "--alg", "ES256", "--out", &key]).ok_or("keygen failed")?;
    let files = [path("a1.txt"), path("a2.txt"), path("a3.txt")];
    let count = ASSERTIONS_PER_FILE.to_string();
    let mut gen_args = util::bench_crate_args(
        "audex-bench",
        &["assertions", BENCH_ISSUER, "service-k", &count],
    );
    gen_args.extend(files.iter().map(String::as_str));
    let gen_out = Command::new("cargo")
        .args(&gen_args)
        .current_dir(&root)
        .output()
        .map_err(|e| e.to_string())?;
    let jwk = String::from_utf8_lossy(&gen_out.stdout).trim().to_owned();
    if !gen_out.status.success() || !jwk.starts_with('{') {
        return Err(format!(
            "assertion generator failed: {}",
            String::from_utf8_lossy(&gen_out.stderr)
        ));
    }
    let realm = format!(
        "{}\n[[client]]\nid = \"service-k\"\nkind = \"confidential\"\nauth = {{ method = \"private_key_jwt\", jwks = '{{\"keys\":[{jwk}]}}' }}\ngrants = [\"client_credentials\"]\ndefault_scopes = [\"orders:read\"]\nallowed_audiences = [\"service-c\"]\n",
        std::fs::read_to_string(root.join("crates/audex-cli/realms/demo.toml"))
            .map_err(|e| e.to_string())?
    );
    let policy = path("realm.toml");
    std::fs::write(&policy, realm).map_err(|e| e.to_string())?;
    let subject = util::mint_subject(&exe, &key, BENCH_ISSUER)?;
    let exchange_script = dir.join("exchange.lua");
    static_script(
        &exchange_script,
        &exchange_body(&subject),
        Some(SERVICE_B_BASIC),
    )?;
    let pkjwt_script = dir.join("pkjwt.lua");
    lines_script(&pkjwt_script)?;

    let common = ["--issuer", BENCH_ISSUER, "--policy", &policy, "--key", &key];
    // One replica, state in memory.
    let addr = format!("127.0.0.1:{}", util::free_port()?);
    let one = spawn_serve(&exe, &addr, &common)?;
    let base = vec![format!("http://{addr}")];
    let single = (|| {
        let ex = measure(&base, &exchange_script, &[], "exchange, one replica")?;
        let pk = measure(
            &base,
            &pkjwt_script,
            &files[..1],
            "private_key_jwt, one replica",
        )?;
        Ok::<_, String>((ex, pk))
    })();
    stop(one);
    let (ex1, pk1) = single?;

    // Two replicas sharing Redis.
    let redis_port = util::free_port()?;
    let redis = spawn_redis(redis_port)?;
    let url = format!("redis://127.0.0.1:{redis_port}/");
    let mut with_redis: Vec<&str> = common.to_vec();
    with_redis.extend(["--redis", &url]);
    let mut replicas = Vec::new();
    let mut bases = Vec::new();
    let result = (|| {
        for _ in 0..2 {
            let addr = format!("127.0.0.1:{}", util::free_port()?);
            replicas.push(spawn_serve(&exe, &addr, &with_redis)?);
            bases.push(format!("http://{addr}"));
        }
        let ex = measure(&bases, &exchange_script, &[], "exchange, two replicas")?;
        let pk = measure(
            &bases,
            &pkjwt_script,
            &files[1..],
            "private_key_jwt, two replicas",
        )?;
        Ok::<_, String>((ex, pk))
    })();
    for r in replicas {
        stop(r);
    }
    stop(redis);
    let (ex2, pk2) = result?;
    println!(
        "audex serve: one replica (state in memory) vs two replicas sharing one redis-server; every server process and Redis on core 0, wrk (-t1, 32 connections split across replicas, 10 s) on core 1"
    );
    println!(
        "  {:<37} {:>12} {:>12} {:>8}   p99 one | p99 two",
        "", "one, memory", "two, Redis", "ratio"
    );
    for (name, a, b) in [
        ("token exchange (client_secret)", &ex1, &ex2),
        ("client_credentials (private_key_jwt)", &pk1, &pk2),
    ] {
        println!(
            "  {name:<37} {:>10.0}/s {:>10.0}/s {:>7.2}x   {} | {}",
            a.0,
            b.0,
            b.0 / a.0,
            a.2.join(" "),
            b.2.join(" ")
        );
    }
    println!(
        "  requests: exchange {} / {}, private_key_jwt {} / {} (each assertion used once)",
        ex1.1, ex2.1, pk1.1, pk2.1
    );
    Ok(())
}

/// `cargo xtask bench guard`: requests/s of the same axum handler behind audex-guard
/// (ES256 bearer token verified per request) and without it, the handler on core 0 and
/// wrk on core 1, and the per-request overhead against one raw ring ES256 verify.
pub(crate) fn run_guard() -> Result<()> {
    let root = project_root();
    ensure_wrk()?;
    let (mut child, line) = start_bench_target(&root)?;
    let result = (|| -> Result<()> {
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
