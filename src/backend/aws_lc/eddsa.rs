//! Ed25519 (`Ed25519` and the legacy `EdDSA` name) on `aws-lc-rs`. JWK: `OKP`, `crv` `Ed25519`,
//! `x`, `d` (RFC 8037).
//!
//! Strictness: aws-lc refuses non-canonical `S`; public keys are also decoded by
//! `ed25519-dalek` on import, so the same keys are accepted as by the RustCrypto backend, and a
//! small-order ("weak") key verifies nothing, as with `verify_strict`. One difference remains:
//! `verify_strict` also refuses a small-order `R`, which aws-lc does not check; only the
//! holder of a (non-weak) key can produce such a signature.

use std::sync::Arc;

use aws_lc_rs::signature::{ED25519, Ed25519KeyPair, KeyPair as _, ParsedPublicKey};
use zeroize::Zeroizing;

use super::{AwsPublic, rejected};
use crate::alg::Algorithm;
use crate::backend::{PublicBackend, SecretBackend, SigningMode, jwk_for, member, rng};
use crate::backend::{eddsa as rustcrypto, secret_member};
use crate::error::{AlgorithmError, Error, KeyError};
use crate::format::jwk::{Jwk, SecretMember};

const KEY_LEN: usize = 32;
const SIG_LEN: usize = 64;
const CURVE: &str = "Ed25519";

fn check_alg(alg: Algorithm) -> Result<(), Error> {
    match alg {
        Algorithm::Ed25519 | Algorithm::EdDsa => Ok(()),
        _ => Err(AlgorithmError::Unsupported(alg).into()),
    }
}

fn check_curve(jwk: &Jwk) -> Result<(), Error> {
    match jwk.crv.as_deref() {
        Some(CURVE) => Ok(()),
        Some(_) => Err(KeyError::WrongKeyType.into()),
        None => Err(KeyError::MalformedJwk.into()),
    }
}

struct Ed25519Secret {
    alg: Algorithm,
    pair: Ed25519KeyPair,
    seed: Zeroizing<[u8; KEY_LEN]>,
}

impl core::fmt::Debug for Ed25519Secret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Ed25519Secret")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl Ed25519Secret {
    fn from_seed(alg: Algorithm, seed: &[u8]) -> Result<Self, Error> {
        check_alg(alg)?;
        let mut kept = Zeroizing::new([0u8; KEY_LEN]);
        if seed.len() != KEY_LEN {
            return Err(KeyError::InvalidEncoding.into());
        }
        kept.copy_from_slice(seed);
        let pair = Ed25519KeyPair::from_seed_unchecked(seed).map_err(rejected)?;
        Ok(Self {
            alg,
            pair,
            seed: kept,
        })
    }
}

impl SecretBackend for Ed25519Secret {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn sign(&self, msg: &[u8], _mode: SigningMode) -> Result<Vec<u8>, Error> {
        let sig = self.pair.try_sign(msg).map_err(|_| Error::Crypto)?;
        Ok(sig.as_ref().to_vec())
    }

    fn public(&self) -> Result<Arc<dyn PublicBackend>, Error> {
        public_from_raw(self.alg, self.pair.public_key().as_ref())
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        Ok(Jwk {
            crv: Some(CURVE.to_owned()),
            x: Some(crate::format::b64::encode(self.pair.public_key().as_ref())),
            d: Some(SecretMember::encode(self.seed.as_slice())),
            ..jwk_for(self.alg)
        })
    }

    fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        let doc = self.pair.to_pkcs8v1().map_err(|_| Error::Crypto)?;
        Ok(Zeroizing::new(doc.as_ref().to_vec()))
    }
}

fn public_from_raw(alg: Algorithm, raw: &[u8]) -> Result<Arc<dyn PublicBackend>, Error> {
    check_alg(alg)?;
    let bytes: &[u8; KEY_LEN] = raw
        .try_into()
        .map_err(|_| Error::Key(KeyError::InvalidEncoding))?;
    // Decode as the RustCrypto backend does, so both accept the same keys.
    let dalek = ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(rejected)?;
    let key = ParsedPublicKey::new(&ED25519, raw).map_err(rejected)?;
    let jwk = Jwk {
        crv: Some(CURVE.to_owned()),
        x: Some(crate::format::b64::encode(raw)),
        ..jwk_for(alg)
    };
    Ok(Arc::new(
        AwsPublic::new(alg, key, jwk, SIG_LEN).refusing_all(dalek.is_weak()),
    ))
}

pub(crate) fn generate(alg: Algorithm) -> Result<Box<dyn SecretBackend>, Error> {
    let seed = rng::secret_array::<KEY_LEN>()?;
    Ok(Box::new(Ed25519Secret::from_seed(alg, seed.as_slice())?))
}

pub(crate) fn secret_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Box<dyn SecretBackend>, Error> {
    check_curve(jwk)?;
    let declared = member(&jwk.x)?;
    let key = Ed25519Secret::from_seed(alg, &secret_member(&jwk.d)?)?;
    if declared.as_slice() != key.pair.public_key().as_ref() {
        return Err(KeyError::Mismatch.into());
    }
    Ok(Box::new(key))
}

pub(crate) fn public_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Arc<dyn PublicBackend>, Error> {
    check_curve(jwk)?;
    public_from_raw(alg, &member(&jwk.x)?)
}

/// PKCS#8 and SPKI are parsed by the RustCrypto backend (same acceptance and errors, e.g.
/// `WrongKeyType` for another key type), then the key moves over as a JWK.
pub(crate) fn secret_from_pkcs8(
    alg: Algorithm,
    der: &[u8],
) -> Result<Box<dyn SecretBackend>, Error> {
    secret_from_jwk(alg, &rustcrypto::secret_from_pkcs8(alg, der)?.to_jwk()?)
}

pub(crate) fn public_from_spki(
    alg: Algorithm,
    der: &[u8],
) -> Result<Arc<dyn PublicBackend>, Error> {
    public_from_jwk(alg, &rustcrypto::public_from_spki(alg, der)?.to_jwk()?)
}
