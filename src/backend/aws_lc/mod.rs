//! The `aws-lc` backend (cargo feature `aws-lc`): ML-DSA-44/65/87, Ed25519, ES256/ES384,
//! RS*/PS* and HS* on `aws-lc-rs`. Every other family keeps the RustCrypto backend.
//!
//! Each family module has the same five entry points as the RustCrypto modules and speaks the
//! same key encodings (JWK members, PKCS#8, SPKI). Where `aws-lc-rs` lacks something, the
//! RustCrypto backend of the same key fills in, and only there:
//! - deterministic signing ([`SigningMode::Deterministic`](crate::SigningMode)) for ML-DSA and
//!   ECDSA, which `aws-lc-rs` signs hedged/randomized only;
//! - RSA key import and export (`aws-lc-rs` does not expose the private components), so RSA
//!   keys are checked and encoded exactly as the RustCrypto backend does;
//! - PKCS#8 and SPKI import (ML-DSA's three OpenSSL private-key forms, PKCS#8 v1/v2, curve
//!   and key-type checks), for the same acceptance and the same errors; the key then moves
//!   over as a JWK. Import is not the hot path; signing and verifying are aws-lc's.
//!
//! Public keys are parsed once into an `aws-lc-rs` `ParsedPublicKey`, so a verify is one call.

use std::sync::{Arc, OnceLock};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::ParsedPublicKey;

use crate::alg::{Algorithm, Family};
use crate::backend::{PublicBackend, SecretBackend};
use crate::error::{Error, FormatError, KeyError};
use crate::format::jwk::Jwk;
use zeroize::Zeroizing;

pub mod differential;
pub(crate) mod ecdsa;
pub(crate) mod eddsa;
pub(crate) mod hmac;
pub(crate) mod ml_dsa;
pub(crate) mod rsa;

/// A RustCrypto PKCS#8 import (`backend::<family>::secret_from_pkcs8`).
pub(crate) type Pkcs8Import = fn(Algorithm, &[u8]) -> Result<Box<dyn SecretBackend>, Error>;

/// A private key's PKCS#8 document and its RustCrypto twin, built from the document on the
/// first deterministic signature (`aws-lc-rs` signs ML-DSA and ECDSA hedged/randomized only).
/// The document is kept for export as well.
pub(crate) struct DeterministicTwin {
    alg: Algorithm,
    pkcs8: Zeroizing<Vec<u8>>,
    from_pkcs8: Pkcs8Import,
    key: OnceLock<Box<dyn SecretBackend>>,
}

impl DeterministicTwin {
    /// The twin of the key in `pkcs8`, made by `from_pkcs8` (the RustCrypto import) when needed.
    pub(crate) fn new(alg: Algorithm, pkcs8: Zeroizing<Vec<u8>>, from_pkcs8: Pkcs8Import) -> Self {
        Self {
            alg,
            pkcs8,
            from_pkcs8,
            key: OnceLock::new(),
        }
    }

    /// [`DeterministicTwin::new`] with the RustCrypto key already made.
    pub(crate) fn with_key(
        alg: Algorithm,
        pkcs8: Zeroizing<Vec<u8>>,
        from_pkcs8: Pkcs8Import,
        key: Box<dyn SecretBackend>,
    ) -> Self {
        let twin = Self::new(alg, pkcs8, from_pkcs8);
        let _ = twin.key.set(key);
        twin
    }

    /// The PKCS#8 document.
    pub(crate) fn pkcs8(&self) -> &Zeroizing<Vec<u8>> {
        &self.pkcs8
    }

    /// The RustCrypto key (made on first call; a failed import is retried next time).
    pub(crate) fn key(&self) -> Result<&dyn SecretBackend, Error> {
        if let Some(key) = self.key.get() {
            return Ok(key.as_ref());
        }
        let key = (self.from_pkcs8)(self.alg, &self.pkcs8)?;
        Ok(self.key.get_or_init(|| key).as_ref())
    }
}

/// Whether this backend implements `alg`'s family.
pub(crate) const fn covers(family: Family) -> bool {
    matches!(
        family,
        Family::MlDsa | Family::EdDsa | Family::Ecdsa | Family::Rsa | Family::Hmac
    )
}

type SecretResult = Result<Box<dyn SecretBackend>, Error>;
type PublicResult = Result<Arc<dyn PublicBackend>, Error>;

/// `generate` for the families this backend covers; `None` for the others.
pub(crate) fn generate(alg: Algorithm) -> Option<SecretResult> {
    Some(match alg.family() {
        Family::MlDsa => ml_dsa::generate(alg),
        Family::EdDsa => eddsa::generate(alg),
        Family::Ecdsa => ecdsa::generate(alg),
        Family::Rsa => rsa::generate(alg),
        Family::Hmac => hmac::generate(alg),
        Family::SlhDsa | Family::Composite => return None,
    })
}

/// `secret_from_jwk` for the families this backend covers; `None` for the others.
pub(crate) fn secret_from_jwk(alg: Algorithm, jwk: &Jwk) -> Option<SecretResult> {
    Some(match alg.family() {
        Family::MlDsa => ml_dsa::secret_from_jwk(alg, jwk),
        Family::EdDsa => eddsa::secret_from_jwk(alg, jwk),
        Family::Ecdsa => ecdsa::secret_from_jwk(alg, jwk),
        Family::Rsa => rsa::secret_from_jwk(alg, jwk),
        Family::Hmac => hmac::secret_from_jwk(alg, jwk),
        Family::SlhDsa | Family::Composite => return None,
    })
}

/// `public_from_jwk` for the families this backend covers; `None` for the others.
pub(crate) fn public_from_jwk(alg: Algorithm, jwk: &Jwk) -> Option<PublicResult> {
    Some(match alg.family() {
        Family::MlDsa => ml_dsa::public_from_jwk(alg, jwk),
        Family::EdDsa => eddsa::public_from_jwk(alg, jwk),
        Family::Ecdsa => ecdsa::public_from_jwk(alg, jwk),
        Family::Rsa => rsa::public_from_jwk(alg, jwk),
        Family::Hmac => hmac::public_from_jwk(alg, jwk),
        Family::SlhDsa | Family::Composite => return None,
    })
}

/// `secret_from_pkcs8` for the families with a PKCS#8 form this backend covers.
pub(crate) fn secret_from_pkcs8(alg: Algorithm, der: &[u8]) -> Option<SecretResult> {
    Some(match alg.family() {
        Family::MlDsa => ml_dsa::secret_from_pkcs8(alg, der),
        Family::EdDsa => eddsa::secret_from_pkcs8(alg, der),
        Family::Ecdsa => ecdsa::secret_from_pkcs8(alg, der),
        Family::Rsa => rsa::secret_from_pkcs8(alg, der),
        Family::Hmac | Family::SlhDsa | Family::Composite => return None,
    })
}

/// `public_from_spki` for the families with an SPKI form this backend covers.
pub(crate) fn public_from_spki(alg: Algorithm, der: &[u8]) -> Option<PublicResult> {
    Some(match alg.family() {
        Family::MlDsa => ml_dsa::public_from_spki(alg, der),
        Family::EdDsa => eddsa::public_from_spki(alg, der),
        Family::Ecdsa => ecdsa::public_from_spki(alg, der),
        Family::Rsa => rsa::public_from_spki(alg, der),
        Family::Hmac | Family::SlhDsa | Family::Composite => return None,
    })
}

/// An asymmetric public key parsed once by `aws-lc-rs`, with its public JWK computed at import
/// (so thumbprints and exports never touch aws-lc again).
pub(super) struct AwsPublic {
    alg: Algorithm,
    key: ParsedPublicKey,
    jwk: Jwk,
    sig_len: usize,
    /// Strict verification refuses every signature under this key (Ed25519 small-order keys).
    refuse_all: bool,
}

impl core::fmt::Debug for AwsPublic {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AwsPublic")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl AwsPublic {
    pub(super) fn new(alg: Algorithm, key: ParsedPublicKey, jwk: Jwk, sig_len: usize) -> Self {
        Self {
            alg,
            key,
            jwk,
            sig_len,
            refuse_all: false,
        }
    }

    pub(super) fn refusing_all(mut self, refuse: bool) -> Self {
        self.refuse_all = refuse;
        self
    }
}

impl PublicBackend for AwsPublic {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), Error> {
        if sig.len() != self.sig_len {
            return Err(FormatError::SignatureLength.into());
        }
        if self.refuse_all {
            return Err(Error::InvalidSignature);
        }
        self.key
            .verify_sig(msg, sig)
            .map_err(|_| Error::InvalidSignature)
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        Ok(self.jwk.clone())
    }

    fn to_spki_der(&self) -> Result<Vec<u8>, Error> {
        let der = self.key.as_der().map_err(|_| Error::Crypto)?;
        Ok(der.as_ref().to_vec())
    }
}

/// A key `aws-lc-rs` refused on import.
pub(super) fn rejected<E>(_: E) -> Error {
    KeyError::InvalidEncoding.into()
}
