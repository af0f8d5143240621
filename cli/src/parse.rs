//! Value parsers for clap: a bad value is a usage error (exit 2) naming what was expected.

use pqjose::jwe::{ContentEncryption, KeyManagement};
use pqjose::{Algorithm, AlgorithmPolicy};

/// An algorithm name (`--alg`); an unknown one lists the known names.
pub(crate) fn algorithm(name: &str) -> Result<Algorithm, String> {
    name.parse::<Algorithm>().map_err(|_| {
        let known: Vec<&str> = Algorithm::ALL.iter().map(|a| a.as_str()).collect();
        format!("unknown algorithm `{name}`; known: {}", known.join(", "))
    })
}

/// The algorithm of a key to generate: a signature algorithm or a JWE key management.
#[derive(Clone, Copy, Debug)]
pub(crate) enum KeyAlgorithm {
    /// A signature algorithm (a signing key).
    Sign(Algorithm),
    /// A JWE key-management algorithm (an encryption key).
    Encrypt(KeyManagement),
}

/// `keygen --alg`: a signature algorithm or a JWE key management; an unknown name lists both.
pub(crate) fn key_algorithm(name: &str) -> Result<KeyAlgorithm, String> {
    if let Ok(alg) = name.parse::<KeyManagement>() {
        return Ok(KeyAlgorithm::Encrypt(alg));
    }
    name.parse::<Algorithm>()
        .map(KeyAlgorithm::Sign)
        .map_err(|_| {
            let known: Vec<&str> = Algorithm::ALL
                .iter()
                .map(|a| a.as_str())
                .chain(KeyManagement::ALL.iter().map(|a| a.as_str()))
                .collect();
            format!("unknown algorithm `{name}`; known: {}", known.join(", "))
        })
}

/// A content encryption (`--enc`).
pub(crate) fn content_encryption(name: &str) -> Result<ContentEncryption, String> {
    name.parse::<ContentEncryption>().map_err(|_| {
        format!(
            "unknown content encryption `{name}`; one of A128GCM, A256GCM, A128CBC-HS256, \
             A256CBC-HS512"
        )
    })
}

/// An algorithm policy preset (`--policy`).
pub(crate) fn policy(name: &str) -> Result<AlgorithmPolicy, String> {
    name.parse::<AlgorithmPolicy>()
        .map_err(|_| format!("unknown policy `{name}`; one of pqc, hybrid, composite, any"))
}

/// A non-negative integer, such as a number of seconds.
pub(crate) fn non_negative(value: &str) -> Result<u64, String> {
    value
        .parse::<u64>()
        .map_err(|_| "must be a non-negative integer".to_owned())
}

/// A non-empty string, such as a claim name.
pub(crate) fn non_empty(value: &str) -> Result<String, String> {
    if value.is_empty() {
        Err("must not be empty".to_owned())
    } else {
        Ok(value.to_owned())
    }
}
