//! Encryption keys in the PEM and DER forms OpenSSL writes, for the algorithms whose keys have
//! a standard form: PKCS#8 / SPKI for X25519 (RFC 8410), EC P-256 and P-384 (RFC 5480/5915) and
//! RSA (RFC 8017), plus the traditional SEC1 `EC PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY` /
//! `RSA PUBLIC KEY` and an X.509 certificate's public key, read by the same code as the
//! signature keys' ([`crate::keys::pem`]).
//!
//! A document carries no JWE algorithm: the caller names the one the key is bound to, and the
//! document's key type and curve must fit it ([`KeyError::WrongKeyType`] otherwise; RSA below
//! 2048 bits is [`KeyError::TooWeak`]). `ECDH-ES*` take P-256, P-384 or X25519; `RSA-OAEP*` an
//! `rsaEncryption` key; the DHKEM suites `HPKE-0`/`-7` P-256, `HPKE-1` P-384 and `HPKE-3`/`-4`
//! X25519. Every other algorithm is [`KeyError::PemUnsupported`]: the shared `oct` keys, the
//! P-521 and X448 DHKEM suites (pqjose has no PKCS#8 code for those curves), ML-KEM (`HPKE-12`,
//! `HPKE-13`), X-Wing (`HPKE-9`) and the ML-KEM + NIST-curve hybrids (`HPKE-8`, `HPKE-10`).

use zeroize::Zeroizing;

use crate::error::{Error, JweError, KeyError};
use crate::jwe::alg::KeyManagement;
use crate::jwe::classical::{ClassicalAlg, ClassicalPublicKey, ClassicalSecretKey};
use crate::jwe::ecdh::{EcdhCurve, EcdhPublicKey, EcdhSecretKey};
use crate::jwe::hpke::{self, KemKind};
use crate::jwe::key::{DecryptionKey, EncryptionKey, Public, Secret, classical};
use crate::keys::key::{pem_decode, pem_encode};
use crate::keys::pem::{
    P256_OID, P384_OID, Traditional, der_to_pkcs8, der_to_spki, pem_to_pkcs8, pem_to_spki,
};
use crate::keys::scrub::scrubbed;

/// How an algorithm's keys are written as PKCS#8 / SPKI.
#[derive(Clone, Copy, Debug)]
enum Standard {
    /// ECDH-ES* or RSA-OAEP*: the classical key's own form.
    Classical(ClassicalAlg),
    /// An HPKE DHKEM on a curve ECDH-ES also uses: the ECDH key's form.
    Dhkem(KemKind, EcdhCurve),
}

/// The standard form of `alg`'s keys, or [`KeyError::PemUnsupported`].
fn standard(alg: KeyManagement) -> Result<Standard, Error> {
    let unsupported = Error::Key(KeyError::PemUnsupported);
    if let Some((suite, _)) = alg.hpke() {
        let kem = suite.kem();
        let curve = match kem {
            KemKind::P256 => EcdhCurve::P256,
            KemKind::P384 => EcdhCurve::P384,
            KemKind::X25519 => EcdhCurve::X25519,
            _ => return Err(unsupported),
        };
        return Ok(Standard::Dhkem(kem, curve));
    }
    match classical(alg) {
        Some(c) if c.key_type() != "oct" => Ok(Standard::Classical(c)),
        Some(_) => Err(unsupported),
        None => Err(JweError::UnsupportedAlgorithm.into()),
    }
}

impl Standard {
    /// The traditional forms its keys may come in.
    fn traditional(self) -> Traditional<'static> {
        match self {
            Self::Classical(c) if c.is_ecdh() => Traditional::Ec(&[P256_OID, P384_OID]),
            Self::Classical(_) => Traditional::Rsa,
            Self::Dhkem(_, EcdhCurve::P256) => Traditional::Ec(&[P256_OID]),
            Self::Dhkem(_, EcdhCurve::P384) => Traditional::Ec(&[P384_OID]),
            Self::Dhkem(_, EcdhCurve::X25519) => Traditional::None,
        }
    }

    fn secret_from_pkcs8(self, der: &[u8]) -> Result<Secret, Error> {
        Ok(match self {
            Self::Classical(c) => Secret::Classical(ClassicalSecretKey::from_pkcs8_der(c, der)?),
            Self::Dhkem(kem, curve) => {
                let key = EcdhSecretKey::from_pkcs8_der(der)?;
                if key.curve() != curve {
                    return Err(KeyError::WrongKeyType.into());
                }
                Secret::Hpke(hpke::PrivateKey::from_bytes(kem, &key.to_bytes())?)
            }
        })
    }

    fn public_from_spki(self, der: &[u8]) -> Result<Public, Error> {
        Ok(match self {
            Self::Classical(c) => Public::Classical(ClassicalPublicKey::from_spki_der(c, der)?),
            Self::Dhkem(kem, curve) => {
                let key = EcdhPublicKey::from_spki_der(der)?;
                if key.curve() != curve {
                    return Err(KeyError::WrongKeyType.into());
                }
                Public::Hpke(hpke::PublicKey::from_bytes(kem, &key.to_bytes())?)
            }
        })
    }

    fn secret_to_pkcs8(self, secret: &Secret) -> Result<Zeroizing<Vec<u8>>, Error> {
        match (self, secret) {
            (Self::Classical(_), Secret::Classical(sk)) => sk.to_pkcs8_der(),
            (Self::Dhkem(_, curve), Secret::Hpke(sk)) => {
                EcdhSecretKey::from_bytes(curve, &sk.to_bytes())?.to_pkcs8_der()
            }
            _ => Err(JweError::KeyMismatch.into()),
        }
    }

    fn public_to_spki(self, public: &Public) -> Result<Vec<u8>, Error> {
        match (self, public) {
            (Self::Classical(_), Public::Classical(pk)) => pk.to_spki_der(),
            (Self::Dhkem(_, curve), Public::Hpke(pk)) => {
                EcdhPublicKey::from_bytes(curve, &pk.to_bytes())?.to_spki_der()
            }
            _ => Err(JweError::KeyMismatch.into()),
        }
    }
}

impl DecryptionKey {
    /// Import a private key for `alg` from PEM, in any of the forms OpenSSL writes, told apart
    /// by the PEM label: PKCS#8 `PRIVATE KEY`, SEC1 `EC PRIVATE KEY` (P-256/P-384; the named
    /// curve must fit `alg`) or PKCS#1 `RSA PRIVATE KEY` (`RSA-OAEP*`). An `EC PARAMETERS`
    /// block and text outside the PEM blocks are ignored; encrypted keys are not read. The key
    /// is bound to `alg` (it can only decrypt, whatever it was made for) and its `kid` is the
    /// RFC 7638 thumbprint.
    ///
    /// Which algorithms have a PEM form, and the errors: see [`DecryptionKey::from_pkcs8_der`];
    /// also [`KeyError::NotPrivate`] for a public key or certificate and [`KeyError::Pem`] for
    /// several keys in one text.
    ///
    /// ```
    /// use pqjose::jwe::{DecryptionKey, KeyManagement};
    /// let pem = DecryptionKey::generate(KeyManagement::EcdhEsA256Kw)?.to_pkcs8_pem()?;
    /// let key = DecryptionKey::from_pem(KeyManagement::EcdhEsA256Kw, &pem)?;
    /// assert_eq!(key.algorithm(), KeyManagement::EcdhEsA256Kw);
    /// assert!(DecryptionKey::from_pem(KeyManagement::RsaOaep256, &pem).is_err());
    /// # Ok::<(), pqjose::Error>(())
    /// ```
    pub fn from_pem(alg: KeyManagement, pem: &str) -> Result<Self, Error> {
        scrubbed(|| {
            let form = standard(alg)?;
            Self::from_standard_pkcs8(alg, form, &pem_to_pkcs8(form.traditional(), pem)?)
        })
    }

    /// Import a private key for `alg` from DER: PKCS#8, SEC1 or PKCS#1, told apart by the
    /// document's structure. Errors as [`DecryptionKey::from_pem`].
    pub fn from_der(alg: KeyManagement, der: &[u8]) -> Result<Self, Error> {
        scrubbed(|| {
            let form = standard(alg)?;
            Self::from_standard_pkcs8(alg, form, &der_to_pkcs8(form.traditional(), der)?)
        })
    }

    /// Import a PKCS#8 private key in PEM (`-----BEGIN PRIVATE KEY-----`) for `alg`.
    /// Errors as [`DecryptionKey::from_pkcs8_der`].
    pub fn from_pkcs8_pem(alg: KeyManagement, pem: &str) -> Result<Self, Error> {
        scrubbed(|| Self::from_pkcs8_der(alg, &pem_decode(pem, "PRIVATE KEY")?))
    }

    /// Import a PKCS#8 private key in DER for `alg`, bound to it with the thumbprint as `kid`.
    ///
    /// `ECDH-ES*` take a P-256, P-384 or X25519 key; `RSA-OAEP*` an `rsaEncryption` key of
    /// 2048 to 8192 bits; `HPKE-0`/`HPKE-7` P-256, `HPKE-1` P-384, `HPKE-3`/`HPKE-4` X25519.
    /// Errors: [`KeyError::PemUnsupported`] for an algorithm without a standard form (`oct`
    /// keys, P-521/X448 DHKEM, ML-KEM, X-Wing and the hybrids; checked first),
    /// [`KeyError::WrongKeyType`] for a key of another type or curve, [`KeyError::TooWeak`] for
    /// RSA below 2048 bits, [`KeyError::Pem`] for a malformed document.
    pub fn from_pkcs8_der(alg: KeyManagement, der: &[u8]) -> Result<Self, Error> {
        scrubbed(|| Self::from_standard_pkcs8(alg, standard(alg)?, der))
    }

    fn from_standard_pkcs8(alg: KeyManagement, form: Standard, der: &[u8]) -> Result<Self, Error> {
        Self::from_secret(alg, form.secret_from_pkcs8(der)?)
    }

    /// Export the private key as PKCS#8 PEM. The document does not record the algorithm the
    /// key is bound to: re-import it with the same one. [`KeyError::PemUnsupported`] for the
    /// algorithms without a standard form.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, Error> {
        pem_encode("PRIVATE KEY", &self.to_pkcs8_der()?).map(Zeroizing::new)
    }

    /// Export the private key as PKCS#8 DER (see [`DecryptionKey::to_pkcs8_pem`]).
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        scrubbed(|| standard(self.algorithm())?.secret_to_pkcs8(&self.secret))
    }
}

impl EncryptionKey {
    /// Import a public key for `alg` from PEM, in any of the forms OpenSSL writes, told apart
    /// by the PEM label: SPKI `PUBLIC KEY`, PKCS#1 `RSA PUBLIC KEY` (`RSA-OAEP*`) or the public
    /// key of an X.509 `CERTIFICATE` (of a chain, the first), bound to `alg` with the
    /// thumbprint as `kid`.
    ///
    /// **The certificate is not checked** (signature, issuer, validity, extensions, chain):
    /// only its public key is taken, as if given as SPKI.
    ///
    /// Errors as [`DecryptionKey::from_pkcs8_der`], and [`KeyError::NotPublic`] for a private
    /// key.
    pub fn from_pem(alg: KeyManagement, pem: &str) -> Result<Self, Error> {
        let form = standard(alg)?;
        Self::from_standard_spki(alg, form, &pem_to_spki(form.traditional(), pem)?)
    }

    /// Import a public key for `alg` from DER: SPKI, an X.509 certificate (not checked) or
    /// PKCS#1, told apart by the document's structure. Errors as [`EncryptionKey::from_pem`].
    pub fn from_der(alg: KeyManagement, der: &[u8]) -> Result<Self, Error> {
        let form = standard(alg)?;
        Self::from_standard_spki(alg, form, &der_to_spki(form.traditional(), der)?)
    }

    /// Import an SPKI public key in PEM (`-----BEGIN PUBLIC KEY-----`) for `alg`. Errors as
    /// [`DecryptionKey::from_pkcs8_der`].
    pub fn from_spki_pem(alg: KeyManagement, pem: &str) -> Result<Self, Error> {
        Self::from_spki_der(alg, &pem_decode(pem, "PUBLIC KEY")?)
    }

    /// Import an SPKI public key in DER for `alg`. Errors as
    /// [`DecryptionKey::from_pkcs8_der`].
    pub fn from_spki_der(alg: KeyManagement, der: &[u8]) -> Result<Self, Error> {
        Self::from_standard_spki(alg, standard(alg)?, der)
    }

    fn from_standard_spki(alg: KeyManagement, form: Standard, der: &[u8]) -> Result<Self, Error> {
        Self::from_public(alg, form.public_from_spki(der)?)
    }

    /// Export the public key as SPKI PEM (the algorithm is not recorded).
    /// [`KeyError::PemUnsupported`] for the algorithms without a standard form.
    pub fn to_spki_pem(&self) -> Result<String, Error> {
        pem_encode("PUBLIC KEY", &self.to_spki_der()?)
    }

    /// Export the public key as SPKI DER (see [`EncryptionKey::to_spki_pem`]).
    pub fn to_spki_der(&self) -> Result<Vec<u8>, Error> {
        standard(self.algorithm())?.public_to_spki(&self.public)
    }
}

#[cfg(test)]
mod tests;
