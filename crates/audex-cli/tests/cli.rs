//! Runs the built `audex` binary: every subcommand's success and failure paths, exit
//! codes, standard input, and `serve` start-up and shutdown.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr,
    reason = "test code: a panic is a test failure"
)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn audex(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_audex"))
        .args(args)
        .output()
        .unwrap()
}

fn audex_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_audex"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

/// A key pair made by `audex keygen`: the PEM file and a JWK Set file.
fn keys(dir: &Path) -> (String, String) {
    let pem = dir.join("k.pem");
    let o = audex(&["keygen", "--alg", "ES256", "--out", pem.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let jwk: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let jwks = dir.join("jwks.json");
    std::fs::write(&jwks, serde_json::json!({"keys": [jwk]}).to_string()).unwrap();
    (
        pem.to_str().unwrap().to_owned(),
        jwks.to_str().unwrap().to_owned(),
    )
}

fn mint(pem: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "token",
        "mint",
        "--key",
        pem,
        "--sub",
        "alice",
        "--aud",
        "service-c",
        "--iss",
        "https://sts.example",
        "--scope",
        "orders:read",
    ];
    args.extend_from_slice(extra);
    let o = audex(&args);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    text(&o.stdout).trim().to_owned()
}

// conformance: CLI-1
#[test]
fn token_verify_exit_codes_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let (pem, jwks) = keys(dir.path());
    let token = mint(&pem, &[]);
    let verify = |token_arg: &str, extra: &[&str]| {
        let mut args = vec![
            "token",
            "verify",
            "--jwks",
            &jwks,
            "--iss",
            "https://sts.example",
            "--aud",
            "service-c",
        ];
        args.extend_from_slice(extra);
        args.push(token_arg);
        args.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
    };
    // Valid, as an argument and through `-`.
    let args = verify(&token, &[]);
    let o = audex(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let claims: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(claims["sub"], "alice");
    let args = verify("-", &[]);
    let o = audex_stdin(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &format!("{token}\n"),
    );
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    // Tampered: exit 1, one line naming the check.
    let mut tampered = token.clone();
    tampered.pop();
    tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
    let args = verify(&tampered, &[]);
    let o = audex(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&o), 1);
    let err = text(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("invalid token"), "{err}");
    // Wrong audience, and --now after expiry: exit 1.
    let args = verify(&token, &[])
        .into_iter()
        .map(|a| {
            if a == "service-c" {
                "service-b".to_owned()
            } else {
                a
            }
        })
        .collect::<Vec<_>>();
    assert_eq!(
        code(&audex(&args.iter().map(String::as_str).collect::<Vec<_>>())),
        1
    );
    let later = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 7200)
        .to_string();
    let args = verify(&token, &["--now", &later]);
    let o = audex(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&o), 1);
    assert!(text(&o.stderr).contains("expired"), "{}", text(&o.stderr));
    // Usage and I/O errors: exit 2.
    let args = verify(&token, &[])
        .into_iter()
        .map(|a| {
            if a == jwks {
                "/nonexistent/jwks.json".to_owned()
            } else {
                a
            }
        })
        .collect::<Vec<_>>();
    let o = audex(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).starts_with("audex: error: "),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(code(&audex(&["token", "verify"])), 2);
    assert_eq!(code(&audex(&["no-such-command"])), 2);
}

#[test]
fn token_inspect_is_labelled_unverified_and_shows_the_act_chain() {
    let dir = tempfile::tempdir().unwrap();
    let (pem, _) = keys(dir.path());
    let token = mint(&pem, &["--act", "service-b", "--act", "gateway"]);
    let o = audex_stdin(&["token", "inspect", "-"], &token);
    assert_eq!(code(&o), 0);
    let out = text(&o.stdout);
    assert!(out.starts_with("UNVERIFIED"), "{out}");
    assert!(out.contains("act chain"), "{out}");
    let b = out.find("sub=\"service-b\"").unwrap();
    let g = out.find("sub=\"gateway\"").unwrap();
    assert!(b < g, "current actor first: {out}");
    assert!(out.contains("expires") || out.contains("in "), "{out}");
    let o = audex(&["token", "inspect", "not-a-token"]);
    assert_eq!(code(&o), 1);
}

#[test]
fn keygen_and_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let (pem, _) = keys(dir.path());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&pem).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // Never overwrites.
    assert_eq!(code(&audex(&["keygen", "--out", &pem])), 2);
    // RSA: exit 2 with the openssl command.
    let o = audex(&["keygen", "--alg", "RS256"]);
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("openssl genpkey"),
        "{}",
        text(&o.stderr)
    );
    // A secret and the hash the realm stores.
    let o = audex(&["secret", "new", "--client", "service-b"]);
    assert_eq!(code(&o), 0);
    let out = text(&o.stdout);
    let secret = out.lines().nth(1).unwrap();
    assert_eq!(secret.len(), 43);
    assert!(
        secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    let hash: String = ring::digest::digest(&ring::digest::SHA256, secret.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(out.contains(&hash), "{out}");
}

#[test]
fn policy_check() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(&good, "issuer = \"https://sts.example\"\n").unwrap();
    let o = audex(&["policy", "check", good.to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    assert!(text(&o.stdout).starts_with("ok: "));
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "issuer = \"https://sts.example\"\n[[client]]\nid = \"x\"\nkind = \"nope\"\n",
    )
    .unwrap();
    let o = audex(&["policy", "check", bad.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    let err = text(&o.stderr);
    assert!(err.starts_with(&format!("{}:4:", bad.display())), "{err}");
    assert_eq!(code(&audex(&["policy", "check", "/nonexistent.toml"])), 2);
}

#[test]
fn serve_refuses_the_demo_realm_off_loopback() {
    let o = audex(&["serve", "--addr", "0.0.0.0:0"]);
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("demo realm"),
        "{}",
        text(&o.stderr)
    );
}

#[cfg(unix)]
#[test]
fn serve_answers_discovery_within_a_second_and_stops_on_sigterm() {
    // A free port, then the server on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_audex"))
        .args(["serve", "--addr", &addr])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = format!("http://{addr}/.well-known/oauth-authorization-server");
    // reqwest may be built with `rustls-no-provider` (unified from audex-client).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let body = rt.block_on(async {
        loop {
            if let Ok(r) = reqwest::get(&url).await {
                return r.text().await.unwrap();
            }
            assert!(started.elapsed() < Duration::from_secs(5), "no answer");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let first_answer = started.elapsed();
    eprintln!("first served request after {first_answer:?}");
    assert!(first_answer < Duration::from_secs(1), "{first_answer:?}");
    let meta: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(meta["issuer"], format!("http://{addr}"));
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let banner = text(&out.stdout);
    assert!(banner.contains("token mint --key"), "{banner}");
    assert!(text(&out.stderr).contains("shut down"));
}

#[test]
fn demo_tells_the_whole_story_and_exits_zero() {
    let o = audex(&["demo"]);
    let out = text(&o.stdout);
    assert_eq!(code(&o), 0, "{out}\n{}", text(&o.stderr));
    assert_eq!(out.matches("✔ as expected").count(), 7, "{out}");
    assert!(!out.contains("NOT as expected"), "{out}");
    for step in [
        "401",
        "invalid_token",
        "act=",
        "invalid_scope",
        "invalid_target",
        "aud=\"hr-api\"",
    ] {
        assert!(out.contains(step), "missing {step}: {out}");
    }
    // Not a terminal: no colour codes.
    assert!(!out.contains('\u{1b}'), "{out}");
}

// conformance: CLI-1
#[test]
fn jws_verify_on_rfc7515_appendix_a_and_tampered_twins() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../audex-jose/tests/vectors/rfc/jws.json"
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut seen = 0;
    for case in doc["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        if !id.starts_with("RFC7515-A.") {
            continue;
        }
        seen += 1;
        let mut jwk = case["jwk"].clone();
        if jwk["kty"] != "oct" {
            for private in ["d", "p", "q", "dp", "dq", "qi"] {
                jwk.as_object_mut().unwrap().remove(private);
            }
        }
        let file = dir.path().join(format!("{id}.json"));
        std::fs::write(&file, jwk.to_string()).unwrap();
        let token = case["compact"].as_str().unwrap();
        let alg = case["alg"].as_str().unwrap();
        let args = |t: &str| {
            vec![
                "jws".to_owned(),
                "verify".to_owned(),
                "--jwk".to_owned(),
                file.to_str().unwrap().to_owned(),
                "--alg".to_owned(),
                alg.to_owned(),
                t.to_owned(),
            ]
        };
        let ok = audex(&args(token).iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(code(&ok), 0, "{id}: {}", text(&ok.stderr));
        assert!(
            text(&ok.stdout).contains("joe"),
            "{id}: {}",
            text(&ok.stdout)
        );
        // The same through standard input.
        let o = audex_stdin(
            &args("-").iter().map(String::as_str).collect::<Vec<_>>(),
            token,
        );
        assert_eq!(code(&o), 0, "{id}");
        // Tampered payload: exit 1, one line.
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        parts[1] = parts[1].replacen('e', "f", 1);
        let bad = parts.join(".");
        let o = audex(&args(&bad).iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(code(&o), 1, "{id}");
        assert_eq!(text(&o.stderr).lines().count(), 1);
    }
    assert_eq!(seen, 3);
}

#[test]
fn completions_are_generated() {
    let o = audex(&["completions", "bash"]);
    assert_eq!(code(&o), 0);
    assert!(text(&o.stdout).contains("audex"));
    assert_eq!(code(&audex(&["completions", "tcsh-9000"])), 2);
}

#[cfg(unix)]
#[test]
fn exchange_against_a_running_server() {
    let (mut child, issuer, _, banner) = serve_with(&[]);
    let key = banner
        .split("--key ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_owned();
    let o = audex(&[
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
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let subject = text(&o.stdout).trim().to_owned();
    let run = |audience: &str| exchange_as_b(&issuer, &subject, audience);
    let ok = run("service-c");
    assert_eq!(code(&ok), 0, "{}", text(&ok.stderr));
    let j: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(
        j["issued_token_type"],
        "urn:ietf:params:oauth:token-type:access_token"
    );
    let no = run("hr-api");
    assert_eq!(code(&no), 1);
    assert!(
        text(&no.stderr).starts_with("invalid_target: "),
        "{}",
        text(&no.stderr)
    );
    // A server that is not there: exit 2.
    let _ = child.kill();
    let _ = child.wait();
    let gone = run("service-c");
    assert_eq!(code(&gone), 2, "{}", text(&gone.stderr));
}

#[cfg(unix)]
#[test]
fn serve_https_end_to_end_with_a_generated_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let ck =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap();
    let other = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    let wrong = dir.path().join("wrong.pem");
    std::fs::write(&cert, ck.cert.pem()).unwrap();
    std::fs::write(&key, ck.signing_key.serialize_pem()).unwrap();
    std::fs::write(&wrong, other.signing_key.serialize_pem()).unwrap();
    // A key that is not the certificate's: exit 2, one clear line.
    let o = audex(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        wrong.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("do not match"),
        "{}",
        text(&o.stderr)
    );
    // The right pair: discovery over HTTPS through audex-client trusting the cert.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_audex"))
        .args([
            "serve",
            "--addr",
            &addr,
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let issuer = format!("https://{addr}");
    let settings = audex_client::HttpSettings {
        extra_roots: vec![ck.cert.der().to_vec()],
        ..audex_client::HttpSettings::default()
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let client = rt.block_on(async {
        loop {
            match audex_client::TokenClient::discover(
                &issuer,
                audex_client::ClientAuth::None {
                    client_id: "customer-portal".into(),
                },
                &settings,
            )
            .await
            {
                Ok(c) => return c,
                Err(e) => {
                    assert!(started.elapsed() < Duration::from_secs(5), "{e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    });
    assert_eq!(client.metadata().issuer, issuer);
    assert_eq!(
        client.metadata().token_endpoint.as_deref(),
        Some(format!("{issuer}/token").as_str())
    );
    // Without trusting the certificate, the client refuses the connection.
    let strict = rt.block_on(audex_client::TokenClient::discover(
        &issuer,
        audex_client::ClientAuth::None {
            client_id: "x".into(),
        },
        &audex_client::HttpSettings::default(),
    ));
    assert!(
        matches!(strict, Err(audex_client::ClientError::Transport(_))),
        "{strict:?}"
    );
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn policy_graph_and_explain() {
    let realm = concat!(env!("CARGO_MANIFEST_DIR"), "/realms/demo.toml");
    let o = audex(&["policy", "graph", realm]);
    assert_eq!(code(&o), 0);
    let g = text(&o.stdout);
    assert!(g.starts_with("flowchart LR"), "{g}");
    assert!(g.contains("exchange: impersonation, delegation"), "{g}");
    assert!(g.contains("\"customer-portal (public)\""), "{g}");
    let o = audex(&["policy", "graph", realm, "--format", "dot"]);
    assert!(text(&o.stdout).starts_with("digraph realm {"));
    assert_eq!(
        code(&audex(&["policy", "graph", realm, "--format", "svg"])),
        2
    );

    // explain: the demo realm (issuer http://127.0.0.1:8080) and a key of our own.
    let dir = tempfile::tempdir().unwrap();
    let (pem, jwks) = keys(dir.path());
    let subject = {
        let o = audex(&[
            "token",
            "mint",
            "--key",
            &pem,
            "--iss",
            "http://127.0.0.1:8080",
            "--sub",
            "alice",
            "--aud",
            "service-b",
            "--client-id",
            "client-a",
            "--scope",
            "orders:read",
        ]);
        text(&o.stdout).trim().to_owned()
    };
    let explain = |audience: &str| {
        audex(&[
            "policy",
            "explain",
            "--policy",
            realm,
            "--jwks",
            &jwks,
            "--client",
            "service-b",
            "--subject-token",
            &subject,
            "--audience",
            audience,
        ])
    };
    let o = explain("service-c");
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).starts_with("GRANT aud=service-c"),
        "{}",
        text(&o.stdout)
    );
    let o = explain("hr-api");
    assert_eq!(code(&o), 1);
    assert!(
        text(&o.stdout).contains("FAIL targets"),
        "{}",
        text(&o.stdout)
    );
    // --json: one object with stable names, for scripts and audits.
    let explain_json = |audience: &str| {
        let o = audex(&[
            "policy",
            "explain",
            "--json",
            "--policy",
            realm,
            "--jwks",
            &jwks,
            "--client",
            "service-b",
            "--subject-token",
            &subject,
            "--audience",
            audience,
        ]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (code(&o), v)
    };
    let (c, v) = explain_json("hr-api");
    assert_eq!(c, 1);
    assert_eq!(v["granted"], false);
    assert_eq!(v["deciding_rule"], "targets");
    assert_eq!(v["denial"], "target-not-permitted");
    assert_eq!(v["error"], "invalid_target");
    assert!(v.get("plan").is_none());
    assert_eq!(
        v["steps"].as_array().unwrap().last().unwrap()["passed"],
        false
    );
    let (c, v) = explain_json("service-c");
    assert_eq!(c, 0);
    assert_eq!(v["granted"], true);
    assert_eq!(v["denial"], serde_json::Value::Null);
    assert_eq!(v["plan"]["aud"], serde_json::json!(["service-c"]));
    assert_eq!(v["plan"]["sub"], "alice");
}

/// Starts `audex serve` with extra arguments on a free port and waits for the banner.
#[cfg(unix)]
fn serve_with(args: &[&str]) -> (std::process::Child, String, std::path::PathBuf, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let log = std::env::temp_dir().join(format!("audex-serve-{port}.log"));
    let mut all = vec!["serve", "--addr", &addr];
    all.extend_from_slice(args);
    let mut child = Command::new(env!("CARGO_BIN_EXE_audex"))
        .args(&all)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    {
        use std::io::BufRead;
        let stdout = child.stdout.take().unwrap();
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line.unwrap();
            banner.push_str(&line);
            banner.push('\n');
            if line.starts_with("Ctrl-C") {
                break;
            }
        }
    }
    (child, format!("http://{addr}"), log, banner)
}

/// `audex exchange` as the demo realm's service-b (client_secret_basic from the
/// environment) for `audience`.
fn exchange_as_b(issuer: &str, subject: &str, audience: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_audex"))
        .args([
            "exchange",
            "--issuer",
            issuer,
            "--client-id",
            "service-b",
            "--client-secret-env",
            "B_SECRET",
            "--subject-token",
            subject,
            "--audience",
            audience,
        ])
        .env("B_SECRET", "service-b-secret")
        .output()
        .unwrap()
}

#[cfg(unix)]
fn exchange_status(issuer: &str, subject: &str) -> (i32, String) {
    let o = exchange_as_b(issuer, subject, "service-c");
    (code(&o), text(&o.stderr))
}

// conformance: OPS-1
#[cfg(unix)]
#[test]
fn sighup_reloads_the_policy_and_a_broken_file_keeps_the_old_realm() {
    let dir = tempfile::tempdir().unwrap();
    let (pem, _) = keys(dir.path());
    let demo = include_str!("../realms/demo.toml");
    let policy = dir.path().join("realm.toml");
    std::fs::write(&policy, demo).unwrap();
    let (child, issuer, log, _) =
        serve_with(&["--policy", policy.to_str().unwrap(), "--key", &pem]);
    let subject = mint_for(&pem, &issuer);
    assert_eq!(exchange_status(&issuer, &subject).0, 0);
    let hup = |pid: u32| {
        assert!(
            Command::new("kill")
                .args(["-HUP", &pid.to_string()])
                .status()
                .unwrap()
                .success()
        );
        std::thread::sleep(Duration::from_millis(400));
    };
    // service-b loses its exchange permission: after SIGHUP the exchange is refused.
    let without = demo.replace(
        "[[exchange]]\nclient = \"service-b\"\ntargets = [\"service-c\"]\nimpersonation = true\ndelegation = true\n",
        "",
    );
    assert_ne!(without, demo);
    std::fs::write(&policy, &without).unwrap();
    hup(child.id());
    let (c, err) = exchange_status(&issuer, &subject);
    assert_eq!(c, 1, "{err}");
    assert!(err.starts_with("unauthorized_client"), "{err}");
    // A broken file is refused with its location; the last good realm keeps serving.
    std::fs::write(&policy, "issuer = \"https://x\"\n[[client]]\nid = 3\n").unwrap();
    hup(child.id());
    let (c, err) = exchange_status(&issuer, &subject);
    assert_eq!(c, 1, "{err}");
    assert!(err.starts_with("unauthorized_client"), "{err}");
    let logs = std::fs::read_to_string(&log).unwrap();
    assert!(logs.contains(&format!("{}:3:", policy.display())), "{logs}");
    assert!(logs.contains("old realm keeps serving"), "{logs}");
    // Restoring the file restores the permission.
    std::fs::write(&policy, demo).unwrap();
    hup(child.id());
    assert_eq!(exchange_status(&issuer, &subject).0, 0);
    let mut child = child;
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(unix)]
fn mint_for(pem: &str, issuer: &str) -> String {
    let o = audex(&[
        "token",
        "mint",
        "--key",
        pem,
        "--iss",
        issuer,
        "--sub",
        "alice",
        "--aud",
        "service-b",
        "--client-id",
        "client-a",
        "--scope",
        "orders:read",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    text(&o.stdout).trim().to_owned()
}

// conformance: STS-JWKS-1
#[cfg(unix)]
#[test]
fn key_rotation_with_several_keys_publishes_all_and_signs_with_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let (new_pem, _) = keys(dir.path());
    let old_dir = dir.path().join("old");
    std::fs::create_dir(&old_dir).unwrap();
    let (old_pem, _) = keys(&old_dir);
    let (mut child, issuer, _, _) = serve_with(&["--key", &new_pem, "--key", &old_pem]);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let jwks: serde_json::Value = rt
        .block_on(async {
            reqwest::get(format!("{issuer}/jwks"))
                .await
                .unwrap()
                .json()
                .await
        })
        .unwrap();
    let kids: Vec<String> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kids.len(), 2, "{jwks}");
    // A token signed by the old (still published) key exchanges; the new token is
    // signed by the first key.
    let subject = mint_for(&old_pem, &issuer);
    let o = exchange_as_b(&issuer, &subject, "service-c");
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let issued: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let token = issued["access_token"].as_str().unwrap();
    let o = audex(&["token", "inspect", token]);
    assert!(
        text(&o.stdout).contains(&kids[0]),
        "signed with the first --key"
    );
    let _ = child.kill();
    let _ = child.wait();
}

// conformance: OPS-1
#[cfg(unix)]
#[test]
fn sighup_under_load_fails_no_request() {
    let dir = tempfile::tempdir().unwrap();
    let (pem, _) = keys(dir.path());
    let demo = include_str!("../realms/demo.toml");
    // Two valid realms that both grant the exchange (they differ elsewhere).
    let other = demo.replace("default_lifetime_secs = 300", "default_lifetime_secs = 240");
    assert_ne!(other, demo);
    let policy = dir.path().join("realm.toml");
    std::fs::write(&policy, demo).unwrap();
    let (mut child, issuer, _, _) =
        serve_with(&["--policy", policy.to_str().unwrap(), "--key", &pem]);
    let subject = mint_for(&pem, &issuer);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let body = format!(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token={subject}&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&audience=service-c"
    );
    let url = format!("{issuer}/token");
    let load = rt.spawn(async move {
        let http = reqwest::Client::new();
        let mut statuses = Vec::new();
        let started = Instant::now();
        while started.elapsed() < Duration::from_millis(2500) {
            let r = http
                .post(&url)
                .basic_auth("service-b", Some("service-b-secret"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone())
                .send()
                .await
                .map(|r| r.status().as_u16());
            statuses.push(r.map_err(|e| e.to_string()));
        }
        statuses
    });
    for i in 0..10 {
        std::thread::sleep(Duration::from_millis(200));
        std::fs::write(&policy, if i % 2 == 0 { &other } else { demo }).unwrap();
        assert!(
            Command::new("kill")
                .args(["-HUP", &child.id().to_string()])
                .status()
                .unwrap()
                .success()
        );
    }
    let statuses = rt.block_on(load).unwrap();
    assert!(statuses.len() > 50, "only {} requests", statuses.len());
    let failed: Vec<_> = statuses.iter().filter(|s| !matches!(s, Ok(200))).collect();
    assert!(
        failed.is_empty(),
        "{} of {} failed: {:?}",
        failed.len(),
        statuses.len(),
        failed.first()
    );
    let _ = child.kill();
    let _ = child.wait();
}
