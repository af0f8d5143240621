//! RSA for JOSE (RFC 7518 §3.3, §3.5) over the `rsa` crate: `RS256/384/512` (RSASSA-PKCS1-v1_5)
//! and `PS256/384/512` (RSASSA-PSS, MGF1 with the same hash, salt as long as the hash). Keys are
//! `RSA` JWKs `{n, e, d, p, q, dp, dq, qi}`.
//!
//! Moduli below 2048 bits are [`KeyError::TooWeak`]; above 8192 bits,
//! [`KeyError::WrongKeyType`] (both checked before any arithmetic). A signature must be exactly
//! as long as the modulus. PKCS#1 v1.5 signing is deterministic; PSS signing always uses a fresh
//! salt (JWS fixes its length), so [`SigningMode`] changes neither.

use core::fmt;
use std::sync::Arc;

use rsa::pkcs1::der::Decode;
use rsa::pkcs1::{EncodeRsaPrivateKey, RsaPrivateKeyRef, RsaPublicKeyRef};
use rsa::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, ObjectIdentifier,
    PrivateKeyInfoRef, SubjectPublicKeyInfoRef,
};
use rsa::signature::{RandomizedSigner, SignatureEncoding, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::{BoxedUint, RsaPrivateKey, RsaPublicKey, pkcs1v15, pss};
use sha2::{Digest, Sha256, Sha384, Sha512};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::alg::{Algorithm, Family, Hash};
use crate::backend::{
    PublicBackend, SecretBackend, SigningMode, jwk_for, member, rng, secret_member,
};
use crate::error::{AlgorithmError, Error, FormatError, KeyError};
use crate::format::jwk::{Jwk, SecretMember};

/// The smallest modulus accepted, in bits.
const MIN_BITS: usize = 2048;
/// The largest modulus accepted, in bits (also the crate's limit).
const MAX_BITS: usize = 8192;
/// The modulus size of generated keys, in bits.
const GENERATE_BITS: usize = 2048;
/// id-RSASSA-PSS (RFC 4055): PKCS#8/SPKI documents may name it instead of rsaEncryption.
const RSASSA_PSS_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");

/// A signing key for one scheme and hash (the crate's typed key around the private key).
trait Sign: Send + Sync {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, Error>;
    fn key(&self) -> &RsaPrivateKey;
}

/// A verifying key for one scheme and hash.
trait Check: Send + Sync {
    fn check(&self, msg: &[u8], sig: &[u8]) -> Result<(), Error>;
    fn key(&self) -> &RsaPublicKey;
}

fn sign_with<S: RandomizedSigner<T>, T: SignatureEncoding>(
    signer: &S,
    msg: &[u8],
) -> Result<Vec<u8>, Error> {
    signer
        .try_sign_with_rng(&mut rng::SysRng::default(), msg)
        .map(|sig| sig.to_vec())
        .map_err(|_| Error::Crypto)
}

fn check_with<V, T>(verifier: &V, msg: &[u8], sig: &[u8]) -> Result<(), Error>
where
    V: Verifier<T>,
    T: for<'a> TryFrom<&'a [u8]>,
{
    let sig = T::try_from(sig).map_err(|_| Error::InvalidSignature)?;
    verifier
        .verify(msg, &sig)
        .map_err(|_| Error::InvalidSignature)
}

impl<D: Digest> Sign for pkcs1v15::SigningKey<D>
where
    Self: RandomizedSigner<pkcs1v15::Signature> + AsRef<RsaPrivateKey> + Send + Sync,
{
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, Error> {
        sign_with(self, msg)
    }
    fn key(&self) -> &RsaPrivateKey {
        self.as_ref()
    }
}

impl<D: Digest> Sign for pss::SigningKey<D>
where
    Self: RandomizedSigner<pss::Signature> + AsRef<RsaPrivateKey> + Send + Sync,
{
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, Error> {
        sign_with(self, msg)
    }
    fn key(&self) -> &RsaPrivateKey {
        self.as_ref()
    }
}

impl<D: Digest> Check for pkcs1v15::VerifyingKey<D>
where
    Self: Verifier<pkcs1v15::Signature> + AsRef<RsaPublicKey> + Send + Sync,
{
    fn check(&self, msg: &[u8], sig: &[u8]) -> Result<(), Error> {
        check_with::<_, pkcs1v15::Signature>(self, msg, sig)
    }
    fn key(&self) -> &RsaPublicKey {
        self.as_ref()
    }
}

impl<D: Digest> Check for pss::VerifyingKey<D>
where
    Self: Verifier<pss::Signature> + AsRef<RsaPublicKey> + Send + Sync,
{
    fn check(&self, msg: &[u8], sig: &[u8]) -> Result<(), Error> {
        check_with::<_, pss::Signature>(self, msg, sig)
    }
    fn key(&self) -> &RsaPublicKey {
        self.as_ref()
    }
}

/// Run `$body` with the type `$D` bound to the hash of `$alg`.
macro_rules! by_hash {
    ($alg:expr, $D:ident => $body:expr) => {
        match rsa_hash($alg)? {
            Hash::Sha256 => {
                type $D = Sha256;
                $body
            }
            Hash::Sha384 => {
                type $D = Sha384;
                $body
            }
            Hash::Sha512 => {
                type $D = Sha512;
                $body
            }
        }
    };
}

fn rsa_hash(alg: Algorithm) -> Result<Hash, Error> {
    match alg.hash() {
        Some(hash) if alg.family() == Family::Rsa => Ok(hash),
        _ => Err(AlgorithmError::Unsupported(alg).into()),
    }
}

fn is_pss(alg: Algorithm) -> bool {
    matches!(alg, Algorithm::Ps256 | Algorithm::Ps384 | Algorithm::Ps512)
}

/// PSS keys use a salt as long as the hash (the crates' `new` default), as RFC 7518 §3.5 says.
fn signer(alg: Algorithm, key: RsaPrivateKey) -> Result<Box<dyn Sign>, Error> {
    by_hash!(alg, D => Ok(if is_pss(alg) {
        Box::new(pss::SigningKey::<D>::new(key)) as Box<dyn Sign>
    } else {
        Box::new(pkcs1v15::SigningKey::<D>::new(key))
    }))
}

fn checker(alg: Algorithm, key: RsaPublicKey) -> Result<Arc<dyn Check>, Error> {
    by_hash!(alg, D => Ok(if is_pss(alg) {
        Arc::new(pss::VerifyingKey::<D>::new(key)) as Arc<dyn Check>
    } else {
        Arc::new(pkcs1v15::VerifyingKey::<D>::new(key))
    }))
}

/// An RSA private key bound to one algorithm (the crate zeroizes it on drop).
struct RsaSecret {
    alg: Algorithm,
    signer: Box<dyn Sign>,
}

/// An RSA public key bound to one algorithm.
struct RsaPublic {
    alg: Algorithm,
    checker: Arc<dyn Check>,
}

impl fmt::Debug for RsaSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaSecret")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for RsaPublic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaPublic")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl RsaSecret {
    fn boxed(alg: Algorithm, key: RsaPrivateKey) -> Result<Box<dyn SecretBackend>, Error> {
        check_size(&key.n().to_be_bytes())?;
        Ok(Box::new(Self {
            alg,
            signer: signer(alg, key)?,
        }))
    }
}

impl RsaPublic {
    fn arc(alg: Algorithm, key: RsaPublicKey) -> Result<Arc<dyn PublicBackend>, Error> {
        check_size(&key.n().to_be_bytes())?;
        Ok(Arc::new(Self {
            alg,
            checker: checker(alg, key)?,
        }))
    }
}

/// The integer without its leading zero bytes.
fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().take_while(|b| **b == 0).count();
    bytes.get(start..).unwrap_or_default()
}

/// Refuse moduli under [`MIN_BITS`] ([`KeyError::TooWeak`]) or over [`MAX_BITS`].
fn check_size(n: &[u8]) -> Result<(), Error> {
    let n = strip_zeros(n);
    let top = n.first().map_or(0, |b| 8 - b.leading_zeros() as usize);
    let bits = n
        .len()
        .saturating_sub(1)
        .saturating_mul(8)
        .saturating_add(top);
    if bits < MIN_BITS {
        Err(KeyError::TooWeak.into())
    } else if bits > MAX_BITS {
        Err(KeyError::WrongKeyType.into())
    } else {
        Ok(())
    }
}

/// A JWK `Base64urlUInt`: non-empty, without leading zero bytes (RFC 7518 §2).
fn jwk_uint(bytes: &[u8]) -> Result<&[u8], Error> {
    match bytes.first() {
        Some(0) | None => Err(KeyError::InvalidEncoding.into()),
        Some(_) => Ok(bytes),
    }
}

fn uint(bytes: &[u8], bits: usize) -> Result<BoxedUint, Error> {
    let bits = u32::try_from(bits).map_err(|_| Error::Key(KeyError::InvalidEncoding))?;
    BoxedUint::from_be_slice(bytes, bits).map_err(|_| Error::Key(KeyError::InvalidEncoding))
}

/// The public key from the JWK's `n` and `e`, size checked first.
pub(crate) fn jwk_public_key(jwk: &Jwk) -> Result<(Vec<u8>, RsaPublicKey), Error> {
    let n = member(&jwk.n)?;
    let e = member(&jwk.e)?;
    check_size(jwk_uint(&n)?)?;
    let bits = n.len().saturating_mul(8);
    let key = RsaPublicKey::new(uint(&n, bits)?, uint(jwk_uint(&e)?, e.len() * 8)?)
        .map_err(|_| Error::Key(KeyError::InvalidEncoding))?;
    Ok((n, key))
}

/// An optional secret JWK member.
fn optional_secret(value: &Option<SecretMember>) -> Result<Option<Zeroizing<Vec<u8>>>, Error> {
    value.as_ref().map(SecretMember::decode).transpose()
}

pub(crate) fn private_key_from_jwk(jwk: &Jwk) -> Result<RsaPrivateKey, Error> {
    let (n, public) = jwk_public_key(jwk)?;
    let d = secret_member(&jwk.d)?;
    let bits = n.len().saturating_mul(8);
    // p and q go together; without them the crate recovers them from d (NIST SP 800-56B C.2).
    let primes = match (optional_secret(&jwk.p)?, optional_secret(&jwk.q)?) {
        (Some(p), Some(q)) => vec![uint(&p, bits)?, uint(&q, bits)?],
        (None, None) => Vec::new(),
        _ => return Err(KeyError::MalformedJwk.into()),
    };
    // The crate checks n = p·q and d·e ≡ 1 mod (p−1) and (q−1).
    let key = RsaPrivateKey::from_components(
        public.n().as_ref().clone(),
        public.e().clone(),
        uint(&d, bits)?,
        primes,
    )
    .map_err(|_| Error::Key(KeyError::Mismatch))?;
    // The CRT members, when given, must be the ones the key implies.
    let der = pkcs1_der(&key)?;
    let parts = RsaPrivateKeyRef::from_der(&der).map_err(|_| Error::Key(KeyError::Pem))?;
    for (given, actual) in [
        (&jwk.dp, parts.exponent1),
        (&jwk.dq, parts.exponent2),
        (&jwk.qi, parts.coefficient),
    ] {
        if let Some(given) = optional_secret(given)?
            && !bool::from(strip_zeros(&given).ct_eq(actual.as_bytes()))
        {
            return Err(KeyError::Mismatch.into());
        }
    }
    Ok(key)
}

fn pkcs1_der(key: &RsaPrivateKey) -> Result<Zeroizing<Vec<u8>>, Error> {
    let doc = key
        .to_pkcs1_der()
        .map_err(|_| Error::Key(KeyError::NotExportable))?;
    Ok(Zeroizing::new(doc.as_bytes().to_vec()))
}

/// PKCS#8 and SPKI documents name rsaEncryption (or id-RSASSA-PSS without parameters).
fn check_oid(oid: ObjectIdentifier) -> Result<(), Error> {
    if oid == rsa::pkcs1::ALGORITHM_OID || oid == RSASSA_PSS_OID {
        Ok(())
    } else {
        Err(KeyError::WrongKeyType.into())
    }
}

pub(crate) fn generate(alg: Algorithm) -> Result<Box<dyn SecretBackend>, Error> {
    rsa_hash(alg)?;
    RsaSecret::boxed(alg, generate_key()?)
}

/// A fresh 2048-bit key.
pub(crate) fn generate_key() -> Result<RsaPrivateKey, Error> {
    // The crate's key generation takes an infallible generator: probe the system one first.
    rng::secret_array::<1>()?;
    RsaPrivateKey::new(&mut rng::infallible(), GENERATE_BITS).map_err(|_| Error::Crypto)
}

pub(crate) fn secret_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Box<dyn SecretBackend>, Error> {
    rsa_hash(alg)?;
    RsaSecret::boxed(alg, private_key_from_jwk(jwk)?)
}

pub(crate) fn public_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Arc<dyn PublicBackend>, Error> {
    rsa_hash(alg)?;
    RsaPublic::arc(alg, jwk_public_key(jwk)?.1)
}

pub(crate) fn secret_from_pkcs8(
    alg: Algorithm,
    der: &[u8],
) -> Result<Box<dyn SecretBackend>, Error> {
    rsa_hash(alg)?;
    RsaSecret::boxed(alg, private_key_from_pkcs8(der)?)
}

/// A private key from PKCS#8 DER, size checked before any arithmetic.
pub(crate) fn private_key_from_pkcs8(der: &[u8]) -> Result<RsaPrivateKey, Error> {
    let pem = || Error::Key(KeyError::Pem);
    let info = PrivateKeyInfoRef::try_from(der).map_err(|_| pem())?;
    check_oid(info.algorithm.oid)?;
    let parts = RsaPrivateKeyRef::from_der(info.private_key.as_bytes()).map_err(|_| pem())?;
    check_size(parts.modulus.as_bytes())?;
    RsaPrivateKey::from_pkcs8_der(der).map_err(|_| pem())
}

pub(crate) fn public_from_spki(
    alg: Algorithm,
    der: &[u8],
) -> Result<Arc<dyn PublicBackend>, Error> {
    rsa_hash(alg)?;
    RsaPublic::arc(alg, public_key_from_spki(der)?)
}

/// A public key from SubjectPublicKeyInfo DER, size checked before any arithmetic.
pub(crate) fn public_key_from_spki(der: &[u8]) -> Result<RsaPublicKey, Error> {
    let pem = || Error::Key(KeyError::Pem);
    let info = SubjectPublicKeyInfoRef::try_from(der).map_err(|_| pem())?;
    check_oid(info.algorithm.oid)?;
    let bits = info.subject_public_key.as_bytes().ok_or_else(pem)?;
    let parts = RsaPublicKeyRef::from_der(bits).map_err(|_| pem())?;
    check_size(parts.modulus.as_bytes())?;
    RsaPublicKey::from_public_key_der(der).map_err(|_| pem())
}

/// The public JWK `{kty, alg, n, e}` with minimal-length integers.
fn public_jwk(alg: Algorithm, key: &RsaPublicKey) -> Jwk {
    public_members(key, jwk_for(alg))
}

/// `base` with the public members `n` and `e` (minimal-length integers) set.
pub(crate) fn public_members(key: &RsaPublicKey, base: Jwk) -> Jwk {
    Jwk {
        n: Some(crate::format::b64::encode(strip_zeros(
            &key.n().to_be_bytes(),
        ))),
        e: Some(crate::format::b64::encode(strip_zeros(
            &key.e().to_be_bytes(),
        ))),
        ..base
    }
}

/// `base` with every member of the private key (`n`, `e`, `d`, `p`, `q`, `dp`, `dq`, `qi`) set.
pub(crate) fn private_members(key: &RsaPrivateKey, base: Jwk) -> Result<Jwk, Error> {
    let der = pkcs1_der(key)?;
    let parts = RsaPrivateKeyRef::from_der(&der).map_err(|_| Error::Key(KeyError::Pem))?;
    let secret = |u: rsa::pkcs1::UintRef<'_>| Some(SecretMember::encode(u.as_bytes()));
    Ok(Jwk {
        d: secret(parts.private_exponent),
        p: secret(parts.prime1),
        q: secret(parts.prime2),
        dp: secret(parts.exponent1),
        dq: secret(parts.exponent2),
        qi: secret(parts.coefficient),
        ..public_members(key.as_public_key(), base)
    })
}

impl SecretBackend for RsaSecret {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn sign(&self, msg: &[u8], _mode: SigningMode) -> Result<Vec<u8>, Error> {
        self.signer.sign(msg)
    }

    fn public(&self) -> Result<Arc<dyn PublicBackend>, Error> {
        RsaPublic::arc(self.alg, self.signer.key().to_public_key())
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        private_members(self.signer.key(), jwk_for(self.alg))
    }

    fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        let doc = self
            .signer
            .key()
            .to_pkcs8_der()
            .map_err(|_| Error::Key(KeyError::Pem))?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }
}

impl PublicBackend for RsaPublic {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), Error> {
        if sig.len() != self.checker.key().size() {
            return Err(FormatError::SignatureLength.into());
        }
        self.checker.check(msg, sig)
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        Ok(public_jwk(self.alg, self.checker.key()))
    }

    fn to_spki_der(&self) -> Result<Vec<u8>, Error> {
        self.checker
            .key()
            .to_public_key_der()
            .map(|doc| doc.as_bytes().to_vec())
            .map_err(|_| Error::Key(KeyError::Pem))
    }
}

#[cfg(test)]
mod tests;
