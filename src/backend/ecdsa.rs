//! ECDSA for JOSE (RFC 7518 §3.4): `ES256` (P-256, SHA-256) over `p256` and `ES384` (P-384,
//! SHA-384) over `p384`. Keys are `EC` JWKs `{crv, x, y, d}` with fixed-length coordinates.
//!
//! The JWS signature is the fixed-width concatenation r‖s (never DER). Any other length is a
//! [`FormatError::SignatureLength`]; r or s equal to zero or not below the group order n is an
//! invalid signature. Signing is deterministic (RFC 6979), so [`SigningMode`] does not change
//! it. One generic body serves both curves; the [`Curve`] trait is the only per-curve code.

use core::fmt;
use std::sync::Arc;

use p256::elliptic_curve::pkcs8::{ObjectIdentifier, PrivateKeyInfoRef, SubjectPublicKeyInfoRef};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::alg::Algorithm;
use crate::backend::{
    PublicBackend, SecretBackend, SigningMode, jwk_for, member, rng, secret_member,
};
use crate::error::{AlgorithmError, Error, FormatError, KeyError};
use crate::format::jwk::{Jwk, SecretMember};

/// id-ecPublicKey (RFC 5480), the PKCS#8/SPKI algorithm of every EC key.
const EC_PUBLIC_KEY_OID: ObjectIdentifier = p256::elliptic_curve::ALGORITHM_OID;

/// One curve: the glue between the generic backend and a RustCrypto curve crate.
trait Curve: Send + Sync + 'static {
    /// The JOSE algorithm bound to the curve.
    const ALG: Algorithm;
    /// The JWK `crv`.
    const CRV: &'static str;
    /// Length of a scalar and of each coordinate (the signature is twice this).
    const LEN: usize;
    /// The named-curve OID of PKCS#8/SPKI documents.
    const OID: ObjectIdentifier;
    /// The crate's signing key (zeroized on drop by the crate).
    type Sk: Send + Sync;
    /// The crate's verifying key.
    type Vk: Send + Sync + Copy;

    fn generate() -> Result<Self::Sk, Error>;
    /// The key from a big-endian scalar of exactly [`Self::LEN`] bytes, in `[1, n)`.
    fn sk_from_scalar(d: &[u8]) -> Option<Self::Sk>;
    fn sk_scalar(sk: &Self::Sk) -> Zeroizing<Vec<u8>>;
    fn vk(sk: &Self::Sk) -> Self::Vk;
    /// The key from a SEC1 point; the crate rejects points off the curve and the identity.
    fn vk_from_sec1(bytes: &[u8]) -> Option<Self::Vk>;
    /// The uncompressed SEC1 point 0x04‖x‖y.
    fn vk_sec1(vk: &Self::Vk) -> Vec<u8>;
    fn sign(sk: &Self::Sk, msg: &[u8]) -> Result<Vec<u8>, Error>;
    /// `sig` has exactly 2·[`Self::LEN`] bytes.
    fn verify(vk: &Self::Vk, msg: &[u8], sig: &[u8]) -> Result<(), Error>;
    fn sk_from_pkcs8(der: &[u8]) -> Option<Self::Sk>;
    fn sk_to_pkcs8(sk: &Self::Sk) -> Option<Zeroizing<Vec<u8>>>;
    fn vk_from_spki(der: &[u8]) -> Option<Self::Vk>;
    fn vk_to_spki(vk: &Self::Vk) -> Option<Vec<u8>>;
}

macro_rules! curve {
    ($name:ident, $krate:ident, $alg:ident, $crv:literal, $len:literal) => {
        /// Marker for the curve of the same name.
        struct $name;

        impl Curve for $name {
            const ALG: Algorithm = Algorithm::$alg;
            const CRV: &'static str = $crv;
            const LEN: usize = $len;
            const OID: ObjectIdentifier =
                <$krate::$name as $krate::elliptic_curve::pkcs8::AssociatedOid>::OID;
            type Sk = $krate::ecdsa::SigningKey;
            type Vk = $krate::ecdsa::VerifyingKey;

            fn generate() -> Result<Self::Sk, Error> {
                use $krate::elliptic_curve::Generate;
                Self::Sk::try_generate_from_rng(&mut rng::SysRng::default())
                    .map_err(|_| Error::Crypto)
            }
            fn sk_from_scalar(d: &[u8]) -> Option<Self::Sk> {
                let d = <&$krate::FieldBytes>::try_from(d).ok()?;
                Self::Sk::from_bytes(d).ok()
            }
            fn sk_scalar(sk: &Self::Sk) -> Zeroizing<Vec<u8>> {
                let bytes = Zeroizing::new(sk.to_bytes());
                Zeroizing::new(bytes.to_vec())
            }
            fn vk(sk: &Self::Sk) -> Self::Vk {
                *sk.verifying_key()
            }
            fn vk_from_sec1(bytes: &[u8]) -> Option<Self::Vk> {
                Self::Vk::from_sec1_bytes(bytes).ok()
            }
            fn vk_sec1(vk: &Self::Vk) -> Vec<u8> {
                vk.to_sec1_point(false).as_bytes().to_vec()
            }
            fn sign(sk: &Self::Sk, msg: &[u8]) -> Result<Vec<u8>, Error> {
                use $krate::ecdsa::signature::Signer;
                let sig: $krate::ecdsa::Signature = sk.try_sign(msg).map_err(|_| Error::Crypto)?;
                Ok(sig.to_bytes().to_vec())
            }
            fn verify(vk: &Self::Vk, msg: &[u8], sig: &[u8]) -> Result<(), Error> {
                use $krate::ecdsa::signature::Verifier;
                // `from_slice` refuses r or s that is zero or not below n.
                let sig = $krate::ecdsa::Signature::from_slice(sig)
                    .map_err(|_| Error::InvalidSignature)?;
                vk.verify(msg, &sig).map_err(|_| Error::InvalidSignature)
            }
            fn sk_from_pkcs8(der: &[u8]) -> Option<Self::Sk> {
                use $krate::elliptic_curve::pkcs8::DecodePrivateKey;
                Self::Sk::from_pkcs8_der(der).ok()
            }
            fn sk_to_pkcs8(sk: &Self::Sk) -> Option<Zeroizing<Vec<u8>>> {
                use $krate::elliptic_curve::pkcs8::EncodePrivateKey;
                let doc = sk.to_pkcs8_der().ok()?;
                Some(Zeroizing::new(doc.as_bytes().to_vec()))
            }
            fn vk_from_spki(der: &[u8]) -> Option<Self::Vk> {
                use $krate::elliptic_curve::pkcs8::DecodePublicKey;
                Self::Vk::from_public_key_der(der).ok()
            }
            fn vk_to_spki(vk: &Self::Vk) -> Option<Vec<u8>> {
                use $krate::elliptic_curve::pkcs8::EncodePublicKey;
                Some(vk.to_public_key_der().ok()?.as_bytes().to_vec())
            }
        }
    };
}

curve!(NistP256, p256, Es256, "P-256", 32);
curve!(NistP384, p384, Es384, "P-384", 48);

/// Run `$body` with the type `$C` bound to the curve of `$alg` (an error for any other algorithm).
macro_rules! by_curve {
    ($alg:expr, $C:ident => $body:expr) => {
        match $alg {
            Algorithm::Es256 => {
                type $C = NistP256;
                $body
            }
            Algorithm::Es384 => {
                type $C = NistP384;
                $body
            }
            other => Err(Error::from(AlgorithmError::Unsupported(other))),
        }
    };
}

/// An ECDSA private key with its public key.
struct EcSecret<C: Curve> {
    key: C::Sk,
    public: C::Vk,
}

/// An ECDSA public key (a validated curve point).
struct EcPublic<C: Curve> {
    key: C::Vk,
}

impl<C: Curve> fmt::Debug for EcSecret<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcSecret")
            .field("alg", &C::ALG)
            .finish_non_exhaustive()
    }
}

impl<C: Curve> fmt::Debug for EcPublic<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcPublic")
            .field("alg", &C::ALG)
            .finish_non_exhaustive()
    }
}

impl<C: Curve> EcSecret<C> {
    fn boxed(key: C::Sk) -> Box<dyn SecretBackend> {
        let public = C::vk(&key);
        Box::new(Self { key, public })
    }
}

/// The curve named by the JWK must be the algorithm's.
fn check_crv<C: Curve>(jwk: &Jwk) -> Result<(), Error> {
    match jwk.crv.as_deref() {
        Some(crv) if crv == C::CRV => Ok(()),
        Some(_) => Err(KeyError::WrongKeyType.into()),
        None => Err(KeyError::MalformedJwk.into()),
    }
}

/// The uncompressed point 0x04‖x‖y from the JWK's `x` and `y`, each exactly `C::LEN` bytes.
fn jwk_point<C: Curve>(jwk: &Jwk) -> Result<Vec<u8>, Error> {
    let x = member(&jwk.x)?;
    let y = member(&jwk.y)?;
    if x.len() != C::LEN || y.len() != C::LEN {
        return Err(KeyError::InvalidEncoding.into());
    }
    let mut point = Vec::with_capacity(1 + 2 * C::LEN);
    point.push(0x04);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    Ok(point)
}

/// Check a PKCS#8 or SPKI algorithm identifier: id-ecPublicKey with the curve's OID.
fn check_algorithm<C: Curve>(oid: ObjectIdentifier, params: Option<ObjectIdentifier>) -> bool {
    oid == EC_PUBLIC_KEY_OID && params == Some(C::OID)
}

fn secret_jwk<C: Curve>(jwk: &Jwk) -> Result<Box<dyn SecretBackend>, Error> {
    check_crv::<C>(jwk)?;
    let point = jwk_point::<C>(jwk)?;
    let d = secret_member(&jwk.d)?;
    if d.len() != C::LEN {
        return Err(KeyError::InvalidEncoding.into());
    }
    let key = C::sk_from_scalar(&d).ok_or(Error::Key(KeyError::InvalidEncoding))?;
    if !bool::from(C::vk_sec1(&C::vk(&key)).ct_eq(&point)) {
        return Err(KeyError::Mismatch.into());
    }
    Ok(EcSecret::<C>::boxed(key))
}

fn public_jwk<C: Curve>(jwk: &Jwk) -> Result<Arc<dyn PublicBackend>, Error> {
    check_crv::<C>(jwk)?;
    let point = jwk_point::<C>(jwk)?;
    let key = C::vk_from_sec1(&point).ok_or(Error::Key(KeyError::InvalidEncoding))?;
    Ok(Arc::new(EcPublic::<C> { key }))
}

fn secret_pkcs8<C: Curve>(der: &[u8]) -> Result<Box<dyn SecretBackend>, Error> {
    let info = PrivateKeyInfoRef::try_from(der).map_err(|_| Error::Key(KeyError::Pem))?;
    let (oid, params) = info
        .algorithm
        .oids()
        .map_err(|_| Error::Key(KeyError::Pem))?;
    if !check_algorithm::<C>(oid, params) {
        return Err(KeyError::WrongKeyType.into());
    }
    // The crate checks an embedded public key against the scalar.
    let key = C::sk_from_pkcs8(der).ok_or(Error::Key(KeyError::Pem))?;
    Ok(EcSecret::<C>::boxed(key))
}

fn public_spki<C: Curve>(der: &[u8]) -> Result<Arc<dyn PublicBackend>, Error> {
    let info = SubjectPublicKeyInfoRef::try_from(der).map_err(|_| Error::Key(KeyError::Pem))?;
    let (oid, params) = info
        .algorithm
        .oids()
        .map_err(|_| Error::Key(KeyError::Pem))?;
    if !check_algorithm::<C>(oid, params) {
        return Err(KeyError::WrongKeyType.into());
    }
    let key = C::vk_from_spki(der).ok_or(Error::Key(KeyError::Pem))?;
    Ok(Arc::new(EcPublic::<C> { key }))
}

/// The named-curve OID of an ECDSA algorithm (the SEC1/PKCS#8/SPKI parameters of its keys).
pub(crate) fn curve_oid(alg: Algorithm) -> Result<ObjectIdentifier, Error> {
    by_curve!(alg, C => Ok(C::OID))
}

pub(crate) fn generate(alg: Algorithm) -> Result<Box<dyn SecretBackend>, Error> {
    by_curve!(alg, C => Ok(EcSecret::<C>::boxed(C::generate()?)))
}

pub(crate) fn secret_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Box<dyn SecretBackend>, Error> {
    by_curve!(alg, C => secret_jwk::<C>(jwk))
}

pub(crate) fn public_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Arc<dyn PublicBackend>, Error> {
    by_curve!(alg, C => public_jwk::<C>(jwk))
}

pub(crate) fn secret_from_pkcs8(
    alg: Algorithm,
    der: &[u8],
) -> Result<Box<dyn SecretBackend>, Error> {
    by_curve!(alg, C => secret_pkcs8::<C>(der))
}

pub(crate) fn public_from_spki(
    alg: Algorithm,
    der: &[u8],
) -> Result<Arc<dyn PublicBackend>, Error> {
    by_curve!(alg, C => public_spki::<C>(der))
}

/// The public JWK `{kty, alg, crv, x, y}` of a verifying key.
fn jwk_of<C: Curve>(vk: &C::Vk) -> Result<Jwk, Error> {
    let point = C::vk_sec1(vk);
    let coords = point
        .strip_prefix(&[0x04])
        .ok_or(Error::Key(KeyError::InvalidEncoding))?;
    let (x, y) = coords
        .split_at_checked(C::LEN)
        .ok_or(Error::Key(KeyError::InvalidEncoding))?;
    Ok(Jwk {
        crv: Some(C::CRV.to_owned()),
        x: Some(crate::format::b64::encode(x)),
        y: Some(crate::format::b64::encode(y)),
        ..jwk_for(C::ALG)
    })
}

impl<C: Curve> SecretBackend for EcSecret<C> {
    fn algorithm(&self) -> Algorithm {
        C::ALG
    }

    fn sign(&self, msg: &[u8], _mode: SigningMode) -> Result<Vec<u8>, Error> {
        C::sign(&self.key, msg)
    }

    fn public(&self) -> Result<Arc<dyn PublicBackend>, Error> {
        Ok(Arc::new(EcPublic::<C> { key: self.public }))
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        let d = C::sk_scalar(&self.key);
        Ok(Jwk {
            d: Some(SecretMember::encode(&d)),
            ..jwk_of::<C>(&self.public)?
        })
    }

    fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        C::sk_to_pkcs8(&self.key).ok_or(Error::Key(KeyError::Pem))
    }
}

impl<C: Curve> PublicBackend for EcPublic<C> {
    fn algorithm(&self) -> Algorithm {
        C::ALG
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), Error> {
        if sig.len() != 2 * C::LEN {
            return Err(FormatError::SignatureLength.into());
        }
        C::verify(&self.key, msg, sig)
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        jwk_of::<C>(&self.key)
    }

    fn to_spki_der(&self) -> Result<Vec<u8>, Error> {
        C::vk_to_spki(&self.key).ok_or(Error::Key(KeyError::Pem))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7515 Appendix A.3 (P-256).
    const X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    const Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
    const D: &str = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
    /// The group orders n.
    const N256: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
    const N384: &str = "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf\
                        581a0db248b0a77aecec196accc52973";

    fn jwk(crv: &str, x: &str, y: &str, d: Option<&str>) -> Jwk {
        Jwk {
            crv: Some(crv.to_owned()),
            x: Some(x.to_owned()),
            y: Some(y.to_owned()),
            d: d.map(|d| SecretMember::new(d.to_owned())),
            ..jwk_for(Algorithm::Es256)
        }
    }

    #[test]
    fn round_trip_and_tamper() {
        for (alg, len) in [(Algorithm::Es256, 64), (Algorithm::Es384, 96)] {
            let sk = generate(alg).unwrap();
            let pk = sk.public().unwrap();
            let sig = sk.sign(b"msg", SigningMode::Hedged).unwrap();
            assert_eq!(sig.len(), len);
            pk.verify(b"msg", &sig).unwrap();
            assert_eq!(pk.verify(b"msh", &sig), Err(Error::InvalidSignature));
            let mut bad = sig.clone();
            bad[len - 1] ^= 1;
            assert_eq!(pk.verify(b"msg", &bad), Err(Error::InvalidSignature));
            // 72 bytes: a typical DER signature length; DER is never accepted.
            for wrong in [0, len - 1, len + 1, 72] {
                let mut s = sig.clone();
                s.resize(wrong, 0);
                assert_eq!(
                    pk.verify(b"msg", &s),
                    Err(Error::Format(FormatError::SignatureLength))
                );
            }
            let jwk = sk.to_jwk().unwrap();
            assert_eq!(secret_from_jwk(alg, &jwk).unwrap().to_jwk().unwrap(), jwk);
        }
    }

    #[test]
    fn r_or_s_zero_or_not_below_n_is_rejected() {
        for (alg, n) in [(Algorithm::Es256, N256), (Algorithm::Es384, N384)] {
            let n = hex::decode(n).unwrap();
            let sk = generate(alg).unwrap();
            let pk = sk.public().unwrap();
            let sig = sk.sign(b"m", SigningMode::Hedged).unwrap();
            let (r, s) = sig.split_at(n.len());
            let zero = vec![0u8; n.len()];
            let ones = vec![0xffu8; n.len()];
            for (r, s) in [
                (&zero[..], s),
                (r, &zero[..]),
                (&n[..], s),
                (r, &n[..]),
                (r, &ones[..]),
            ] {
                let bad = [r, s].concat();
                assert_eq!(pk.verify(b"m", &bad), Err(Error::InvalidSignature));
            }
        }
    }

    #[test]
    fn jwk_checks() {
        let ok = secret_from_jwk(Algorithm::Es256, &jwk("P-256", X, Y, Some(D))).unwrap();
        let out = ok.to_jwk().unwrap();
        assert_eq!((out.x.as_deref(), out.y.as_deref()), (Some(X), Some(Y)));
        assert_eq!(out.d.as_ref().map(SecretMember::expose), Some(D));
        let sk_err = |alg, j: &Jwk| secret_from_jwk(alg, j).unwrap_err();
        let pk_err = |alg, j: &Jwk| public_from_jwk(alg, j).unwrap_err();
        let k = |e| Error::Key(e);
        assert_eq!(
            sk_err(Algorithm::Es384, &jwk("P-256", X, Y, Some(D))),
            k(KeyError::WrongKeyType)
        );
        assert_eq!(
            pk_err(Algorithm::Es256, &jwk("secp256k1", X, Y, None)),
            k(KeyError::WrongKeyType)
        );
        // Another valid scalar: the public key does not match.
        let d2 = crate::format::b64::encode(&[7u8; 32]);
        assert_eq!(
            sk_err(Algorithm::Es256, &jwk("P-256", X, Y, Some(&d2))),
            k(KeyError::Mismatch)
        );
        // Short coordinate / scalar, point off the curve, scalar zero or n.
        let short = crate::format::b64::encode(&[1u8; 31]);
        assert_eq!(
            pk_err(Algorithm::Es256, &jwk("P-256", &short, Y, None)),
            k(KeyError::InvalidEncoding)
        );
        assert_eq!(
            pk_err(Algorithm::Es256, &jwk("P-256", X, X, None)),
            k(KeyError::InvalidEncoding)
        );
        for d in [vec![0u8; 32], hex::decode(N256).unwrap(), vec![1u8; 31]] {
            let d = crate::format::b64::encode(&d);
            assert_eq!(
                sk_err(Algorithm::Es256, &jwk("P-256", X, Y, Some(&d))),
                k(KeyError::InvalidEncoding)
            );
        }
        assert_eq!(
            sk_err(Algorithm::Es256, &jwk("P-256", X, Y, None)),
            k(KeyError::NotPrivate)
        );
        assert_eq!(
            generate(Algorithm::Rs256).unwrap_err(),
            Error::Algorithm(AlgorithmError::Unsupported(Algorithm::Rs256))
        );
    }

    #[test]
    fn pkcs8_and_spki() {
        let sk = secret_from_jwk(Algorithm::Es256, &jwk("P-256", X, Y, Some(D))).unwrap();
        let der = sk.to_pkcs8_der().unwrap();
        let again = secret_from_pkcs8(Algorithm::Es256, &der).unwrap();
        assert_eq!(again.to_jwk().unwrap(), sk.to_jwk().unwrap());
        let spki = sk.public().unwrap().to_spki_der().unwrap();
        let pk = public_from_spki(Algorithm::Es256, &spki).unwrap();
        assert_eq!(pk.to_jwk().unwrap(), sk.public().unwrap().to_jwk().unwrap());
        // A P-256 document is not an ES384 key.
        assert_eq!(
            secret_from_pkcs8(Algorithm::Es384, &der).unwrap_err(),
            Error::Key(KeyError::WrongKeyType)
        );
        assert_eq!(
            public_from_spki(Algorithm::Es384, &spki).unwrap_err(),
            Error::Key(KeyError::WrongKeyType)
        );
        assert_eq!(
            public_from_spki(Algorithm::Es256, &spki[..spki.len() - 1]).unwrap_err(),
            Error::Key(KeyError::Pem)
        );
    }

    #[test]
    fn debug_shows_no_secret() {
        let sk = secret_from_jwk(Algorithm::Es256, &jwk("P-256", X, Y, Some(D))).unwrap();
        let shown = format!("{sk:?}");
        let d = crate::format::b64::decode(D).unwrap();
        assert!(!shown.contains(D));
        assert!(!shown.contains(&hex::encode(&d)));
        assert!(!shown.contains(&hex::encode_upper(&d)));
        assert_eq!(shown, "EcSecret { alg: Es256, .. }");
    }
}
