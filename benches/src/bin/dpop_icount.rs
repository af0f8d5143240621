//! Instruction counts of DPoP proof verification against the raw signature verification of the
//! proof's signing input (issue 15's 10 % target), under `valgrind --tool=callgrind`, so the
//! figures do not depend on the machine's load:
//!
//! ```sh
//! cargo build --release --bin dpop_icount
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/dpop.cg ../target/release/dpop_icount ML-DSA-65 50
//! callgrind_annotate --inclusive=yes /tmp/dpop.cg | grep 'dpop_icount::op_'
//! ```
//!
//! `dpop_icount ALG N`: one client key, one access token bound to it and one proof; a warm-up
//! call of every operation, then each operation `N` times inside its own `#[inline(never)]`
//! function, so callgrind's inclusive cost of `dpop_icount::op_*` is `N + 1` operations:
//! `op_raw` (the backend verify of the proof's signing input), `op_dpop` (proof verify with its
//! access token and the `cnf.jkt` binding, key cache warm), `op_dpop_uncached` (the same with
//! the key cache off: the header decoded and its key imported every time). Under valgrind
//! `sha2` runs its portable code (no SHA extensions), which overstates the `ath` and thumbprint
//! hashes.

use std::hint::black_box;
use std::time::Duration;

use pqjose::dpop::{ProofBuilder, ProofVerifier, VerifiedProof};
use pqjose::{Algorithm, CustomClaims, JwsVerifier, TokenBuilder, Verified, VerifyingKey};
use pqjose_benches::token::{self};
use pqjose_benches::{AUDIENCE, ISSUER, backend, keys};

const HTM: &str = "POST";
const HTU: &str = "https://api.example.com/orders";

struct Fixture {
    client_vk: VerifyingKey,
    input: Vec<u8>,
    signature: Vec<u8>,
    proof: String,
    access_token: String,
    bound: Verified<CustomClaims>,
    cached: ProofVerifier,
    uncached: ProofVerifier,
}

impl Fixture {
    fn dpop(&self, verifier: &ProofVerifier) -> VerifiedProof {
        let p = verifier
            .verify_with_access_token(black_box(&self.proof), HTM, HTU, &self.access_token)
            .expect("proof verifies");
        p.check_binding(&self.bound).expect("bound");
        p
    }
}

#[inline(never)]
fn op_raw(n: usize, f: &Fixture) {
    (0..n).for_each(|_| {
        f.client_vk
            .verify(black_box(&f.input), black_box(&f.signature))
            .expect("raw verify")
    });
}

#[inline(never)]
fn op_dpop(n: usize, f: &Fixture) {
    (0..n).for_each(|_| drop(black_box(f.dpop(&f.cached))));
}

#[inline(never)]
fn op_dpop_uncached(n: usize, f: &Fixture) {
    (0..n).for_each(|_| drop(black_box(f.dpop(&f.uncached))));
}

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: dpop_icount ALG N";
    let alg: Algorithm = args
        .next()
        .expect(usage)
        .parse()
        .expect("unknown algorithm");
    let n: usize = args.next().and_then(|s| s.parse().ok()).expect(usage);
    let (client, client_vk) = keys(alg);
    let (issuer, issuer_vk) = keys(alg);
    let access_token = TokenBuilder::new()
        .issuer(ISSUER)
        .subject("agent-7f3a/task-0192")
        .audience(AUDIENCE)
        .ttl(Duration::from_secs(3600))
        .claim("scope", "inventory:read orders:write")
        .cnf_jkt(client_vk.thumbprint().expect("thumbprint"))
        .sign(&issuer)
        .expect("access token");
    let bound = token::validation()
        .verify::<CustomClaims>(&access_token, &issuer_vk)
        .expect("access token verifies");
    let proof = ProofBuilder::new(HTM, HTU)
        .expect("proof builder")
        .access_token(&access_token)
        .sign(&client)
        .expect("proof");
    let (input, signature) = token::split(&proof);
    let verifier = ProofVerifier::new().max_age(Duration::from_secs(3600));
    let f = Fixture {
        client_vk,
        input,
        signature,
        proof,
        access_token,
        bound,
        uncached: verifier.clone().key_cache_capacity(0),
        cached: verifier,
    };
    for m in [1, n] {
        op_raw(m, &f);
        op_dpop(m, &f);
        op_dpop_uncached(m, &f);
    }
    println!(
        "{} {} proof {} bytes, {} operations each",
        backend(),
        alg.as_str(),
        f.proof.len(),
        n + 1
    );
}
