//! ES256 / ES384 on `aws-lc-rs`, fixed-width `r‖s` signatures. JWK: `EC`, `crv`, `x`, `y`
//! (fixed width), `d`. aws-lc signs with fresh randomness; deterministic signing
//! ([`SigningMode::Deterministic`], RFC 6979) goes to the RustCrypto backend of the same key.

use std::sync::Arc;

use aws_lc_rs::encoding::AsBigEndian;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED,
    ECDSA_P384_SHA384_FIXED_SIGNING, EcdsaKeyPair, EcdsaSigningAlgorithm,
    EcdsaVerificationAlgorithm, KeyPair as _, ParsedPublicKey,
};
use zeroize::Zeroizing;

use super::{AwsPublic, DeterministicTwin, rejected};
use crate::alg::Algorithm;
use crate::backend::{PublicBackend, SecretBackend, SigningMode, jwk_for, member};
use crate::backend::{ecdsa as rustcrypto, secret_member};
use crate::error::{AlgorithmError, Error, KeyError};
use crate::format::jwk::{Jwk, SecretMember};

/// SEC1 uncompressed point tag.
const UNCOMPRESSED: u8 = 0x04;

struct Curve {
    signing: &'static EcdsaSigningAlgorithm,
    verifying: &'static EcdsaVerificationAlgorithm,
    name: &'static str,
    len: usize,
}

fn curve(alg: Algorithm) -> Result<Curve, Error> {
    match alg {
        Algorithm::Es256 => Ok(Curve {
            signing: &ECDSA_P256_SHA256_FIXED_SIGNING,
            verifying: &ECDSA_P256_SHA256_FIXED,
            name: "P-256",
            len: 32,
        }),
        Algorithm::Es384 => Ok(Curve {
            signing: &ECDSA_P384_SHA384_FIXED_SIGNING,
            verifying: &ECDSA_P384_SHA384_FIXED,
            name: "P-384",
            len: 48,
        }),
        _ => Err(AlgorithmError::Unsupported(alg).into()),
    }
}

struct EcdsaSecret {
    alg: Algorithm,
    pair: EcdsaKeyPair,
    /// The PKCS#8 v1 document (for export) and the deterministic (RustCrypto) key.
    twin: DeterministicTwin,
}

impl core::fmt::Debug for EcdsaSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EcdsaSecret")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl EcdsaSecret {
    fn new(alg: Algorithm, pair: EcdsaKeyPair) -> Result<Self, Error> {
        let doc = pair.to_pkcs8v1().map_err(|_| Error::Crypto)?;
        Ok(Self {
            alg,
            pair,
            twin: DeterministicTwin::new(
                alg,
                Zeroizing::new(doc.as_ref().to_vec()),
                rustcrypto::secret_from_pkcs8,
            ),
        })
    }
}

impl SecretBackend for EcdsaSecret {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn sign(&self, msg: &[u8], mode: SigningMode) -> Result<Vec<u8>, Error> {
        if mode == SigningMode::Deterministic {
            return self.twin.key()?.sign(msg, mode);
        }
        let sig = self
            .pair
            .sign(&SystemRandom::new(), msg)
            .map_err(|_| Error::Crypto)?;
        Ok(sig.as_ref().to_vec())
    }

    fn public(&self) -> Result<Arc<dyn PublicBackend>, Error> {
        public_from_point(self.alg, self.pair.public_key().as_ref())
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        let d = self
            .pair
            .private_key()
            .as_be_bytes()
            .map_err(|_| Error::Crypto)?;
        let public = self.public()?.to_jwk()?;
        Ok(Jwk {
            d: Some(SecretMember::encode(d.as_ref())),
            ..public
        })
    }

    fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        Ok(self.twin.pkcs8().clone())
    }
}

/// `0x04 ‖ x ‖ y` from the JWK members, each exactly the coordinate width.
fn point_of(c: &Curve, jwk: &Jwk) -> Result<Vec<u8>, Error> {
    match jwk.crv.as_deref() {
        Some(name) if name == c.name => {}
        Some(_) => return Err(KeyError::WrongKeyType.into()),
        None => return Err(KeyError::MalformedJwk.into()),
    }
    let (x, y) = (member(&jwk.x)?, member(&jwk.y)?);
    if x.len() != c.len || y.len() != c.len {
        return Err(KeyError::InvalidEncoding.into());
    }
    let mut point = Vec::with_capacity(1 + 2 * c.len);
    point.push(UNCOMPRESSED);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    Ok(point)
}

fn public_from_point(alg: Algorithm, point: &[u8]) -> Result<Arc<dyn PublicBackend>, Error> {
    let c = curve(alg)?;
    let (tag, xy) = point
        .split_first()
        .ok_or(Error::Key(KeyError::InvalidEncoding))?;
    let (x, y) = xy
        .split_at_checked(c.len)
        .filter(|(_, y)| *tag == UNCOMPRESSED && y.len() == c.len)
        .ok_or(Error::Key(KeyError::InvalidEncoding))?;
    let key = ParsedPublicKey::new(c.verifying, point).map_err(rejected)?;
    let jwk = Jwk {
        crv: Some(c.name.to_owned()),
        x: Some(crate::format::b64::encode(x)),
        y: Some(crate::format::b64::encode(y)),
        ..jwk_for(alg)
    };
    Ok(Arc::new(AwsPublic::new(alg, key, jwk, 2 * c.len)))
}

pub(crate) fn generate(alg: Algorithm) -> Result<Box<dyn SecretBackend>, Error> {
    let pair = EcdsaKeyPair::generate(curve(alg)?.signing).map_err(|_| Error::Crypto)?;
    Ok(Box::new(EcdsaSecret::new(alg, pair)?))
}

pub(crate) fn secret_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Box<dyn SecretBackend>, Error> {
    let c = curve(alg)?;
    let point = point_of(&c, jwk)?;
    let d = secret_member(&jwk.d)?;
    if d.len() != c.len {
        return Err(KeyError::InvalidEncoding.into());
    }
    ParsedPublicKey::new(c.verifying, &point).map_err(rejected)?;
    let pair = EcdsaKeyPair::from_private_key_and_public_key(c.signing, &d, &point)
        .map_err(|_| Error::Key(KeyError::Mismatch))?;
    Ok(Box::new(EcdsaSecret::new(alg, pair)?))
}

pub(crate) fn public_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Arc<dyn PublicBackend>, Error> {
    public_from_point(alg, &point_of(&curve(alg)?, jwk)?)
}

/// PKCS#8 and SPKI are parsed by the RustCrypto backend (same acceptance and errors, e.g.
/// `WrongKeyType` for another curve), then the key moves over as a JWK.
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
