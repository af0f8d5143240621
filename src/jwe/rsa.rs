//! RSA-OAEP key encryption (RFC 7518 §4.3): `RSA-OAEP-256` (SHA-256, MGF1-SHA-256) and the
//! legacy `RSA-OAEP` (SHA-1, MGF1-SHA-1; RFC 7516's example and many deployed peers use it),
//! with 2048- to 8192-bit keys. `RSA1_5` is never implemented.
//!
//! # Decryption and RUSTSEC-2023-0071
//!
//! The pure-Rust `rsa` crate (0.10.0-rc.20 here, and every release so far: the advisory lists no
//! patched version) is affected by RUSTSEC-2023-0071, the "Marvin" timing side channel in its
//! private-key operation, which lets a network attacker who can time decryptions recover
//! plaintexts or forge with the key. So, in the default build, RSA-OAEP **decryption** is
//! refused with [`JweError::RsaDecryptionUnavailable`]; with the `aws-lc` feature it runs on
//! aws-lc-rs (AWS-LC's constant-time RSA). Encryption (a public-key operation) and key
//! generation, import and export work in every build.
//!
//! On decryption, a failure of the OAEP decoding or a wrapped key of the wrong length gives the
//! same opaque [`JweError::Decryption`] as a bad content tag would, after the content decryption
//! has been attempted with a random CEK (RFC 7516 §11.5), so timing does not tell them apart.

use core::fmt;

use rsa::traits::PublicKeyParts;
use rsa::{Oaep, RsaPrivateKey, RsaPublicKey};
use zeroize::Zeroizing;

use crate::backend::rng;
use crate::backend::rsa as keys;
// `JweError` is used by the default build's refusal and by the doc links.
#[cfg_attr(feature = "aws-lc", allow(unused_imports))]
use crate::error::{Error, JweError};
use crate::format::jwk::Jwk;

/// The OAEP hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum OaepHash {
    /// `RSA-OAEP`: SHA-1 and MGF1-SHA-1 (legacy, for interop).
    Sha1,
    /// `RSA-OAEP-256`: SHA-256 and MGF1-SHA-256.
    Sha256,
}

/// An RSA public key for RSA-OAEP.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct RsaOaepPublicKey(RsaPublicKey);

/// An RSA private key for RSA-OAEP (zeroized on drop by the `rsa` crate). With `aws-lc`, the
/// same key parsed once into aws-lc-rs, which does the decryptions (parsing it per decryption
/// cost more than the RSA operation itself).
#[derive(Clone)]
pub(crate) struct RsaOaepSecretKey {
    key: Box<RsaPrivateKey>,
    #[cfg(feature = "aws-lc")]
    lc: std::sync::Arc<aws_lc_rs::rsa::OaepPrivateDecryptingKey>,
}

impl fmt::Debug for RsaOaepPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "RsaOaepPublicKey({} bits)",
            self.0.size().saturating_mul(8)
        )
    }
}

impl fmt::Debug for RsaOaepSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "RsaOaepSecretKey({} bits)",
            self.key.size().saturating_mul(8)
        )
    }
}

impl RsaOaepPublicKey {
    /// Import the public members (`n`, `e`) of an `RSA` JWK (2048 to 8192 bits).
    pub(crate) fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        check_kty(jwk)?;
        Ok(Self(keys::jwk_public_key(jwk)?.1))
    }

    /// Import SubjectPublicKeyInfo DER of an `rsaEncryption` key (2048 to 8192 bits).
    pub(crate) fn from_spki_der(der: &[u8]) -> Result<Self, Error> {
        let info = spki::SubjectPublicKeyInfoRef::try_from(der).map_err(|_| pem())?;
        rsa_encryption(info.algorithm.oid)?;
        Ok(Self(keys::public_key_from_spki(der)?))
    }

    /// SubjectPublicKeyInfo DER.
    pub(crate) fn to_spki_der(&self) -> Result<Vec<u8>, Error> {
        use rsa::pkcs8::EncodePublicKey;
        self.0
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .map_err(|_| Error::Key(crate::error::KeyError::NotExportable))
    }

    /// The public JWK members over `base`.
    pub(crate) fn to_jwk(&self, base: Jwk) -> Jwk {
        keys::public_members(&self.0, base)
    }

    /// Encrypt the CEK.
    pub(crate) fn encrypt(&self, hash: OaepHash, cek: &[u8]) -> Result<Vec<u8>, Error> {
        // The crate takes an infallible generator: probe the system one first.
        rng::secret_array::<1>()?;
        let mut rng = rng::infallible();
        let out = match hash {
            OaepHash::Sha1 => self.0.encrypt(&mut rng, Oaep::<sha1::Sha1>::new(), cek),
            OaepHash::Sha256 => self.0.encrypt(&mut rng, Oaep::<sha2::Sha256>::new(), cek),
        };
        out.map_err(|_| Error::Crypto)
    }

    /// The modulus length in bytes (the length of every encrypted key).
    #[cfg(test)]
    pub(crate) fn size(&self) -> usize {
        self.0.size()
    }
}

fn pem() -> Error {
    Error::Key(crate::error::KeyError::Pem)
}

/// RSA-OAEP takes `rsaEncryption` keys only: an `id-RSASSA-PSS` key is restricted to PSS
/// signatures (RFC 4055 §1.2), any other type is not RSA ([`KeyError::WrongKeyType`]).
///
/// [`KeyError::WrongKeyType`]: crate::error::KeyError::WrongKeyType
fn rsa_encryption(oid: pkcs8::ObjectIdentifier) -> Result<(), Error> {
    if oid == rsa::pkcs1::ALGORITHM_OID {
        Ok(())
    } else {
        Err(crate::error::KeyError::WrongKeyType.into())
    }
}

fn check_kty(jwk: &Jwk) -> Result<(), Error> {
    if jwk.kty() == "RSA" {
        Ok(())
    } else {
        Err(crate::error::KeyError::WrongKeyType.into())
    }
}

impl RsaOaepSecretKey {
    /// The key, with its aws-lc-rs form under `aws-lc`.
    fn new(key: RsaPrivateKey) -> Result<Self, Error> {
        #[cfg(feature = "aws-lc")]
        let lc = {
            use aws_lc_rs::rsa::{OaepPrivateDecryptingKey, PrivateDecryptingKey};
            use rsa::pkcs8::EncodePrivateKey;
            let der = key
                .to_pkcs8_der()
                .map_err(|_| Error::Key(crate::error::KeyError::NotExportable))?;
            let parsed =
                PrivateDecryptingKey::from_pkcs8(der.as_bytes()).map_err(|_| Error::Crypto)?;
            std::sync::Arc::new(OaepPrivateDecryptingKey::new(parsed).map_err(|_| Error::Crypto)?)
        };
        Ok(Self {
            key: Box::new(key),
            #[cfg(feature = "aws-lc")]
            lc,
        })
    }

    /// A fresh 2048-bit key.
    pub(crate) fn generate() -> Result<Self, Error> {
        Self::new(keys::generate_key()?)
    }

    /// Import a private `RSA` JWK (the CRT members, when given, must match).
    pub(crate) fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        check_kty(jwk)?;
        Self::new(keys::private_key_from_jwk(jwk)?)
    }

    /// Import PKCS#8 DER of an `rsaEncryption` key (2048 to 8192 bits).
    pub(crate) fn from_pkcs8_der(der: &[u8]) -> Result<Self, Error> {
        let info = pkcs8::PrivateKeyInfoRef::try_from(der).map_err(|_| pem())?;
        rsa_encryption(info.algorithm.oid)?;
        Self::new(keys::private_key_from_pkcs8(der)?)
    }

    /// PKCS#8 DER.
    pub(crate) fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        use rsa::pkcs8::EncodePrivateKey;
        let doc = self
            .key
            .to_pkcs8_der()
            .map_err(|_| Error::Key(crate::error::KeyError::NotExportable))?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    /// The private JWK members over `base`.
    pub(crate) fn to_jwk(&self, base: Jwk) -> Result<Jwk, Error> {
        keys::private_members(&self.key, base)
    }

    /// The public key.
    pub(crate) fn public_key(&self) -> RsaOaepPublicKey {
        RsaOaepPublicKey(self.key.to_public_key())
    }

    /// Decrypt an encrypted CEK that must be `cek_len` bytes long.
    ///
    /// Any failure (OAEP decoding, wrong length) returns a random CEK of `cek_len` bytes
    /// instead, so that the caller's content decryption fails with the same opaque error at the
    /// same point (RFC 7516 §11.5). The default build refuses with
    /// [`JweError::RsaDecryptionUnavailable`] before touching the ciphertext.
    pub(crate) fn decrypt_cek(
        &self,
        hash: OaepHash,
        encrypted_key: &[u8],
        cek_len: usize,
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        let decrypted = self.decrypt_raw(hash, encrypted_key)?;
        let mut random = Zeroizing::new(vec![0u8; cek_len]);
        rng::fill(&mut random)?;
        Ok(match decrypted {
            Some(cek) if cek.len() == cek_len => cek,
            _ => random,
        })
    }

    #[cfg(not(feature = "aws-lc"))]
    fn decrypt_raw(
        &self,
        _hash: OaepHash,
        _encrypted_key: &[u8],
    ) -> Result<Option<Zeroizing<Vec<u8>>>, Error> {
        Err(JweError::RsaDecryptionUnavailable.into())
    }

    #[cfg(feature = "aws-lc")]
    fn decrypt_raw(
        &self,
        hash: OaepHash,
        encrypted_key: &[u8],
    ) -> Result<Option<Zeroizing<Vec<u8>>>, Error> {
        use aws_lc_rs::rsa::{OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256};
        let key = &self.lc;
        let algorithm = match hash {
            OaepHash::Sha1 => &OAEP_SHA1_MGF1SHA1,
            OaepHash::Sha256 => &OAEP_SHA256_MGF1SHA256,
        };
        let mut out = Zeroizing::new(vec![0u8; key.min_output_size()]);
        let len = match key.decrypt(algorithm, encrypted_key, &mut out, None) {
            Ok(plain) => plain.len(),
            Err(_) => return Ok(None),
        };
        out.truncate(len);
        Ok(Some(out))
    }
}

/// Whether this build can decrypt RSA-OAEP (only with the `aws-lc` feature; see the module
/// docs on RUSTSEC-2023-0071).
#[cfg(test)]
pub(crate) const fn decryption_available() -> bool {
    cfg!(feature = "aws-lc")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypt_to_a_jwk_and_refuse_or_decrypt() {
        let secret = RsaOaepSecretKey::generate().unwrap();
        let public = RsaOaepPublicKey::from_jwk(&secret.public_key().to_jwk(Jwk {
            kty: "RSA".into(),
            ..Jwk::default()
        }))
        .unwrap();
        assert_eq!(public.size(), 256);
        for hash in [OaepHash::Sha1, OaepHash::Sha256] {
            let ek = public.encrypt(hash, &[7u8; 32]).unwrap();
            assert_eq!(ek.len(), 256);
            let got = secret.decrypt_cek(hash, &ek, 32);
            if decryption_available() {
                assert_eq!(*got.unwrap(), [7u8; 32]);
                // Wrong hash or wrong length: a random CEK, not an error.
                let other = if hash == OaepHash::Sha1 {
                    OaepHash::Sha256
                } else {
                    OaepHash::Sha1
                };
                assert_ne!(*secret.decrypt_cek(other, &ek, 32).unwrap(), [7u8; 32]);
                assert_eq!(secret.decrypt_cek(hash, &ek, 16).unwrap().len(), 16);
            } else {
                assert_eq!(
                    got.unwrap_err(),
                    Error::Jwe(JweError::RsaDecryptionUnavailable)
                );
            }
        }
    }

    #[test]
    fn jwk_and_pkcs8_round_trips() {
        let secret = RsaOaepSecretKey::generate().unwrap();
        let jwk = secret
            .to_jwk(Jwk {
                kty: "RSA".into(),
                ..Jwk::default()
            })
            .unwrap();
        let again = RsaOaepSecretKey::from_jwk(&jwk).unwrap();
        assert_eq!(again.public_key(), secret.public_key());
        let der = secret.to_pkcs8_der().unwrap();
        assert_eq!(
            RsaOaepSecretKey::from_pkcs8_der(&der).unwrap().public_key(),
            secret.public_key()
        );
        let spki = secret.public_key().to_spki_der().unwrap();
        assert_eq!(
            RsaOaepPublicKey::from_spki_der(&spki).unwrap(),
            secret.public_key()
        );
        assert!(!format!("{secret:?}").contains(jwk.d.as_ref().unwrap().expose()));
    }
}
