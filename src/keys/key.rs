//! [`SigningKey`] and [`VerifyingKey`]: keys bound to one [`Algorithm`], importable from and
//! exportable to JWK and PEM.

use core::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::alg::{Algorithm, Family};
use crate::backend::composite::CompositeEncoding;
use crate::backend::{self, PublicBackend, SecretBackend, SigningMode};
use crate::error::{AlgorithmError, Error, KeyError};
use crate::format::jwk::{Jwk, KeyPurpose};
use crate::jws::signer::{JwsSigner, JwsVerifier};
use crate::keys::scrub::scrubbed;

pub use crate::format::header::MAX_KID_LEN;

/// A private key bound to one algorithm.
///
/// `Debug` prints the algorithm and key id only; secret material is zeroized on drop. There is
/// no `Display`.
pub struct SigningKey {
    inner: Box<dyn SecretBackend>,
    /// The public half, derived once when the key is made or imported (so that
    /// [`SigningKey::verifier`] cannot fail).
    public: Arc<dyn PublicBackend>,
    kid: String,
    explicit_kid: bool,
    mode: SigningMode,
}

/// A public key bound to one algorithm (for HMAC, the shared secret: then `Debug` is redacted
/// and the key has no public JWK form). Cheap to clone: the parsed key is shared.
#[derive(Clone)]
pub struct VerifyingKey {
    inner: Arc<dyn PublicBackend>,
    kid: Arc<str>,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.inner.algorithm())
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("alg", &self.inner.algorithm())
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// Determine the algorithm of a JWK: its `alg` member, or the one algorithm its key type and
/// curve allow (`OKP`/`Ed25519` → `Ed25519`, `EC`/`P-256` → `ES256`, `EC`/`P-384` → `ES384`).
fn jwk_algorithm(jwk: &Jwk) -> Result<Algorithm, Error> {
    let alg = match jwk.alg() {
        Some(s) => s.parse::<Algorithm>()?,
        None => match (jwk.kty(), jwk.crv.as_deref()) {
            ("OKP", Some("Ed25519")) => Algorithm::Ed25519,
            ("EC", Some("P-256")) => Algorithm::Es256,
            ("EC", Some("P-384")) => Algorithm::Es384,
            ("AKP" | "OKP" | "EC" | "RSA" | "oct", _) => {
                return Err(KeyError::AlgorithmRequired.into());
            }
            _ => return Err(KeyError::UnsupportedKeyType.into()),
        },
    };
    check_kty(jwk, alg)?;
    Ok(alg)
}

fn check_kty(jwk: &Jwk, alg: Algorithm) -> Result<(), Error> {
    if jwk.kty() != alg.key_type() {
        return Err(KeyError::WrongKeyType.into());
    }
    if jwk.use_.as_deref().is_some_and(|u| u != "sig") {
        return Err(KeyError::KeyUse.into());
    }
    Ok(())
}

/// The algorithm to use when the caller pins one: the JWK's `alg`, if present, must agree.
fn pinned_algorithm(jwk: &Jwk, alg: Algorithm) -> Result<Algorithm, Error> {
    if let Some(s) = jwk.alg() {
        let found = s.parse::<Algorithm>()?;
        if !alg.accepts_header(found) {
            return Err(AlgorithmError::Mismatch {
                expected: alg,
                found,
            }
            .into());
        }
    }
    check_kty(jwk, alg)?;
    Ok(alg)
}

fn checked_kid(kid: Option<&str>) -> Result<Option<String>, Error> {
    match kid {
        Some(k) if k.is_empty() || k.len() > MAX_KID_LEN => Err(KeyError::MalformedJwk.into()),
        Some(k) => Ok(Some(k.to_owned())),
        None => Ok(None),
    }
}

fn thumbprint_of(public: &dyn PublicBackend) -> Result<String, Error> {
    public.to_jwk()?.thumbprint()
}

impl SigningKey {
    pub(crate) fn from_backend(
        inner: Box<dyn SecretBackend>,
        kid: Option<String>,
    ) -> Result<Self, Error> {
        // Deriving the public key may expand the seed on the stack (ML-DSA).
        let public = scrubbed(|| inner.public())?;
        let (kid, explicit_kid) = match kid {
            Some(k) => (k, true),
            None => (thumbprint_of(public.as_ref())?, false),
        };
        Ok(Self {
            inner,
            public,
            kid,
            explicit_kid,
            mode: SigningMode::default(),
        })
    }

    /// Generate a fresh key for `alg` from the system random generator. RSA keys are 2048 bits;
    /// HMAC keys are as long as the hash output.
    pub fn generate(alg: Algorithm) -> Result<Self, Error> {
        scrubbed(|| Self::from_backend(backend::generate(alg)?, None))
    }

    /// Import a private JWK. The algorithm comes from its `alg` member (or from its curve where
    /// only one algorithm fits); the `kid` is kept, or defaults to the RFC 7638 thumbprint.
    /// A `use` other than `sig`, or `key_ops` without `sign`, is [`KeyError::KeyUse`].
    pub fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        jwk.check_purpose(KeyPurpose::Sign)?;
        scrubbed(|| {
            let alg = jwk_algorithm(jwk)?;
            Self::from_backend(backend::secret_from_jwk(alg, jwk)?, checked_kid(jwk.kid())?)
        })
    }

    /// Import a private JWK for a given algorithm (needed for `RSA` and `oct` keys without
    /// `alg`). A present `alg` member must agree.
    pub fn from_jwk_with_alg(jwk: &Jwk, alg: Algorithm) -> Result<Self, Error> {
        jwk.check_purpose(KeyPurpose::Sign)?;
        scrubbed(|| {
            let alg = pinned_algorithm(jwk, alg)?;
            Self::from_backend(backend::secret_from_jwk(alg, jwk)?, checked_kid(jwk.kid())?)
        })
    }

    /// Import a private JWK from JSON text.
    pub fn from_jwk_json(json: &str) -> Result<Self, Error> {
        Self::from_jwk(&Jwk::from_json(json)?)
    }

    /// [`SigningKey::generate`] with an explicit [`CompositeEncoding`] for the ECDSA component
    /// of a composite algorithm (no effect for other algorithms). JWK export, signatures and
    /// the derived [`VerifyingKey`] use that encoding.
    pub fn generate_with_encoding(
        alg: Algorithm,
        encoding: CompositeEncoding,
    ) -> Result<Self, Error> {
        if !alg.is_composite() {
            return Self::generate(alg);
        }
        scrubbed(|| Self::from_backend(backend::composite::generate_with(alg, encoding)?, None))
    }

    /// [`SigningKey::from_jwk`] reading a composite key's ECDSA component in `encoding` (no
    /// effect for other algorithms).
    pub fn from_jwk_with_encoding(jwk: &Jwk, encoding: CompositeEncoding) -> Result<Self, Error> {
        jwk.check_purpose(KeyPurpose::Sign)?;
        let alg = jwk_algorithm(jwk)?;
        if !alg.is_composite() {
            return Self::from_jwk(jwk);
        }
        scrubbed(|| {
            let inner = backend::composite::secret_from_jwk_with(alg, jwk, encoding)?;
            Self::from_backend(inner, checked_kid(jwk.kid())?)
        })
    }

    /// Import an HMAC secret (`HS256`/`HS384`/`HS512`). It must be at least as long as the hash
    /// output.
    pub fn from_hmac_secret(alg: Algorithm, secret: &[u8]) -> Result<Self, Error> {
        if alg.family() != Family::Hmac {
            return Err(KeyError::WrongKeyType.into());
        }
        let jwk = Jwk {
            k: Some(crate::format::jwk::SecretMember::encode(secret)),
            ..backend::jwk_for(alg)
        };
        Self::from_jwk(&jwk)
    }

    /// Import a PKCS#8 private key in PEM (`-----BEGIN PRIVATE KEY-----`) for `alg`. The key
    /// type in the document must fit the algorithm. An `ENCRYPTED PRIVATE KEY` is
    /// [`KeyError::EncryptedPrivateKey`].
    pub fn from_pkcs8_pem(alg: Algorithm, pem: &str) -> Result<Self, Error> {
        let der = pem_decode(pem, "PRIVATE KEY")?;
        Self::from_pkcs8_der(alg, &der)
    }

    /// Import a PKCS#8 private key in DER for `alg`. An encrypted one
    /// (`EncryptedPrivateKeyInfo`) is [`KeyError::EncryptedPrivateKey`].
    pub fn from_pkcs8_der(alg: Algorithm, der: &[u8]) -> Result<Self, Error> {
        if crate::keys::pem::is_encrypted_pkcs8(der) {
            return Err(KeyError::EncryptedPrivateKey.into());
        }
        scrubbed(|| Self::from_backend(backend::secret_from_pkcs8(alg, der)?, None))
    }

    /// Export as PKCS#8 PEM (ML-DSA in the seed-only form).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, Error> {
        let der = self.inner.to_pkcs8_der()?;
        pem_encode("PRIVATE KEY", &der).map(Zeroizing::new)
    }

    /// Export as PKCS#8 DER.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        scrubbed(|| self.inner.to_pkcs8_der())
    }

    /// Set the key id (at most [`MAX_KID_LEN`] bytes, not empty).
    pub fn with_kid(mut self, kid: impl Into<String>) -> Result<Self, Error> {
        let kid = kid.into();
        if checked_kid(Some(&kid))?.is_some() {
            self.kid = kid;
            self.explicit_kid = true;
        }
        Ok(self)
    }

    /// Choose hedged (default) or deterministic signing. Algorithms that are deterministic by
    /// construction (Ed25519, RSA PKCS#1 v1.5, HMAC, ECDSA per RFC 6979) ignore this.
    pub fn with_signing_mode(mut self, mode: SigningMode) -> Self {
        self.mode = mode;
        self
    }

    /// The bound algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.inner.algorithm()
    }

    /// The key id: the one given, or the RFC 7638 thumbprint.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The private JWK, with `kid` and `alg`.
    pub fn to_jwk(&self) -> Result<Jwk, Error> {
        let mut jwk = scrubbed(|| self.inner.to_jwk())?;
        jwk.kid = Some(self.kid.clone());
        Ok(jwk)
    }

    /// The matching verifying key, with the same `kid`.
    ///
    /// Never fails: the public half is derived (and checked) when the key is generated or
    /// imported, so an error could only come from there. The `Result` is kept so that existing
    /// callers (`key.verifying_key()?`) keep compiling; new code can use the infallible
    /// [`SigningKey::verifier`].
    pub fn verifying_key(&self) -> Result<VerifyingKey, Error> {
        Ok(self.verifier())
    }

    /// The matching verifying key, with the same `kid` (for HMAC, a verifier holding the same
    /// shared secret). Infallible: see [`SigningKey::verifying_key`].
    pub fn verifier(&self) -> VerifyingKey {
        VerifyingKey {
            inner: Arc::clone(&self.public),
            kid: Arc::from(self.kid.as_str()),
        }
    }

    /// The public JWK (every private member stripped). Refused for HMAC keys.
    pub fn to_public_jwk(&self) -> Result<Jwk, Error> {
        self.verifier().to_jwk()
    }

    /// The RFC 7638 thumbprint of the key.
    pub fn thumbprint(&self) -> Result<String, Error> {
        thumbprint_of(scrubbed(|| self.inner.public())?.as_ref())
    }

    /// Whether the `kid` was set explicitly (rather than defaulted to the thumbprint).
    pub fn has_explicit_kid(&self) -> bool {
        self.explicit_kid
    }
}

impl JwsSigner for SigningKey {
    fn algorithm(&self) -> Algorithm {
        self.inner.algorithm()
    }

    fn key_id(&self) -> Option<&str> {
        Some(&self.kid)
    }

    fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, Error> {
        self.inner.sign(signing_input, self.mode)
    }
}

impl VerifyingKey {
    fn from_backend(inner: Arc<dyn PublicBackend>, kid: Option<String>) -> Result<Self, Error> {
        let kid = match kid {
            Some(k) => k,
            None => thumbprint_of(inner.as_ref())?,
        };
        Ok(Self {
            inner,
            kid: Arc::from(kid),
        })
    }

    /// Import a JWK (public or private; private members are ignored). The algorithm comes from
    /// its `alg` member or its curve. A `use` other than `sig`, or `key_ops` without `verify`,
    /// is [`KeyError::KeyUse`]: such a key never verifies a signature.
    pub fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        jwk.check_purpose(KeyPurpose::Verify)?;
        let alg = jwk_algorithm(jwk)?;
        Self::from_backend(backend::public_from_jwk(alg, jwk)?, checked_kid(jwk.kid())?)
    }

    /// Import a JWK for a given algorithm; a present `alg` member must agree.
    pub fn from_jwk_with_alg(jwk: &Jwk, alg: Algorithm) -> Result<Self, Error> {
        jwk.check_purpose(KeyPurpose::Verify)?;
        let alg = pinned_algorithm(jwk, alg)?;
        Self::from_backend(backend::public_from_jwk(alg, jwk)?, checked_kid(jwk.kid())?)
    }

    /// Import a JWK from JSON text.
    pub fn from_jwk_json(json: &str) -> Result<Self, Error> {
        Self::from_jwk(&Jwk::from_json(json)?)
    }

    /// [`VerifyingKey::from_jwk`] reading a composite key's ECDSA component, and verifying its
    /// signatures, in `encoding` (no effect for other algorithms).
    pub fn from_jwk_with_encoding(jwk: &Jwk, encoding: CompositeEncoding) -> Result<Self, Error> {
        jwk.check_purpose(KeyPurpose::Verify)?;
        let alg = jwk_algorithm(jwk)?;
        if !alg.is_composite() {
            return Self::from_jwk(jwk);
        }
        let inner = backend::composite::public_from_jwk_with(alg, jwk, encoding)?;
        Self::from_backend(inner, checked_kid(jwk.kid())?)
    }

    /// An HMAC verifier from the shared secret.
    pub fn from_hmac_secret(alg: Algorithm, secret: &[u8]) -> Result<Self, Error> {
        SigningKey::from_hmac_secret(alg, secret)?.verifying_key()
    }

    /// Import an SPKI public key in PEM (`-----BEGIN PUBLIC KEY-----`) for `alg`.
    pub fn from_spki_pem(alg: Algorithm, pem: &str) -> Result<Self, Error> {
        let der = pem_decode(pem, "PUBLIC KEY")?;
        Self::from_spki_der(alg, &der)
    }

    /// Import an SPKI public key in DER for `alg`.
    pub fn from_spki_der(alg: Algorithm, der: &[u8]) -> Result<Self, Error> {
        Self::from_backend(backend::public_from_spki(alg, der)?, None)
    }

    /// Export as SPKI PEM.
    pub fn to_spki_pem(&self) -> Result<String, Error> {
        pem_encode("PUBLIC KEY", &self.inner.to_spki_der()?)
    }

    /// Export as SPKI DER.
    pub fn to_spki_der(&self) -> Result<Vec<u8>, Error> {
        self.inner.to_spki_der()
    }

    /// Set the key id (at most [`MAX_KID_LEN`] bytes, not empty).
    pub fn with_kid(mut self, kid: impl Into<String>) -> Result<Self, Error> {
        let kid = kid.into();
        if checked_kid(Some(&kid))?.is_some() {
            self.kid = Arc::from(kid);
        }
        Ok(self)
    }

    /// The bound algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.inner.algorithm()
    }

    /// The key id: the one given, or the RFC 7638 thumbprint.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public JWK with `kid` and `alg`. Refused ([`KeyError::NoPublicForm`]) for HMAC.
    pub fn to_jwk(&self) -> Result<Jwk, Error> {
        if self.algorithm().is_symmetric() {
            return Err(KeyError::NoPublicForm.into());
        }
        let mut jwk = self.inner.to_jwk()?.to_public()?;
        jwk.kid = Some(self.kid.to_string());
        Ok(jwk)
    }

    /// The RFC 7638 thumbprint of the key.
    pub fn thumbprint(&self) -> Result<String, Error> {
        thumbprint_of(self.inner.as_ref())
    }
}

impl JwsVerifier for VerifyingKey {
    fn algorithm(&self) -> Algorithm {
        self.inner.algorithm()
    }

    fn key_id(&self) -> Option<&str> {
        Some(&self.kid)
    }

    fn verify(&self, signing_input: &[u8], signature: &[u8]) -> Result<(), Error> {
        self.inner.verify(signing_input, signature)
    }
}

/// The DER of a PEM text that is one block labelled `label`.
pub(crate) fn pem_decode(pem: &str, label: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
    let (found, der) =
        pem_rfc7468::decode_vec(pem.trim().as_bytes()).map_err(|_| Error::Key(KeyError::Pem))?;
    let der = Zeroizing::new(der);
    if found == crate::keys::pem::ENCRYPTED_PRIVATE_KEY {
        return Err(KeyError::EncryptedPrivateKey.into());
    }
    if found != label {
        return Err(KeyError::Pem.into());
    }
    Ok(der)
}

/// `der` as a PEM block labelled `label` (LF line endings).
pub(crate) fn pem_encode(label: &str, der: &[u8]) -> Result<String, Error> {
    pem_rfc7468::encode_string(label, pem_rfc7468::LineEnding::LF, der)
        .map_err(|_| Error::Key(KeyError::Pem))
}
