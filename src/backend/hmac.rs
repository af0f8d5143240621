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
