//! Fixtures shared by the pqjose benchmarks, the allocation counter and the ratio report:
//! the algorithms to measure, a typical gateway claims set, keys and tokens.

use std::time::{SystemTime, UNIX_EPOCH};

use pqjose::{Algorithm, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

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
            .map(|s| s.trim().parse().expect("PQJOSE_BENCH_ALGS: unknown algorithm"))
            .collect(),
        Err(_) => Algorithm::ALL
            .iter()
            .copied()
            .filter(|a| a.is_registered() && *a != Algorithm::EdDsa)
            .collect(),
    }
}

/// Seconds since the epoch (the benchmark harness may read the clock).
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The issuer, audience and subject every benchmark token carries.
pub const ISSUER: &str = "https://issuer.example.com";
/// See [`ISSUER`].
pub const AUDIENCE: &str = "https://api.example.com";

/// A typical per-task access token's claims (about 250 bytes of JSON).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Subject.
    pub sub: String,
    /// Audience.
    pub aud: String,
    /// Expiry.
    pub exp: i64,
    /// Not before.
    pub nbf: i64,
    /// Issued at.
    pub iat: i64,
    /// Token id.
    pub jti: String,
    /// Granted scopes.
    pub scope: String,
    /// Padding to grow the claims (allocation counting); empty by default.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pad: String,
}

impl Claims {
    /// Claims valid for an hour from now.
    pub fn typical() -> Self {
        let now = now();
        Self {
            iss: ISSUER.to_owned(),
            sub: "agent-7f3a/task-0192".to_owned(),
            aud: AUDIENCE.to_owned(),
            exp: now + 3600,
            nbf: now - 5,
            iat: now - 5,
            jti: "b3c1f0e2a9d84c57a1e6f2d3c4b5a697".to_owned(),
            scope: "inventory:read orders:write".to_owned(),
            pad: String::new(),
        }
    }

    /// [`Claims::typical`] with `extra` bytes of padding.
    pub fn padded(extra: usize) -> Self {
        Self {
            pad: "x".repeat(extra),
            ..Self::typical()
        }
    }
}

/// A key pair for `alg`, the verifying key parsed once (as a gateway caches it).
pub fn keys(alg: Algorithm) -> (SigningKey, VerifyingKey) {
    let sk = SigningKey::generate(alg).expect("keygen");
    let vk = sk.verifying_key().expect("verifying key");
    (sk, vk)
}

pub mod token;
