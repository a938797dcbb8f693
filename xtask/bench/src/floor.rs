//! `audex-bench floor`: the crypto bound of one token exchange on one core — one ES256
//! verify (the subject token) plus one ES256 sign (the issued token) with raw ring over
//! a typical signing input, no parsing, no policy, no HTTP. Prints exchanges/s.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair};

pub(crate) fn run() {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
        .expect("generate");
    let kp = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
        .expect("load");
    let public = signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, kp.public_key().as_ref().to_vec());
    // A typical RFC 9068 signing input (~420 bytes).
    let input = vec![b'e'; 420];
    let sig = kp.sign(&rng, &input).expect("sign");
    let round = || {
        public.verify(black_box(&input), black_box(sig.as_ref())).expect("verify");
        black_box(kp.sign(&rng, black_box(&input)).expect("sign"));
    };
    for _ in 0..200 {
        round();
    }
    let mut rates = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < Duration::from_millis(400) {
            round();
            n += 1;
        }
        rates.push(n as f64 / start.elapsed().as_secs_f64());
    }
    rates.sort_by(|a, b| a.total_cmp(b));
    println!("floor_exchanges_per_sec {:.0}", rates[2]);
    // One ES256 verify alone (a resource server's floor).
    let mut per = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < Duration::from_millis(300) {
            public.verify(black_box(&input), black_box(sig.as_ref())).expect("verify");
            n += 1;
        }
        per.push(start.elapsed().as_secs_f64() * 1e6 / n as f64);
    }
    per.sort_by(|a, b| a.total_cmp(b));
    println!("floor_verify_us {:.2}", per[2]);
}
