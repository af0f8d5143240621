//! Raw key bytes: [`SigningKey::from_raw_secret`] / [`SigningKey::to_raw_secret`] and
//! [`VerifyingKey::from_raw_public`] / [`VerifyingKey::public_bytes`].
//!
//! The raw form of a key is the value of its JWK member, decoded from base64url, so that the raw
//! and JWK forms never disagree:
//!
//! | family | public | secret |
//! |---|---|---|
//! | ML-DSA (`AKP`) | `pub`: pkEncode (1312 / 1952 / 2592 B) | `priv`: the 32-byte seed ξ |
//! | SLH-DSA (`AKP`) | `pub`: PK.seed ‖ PK.root (2n B) | `priv`: SK.seed ‖ SK.prf ‖ PK.seed ‖ PK.root (4n B) |
//! | composite (`AKP`) | `pub`: mldsaPK ‖ tradPK | `priv`: seed ‖ tradSK (draft -04 encodings) |
//! | Ed25519 (`OKP`) | `x` (32 B) | `d`, the RFC 8032 seed (32 B) |
//! | ECDSA (`EC`) | `0x04 ‖ x ‖ y`, the uncompressed SEC1 point (65 / 97 B) | `d`, the scalar (32 / 48 B) |
//! | RSA | PKCS#1 `RSAPublicKey` DER | PKCS#1 `RSAPrivateKey` DER |
//! | HMAC (`oct`) | none (symmetric) | `k`, at least the hash length |
//!
//! RSA has no raw form of its own; PKCS#1 DER is the one encoding of the key alone. Imports go
//! through the same backend checks as the JWK and PKCS#8 imports (so a point off the curve, a
//! scalar out of range or a malformed RSA key is refused the same way), and the `kid` defaults to
//! the RFC 7638 thumbprint as for a JWK without `kid`.

use pkcs8::PrivateKeyInfoRef;
use pkcs8::der::Decode;
use spki::SubjectPublicKeyInfoRef;
use zeroize::Zeroizing;

use crate::alg::{Algorithm, Family};
use crate::backend;
use crate::error::{Error, KeyError};
use crate::format::b64;
use crate::format::jwk::{Jwk, SecretMember};
use crate::keys::key::{SigningKey, VerifyingKey};
use crate::keys::pem::{pkcs1_private_to_pkcs8, pkcs1_public_to_spki, sec1_to_pkcs8};
use crate::keys::scrub::scrubbed;

/// id-Ed25519 (RFC 8410).
const ED25519_OID: pkcs8::ObjectIdentifier = pkcs8::ObjectIdentifier::new_unwrap("1.3.101.112");

/// SLH-DSA's n (security parameter in bytes); `None` for another family.
const fn slh_dsa_n(alg: Algorithm) -> Option<usize> {
    use Algorithm::*;
    match alg {
        SlhDsaSha2_128s | SlhDsaSha2_128f | SlhDsaShake128s | SlhDsaShake128f => Some(16),
        SlhDsaSha2_192s | SlhDsaSha2_192f | SlhDsaShake192s | SlhDsaShake192f => Some(24),
        SlhDsaSha2_256s | SlhDsaSha2_256f | SlhDsaShake256s | SlhDsaShake256f => Some(32),
        _ => None,
    }
}

/// The length of the raw public key, or `None` where it varies (RSA) or does not exist (HMAC).
const fn raw_public_len(alg: Algorithm) -> Option<usize> {
    use Algorithm::*;
    Some(match alg {
        MlDsa44 => 1312,
        MlDsa65 => 1952,
        MlDsa87 => 2592,
        Ed25519 | EdDsa => 32,
        Es256 => 65,
        Es384 => 97,
        MlDsa44Es256 => 1312 + 65,
        MlDsa65Es256 => 1952 + 65,
        MlDsa87Es384 => 2592 + 97,
        MlDsa44Ed25519 => 1312 + 32,
        MlDsa65Ed25519 => 1952 + 32,
        MlDsa87Ed448 => 2592 + 57,
        _ => match slh_dsa_n(alg) {
            Some(n) => 2 * n,
            None => return None,
        },
    })
}

/// The length of the raw private key, or `None` where it varies (RSA, HMAC).
const fn raw_secret_len(alg: Algorithm) -> Option<usize> {
    use Algorithm::*;
    Some(match alg {
        MlDsa44 | MlDsa65 | MlDsa87 => 32,
        Ed25519 | EdDsa | Es256 => 32,
        Es384 => 48,
        // Seed ‖ DER ECPrivateKey (51 / 64 B) or seed ‖ EdDSA private key.
        MlDsa44Es256 | MlDsa65Es256 => 32 + 51,
        MlDsa87Es384 => 32 + 64,
        MlDsa44Ed25519 | MlDsa65Ed25519 => 32 + 32,
        MlDsa87Ed448 => 32 + 57,
        _ => match slh_dsa_n(alg) {
            Some(n) => 4 * n,
            None => return None,
        },
    })
}

fn check_len(expected: Option<usize>, bytes: &[u8]) -> Result<(), Error> {
    match expected {
        Some(len) if bytes.len() != len => Err(KeyError::RawKeyLength.into()),
        _ => Ok(()),
    }
}

/// The JWK curve name of an `OKP`/`EC` algorithm.
fn crv(alg: Algorithm) -> Option<&'static str> {
    match alg {
        Algorithm::Ed25519 | Algorithm::EdDsa => Some("Ed25519"),
        Algorithm::Es256 => Some("P-256"),
        Algorithm::Es384 => Some("P-384"),
        _ => None,
    }
}

/// A decoded public (non-secret) JWK member; a missing one is [`KeyError::MalformedJwk`].
fn public_member(value: Option<&str>) -> Result<Vec<u8>, Error> {
    b64::decode(value.ok_or(Error::Key(KeyError::MalformedJwk))?)
        .map_err(|_| Error::Key(KeyError::InvalidEncoding))
}

/// A decoded secret JWK member; a missing one is [`KeyError::NotPrivate`].
fn secret_member(value: Option<&SecretMember>) -> Result<Zeroizing<Vec<u8>>, Error> {
    value.ok_or(Error::Key(KeyError::NotPrivate))?.decode()
}

/// PKCS#8 `PrivateKeyInfo` of an Ed25519 seed (RFC 8410: the seed in an inner OCTET STRING).
fn ed25519_pkcs8(seed: &[u8]) -> Result<pkcs8::SecretDocument, Error> {
    use pkcs8::der::Encode;
    use pkcs8::der::asn1::OctetStringRef;
    let pem_err = |_| Error::Key(KeyError::Pem);
    let inner = OctetStringRef::new(seed).map_err(pem_err)?;
    let mut curve_private_key = Zeroizing::new(Vec::with_capacity(2 + seed.len()));
    inner
        .encode_to_vec(&mut curve_private_key)
        .map_err(pem_err)?;
    let info = PrivateKeyInfoRef::new(
        pkcs8::AlgorithmIdentifierRef {
            oid: ED25519_OID,
            parameters: None,
        },
        OctetStringRef::new(&curve_private_key).map_err(pem_err)?,
    );
    pkcs8::SecretDocument::encode_msg(&info).map_err(pem_err)
}

/// SEC1 `ECPrivateKey` (scalar and named curve, no public key) of an ECDSA scalar.
fn ec_sec1(alg: Algorithm, d: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    use pkcs8::der::Encode;
    let key = sec1::EcPrivateKey {
        private_key: d,
        parameters: Some(sec1::EcParameters::NamedCurve(backend::ecdsa::curve_oid(
            alg,
        )?)),
        public_key: None,
    };
    let mut der = Zeroizing::new(Vec::with_capacity(80));
    key.encode_to_vec(&mut der)
        .map_err(|_| Error::Key(KeyError::InvalidEncoding))?;
    Ok(der)
}

impl SigningKey {
    /// The length of `alg`'s raw private key ([`SigningKey::from_raw_secret`]), or `None` where
    /// it varies (RSA's PKCS#1 DER; HMAC keys of at least the hash length).
    pub const fn raw_secret_len(alg: Algorithm) -> Option<usize> {
        raw_secret_len(alg)
    }

    /// Build a private key for `alg` from its raw bytes: the value of its JWK private member
    /// (ML-DSA: the 32-byte seed; SLH-DSA and composites: `priv`; Ed25519 and ECDSA: `d`;
    /// HMAC: `k`), or for RSA a PKCS#1 `RSAPrivateKey` in DER. The public key is derived, and
    /// the `kid` is the RFC 7638 thumbprint. Composite keys use the draft -04 encoding.
    ///
    /// Errors: [`KeyError::RawKeyLength`] for a length the algorithm never has,
    /// [`KeyError::InvalidEncoding`] (or [`KeyError::Pem`] for RSA) for bytes of the right
    /// length that are not a key (an ECDSA scalar of zero, a malformed `ECPrivateKey`),
    /// [`KeyError::TooWeak`] for a short HMAC key or a small RSA modulus.
    ///
    /// ```
    /// use pqjose::{Algorithm, SigningKey};
    /// let key = SigningKey::generate(Algorithm::MlDsa44)?;
    /// let seed = key.to_raw_secret()?;
    /// assert_eq!(seed.len(), 32);
    /// let again = SigningKey::from_raw_secret(Algorithm::MlDsa44, &seed)?;
    /// assert_eq!(again.kid(), key.kid());
    /// # Ok::<(), pqjose::Error>(())
    /// ```
    pub fn from_raw_secret(alg: Algorithm, secret: &[u8]) -> Result<Self, Error> {
        check_len(raw_secret_len(alg), secret)?;
        scrubbed(|| match alg.family() {
            Family::MlDsa | Family::SlhDsa => {
                let jwk = Jwk {
                    priv_: Some(SecretMember::encode(secret)),
                    ..backend::jwk_for(alg)
                };
                Self::from_jwk_with_alg(&jwk, alg)
            }
            Family::Composite => {
                Self::from_backend(backend::composite::secret_from_raw(alg, secret)?, None)
            }
            Family::EdDsa => Self::from_pkcs8_der(alg, ed25519_pkcs8(secret)?.as_bytes()),
            Family::Ecdsa => {
                let pkcs8 =
                    sec1_to_pkcs8(&[backend::ecdsa::curve_oid(alg)?], &ec_sec1(alg, secret)?)?;
                Self::from_pkcs8_der(alg, pkcs8.as_bytes())
            }
            Family::Rsa => Self::from_pkcs8_der(alg, pkcs1_private_to_pkcs8(secret)?.as_bytes()),
            Family::Hmac => Self::from_hmac_secret(alg, secret),
        })
    }

    /// The raw private key, as [`SigningKey::from_raw_secret`] reads it, in a buffer zeroized
    /// on drop. Equal to the key's JWK private member (decoded), or the PKCS#1 DER for RSA.
    /// [`KeyError::NotExportable`] for an ML-DSA key imported without its seed.
    pub fn to_raw_secret(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        scrubbed(|| {
            if self.algorithm().family() == Family::Rsa {
                let pkcs8 = self.to_pkcs8_der()?;
                let info =
                    PrivateKeyInfoRef::from_der(&pkcs8).map_err(|_| Error::Key(KeyError::Pem))?;
                return Ok(Zeroizing::new(info.private_key.as_bytes().to_vec()));
            }
            let jwk = self.to_jwk()?;
            match self.algorithm().family() {
                Family::MlDsa | Family::SlhDsa | Family::Composite => {
                    secret_member(jwk.priv_.as_ref())
                }
                Family::EdDsa | Family::Ecdsa => secret_member(jwk.d.as_ref()),
                Family::Hmac => secret_member(jwk.k.as_ref()),
                Family::Rsa => Err(KeyError::NotExportable.into()),
            }
        })
    }
}

impl VerifyingKey {
    /// The length of `alg`'s raw public key ([`VerifyingKey::from_raw_public`]), or `None` where
    /// it varies (RSA's PKCS#1 DER) or there is none (HMAC).
    pub const fn raw_public_len(alg: Algorithm) -> Option<usize> {
        raw_public_len(alg)
    }

    /// Build a public key for `alg` from its raw bytes: the value of its JWK public member
    /// (ML-DSA, SLH-DSA, composites: `pub`; Ed25519: `x`), for ECDSA the uncompressed SEC1
    /// point `0x04 ‖ x ‖ y`, for RSA a PKCS#1 `RSAPublicKey` in DER. The `kid` is the RFC 7638
    /// thumbprint. Composite keys use the draft -04 encoding. HMAC keys have no public form
    /// ([`KeyError::NoPublicForm`]; use [`VerifyingKey::from_hmac_secret`]).
    ///
    /// Errors: [`KeyError::RawKeyLength`] for a length the algorithm never has,
    /// [`KeyError::InvalidEncoding`] (or [`KeyError::Pem`] for RSA) for bytes of the right
    /// length that are not a key (a point off the curve or not uncompressed).
    pub fn from_raw_public(alg: Algorithm, public: &[u8]) -> Result<Self, Error> {
        check_len(raw_public_len(alg), public)?;
        let jwk = match alg.family() {
            Family::MlDsa | Family::SlhDsa | Family::Composite => Jwk {
                pub_: Some(b64::encode(public)),
                ..backend::jwk_for(alg)
            },
            Family::EdDsa => Jwk {
                crv: crv(alg).map(str::to_owned),
                x: Some(b64::encode(public)),
                ..backend::jwk_for(alg)
            },
            Family::Ecdsa => {
                let (tag, xy) = public.split_first().ok_or(KeyError::RawKeyLength)?;
                if *tag != 0x04 {
                    return Err(KeyError::InvalidEncoding.into());
                }
                let (x, y) = xy.split_at(xy.len() / 2);
                Jwk {
                    crv: crv(alg).map(str::to_owned),
                    x: Some(b64::encode(x)),
                    y: Some(b64::encode(y)),
                    ..backend::jwk_for(alg)
                }
            }
            Family::Rsa => return Self::from_spki_der(alg, &pkcs1_public_to_spki(public)?),
            Family::Hmac => return Err(KeyError::NoPublicForm.into()),
        };
        Self::from_jwk_with_alg(&jwk, alg)
    }

    /// The raw public key, as [`VerifyingKey::from_raw_public`] reads it: the key's JWK public
    /// member (decoded), `0x04 ‖ x ‖ y` for ECDSA, PKCS#1 DER for RSA. Refused
    /// ([`KeyError::NoPublicForm`]) for HMAC.
    pub fn public_bytes(&self) -> Result<Vec<u8>, Error> {
        let alg = self.algorithm();
        if alg.family() == Family::Rsa {
            let spki = self.to_spki_der()?;
            let info =
                SubjectPublicKeyInfoRef::from_der(&spki).map_err(|_| Error::Key(KeyError::Pem))?;
            return Ok(info.subject_public_key.raw_bytes().to_vec());
        }
        let jwk = self.to_jwk()?;
        match alg.family() {
            Family::EdDsa => public_member(jwk.x.as_deref()),
            Family::Ecdsa => {
                let (x, y) = (
                    public_member(jwk.x.as_deref())?,
                    public_member(jwk.y.as_deref())?,
                );
                Ok([&[0x04][..], &x, &y].concat())
            }
            _ => public_member(jwk.pub_.as_deref()),
        }
    }
}
