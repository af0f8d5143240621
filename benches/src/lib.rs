//! Fixtures shared by the pqjose benchmarks, the allocation counter and the ratio report:
//! the algorithms to measure, keys, and typical tokens ([`token`]).

use pqjose::{Algorithm, SigningKey, VerifyingKey};

/// The backend pqjose uses in this build (`rustcrypto` or `aws-lc`), used to name results.
pub fn backend() -> &'static str {
    pqjose::backend_name()
}

/// The algorithms to measure: `PQJOSE_BENCH_ALGS` (comma-separated `alg` names) or every
/// registered algorithm (the legacy `EdDSA` name is measured in the peer group only).
pub fn algorithms() -> Vec<Algorithm> {
    match std::env::var("PQJOSE_BENCH_ALGS") {
        Ok(list) => list
            .split(',')
            .map(|s| {
                s.trim()
                    .parse()
                    .expect("PQJOSE_BENCH_ALGS: unknown algorithm")
            })
            .collect(),
        Err(_) => Algorithm::ALL
            .iter()
            .copied()
            .filter(|a| a.is_registered() && *a != Algorithm::EdDsa)
            // Skip a family this build cannot generate keys for yet.
            .filter(|a| a.family() != pqjose::Family::SlhDsa || SigningKey::generate(*a).is_ok())
            .collect(),
    }
}

/// The issuer and audience every benchmark token carries.
pub const ISSUER: &str = "https://issuer.example.com";
/// See [`ISSUER`].
pub const AUDIENCE: &str = "https://api.example.com";

/// A key pair for `alg`, the verifying key parsed once (as a gateway caches it).
pub fn keys(alg: Algorithm) -> (SigningKey, VerifyingKey) {
    let sk = SigningKey::generate(alg).expect("keygen");
    let vk = sk.verifying_key().expect("verifying key");
    (sk, vk)
}

/// The `ALG N` arguments of the instruction-count binaries (`icount`, `dpop_icount`): the
/// algorithm and how many times each operation runs; `usage` when they are missing.
pub fn alg_and_count(usage: &str) -> (Algorithm, usize) {
    let mut args = std::env::args().skip(1);
    let alg = args
        .next()
        .expect(usage)
        .parse()
        .expect("unknown algorithm");
    let n = args.next().and_then(|s| s.parse().ok()).expect(usage);
    (alg, n)
}

pub mod c_abi;
pub mod dpop;
pub mod fixture;
pub mod timing;
pub mod token;
