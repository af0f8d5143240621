//! ML-DSA-44/65/87 on `aws-lc-rs` (`PqdsaKeyPair`, stable since aws-lc-rs 1.18). Pure ML-DSA
//! with the empty context, hedged. JWK: `AKP` with `pub` (pkEncode) and `priv` (32-byte seed).
//! Deterministic signing goes to the RustCrypto backend of the same key (aws-lc-rs has none).

use std::sync::Arc;

use aws_lc_rs::signature::{
    KeyPair as _, ML_DSA_44, ML_DSA_44_SIGNING, ML_DSA_65, ML_DSA_65_SIGNING, ML_DSA_87,
    ML_DSA_87_SIGNING, ParsedPublicKey, PqdsaKeyPair, PqdsaSigningAlgorithm,
    PqdsaVerificationAlgorithm,
};
use zeroize::Zeroizing;

use super::{AwsPublic, DeterministicTwin, rejected};
use crate::alg::Algorithm;
use crate::backend::{PublicBackend, SecretBackend, SigningMode, jwk_for, member, rng};
use crate::backend::{ml_dsa as rustcrypto, secret_member};
use crate::error::{AlgorithmError, Error, KeyError};
use crate::format::jwk::{Jwk, SecretMember};

const SEED_LEN: usize = 32;

type Params = (
    &'static PqdsaSigningAlgorithm,
    &'static PqdsaVerificationAlgorithm,
);

fn params(alg: Algorithm) -> Result<Params, Error> {
    match alg {
        Algorithm::MlDsa44 => Ok((&ML_DSA_44_SIGNING, &ML_DSA_44)),
        Algorithm::MlDsa65 => Ok((&ML_DSA_65_SIGNING, &ML_DSA_65)),
        Algorithm::MlDsa87 => Ok((&ML_DSA_87_SIGNING, &ML_DSA_87)),
        _ => Err(AlgorithmError::Unsupported(alg).into()),
    }
}

/// An ML-DSA private key. The seed is kept (zeroizing) for JWK export; aws-lc frees its own
/// copy with `OPENSSL_free`, which cleanses.
struct MlDsaSecret {
    alg: Algorithm,
    pair: PqdsaKeyPair,
    seed: Option<Zeroizing<[u8; SEED_LEN]>>,
    /// PKCS#8 (the seed form when the seed is known, else the expanded document imported,
    /// kept for the deterministic signer only: such keys are not exportable) and the
    /// RustCrypto key, built on the first deterministic signature.
    twin: DeterministicTwin,
}

impl core::fmt::Debug for MlDsaSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MlDsaSecret")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl MlDsaSecret {
    fn from_seed(alg: Algorithm, seed: Zeroizing<[u8; SEED_LEN]>) -> Result<Self, Error> {
        let (signing, _) = params(alg)?;
        let pair = PqdsaKeyPair::from_seed(signing, seed.as_slice()).map_err(rejected)?;
        let pkcs8 = pair.to_pkcs8v1().map_err(|_| Error::Crypto)?;
        Ok(Self {
            alg,
            pair,
            seed: Some(seed),
            twin: DeterministicTwin::new(
                alg,
                Zeroizing::new(pkcs8.as_ref().to_vec()),
                rustcrypto::secret_from_pkcs8,
            ),
        })
    }
}

impl SecretBackend for MlDsaSecret {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn sign(&self, msg: &[u8], mode: SigningMode) -> Result<Vec<u8>, Error> {
        if mode == SigningMode::Deterministic {
            return self.twin.key()?.sign(msg, mode);
        }
        let mut sig = vec![0u8; self.pair.algorithm().signature_len()];
        let n = self.pair.sign(msg, &mut sig).map_err(|_| Error::Crypto)?;
        sig.truncate(n);
        Ok(sig)
    }

    fn public(&self) -> Result<Arc<dyn PublicBackend>, Error> {
        public_from_raw(self.alg, self.pair.public_key().as_ref())
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        let seed = self.seed.as_ref().ok_or(KeyError::NotExportable)?;
        Ok(Jwk {
            pub_: Some(crate::format::b64::encode(self.pair.public_key().as_ref())),
            priv_: Some(SecretMember::encode(seed.as_slice())),
            ..jwk_for(self.alg)
        })
    }

    fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        if self.seed.is_none() {
            return Err(KeyError::NotExportable.into());
        }
        Ok(self.twin.pkcs8().clone())
    }
}

fn public_from_raw(alg: Algorithm, raw: &[u8]) -> Result<Arc<dyn PublicBackend>, Error> {
    let (signing, verifying) = params(alg)?;
    if raw.len() != signing.public_key_len() {
        return Err(KeyError::InvalidEncoding.into());
    }
    let key = ParsedPublicKey::new(verifying, raw).map_err(rejected)?;
    let jwk = Jwk {
        pub_: Some(crate::format::b64::encode(raw)),
        ..jwk_for(alg)
    };
    Ok(Arc::new(AwsPublic::new(
        alg,
        key,
        jwk,
        signing.signature_len(),
    )))
}

pub(crate) fn generate(alg: Algorithm) -> Result<Box<dyn SecretBackend>, Error> {
    Ok(Box::new(MlDsaSecret::from_seed(
        alg,
        rng::secret_array::<SEED_LEN>()?,
    )?))
}

pub(crate) fn secret_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Box<dyn SecretBackend>, Error> {
    let priv_ = secret_member(&jwk.priv_)?;
    let mut seed = Zeroizing::new([0u8; SEED_LEN]);
    if priv_.len() != SEED_LEN {
        return Err(KeyError::InvalidEncoding.into());
    }
    seed.copy_from_slice(&priv_);
    let key = MlDsaSecret::from_seed(alg, seed)?;
    // RFC 9964 §7.4: recompute `pub` from the seed and refuse a mismatch (a seed-only JWK is
    // accepted, as by the RustCrypto backend).
    if jwk.pub_.is_some() && member(&jwk.pub_)?.as_slice() != key.pair.public_key().as_ref() {
        return Err(KeyError::Mismatch.into());
    }
    Ok(Box::new(key))
}

pub(crate) fn public_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Arc<dyn PublicBackend>, Error> {
    public_from_raw(alg, &member(&jwk.pub_)?)
}

/// Accepts the seed-only, expanded-only and both forms. The document is checked by the
/// RustCrypto backend (same acceptance and errors); keys without a seed can sign but not be
/// exported.
pub(crate) fn secret_from_pkcs8(
    alg: Algorithm,
    der: &[u8],
) -> Result<Box<dyn SecretBackend>, Error> {
    let reference = rustcrypto::secret_from_pkcs8(alg, der)?;
    match reference.to_jwk() {
        Ok(jwk) => secret_from_jwk(alg, &jwk),
        Err(_) => {
            let (signing, _) = params(alg)?;
            let pair = PqdsaKeyPair::from_pkcs8(signing, der).map_err(rejected)?;
            Ok(Box::new(MlDsaSecret {
                alg,
                pair,
                seed: None,
                twin: DeterministicTwin::with_key(
                    alg,
                    Zeroizing::new(der.to_vec()),
                    rustcrypto::secret_from_pkcs8,
                    reference,
                ),
            }))
        }
    }
}

pub(crate) fn public_from_spki(
    alg: Algorithm,
    der: &[u8],
) -> Result<Arc<dyn PublicBackend>, Error> {
    // Checked by the RustCrypto backend (same acceptance and errors); aws-lc takes the raw key.
    let reference = rustcrypto::public_from_spki(alg, der)?.to_jwk()?;
    public_from_raw(alg, &member(&reference.pub_)?)
}
