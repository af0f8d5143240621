//! The cost of the agent-identity profiles (issue 15) over plain verification, interleaved,
//! fastest batch of each (as `ratio`):
//!
//! - a DPoP proof (RFC 9449) verified with its access token: header `jwk` parsed and checked,
//!   RFC 7638 thumbprint, signature, `typ`/`iat`/`htm`/`htu`/`ath` checks, then the verified
//!   access token's `cnf.jkt` binding, against the raw signature verification of the proof's
//!   signing input with the same (already parsed) key, and against a plain token verify. The
//!   proof is verified with the verifier's proof-key cache warm (a client reuses its key and so
//!   its header, RFC 9449 §5) and with the cache off (header decoded, key imported and
//!   thumbprinted on every proof: a client's first proof);
//! - a delegated token (RFC 8693 `act`, one actor) through `delegation::verify_delegated`
//!   (depth and actor checks, the chain returned) against a plain token of the same issuer
//!   through `Validation::verify_with_keys`.
//!
//! `cargo run --release --bin profiles [ALG...]` (default ML-DSA-65 and Ed25519);
//! `PQJOSE_RATIO_ROUNDS` sets the rounds (default 200).

use std::hint::black_box;
use std::time::Duration;

use pqjose::delegation::{self, Delegation};
use pqjose::{Algorithm, CustomClaims, JwsVerifier, KeySet, TokenBuilder};
use pqjose_benches::dpop::DpopFixture;
use pqjose_benches::timing::{algorithms_from_args, interleaved, rounds};
use pqjose_benches::token::{self, Custom};
use pqjose_benches::{AUDIENCE, ISSUER, backend};

fn main() {
    let algs = algorithms_from_args(&[Algorithm::MlDsa65, Algorithm::Ed25519]);
    let rounds = rounds();
    let us = |d: Duration| format!("{:.1} µs", d.as_secs_f64() * 1e6);
    let x = |a: Duration, b: Duration| format!("{:.3}×", a.as_secs_f64() / b.as_secs_f64());
    println!(
        "backend {}: fastest of {rounds} interleaved batches per operation\n",
        backend()
    );
    println!(
        "| alg | proof bytes | raw verify (proof input) | plain token verify | DPoP proof verify + binding | proof / raw | proof / plain | key cache off | off / raw |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut delegated_rows = Vec::new();
    for alg in algs {
        // DPoP: the client's key signs proofs; the issuer binds the access token to it.
        let f = DpopFixture::new(alg);
        let (issuer, issuer_vk) = (&f.issuer, &f.issuer_vk);
        let validation = token::validation();
        let plain = token::mint(&f.client);
        let raw = || f.raw();
        let plain_verify = || {
            black_box(
                validation
                    .verify::<Custom>(black_box(&plain), &f.client_vk)
                    .expect("plain verify"),
            );
        };
        let dpop = || f.verify(&f.cached);
        let dpop_uncached = || f.verify(&f.uncached);
        let [raw_t, plain_t, dpop_t, uncached_t] =
            interleaved(rounds, [&raw, &plain_verify, &dpop, &dpop_uncached]);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            alg.as_str(),
            f.proof.len(),
            us(raw_t),
            us(plain_t),
            us(dpop_t),
            x(dpop_t, raw_t),
            x(dpop_t, plain_t),
            us(uncached_t),
            x(uncached_t, raw_t),
        );

        // Delegation: the exchange service (issuer key) mints a token for the subject with one
        // actor; the gateway verifies it through its key set.
        let set = KeySet::new();
        set.add(issuer_vk.clone()).expect("add key");
        let subject = validation
            .verify_with_keys::<Custom>(&token::mint(issuer), &set)
            .expect("subject token");
        let actor_token = TokenBuilder::new()
            .issuer(ISSUER)
            .subject("orchestrator-1")
            .audience(AUDIENCE)
            .ttl(Duration::from_secs(3600))
            .sign(issuer)
            .expect("actor token");
        let actor = validation
            .verify_with_keys::<CustomClaims>(&actor_token, &set)
            .expect("actor token verifies");
        let delegated = Delegation::new(ISSUER, AUDIENCE)
            .ttl(Duration::from_secs(1800))
            .mint(&subject, Some(&actor), issuer)
            .expect("mint");
        let issuer_plain = token::mint(issuer);
        let (d_input, d_signature) = token::split(&delegated);
        let d_raw = || {
            issuer_vk
                .verify(black_box(&d_input), black_box(&d_signature))
                .expect("raw verify");
        };
        let d_plain = || {
            black_box(
                validation
                    .verify_with_keys::<Custom>(black_box(&issuer_plain), &set)
                    .expect("plain verify"),
            );
        };
        let d_verify = || {
            let (token, chain) =
                delegation::verify_delegated::<Custom>(&validation, black_box(&delegated), &set)
                    .expect("delegated verifies");
            assert_eq!(chain.depth(), 1);
            black_box((token, chain));
        };
        let [d_raw_t, d_plain_t, d_t] = interleaved(rounds, [&d_raw, &d_plain, &d_verify]);
        delegated_rows.push(format!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            alg.as_str(),
            delegated.len(),
            us(d_raw_t),
            us(d_plain_t),
            us(d_t),
            x(d_t, d_raw_t),
            x(d_t, d_plain_t),
        ));
    }
    println!();
    println!(
        "| alg | delegated bytes | raw verify (delegated input) | plain token verify (key set) | delegated verify (key set, chain) | delegated / raw | delegated / plain |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for row in delegated_rows {
        println!("{row}");
    }
}
