//! HS256/384/512 on `aws-lc-rs` (`hmac::verify` compares in constant time). JWK: `oct`, `k`.
//! The key must be at least as long as the hash output.

use std::sync::Arc;

use aws_lc_rs::hmac;
use zeroize::Zeroizing;

use crate::alg::Algorithm;
use crate::backend::{PublicBackend, SecretBackend, SigningMode, jwk_for, rng, secret_member};
use crate::error::{AlgorithmError, Error, FormatError, KeyError};
use crate::format::jwk::{Jwk, SecretMember};

fn params(alg: Algorithm) -> Result<hmac::Algorithm, Error> {
    match alg {
        Algorithm::Hs256 => Ok(hmac::HMAC_SHA256),
        Algorithm::Hs384 => Ok(hmac::HMAC_SHA384),
        Algorithm::Hs512 => Ok(hmac::HMAC_SHA512),
        _ => Err(AlgorithmError::Unsupported(alg).into()),
    }
}

/// An HMAC key: the signer, and (cloned) the verifier. aws-lc keeps its own copy of the key
/// schedule and cleanses it when freed; `secret` is kept for JWK export only.
#[derive(Clone)]
struct HmacKey {
    alg: Algorithm,
    key: hmac::Key,
    tag_len: usize,
    secret: Arc<Zeroizing<Vec<u8>>>,
}

impl core::fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HmacKey")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl HmacKey {
    fn new(alg: Algorithm, secret: Zeroizing<Vec<u8>>) -> Result<Self, Error> {
        let algorithm = params(alg)?;
        let tag_len = algorithm.digest_algorithm().output_len();
        if secret.len() < tag_len {
            return Err(KeyError::TooWeak.into());
        }
        Ok(Self {
            alg,
            key: hmac::Key::new(algorithm, &secret),
            tag_len,
            secret: Arc::new(secret),
        })
    }

    fn jwk(&self) -> Jwk {
        Jwk {
            k: Some(SecretMember::encode(&self.secret)),
            ..jwk_for(self.alg)
        }
    }
}

impl SecretBackend for HmacKey {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn sign(&self, msg: &[u8], _mode: SigningMode) -> Result<Vec<u8>, Error> {
        Ok(hmac::sign(&self.key, msg).as_ref().to_vec())
    }

    fn public(&self) -> Result<Arc<dyn PublicBackend>, Error> {
        Ok(Arc::new(self.clone()))
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        Ok(self.jwk())
    }

    fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        Err(KeyError::PemUnsupported.into())
    }
}

impl PublicBackend for HmacKey {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), Error> {
        if sig.len() != self.tag_len {
            return Err(FormatError::SignatureLength.into());
        }
        hmac::verify(&self.key, msg, sig).map_err(|_| Error::InvalidSignature)
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        Ok(self.jwk())
    }

    fn to_spki_der(&self) -> Result<Vec<u8>, Error> {
        Err(KeyError::PemUnsupported.into())
    }
}

pub(crate) fn generate(alg: Algorithm) -> Result<Box<dyn SecretBackend>, Error> {
    let len = params(alg)?.digest_algorithm().output_len();
    let mut secret = Zeroizing::new(vec![0u8; len]);
    rng::fill(&mut secret)?;
    Ok(Box::new(HmacKey::new(alg, secret)?))
}

pub(crate) fn secret_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Box<dyn SecretBackend>, Error> {
    Ok(Box::new(HmacKey::new(alg, secret_member(&jwk.k)?)?))
}

pub(crate) fn public_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Arc<dyn PublicBackend>, Error> {
    Ok(Arc::new(HmacKey::new(alg, secret_member(&jwk.k)?)?))
}
