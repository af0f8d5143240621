//! The classical key-management algorithms (RFC 7518 §4) behind one seam: which algorithms
//! exist, their keys (generate, JWK, PKCS#8/SPKI), and getting the CEK to and from a recipient.
//!
//! `ECDH-ES`, `ECDH-ES+A128KW`, `ECDH-ES+A256KW` (P-256, P-384, X25519; [`super::ecdh`]),
//! `RSA-OAEP-256`, `RSA-OAEP` ([`super::rsa`]), `A128KW`, `A256KW` and `dir`
//! ([`super::keywrap`]). `RSA1_5` and `PBES2-*` are refused by name
//! ([`JweError::RefusedAlgorithm`]); A192 variants and AES-GCMKW are not supported.
//!
//! On the recipient's side, every failure to recover the CEK (a bad AES unwrap, an OAEP
//! decoding failure, a CEK of the wrong length) yields a random CEK of the right length instead,
//! so the content decryption that follows fails with the same opaque error at the same point
//! (RFC 7516 §11.5).

use zeroize::Zeroizing;

use super::content::ContentEncryption;
use super::ecdh::{self, EcdhCurve, EcdhPublicKey, EcdhSecretKey};
use super::keywrap::{self, SymmetricKey};
use super::rsa::{OaepHash, RsaOaepPublicKey, RsaOaepSecretKey};
use crate::error::{Error, FormatError, JweError, KeyError};
use crate::format::jwk::Jwk;

/// A classical key-management algorithm (the JWE `alg`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ClassicalAlg {
    /// `dir`: the shared symmetric key is the CEK.
    Dir,
    /// `A128KW`: AES-128 Key Wrap.
    A128Kw,
    /// `A256KW`: AES-256 Key Wrap.
    A256Kw,
    /// `ECDH-ES`: the Concat KDF output is the CEK.
    EcdhEs,
    /// `ECDH-ES+A128KW`.
    EcdhEsA128Kw,
    /// `ECDH-ES+A256KW`.
    EcdhEsA256Kw,
    /// `RSA-OAEP` (SHA-1; legacy).
    RsaOaep,
    /// `RSA-OAEP-256`.
    RsaOaep256,
}

/// Every classical algorithm, in a fixed order.
pub(crate) const ALL_CLASSICAL: [ClassicalAlg; 8] = [
    ClassicalAlg::Dir,
    ClassicalAlg::A128Kw,
    ClassicalAlg::A256Kw,
    ClassicalAlg::EcdhEs,
    ClassicalAlg::EcdhEsA128Kw,
    ClassicalAlg::EcdhEsA256Kw,
    ClassicalAlg::RsaOaep,
    ClassicalAlg::RsaOaep256,
];

/// Whether `alg` names a key-management algorithm pqjose refuses on principle: `RSA1_5`
/// (Bleichenbacher) and `PBES2-*` (password-based; `p2c` denial of service).
pub(crate) fn is_refused(alg: &str) -> bool {
    alg == "RSA1_5" || alg.starts_with("PBES2")
}

impl ClassicalAlg {
    /// The registered `alg` name.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::Dir => "dir",
            Self::A128Kw => "A128KW",
            Self::A256Kw => "A256KW",
            Self::EcdhEs => "ECDH-ES",
            Self::EcdhEsA128Kw => "ECDH-ES+A128KW",
            Self::EcdhEsA256Kw => "ECDH-ES+A256KW",
            Self::RsaOaep => "RSA-OAEP",
            Self::RsaOaep256 => "RSA-OAEP-256",
        }
    }

    /// The algorithm for a registered name (exact); `None` for anything else, including the
    /// refused ones (see [`is_refused`]).
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        ALL_CLASSICAL.into_iter().find(|a| a.name() == name)
    }

    /// The JWK `kty` of its keys.
    pub(crate) const fn key_type(self) -> &'static str {
        match self {
            Self::Dir | Self::A128Kw | Self::A256Kw => "oct",
            Self::EcdhEs | Self::EcdhEsA128Kw | Self::EcdhEsA256Kw => "EC",
            Self::RsaOaep | Self::RsaOaep256 => "RSA",
        }
    }

    /// Whether the Encrypted Key is empty (direct key agreement and direct encryption).
    pub(crate) const fn is_direct(self) -> bool {
        matches!(self, Self::Dir | Self::EcdhEs)
    }

    /// Whether it is an ECDH-ES variant (the header carries `epk`, and may carry `apu`/`apv`).
    pub(crate) const fn is_ecdh(self) -> bool {
        matches!(self, Self::EcdhEs | Self::EcdhEsA128Kw | Self::EcdhEsA256Kw)
    }

    /// The AES Key Wrap key length, for the wrapping variants.
    const fn kw_len(self) -> Option<usize> {
        match self {
            Self::A128Kw | Self::EcdhEsA128Kw => Some(16),
            Self::A256Kw | Self::EcdhEsA256Kw => Some(32),
            _ => None,
        }
    }
}

/// A recipient's key for encrypting: a public key, or for `oct` algorithms the shared secret.
#[derive(Clone, Debug)]
pub(crate) enum ClassicalPublicKey {
    /// A128KW/A256KW/dir shared key.
    Oct(SymmetricKey),
    /// ECDH-ES* public key.
    Ec(EcdhPublicKey),
    /// RSA-OAEP* public key.
    Rsa(RsaOaepPublicKey),
}

/// A recipient's private (or shared) key for decrypting.
#[derive(Clone, Debug)]
pub(crate) enum ClassicalSecretKey {
    /// A128KW/A256KW/dir shared key.
    Oct(SymmetricKey),
    /// ECDH-ES* private key.
    Ec(EcdhSecretKey),
    /// RSA-OAEP* private key.
    Rsa(RsaOaepSecretKey),
}

/// The key length an `oct` key must have for `alg` (`dir`: the `enc` key length).
fn oct_len(alg: ClassicalAlg, enc: Option<ContentEncryption>) -> Result<usize, Error> {
    match alg {
        ClassicalAlg::Dir => enc
            .map(ContentEncryption::key_len)
            .ok_or(Error::Jwe(JweError::EncMismatch)),
        _ => alg.kw_len().ok_or(Error::Key(KeyError::WrongKeyType)),
    }
}

/// The `enc` a `dir` key of `len` bytes fits. A 32-byte key fits both `A256GCM` and
/// `A128CBC-HS256`; the JWK's `alg` does not say which, so any `enc` of that length is allowed.
fn dir_fits(len: usize, enc: ContentEncryption) -> bool {
    enc.key_len() == len
}

fn check_kty(alg: ClassicalAlg, jwk: &Jwk) -> Result<(), Error> {
    let ok = match alg.key_type() {
        "EC" => matches!(jwk.kty(), "EC" | "OKP"),
        kty => jwk.kty() == kty,
    };
    if !ok {
        return Err(KeyError::WrongKeyType.into());
    }
    if jwk.use_.as_deref().is_some_and(|u| u != "enc") {
        return Err(KeyError::WrongKeyType.into());
    }
    Ok(())
}

impl ClassicalSecretKey {
    /// A fresh key: `crv` picks the ECDH curve (default P-256); `enc` sizes a `dir` key
    /// (required for `dir`).
    pub(crate) fn generate(
        alg: ClassicalAlg,
        crv: Option<EcdhCurve>,
        enc: Option<ContentEncryption>,
    ) -> Result<Self, Error> {
        Ok(match alg.key_type() {
            "oct" => Self::Oct(SymmetricKey::generate(oct_len(alg, enc)?)?),
            "EC" => Self::Ec(EcdhSecretKey::generate(crv.unwrap_or(EcdhCurve::P256))?),
            _ => Self::Rsa(RsaOaepSecretKey::generate()?),
        })
    }

    /// Import a private JWK for `alg`. A `dir` key may be 16, 32 or 64 bytes (one of the `enc`
    /// key lengths).
    pub(crate) fn from_jwk(alg: ClassicalAlg, jwk: &Jwk) -> Result<Self, Error> {
        check_kty(alg, jwk)?;
        Ok(match alg.key_type() {
            "oct" => Self::Oct(oct_from_jwk(alg, jwk)?),
            "EC" => Self::Ec(EcdhSecretKey::from_jwk(jwk)?),
            _ => Self::Rsa(RsaOaepSecretKey::from_jwk(jwk)?),
        })
    }

    /// The private JWK (with `alg` set).
    pub(crate) fn to_jwk(&self, alg: ClassicalAlg) -> Result<Jwk, Error> {
        let mut jwk = match self {
            Self::Oct(k) => Jwk {
                kty: "oct".into(),
                k: Some(k.to_member()),
                ..Jwk::default()
            },
            Self::Ec(k) => k.to_jwk(),
            Self::Rsa(k) => k.to_jwk(Jwk {
                kty: "RSA".into(),
                ..Jwk::default()
            })?,
        };
        jwk.alg = Some(alg.name().to_owned());
        Ok(jwk)
    }

    /// The encrypting form: the public key (for `oct`, the same shared key).
    pub(crate) fn public_key(&self) -> ClassicalPublicKey {
        match self {
            Self::Oct(k) => ClassicalPublicKey::Oct(k.clone()),
            Self::Ec(k) => ClassicalPublicKey::Ec(k.public_key()),
            Self::Rsa(k) => ClassicalPublicKey::Rsa(k.public_key()),
        }
    }

    /// PKCS#8 DER (EC, X25519, RSA; `oct` keys have none).
    pub(crate) fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        match self {
            Self::Oct(_) => Err(KeyError::PemUnsupported.into()),
            Self::Ec(k) => k.to_pkcs8_der(),
            Self::Rsa(k) => k.to_pkcs8_der(),
        }
    }

    /// Import PKCS#8 DER for `alg`: a P-256, P-384 or X25519 key for ECDH-ES*, an RSA key
    /// (2048 to 8192 bits, `rsaEncryption`) for RSA-OAEP*; `oct` keys have no PKCS#8 form.
    pub(crate) fn from_pkcs8_der(alg: ClassicalAlg, der: &[u8]) -> Result<Self, Error> {
        match alg.key_type() {
            "EC" => Ok(Self::Ec(EcdhSecretKey::from_pkcs8_der(der)?)),
            "RSA" => Ok(Self::Rsa(RsaOaepSecretKey::from_pkcs8_der(der)?)),
            _ => Err(KeyError::PemUnsupported.into()),
        }
    }
}

fn oct_from_jwk(alg: ClassicalAlg, jwk: &Jwk) -> Result<SymmetricKey, Error> {
    if alg == ClassicalAlg::Dir {
        let k = crate::backend::secret_member(&jwk.k)?;
        if ![16, 32, 64].contains(&k.len()) {
            return Err(KeyError::WrongKeyType.into());
        }
        Ok(SymmetricKey::from_bytes(&k))
    } else {
        SymmetricKey::from_jwk(jwk, oct_len(alg, None)?)
    }
}

impl ClassicalPublicKey {
    /// Import a JWK for encrypting to it with `alg`: the public members of an EC/OKP/RSA JWK
    /// (private members, if any, are ignored), or an `oct` JWK's shared key.
    pub(crate) fn from_jwk(alg: ClassicalAlg, jwk: &Jwk) -> Result<Self, Error> {
        check_kty(alg, jwk)?;
        Ok(match alg.key_type() {
            "oct" => Self::Oct(oct_from_jwk(alg, jwk)?),
            "EC" => Self::Ec(EcdhPublicKey::from_jwk(jwk)?),
            _ => Self::Rsa(RsaOaepPublicKey::from_jwk(jwk)?),
        })
    }

    /// The public JWK (with `alg` set); `oct` keys have no public form.
    pub(crate) fn to_jwk(&self, alg: ClassicalAlg) -> Result<Jwk, Error> {
        let mut jwk = match self {
            Self::Oct(_) => return Err(KeyError::NoPublicForm.into()),
            Self::Ec(k) => k.to_jwk(),
            Self::Rsa(k) => k.to_jwk(Jwk {
                kty: "RSA".into(),
                ..Jwk::default()
            }),
        };
        jwk.alg = Some(alg.name().to_owned());
        Ok(jwk)
    }

    /// SubjectPublicKeyInfo DER (EC, X25519, RSA).
    pub(crate) fn to_spki_der(&self) -> Result<Vec<u8>, Error> {
        match self {
            Self::Oct(_) => Err(KeyError::PemUnsupported.into()),
            Self::Ec(k) => k.to_spki_der(),
            Self::Rsa(k) => k.to_spki_der(),
        }
    }

    /// Import SubjectPublicKeyInfo DER for `alg` (key types as
    /// [`ClassicalSecretKey::from_pkcs8_der`]).
    pub(crate) fn from_spki_der(alg: ClassicalAlg, der: &[u8]) -> Result<Self, Error> {
        match alg.key_type() {
            "EC" => Ok(Self::Ec(EcdhPublicKey::from_spki_der(der)?)),
            "RSA" => Ok(Self::Rsa(RsaOaepPublicKey::from_spki_der(der)?)),
            _ => Err(KeyError::PemUnsupported.into()),
        }
    }
}

/// What the sender puts in the JWE for one recipient.
pub(crate) struct WrappedCek {
    /// The CEK (for the direct modes, the shared or derived key).
    pub(crate) cek: Zeroizing<Vec<u8>>,
    /// The JWE Encrypted Key (empty for the direct modes).
    pub(crate) encrypted_key: Vec<u8>,
    /// The ephemeral public key for the `epk` header parameter (ECDH-ES*).
    pub(crate) epk: Option<Jwk>,
}

/// Key-management header parameters of a received JWE (already merged from the protected,
/// shared and per-recipient headers).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct KeyAgreementInfo<'a> {
    /// `epk`.
    pub(crate) epk: Option<&'a Jwk>,
    /// `apu`, decoded.
    pub(crate) apu: &'a [u8],
    /// `apv`, decoded.
    pub(crate) apv: &'a [u8],
}

/// Make a CEK for `enc` and deliver it to the recipient `key` with `alg`. For `dir` and
/// `ECDH-ES`, the CEK is the shared/derived key (`cek` must then be `None`); for the other
/// algorithms a given `cek` (shared by several recipients) is wrapped, or a fresh one made.
pub(crate) fn wrap_cek(
    alg: ClassicalAlg,
    key: &ClassicalPublicKey,
    enc: ContentEncryption,
    cek: Option<&[u8]>,
    apu: &[u8],
    apv: &[u8],
) -> Result<WrappedCek, Error> {
    let fresh = |cek: Option<&[u8]>| -> Result<Zeroizing<Vec<u8>>, Error> {
        match cek {
            Some(c) if c.len() == enc.key_len() => Ok(Zeroizing::new(c.to_vec())),
            Some(_) => Err(JweError::EncMismatch.into()),
            None => enc.generate_cek(),
        }
    };
    if alg.is_direct() && cek.is_some() {
        return Err(JweError::EncMismatch.into());
    }
    match (alg, key) {
        (ClassicalAlg::Dir, ClassicalPublicKey::Oct(k)) => {
            if !dir_fits(k.bytes().len(), enc) {
                return Err(JweError::EncMismatch.into());
            }
            Ok(WrappedCek {
                cek: Zeroizing::new(k.bytes().to_vec()),
                encrypted_key: Vec::new(),
                epk: None,
            })
        }
        (ClassicalAlg::A128Kw | ClassicalAlg::A256Kw, ClassicalPublicKey::Oct(k)) => {
            let cek = fresh(cek)?;
            let encrypted_key = keywrap::wrap(k.bytes(), &cek)?;
            Ok(WrappedCek {
                cek,
                encrypted_key,
                epk: None,
            })
        }
        (ClassicalAlg::EcdhEs, ClassicalPublicKey::Ec(k)) => {
            let (epk, cek) = ecdh::sender_derive(k, enc.name(), apu, apv, enc.key_len())?;
            Ok(WrappedCek {
                cek,
                encrypted_key: Vec::new(),
                epk: Some(epk),
            })
        }
        (ClassicalAlg::EcdhEsA128Kw | ClassicalAlg::EcdhEsA256Kw, ClassicalPublicKey::Ec(k)) => {
            let kw_len = alg.kw_len().ok_or(Error::Crypto)?;
            let (epk, kek) = ecdh::sender_derive(k, alg.name(), apu, apv, kw_len)?;
            let cek = fresh(cek)?;
            let encrypted_key = keywrap::wrap(&kek, &cek)?;
            Ok(WrappedCek {
                cek,
                encrypted_key,
                epk: Some(epk),
            })
        }
        (ClassicalAlg::RsaOaep | ClassicalAlg::RsaOaep256, ClassicalPublicKey::Rsa(k)) => {
            let cek = fresh(cek)?;
            let encrypted_key = k.encrypt(oaep_hash(alg), &cek)?;
            Ok(WrappedCek {
                cek,
                encrypted_key,
                epk: None,
            })
        }
        _ => Err(KeyError::WrongKeyType.into()),
    }
}

fn oaep_hash(alg: ClassicalAlg) -> OaepHash {
    if alg == ClassicalAlg::RsaOaep {
        OaepHash::Sha1
    } else {
        OaepHash::Sha256
    }
}

/// Recover the CEK for `enc` from one recipient's Encrypted Key and header parameters.
///
/// Structural problems (a non-empty Encrypted Key for a direct mode, a missing or invalid
/// `epk`, a key of the wrong type) are typed errors; a failed unwrap or OAEP decryption gives a
/// random CEK of the right length (see the module docs). RSA-OAEP in the default build is
/// [`JweError::RsaDecryptionUnavailable`].
pub(crate) fn unwrap_cek(
    alg: ClassicalAlg,
    key: &ClassicalSecretKey,
    enc: ContentEncryption,
    encrypted_key: &[u8],
    info: KeyAgreementInfo<'_>,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    if alg.is_direct() && !encrypted_key.is_empty() {
        return Err(FormatError::SegmentCount.into());
    }
    if alg.is_ecdh() != info.epk.is_some() {
        return Err(JweError::KeyManagementHeader.into());
    }
    let or_random = |got: Result<Zeroizing<Vec<u8>>, Error>| match got {
        Ok(cek) if cek.len() == enc.key_len() => Ok(cek),
        _ => enc.generate_cek(),
    };
    match (alg, key) {
        (ClassicalAlg::Dir, ClassicalSecretKey::Oct(k)) => {
            if dir_fits(k.bytes().len(), enc) {
                Ok(Zeroizing::new(k.bytes().to_vec()))
            } else {
                Err(JweError::EncMismatch.into())
            }
        }
        (ClassicalAlg::A128Kw | ClassicalAlg::A256Kw, ClassicalSecretKey::Oct(k)) => {
            or_random(keywrap::unwrap(k.bytes(), encrypted_key))
        }
        (ClassicalAlg::EcdhEs, ClassicalSecretKey::Ec(k)) => {
            let epk = info.epk.ok_or(Error::Jwe(JweError::KeyManagementHeader))?;
            ecdh::recipient_derive(k, epk, enc.name(), info.apu, info.apv, enc.key_len())
        }
        (ClassicalAlg::EcdhEsA128Kw | ClassicalAlg::EcdhEsA256Kw, ClassicalSecretKey::Ec(k)) => {
            let epk = info.epk.ok_or(Error::Jwe(JweError::KeyManagementHeader))?;
            let kw_len = alg.kw_len().ok_or(Error::Crypto)?;
            let kek = ecdh::recipient_derive(k, epk, alg.name(), info.apu, info.apv, kw_len)?;
            or_random(keywrap::unwrap(&kek, encrypted_key))
        }
        (ClassicalAlg::RsaOaep | ClassicalAlg::RsaOaep256, ClassicalSecretKey::Rsa(k)) => {
            k.decrypt_cek(oaep_hash(alg), encrypted_key, enc.key_len())
        }
        _ => Err(KeyError::WrongKeyType.into()),
    }
}

#[cfg(test)]
mod tests;
