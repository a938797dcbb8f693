//! `cargo xtask bench jose`: audex-jose against jsonwebtoken, jwt-simple and the raw
//! ring operation (the floor), in one process and one run, on a typical RFC 9068
//! access token. Prints ops/s and each implementation's time relative to the floor.
//!
//! Verify = parse + signature check + claims validation (iss, aud, exp) for every
//! library; the floor is base64url-decoding the signature plus ring's verify over
//! the signing input. Sign = build and sign a token from the same claims; the floor is
//! ring's sign over a precomputed signing input plus encoding the signature.

mod assertions;
mod floor;
mod policy;

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use audex_jose::claims::AccessTokenClaims;
use audex_jose::{Algorithm, KeySet, NumericDate, SigningKey, StringOrUri, Validation};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ring::signature::{self, KeyPair};
use serde::{Deserialize, Serialize};

/// Which jsonwebtoken backend the next call uses: both backends are compiled in and a
/// switching provider is installed, so that both run in the same process and run.
static JWT_AWS_LC: AtomicBool = AtomicBool::new(true);

fn install_switching_jwt_provider() {
    use jsonwebtoken::crypto::{CryptoProvider, aws_lc, rust_crypto};
    let provider: &'static CryptoProvider = Box::leak(Box::new(CryptoProvider {
        signer_factory: |a, k| {
            if JWT_AWS_LC.load(Ordering::Relaxed) {
                (aws_lc::DEFAULT_PROVIDER.signer_factory)(a, k)
            } else {
                (rust_crypto::DEFAULT_PROVIDER.signer_factory)(a, k)
            }
        },
        verifier_factory: |a, k| {
            if JWT_AWS_LC.load(Ordering::Relaxed) {
                (aws_lc::DEFAULT_PROVIDER.verifier_factory)(a, k)
            } else {
                (rust_crypto::DEFAULT_PROVIDER.verifier_factory)(a, k)
            }
        },
        key_utils: aws_lc::DEFAULT_PROVIDER.key_utils.clone(),
    }));
    provider.install_default().expect("jsonwebtoken provider installed once");
}

fn jwt_backend(aws: bool) {
    JWT_AWS_LC.store(aws, Ordering::Relaxed);
}

const ISS: &str = "https://sts.example.com";
const AUD: &str = "https://api.example.com/orders";

#[derive(Serialize, Deserialize, Clone)]
struct Typical {
    iss: String,
    sub: String,
    aud: Vec<String>,
    exp: u64,
    iat: u64,
    scope: String,
    client_id: String,
    jti: String,
}

#[derive(Serialize, Deserialize, Clone)]
struct Custom {
    scope: String,
    client_id: String,
}

fn typical(now: u64) -> Typical {
    Typical {
        iss: ISS.into(),
        sub: "248289761001-alice@example.com".into(),
        aud: vec![AUD.into(), "https://api.example.com/billing".into()],
        exp: now + 86_400,
        iat: now,
        scope: "orders:read orders:write billing:read profile".into(),
        client_id: "s6BhdRkqt3-customer-portal".into(),
        jti: "7f3c0a4e-5b1d-4c1e-9a2f-0d6b8e1c2a94".into(),
    }
}

/// Median nanoseconds per call of `f` (see [`measure_interleaved`]), for benches that
/// time one implementation.
pub(crate) fn measure<R>(mut f: impl FnMut() -> R) -> f64 {
    let op: Box<dyn FnMut() -> bool + '_> = Box::new(|| {
        black_box(f());
        true
    });
    measure_interleaved(&mut [("", Some(op))])[0].ns.unwrap()
}

/// A benchmarked operation: `None` when the implementation cannot run this case.
type Op<'a> = Option<Box<dyn FnMut() -> bool + 'a>>;

/// Times several implementations of one operation **interleaved**: every round runs
/// one ~20 ms batch of each in turn, so a slow phase of the shared machine hits all
/// of them alike and the ratios stay meaningful. Returns the median of 11 rounds per
/// implementation, in ns per call.
fn measure_interleaved(ops: &mut [(&'static str, Op<'_>)]) -> Vec<Result> {
    const ROUNDS: usize = 11;
    let batches: Vec<u64> = ops
        .iter_mut()
        .map(|(_, op)| match op {
            Some(f) => {
                let start = Instant::now();
                let mut n = 0u64;
                while start.elapsed() < Duration::from_millis(10) {
                    black_box(f());
                    n += 1;
                }
                let per = start.elapsed().as_nanos() as f64 / n as f64;
                ((20_000_000.0 / per) as u64).max(1)
            }
            None => 0,
        })
        .collect();
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(ROUNDS); ops.len()];
    for _ in 0..ROUNDS {
        for (i, (_, op)) in ops.iter_mut().enumerate() {
            if let Some(f) = op {
                let t = Instant::now();
                for _ in 0..batches[i] {
                    black_box(f());
                }
                samples[i].push(t.elapsed().as_nanos() as f64 / batches[i] as f64);
            }
        }
    }
    ops.iter()
        .zip(samples)
        .map(|((name, op), mut s)| {
            s.sort_by(f64::total_cmp);
            Result {
                name,
                ns: op.as_ref().map(|_| s[ROUNDS / 2]),
            }
        })
        .collect()
}

struct Keys {
    audex: SigningKey,
    pem: Vec<u8>,
    secret: Vec<u8>,
}

fn pem_to_der(pem: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(pem).unwrap();
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

fn keys_for(alg: Algorithm) -> Keys {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/keys/");
    let file = match alg {
        Algorithm::ES256 => "p256.pem",
        Algorithm::ES384 => "p384.pem",
        Algorithm::EdDSA => "ed25519.pem",
        _ => "rsa2048.pem",
    };
    let pem = std::fs::read(format!("{dir}{file}")).unwrap();
    let secret: Vec<u8> = (0..alg.hash_len() as u8).collect();
    let audex = match alg.family() {
        audex_jose::KeyFamily::Hmac => SigningKey::hmac(alg, &secret).unwrap(),
        _ => SigningKey::from_pkcs8_pem(alg, &pem).unwrap(),
    }
    .with_kid("bench-key");
    Keys { audex, pem, secret }
}

struct Result {
    name: &'static str,
    ns: Option<f64>,
}

fn jwt_alg(alg: Algorithm) -> jsonwebtoken::Algorithm {
    use jsonwebtoken::Algorithm as J;
    match alg {
        Algorithm::HS256 => J::HS256,
        Algorithm::HS384 => J::HS384,
        Algorithm::HS512 => J::HS512,
        Algorithm::RS256 => J::RS256,
        Algorithm::RS384 => J::RS384,
        Algorithm::RS512 => J::RS512,
        Algorithm::PS256 => J::PS256,
        Algorithm::PS384 => J::PS384,
        Algorithm::PS512 => J::PS512,
        Algorithm::ES256 => J::ES256,
        Algorithm::ES384 => J::ES384,
        Algorithm::EdDSA => J::EdDSA,
        _ => panic!("no jsonwebtoken algorithm for {alg}"),
    }
}

/// The floor verifier: ring with key material parsed once.
enum Floor {
    Hmac(ring::hmac::Key),
    Rsa(
        signature::RsaPublicKeyComponents<Vec<u8>>,
        &'static signature::RsaParameters,
    ),
    Other(signature::UnparsedPublicKey<Vec<u8>>),
}

fn floor_for(alg: Algorithm, k: &Keys) -> Floor {
    let der = pem_to_der(&k.pem);
    match alg {
        Algorithm::HS256 => Floor::Hmac(ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &k.secret)),
        Algorithm::HS384 => Floor::Hmac(ring::hmac::Key::new(ring::hmac::HMAC_SHA384, &k.secret)),
        Algorithm::HS512 => Floor::Hmac(ring::hmac::Key::new(ring::hmac::HMAC_SHA512, &k.secret)),
        Algorithm::ES256 | Algorithm::ES384 => {
            let (sa, va): (
                &'static signature::EcdsaSigningAlgorithm,
                &'static signature::EcdsaVerificationAlgorithm,
            ) = if alg == Algorithm::ES256 {
                (
                    &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                    &signature::ECDSA_P256_SHA256_FIXED,
                )
            } else {
                (
                    &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
                    &signature::ECDSA_P384_SHA384_FIXED,
                )
            };
            let kp =
                signature::EcdsaKeyPair::from_pkcs8(sa, &der, &ring::rand::SystemRandom::new())
                    .unwrap();
            Floor::Other(signature::UnparsedPublicKey::new(
                va,
                kp.public_key().as_ref().to_vec(),
            ))
        }
        Algorithm::EdDSA => {
            let kp = signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der).unwrap();
            Floor::Other(signature::UnparsedPublicKey::new(
                &signature::ED25519,
                kp.public_key().as_ref().to_vec(),
            ))
        }
        _ => {
            let jwk = k.audex.to_public_jwk().unwrap();
            let n = B64.decode(jwk["n"].as_str().unwrap()).unwrap();
            let e = B64.decode(jwk["e"].as_str().unwrap()).unwrap();
            let params: &'static signature::RsaParameters = match alg {
                Algorithm::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
                Algorithm::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
                Algorithm::PS256 => &signature::RSA_PSS_2048_8192_SHA256,
                Algorithm::PS384 => &signature::RSA_PSS_2048_8192_SHA384,
                Algorithm::PS512 => &signature::RSA_PSS_2048_8192_SHA512,
                _ => &signature::RSA_PKCS1_2048_8192_SHA256,
            };
            Floor::Rsa(signature::RsaPublicKeyComponents { n, e }, params)
        }
    }
}

fn floor_verify(f: &Floor, token: &str) -> bool {
    let Some((input, sig)) = token.rsplit_once('.') else {
        return false;
    };
    let Ok(sig) = B64.decode(sig) else {
        return false;
    };
    match f {
        Floor::Hmac(k) => ring::hmac::verify(k, input.as_bytes(), &sig).is_ok(),
        Floor::Rsa(c, p) => c.verify(p, input.as_bytes(), &sig).is_ok(),
        Floor::Other(k) => k.verify(input.as_bytes(), &sig).is_ok(),
    }
}

/// The floor signer: ring over a precomputed signing input.
enum FloorSigner {
    Hmac(ring::hmac::Key),
    Rsa(signature::RsaKeyPair, &'static dyn signature::RsaEncoding),
    Ecdsa(signature::EcdsaKeyPair),
    Ed(signature::Ed25519KeyPair),
}

fn floor_signer(alg: Algorithm, k: &Keys) -> FloorSigner {
    let der = pem_to_der(&k.pem);
    let rng = ring::rand::SystemRandom::new();
    match alg {
        Algorithm::HS256 => {
            FloorSigner::Hmac(ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &k.secret))
        }
        Algorithm::HS384 => {
            FloorSigner::Hmac(ring::hmac::Key::new(ring::hmac::HMAC_SHA384, &k.secret))
        }
        Algorithm::HS512 => {
            FloorSigner::Hmac(ring::hmac::Key::new(ring::hmac::HMAC_SHA512, &k.secret))
        }
        Algorithm::ES256 => FloorSigner::Ecdsa(
            signature::EcdsaKeyPair::from_pkcs8(
                &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                &der,
                &rng,
            )
            .unwrap(),
        ),
        Algorithm::ES384 => FloorSigner::Ecdsa(
            signature::EcdsaKeyPair::from_pkcs8(
                &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
                &der,
                &rng,
            )
            .unwrap(),
        ),
        Algorithm::EdDSA => {
            FloorSigner::Ed(signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der).unwrap())
        }
        _ => {
            let enc: &'static dyn signature::RsaEncoding = match alg {
                Algorithm::RS384 => &signature::RSA_PKCS1_SHA384,
                Algorithm::RS512 => &signature::RSA_PKCS1_SHA512,
                Algorithm::PS256 => &signature::RSA_PSS_SHA256,
                Algorithm::PS384 => &signature::RSA_PSS_SHA384,
                Algorithm::PS512 => &signature::RSA_PSS_SHA512,
                _ => &signature::RSA_PKCS1_SHA256,
            };
            FloorSigner::Rsa(signature::RsaKeyPair::from_pkcs8(&der).unwrap(), enc)
        }
    }
}

fn floor_sign(s: &FloorSigner, rng: &ring::rand::SystemRandom, input: &str) -> String {
    let sig = match s {
        FloorSigner::Hmac(k) => ring::hmac::sign(k, input.as_bytes()).as_ref().to_vec(),
        FloorSigner::Rsa(kp, enc) => {
            let mut sig = vec![0; kp.public().modulus_len()];
            kp.sign(*enc, rng, input.as_bytes(), &mut sig).unwrap();
            sig
        }
        FloorSigner::Ecdsa(kp) => kp.sign(rng, input.as_bytes()).unwrap().as_ref().to_vec(),
        FloorSigner::Ed(kp) => kp.sign(input.as_bytes()).as_ref().to_vec(),
    };
    let mut out = String::with_capacity(input.len() + 1 + sig.len() * 4 / 3 + 4);
    out.push_str(input);
    out.push('.');
    B64.encode_string(&sig, &mut out);
    out
}

fn jwt_simple_verify(alg: Algorithm, k: &Keys, token: &str) -> Option<Box<dyn Fn() -> bool>> {
    use jwt_simple::prelude::*;
    let opts = || VerificationOptions {
        allowed_issuers: Some(HashSet::from_strings(&[ISS])),
        allowed_audiences: Some(HashSet::from_strings(&[AUD])),
        ..Default::default()
    };
    let pem = std::str::from_utf8(&k.pem).unwrap().to_owned();
    let t = token.to_owned();
    macro_rules! asym {
        ($kp:ty) => {{
            let pk = <$kp>::from_pem(&pem).ok()?.public_key();
            let o = opts();
            Box::new(move || pk.verify_token::<Custom>(&t, Some(o.clone())).is_ok())
        }};
    }
    macro_rules! hmac {
        ($k:ty) => {{
            let key = <$k>::from_bytes(&k.secret);
            let o = opts();
            Box::new(move || key.verify_token::<Custom>(&t, Some(o.clone())).is_ok())
        }};
    }
    Some(match alg {
        Algorithm::HS256 => hmac!(HS256Key),
        Algorithm::HS384 => hmac!(HS384Key),
        Algorithm::HS512 => hmac!(HS512Key),
        Algorithm::RS256 => asym!(RS256KeyPair),
        Algorithm::RS384 => asym!(RS384KeyPair),
        Algorithm::RS512 => asym!(RS512KeyPair),
        Algorithm::PS256 => asym!(PS256KeyPair),
        Algorithm::PS384 => asym!(PS384KeyPair),
        Algorithm::PS512 => asym!(PS512KeyPair),
        Algorithm::ES256 => asym!(ES256KeyPair),
        Algorithm::ES384 => asym!(ES384KeyPair),
        Algorithm::EdDSA => asym!(Ed25519KeyPair),
        _ => return None,
    })
}

fn jwt_simple_sign(alg: Algorithm, k: &Keys, c: &Typical) -> Option<Box<dyn Fn() -> bool>> {
    use jwt_simple::prelude::*;
    let pem = std::str::from_utf8(&k.pem).unwrap().to_owned();
    let c = c.clone();
    let claims = move || {
        Claims::with_custom_claims(
            Custom {
                scope: c.scope.clone(),
                client_id: c.client_id.clone(),
            },
            Duration::from_hours(24),
        )
        .with_issuer(&c.iss)
        .with_subject(&c.sub)
        .with_audiences(HashSet::from_strings(&c.aud))
        .with_jwt_id(&c.jti)
    };
    macro_rules! asym {
        ($kp:ty) => {{
            let kp = <$kp>::from_pem(&pem).ok()?;
            Box::new(move || kp.sign(claims()).is_ok())
        }};
    }
    macro_rules! hmac {
        ($k:ty) => {{
            let key = <$k>::from_bytes(&k.secret);
            Box::new(move || key.authenticate(claims()).is_ok())
        }};
    }
    Some(match alg {
        Algorithm::HS256 => hmac!(HS256Key),
        Algorithm::HS384 => hmac!(HS384Key),
        Algorithm::HS512 => hmac!(HS512Key),
        Algorithm::RS256 => asym!(RS256KeyPair),
        Algorithm::RS384 => asym!(RS384KeyPair),
        Algorithm::RS512 => asym!(RS512KeyPair),
        Algorithm::PS256 => asym!(PS256KeyPair),
        Algorithm::PS384 => asym!(PS384KeyPair),
        Algorithm::PS512 => asym!(PS512KeyPair),
        Algorithm::ES256 => asym!(ES256KeyPair),
        Algorithm::ES384 => asym!(ES384KeyPair),
        Algorithm::EdDSA => asym!(Ed25519KeyPair),
        _ => return None,
    })
}

fn jsonwebtoken_keys(
    alg: Algorithm,
    k: &Keys,
) -> Option<(jsonwebtoken::EncodingKey, jsonwebtoken::DecodingKey)> {
    use jsonwebtoken::{DecodingKey, EncodingKey};
    let public = k.audex.to_public_jwk();
    let s = |m: &str| {
        public
            .as_ref()
            .and_then(|j| j[m].as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    Some(match alg.family() {
        audex_jose::KeyFamily::Hmac => (
            EncodingKey::from_secret(&k.secret),
            DecodingKey::from_secret(&k.secret),
        ),
        audex_jose::KeyFamily::Rsa => (
            EncodingKey::from_rsa_pem(&k.pem).ok()?,
            DecodingKey::from_rsa_components(&s("n"), &s("e")).ok()?,
        ),
        audex_jose::KeyFamily::Ec => (
            EncodingKey::from_ec_pem(&k.pem).ok()?,
            DecodingKey::from_ec_components(&s("x"), &s("y")).ok()?,
        ),
        audex_jose::KeyFamily::Ed25519 => (
            EncodingKey::from_ed_pem(&k.pem).ok()?,
            DecodingKey::from_ed_components(&s("x")).ok()?,
        ),
        _ => return None,
    })
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "jose".into());
    if which == "policy" {
        policy::run();
        return;
    }
    if which == "floor" {
        floor::run();
        return;
    }
    if which == "assertions" {
        let rest: Vec<String> = std::env::args().skip(2).collect();
        assertions::run(&rest);
        return;
    }
    if which != "jose" {
        eprintln!("bench: unknown benchmark `{which}` (available: jose, policy, floor, assertions)");
        std::process::exit(2);
    }
    let only: Option<String> = std::env::args().nth(2);
    let now_s = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let now = NumericDate::from_secs(now_s).unwrap();
    let c = typical(now_s);
    let claims_json = serde_json::to_vec(&c).unwrap();
    let at = AccessTokenClaims::from_json_slice(&claims_json).unwrap();
    println!(
        "audex-jose benchmark: one process, one run; implementations interleaved, median of 11 rounds of ~20 ms batches"
    );
    println!(
        "token: RFC 9068 access token, claims {} bytes (iss, sub, 2 aud, exp, iat, scope, client_id, jti)",
        claims_json.len()
    );
    println!(
        "backends: audex-jose = ring 0.17; floor = ring 0.17 (decode signature + verify / sign + encode);"
    );
    println!(
        "          jsonwebtoken 11 = aws-lc-rs (jwt/aws-lc) and RustCrypto (jwt/RustCrypto), both in this process; jwt-simple 0.15 = pure-rust feature"
    );
    println!(
        "          (BoringSSL / aws-lc builds need cmake and clang, which this machine lacks)"
    );
    println!();
    println!(
        "{:<6} {:<7} {:<15} {:>12} {:>11} {:>9}",
        "alg", "op", "impl", "ops/s", "µs/op", "vs floor"
    );
    install_switching_jwt_provider();
    let rng = ring::rand::SystemRandom::new();
    let mut md = String::from(
        "| alg | op | audex | floor (ring) | jsonwebtoken (aws-lc-rs) | jsonwebtoken (RustCrypto) | jwt-simple | audex / floor | jsonwebtoken aws-lc / audex |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    for alg in Algorithm::ALL {
        if only.as_deref().is_some_and(|o| o != alg.name()) {
            continue;
        }
        let k = keys_for(alg);
        let token = audex_jose::sign_access_token(&at, &k.audex).unwrap();
        let keys = KeySet::new(vec![k.audex.verifying_key().unwrap()]);
        let validation = Validation::access_token(
            StringOrUri::new(ISS).unwrap(),
            StringOrUri::new(AUD).unwrap(),
        );
        assert!(validation.verify(&token, &keys, now).is_ok());
        let floor = floor_for(alg, &k);
        assert!(floor_verify(&floor, &token));
        let (ek, dk) = jsonwebtoken_keys(alg, &k).unzip();
        let mut jv = jsonwebtoken::Validation::new(jwt_alg(alg));
        jv.set_issuer(&[ISS]);
        jv.set_audience(&[AUD]);
        let jwt_ok = |aws: bool| {
            jwt_backend(aws);
            dk.as_ref()
                .is_some_and(|d| jsonwebtoken::decode::<Typical>(&token, d, &jv).is_ok())
        };
        let (jwt_aws_ok, jwt_rc_ok) = (jwt_ok(true), jwt_ok(false));
        let simple = jwt_simple_verify(alg, &k, &token);
        let simple_ok = simple.as_ref().map(|f| f());

        let verify = measure_interleaved(&mut [
            (
                "floor (ring)",
                Some(Box::new(|| floor_verify(&floor, &token)) as Box<dyn FnMut() -> bool>),
            ),
            (
                "audex",
                Some(Box::new(|| validation.verify(&token, &keys, now).is_ok())),
            ),
            (
                "jwt/aws-lc",
                dk.as_ref().filter(|_| jwt_aws_ok).map(|d| {
                    Box::new(|| {
                        jwt_backend(true);
                        jsonwebtoken::decode::<Typical>(&token, d, &jv).is_ok()
                    }) as Box<dyn FnMut() -> bool>
                }),
            ),
            (
                "jwt/RustCrypto",
                dk.as_ref().filter(|_| jwt_rc_ok).map(|d| {
                    Box::new(|| {
                        jwt_backend(false);
                        jsonwebtoken::decode::<Typical>(&token, d, &jv).is_ok()
                    }) as Box<dyn FnMut() -> bool>
                }),
            ),
            (
                "jwt-simple",
                simple
                    .as_ref()
                    .filter(|_| simple_ok == Some(true))
                    .map(|f| Box::new(f) as Box<dyn FnMut() -> bool>),
            ),
        ]);

        let input = token.rsplit_once('.').unwrap().0.to_owned();
        let fs = floor_signer(alg, &k);
        let mut header = jsonwebtoken::Header::new(jwt_alg(alg));
        header.typ = Some("at+jwt".into());
        header.kid = Some("bench-key".into());
        let simple_sign = jwt_simple_sign(alg, &k, &c);
        let jwt_sign_ok = |aws: bool| {
            jwt_backend(aws);
            ek.as_ref()
                .is_some_and(|e| jsonwebtoken::encode(&header, &c, e).is_ok())
        };
        let (jwt_aws_sign_ok, jwt_rc_sign_ok) = (jwt_sign_ok(true), jwt_sign_ok(false));
        let sign = measure_interleaved(&mut [
            (
                "floor (ring)",
                Some(Box::new(|| {
                    black_box(floor_sign(&fs, &rng, &input));
                    true
                }) as Box<dyn FnMut() -> bool>),
            ),
            (
                "audex",
                Some(Box::new(|| {
                    audex_jose::sign_access_token(&at, &k.audex).is_ok()
                })),
            ),
            (
                "jwt/aws-lc",
                ek.as_ref().filter(|_| jwt_aws_sign_ok).map(|e| {
                    Box::new(|| {
                        jwt_backend(true);
                        jsonwebtoken::encode(&header, &c, e).is_ok()
                    }) as Box<dyn FnMut() -> bool>
                }),
            ),
            (
                "jwt/RustCrypto",
                ek.as_ref().filter(|_| jwt_rc_sign_ok).map(|e| {
                    Box::new(|| {
                        jwt_backend(false);
                        jsonwebtoken::encode(&header, &c, e).is_ok()
                    }) as Box<dyn FnMut() -> bool>
                }),
            ),
            (
                "jwt-simple",
                simple_sign
                    .as_ref()
                    .filter(|f| f())
                    .map(|f| Box::new(f) as Box<dyn FnMut() -> bool>),
            ),
        ]);
        for (op, rows) in [("verify", &verify), ("sign", &sign)] {
            let floor_ns = rows[0].ns.unwrap();
            for r in rows.iter() {
                match r.ns {
                    Some(ns) => println!(
                        "{:<6} {:<7} {:<15} {:>12.0} {:>11.2} {:>8.2}x",
                        alg.name(),
                        op,
                        r.name,
                        1e9 / ns,
                        ns / 1000.0,
                        ns / floor_ns
                    ),
                    None => println!(
                        "{:<6} {:<7} {:<15} {:>12} {:>11} {:>9}",
                        alg.name(),
                        op,
                        r.name,
                        "n/a",
                        "",
                        ""
                    ),
                }
            }
            let get = |n: &str| rows.iter().find(|r| r.name == n).and_then(|r| r.ns);
            let cell = |v: Option<f64>| {
                v.map_or("n/a".to_owned(), |ns| {
                    format!("{:.0} ({:.2} µs)", 1e9 / ns, ns / 1000.0)
                })
            };
            let audex_ns = get("audex").unwrap();
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {:.2}× | {} |\n",
                alg.name(),
                op,
                cell(get("audex")),
                cell(get("floor (ring)")),
                cell(get("jwt/aws-lc")),
                cell(get("jwt/RustCrypto")),
                cell(get("jwt-simple")),
                audex_ns / floor_ns,
                get("jwt/aws-lc").map_or("n/a".into(), |j| format!("{:.2}×", j / audex_ns)),
            ));
        }
    }
    let out = concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/bench-jose.md");
    std::fs::write(out, &md).unwrap();
    println!("\nmarkdown table written to target/bench-jose.md (cells: ops/s (µs/op))");
}
