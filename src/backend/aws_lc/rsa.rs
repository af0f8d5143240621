//! RS256/384/512 and PS256/384/512 on `aws-lc-rs`. PSS uses MGF1 with the same hash and a salt
//! as long as the hash, as JOSE requires.
//!
//! `aws-lc-rs` cannot export RSA private components, so keys are imported and exported through
//! the RustCrypto RSA backend: both backends accept exactly the same keys (modulus of at least
//! 2048 bits, …) and write the same JWK and PKCS#8 bytes. aws-lc does the signing and verifying.

use std::sync::Arc;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_2048_8192_SHA384, RSA_PKCS1_2048_8192_SHA512,
    RSA_PKCS1_SHA256, RSA_PKCS1_SHA384, RSA_PKCS1_SHA512, RSA_PSS_2048_8192_SHA256,
    RSA_PSS_2048_8192_SHA384, RSA_PSS_2048_8192_SHA512, RSA_PSS_SHA256, RSA_PSS_SHA384,
    RSA_PSS_SHA512, RsaEncoding, RsaKeyPair, RsaParameters, RsaPublicKeyComponents,
};
use zeroize::Zeroizing;

use super::{AwsPublic, rejected};
use crate::alg::Algorithm;
use crate::backend::rsa as rustcrypto;
use crate::backend::{PublicBackend, SecretBackend, SigningMode, member};
use crate::error::{AlgorithmError, Error};
use crate::format::jwk::Jwk;

type Params = (&'static dyn RsaEncoding, &'static RsaParameters);

fn params(alg: Algorithm) -> Result<Params, Error> {
    Ok(match alg {
        Algorithm::Rs256 => (&RSA_PKCS1_SHA256, &RSA_PKCS1_2048_8192_SHA256),
        Algorithm::Rs384 => (&RSA_PKCS1_SHA384, &RSA_PKCS1_2048_8192_SHA384),
        Algorithm::Rs512 => (&RSA_PKCS1_SHA512, &RSA_PKCS1_2048_8192_SHA512),
        Algorithm::Ps256 => (&RSA_PSS_SHA256, &RSA_PSS_2048_8192_SHA256),
        Algorithm::Ps384 => (&RSA_PSS_SHA384, &RSA_PSS_2048_8192_SHA384),
        Algorithm::Ps512 => (&RSA_PSS_SHA512, &RSA_PSS_2048_8192_SHA512),
        _ => return Err(AlgorithmError::Unsupported(alg).into()),
    })
}

struct RsaSecret {
    alg: Algorithm,
    pair: RsaKeyPair,
    /// The same key in the RustCrypto backend: its encodings are the reference.
    encodings: Box<dyn SecretBackend>,
}

impl core::fmt::Debug for RsaSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RsaSecret")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl RsaSecret {
    fn new(alg: Algorithm, encodings: Box<dyn SecretBackend>) -> Result<Self, Error> {
        params(alg)?;
        let der = encodings.to_pkcs8_der()?;
        let pair = RsaKeyPair::from_pkcs8(&der).map_err(rejected)?;
        Ok(Self {
            alg,
            pair,
            encodings,
        })
    }
}

impl SecretBackend for RsaSecret {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn sign(&self, msg: &[u8], _mode: SigningMode) -> Result<Vec<u8>, Error> {
        let (encoding, _) = params(self.alg)?;
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(encoding, &SystemRandom::new(), msg, &mut sig)
            .map_err(|_| Error::Crypto)?;
        Ok(sig)
    }

    fn public(&self) -> Result<Arc<dyn PublicBackend>, Error> {
        from_reference(self.alg, self.encodings.public()?.as_ref())
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        self.encodings.to_jwk()
    }

    fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        self.encodings.to_pkcs8_der()
    }
}

/// The aws-lc public key for a key the RustCrypto backend has accepted.
fn from_reference(
    alg: Algorithm,
    reference: &dyn PublicBackend,
) -> Result<Arc<dyn PublicBackend>, Error> {
    let (_, verifying) = params(alg)?;
    let jwk = reference.to_jwk()?;
    let (n, e) = (member(&jwk.n)?, member(&jwk.e)?);
    let key = RsaPublicKeyComponents { n: &n, e: &e }
        .to_parsed_public_key(verifying)
        .map_err(rejected)?;
    let sig_len = n.len();
    Ok(Arc::new(AwsPublic::new(alg, key, jwk, sig_len)))
}

pub(crate) fn generate(alg: Algorithm) -> Result<Box<dyn SecretBackend>, Error> {
    params(alg)?;
    let pair = RsaKeyPair::generate(KeySize::Rsa2048).map_err(|_| Error::Crypto)?;
    let der = pair.as_der().map_err(|_| Error::Crypto)?;
    let der = Zeroizing::new(der.as_ref().to_vec());
    Ok(Box::new(RsaSecret::new(
        alg,
        rustcrypto::secret_from_pkcs8(alg, &der)?,
    )?))
}

pub(crate) fn secret_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Box<dyn SecretBackend>, Error> {
    Ok(Box::new(RsaSecret::new(
        alg,
        rustcrypto::secret_from_jwk(alg, jwk)?,
    )?))
}

pub(crate) fn public_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Arc<dyn PublicBackend>, Error> {
    from_reference(alg, rustcrypto::public_from_jwk(alg, jwk)?.as_ref())
}

pub(crate) fn secret_from_pkcs8(
    alg: Algorithm,
    der: &[u8],
) -> Result<Box<dyn SecretBackend>, Error> {
    Ok(Box::new(RsaSecret::new(
        alg,
        rustcrypto::secret_from_pkcs8(alg, der)?,
    )?))
}

pub(crate) fn public_from_spki(
    alg: Algorithm,
    der: &[u8],
) -> Result<Arc<dyn PublicBackend>, Error> {
    from_reference(alg, rustcrypto::public_from_spki(alg, der)?.as_ref())
}
