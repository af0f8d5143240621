//! Keys for the hardening tests (`secrets`, `zeroize_on_drop`, `proptests`).
//!
//! The SLH-DSA SHAKE 's' sets sign slowly even with the crate optimized in test builds
//! (measured: 8–15 s per signature with slh-dsa 0.2.0-rc.5), so these tests generate their keys
//! but do not sign with them ([`signs_quickly`]). Every SLH-DSA set signs and verifies in
//! `kat_slh_dsa`.
#![allow(dead_code, clippy::panic)]

use pqjose::{Algorithm, AlgorithmError, Error, Family, SigningKey};

/// Whether signing with `alg` is fast enough for a routine test run (all but the SLH-DSA
/// SHAKE 's' sets).
pub(crate) fn signs_quickly(alg: Algorithm) -> bool {
    !(alg.family() == Family::SlhDsa
        && alg.as_str().starts_with("SLH-DSA-SHAKE-")
        && alg.as_str().ends_with('s'))
}

/// A freshly generated private key for `alg`; `None` while its backend is unsupported.
pub(crate) fn test_key(alg: Algorithm) -> Option<SigningKey> {
    match SigningKey::generate(alg) {
        Ok(k) => Some(k),
        Err(Error::Algorithm(AlgorithmError::Unsupported(_))) => None,
        Err(e) => panic!("{alg}: {e}"),
    }
}
