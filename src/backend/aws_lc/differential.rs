//! **Not API.** Both backends side by side in one process, for the differential test
//! (`tests/differential_aws_lc.rs`). Exists only with the `aws-lc` feature; may change or go
//! away at any time.

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::alg::{Algorithm, Family};
use crate::backend::{self, PublicBackend, SecretBackend, SigningMode};
use crate::error::{AlgorithmError, Error};
use crate::format::jwk::Jwk;

/// Which backend builds the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The pure-Rust backend (the default build's).
    RustCrypto,
    /// The `aws-lc-rs` backend.
    AwsLc,
}

/// A private key of one backend.
#[derive(Debug)]
pub struct Secret(Box<dyn SecretBackend>);

/// A public key of one backend.
#[derive(Debug, Clone)]
pub struct Public(Arc<dyn PublicBackend>);

fn unsupported(alg: Algorithm) -> Error {
    AlgorithmError::Unsupported(alg).into()
}

/// Generate a key.
pub fn generate(b: Backend, alg: Algorithm) -> Result<Secret, Error> {
    let inner = match (b, alg.family()) {
        (Backend::AwsLc, _) => super::generate(alg).ok_or_else(|| unsupported(alg))?,
        (Backend::RustCrypto, Family::MlDsa) => backend::ml_dsa::generate(alg),
        (Backend::RustCrypto, Family::EdDsa) => backend::eddsa::generate(alg),
        (Backend::RustCrypto, Family::Ecdsa) => backend::ecdsa::generate(alg),
        (Backend::RustCrypto, Family::Rsa) => backend::rsa::generate(alg),
        (Backend::RustCrypto, Family::Hmac) => backend::hmac::generate(alg),
        (Backend::RustCrypto, _) => backend::generate(alg),
    };
    inner.map(Secret)
}

/// Import a private JWK.
pub fn secret_from_jwk(b: Backend, alg: Algorithm, jwk: &Jwk) -> Result<Secret, Error> {
    let inner = match (b, alg.family()) {
        (Backend::AwsLc, _) => super::secret_from_jwk(alg, jwk).ok_or_else(|| unsupported(alg))?,
        (Backend::RustCrypto, Family::MlDsa) => backend::ml_dsa::secret_from_jwk(alg, jwk),
        (Backend::RustCrypto, Family::EdDsa) => backend::eddsa::secret_from_jwk(alg, jwk),
        (Backend::RustCrypto, Family::Ecdsa) => backend::ecdsa::secret_from_jwk(alg, jwk),
        (Backend::RustCrypto, Family::Rsa) => backend::rsa::secret_from_jwk(alg, jwk),
        (Backend::RustCrypto, Family::Hmac) => backend::hmac::secret_from_jwk(alg, jwk),
        (Backend::RustCrypto, _) => backend::secret_from_jwk(alg, jwk),
    };
    inner.map(Secret)
}

/// Import a public JWK (HMAC: the `oct` key).
pub fn public_from_jwk(b: Backend, alg: Algorithm, jwk: &Jwk) -> Result<Public, Error> {
    let inner = match (b, alg.family()) {
        (Backend::AwsLc, _) => super::public_from_jwk(alg, jwk).ok_or_else(|| unsupported(alg))?,
        (Backend::RustCrypto, Family::MlDsa) => backend::ml_dsa::public_from_jwk(alg, jwk),
        (Backend::RustCrypto, Family::EdDsa) => backend::eddsa::public_from_jwk(alg, jwk),
        (Backend::RustCrypto, Family::Ecdsa) => backend::ecdsa::public_from_jwk(alg, jwk),
        (Backend::RustCrypto, Family::Rsa) => backend::rsa::public_from_jwk(alg, jwk),
        (Backend::RustCrypto, Family::Hmac) => backend::hmac::public_from_jwk(alg, jwk),
        (Backend::RustCrypto, _) => backend::public_from_jwk(alg, jwk),
    };
    inner.map(Public)
}

/// Import a PKCS#8 DER private key.
pub fn secret_from_pkcs8(b: Backend, alg: Algorithm, der: &[u8]) -> Result<Secret, Error> {
    let inner = match (b, alg.family()) {
        (Backend::AwsLc, _) => {
            super::secret_from_pkcs8(alg, der).ok_or_else(|| unsupported(alg))?
        }
        (Backend::RustCrypto, Family::MlDsa) => backend::ml_dsa::secret_from_pkcs8(alg, der),
        (Backend::RustCrypto, Family::EdDsa) => backend::eddsa::secret_from_pkcs8(alg, der),
        (Backend::RustCrypto, Family::Ecdsa) => backend::ecdsa::secret_from_pkcs8(alg, der),
        (Backend::RustCrypto, Family::Rsa) => backend::rsa::secret_from_pkcs8(alg, der),
        (Backend::RustCrypto, _) => backend::secret_from_pkcs8(alg, der),
    };
    inner.map(Secret)
}

/// Import an SPKI DER public key.
pub fn public_from_spki(b: Backend, alg: Algorithm, der: &[u8]) -> Result<Public, Error> {
    let inner = match (b, alg.family()) {
        (Backend::AwsLc, _) => super::public_from_spki(alg, der).ok_or_else(|| unsupported(alg))?,
        (Backend::RustCrypto, Family::MlDsa) => backend::ml_dsa::public_from_spki(alg, der),
        (Backend::RustCrypto, Family::EdDsa) => backend::eddsa::public_from_spki(alg, der),
        (Backend::RustCrypto, Family::Ecdsa) => backend::ecdsa::public_from_spki(alg, der),
        (Backend::RustCrypto, Family::Rsa) => backend::rsa::public_from_spki(alg, der),
        (Backend::RustCrypto, _) => backend::public_from_spki(alg, der),
    };
    inner.map(Public)
}

impl Secret {
    /// Sign `msg` (hedged unless `deterministic`).
    pub fn sign(&self, msg: &[u8], deterministic: bool) -> Result<Vec<u8>, Error> {
        let mode = if deterministic {
            SigningMode::Deterministic
        } else {
            SigningMode::Hedged
        };
        self.0.sign(msg, mode)
    }

    /// The public key.
    pub fn public(&self) -> Result<Public, Error> {
        self.0.public().map(Public)
    }

    /// The private JWK.
    pub fn to_jwk(&self) -> Result<Jwk, Error> {
        self.0.to_jwk()
    }

    /// PKCS#8 DER.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        self.0.to_pkcs8_der()
    }
}

impl Public {
    /// Verify `sig` over `msg`.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), Error> {
        self.0.verify(msg, sig)
    }

    /// The JWK (public members; HMAC: `k`).
    pub fn to_jwk(&self) -> Result<Jwk, Error> {
        self.0.to_jwk()
    }

    /// SPKI DER.
    pub fn to_spki_der(&self) -> Result<Vec<u8>, Error> {
        self.0.to_spki_der()
    }
}
