//! Shared fixtures and invariant checks for the pqjose fuzz targets.
//!
//! Each target feeds attacker-controlled bytes to one public entry point. Returning an error is
//! always fine; a panic, an abort, a hang or a broken invariant (asserted here) is a finding.

use std::sync::OnceLock;

use pqjose::{Algorithm, Error, JwsVerifier, SigningKey, VerifyingKey};

/// The fixed verification keys (public JWKs, plus the RFC 7515 A.1 HMAC secret).
pub const KEY_JSON: &[&str] = &[
    include_str!("../keys/hs256.json"),
    include_str!("../keys/rs256.json"),
    include_str!("../keys/es256.json"),
    include_str!("../keys/ed25519.json"),
    include_str!("../keys/ml_dsa_44.json"),
    include_str!("../keys/ml_dsa_44_ed25519.json"),
    include_str!("../keys/slh_dsa_sha2_128s.json"),
];

/// The fixed keys that this build of pqjose can import (backends that are not implemented yet
/// are skipped, so the targets work at every stage of the project).
pub fn verifiers() -> &'static [VerifyingKey] {
    static KEYS: OnceLock<Vec<VerifyingKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        KEY_JSON
            .iter()
            .filter_map(|j| VerifyingKey::from_jwk_json(j).ok())
            .collect()
    })
}

/// A verifier that accepts every signature for one algorithm: lets the fuzzer reach the code
/// after signature verification (payload decoding) without forging signatures.
#[derive(Debug)]
pub struct AcceptAny(pub Algorithm);

impl JwsVerifier for AcceptAny {
    fn algorithm(&self) -> Algorithm {
        self.0
    }

    fn verify(&self, _signing_input: &[u8], _signature: &[u8]) -> Result<(), Error> {
        Ok(())
    }
}

/// Every error has a code and a short message. Messages are fixed text (plus algorithm names),
/// so their length is bounded whatever the input: they cannot echo token or key bytes.
pub fn check_error(e: &Error) {
    let code = e.code();
    assert!((100..1000).contains(&code), "code {code} out of range");
    let msg = e.to_string();
    assert!(!msg.is_empty() && msg.len() <= 160, "unbounded error message");
}

/// Algorithms whose signing is slow enough to hurt fuzzing throughput.
pub fn slow_to_sign(alg: Algorithm) -> bool {
    matches!(
        alg.family(),
        pqjose::Family::SlhDsa | pqjose::Family::Rsa
    )
}

/// A private key imported from untrusted input must be self-consistent: it signs, its own
/// verifying key accepts the signature, and its JWK export imports back to the same key.
pub fn check_signing_key(sk: &SigningKey) {
    let vk = sk.verifying_key().expect("verifying key of an imported signing key");
    assert_eq!(vk.algorithm(), sk.algorithm());
    assert_eq!(vk.kid(), sk.kid());
    let jwk = sk.to_jwk().expect("export of an imported signing key");
    assert!(jwk.is_private());
    let again = SigningKey::from_jwk(&jwk).expect("re-import of an exported signing key");
    assert_eq!(again.algorithm(), sk.algorithm());
    assert_eq!(again.thumbprint().ok(), sk.thumbprint().ok());
    if !slow_to_sign(sk.algorithm()) {
        let token = pqjose::jws::sign_payload(sk, b"{}").expect("sign with an imported key");
        let ok = pqjose::jws::verify(&vk, &token).expect("own signature verifies");
        assert_eq!(ok.payload(), b"{}");
    }
}

/// A public key imported from untrusted input exports and re-imports to the same key.
pub fn check_verifying_key(vk: &VerifyingKey) {
    if vk.algorithm().is_symmetric() {
        assert!(vk.to_jwk().is_err(), "HMAC key exported as a public JWK");
        return;
    }
    let jwk = vk.to_jwk().expect("export of an imported verifying key");
    assert!(!jwk.is_private(), "public export carries private members");
    let again = VerifyingKey::from_jwk(&jwk).expect("re-import of an exported verifying key");
    assert_eq!(again.algorithm(), vk.algorithm());
    assert_eq!(again.kid(), vk.kid());
    assert_eq!(again.thumbprint().ok(), vk.thumbprint().ok());
}
