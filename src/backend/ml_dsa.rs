//! Backend stub: to be implemented.

use std::sync::Arc;

use crate::alg::Algorithm;
use crate::backend::{PublicBackend, SecretBackend};
use crate::error::{AlgorithmError, Error};
use crate::jwk::Jwk;

pub(crate) fn generate(alg: Algorithm) -> Result<Box<dyn SecretBackend>, Error> {
    Err(AlgorithmError::Unsupported(alg).into())
}

pub(crate) fn secret_from_jwk(alg: Algorithm, _jwk: &Jwk) -> Result<Box<dyn SecretBackend>, Error> {
    Err(AlgorithmError::Unsupported(alg).into())
}

pub(crate) fn public_from_jwk(alg: Algorithm, _jwk: &Jwk) -> Result<Arc<dyn PublicBackend>, Error> {
    Err(AlgorithmError::Unsupported(alg).into())
}

pub(crate) fn secret_from_pkcs8(
    alg: Algorithm,
    _der: &[u8],
) -> Result<Box<dyn SecretBackend>, Error> {
    Err(AlgorithmError::Unsupported(alg).into())
}

pub(crate) fn public_from_spki(
    alg: Algorithm,
    _der: &[u8],
) -> Result<Arc<dyn PublicBackend>, Error> {
    Err(AlgorithmError::Unsupported(alg).into())
}

// TEMPORARY interface stub so the composite backend compiles before the real ML-DSA backend
// lands on main ("ml_dsa backend:"). On merge, take main's version of this file.
use crate::backend::SigningMode;

pub(crate) struct MlDsaSecret;

impl MlDsaSecret {
    pub(crate) fn from_seed(alg: Algorithm, _seed: &[u8]) -> Result<Self, Error> {
        Err(AlgorithmError::Unsupported(alg).into())
    }
    pub(crate) fn seed(&self) -> &[u8] {
        &[]
    }
    pub(crate) fn public_key_bytes(&self) -> Vec<u8> {
        Vec::new()
    }
    pub(crate) fn sign_with_context(
        &self,
        _msg: &[u8],
        _ctx: &[u8],
        _mode: SigningMode,
    ) -> Result<Vec<u8>, Error> {
        Err(Error::Crypto)
    }
    pub(crate) fn public(&self) -> MlDsaPublic {
        MlDsaPublic
    }
}

pub(crate) struct MlDsaPublic;

impl MlDsaPublic {
    pub(crate) fn from_bytes(alg: Algorithm, _pk: &[u8]) -> Result<Self, Error> {
        Err(AlgorithmError::Unsupported(alg).into())
    }
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        Vec::new()
    }
    pub(crate) fn verify_with_context(
        &self,
        _msg: &[u8],
        _ctx: &[u8],
        _sig: &[u8],
    ) -> Result<(), Error> {
        Err(Error::InvalidSignature)
    }
}
