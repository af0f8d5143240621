//! SLH-DSA (FIPS 205) for JOSE (draft-ietf-cose-sphincs-plus): pure SLH-DSA with the empty
//! context over the `slh-dsa` crate, all twelve parameter sets.
//!
//! `AKP` keys: `pub` = PK.seed ‖ PK.root (2n bytes), `priv` = SK.seed ‖ SK.prf ‖ PK.seed ‖ PK.root
//! (4n bytes, the full FIPS 205 private key). On import a `pub` member must equal the private
//! key's public part (PK.seed ‖ PK.root); PK.root itself is not recomputed from SK.seed and
//! PK.seed (optional in the draft; it costs a key generation), so a private key corrupted in
//! SK.seed or PK.root imports but makes signatures that do not verify. Only
//! `SLH-DSA-SHA2-128s` and `SLH-DSA-SHAKE-128s` are registered; the other ten sets are offered
//! under the same naming pattern. SLH-DSA has no PEM form in pqjose.

use core::fmt;
use std::sync::Arc;

use ml_dsa::common::typenum::Unsigned;
use slh_dsa::{
    ParameterSet, Sha2_128f, Sha2_128s, Sha2_192f, Sha2_192s, Sha2_256f, Sha2_256s, Shake128f,
    Shake128s, Shake192f, Shake192s, Shake256f, Shake256s, Signature, SignatureLen, SigningKey,
    VerifyingKey, VerifyingKeyLen,
};
use zeroize::Zeroizing;

use crate::alg::Algorithm;
use crate::backend::{
    PublicBackend, SecretBackend, SigningMode, jwk_for, member, rng, secret_member,
};
use crate::error::{AlgorithmError, Error, FormatError, KeyError};
use crate::format::jwk::{Jwk, SecretMember};

/// Call the generic `$f::<P>(args)` with `P` the parameter set of `$alg`.
macro_rules! with_set {
    ($alg:expr, $f:ident ( $($arg:expr),* )) => {
        match $alg {
            Algorithm::SlhDsaSha2_128s => $f::<Sha2_128s>($($arg),*),
            Algorithm::SlhDsaSha2_128f => $f::<Sha2_128f>($($arg),*),
            Algorithm::SlhDsaSha2_192s => $f::<Sha2_192s>($($arg),*),
            Algorithm::SlhDsaSha2_192f => $f::<Sha2_192f>($($arg),*),
            Algorithm::SlhDsaSha2_256s => $f::<Sha2_256s>($($arg),*),
            Algorithm::SlhDsaSha2_256f => $f::<Sha2_256f>($($arg),*),
            Algorithm::SlhDsaShake128s => $f::<Shake128s>($($arg),*),
            Algorithm::SlhDsaShake128f => $f::<Shake128f>($($arg),*),
            Algorithm::SlhDsaShake192s => $f::<Shake192s>($($arg),*),
            Algorithm::SlhDsaShake192f => $f::<Shake192f>($($arg),*),
            Algorithm::SlhDsaShake256s => $f::<Shake256s>($($arg),*),
            Algorithm::SlhDsaShake256f => $f::<Shake256f>($($arg),*),
            other => Err(Error::from(AlgorithmError::Unsupported(other))),
        }
    };
}

/// A parameter set (the `'static` bound lets keys become trait objects).
trait Set: ParameterSet + 'static {}
impl<P: ParameterSet + 'static> Set for P {}

/// A signing key of one parameter set (the `slh-dsa` key, zeroized on drop).
trait SetSigningKey: Send + Sync {
    /// Pure SLH-DSA with the empty context; `opt_rand` (n bytes) hedges, `None` is deterministic.
    fn sign(&self, msg: &[u8], opt_rand: Option<&[u8]>) -> Result<Vec<u8>, Error>;
    /// The FIPS 205 private key, SK.seed ‖ SK.prf ‖ PK.seed ‖ PK.root.
    fn to_bytes(&self) -> Zeroizing<Vec<u8>>;
}

/// A verifying key of one parameter set.
trait SetVerifyingKey: Send + Sync {
    /// Pure SLH-DSA verification with the empty context.
    fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), Error>;
}

impl<P: Set> SetSigningKey for SigningKey<P> {
    fn sign(&self, msg: &[u8], opt_rand: Option<&[u8]>) -> Result<Vec<u8>, Error> {
        let sig = self
            .try_sign_with_context(msg, &[], opt_rand)
            .map_err(|_| Error::Crypto)?;
        Ok(sig.to_vec())
    }

    fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(Zeroizing::new(SigningKey::to_bytes(self)).to_vec())
    }
}

impl<P: Set> SetVerifyingKey for VerifyingKey<P> {
    fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), Error> {
        if sig.len() != signature_len::<P>() {
            return Err(FormatError::SignatureLength.into());
        }
        let sig = Signature::<P>::try_from(sig).map_err(|_| Error::InvalidSignature)?;
        self.try_verify_with_context(msg, &[], &sig)
            .map_err(|_| Error::InvalidSignature)
    }
}

/// n, the security parameter in bytes (the public key is 2n).
fn n<P: Set>() -> usize {
    <P as VerifyingKeyLen>::VkLen::USIZE / 2
}

fn signature_len<P: Set>() -> usize {
    <P as SignatureLen>::SigLen::USIZE
}

/// An SLH-DSA private key and its public key.
struct SlhDsaSecret {
    key: Box<dyn SetSigningKey>,
    public: SlhDsaPublic,
}

/// An SLH-DSA public key. Cheap to clone.
#[derive(Clone)]
struct SlhDsaPublic {
    alg: Algorithm,
    key: Arc<dyn SetVerifyingKey>,
    encoded: Arc<[u8]>,
    /// n, the security parameter in bytes: hedged signing draws n random bytes.
    n: usize,
}

impl fmt::Debug for SlhDsaSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlhDsaSecret")
            .field("alg", &self.public.alg)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for SlhDsaPublic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlhDsaPublic")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

fn public_of<P: Set>(alg: Algorithm, vk: VerifyingKey<P>) -> SlhDsaPublic {
    SlhDsaPublic {
        alg,
        encoded: Arc::from(vk.to_bytes().as_slice()),
        key: Arc::new(vk),
        n: n::<P>(),
    }
}

fn secret_of<P: Set>(alg: Algorithm, key: SigningKey<P>) -> SlhDsaSecret {
    let public = public_of(alg, key.as_ref().clone());
    SlhDsaSecret {
        key: Box::new(key),
        public,
    }
}

/// slh_keygen_internal (FIPS 205 Algorithm 18) from fresh SK.seed, SK.prf and PK.seed.
fn generate_set<P: Set>(alg: Algorithm) -> Result<SlhDsaSecret, Error> {
    let n = n::<P>();
    let mut seeds = Zeroizing::new(vec![0u8; 3 * n]);
    rng::fill(&mut seeds)?;
    let (sk_seed, rest) = seeds.split_at_checked(n).ok_or(Error::Crypto)?;
    let (sk_prf, pk_seed) = rest.split_at_checked(n).ok_or(Error::Crypto)?;
    Ok(secret_of(
        alg,
        SigningKey::<P>::slh_keygen_internal(sk_seed, sk_prf, pk_seed),
    ))
}

/// The full 4n-byte FIPS 205 private key. PK.root is not recomputed from SK.seed and PK.seed
/// (optional in the draft, §6.2): that costs a key generation, seconds for the 's' sets.
fn secret_from_bytes<P: Set>(alg: Algorithm, sk: &[u8]) -> Result<SlhDsaSecret, Error> {
    let key = SigningKey::<P>::try_from(sk).map_err(|_| Error::Key(KeyError::InvalidEncoding))?;
    Ok(secret_of(alg, key))
}

fn public_from_bytes<P: Set>(alg: Algorithm, pk: &[u8]) -> Result<SlhDsaPublic, Error> {
    let vk = VerifyingKey::<P>::try_from(pk).map_err(|_| Error::Key(KeyError::InvalidEncoding))?;
    Ok(public_of(alg, vk))
}

impl SecretBackend for SlhDsaSecret {
    fn algorithm(&self) -> Algorithm {
        self.public.alg
    }

    fn sign(&self, msg: &[u8], mode: SigningMode) -> Result<Vec<u8>, Error> {
        match mode {
            SigningMode::Hedged => {
                let mut opt_rand = Zeroizing::new(vec![0u8; self.public.n]);
                rng::fill(&mut opt_rand)?;
                self.key.sign(msg, Some(&opt_rand))
            }
            SigningMode::Deterministic => self.key.sign(msg, None),
        }
    }

    fn public(&self) -> Result<Arc<dyn PublicBackend>, Error> {
        Ok(Arc::new(self.public.clone()))
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        Ok(Jwk {
            priv_: Some(SecretMember::encode(&self.key.to_bytes())),
            ..self.public.jwk()
        })
    }

    fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        Err(KeyError::PemUnsupported.into())
    }
}

impl SlhDsaPublic {
    fn jwk(&self) -> Jwk {
        Jwk {
            pub_: Some(crate::format::b64::encode(&self.encoded)),
            ..jwk_for(self.alg)
        }
    }
}

impl PublicBackend for SlhDsaPublic {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), Error> {
        self.key.verify(msg, sig)
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        Ok(self.jwk())
    }

    fn to_spki_der(&self) -> Result<Vec<u8>, Error> {
        Err(KeyError::PemUnsupported.into())
    }
}

pub(crate) fn generate(alg: Algorithm) -> Result<Box<dyn SecretBackend>, Error> {
    Ok(Box::new(with_set!(alg, generate_set(alg))?))
}

/// Import an `AKP` JWK: `priv` (4n bytes) is required; a present `pub` must equal its public part.
pub(crate) fn secret_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Box<dyn SecretBackend>, Error> {
    let sk = secret_member(&jwk.priv_)?;
    let secret = with_set!(alg, secret_from_bytes(alg, &sk))?;
    if jwk.pub_.is_some() && member(&jwk.pub_)? != *secret.public.encoded {
        return Err(KeyError::Mismatch.into());
    }
    Ok(Box::new(secret))
}

/// Import the `pub` member (2n bytes) of an `AKP` JWK (private members are ignored).
pub(crate) fn public_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Arc<dyn PublicBackend>, Error> {
    let pk = member(&jwk.pub_)?;
    Ok(Arc::new(with_set!(alg, public_from_bytes(alg, &pk))?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETS: [Algorithm; 12] = [
        Algorithm::SlhDsaSha2_128s,
        Algorithm::SlhDsaSha2_128f,
        Algorithm::SlhDsaSha2_192s,
        Algorithm::SlhDsaSha2_192f,
        Algorithm::SlhDsaSha2_256s,
        Algorithm::SlhDsaSha2_256f,
        Algorithm::SlhDsaShake128s,
        Algorithm::SlhDsaShake128f,
        Algorithm::SlhDsaShake192s,
        Algorithm::SlhDsaShake192f,
        Algorithm::SlhDsaShake256s,
        Algorithm::SlhDsaShake256f,
    ];

    fn n_of(alg: Algorithm) -> usize {
        match alg
            .as_str()
            .get(alg.as_str().len() - 4..alg.as_str().len() - 1)
        {
            Some("128") => 16,
            Some("192") => 24,
            _ => 32,
        }
    }

    /// Encodings per set, from fixed bytes (no key generation: it is slow for the 's' sets).
    #[test]
    fn key_encodings_and_debug() {
        for alg in SETS {
            let n = n_of(alg);
            let sk: Vec<u8> = (0..4 * n).map(|i| i as u8).collect();
            let secret = with_set!(alg, secret_from_bytes(alg, &sk)).unwrap();
            assert_eq!(secret.public.n, n, "{alg}");
            assert_eq!(&*secret.public.encoded, &sk[2 * n..]);
            assert_eq!(secret.key.to_bytes().as_slice(), sk.as_slice());
            let jwk = secret.to_jwk().unwrap();
            assert_eq!(jwk.alg.as_deref(), Some(alg.as_str()));
            assert_eq!(jwk.kty, "AKP");
            let again = secret_from_jwk(alg, &jwk).unwrap();
            assert_eq!(again.to_jwk().unwrap(), jwk);
            let public = public_from_jwk(alg, &jwk).unwrap();
            assert_eq!(public.to_jwk().unwrap(), jwk.to_public().unwrap());
            let wrong_len = vec![0u8; alg.max_signature_len() - 1];
            assert_eq!(
                public.verify(b"m", &wrong_len),
                Err(Error::Format(FormatError::SignatureLength))
            );
            let zeros = vec![0u8; alg.max_signature_len()];
            assert_eq!(public.verify(b"m", &zeros), Err(Error::InvalidSignature));
            let shown = format!("{secret:?}");
            assert_eq!(shown, format!("SlhDsaSecret {{ alg: {alg:?}, .. }}"));
            assert_eq!(
                secret.to_pkcs8_der().err(),
                Some(Error::Key(KeyError::PemUnsupported))
            );
        }
    }

    #[test]
    fn rejects_wrong_lengths_and_mismatched_pub() {
        let alg = Algorithm::SlhDsaSha2_128s;
        let sk: Vec<u8> = (0..64u8).collect();
        assert_eq!(
            with_set!(alg, secret_from_bytes(alg, &sk[..63])).err(),
            Some(Error::Key(KeyError::InvalidEncoding))
        );
        let secret = with_set!(alg, secret_from_bytes(alg, &sk)).unwrap();
        let mut jwk = secret.to_jwk().unwrap();
        let mut other_pub = sk[32..].to_vec();
        other_pub[20] ^= 1;
        jwk.pub_ = Some(crate::format::b64::encode(&other_pub));
        assert_eq!(
            secret_from_jwk(alg, &jwk).err(),
            Some(Error::Key(KeyError::Mismatch))
        );
        assert_eq!(
            with_set!(alg, public_from_bytes(alg, &[0u8; 31])).err(),
            Some(Error::Key(KeyError::InvalidEncoding))
        );
        assert_eq!(
            with_set!(Algorithm::MlDsa44, public_from_bytes(alg, &[0u8; 32])).err(),
            Some(Error::Algorithm(AlgorithmError::Unsupported(
                Algorithm::MlDsa44
            )))
        );
    }
}
