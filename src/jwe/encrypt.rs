//! Encrypting: [`Encryption`] (content encryption, `typ`/`cty`, JWE AAD) to one or several
//! recipients, in any serialization.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::error::{Error, JweError};
use crate::format::b64;
use crate::jwe::alg::Mode;
use crate::jwe::classical;
use crate::jwe::content::{self, ContentEncryption};
use crate::jwe::hpke;
use crate::jwe::key::{self, EncryptionKey, Public};
use crate::jwe::serial::{Out, OutRecipient, aad_bytes};

/// How to encrypt: the content encryption, the `typ` and `cty` header members, and (JSON
/// serializations only) a JWE AAD.
///
/// ```
/// use pqjose::jwe::{self, DecryptionKey, Encryption, KeyManagement};
///
/// let agent = DecryptionKey::generate(KeyManagement::Hpke9)?;
/// let jwe = Encryption::new().compact(&agent.encryption_key(), b"db-password")?;
/// assert_eq!(jwe::decrypt(&agent, &jwe)?.plaintext(), b"db-password");
/// # Ok::<(), pqjose::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Encryption {
    enc: Option<ContentEncryption>,
    typ: Option<String>,
    cty: Option<String>,
    aad: Option<Vec<u8>>,
}

/// The `enc` used when none is set (for every algorithm but HPKE integrated encryption).
pub const DEFAULT_CONTENT_ENCRYPTION: ContentEncryption = ContentEncryption::A256Gcm;

impl Encryption {
    /// Default settings: `enc` [`DEFAULT_CONTENT_ENCRYPTION`] (none for HPKE integrated
    /// encryption), no `typ`, no `cty`, no AAD.
    pub fn new() -> Self {
        Self::default()
    }

    /// The content encryption (`enc`). Refused with HPKE integrated encryption (`HPKE-n`),
    /// which has none.
    pub fn enc(mut self, enc: ContentEncryption) -> Self {
        self.enc = Some(enc);
        self
    }

    /// The `typ` header member.
    pub fn typ(mut self, typ: impl Into<String>) -> Self {
        self.typ = Some(typ.into());
        self
    }

    /// The `cty` header member; `JWT` marks a nested token (see [`Encryption::nested_jwt`]).
    pub fn cty(mut self, cty: impl Into<String>) -> Self {
        self.cty = Some(cty.into());
        self
    }

    /// Mark the plaintext as a signed JWT (`cty` `JWT`, RFC 7519 §5.2).
    pub fn nested_jwt(self) -> Self {
        self.cty("JWT")
    }

    /// Additional authenticated data (the JWE AAD, RFC 7516 §5.1). JSON serializations only:
    /// [`Encryption::compact`] refuses it.
    pub fn aad(mut self, aad: impl Into<Vec<u8>>) -> Self {
        self.aad = Some(aad.into());
        self
    }

    /// Encrypt `plaintext` to `key` as a compact JWE.
    pub fn compact(&self, key: &EncryptionKey, plaintext: &[u8]) -> Result<String, Error> {
        if self.aad.is_some() {
            return Err(JweError::Serialization.into());
        }
        self.seal(&[key], plaintext, false)?.compact()
    }

    /// Encrypt `plaintext` to `key` as a flattened JSON JWE.
    pub fn flattened(&self, key: &EncryptionKey, plaintext: &[u8]) -> Result<String, Error> {
        self.seal(&[key], plaintext, false)?.json(false)
    }

    /// Encrypt `plaintext` once to several recipients (for example an agent and its audit
    /// service) as a general JSON JWE. Every key must use a key-wrapping or key-encryption
    /// algorithm (not HPKE integrated encryption, `dir` or `ECDH-ES`); when one uses a
    /// post-quantum `-KE` algorithm, all must (draft-ietf-jose-hpke-pq-pqt §5).
    pub fn general(&self, keys: &[&EncryptionKey], plaintext: &[u8]) -> Result<String, Error> {
        self.seal(keys, plaintext, true)?.json(true)
    }

    fn seal(&self, keys: &[&EncryptionKey], plaintext: &[u8], general: bool) -> Result<Out, Error> {
        let [first, ..] = keys else {
            return Err(JweError::Recipients.into());
        };
        if keys.len() > 1 {
            let pq = first.algorithm().is_post_quantum();
            if keys.iter().any(|k| {
                k.algorithm().mode() != Mode::Wrapped || k.algorithm().is_post_quantum() != pq
            }) {
                return Err(JweError::Recipients.into());
            }
        }
        let mut protected = Map::new();
        if let Some(t) = &self.typ {
            protected.insert("typ".into(), Value::String(t.clone()));
        }
        if let Some(c) = &self.cty {
            protected.insert("cty".into(), Value::String(c.clone()));
        }
        let aad_b64 = self.aad.as_deref().map(b64::encode);
        if first.algorithm().is_integrated() {
            return self.seal_integrated(first, protected, aad_b64, plaintext);
        }
        let enc = self.enc.unwrap_or(DEFAULT_CONTENT_ENCRYPTION);
        protected.insert("enc".into(), Value::String(enc.name().into()));
        let mut shared_cek = if first.algorithm().mode() == Mode::Wrapped {
            Some(enc.generate_cek()?)
        } else {
            None
        };
        let mut recipients = Vec::with_capacity(keys.len());
        for key in keys {
            let (cek, mut header, encrypted_key) =
                wrap(key, enc, shared_cek.as_ref().map(|c| c.as_slice()))?;
            if shared_cek.is_none() {
                shared_cek = Some(cek);
            }
            header.insert("alg".into(), Value::String(key.algorithm().as_str().into()));
            header.insert("kid".into(), Value::String(key.kid().into()));
            if !general {
                protected.extend(header);
                header = Map::new();
            }
            recipients.push(OutRecipient {
                header,
                encrypted_key,
            });
        }
        let cek = shared_cek.ok_or(Error::Crypto)?;
        let protected_b64 = encode_header(&protected)?;
        let aad = aad_bytes(&protected_b64, aad_b64.as_deref());
        let sealed = content::encrypt(enc, &cek, &aad, plaintext)?;
        Ok(Out {
            protected_b64,
            aad_b64,
            iv: sealed.iv,
            ciphertext: sealed.ciphertext,
            tag: sealed.tag,
            recipients,
        })
    }

    fn seal_integrated(
        &self,
        key: &EncryptionKey,
        mut protected: Map<String, Value>,
        aad_b64: Option<String>,
        plaintext: &[u8],
    ) -> Result<Out, Error> {
        if self.enc.is_some() {
            return Err(JweError::ContentEncryptionPresence.into());
        }
        let (Public::Hpke(pk), Some((suite, true))) = (&key.public, key.algorithm().hpke()) else {
            return Err(JweError::KeyMismatch.into());
        };
        protected.insert("alg".into(), Value::String(key.algorithm().as_str().into()));
        protected.insert("kid".into(), Value::String(key.kid().into()));
        let protected_b64 = encode_header(&protected)?;
        let aad = aad_bytes(&protected_b64, aad_b64.as_deref());
        // draft-ietf-jose-hpke-encrypt-20 §5: info empty, aad = the JWE AAD, the HPKE
        // ciphertext (with its tag) is the JWE Ciphertext; IV and Tag are empty.
        let (enc, ciphertext) = hpke::seal(suite, pk, b"", &aad, plaintext)?;
        Ok(Out {
            protected_b64,
            aad_b64,
            iv: Vec::new(),
            ciphertext,
            tag: Vec::new(),
            recipients: vec![OutRecipient {
                header: Map::new(),
                encrypted_key: enc,
            }],
        })
    }
}

type Wrapped = (Zeroizing<Vec<u8>>, Map<String, Value>, Vec<u8>);

/// The key-management step for one recipient: the CEK (given, or determined by a direct
/// algorithm), the recipient's header members, and its Encrypted Key.
fn wrap(key: &EncryptionKey, enc: ContentEncryption, cek: Option<&[u8]>) -> Result<Wrapped, Error> {
    let mut header = Map::new();
    match &key.public {
        Public::Hpke(pk) => {
            let (Some((suite, false)), Some(cek)) = (key.algorithm().hpke(), cek) else {
                return Err(JweError::KeyMismatch.into());
            };
            // §6.1: info = Recipient_structure(enc), aad empty, plaintext = CEK; the
            // encapsulated secret goes in `ek`, the HPKE ciphertext is the Encrypted Key.
            let info = hpke::recipient_structure(enc.name());
            let (ek, encrypted_key) = hpke::seal(suite, pk, &info, b"", cek)?;
            header.insert("ek".into(), Value::String(b64::encode(&ek)));
            Ok((Zeroizing::new(cek.to_vec()), header, encrypted_key))
        }
        Public::Classical(pk) => {
            let alg = key::classical(key.algorithm()).ok_or(JweError::UnsupportedAlgorithm)?;
            let w = classical::wrap_cek(alg, pk, enc, cek, &[], &[])?;
            if let Some(epk) = w.epk {
                let epk = serde_json::to_value(&epk).map_err(|_| Error::Crypto)?;
                header.insert("epk".into(), epk);
            }
            Ok((w.cek, header, w.encrypted_key))
        }
    }
}

fn encode_header(protected: &Map<String, Value>) -> Result<String, Error> {
    let json = serde_json::to_vec(protected).map_err(|_| Error::Crypto)?;
    Ok(b64::encode(&json))
}

/// Encrypt `plaintext` to `key` as a compact JWE with the default [`Encryption`].
pub fn encrypt(key: &EncryptionKey, plaintext: &[u8]) -> Result<String, Error> {
    Encryption::new().compact(key, plaintext)
}
