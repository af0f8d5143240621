//! ECDH-ES key agreement (RFC 7518 §4.6, RFC 8037 §3.2): `ECDH-ES` (the derived key is the CEK)
//! and `ECDH-ES+A128KW`/`ECDH-ES+A256KW` (the derived key wraps the CEK), over P-256, P-384
//! (`p256`/`p384` ECDH) and X25519 (`x25519-dalek`), with the Concat KDF of RFC 7518 §4.6.2
//! (NIST SP 800-56A, SHA-256) written on `sha2`.
//!
//! The sender's ephemeral key (`epk`) is validated before use: a public JWK only (no `d`), on
//! the recipient key's curve, coordinates of the field size, not the identity (SEC1 decoding
//! refuses points off the curve and the point at infinity); an all-zero X25519 shared secret is
//! refused. Any problem with `epk` is [`JweError::InvalidEphemeralKey`] (it concerns public data
//! only, so it is no oracle on the key). Shared secrets and derived keys are zeroized.

use core::fmt;

use pkcs8::der::asn1::{BitStringRef, OctetStringRef};
use pkcs8::der::{Decode, Encode};
use pkcs8::{AlgorithmIdentifierRef, ObjectIdentifier, PrivateKeyInfoRef};
use sha2::{Digest, Sha256};
use spki::SubjectPublicKeyInfoRef;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::backend::{member, rng, secret_member};
use crate::error::{Error, JweError, KeyError};
use crate::format::b64;
use crate::format::jwk::{Jwk, SecretMember};
use crate::keys::pem::{EC_PUBLIC_KEY_OID, P256_OID, P384_OID};

/// id-X25519 (RFC 8410).
const X25519_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");

/// A curve for ECDH-ES.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum EcdhCurve {
    /// NIST P-256 (`EC`, `crv` `P-256`).
    P256,
    /// NIST P-384 (`EC`, `crv` `P-384`).
    P384,
    /// X25519 (`OKP`, `crv` `X25519`, RFC 8037).
    X25519,
}

impl EcdhCurve {
    /// The JWK `crv` name.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::P256 => "P-256",
            Self::P384 => "P-384",
            Self::X25519 => "X25519",
        }
    }

    /// The JWK `kty`.
    pub(crate) const fn kty(self) -> &'static str {
        match self {
            Self::P256 | Self::P384 => "EC",
            Self::X25519 => "OKP",
        }
    }

    /// The curve for a JWK `crv` name.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        [Self::P256, Self::P384, Self::X25519]
            .into_iter()
            .find(|c| c.name() == name)
    }

    /// The curve of a JWK (`kty` and `crv` must agree).
    fn of_jwk(jwk: &Jwk) -> Option<Self> {
        let c = Self::from_name(jwk.crv.as_deref()?)?;
        (c.kty() == jwk.kty()).then_some(c)
    }

    /// The curve of a PKCS#8 or SPKI algorithm identifier: `id-X25519` (RFC 8410), or
    /// `id-ecPublicKey` with the named curve P-256 or P-384 (RFC 5480). Any other key type or
    /// curve is [`KeyError::WrongKeyType`]; EC without a named curve, [`KeyError::Pem`].
    fn of_algorithm(alg: &AlgorithmIdentifierRef<'_>) -> Result<Self, Error> {
        if alg.oid == X25519_OID {
            return Ok(Self::X25519);
        }
        if alg.oid != EC_PUBLIC_KEY_OID {
            return Err(KeyError::WrongKeyType.into());
        }
        let named: ObjectIdentifier = alg
            .parameters
            .and_then(|p| p.decode_as().ok())
            .ok_or(Error::Key(KeyError::Pem))?;
        match named {
            n if n == P256_OID => Ok(Self::P256),
            n if n == P384_OID => Ok(Self::P384),
            _ => Err(KeyError::WrongKeyType.into()),
        }
    }

    /// The curve of a PKCS#8 private key document (see `of_algorithm`).
    fn of_pkcs8(der: &[u8]) -> Result<Self, Error> {
        let info = PrivateKeyInfoRef::from_der(der).map_err(|_| Error::Key(KeyError::Pem))?;
        Self::of_algorithm(&info.algorithm)
    }

    /// The curve of an SPKI document (see `of_algorithm`).
    fn of_spki(der: &[u8]) -> Result<Self, Error> {
        let info = SubjectPublicKeyInfoRef::from_der(der).map_err(|_| Error::Key(KeyError::Pem))?;
        Self::of_algorithm(&info.algorithm)
    }

    /// Field size in bytes (coordinate and shared-secret length).
    const fn field_len(self) -> usize {
        match self {
            Self::P256 | Self::X25519 => 32,
            Self::P384 => 48,
        }
    }
}

/// A recipient's (or an ephemeral) ECDH public key.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum EcdhPublicKey {
    P256(p256::PublicKey),
    P384(p384::PublicKey),
    X25519(x25519_dalek::PublicKey),
}

/// An ECDH private key (zeroized on drop by the curve crates).
#[derive(Clone)]
pub(crate) enum EcdhSecretKey {
    P256(p256::SecretKey),
    P384(p384::SecretKey),
    X25519(x25519_dalek::StaticSecret),
}

impl fmt::Debug for EcdhPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EcdhPublicKey({})", self.curve().name())
    }
}

impl fmt::Debug for EcdhSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EcdhSecretKey({})", self.curve().name())
    }
}

/// `x ‖ y` from an uncompressed SEC1 point (`04 ‖ x ‖ y`).
fn split_sec1(point: &[u8], field: usize) -> Option<(&[u8], &[u8])> {
    let body = point.strip_prefix(&[4u8])?;
    (body.len() == 2 * field).then(|| body.split_at(field))
}

/// The uncompressed SEC1 point for JWK `x` and `y` of exactly the field size.
fn sec1_from_jwk(jwk: &Jwk, field: usize) -> Result<Vec<u8>, Error> {
    let x = member(&jwk.x)?;
    let y = member(&jwk.y)?;
    if x.len() != field || y.len() != field {
        return Err(KeyError::InvalidEncoding.into());
    }
    let mut point = Vec::with_capacity(1 + 2 * field);
    point.push(4);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    Ok(point)
}

fn x25519_bytes(bytes: &[u8]) -> Result<[u8; 32], Error> {
    <[u8; 32]>::try_from(bytes).map_err(|_| Error::Key(KeyError::InvalidEncoding))
}

impl EcdhPublicKey {
    /// The key's curve.
    pub(crate) fn curve(&self) -> EcdhCurve {
        match self {
            Self::P256(_) => EcdhCurve::P256,
            Self::P384(_) => EcdhCurve::P384,
            Self::X25519(_) => EcdhCurve::X25519,
        }
    }

    /// Import the public members of an `EC` or `OKP` JWK. For EC, the point must be on the
    /// curve and not the identity (SEC1 decoding checks both).
    pub(crate) fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        let curve = EcdhCurve::of_jwk(jwk).ok_or(Error::Key(KeyError::WrongKeyType))?;
        match curve {
            EcdhCurve::X25519 => Self::from_bytes(curve, &member(&jwk.x)?),
            _ => Self::from_bytes(curve, &sec1_from_jwk(jwk, curve.field_len())?),
        }
    }

    /// The public key of `curve` from its bytes (see [`EcdhPublicKey::to_bytes`]); for EC, the
    /// point must be on the curve and not the identity.
    pub(crate) fn from_bytes(curve: EcdhCurve, bytes: &[u8]) -> Result<Self, Error> {
        let bad = || Error::Key(KeyError::InvalidEncoding);
        Ok(match curve {
            EcdhCurve::P256 => {
                Self::P256(p256::PublicKey::from_sec1_bytes(bytes).map_err(|_| bad())?)
            }
            EcdhCurve::P384 => {
                Self::P384(p384::PublicKey::from_sec1_bytes(bytes).map_err(|_| bad())?)
            }
            EcdhCurve::X25519 => Self::X25519(x25519_bytes(bytes)?.into()),
        })
    }

    /// The public JWK (`kty`, `crv`, `x`, and `y` for EC).
    pub(crate) fn to_jwk(&self) -> Jwk {
        let curve = self.curve();
        let mut jwk = Jwk {
            kty: curve.kty().to_owned(),
            crv: Some(curve.name().to_owned()),
            ..Jwk::default()
        };
        let sec1 = match self {
            Self::P256(k) => k.to_sec1_bytes(),
            Self::P384(k) => k.to_sec1_bytes(),
            Self::X25519(k) => {
                jwk.x = Some(b64::encode(k.as_bytes()));
                return jwk;
            }
        };
        if let Some((x, y)) = split_sec1(&sec1, curve.field_len()) {
            jwk.x = Some(b64::encode(x));
            jwk.y = Some(b64::encode(y));
        }
        jwk
    }

    /// The key as bytes: the uncompressed SEC1 point for EC, the 32 bytes for X25519 (HPKE's
    /// SerializePublicKey of the same curve).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        match self {
            Self::P256(k) => k.to_sec1_bytes().to_vec(),
            Self::P384(k) => k.to_sec1_bytes().to_vec(),
            Self::X25519(k) => k.as_bytes().to_vec(),
        }
    }

    /// SubjectPublicKeyInfo DER (RFC 5480 for EC, RFC 8410 for X25519).
    pub(crate) fn to_spki_der(&self) -> Result<Vec<u8>, Error> {
        use p256::pkcs8::EncodePublicKey;
        let fail = || Error::Key(KeyError::NotExportable);
        match self {
            Self::P256(k) => Ok(k.to_public_key_der().map_err(|_| fail())?.into_vec()),
            Self::P384(k) => Ok(k.to_public_key_der().map_err(|_| fail())?.into_vec()),
            Self::X25519(k) => {
                let info = SubjectPublicKeyInfoRef {
                    algorithm: AlgorithmIdentifierRef {
                        oid: X25519_OID,
                        parameters: None,
                    },
                    subject_public_key: BitStringRef::from_bytes(k.as_bytes())
                        .map_err(|_| fail())?,
                };
                info.to_der().map_err(|_| fail())
            }
        }
    }

    /// Import SubjectPublicKeyInfo DER of a P-256, P-384 or X25519 key (any other key type or
    /// curve is [`KeyError::WrongKeyType`]).
    pub(crate) fn from_spki_der(der: &[u8]) -> Result<Self, Error> {
        use p256::pkcs8::DecodePublicKey;
        let pem = || Error::Key(KeyError::Pem);
        Ok(match EcdhCurve::of_spki(der)? {
            EcdhCurve::X25519 => {
                let info = SubjectPublicKeyInfoRef::from_der(der).map_err(|_| pem())?;
                let bytes = info.subject_public_key.as_bytes().ok_or_else(pem)?;
                Self::X25519(x25519_bytes(bytes).map_err(|_| pem())?.into())
            }
            EcdhCurve::P256 => {
                Self::P256(p256::PublicKey::from_public_key_der(der).map_err(|_| pem())?)
            }
            EcdhCurve::P384 => {
                Self::P384(p384::PublicKey::from_public_key_der(der).map_err(|_| pem())?)
            }
        })
    }
}

impl EcdhSecretKey {
    /// The key's curve.
    pub(crate) fn curve(&self) -> EcdhCurve {
        match self {
            Self::P256(_) => EcdhCurve::P256,
            Self::P384(_) => EcdhCurve::P384,
            Self::X25519(_) => EcdhCurve::X25519,
        }
    }

    /// A fresh key on `curve`.
    pub(crate) fn generate(curve: EcdhCurve) -> Result<Self, Error> {
        use p256::elliptic_curve::Generate;
        let mut rng = rng::SysRng::default();
        let fail = |_| Error::Crypto;
        Ok(match curve {
            EcdhCurve::P256 => {
                Self::P256(p256::SecretKey::try_generate_from_rng(&mut rng).map_err(fail)?)
            }
            EcdhCurve::P384 => {
                Self::P384(p384::SecretKey::try_generate_from_rng(&mut rng).map_err(fail)?)
            }
            EcdhCurve::X25519 => {
                let bytes = rng::secret_array::<32>()?;
                Self::X25519(x25519_dalek::StaticSecret::from(*bytes))
            }
        })
    }

    /// The public key.
    pub(crate) fn public_key(&self) -> EcdhPublicKey {
        match self {
            Self::P256(k) => EcdhPublicKey::P256(k.public_key()),
            Self::P384(k) => EcdhPublicKey::P384(k.public_key()),
            Self::X25519(k) => EcdhPublicKey::X25519(k.into()),
        }
    }

    /// The private key of `curve` from its bytes (the scalar, or the X25519 secret) of exactly
    /// the field size: JWK `d`, and HPKE's SerializePrivateKey of the same curve.
    pub(crate) fn from_bytes(curve: EcdhCurve, d: &[u8]) -> Result<Self, Error> {
        let bad = || Error::Key(KeyError::InvalidEncoding);
        if d.len() != curve.field_len() {
            return Err(bad());
        }
        Ok(match curve {
            EcdhCurve::P256 => Self::P256(p256::SecretKey::from_slice(d).map_err(|_| bad())?),
            EcdhCurve::P384 => Self::P384(p384::SecretKey::from_slice(d).map_err(|_| bad())?),
            EcdhCurve::X25519 => {
                let bytes = Zeroizing::new(x25519_bytes(d)?);
                Self::X25519(x25519_dalek::StaticSecret::from(*bytes))
            }
        })
    }

    /// The private key's bytes (see [`EcdhSecretKey::from_bytes`]).
    pub(crate) fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        match self {
            Self::P256(k) => Zeroizing::new(k.to_bytes().to_vec()),
            Self::P384(k) => Zeroizing::new(k.to_bytes().to_vec()),
            Self::X25519(k) => Zeroizing::new(k.to_bytes().to_vec()),
        }
    }

    /// Import a private `EC`/`OKP` JWK; the public members must match `d`.
    pub(crate) fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        let public = EcdhPublicKey::from_jwk(jwk)?;
        let d = secret_member(&jwk.d)?;
        let key = Self::from_bytes(public.curve(), &d)?;
        if key.public_key() != public {
            return Err(KeyError::Mismatch.into());
        }
        Ok(key)
    }

    /// The private JWK (public members and `d`).
    pub(crate) fn to_jwk(&self) -> Jwk {
        let d = self.to_bytes();
        Jwk {
            d: Some(SecretMember::encode(&d)),
            ..self.public_key().to_jwk()
        }
    }

    /// PKCS#8 DER (RFC 5915 inside for EC, RFC 8410 for X25519).
    pub(crate) fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        use p256::pkcs8::EncodePrivateKey;
        let fail = || Error::Key(KeyError::NotExportable);
        match self {
            Self::P256(k) => Ok(Zeroizing::new(
                k.to_pkcs8_der().map_err(|_| fail())?.as_bytes().to_vec(),
            )),
            Self::P384(k) => Ok(Zeroizing::new(
                k.to_pkcs8_der().map_err(|_| fail())?.as_bytes().to_vec(),
            )),
            Self::X25519(k) => {
                let bytes = Zeroizing::new(k.to_bytes());
                let inner = Zeroizing::new(
                    OctetStringRef::new(bytes.as_slice())
                        .map_err(|_| fail())?
                        .to_der()
                        .map_err(|_| fail())?,
                );
                let info = PrivateKeyInfoRef::new(
                    AlgorithmIdentifierRef {
                        oid: X25519_OID,
                        parameters: None,
                    },
                    OctetStringRef::new(&inner).map_err(|_| fail())?,
                );
                Ok(Zeroizing::new(info.to_der().map_err(|_| fail())?))
            }
        }
    }

    /// Import PKCS#8 DER of a P-256, P-384 or X25519 key (any other key type or curve is
    /// [`KeyError::WrongKeyType`]).
    pub(crate) fn from_pkcs8_der(der: &[u8]) -> Result<Self, Error> {
        use p256::pkcs8::DecodePrivateKey;
        let pem = || Error::Key(KeyError::Pem);
        Ok(match EcdhCurve::of_pkcs8(der)? {
            EcdhCurve::X25519 => {
                let info = PrivateKeyInfoRef::from_der(der).map_err(|_| pem())?;
                let inner =
                    <&OctetStringRef>::from_der(info.private_key.as_bytes()).map_err(|_| pem())?;
                let bytes = Zeroizing::new(x25519_bytes(inner.as_bytes()).map_err(|_| pem())?);
                Self::X25519(x25519_dalek::StaticSecret::from(*bytes))
            }
            EcdhCurve::P256 => Self::P256(p256::SecretKey::from_pkcs8_der(der).map_err(|_| pem())?),
            EcdhCurve::P384 => Self::P384(p384::SecretKey::from_pkcs8_der(der).map_err(|_| pem())?),
        })
    }

    /// Z: the raw shared secret with `peer` (x-coordinate for EC, the X25519 output), refused
    /// when the curves differ or the X25519 result is all zero.
    fn agree(&self, peer: &EcdhPublicKey) -> Result<Zeroizing<Vec<u8>>, Error> {
        let bad = || Error::Jwe(JweError::InvalidEphemeralKey);
        let z = match (self, peer) {
            (Self::P256(s), EcdhPublicKey::P256(p)) => Zeroizing::new(
                p256::ecdh::diffie_hellman(s.to_nonzero_scalar(), p.as_affine())
                    .raw_secret_bytes()
                    .to_vec(),
            ),
            (Self::P384(s), EcdhPublicKey::P384(p)) => Zeroizing::new(
                p384::ecdh::diffie_hellman(s.to_nonzero_scalar(), p.as_affine())
                    .raw_secret_bytes()
                    .to_vec(),
            ),
            (Self::X25519(s), EcdhPublicKey::X25519(p)) => {
                let shared = s.diffie_hellman(p);
                if !shared.was_contributory() {
                    return Err(bad());
                }
                Zeroizing::new(shared.as_bytes().to_vec())
            }
            _ => return Err(bad()),
        };
        if bool::from(z.ct_eq(&vec![0u8; z.len()])) {
            return Err(bad());
        }
        Ok(z)
    }
}

/// The Concat KDF of RFC 7518 §4.6.2 (NIST SP 800-56A §5.8.1, SHA-256):
/// `K = SHA-256(be32(1) ‖ Z ‖ OtherInfo) ‖ SHA-256(be32(2) ‖ …)`, truncated to `key_len` bytes,
/// `OtherInfo = len32‖AlgorithmID ‖ len32‖apu ‖ len32‖apv ‖ be32(key_len·8)`.
pub(crate) fn concat_kdf(
    z: &[u8],
    algorithm_id: &str,
    apu: &[u8],
    apv: &[u8],
    key_len: usize,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let len32 = |n: usize| u32::try_from(n).map(u32::to_be_bytes);
    let fail = || Error::Jwe(JweError::KeyManagementHeader);
    let bits = key_len.checked_mul(8).ok_or_else(fail)?;
    let mut out = Zeroizing::new(Vec::with_capacity(key_len.saturating_add(32)));
    let mut counter: u32 = 1;
    while out.len() < key_len {
        let mut h = Sha256::new();
        h.update(counter.to_be_bytes());
        h.update(z);
        h.update(len32(algorithm_id.len()).map_err(|_| fail())?);
        h.update(algorithm_id.as_bytes());
        h.update(len32(apu.len()).map_err(|_| fail())?);
        h.update(apu);
        h.update(len32(apv.len()).map_err(|_| fail())?);
        h.update(apv);
        h.update(len32(bits).map_err(|_| fail())?);
        let block = Zeroizing::new(h.finalize());
        out.extend_from_slice(&block);
        counter = counter.checked_add(1).ok_or_else(fail)?;
    }
    out.truncate(key_len);
    Ok(out)
}

/// The sender's side: a fresh ephemeral key on the recipient's curve, and the derived key.
/// Returns the `epk` JWK (public) and the `key_len`-byte derived key.
pub(crate) fn sender_derive(
    recipient: &EcdhPublicKey,
    algorithm_id: &str,
    apu: &[u8],
    apv: &[u8],
    key_len: usize,
) -> Result<(Jwk, Zeroizing<Vec<u8>>), Error> {
    let eph = EcdhSecretKey::generate(recipient.curve())?;
    let z = eph.agree(recipient).map_err(|_| Error::Crypto)?;
    let key = concat_kdf(&z, algorithm_id, apu, apv, key_len)?;
    Ok((eph.public_key().to_jwk(), key))
}

/// The recipient's side: validate `epk` (a public JWK on this key's curve), agree and derive.
pub(crate) fn recipient_derive(
    secret: &EcdhSecretKey,
    epk: &Jwk,
    algorithm_id: &str,
    apu: &[u8],
    apv: &[u8],
    key_len: usize,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let bad = || Error::Jwe(JweError::InvalidEphemeralKey);
    if epk.is_private() {
        return Err(bad());
    }
    let peer = EcdhPublicKey::from_jwk(epk).map_err(|_| bad())?;
    if peer.curve() != secret.curve() {
        return Err(bad());
    }
    let z = secret.agree(&peer)?;
    concat_kdf(&z, algorithm_id, apu, apv, key_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vectors() -> serde_json::Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/vectors/rfc7516-rfc7518-rfc8037-jwe/rfc_jwe_vectors.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn vector(id: &str) -> serde_json::Value {
        vectors()["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == id)
            .unwrap()
            .clone()
    }

    fn jwk(v: &serde_json::Value) -> Jwk {
        Jwk::from_json(&v.to_string()).unwrap()
    }

    fn octets(v: &serde_json::Value) -> Vec<u8> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|b| u8::try_from(b.as_u64().unwrap()).unwrap())
            .collect()
    }

    #[test]
    fn rfc7518_appendix_c() {
        let v = vector("RFC7518-C");
        let alice = EcdhSecretKey::from_jwk(&jwk(&v["alice_ephemeral_key"])).unwrap();
        let bob = EcdhSecretKey::from_jwk(&jwk(&v["bob_key"])).unwrap();
        let z = octets(&v["Z_octets"]);
        assert_eq!(*alice.agree(&bob.public_key()).unwrap(), z);
        assert_eq!(*bob.agree(&alice.public_key()).unwrap(), z);
        let derived = concat_kdf(&z, "A128GCM", b"Alice", b"Bob", 16).unwrap();
        assert_eq!(*derived, octets(&v["derived_key_octets"]));
        assert_eq!(b64::encode(&derived), v["derived_key"].as_str().unwrap());
        assert_eq!(b64::encode(&derived), "VqqN6vgjbSBcIijNcacQGg");
        // Bob's side through the validating entry point, epk as the header carries it.
        let epk = alice.public_key().to_jwk();
        let got = recipient_derive(&bob, &epk, "A128GCM", b"Alice", b"Bob", 16).unwrap();
        assert_eq!(*got, *derived);
    }

    #[test]
    fn rfc8037_a6_x25519() {
        let v = vector("RFC8037-A.6");
        let eph_secret: [u8; 32] = hex::decode(v["ephemeral_secret_hex"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        let eph = EcdhSecretKey::X25519(eph_secret.into());
        let bob_public = EcdhPublicKey::from_jwk(&jwk(&v["bob_public_key"])).unwrap();
        let z = hex::decode(v["Z_hex"].as_str().unwrap()).unwrap();
        assert_eq!(*eph.agree(&bob_public).unwrap(), z);
        assert_eq!(
            eph.public_key().to_jwk().x,
            jwk(&v["ephemeral_public_key"]).x
        );
        let bob_secret: [u8; 32] =
            hex::decode(v["bob_private_key_hex_from_rfc7748"].as_str().unwrap())
                .unwrap()
                .try_into()
                .unwrap();
        let bob = EcdhSecretKey::X25519(bob_secret.into());
        assert_eq!(bob.public_key(), bob_public);
        assert_eq!(*bob.agree(&eph.public_key()).unwrap(), z);
    }

    #[test]
    fn invalid_epks_are_refused() {
        let bad = Err(Error::Jwe(JweError::InvalidEphemeralKey));
        let p256 = EcdhSecretKey::generate(EcdhCurve::P256).unwrap();
        let x25519 = EcdhSecretKey::generate(EcdhCurve::X25519).unwrap();
        let p384 = EcdhSecretKey::generate(EcdhCurve::P384).unwrap();
        // A point off the curve: y changed.
        let mut off = p256.public_key().to_jwk();
        let mut y = b64::decode(off.y.as_deref().unwrap()).unwrap();
        y[31] ^= 1;
        off.y = Some(b64::encode(&y));
        assert_eq!(recipient_derive(&p256, &off, "A128GCM", b"", b"", 16), bad);
        // The wrong curve.
        let other = p384.public_key().to_jwk();
        assert_eq!(
            recipient_derive(&p256, &other, "A128GCM", b"", b"", 16),
            bad
        );
        // A private epk.
        assert_eq!(
            recipient_derive(&p256, &p256.to_jwk(), "A128GCM", b"", b"", 16),
            bad
        );
        // Coordinates not of the field size (a leading zero byte stripped or added).
        let mut short = p256.public_key().to_jwk();
        short.x = Some(b64::encode(&[1u8; 31]));
        assert_eq!(
            recipient_derive(&p256, &short, "A128GCM", b"", b"", 16),
            bad
        );
        // The identity cannot be written as x/y, and (0, 0) is not on the curve.
        let mut zero = p256.public_key().to_jwk();
        zero.x = Some(b64::encode(&[0u8; 32]));
        zero.y = Some(b64::encode(&[0u8; 32]));
        assert_eq!(recipient_derive(&p256, &zero, "A128GCM", b"", b"", 16), bad);
        // X25519 low-order points give an all-zero shared secret.
        for low in [[0u8; 32], {
            let mut one = [0u8; 32];
            one[0] = 1;
            one
        }] {
            let epk = Jwk {
                kty: "OKP".into(),
                crv: Some("X25519".into()),
                x: Some(b64::encode(&low)),
                ..Jwk::default()
            };
            assert_eq!(
                recipient_derive(&x25519, &epk, "A128GCM", b"", b"", 16),
                bad
            );
        }
        // kty and crv that disagree.
        let mut mixed = x25519.public_key().to_jwk();
        mixed.kty = "EC".into();
        assert_eq!(
            recipient_derive(&x25519, &mixed, "A128GCM", b"", b"", 16),
            bad
        );
    }

    #[test]
    fn both_sides_agree_on_every_curve() {
        for curve in [EcdhCurve::P256, EcdhCurve::P384, EcdhCurve::X25519] {
            let bob = EcdhSecretKey::generate(curve).unwrap();
            let (epk, k1) =
                sender_derive(&bob.public_key(), "ECDH-ES+A256KW", b"a", b"b", 32).unwrap();
            let k2 = recipient_derive(&bob, &epk, "ECDH-ES+A256KW", b"a", b"b", 32).unwrap();
            assert_eq!(*k1, *k2);
            let k3 = recipient_derive(&bob, &epk, "ECDH-ES+A256KW", b"a", b"c", 32).unwrap();
            assert_ne!(*k1, *k3);
            // JWK, PKCS#8 and SPKI round trips.
            let again = EcdhSecretKey::from_jwk(&bob.to_jwk()).unwrap();
            assert_eq!(again.public_key(), bob.public_key());
            let der = bob.to_pkcs8_der().unwrap();
            let back = EcdhSecretKey::from_pkcs8_der(&der).unwrap();
            assert_eq!(back.public_key(), bob.public_key());
            let spki = bob.public_key().to_spki_der().unwrap();
            assert_eq!(
                EcdhPublicKey::from_spki_der(&spki).unwrap(),
                bob.public_key()
            );
            assert!(!format!("{bob:?}").contains(bob.to_jwk().d.unwrap().expose()));
        }
    }

    #[test]
    fn mismatched_private_jwk_is_refused() {
        let a = EcdhSecretKey::generate(EcdhCurve::P256).unwrap().to_jwk();
        let b = EcdhSecretKey::generate(EcdhCurve::P256).unwrap().to_jwk();
        let mixed = Jwk {
            d: b.d.clone(),
            ..a
        };
        assert_eq!(
            EcdhSecretKey::from_jwk(&mixed).unwrap_err(),
            Error::Key(KeyError::Mismatch)
        );
    }

    #[test]
    fn x25519_pkcs8_matches_rfc8410_layout() {
        // RFC 8410 §10.3 private key layout: 302e020100300506032b656e04220420 ‖ 32 bytes.
        let k = EcdhSecretKey::generate(EcdhCurve::X25519).unwrap();
        let der = k.to_pkcs8_der().unwrap();
        assert_eq!(
            &der[..16],
            hex::decode("302e020100300506032b656e04220420").unwrap()
        );
        let spki = k.public_key().to_spki_der().unwrap();
        assert_eq!(
            &spki[..12],
            hex::decode("302a300506032b656e032100").unwrap()
        );
    }
}
