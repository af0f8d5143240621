//! Shared helpers for the `jwt_*` integration tests.
//!
//! `TestKey` pairs a signer with its verifier. `fake` keys are a test-only keyed hash (not a
//! signature scheme) standing in for a backend; `real` keys are pqjose's own `SigningKey` /
//! `VerifyingKey`.
#![allow(dead_code)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    unreachable_pub
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64ct::{Base64UrlUnpadded, Encoding};
use pqjose::{
    Algorithm, Error, FixedClock, JwsSigner, JwsVerifier, SigningKey, TokenBuilder, Validation,
    VerifyingKey,
};
use sha2::{Digest, Sha256};

/// The fixed "now" of every test.
pub(crate) const NOW: i64 = 1_700_000_000;

pub(crate) fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// A test-only stand-in for a key: "signature" = SHA-256(alg ‖ 0 ‖ secret ‖ input).
#[derive(Debug)]
pub(crate) struct Fake {
    alg: Algorithm,
    kid: Option<String>,
    secret: Vec<u8>,
    /// How many times `verify` ran (to check bounds on tried keys).
    pub(crate) verifications: AtomicUsize,
}

impl Fake {
    pub(crate) fn new(alg: Algorithm, kid: Option<&str>, secret: &[u8]) -> Self {
        Self {
            alg,
            kid: kid.map(str::to_owned),
            secret: secret.to_vec(),
            verifications: AtomicUsize::new(0),
        }
    }

    fn mac(&self, input: &[u8]) -> Vec<u8> {
        let mut h = Sha256::new();
        h.update(self.alg.as_str().as_bytes());
        h.update([0]);
        h.update(&self.secret);
        h.update(input);
        h.finalize().to_vec()
    }
}

impl JwsSigner for Fake {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }
    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }
    fn sign(&self, input: &[u8]) -> Result<Vec<u8>, Error> {
        Ok(self.mac(input))
    }
}

impl JwsVerifier for Fake {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }
    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }
    fn verify(&self, input: &[u8], sig: &[u8]) -> Result<(), Error> {
        self.verifications.fetch_add(1, Ordering::SeqCst);
        if self.mac(input) == sig {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}

/// A signer and the matching verifier.
#[derive(Clone)]
pub(crate) struct TestKey {
    pub(crate) signer: Arc<dyn JwsSigner>,
    pub(crate) verifier: Arc<dyn JwsVerifier>,
    /// The pqjose verifying key, for real keys.
    pub(crate) public: Option<VerifyingKey>,
}

impl TestKey {
    pub(crate) fn fake(alg: Algorithm, kid: &str) -> Self {
        Self::fake_with_secret(alg, kid, kid.as_bytes())
    }

    pub(crate) fn fake_with_secret(alg: Algorithm, kid: &str, secret: &[u8]) -> Self {
        let f = Arc::new(Fake::new(alg, Some(kid), secret));
        Self {
            signer: f.clone(),
            verifier: f,
            public: None,
        }
    }

    pub(crate) fn real(alg: Algorithm, kid: &str) -> Self {
        let sk = SigningKey::generate(alg)
            .unwrap_or_else(|e| panic!("{alg}: {e}"))
            .with_kid(kid)
            .unwrap();
        let vk = sk.verifying_key().unwrap();
        Self {
            signer: Arc::new(sk),
            verifier: Arc::new(vk.clone()),
            public: Some(vk),
        }
    }

    pub(crate) fn kid(&self) -> &str {
        self.signer.key_id().unwrap_or("")
    }
}

/// The algorithms exercised with real keys.
pub(crate) const REAL_ALGS: &[Algorithm] = &[
    Algorithm::MlDsa65,
    Algorithm::Ed25519,
    Algorithm::Es256,
    Algorithm::Hs256,
];

/// Whether the backend for `alg` is available in this build.
pub(crate) fn backend_available(alg: Algorithm) -> bool {
    SigningKey::generate(alg).is_ok()
}

/// A real key when the backend exists, otherwise a fake one.
pub(crate) fn key(alg: Algorithm, kid: &str) -> TestKey {
    if backend_available(alg) {
        TestKey::real(alg, kid)
    } else {
        TestKey::fake(alg, kid)
    }
}

pub(crate) fn clock() -> FixedClock {
    FixedClock::at_secs(NOW)
}

/// The default validation at `NOW`.
pub(crate) fn validation() -> Validation {
    Validation::new().clock(clock())
}

/// A builder at `NOW`.
pub(crate) fn builder() -> TokenBuilder {
    TokenBuilder::new().clock(clock())
}

/// Claims that pass the default validation at `NOW`, plus `extra` members (JSON text without
/// braces, may be empty).
pub(crate) fn payload(extra: &str) -> String {
    let sep = if extra.is_empty() { "" } else { "," };
    format!(r#"{{"exp":{},"iat":{NOW}{sep}{extra}}}"#, NOW + 300)
}

/// Sign arbitrary raw segments: `header_seg.payload_seg.sig`.
pub(crate) fn sign_segments(signer: &dyn JwsSigner, header_seg: &str, payload_seg: &str) -> String {
    let input = format!("{header_seg}.{payload_seg}");
    let sig = signer.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", b64(&sig))
}

/// Sign an arbitrary header JSON text and payload bytes (what an attacker or a buggy issuer
/// could produce).
pub(crate) fn forge(signer: &dyn JwsSigner, header: &str, payload: &[u8]) -> String {
    sign_segments(signer, &b64(header.as_bytes()), &b64(payload))
}

/// A header JSON text for `signer` with extra members (JSON text without braces).
pub(crate) fn header_for(signer: &dyn JwsSigner, extra: &str) -> String {
    let kid = signer
        .key_id()
        .map(|k| format!(r#","kid":{}"#, serde_json::Value::from(k)))
        .unwrap_or_default();
    let sep = if extra.is_empty() { "" } else { "," };
    format!(
        r#"{{"alg":"{}"{kid}{sep}{extra}}}"#,
        signer.algorithm().as_str()
    )
}
