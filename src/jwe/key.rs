//! Encryption keys: [`EncryptionKey`] (what a sender encrypts to), [`DecryptionKey`] (what a
//! recipient decrypts with) and [`DecryptionKeySet`] (a recipient's rotating keys, selected by
//! `kid`).
//!
//! Each key is bound to one [`KeyManagement`] algorithm, as a signing key is bound to one
//! signature algorithm; these types share nothing with [`crate::SigningKey`] /
//! [`crate::VerifyingKey`], so a signing key cannot decrypt and an encryption key cannot verify.
//! A JWK whose `alg` is a signature algorithm, or whose `use` is not `enc`, is refused.

use core::fmt;

use crate::backend::{member, secret_member};
use crate::error::{Error, JweError, KeyError};
use crate::format::b64;
use crate::format::jwk::{Jwk, JwkSet, KeyPurpose, SecretMember, SkippedKey};
use crate::jwe::alg::KeyManagement;
use crate::jwe::classical::{ClassicalAlg, ClassicalPublicKey, ClassicalSecretKey};
use crate::jwe::content::ContentEncryption;
use crate::jwe::ecdh::EcdhCurve;
use crate::jwe::hpke::{self, JwkShape, KemKind};
use crate::keys::scrub::scrubbed;
use crate::keys::{MAX_KEY_SET_KEYS, MAX_KID_LEN};

/// The secret half of a key, by family.
#[derive(Clone)]
pub(crate) enum Secret {
    Hpke(hpke::PrivateKey),
    Classical(ClassicalSecretKey),
}

/// The encrypting half of a key, by family (for `oct` algorithms, the shared key).
#[derive(Clone)]
pub(crate) enum Public {
    Hpke(hpke::PublicKey),
    Classical(ClassicalPublicKey),
}

/// A recipient's private key for decrypting JWEs, bound to one [`KeyManagement`] algorithm.
///
/// Its secret is zeroized on drop and never printed by `Debug`. The `kid` defaults to the RFC
/// 7638 thumbprint of the public key.
#[derive(Clone)]
pub struct DecryptionKey {
    alg: KeyManagement,
    kid: String,
    explicit_kid: bool,
    pub(crate) secret: Secret,
}

/// A recipient's public key (or, for `A128KW`/`A256KW`/`dir`, shared key) to encrypt JWEs to,
/// bound to one [`KeyManagement`] algorithm.
#[derive(Clone)]
pub struct EncryptionKey {
    alg: KeyManagement,
    kid: String,
    explicit_kid: bool,
    pub(crate) public: Public,
}

/// The accessors [`DecryptionKey`] and [`EncryptionKey`] share (one definition for both):
/// the bound algorithm, the `kid` and where it came from.
macro_rules! bound_key_accessors {
    ($ty:ident) => {
        impl $ty {
            /// The key-management algorithm this key is bound to.
            pub fn algorithm(&self) -> KeyManagement {
                self.alg
            }

            /// The key id (the RFC 7638 thumbprint unless one was given).
            pub fn kid(&self) -> &str {
                &self.kid
            }

            /// Whether the `kid` was given (by the JWK or `with_kid`) rather than derived.
            pub fn has_explicit_kid(&self) -> bool {
                self.explicit_kid
            }

            /// Set the key id (at most [`MAX_KID_LEN`] bytes, not empty).
            pub fn with_kid(mut self, kid: impl Into<String>) -> Result<Self, Error> {
                let kid = kid.into();
                checked_kid(Some(&kid))?;
                self.kid = kid;
                self.explicit_kid = true;
                Ok(self)
            }

            /// Set `kid` if given, else the thumbprint (the default `kid`).
            fn kid_or_thumbprint(mut self, kid: Option<String>) -> Result<Self, Error> {
                self.explicit_kid = kid.is_some();
                self.kid = match kid {
                    Some(k) => k,
                    None => self.thumbprint()?,
                };
                Ok(self)
            }
        }
    };
}

bound_key_accessors!(DecryptionKey);
bound_key_accessors!(EncryptionKey);

impl fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecryptionKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncryptionKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// The classical algorithm behind a [`KeyManagement`], if it is one.
pub(crate) fn classical(alg: KeyManagement) -> Option<ClassicalAlg> {
    ClassicalAlg::from_name(alg.as_str())
}

/// The JWK's algorithm: its `alg` (or `fallback`), which must be a JWE key-management
/// algorithm (a signature algorithm is [`JweError::KeyMismatch`]); a `use` other than `enc`, or
/// `key_ops` without an operation of `purpose`, is [`KeyError::KeyUse`].
fn jwk_alg(
    jwk: &Jwk,
    fallback: Option<KeyManagement>,
    purpose: KeyPurpose,
) -> Result<KeyManagement, Error> {
    jwk.check_purpose(purpose)?;
    let alg = match (jwk.alg.as_deref(), fallback) {
        (Some(name), fallback) => {
            let alg = name.parse::<KeyManagement>().map_err(|_| {
                if name.parse::<crate::Algorithm>().is_ok() {
                    Error::Jwe(JweError::KeyMismatch)
                } else {
                    Error::Jwe(JweError::UnsupportedAlgorithm)
                }
            })?;
            if fallback.is_some_and(|f| f != alg) {
                return Err(JweError::KeyMismatch.into());
            }
            alg
        }
        (None, Some(f)) => f,
        (None, None) => return Err(KeyError::AlgorithmRequired.into()),
    };
    Ok(alg)
}

fn checked_kid(kid: Option<&str>) -> Result<Option<String>, Error> {
    match kid {
        Some(k) if k.is_empty() || k.len() > MAX_KID_LEN => Err(KeyError::MalformedJwk.into()),
        k => Ok(k.map(str::to_owned)),
    }
}

/// The HPKE public key of a JWK of `kem`'s shape.
fn hpke_public_from_jwk(kem: KemKind, jwk: &Jwk) -> Result<hpke::PublicKey, Error> {
    let wrong = || Error::Key(KeyError::WrongKeyType);
    let bytes = match kem.jwk_shape() {
        JwkShape::Ec(crv, n) => {
            if jwk.kty != "EC" || jwk.crv.as_deref() != Some(crv) {
                return Err(wrong());
            }
            let (x, y) = (member(&jwk.x)?, member(&jwk.y)?);
            if x.len() != n || y.len() != n {
                return Err(KeyError::InvalidEncoding.into());
            }
            let mut sec1 = Vec::with_capacity(1 + 2 * n);
            sec1.push(0x04);
            sec1.extend_from_slice(&x);
            sec1.extend_from_slice(&y);
            sec1
        }
        JwkShape::Okp(crv) => {
            if jwk.kty != "OKP" || jwk.crv.as_deref() != Some(crv) {
                return Err(wrong());
            }
            member(&jwk.x)?
        }
        JwkShape::Akp => {
            if jwk.kty != "AKP" {
                return Err(wrong());
            }
            member(&jwk.pub_)?
        }
    };
    hpke::PublicKey::from_bytes(kem, &bytes)
}

/// The public JWK members of an HPKE key.
fn hpke_public_jwk(kem: KemKind, alg: KeyManagement, pk: &hpke::PublicKey) -> Jwk {
    let bytes = pk.to_bytes();
    let mut jwk = Jwk {
        alg: Some(alg.as_str().to_owned()),
        ..Jwk::default()
    };
    match kem.jwk_shape() {
        JwkShape::Ec(crv, n) => {
            jwk.kty = "EC".into();
            jwk.crv = Some(crv.into());
            let coords = bytes.get(1..).unwrap_or_default();
            jwk.x = coords.get(..n).map(b64::encode);
            jwk.y = coords.get(n..).map(b64::encode);
        }
        JwkShape::Okp(crv) => {
            jwk.kty = "OKP".into();
            jwk.crv = Some(crv.into());
            jwk.x = Some(b64::encode(&bytes));
        }
        JwkShape::Akp => {
            jwk.kty = "AKP".into();
            jwk.pub_ = Some(b64::encode(&bytes));
        }
    }
    jwk
}

impl DecryptionKey {
    /// A new random key for `alg`: P-256 for the ECDH-ES algorithms. `dir` needs a size: use
    /// [`DecryptionKey::generate_with`]. `HPKE-4-KE` and `HPKE-6-KE` (possibly withdrawn by a
    /// later draft) are refused: pqjose decrypts them but makes no new keys for them.
    pub fn generate(alg: KeyManagement) -> Result<Self, Error> {
        Self::generate_with(alg, None, None)
    }

    /// A new random key for `alg`, with the ECDH curve `crv` (`P-256`, `P-384` or `X25519`;
    /// ECDH-ES algorithms only, default `P-256`) and, for `dir`, the content encryption the key
    /// is sized for (required for `dir`).
    pub fn generate_with(
        alg: KeyManagement,
        crv: Option<&str>,
        enc: Option<ContentEncryption>,
    ) -> Result<Self, Error> {
        scrubbed(|| {
            if !alg.generates_keys() {
                return Err(JweError::UnsupportedAlgorithm.into());
            }
            let secret = if let Some((suite, _)) = alg.hpke() {
                if crv.is_some() || enc.is_some() {
                    return Err(KeyError::WrongKeyType.into());
                }
                Secret::Hpke(hpke::PrivateKey::generate(suite.kem())?)
            } else {
                let c = classical(alg).ok_or(JweError::UnsupportedAlgorithm)?;
                let curve = match crv {
                    None => None,
                    Some(name) if c.is_ecdh() => {
                        Some(EcdhCurve::from_name(name).ok_or(KeyError::WrongKeyType)?)
                    }
                    Some(_) => return Err(KeyError::WrongKeyType.into()),
                };
                Secret::Classical(ClassicalSecretKey::generate(c, curve, enc)?)
            };
            Self::finish(alg, None, secret)
        })
    }

    /// The key of `alg` holding `secret`, its `kid` the thumbprint (for the PEM/DER imports).
    pub(super) fn from_secret(alg: KeyManagement, secret: Secret) -> Result<Self, Error> {
        Self::finish(alg, None, secret)
    }

    fn finish(alg: KeyManagement, kid: Option<String>, secret: Secret) -> Result<Self, Error> {
        Self {
            alg,
            kid: String::new(),
            explicit_kid: false,
            secret,
        }
        .kid_or_thumbprint(kid)
    }

    /// Import a private JWK. Its `alg` must name a key-management algorithm (required: an
    /// encryption key is bound to one); `use`, if present, must be `enc`, and `key_ops`, if
    /// present, must name `decrypt`, `unwrapKey`, `deriveKey` or `deriveBits` (else
    /// [`KeyError::KeyUse`]); the public members must match the private ones.
    pub fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        scrubbed(|| Self::import(jwk, None))
    }

    /// [`DecryptionKey::from_jwk`] for a JWK that may lack `alg`: `alg` is used if the JWK has
    /// none, and must equal the JWK's if it has one.
    pub fn from_jwk_with_alg(jwk: &Jwk, alg: KeyManagement) -> Result<Self, Error> {
        scrubbed(|| Self::import(jwk, Some(alg)))
    }

    /// Parse and import a private JWK (JSON text).
    pub fn from_jwk_json(json: &str) -> Result<Self, Error> {
        Self::from_jwk(&Jwk::from_json(json)?)
    }

    fn import(jwk: &Jwk, fallback: Option<KeyManagement>) -> Result<Self, Error> {
        let alg = jwk_alg(jwk, fallback, KeyPurpose::Decrypt)?;
        let kid = checked_kid(jwk.kid.as_deref())?;
        let secret = if let Some((suite, _)) = alg.hpke() {
            let kem = suite.kem();
            let public = hpke_public_from_jwk(kem, jwk)?;
            let private = match kem.jwk_shape() {
                JwkShape::Akp => jwk.priv_.as_ref().ok_or(KeyError::NotPrivate)?.decode()?,
                _ => secret_member(&jwk.d)?,
            };
            let sk = hpke::PrivateKey::from_bytes(kem, &private)?;
            if sk.public_key() != public {
                return Err(KeyError::Mismatch.into());
            }
            Secret::Hpke(sk)
        } else {
            let c = classical(alg).ok_or(JweError::UnsupportedAlgorithm)?;
            Secret::Classical(ClassicalSecretKey::from_jwk(c, jwk)?)
        };
        Self::finish(alg, kid, secret)
    }

    /// The key to encrypt to this one (the public key; for `oct` algorithms, the same shared
    /// key), with the same `alg` and `kid`.
    pub fn encryption_key(&self) -> EncryptionKey {
        let public = match &self.secret {
            Secret::Hpke(sk) => Public::Hpke(sk.public_key()),
            Secret::Classical(sk) => Public::Classical(sk.public_key()),
        };
        EncryptionKey {
            alg: self.alg,
            kid: self.kid.clone(),
            explicit_kid: self.explicit_kid,
            public,
        }
    }

    /// The private JWK, with `alg` and `kid`. It holds the secret: keep it private.
    pub fn to_jwk(&self) -> Result<Jwk, Error> {
        let mut jwk = scrubbed(|| self.private_jwk())?;
        jwk.kid = Some(self.kid.clone());
        Ok(jwk)
    }

    fn private_jwk(&self) -> Result<Jwk, Error> {
        Ok(match &self.secret {
            Secret::Hpke(sk) => {
                let kem = self.kem()?;
                let mut jwk = hpke_public_jwk(kem, self.alg, &sk.public_key());
                let private = SecretMember::encode(&sk.to_bytes());
                match kem.jwk_shape() {
                    JwkShape::Akp => jwk.priv_ = Some(private),
                    _ => jwk.d = Some(private),
                }
                jwk
            }
            Secret::Classical(sk) => {
                sk.to_jwk(classical(self.alg).ok_or(JweError::UnsupportedAlgorithm)?)?
            }
        })
    }

    /// The public JWK (private members stripped), with `alg` and `kid`. `oct` keys have none
    /// ([`KeyError::NoPublicForm`]).
    pub fn to_public_jwk(&self) -> Result<Jwk, Error> {
        self.encryption_key().to_jwk()
    }

    /// The RFC 7638 thumbprint of the public key (for `oct` keys, of the key itself).
    pub fn thumbprint(&self) -> Result<String, Error> {
        self.encryption_key().thumbprint()
    }

    fn kem(&self) -> Result<KemKind, Error> {
        Ok(self
            .alg
            .hpke()
            .ok_or(JweError::UnsupportedAlgorithm)?
            .0
            .kem())
    }
}

impl EncryptionKey {
    /// Import a recipient's JWK to encrypt to: a public JWK, or a private one (only its public
    /// members are used); for `A128KW`/`A256KW`/`dir`, an `oct` JWK. Same `alg`/`use` rules as
    /// [`DecryptionKey::from_jwk`]; `key_ops`, if present, must name `encrypt`, `wrapKey`,
    /// `deriveKey` or `deriveBits`.
    pub fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        Self::import(jwk, None)
    }

    /// [`EncryptionKey::from_jwk`] for a JWK that may lack `alg`.
    pub fn from_jwk_with_alg(jwk: &Jwk, alg: KeyManagement) -> Result<Self, Error> {
        Self::import(jwk, Some(alg))
    }

    /// Parse and import a JWK (JSON text).
    pub fn from_jwk_json(json: &str) -> Result<Self, Error> {
        Self::from_jwk(&Jwk::from_json(json)?)
    }

    fn import(jwk: &Jwk, fallback: Option<KeyManagement>) -> Result<Self, Error> {
        let alg = jwk_alg(jwk, fallback, KeyPurpose::Encrypt)?;
        let kid = checked_kid(jwk.kid.as_deref())?;
        let public = if let Some((suite, _)) = alg.hpke() {
            Public::Hpke(hpke_public_from_jwk(suite.kem(), jwk)?)
        } else {
            let c = classical(alg).ok_or(JweError::UnsupportedAlgorithm)?;
            Public::Classical(ClassicalPublicKey::from_jwk(c, jwk)?)
        };
        Self::with_public(alg, kid, public)
    }

    /// The key of `alg` holding `public`, its `kid` the thumbprint (for the PEM/DER imports).
    pub(super) fn from_public(alg: KeyManagement, public: Public) -> Result<Self, Error> {
        Self::with_public(alg, None, public)
    }

    fn with_public(alg: KeyManagement, kid: Option<String>, public: Public) -> Result<Self, Error> {
        Self {
            alg,
            kid: String::new(),
            explicit_kid: false,
            public,
        }
        .kid_or_thumbprint(kid)
    }

    /// The public JWK with `alg` and `kid`. `oct` keys have no public form
    /// ([`KeyError::NoPublicForm`]).
    pub fn to_jwk(&self) -> Result<Jwk, Error> {
        let mut jwk = self.bare_jwk()?;
        jwk.kid = Some(self.kid.clone());
        Ok(jwk)
    }

    fn bare_jwk(&self) -> Result<Jwk, Error> {
        match &self.public {
            Public::Hpke(pk) => {
                let kem = self
                    .alg
                    .hpke()
                    .ok_or(JweError::UnsupportedAlgorithm)?
                    .0
                    .kem();
                Ok(hpke_public_jwk(kem, self.alg, pk))
            }
            Public::Classical(pk) => {
                pk.to_jwk(classical(self.alg).ok_or(JweError::UnsupportedAlgorithm)?)
            }
        }
    }

    /// The RFC 7638 thumbprint (for `oct` keys, over `k` and `kty`).
    pub fn thumbprint(&self) -> Result<String, Error> {
        match &self.public {
            Public::Classical(ClassicalPublicKey::Oct(k)) => Jwk {
                kty: "oct".into(),
                k: Some(k.to_member()),
                ..Jwk::default()
            }
            .thumbprint(),
            _ => self.bare_jwk()?.thumbprint(),
        }
    }
}

/// A recipient's decryption keys, selected by the JWE's `kid` and `alg`: an agent or gateway
/// rotates its encryption keys as a verifier rotates signing keys.
///
/// Holds at most [`MAX_KEY_SET_KEYS`] keys; a `kid` + `alg` pair appears once.
#[derive(Clone, Debug, Default)]
pub struct DecryptionKeySet {
    keys: Vec<DecryptionKey>,
}

impl DecryptionKeySet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// A set of these keys.
    pub fn from_keys(keys: impl IntoIterator<Item = DecryptionKey>) -> Result<Self, Error> {
        let mut set = Self::new();
        for k in keys {
            set.add(k)?;
        }
        Ok(set)
    }

    /// Import a private JWK Set. Entries that are not usable decryption keys (signature keys,
    /// keys whose `use` or `key_ops` does not allow decryption, public keys, unknown types) are
    /// skipped and reported with their position in the `keys` array, not fatal: a set that
    /// mixes signature and encryption keys gives this set its decryption keys only.
    pub fn from_jwk_set(set: &JwkSet) -> (Self, Vec<SkippedKey>) {
        let mut out = Self::new();
        let mut skipped = set.skipped().to_vec();
        // Positions in the document's `keys` array: entries JwkSet::from_json already skipped
        // take theirs.
        let parse_skipped: Vec<usize> = skipped.iter().map(|s| s.index).collect();
        let positions = (0..).filter(|i| !parse_skipped.contains(i));
        for (index, jwk) in positions.zip(set.keys()) {
            let added = DecryptionKey::from_jwk(jwk).and_then(|k| out.add(k));
            if let Err(reason) = added {
                skipped.push(SkippedKey {
                    index,
                    kid: jwk.kid.clone(),
                    reason,
                });
            }
        }
        skipped.sort_by_key(|s| s.index);
        (out, skipped)
    }

    /// Parse and import a private JWK Set (JSON text).
    pub fn from_jwk_set_json(json: &str) -> Result<(Self, Vec<SkippedKey>), Error> {
        Ok(Self::from_jwk_set(&JwkSet::from_json(json)?))
    }

    /// Add a key. A second key with the same `kid` and `alg` is [`KeyError::DuplicateKey`].
    pub fn add(&mut self, key: DecryptionKey) -> Result<(), Error> {
        if self.keys.len() >= MAX_KEY_SET_KEYS {
            return Err(KeyError::TooManyKeys.into());
        }
        if self
            .keys
            .iter()
            .any(|k| k.kid == key.kid && k.alg == key.alg)
        {
            return Err(KeyError::DuplicateKey.into());
        }
        self.keys.push(key);
        Ok(())
    }

    /// The keys, in the order added.
    pub fn keys(&self) -> &[DecryptionKey] {
        &self.keys
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The public JWK Set to publish (`oct` keys left out).
    pub fn to_public_jwk_set(&self) -> JwkSet {
        self.keys
            .iter()
            .filter_map(|k| k.to_public_jwk().ok())
            .collect()
    }

    /// The keys of `alg` a JWE with this `kid` may be for: those with that `kid`, or (no
    /// `kid`) every key of `alg`.
    pub(crate) fn candidates(&self, alg: KeyManagement, kid: Option<&str>) -> Vec<&DecryptionKey> {
        self.keys
            .iter()
            .filter(|k| k.alg == alg && kid.is_none_or(|kid| k.kid == kid))
            .collect()
    }
}
