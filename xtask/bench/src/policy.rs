//! `cargo xtask bench policy`: median decision time of audex-policy for realms of
//! growing size (10 to 10,000 clients and as many targets), to show it is flat.

use audex_exchange::{TokenExchangeRequest, TokenType};
use audex_jose::claims::AccessTokenClaims;
use audex_jose::{Algorithm, KeySet, SigningKey, Validation};
use audex_jose::{NumericDate, StringOrUri};
use audex_policy::{ExchangeInput, Realm, Requester};

const HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn realm_text(n: usize) -> String {
    let mut s = String::from("issuer = \"https://sts.example\"\n");
    for i in 0..n {
        s += &format!(
            "[[target]]\naudience = \"api-{i}\"\nresources = [\"https://api-{i}.example/\"]\nscopes = [\"read\", \"write\", \"s{i}\"]\n"
        );
    }
    for i in 0..n {
        s += &format!(
            "[[client]]\nid = \"svc-{i}\"\nkind = \"confidential\"\nauth = {{ method = \"client_secret\", secret_sha256 = \"{HASH}\" }}\ngrants = [\"token_exchange\"]\ndefault_scopes = [\"read\"]\noptional_scopes = [\"write\"]\n"
        );
        s += &format!(
            "[[exchange]]\nclient = \"svc-{i}\"\ntargets = [\"api-{}\", \"api-{}\"]\nimpersonation = true\ndelegation = true\n",
            (i + 1) % n,
            (i + 7) % n
        );
    }
    s
}

pub(crate) fn run() {
    let now = NumericDate::from_secs(1_900_000_000).unwrap();
    let key = SigningKey::generate(Algorithm::ES256).unwrap().0;
    let keys = KeySet::new(vec![key.verifying_key().unwrap()])
        .for_issuer(StringOrUri::new("https://sts.example").unwrap());
    println!("audex-policy benchmark: median time per decision, one process, one run");
    println!(
        "{:>8} {:>8} {:>10} {:>14} {:>14}",
        "clients", "targets", "load ms", "exchange µs", "denied µs"
    );
    for n in [10usize, 100, 1_000, 10_000] {
        let text = realm_text(n);
        let t = std::time::Instant::now();
        let realm = Realm::from_toml("bench.toml", &text).unwrap();
        let load_ms = t.elapsed().as_secs_f64() * 1000.0;
        let requester = format!("svc-{}", n / 2);
        let target = format!("api-{}", (n / 2 + 1) % n);
        let claims = AccessTokenClaims::from_json_slice(
            serde_json::json!({"iss": "https://sts.example", "sub": "alice", "aud": [requester, "web"], "client_id": "web",
                "exp": 1_900_000_600u64, "iat": 1_899_999_990u64, "jti": "j", "scope": "read write"})
            .to_string()
            .as_bytes(),
        )
        .unwrap();
        let token = audex_jose::sign_access_token(&claims, &key).unwrap();
        let subject = Validation::subject_token(
            StringOrUri::new("https://sts.example").unwrap(),
        )
        .verify(&token, &keys, now)
        .unwrap();
        let ok_req = TokenExchangeRequest::new("x", TokenType::AccessToken).audience(target);
        let bad_req =
            TokenExchangeRequest::new("x", TokenType::AccessToken).audience("api-unknown");
        let input = |req| ExchangeInput {
            requester: Requester {
                client_id: &requester,
                authenticated: true,
            },
            subject: &subject,
            actor: None,
            request: req,
            now,
        };
        let granted = realm.decide_exchange(&input(&ok_req));
        assert!(granted.is_granted(), "{granted}");
        assert!(!realm.decide_exchange(&input(&bad_req)).is_granted());
        let ok = crate::measure(|| realm.decide_exchange(&input(&ok_req)));
        let bad = crate::measure(|| realm.decide_exchange(&input(&bad_req)));
        println!(
            "{n:>8} {n:>8} {load_ms:>10.1} {:>14.3} {:>14.3}",
            ok / 1000.0,
            bad / 1000.0
        );
    }
}
