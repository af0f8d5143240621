//! Value parsers for clap: a bad value is a usage error (exit 2) naming what was expected.

use pqjose::{Algorithm, AlgorithmPolicy};

/// An algorithm name (`--alg`); an unknown one lists the known names.
pub(crate) fn algorithm(name: &str) -> Result<Algorithm, String> {
    name.parse::<Algorithm>().map_err(|_| {
        let known: Vec<&str> = Algorithm::ALL.iter().map(|a| a.as_str()).collect();
        format!("unknown algorithm `{name}`; known: {}", known.join(", "))
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
