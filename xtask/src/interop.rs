//! `cargo xtask interop`: JWT interop both ways with PyJWT, jwcrypto (PyPI) and
//! npm `jose`, for HS256, RS256, PS256, ES256 and EdDSA.
//!
//! Peers are installed into project-local folders (`xtask/interop/.venv`,
//! `xtask/interop/node_modules`) at pinned versions. Each peer signs an RFC 9068
//! access token per algorithm and audex verifies it; audex signs one per algorithm
//! and each peer verifies it. Then the reference STS runs (`audex serve`), exchanges a
//! token, and PyJWT and npm `jose` verify the result using nothing but the server's
//! discovery document and JWKS. Any failure fails the task.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use crate::util::{self, Result, project_root};

const ALGS: [&str; 5] = ["HS256", "RS256", "PS256", "ES256", "EdDSA"];
const PEERS: [&str; 3] = ["pyjwt", "jwcrypto", "jose"];

pub(crate) fn run() -> Result<()> {
    let root = project_root();
    let dir = root.join("xtask/interop");
    let work = root.join("target/interop");
    fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    install_peers(&dir)?;

    let python = dir.join(".venv/bin/python");
    let python = python.to_string_lossy();
    let keys = dir.join("keys.json");
    let keys = keys.to_string_lossy();
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs()
        + 3600;
    let exp = exp.to_string();

    util::run(
        &root,
        "cargo",
        &[
            "build",
            "--quiet",
            "-p",
            "audex-jose",
            "--example",
            "interop",
        ],
        &[],
    )?;
    let audex = root.join("target/debug/examples/interop");
    let audex = audex.to_string_lossy();

    // Peers sign, audex verifies.
    let mut peer_tokens =
        json_object(&capture(&dir, &python, &["peers.py", "sign", &keys, &exp])?)?;
    peer_tokens.extend(json_object(&capture(
        &dir,
        "node",
        &["peer.mjs", "sign", &keys, &exp],
    )?)?);
    let peer_file = work.join("peer_tokens.json");
    write(&peer_file, &serde_like(&peer_tokens))?;
    let audex_verdicts = json_object(&capture(
        &root,
        &audex,
        &["verify", &keys, &peer_file.to_string_lossy()],
    )?)?;

    // audex signs, peers verify.
    let audex_tokens = capture(&root, &audex, &["sign", &keys, &exp])?;
    let audex_file = work.join("audex_tokens.json");
    write(&audex_file, &audex_tokens)?;
    let audex_file_s = audex_file.to_string_lossy();
    let mut peer_verdicts = json_object(&capture(
        &dir,
        &python,
        &["peers.py", "verify", &keys, &audex_file_s],
    )?)?;
    peer_verdicts.extend(json_object(&capture(
        &dir,
        "node",
        &["peer.mjs", "verify", &keys, &audex_file_s],
    )?)?);

    println!(
        "{:<10} {:<7} {:<28} {:<28}",
        "peer", "alg", "peer signs, audex verifies", "audex signs, peer verifies"
    );
    let mut failures = Vec::new();
    for peer in PEERS {
        for alg in ALGS {
            let key = format!("{peer}/{alg}");
            let a = audex_verdicts.get(&key).map_or("missing", String::as_str);
            let b = peer_verdicts.get(&key).map_or("missing", String::as_str);
            println!("{peer:<10} {alg:<7} {:<28} {:<28}", short(a), short(b));
            if a != "ok" {
                failures.push(format!("audex rejected {key}: {a}"));
            }
            if b != "ok" {
                failures.push(format!("{peer} rejected audex {alg}: {b}"));
            }
        }
    }
    let mut sts = sts_round(&root, &dir, &python)?;
    sts.extend(authgent_round(&root, &dir, &python)?);
    let sts_checks = [
        (
            "pyjwt/sts",
            "PyJWT verifies a token the audex STS issued (discovery + JWKS only)",
        ),
        (
            "jose/sts",
            "npm jose verifies a token the audex STS issued (discovery + JWKS only)",
        ),
        (
            "authgent/exchange",
            "audex exchange (audex-client) exchanges at authgent-server",
        ),
        (
            "authgent/verify",
            "audex token verify accepts authgent's exchanged token (its JWKS)",
        ),
        (
            "authgent/guard",
            "audex-guard (allow_jwt_typ) accepts authgent's token for its audience only",
        ),
    ];
    for (peer, what) in sts_checks {
        let v = sts.get(peer).map_or("missing", String::as_str);
        println!("{what}: {}", short(v));
        if v != "ok" {
            failures.push(format!("{peer}: {v}"));
        }
    }
    if failures.is_empty() {
        println!(
            "interop: {} checks passed",
            PEERS.len() * ALGS.len() * 2 + sts_checks.len()
        );
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// Starts `audex serve` (demo realm) on a free loopback port, mints Alice's token with
/// the key the banner names, and lets the Python and Node peers exchange and verify.
fn sts_round(root: &Path, dir: &Path, python: &str) -> Result<BTreeMap<String, String>> {
    util::run(root, "cargo", &["build", "--quiet", "-p", "audex-cli"], &[])?;
    let exe = root.join("target/debug/audex");
    let exe = exe.to_string_lossy();
    let port = util::free_port()?;
    let addr = format!("127.0.0.1:{port}");
    let issuer = format!("http://{addr}");
    let mut child = Command::new(exe.as_ref())
        .args(["serve", "--addr", &addr])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start audex serve: {e}"))?;
    let result = (|| {
        let key = util::demo_key_from_banner(&mut child)?;
        let subject = util::mint_subject(&exe, &key, &issuer)?;
        let mut out = json_object(&capture(
            dir,
            python,
            &["sts_peer.py", &issuer, subject.trim()],
        )?)?;
        let token = out.remove("sts/token").unwrap_or_default();
        out.extend(json_object(&capture(
            dir,
            "node",
            &["sts_peer.mjs", &issuer, &token],
        )?)?);
        Ok(out)
    })();
    let _ = child.kill();
    let _ = child.wait();
    result
}

/// authgent-server (PyPI, an independent RFC 8693 server) on loopback: audex-client,
/// through `audex exchange`, exchanges an authgent token there, and audex-jose, through
/// `audex token verify`, accepts the result with authgent's published keys.
fn authgent_round(root: &Path, dir: &Path, python: &str) -> Result<BTreeMap<String, String>> {
    let exe = root.join("target/debug/audex");
    let exe = exe.to_string_lossy().into_owned();
    let port = util::free_port()?;
    let work = root.join("target/interop/authgent");
    let _ = fs::remove_dir_all(&work);
    let started = json_object(&capture(
        dir,
        python,
        &[
            "authgent_peer.py",
            "start",
            &work.to_string_lossy(),
            &port.to_string(),
        ],
    )?)?;
    let get = |k: &str| started.get(k).cloned().unwrap_or_default();
    let pid = get("pid");
    let result = (|| {
        let mut out = BTreeMap::new();
        let exchange = Command::new(&exe)
            .args([
                "exchange",
                "--issuer",
                &get("issuer"),
                "--client-id",
                &get("c_id"),
                "--client-secret-env",
                "AUTHGENT_C_SECRET",
                "--subject-token",
                &get("a_token"),
                "--audience",
                "service-d",
            ])
            .env("AUTHGENT_C_SECRET", get("c_secret"))
            .output()
            .map_err(|e| format!("cannot run audex exchange: {e}"))?;
        let response = String::from_utf8_lossy(&exchange.stdout).into_owned();
        // The response holds numbers too, which json_object does not read: take the
        // one string member we need.
        let token = response
            .split_once("\"access_token\":\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(t, _)| t.to_owned())
            .unwrap_or_default();
        let ok = exchange.status.success() && !token.is_empty();
        out.insert(
            "authgent/exchange".to_owned(),
            if ok {
                "ok".to_owned()
            } else {
                format!("error: {}", String::from_utf8_lossy(&exchange.stderr))
            },
        );
        let jwks = work.join("jwks.json");
        capture(
            dir,
            python,
            &[
                "authgent_peer.py",
                "jwks",
                &get("issuer"),
                &jwks.to_string_lossy(),
            ],
        )?;
        let verify = Command::new(&exe)
            .args([
                "token",
                "verify",
                "--jwks",
                &jwks.to_string_lossy(),
                "--iss",
                &get("issuer"),
                "--aud",
                "service-d",
                "--profile",
                "jwt",
                &token,
            ])
            .output()
            .map_err(|e| format!("cannot run audex token verify: {e}"))?;
        out.insert(
            "authgent/verify".to_owned(),
            if verify.status.success() {
                "ok".to_owned()
            } else {
                format!("error: {}", String::from_utf8_lossy(&verify.stderr))
            },
        );
        // audex-guard in front of an axum handler, keys from authgent's discovery.
        let guard = Command::new("cargo")
            .current_dir(root)
            .args([
                "test",
                "--quiet",
                "-p",
                "audex-cli",
                "--test",
                "client_guard",
                "--",
                "--ignored",
                "--exact",
                "authgent_tokens_pass_the_guard",
            ])
            .env("AUDEX_AUTHGENT_ISSUER", get("issuer"))
            .env("AUDEX_AUTHGENT_TOKEN", &token)
            .env("AUDEX_AUTHGENT_A_TOKEN", get("a_token"))
            .output()
            .map_err(|e| format!("cannot run the guard interop test: {e}"))?;
        let passed =
            guard.status.success() && String::from_utf8_lossy(&guard.stdout).contains("1 passed");
        out.insert(
            "authgent/guard".to_owned(),
            if passed {
                "ok".to_owned()
            } else {
                format!(
                    "error: {}{}",
                    String::from_utf8_lossy(&guard.stdout),
                    String::from_utf8_lossy(&guard.stderr)
                )
            },
        );
        Ok(out)
    })();
    let _ = Command::new("kill").arg(&pid).status();
    result
}

fn short(v: &str) -> &str {
    if v == "ok" { "ok" } else { "FAIL" }
}

pub(crate) fn install_peers(dir: &Path) -> Result<()> {
    let venv = dir.join(".venv");
    if !venv.join("bin/python").exists() {
        println!("interop: creating a Python venv in {}", venv.display());
        util::run(dir, "python3", &["-m", "venv", ".venv"], &[])?;
    }
    util::run(
        dir,
        &venv.join("bin/pip").to_string_lossy(),
        &[
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            "requirements.txt",
        ],
        &[],
    )?;
    if !dir.join("node_modules/jose").exists() {
        println!("interop: installing npm jose");
        util::run(
            dir,
            "npm",
            &["ci", "--no-audit", "--no-fund", "--silent"],
            &[],
        )?;
    }
    Ok(())
}

pub(crate) fn capture(dir: &Path, program: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`{program} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn write(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A flat reader for the small JSON objects the peers print: `{"k": "v", ...}` or
/// `{"peer": {"alg": "token"}}` (flattened to `peer/alg`). xtask keeps to `std`, so
/// this reads only that shape and fails loudly on anything else.
pub(crate) fn json_object(text: &str) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let mut chars = text.trim().chars().peekable();
    let mut stack: Vec<String> = Vec::new();
    let mut key: Option<String> = None;
    let bad = || {
        format!(
            "unexpected peer output: {}",
            text.chars().take(200).collect::<String>()
        )
    };
    while let Some(c) = chars.next() {
        match c {
            '{' => {
                if let Some(k) = key.take() {
                    stack.push(k);
                }
            }
            '}' => {
                stack.pop();
            }
            ',' | ':' | ' ' | '\n' => {}
            '"' => {
                let mut s = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                s.push(n);
                            }
                        }
                        '"' => break,
                        _ => s.push(c),
                    }
                }
                match key.take() {
                    None => key = Some(s),
                    Some(k) => {
                        let mut path = stack.clone();
                        path.push(k);
                        out.insert(path.join("/"), s);
                    }
                }
            }
            _ => return Err(bad()),
        }
    }
    Ok(out)
}

/// Writes a `peer/alg -> token` map back as `{"peer": {"alg": "token"}}`.
fn serde_like(map: &BTreeMap<String, String>) -> String {
    let mut by_peer: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for (k, v) in map {
        if let Some((peer, alg)) = k.split_once('/') {
            by_peer.entry(peer).or_default().push((alg, v));
        }
    }
    let peers: Vec<String> = by_peer
        .iter()
        .map(|(peer, algs)| {
            let inner: Vec<String> = algs
                .iter()
                .map(|(a, t)| format!("\"{a}\":\"{t}\""))
                .collect();
            format!("\"{peer}\":{{{}}}", inner.join(","))
        })
        .collect();
    format!("{{{}}}", peers.join(","))
}
