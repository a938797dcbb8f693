//! Native timing of the stages of an HS256 access-token verify, to see where the
//! time above the HMAC goes: `cargo xtask bench stages`. Each line is the best of 7
//! runs of 200,000 calls; the stages overlap (a parse includes its decode), so they
//! do not add up to the full verify.
//!
//! `stages --loop N` only runs N full verifies, as a target for `perf record` or
//! `valgrind --tool=callgrind`.
#![allow(clippy::unwrap_used, clippy::print_stdout, reason = "bench tool")]
use std::hint::black_box;
use std::time::Instant;

use audex_jose::claims::AccessTokenClaims;
use audex_jose::{JwsOptions, UnverifiedJws};
use audex_jose::{Algorithm, KeySet, NumericDate, SigningKey, StringOrUri, Validation};

fn time(name: &str, n: u32, mut f: impl FnMut()) {
    let mut best = f64::MAX;
    for _ in 0..7 {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        best = best.min(t.elapsed().as_nanos() as f64 / f64::from(n));
    }
    println!("{name:<28} {best:>8.0} ns");
}

fn main() {
    let claims = br#"{"iss":"https://sts.example.com","sub":"248289761001-alice@example.com","aud":["https://api.example.com/orders","https://api.example.com/billing"],"exp":1900086400,"iat":1900000000,"scope":"orders:read orders:write billing:read profile","client_id":"s6BhdRkqt3-customer-portal","jti":"7f3c0a4e-5b1d-4c1e-9a2f-0d6b8e1c2a94"}"#;
    let at = AccessTokenClaims::from_json_slice(claims).unwrap();
    let k = SigningKey::hmac(Algorithm::HS256, &[7u8; 32])
        .unwrap()
        .with_kid("bench-key");
    let token = audex_jose::sign_access_token(&at, &k).unwrap();
    let vk = k.verifying_key().unwrap();
    let keys = KeySet::new(vec![k.verifying_key().unwrap()]);
    let v = Validation::access_token(
        StringOrUri::new("https://sts.example.com").unwrap(),
        StringOrUri::new("https://api.example.com/orders").unwrap(),
    );
    let now = NumericDate::from_secs(1_900_000_100).unwrap();
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, count] = args.as_slice() {
        assert_eq!(flag, "--loop", "usage: stages [--loop N]");
        let count: u32 = count.parse().unwrap();
        let ok = (0..count)
            .filter(|_| v.verify(black_box(&token), &keys, now).is_ok())
            .count();
        assert_eq!(ok, count as usize);
        return;
    }
    let n = 200_000;
    let opts = JwsOptions::default();
    let (si, sig) = token.rsplit_once('.').unwrap();
    let sig = audex_jose::b64::decode(sig.as_bytes()).unwrap();
    time("hmac (verify_raw)", n, || {
        vk.verify_signature(black_box(si.as_bytes()), black_box(&sig))
            .unwrap();
    });
    let mut parts = token.split('.');
    let (h, p) = (parts.next().unwrap(), parts.next().unwrap());
    time("b64 payload", n, || {
        black_box(audex_jose::b64::decode(black_box(p.as_bytes())).unwrap());
    });
    time("b64 header", n, || {
        black_box(audex_jose::b64::decode(black_box(h.as_bytes())).unwrap());
    });
    let hjson = audex_jose::b64::decode(h.as_bytes()).unwrap();
    time("header json (for_each_member)", n, || {
        audex_jose::claims::json::for_each_member(black_box(&hjson), Default::default(), |_, m| {
            black_box(m);
            Ok::<(), audex_jose::claims::JsonError>(())
        })
        .unwrap();
    });
    time("claims json (for_each_member)", n, || {
        audex_jose::claims::json::for_each_member(black_box(claims), Default::default(), |_, m| {
            black_box(m);
            Ok::<(), audex_jose::claims::JsonError>(())
        })
        .unwrap();
    });
    time("jws parse", n, || {
        black_box(UnverifiedJws::parse(black_box(&token), &opts).unwrap());
    });
    time("jws parse + verify", n, || {
        black_box(
            UnverifiedJws::parse(black_box(&token), &opts)
                .unwrap()
                .verify(&keys)
                .unwrap(),
        );
    });
    time("claims parse", n, || {
        black_box(AccessTokenClaims::from_json_slice(black_box(claims)).unwrap());
    });
    let known = [
        StringOrUri::new("https://sts.example.com").unwrap(),
        StringOrUri::new("https://api.example.com/orders").unwrap(),
    ];
    time("claims parse, known iss/aud", n, || {
        black_box(
            AccessTokenClaims::from_json_slice_known(
                black_box(claims),
                &Default::default(),
                &known,
            )
            .unwrap(),
        );
    });
    time("serde_json syntax only", n, || {
        black_box(serde_json::from_slice::<serde::de::IgnoredAny>(black_box(claims)).unwrap());
    });
    time("serde_json::Value parse", n, || {
        black_box(serde_json::from_slice::<serde_json::Value>(black_box(claims)).unwrap());
    });
    time("StringOrUri::new(iss)", n, || {
        black_box(StringOrUri::new(black_box("https://sts.example.com")).unwrap());
    });
    time("Scope::parse", n, || {
        black_box(
            audex_jose::claims::Scope::parse(black_box(
                "orders:read orders:write billing:read profile",
            ))
            .unwrap(),
        );
    });
    time("full verify", n, || {
        black_box(v.verify(black_box(&token), &keys, now).unwrap());
    });
}
