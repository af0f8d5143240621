//! ML-DSA (FIPS 204) for JOSE (RFC 9964): pure ML-DSA over the `ml-dsa` crate, `AKP` keys whose
//! `priv` is the 32-byte seed ξ.
//!
//! JWS uses the empty context string; the composite backend signs with a non-empty one, so the
//! crate-internal [`MlDsaSecret`] / [`MlDsaPublic`] take a context. Public keys are decoded once
//! (matrix expansion included) when the key is built; verification never re-decodes.

use core::fmt;
use std::sync::Arc;

use ml_dsa::pkcs8::der::AnyRef;
use ml_dsa::pkcs8::spki::AssociatedAlgorithmIdentifier;
use ml_dsa::{
    EncodedSignature, EncodedVerifyingKey, ExpandedSigningKey, Keypair, MlDsa44, MlDsa65, MlDsa87,
    MlDsaParams, Seed, Signature, VerifyingKey,
};
use zeroize::Zeroizing;

use crate::alg::Algorithm;
use crate::backend::{
    PublicBackend, SecretBackend, SigningMode, jwk_for, member, rng, secret_member,
};
use crate::error::{Error, FormatError, KeyError};
use crate::format::jwk::{Jwk, SecretMember};

/// Length of the private seed ξ.
const SEED_LEN: usize = 32;
/// FIPS 204 limits the context string to 255 bytes.
const MAX_CTX_LEN: usize = 255;

/// One ML-DSA parameter set: lets one generic body serve all three and wrap its result.
trait Level: MlDsaParams + AssociatedAlgorithmIdentifier<Params = AnyRef<'static>> {
    const ALG: Algorithm;
    fn wrap_secret(sk: Box<ExpandedSigningKey<Self>>) -> SecretKey;
    fn wrap_public(vk: Arc<VerifyingKey<Self>>) -> PublicKey;
}

macro_rules! level {
    ($params:ident, $alg:ident, $variant:ident) => {
        impl Level for $params {
            const ALG: Algorithm = Algorithm::$alg;
            fn wrap_secret(sk: Box<ExpandedSigningKey<Self>>) -> SecretKey {
                SecretKey::$variant(sk)
            }
            fn wrap_public(vk: Arc<VerifyingKey<Self>>) -> PublicKey {
                PublicKey::$variant(vk)
            }
        }
    };
}
level!(MlDsa44, MlDsa44, L44);
level!(MlDsa65, MlDsa65, L65);
level!(MlDsa87, MlDsa87, L87);

/// Run `$body` with the type `$P` bound to the parameter set of `$alg` (an error for any other
/// algorithm).
macro_rules! by_level {
    ($alg:expr, $P:ident => $body:expr) => {
        match $alg {
            crate::alg::Algorithm::MlDsa44 => {
                type $P = ::ml_dsa::MlDsa44;
                $body
            }
            crate::alg::Algorithm::MlDsa65 => {
                type $P = ::ml_dsa::MlDsa65;
                $body
            }
            crate::alg::Algorithm::MlDsa87 => {
                type $P = ::ml_dsa::MlDsa87;
                $body
            }
            other => Err(crate::error::Error::from(
                crate::error::AlgorithmError::Unsupported(other),
            )),
        }
    };
}

/// Run `$body` with `$k` bound to the key inside either key enum.
macro_rules! each {
    ($value:expr, $enum:ident, $k:ident => $body:expr) => {
        match $value {
            $enum::L44($k) => $body,
            $enum::L65($k) => $body,
            $enum::L87($k) => $body,
        }
    };
}

mod pem;
#[cfg(test)]
mod tests;

/// The expanded signing key (zeroized on drop by `ml-dsa`), boxed: it holds the expanded matrix.
enum SecretKey {
    L44(Box<ExpandedSigningKey<MlDsa44>>),
    L65(Box<ExpandedSigningKey<MlDsa65>>),
    L87(Box<ExpandedSigningKey<MlDsa87>>),
}

/// The decoded verifying key (with its precomputed matrix), shared by clones.
#[derive(Clone)]
enum PublicKey {
    L44(Arc<VerifyingKey<MlDsa44>>),
    L65(Arc<VerifyingKey<MlDsa65>>),
    L87(Arc<VerifyingKey<MlDsa87>>),
}

/// An ML-DSA private key: the expanded key for signing, the seed when known (it is the only
/// exportable form), and the matching public key.
pub(crate) struct MlDsaSecret {
    /// Boxed: an inline `None` would leave 32 uninitialized bytes that a move copies from the
    /// stack into a heap block no destructor clears.
    seed: Option<Box<Zeroizing<[u8; SEED_LEN]>>>,
    key: SecretKey,
    public: MlDsaPublic,
}

/// An ML-DSA public key, decoded once. Cheap to clone.
#[derive(Clone)]
pub(crate) struct MlDsaPublic {
    alg: Algorithm,
    key: PublicKey,
    encoded: Arc<[u8]>,
}

impl fmt::Debug for MlDsaSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MlDsaSecret")
            .field("alg", &self.public.alg)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for MlDsaPublic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MlDsaPublic")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl MlDsaSecret {
    /// ML-DSA.KeyGen_internal from the seed ξ. `alg` is `MlDsa44/65/87`; `seed` must be 32 bytes.
    pub(crate) fn from_seed(alg: Algorithm, seed: &[u8]) -> Result<Self, Error> {
        let seed: &[u8; SEED_LEN] = seed
            .try_into()
            .map_err(|_| Error::Key(KeyError::InvalidEncoding))?;
        by_level!(alg, P => Ok(Self::from_seed_level::<P>(seed)))
    }

    fn from_seed_level<P: Level>(seed: &[u8; SEED_LEN]) -> Self {
        let mut xi: Zeroizing<Seed> = Zeroizing::new(Seed::default());
        xi.copy_from_slice(seed);
        let pair = ml_dsa::SigningKey::<P>::from_seed(&xi);
        Self {
            seed: Some(Box::new(Zeroizing::new(*seed))),
            key: P::wrap_secret(Box::new(pair.expanded_key().clone())),
            public: MlDsaPublic::from_key::<P>(pair.verifying_key()),
        }
    }

    /// A key known only in expanded form (from an expanded-only PKCS#8 document): it can sign
    /// but not be exported.
    fn from_expanded<P: Level>(sk: ExpandedSigningKey<P>, public: MlDsaPublic) -> Self {
        Self {
            seed: None,
            key: P::wrap_secret(Box::new(sk)),
            public,
        }
    }

    /// The 32-byte seed ξ. Empty for a key imported in expanded-only form (such a key cannot be
    /// part of a composite key either; the composite backend only builds keys from seeds).
    pub(crate) fn seed(&self) -> &[u8] {
        self.seed.as_deref().map_or(&[], |s| s.as_slice())
    }

    /// pkEncode of the public key.
    pub(crate) fn public_key_bytes(&self) -> Vec<u8> {
        self.public.to_bytes()
    }

    /// Pure ML-DSA.Sign (FIPS 204 Algorithm 2) with context `ctx` (at most 255 bytes): hedged
    /// (fresh randomness, §3.4) or deterministic.
    pub(crate) fn sign_with_context(
        &self,
        msg: &[u8],
        ctx: &[u8],
        mode: SigningMode,
    ) -> Result<Vec<u8>, Error> {
        each!(&self.key, SecretKey, k => sign_level(k, msg, ctx, mode))
    }

    /// The matching public key.
    pub(crate) fn public(&self) -> MlDsaPublic {
        self.public.clone()
    }
}

fn sign_level<P: MlDsaParams>(
    sk: &ExpandedSigningKey<P>,
    msg: &[u8],
    ctx: &[u8],
    mode: SigningMode,
) -> Result<Vec<u8>, Error> {
    if ctx.len() > MAX_CTX_LEN {
        return Err(Error::Crypto);
    }
    let sig = match mode {
        SigningMode::Hedged => sk.sign_randomized(msg, ctx, &mut rng::SysRng::default()),
        SigningMode::Deterministic => sk.sign_deterministic(msg, ctx),
    }
    .map_err(|_| Error::Crypto)?;
    Ok(sig.encode().to_vec())
}

impl MlDsaPublic {
    /// pkDecode. `alg` is `MlDsa44/65/87`; `pk` must have the exact length of the set.
    pub(crate) fn from_bytes(alg: Algorithm, pk: &[u8]) -> Result<Self, Error> {
        by_level!(alg, P => Self::decode::<P>(pk))
    }

    fn decode<P: Level>(pk: &[u8]) -> Result<Self, Error> {
        let enc = EncodedVerifyingKey::<P>::try_from(pk)
            .map_err(|_| Error::Key(KeyError::InvalidEncoding))?;
        Ok(Self::from_key::<P>(VerifyingKey::decode(&enc)))
    }

    fn from_key<P: Level>(vk: VerifyingKey<P>) -> Self {
        let encoded: Arc<[u8]> = Arc::from(vk.encode().as_slice());
        Self {
            alg: P::ALG,
            key: P::wrap_public(Arc::new(vk)),
            encoded,
        }
    }

    /// pkEncode of the key.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        self.encoded.to_vec()
    }

    /// Pure ML-DSA.Verify (FIPS 204 Algorithm 3) with context `ctx`. A signature of the wrong
    /// length is [`FormatError::SignatureLength`]; any other failure (including a context over
    /// 255 bytes) is [`Error::InvalidSignature`].
    pub(crate) fn verify_with_context(
        &self,
        msg: &[u8],
        ctx: &[u8],
        sig: &[u8],
    ) -> Result<(), Error> {
        each!(&self.key, PublicKey, k => verify_level(k, msg, ctx, sig))
    }
}

fn verify_level<P: MlDsaParams>(
    vk: &VerifyingKey<P>,
    msg: &[u8],
    ctx: &[u8],
    sig: &[u8],
) -> Result<(), Error> {
    let enc = EncodedSignature::<P>::try_from(sig)
        .map_err(|_| Error::Format(FormatError::SignatureLength))?;
    let sig = Signature::<P>::decode(&enc).ok_or(Error::InvalidSignature)?;
    if ctx.len() <= MAX_CTX_LEN && vk.verify_with_context(msg, ctx, &sig) {
        Ok(())
    } else {
        Err(Error::InvalidSignature)
    }
}

impl SecretBackend for MlDsaSecret {
    fn algorithm(&self) -> Algorithm {
        self.public.alg
    }

    fn sign(&self, msg: &[u8], mode: SigningMode) -> Result<Vec<u8>, Error> {
        self.sign_with_context(msg, &[], mode)
    }

    fn public(&self) -> Result<Arc<dyn PublicBackend>, Error> {
        Ok(Arc::new(self.public.clone()))
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        let seed = self.seed.as_ref().ok_or(KeyError::NotExportable)?;
        Ok(Jwk {
            priv_: Some(SecretMember::encode(seed.as_slice())),
            ..self.public.jwk()
        })
    }

    fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        let seed = self.seed.as_ref().ok_or(KeyError::NotExportable)?;
        pem::seed_pkcs8(self.public.alg, seed)
    }
}

impl MlDsaPublic {
    fn jwk(&self) -> Jwk {
        Jwk {
            pub_: Some(crate::format::b64::encode(&self.encoded)),
            ..jwk_for(self.alg)
        }
    }
}

impl PublicBackend for MlDsaPublic {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), Error> {
        self.verify_with_context(msg, &[], sig)
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        Ok(self.jwk())
    }

    fn to_spki_der(&self) -> Result<Vec<u8>, Error> {
        pem::spki(self)
    }
}

pub(crate) fn generate(alg: Algorithm) -> Result<Box<dyn SecretBackend>, Error> {
    let seed = rng::secret_array::<SEED_LEN>()?;
    Ok(Box::new(MlDsaSecret::from_seed(alg, seed.as_slice())?))
}

/// Import an `AKP` JWK: `priv` (the seed) is required; a present `pub` must equal the public
/// key recomputed from the seed (RFC 9964 §7.4).
pub(crate) fn secret_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Box<dyn SecretBackend>, Error> {
    let seed = secret_member(&jwk.priv_)?;
    let secret = MlDsaSecret::from_seed(alg, &seed)?;
    if jwk.pub_.is_some() && member(&jwk.pub_)? != *secret.public.encoded {
        return Err(KeyError::Mismatch.into());
    }
    Ok(Box::new(secret))
}

/// Import the `pub` member of an `AKP` JWK (private members are ignored).
pub(crate) fn public_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Arc<dyn PublicBackend>, Error> {
    let pk = member(&jwk.pub_)?;
    Ok(Arc::new(MlDsaPublic::from_bytes(alg, &pk)?))
}

pub(crate) fn secret_from_pkcs8(
    alg: Algorithm,
    der: &[u8],
) -> Result<Box<dyn SecretBackend>, Error> {
    Ok(Box::new(pem::secret_from_pkcs8(alg, der)?))
}

pub(crate) fn public_from_spki(
    alg: Algorithm,
    der: &[u8],
) -> Result<Arc<dyn PublicBackend>, Error> {
    Ok(Arc::new(pem::public_from_spki(alg, der)?))
}
