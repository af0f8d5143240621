//! Ed25519 (RFC 8032) for JOSE: `Ed25519` (RFC 9864) and its legacy name `EdDSA` (RFC 8037),
//! over `ed25519-dalek`, with strict verification (`verify_strict`: canonical `S`, no
//! small-order `R` or public key). Keys are `OKP` JWKs `{crv: "Ed25519", x, d}`.
//!
//! Ed25519 signing is deterministic by construction: [`SigningMode`] does not change it.

use core::fmt;
use std::sync::Arc;

use ed25519_dalek::pkcs8::spki::{DecodePublicKey, SubjectPublicKeyInfoRef};
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::pkcs8::{EncodePublicKey, KeypairBytes, PrivateKeyInfoRef};
use ed25519_dalek::{Signature, Signer};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::alg::{Algorithm, Family};
use crate::backend::{
    PublicBackend, SecretBackend, SigningMode, jwk_for, member, rng, secret_member,
};
use crate::error::{AlgorithmError, Error, FormatError, KeyError};
use crate::format::jwk::{Jwk, SecretMember};

/// The JWK `crv` of an Ed25519 key.
const CRV: &str = "Ed25519";
/// Length of the private seed, the public key and half the signature.
const KEY_LEN: usize = 32;

/// An Ed25519 private key (`ed25519-dalek` zeroizes it on drop).
struct EdSecret {
    alg: Algorithm,
    key: ed25519_dalek::SigningKey,
}

/// An Ed25519 public key, decompressed once.
struct EdPublic {
    alg: Algorithm,
    key: ed25519_dalek::VerifyingKey,
}

impl fmt::Debug for EdSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EdSecret")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for EdPublic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EdPublic")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

fn check_alg(alg: Algorithm) -> Result<(), Error> {
    if alg.family() == Family::EdDsa {
        Ok(())
    } else {
        Err(AlgorithmError::Unsupported(alg).into())
    }
}

/// The curve named by the JWK must be Ed25519 (`Ed448`, `X25519`… are other keys).
fn check_crv(jwk: &Jwk) -> Result<(), Error> {
    match jwk.crv.as_deref() {
        Some(CRV) => Ok(()),
        Some(_) => Err(KeyError::WrongKeyType.into()),
        None => Err(KeyError::MalformedJwk.into()),
    }
}

fn public_key(x: &[u8]) -> Result<ed25519_dalek::VerifyingKey, Error> {
    let x: &[u8; KEY_LEN] = x
        .try_into()
        .map_err(|_| Error::Key(KeyError::InvalidEncoding))?;
    ed25519_dalek::VerifyingKey::from_bytes(x).map_err(|_| Error::Key(KeyError::InvalidEncoding))
}

pub(crate) fn generate(alg: Algorithm) -> Result<Box<dyn SecretBackend>, Error> {
    check_alg(alg)?;
    let seed = rng::secret_array::<KEY_LEN>()?;
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    Ok(Box::new(EdSecret { alg, key }))
}

pub(crate) fn secret_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Box<dyn SecretBackend>, Error> {
    check_alg(alg)?;
    check_crv(jwk)?;
    let x = member(&jwk.x)?;
    let d = secret_member(&jwk.d)?;
    let seed: &[u8; KEY_LEN] = d
        .as_slice()
        .try_into()
        .map_err(|_| Error::Key(KeyError::InvalidEncoding))?;
    let key = ed25519_dalek::SigningKey::from_bytes(seed);
    // Both values are public; the comparison is constant time anyway.
    if !bool::from(key.verifying_key().as_bytes().ct_eq(x.as_slice())) {
        return Err(KeyError::Mismatch.into());
    }
    Ok(Box::new(EdSecret { alg, key }))
}

pub(crate) fn public_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Arc<dyn PublicBackend>, Error> {
    check_alg(alg)?;
    check_crv(jwk)?;
    let key = public_key(&member(&jwk.x)?)?;
    Ok(Arc::new(EdPublic { alg, key }))
}

pub(crate) fn secret_from_pkcs8(
    alg: Algorithm,
    der: &[u8],
) -> Result<Box<dyn SecretBackend>, Error> {
    check_alg(alg)?;
    let info = PrivateKeyInfoRef::try_from(der).map_err(|_| Error::Key(KeyError::Pem))?;
    if info.algorithm.oid != ed25519_dalek::pkcs8::ALGORITHM_OID {
        return Err(KeyError::WrongKeyType.into());
    }
    // The crate checks an embedded public key (PKCS#8 v2) against the seed.
    let key =
        ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(|_| Error::Key(KeyError::Pem))?;
    Ok(Box::new(EdSecret { alg, key }))
}

pub(crate) fn public_from_spki(
    alg: Algorithm,
    der: &[u8],
) -> Result<Arc<dyn PublicBackend>, Error> {
    check_alg(alg)?;
    let info = SubjectPublicKeyInfoRef::try_from(der).map_err(|_| Error::Key(KeyError::Pem))?;
    if info.algorithm.oid != ed25519_dalek::pkcs8::ALGORITHM_OID {
        return Err(KeyError::WrongKeyType.into());
    }
    let key = ed25519_dalek::VerifyingKey::from_public_key_der(der)
        .map_err(|_| Error::Key(KeyError::Pem))?;
    Ok(Arc::new(EdPublic { alg, key }))
}

fn public_jwk(alg: Algorithm, key: &ed25519_dalek::VerifyingKey) -> Jwk {
    Jwk {
        crv: Some(CRV.to_owned()),
        x: Some(crate::format::b64::encode(key.as_bytes())),
        ..jwk_for(alg)
    }
}

impl SecretBackend for EdSecret {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn sign(&self, msg: &[u8], _mode: SigningMode) -> Result<Vec<u8>, Error> {
        let sig: Signature = self.key.try_sign(msg).map_err(|_| Error::Crypto)?;
        Ok(sig.to_bytes().to_vec())
    }

    fn public(&self) -> Result<Arc<dyn PublicBackend>, Error> {
        Ok(Arc::new(EdPublic {
            alg: self.alg,
            key: self.key.verifying_key(),
        }))
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        let seed = Zeroizing::new(self.key.to_bytes());
        Ok(Jwk {
            d: Some(SecretMember::encode(seed.as_slice())),
            ..public_jwk(self.alg, &self.key.verifying_key())
        })
    }

    /// The RFC 8410 v1 form (seed only), as OpenSSL writes it: OpenSSL 3.0 cannot read the
    /// v2 form with the public key that `ed25519-dalek` writes by default.
    fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        let seed_only = KeypairBytes {
            secret_key: self.key.to_bytes(),
            public_key: None,
        };
        let doc = seed_only
            .to_pkcs8_der()
            .map_err(|_| Error::Key(KeyError::Pem))?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }
}

impl PublicBackend for EdPublic {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), Error> {
        let sig: &[u8; 2 * KEY_LEN] = sig
            .try_into()
            .map_err(|_| Error::Format(FormatError::SignatureLength))?;
        self.key
            .verify_strict(msg, &Signature::from_bytes(sig))
            .map_err(|_| Error::InvalidSignature)
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        Ok(public_jwk(self.alg, &self.key))
    }

    fn to_spki_der(&self) -> Result<Vec<u8>, Error> {
        self.key
            .to_public_key_der()
            .map(|doc| doc.as_bytes().to_vec())
            .map_err(|_| Error::Key(KeyError::Pem))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032 §7.1 TEST 1 (the seed of RFC 8037 Appendix A).
    const D: &str = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    const X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

    fn jwk(x: &str, d: Option<&str>, crv: &str) -> Jwk {
        Jwk {
            crv: Some(crv.to_owned()),
            x: Some(x.to_owned()),
            d: d.map(|d| SecretMember::new(d.to_owned())),
            ..jwk_for(Algorithm::Ed25519)
        }
    }

    #[test]
    fn round_trip_and_tamper() {
        for alg in [Algorithm::Ed25519, Algorithm::EdDsa] {
            let sk = generate(alg).unwrap();
            let pk = sk.public().unwrap();
            let sig = sk.sign(b"msg", SigningMode::Hedged).unwrap();
            assert_eq!(sig.len(), 64);
            pk.verify(b"msg", &sig).unwrap();
            assert_eq!(pk.verify(b"msh", &sig), Err(Error::InvalidSignature));
            let mut bad = sig.clone();
            bad[10] ^= 1;
            assert_eq!(pk.verify(b"msg", &bad), Err(Error::InvalidSignature));
            for len in [0, 63, 65] {
                let mut s = sig.clone();
                s.resize(len, 0);
                assert_eq!(
                    pk.verify(b"msg", &s),
                    Err(Error::Format(FormatError::SignatureLength))
                );
            }
        }
    }

    #[test]
    fn non_canonical_s_is_rejected() {
        let sk = secret_from_jwk(Algorithm::Ed25519, &jwk(X, Some(D), CRV)).unwrap();
        let sig = sk.sign(b"", SigningMode::Deterministic).unwrap();
        // S + L (the group order) verifies under lax rules; strict verification refuses it.
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut bad = sig.clone();
        let mut carry = 0u16;
        for (b, l) in bad[32..].iter_mut().zip(L) {
            let v = u16::from(*b) + u16::from(l) + carry;
            *b = v as u8;
            carry = v >> 8;
        }
        let pk = sk.public().unwrap();
        pk.verify(b"", &sig).unwrap();
        assert_eq!(pk.verify(b"", &bad), Err(Error::InvalidSignature));
    }

    #[test]
    fn jwk_checks() {
        let ok = secret_from_jwk(Algorithm::EdDsa, &jwk(X, Some(D), CRV)).unwrap();
        let out = ok.to_jwk().unwrap();
        assert_eq!(out.x.as_deref(), Some(X));
        assert_eq!(out.d.as_ref().map(SecretMember::expose), Some(D));
        let other_x = "fU0Of2FTpptiQrUiq77mhf2kQg-INLEIw72uNp71Sfo";
        let err = |r: Result<Box<dyn SecretBackend>, Error>| r.unwrap_err();
        assert_eq!(
            err(secret_from_jwk(
                Algorithm::Ed25519,
                &jwk(other_x, Some(D), CRV)
            )),
            Error::Key(KeyError::Mismatch)
        );
        assert_eq!(
            err(secret_from_jwk(
                Algorithm::Ed25519,
                &jwk(X, Some(D), "Ed448")
            )),
            Error::Key(KeyError::WrongKeyType)
        );
        assert_eq!(
            err(secret_from_jwk(
                Algorithm::Ed25519,
                &jwk(X, Some("AAAA"), CRV)
            )),
            Error::Key(KeyError::InvalidEncoding)
        );
        assert_eq!(
            public_from_jwk(Algorithm::Ed25519, &jwk("AAAA", None, CRV)).unwrap_err(),
            Error::Key(KeyError::InvalidEncoding)
        );
        assert_eq!(
            err(secret_from_jwk(Algorithm::Ed25519, &jwk(X, None, CRV))),
            Error::Key(KeyError::NotPrivate)
        );
        assert_eq!(
            err(generate(Algorithm::Es256)),
            Error::Algorithm(AlgorithmError::Unsupported(Algorithm::Es256))
        );
    }

    #[test]
    fn pkcs8_and_spki_round_trip() {
        let sk = secret_from_jwk(Algorithm::Ed25519, &jwk(X, Some(D), CRV)).unwrap();
        let der = sk.to_pkcs8_der().unwrap();
        let again = secret_from_pkcs8(Algorithm::Ed25519, &der).unwrap();
        assert_eq!(again.to_jwk().unwrap(), sk.to_jwk().unwrap());
        let spki = sk.public().unwrap().to_spki_der().unwrap();
        let pk = public_from_spki(Algorithm::EdDsa, &spki).unwrap();
        assert_eq!(pk.to_jwk().unwrap().x.as_deref(), Some(X));
        assert_eq!(
            secret_from_pkcs8(Algorithm::Ed25519, b"\x30\x00").unwrap_err(),
            Error::Key(KeyError::Pem)
        );
    }

    #[test]
    fn debug_shows_no_secret() {
        let sk = secret_from_jwk(Algorithm::Ed25519, &jwk(X, Some(D), CRV)).unwrap();
        let shown = format!("{sk:?}");
        let seed = crate::format::b64::decode(D).unwrap();
        assert!(!shown.contains(D));
        assert!(!shown.contains(&hex::encode(&seed)));
        assert!(!shown.contains(&format!("{:?}", &seed[..8])));
        assert_eq!(shown, "EdSecret { alg: Ed25519, .. }");
    }
}
