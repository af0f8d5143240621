//! HMAC for JOSE (RFC 7518 §3.2): `HS256`, `HS384`, `HS512` over `hmac` + `sha2`. Keys are
//! `oct` JWKs `{k}`.
//!
//! The key must be at least as long as the hash output (RFC 7518 §3.2), else
//! [`KeyError::TooWeak`]. Tags are full length: a tag of any other length (a truncated HMAC) is
//! a [`FormatError::SignatureLength`]; the comparison is constant time (`verify_slice`). HMAC
//! keys are symmetric: the "public" key is a verifier that shares the zeroizing secret, prints
//! no secret in `Debug`, and has no PEM form.

use core::fmt;
use std::sync::Arc;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use crate::alg::{Algorithm, Hash};
use crate::backend::{PublicBackend, SecretBackend, SigningMode, jwk_for, rng};
use crate::error::{AlgorithmError, Error, FormatError, KeyError};
use crate::format::jwk::{Jwk, SecretMember};

/// An HMAC key bound to one algorithm; the secret is zeroized on drop. It is both the signing
/// key and, shared, the verifier.
struct HmacKey {
    alg: Algorithm,
    hash: Hash,
    key: Zeroizing<Vec<u8>>,
}

/// The signing side: a handle on the shared key.
struct HmacSecret(Arc<HmacKey>);

impl fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacKey")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for HmacSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The tag length (= hash output length = minimum key length) of each hash.
const fn output_len(hash: Hash) -> usize {
    match hash {
        Hash::Sha256 => 32,
        Hash::Sha384 => 48,
        Hash::Sha512 => 64,
    }
}

fn hmac_hash(alg: Algorithm) -> Result<Hash, Error> {
    match alg.hash() {
        Some(hash) if alg.is_symmetric() => Ok(hash),
        _ => Err(AlgorithmError::Unsupported(alg).into()),
    }
}

impl HmacKey {
    fn new(alg: Algorithm, key: Zeroizing<Vec<u8>>) -> Result<Arc<Self>, Error> {
        let hash = hmac_hash(alg)?;
        if key.len() < output_len(hash) {
            return Err(KeyError::TooWeak.into());
        }
        Ok(Arc::new(Self { alg, hash, key }))
    }

    fn from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Arc<Self>, Error> {
        hmac_hash(alg)?;
        let k = jwk.k.as_ref().ok_or(Error::Key(KeyError::MalformedJwk))?;
        Self::new(alg, k.decode()?)
    }

    fn mac<M: Mac + KeyInit>(&self, msg: &[u8]) -> Result<M, Error> {
        let mut mac = <M as KeyInit>::new_from_slice(&self.key).map_err(|_| Error::Crypto)?;
        mac.update(msg);
        Ok(mac)
    }

    fn tag(&self, msg: &[u8]) -> Result<Vec<u8>, Error> {
        fn tag<M: Mac + KeyInit>(k: &HmacKey, msg: &[u8]) -> Result<Vec<u8>, Error> {
            Ok(k.mac::<M>(msg)?.finalize().into_bytes().to_vec())
        }
        match self.hash {
            Hash::Sha256 => tag::<Hmac<Sha256>>(self, msg),
            Hash::Sha384 => tag::<Hmac<Sha384>>(self, msg),
            Hash::Sha512 => tag::<Hmac<Sha512>>(self, msg),
        }
    }

    fn check(&self, msg: &[u8], tag: &[u8]) -> Result<(), Error> {
        fn check<M: Mac + KeyInit>(k: &HmacKey, msg: &[u8], tag: &[u8]) -> Result<(), Error> {
            // Constant-time comparison of the full-length tag.
            k.mac::<M>(msg)?
                .verify_slice(tag)
                .map_err(|_| Error::InvalidSignature)
        }
        if tag.len() != output_len(self.hash) {
            return Err(FormatError::SignatureLength.into());
        }
        match self.hash {
            Hash::Sha256 => check::<Hmac<Sha256>>(self, msg, tag),
            Hash::Sha384 => check::<Hmac<Sha384>>(self, msg, tag),
            Hash::Sha512 => check::<Hmac<Sha512>>(self, msg, tag),
        }
    }

    fn jwk(&self) -> Jwk {
        Jwk {
            k: Some(SecretMember::encode(&self.key)),
            ..jwk_for(self.alg)
        }
    }
}

pub(crate) fn generate(alg: Algorithm) -> Result<Box<dyn SecretBackend>, Error> {
    let mut key = Zeroizing::new(vec![0u8; output_len(hmac_hash(alg)?)]);
    rng::fill(&mut key)?;
    Ok(Box::new(HmacSecret(HmacKey::new(alg, key)?)))
}

pub(crate) fn secret_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Box<dyn SecretBackend>, Error> {
    Ok(Box::new(HmacSecret(HmacKey::from_jwk(alg, jwk)?)))
}

pub(crate) fn public_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Arc<dyn PublicBackend>, Error> {
    Ok(HmacKey::from_jwk(alg, jwk)?)
}

impl SecretBackend for HmacSecret {
    fn algorithm(&self) -> Algorithm {
        self.0.alg
    }

    fn sign(&self, msg: &[u8], _mode: SigningMode) -> Result<Vec<u8>, Error> {
        self.0.tag(msg)
    }

    fn public(&self) -> Result<Arc<dyn PublicBackend>, Error> {
        Ok(self.0.clone())
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        Ok(self.0.jwk())
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
        self.check(msg, sig)
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        Ok(self.jwk())
    }

    fn to_spki_der(&self) -> Result<Vec<u8>, Error> {
        Err(KeyError::PemUnsupported.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oct(alg: Algorithm, key: &[u8]) -> Jwk {
        Jwk {
            k: Some(SecretMember::encode(key)),
            ..jwk_for(alg)
        }
    }

    #[test]
    fn rfc4231_case_6_known_answer() {
        // RFC 4231 test case 6 key (131 × 0xaa) and message, HMAC-SHA-256.
        let key = [0xaau8; 131];
        let msg = b"Test Using Larger Than Block-Size Key - Hash Key First";
        let sk = secret_from_jwk(Algorithm::Hs256, &oct(Algorithm::Hs256, &key)).unwrap();
        let tag = sk.sign(msg, SigningMode::Hedged).unwrap();
        assert_eq!(
            hex::encode(&tag),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
        sk.public().unwrap().verify(msg, &tag).unwrap();
    }

    #[test]
    fn round_trip_tamper_and_length() {
        for (alg, len) in [
            (Algorithm::Hs256, 32),
            (Algorithm::Hs384, 48),
            (Algorithm::Hs512, 64),
        ] {
            let sk = generate(alg).unwrap();
            assert_eq!(sk.to_jwk().unwrap().k.unwrap().decode().unwrap().len(), len);
            let pk = sk.public().unwrap();
            let tag = sk.sign(b"msg", SigningMode::Deterministic).unwrap();
            assert_eq!(tag.len(), len);
            pk.verify(b"msg", &tag).unwrap();
            assert_eq!(pk.verify(b"msh", &tag), Err(Error::InvalidSignature));
            let mut bad = tag.clone();
            bad[0] ^= 0x80;
            assert_eq!(pk.verify(b"msg", &bad), Err(Error::InvalidSignature));
            // Truncated (and over-long) tags are refused, even when the prefix is right.
            for wrong in [0, 16, len - 1, len + 1] {
                let mut t = tag.clone();
                t.resize(wrong, 0);
                assert_eq!(
                    pk.verify(b"msg", &t),
                    Err(Error::Format(FormatError::SignatureLength))
                );
            }
            assert_eq!(
                sk.to_pkcs8_der().unwrap_err(),
                Error::Key(KeyError::PemUnsupported)
            );
            assert_eq!(
                pk.to_spki_der().unwrap_err(),
                Error::Key(KeyError::PemUnsupported)
            );
        }
    }

    #[test]
    fn short_keys_are_too_weak() {
        let weak = |alg, n| secret_from_jwk(alg, &oct(alg, &vec![1u8; n])).unwrap_err();
        assert_eq!(weak(Algorithm::Hs256, 16), Error::Key(KeyError::TooWeak));
        assert_eq!(weak(Algorithm::Hs256, 31), Error::Key(KeyError::TooWeak));
        assert_eq!(weak(Algorithm::Hs384, 32), Error::Key(KeyError::TooWeak));
        assert_eq!(weak(Algorithm::Hs512, 63), Error::Key(KeyError::TooWeak));
        assert_eq!(
            public_from_jwk(Algorithm::Hs256, &oct(Algorithm::Hs256, &[1u8; 16])).unwrap_err(),
            Error::Key(KeyError::TooWeak)
        );
        assert!(secret_from_jwk(Algorithm::Hs256, &oct(Algorithm::Hs256, &[1u8; 32])).is_ok());
        assert_eq!(
            secret_from_jwk(Algorithm::Hs256, &jwk_for(Algorithm::Hs256)).unwrap_err(),
            Error::Key(KeyError::MalformedJwk)
        );
        assert_eq!(
            generate(Algorithm::Es256).unwrap_err(),
            Error::Algorithm(AlgorithmError::Unsupported(Algorithm::Es256))
        );
    }

    #[test]
    fn debug_shows_no_secret() {
        let key = [0x5au8; 32];
        let sk = secret_from_jwk(Algorithm::Hs256, &oct(Algorithm::Hs256, &key)).unwrap();
        let pk = sk.public().unwrap();
        for shown in [format!("{sk:?}"), format!("{pk:?}"), format!("{sk:#?}")] {
            assert!(!shown.contains("90"), "{shown}");
            assert!(!shown.contains(&hex::encode(key)));
            assert!(!shown.contains(&crate::format::b64::encode(&key)));
        }
        assert_eq!(format!("{pk:?}"), "HmacKey { alg: Hs256, .. }");
    }
}
