//! Built-in algorithm backends, one module per family, each with the same five entry points:
//!
//! ```text
//! generate(alg)                -> Box<dyn SecretBackend>
//! secret_from_jwk(alg, &Jwk)   -> Box<dyn SecretBackend>
//! public_from_jwk(alg, &Jwk)   -> Arc<dyn PublicBackend>
//! secret_from_pkcs8(alg, der)  -> Box<dyn SecretBackend>
//! public_from_spki(alg, der)   -> Arc<dyn PublicBackend>
//! ```
//!
//! [`crate::keys::key`] dispatches on [`Family`]; nothing outside this folder touches a crypto crate.

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::alg::{Algorithm, Family};
use crate::error::{Error, KeyError};
use crate::format::jwk::Jwk;

#[cfg(feature = "aws-lc")]
pub(crate) mod aws_lc;
pub(crate) mod composite;
pub(crate) mod ecdsa;
pub(crate) mod eddsa;
pub(crate) mod hmac;
pub(crate) mod ml_dsa;
pub(crate) mod rng;
pub(crate) mod rsa;
pub(crate) mod slh_dsa;

/// How a randomized-capable algorithm signs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SigningMode {
    /// Fresh randomness mixed into every signature where the algorithm allows it (ML-DSA's
    /// hedged signing, FIPS 204 §3.4). The default.
    #[default]
    Hedged,
    /// Deterministic signing: the same key and input give the same signature.
    Deterministic,
}

/// A private key of one family. Implementations hold their secret in zeroizing types and
/// print no secret in `Debug`.
pub(crate) trait SecretBackend: Send + Sync + core::fmt::Debug {
    /// The bound algorithm.
    fn algorithm(&self) -> Algorithm;
    /// Sign the JWS signing input.
    fn sign(&self, msg: &[u8], mode: SigningMode) -> Result<Vec<u8>, Error>;
    /// The matching public key (for HMAC: a verifier holding a copy of the secret).
    fn public(&self) -> Result<Arc<dyn PublicBackend>, Error>;
    /// The private JWK (public members plus private ones), without `kid`.
    fn to_jwk(&self) -> Result<Jwk, Error>;
    /// PKCS#8 DER of the private key.
    fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error>;
}

/// A public (verifying) key of one family.
pub(crate) trait PublicBackend: Send + Sync + core::fmt::Debug {
    /// The bound algorithm.
    fn algorithm(&self) -> Algorithm;
    /// Verify `sig` over the JWS signing input. Failure is [`Error::InvalidSignature`] (or
    /// [`crate::FormatError::SignatureLength`] for a signature of impossible length).
    fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), Error>;
    /// The JWK with every member needed for a thumbprint, without `kid`. Public for asymmetric
    /// keys; for HMAC this includes `k` (callers refuse to export it).
    fn to_jwk(&self) -> Result<Jwk, Error>;
    /// SPKI DER of the public key.
    fn to_spki_der(&self) -> Result<Vec<u8>, Error>;
}

pub(crate) fn generate(alg: Algorithm) -> Result<Box<dyn SecretBackend>, Error> {
    #[cfg(feature = "aws-lc")]
    if let Some(result) = aws_lc::generate(alg) {
        return result;
    }
    match alg.family() {
        Family::MlDsa => ml_dsa::generate(alg),
        Family::SlhDsa => slh_dsa::generate(alg),
        Family::EdDsa => eddsa::generate(alg),
        Family::Ecdsa => ecdsa::generate(alg),
        Family::Rsa => rsa::generate(alg),
        Family::Hmac => hmac::generate(alg),
        Family::Composite => composite::generate(alg),
    }
}

pub(crate) fn secret_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Box<dyn SecretBackend>, Error> {
    #[cfg(feature = "aws-lc")]
    if let Some(result) = aws_lc::secret_from_jwk(alg, jwk) {
        return result;
    }
    match alg.family() {
        Family::MlDsa => ml_dsa::secret_from_jwk(alg, jwk),
        Family::SlhDsa => slh_dsa::secret_from_jwk(alg, jwk),
        Family::EdDsa => eddsa::secret_from_jwk(alg, jwk),
        Family::Ecdsa => ecdsa::secret_from_jwk(alg, jwk),
        Family::Rsa => rsa::secret_from_jwk(alg, jwk),
        Family::Hmac => hmac::secret_from_jwk(alg, jwk),
        Family::Composite => composite::secret_from_jwk(alg, jwk),
    }
}

pub(crate) fn public_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Arc<dyn PublicBackend>, Error> {
    #[cfg(feature = "aws-lc")]
    if let Some(result) = aws_lc::public_from_jwk(alg, jwk) {
        return result;
    }
    match alg.family() {
        Family::MlDsa => ml_dsa::public_from_jwk(alg, jwk),
        Family::SlhDsa => slh_dsa::public_from_jwk(alg, jwk),
        Family::EdDsa => eddsa::public_from_jwk(alg, jwk),
        Family::Ecdsa => ecdsa::public_from_jwk(alg, jwk),
        Family::Rsa => rsa::public_from_jwk(alg, jwk),
        Family::Hmac => hmac::public_from_jwk(alg, jwk),
        Family::Composite => composite::public_from_jwk(alg, jwk),
    }
}

pub(crate) fn secret_from_pkcs8(
    alg: Algorithm,
    der: &[u8],
) -> Result<Box<dyn SecretBackend>, Error> {
    #[cfg(feature = "aws-lc")]
    if let Some(result) = aws_lc::secret_from_pkcs8(alg, der) {
        return result;
    }
    match alg.family() {
        Family::MlDsa => ml_dsa::secret_from_pkcs8(alg, der),
        Family::EdDsa => eddsa::secret_from_pkcs8(alg, der),
        Family::Ecdsa => ecdsa::secret_from_pkcs8(alg, der),
        Family::Rsa => rsa::secret_from_pkcs8(alg, der),
        Family::Composite => composite::secret_from_pkcs8(alg, der),
        Family::SlhDsa | Family::Hmac => Err(KeyError::PemUnsupported.into()),
    }
}

pub(crate) fn public_from_spki(
    alg: Algorithm,
    der: &[u8],
) -> Result<Arc<dyn PublicBackend>, Error> {
    #[cfg(feature = "aws-lc")]
    if let Some(result) = aws_lc::public_from_spki(alg, der) {
        return result;
    }
    match alg.family() {
        Family::MlDsa => ml_dsa::public_from_spki(alg, der),
        Family::EdDsa => eddsa::public_from_spki(alg, der),
        Family::Ecdsa => ecdsa::public_from_spki(alg, der),
        Family::Rsa => rsa::public_from_spki(alg, der),
        Family::Composite => composite::public_from_spki(alg, der),
        Family::SlhDsa | Family::Hmac => Err(KeyError::PemUnsupported.into()),
    }
}

/// Decode a required public (non-secret) base64url JWK member.
pub(crate) fn member(value: &Option<String>) -> Result<Vec<u8>, Error> {
    let s = value.as_deref().ok_or(Error::Key(KeyError::MalformedJwk))?;
    crate::format::b64::decode(s).map_err(|_| Error::Key(KeyError::InvalidEncoding))
}

/// Decode a required secret base64url JWK member into a zeroizing buffer.
pub(crate) fn secret_member(
    value: &Option<crate::format::jwk::SecretMember>,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    value
        .as_ref()
        .ok_or(Error::Key(KeyError::NotPrivate))?
        .decode()
}

/// A JWK skeleton of the algorithm's key type with `alg` set.
pub(crate) fn jwk_for(alg: Algorithm) -> Jwk {
    Jwk {
        kty: alg.key_type().to_owned(),
        alg: Some(alg.as_str().to_owned()),
        ..Jwk::default()
    }
}
