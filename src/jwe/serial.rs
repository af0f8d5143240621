//! The JWE serializations (RFC 7516 §7): compact, flattened JSON and general JSON, parsed
//! under [`Limits`] checked before any decoding, and written.

use serde_json::{Map, Value};

use crate::error::{Error, FormatError, JweError};
use crate::format::b64;
use crate::format::json::{self, DEFAULT_MAX_DEPTH};

/// Size limits for a JWE, checked before any base64url or JSON decoding of the part they
/// bound.
///
/// Defaults: the whole JWE 1 MiB; protected header 16 KiB (decoded; an `HPKE-10-KE` header
/// carries a 1665-byte `ek`); each Encrypted Key 8 KiB; ciphertext 256 KiB; AAD 16 KiB;
/// 16 recipients; JSON depth 16.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    max_jwe_len: usize,
    max_header_len: usize,
    max_encrypted_key_len: usize,
    max_ciphertext_len: usize,
    max_aad_len: usize,
    max_recipients: usize,
    max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_jwe_len: 1024 * 1024,
            max_header_len: 16 * 1024,
            max_encrypted_key_len: 8 * 1024,
            max_ciphertext_len: 256 * 1024,
            max_aad_len: 16 * 1024,
            max_recipients: 16,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

impl Limits {
    /// The default limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// Maximum length of the whole JWE (compact string or JSON text), in bytes.
    pub fn max_jwe_len(mut self, n: usize) -> Self {
        self.max_jwe_len = n;
        self
    }

    /// Maximum decoded length of the protected header (and of each unprotected header's JSON).
    pub fn max_header_len(mut self, n: usize) -> Self {
        self.max_header_len = n;
        self
    }

    /// Maximum decoded length of one recipient's Encrypted Key.
    pub fn max_encrypted_key_len(mut self, n: usize) -> Self {
        self.max_encrypted_key_len = n;
        self
    }

    /// Maximum decoded ciphertext length (and so plaintext length).
    pub fn max_ciphertext_len(mut self, n: usize) -> Self {
        self.max_ciphertext_len = n;
        self
    }

    /// Maximum decoded JWE AAD length (JSON serializations).
    pub fn max_aad_len(mut self, n: usize) -> Self {
        self.max_aad_len = n;
        self
    }

    /// Maximum number of recipients of a general JSON JWE.
    pub fn max_recipients(mut self, n: usize) -> Self {
        self.max_recipients = n;
        self
    }

    /// Maximum JSON nesting depth (the top-level object is depth 1).
    pub fn max_depth(mut self, n: usize) -> Self {
        self.max_depth = n;
        self
    }

    /// The configured maximum ciphertext length.
    pub fn ciphertext_len(&self) -> usize {
        self.max_ciphertext_len
    }
}

/// One recipient of a parsed JWE.
pub(crate) struct Recipient {
    /// The per-recipient unprotected header (JSON only).
    pub(crate) header: Option<Map<String, Value>>,
    /// The decoded Encrypted Key.
    pub(crate) encrypted_key: Vec<u8>,
}

/// A JWE split and decoded, not yet decrypted.
pub(crate) struct Parsed {
    /// The protected header as received (base64url), for the AAD.
    pub(crate) protected_b64: String,
    /// The protected header, parsed (no duplicates, depth bounded).
    pub(crate) protected: Map<String, Value>,
    /// The shared unprotected header (JSON only).
    pub(crate) unprotected: Option<Map<String, Value>>,
    /// The JWE AAD as received (base64url), JSON only.
    pub(crate) aad_b64: Option<String>,
    pub(crate) iv: Vec<u8>,
    pub(crate) ciphertext: Vec<u8>,
    pub(crate) tag: Vec<u8>,
    pub(crate) recipients: Vec<Recipient>,
}

impl Parsed {
    /// Parse a compact (five segments) or JSON (starts with `{`) JWE.
    pub(crate) fn parse(jwe: &str, limits: &Limits) -> Result<Self, Error> {
        if jwe.len() > limits.max_jwe_len {
            return Err(FormatError::TooLarge.into());
        }
        if jwe.trim_start().starts_with('{') {
            Self::parse_json(jwe, limits)
        } else {
            Self::parse_compact(jwe, limits)
        }
    }

    /// The AEAD additional data: ASCII(b64(protected)) [‖ '.' ‖ b64(aad)] (RFC 7516 §5.1
    /// step 14), over the received strings.
    pub(crate) fn aad(&self) -> Vec<u8> {
        aad_bytes(&self.protected_b64, self.aad_b64.as_deref())
    }

    fn parse_compact(jwe: &str, limits: &Limits) -> Result<Self, Error> {
        let mut parts = jwe.split('.');
        let mut next = || parts.next().ok_or(Error::Jwe(JweError::SegmentCount));
        let (h, k, iv, ct, tag) = (next()?, next()?, next()?, next()?, next()?);
        if parts.next().is_some() {
            return Err(JweError::SegmentCount.into());
        }
        let protected = decode_header(h, limits)?;
        Ok(Self {
            protected_b64: h.to_owned(),
            protected,
            unprotected: None,
            aad_b64: None,
            iv: decode_bounded(iv, 64, FormatError::TooLarge)?,
            ciphertext: decode_bounded(
                ct,
                limits.max_ciphertext_len,
                FormatError::PayloadTooLarge,
            )?,
            tag: decode_bounded(tag, 64, FormatError::TooLarge)?,
            recipients: vec![Recipient {
                header: None,
                encrypted_key: decode_bounded(
                    k,
                    limits.max_encrypted_key_len,
                    FormatError::TooLarge,
                )?,
            }],
        })
    }

    fn parse_json(jwe: &str, limits: &Limits) -> Result<Self, Error> {
        let bad = || Error::Jwe(JweError::Serialization);
        let mut top = json::parse_object(jwe.as_bytes(), limits.max_depth, FormatError::HeaderJson)
            .map_err(|e| match e {
                FormatError::HeaderJson => bad(),
                e => Error::Format(e),
            })?;
        let string = |v: Option<Value>| match v {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(bad()),
        };
        let object = |v: Option<Value>| match v {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => Err(bad()),
        };
        let protected_b64 = string(top.remove("protected"))?.unwrap_or_default();
        let protected = if protected_b64.is_empty() {
            Map::new()
        } else {
            decode_header(&protected_b64, limits)?
        };
        let unprotected = object(top.remove("unprotected"))?;
        let aad_b64 = string(top.remove("aad"))?;
        if let Some(a) = &aad_b64 {
            decode_bounded(a, limits.max_aad_len, FormatError::TooLarge)?;
        }
        let iv = string(top.remove("iv"))?.unwrap_or_default();
        let tag = string(top.remove("tag"))?.unwrap_or_default();
        let ct = string(top.remove("ciphertext"))?.ok_or_else(bad)?;
        let header = object(top.remove("header"))?;
        let encrypted_key = string(top.remove("encrypted_key"))?;
        let recipients = match top.remove("recipients") {
            None => vec![Recipient {
                header,
                encrypted_key: decode_bounded(
                    encrypted_key.as_deref().unwrap_or_default(),
                    limits.max_encrypted_key_len,
                    FormatError::TooLarge,
                )?,
            }],
            Some(Value::Array(list)) => {
                // RFC 7516 §7.2.2: a flattened JWE has no `recipients`; a general one has no
                // top-level `header` / `encrypted_key`.
                if header.is_some() || encrypted_key.is_some() {
                    return Err(bad());
                }
                if list.is_empty() || list.len() > limits.max_recipients {
                    return Err(JweError::Recipients.into());
                }
                let mut out = Vec::with_capacity(list.len());
                for r in list {
                    let Value::Object(mut r) = r else {
                        return Err(bad());
                    };
                    let header = object(r.remove("header"))?;
                    let ek = string(r.remove("encrypted_key"))?.unwrap_or_default();
                    out.push(Recipient {
                        header,
                        encrypted_key: decode_bounded(
                            &ek,
                            limits.max_encrypted_key_len,
                            FormatError::TooLarge,
                        )?,
                    });
                }
                out
            }
            Some(_) => return Err(bad()),
        };
        for h in unprotected
            .iter()
            .chain(recipients.iter().filter_map(|r| r.header.as_ref()))
        {
            let len = serde_json::to_vec(h).map_or(usize::MAX, |v| v.len());
            if len > limits.max_header_len {
                return Err(FormatError::HeaderTooLarge.into());
            }
        }
        Ok(Self {
            protected_b64,
            protected,
            unprotected,
            aad_b64,
            iv: decode_bounded(&iv, 64, FormatError::TooLarge)?,
            ciphertext: decode_bounded(
                &ct,
                limits.max_ciphertext_len,
                FormatError::PayloadTooLarge,
            )?,
            tag: decode_bounded(&tag, 64, FormatError::TooLarge)?,
            recipients,
        })
    }
}

/// The AEAD additional data: ASCII(b64(protected)) [‖ '.' ‖ b64(aad)].
pub(crate) fn aad_bytes(protected_b64: &str, aad_b64: Option<&str>) -> Vec<u8> {
    let mut aad = protected_b64.as_bytes().to_vec();
    if let Some(a) = aad_b64 {
        aad.push(b'.');
        aad.extend_from_slice(a.as_bytes());
    }
    aad
}

/// Decode base64url whose decoded length may not exceed `max` (checked on the encoded length
/// first).
fn decode_bounded(s: &str, max: usize, too_large: FormatError) -> Result<Vec<u8>, Error> {
    if s.len() > b64::encoded_len(max) {
        return Err(too_large.into());
    }
    b64::decode(s)
}

fn decode_header(s: &str, limits: &Limits) -> Result<Map<String, Value>, Error> {
    let bytes = decode_bounded(s, limits.max_header_len, FormatError::HeaderTooLarge)?;
    Ok(json::parse_object(
        &bytes,
        limits.max_depth,
        FormatError::HeaderJson,
    )?)
}

/// One recipient as written: its unprotected header members (JSON only) and Encrypted Key.
pub(crate) struct OutRecipient {
    pub(crate) header: Map<String, Value>,
    pub(crate) encrypted_key: Vec<u8>,
}

/// The parts of a JWE to write.
pub(crate) struct Out {
    pub(crate) protected_b64: String,
    pub(crate) aad_b64: Option<String>,
    pub(crate) iv: Vec<u8>,
    pub(crate) ciphertext: Vec<u8>,
    pub(crate) tag: Vec<u8>,
    pub(crate) recipients: Vec<OutRecipient>,
}

impl Out {
    /// The compact serialization (one recipient, everything in the protected header).
    pub(crate) fn compact(&self) -> Result<String, Error> {
        let [r] = self.recipients.as_slice() else {
            return Err(JweError::Recipients.into());
        };
        if !r.header.is_empty() || self.aad_b64.is_some() {
            return Err(JweError::Serialization.into());
        }
        Ok([
            self.protected_b64.as_str(),
            &b64::encode(&r.encrypted_key),
            &b64::encode(&self.iv),
            &b64::encode(&self.ciphertext),
            &b64::encode(&self.tag),
        ]
        .join("."))
    }

    /// The flattened (one recipient) or general JSON serialization; empty members left out.
    pub(crate) fn json(&self, general: bool) -> Result<String, Error> {
        let mut top = Map::new();
        let mut put = |name: &str, bytes: &[u8]| {
            if !bytes.is_empty() {
                top.insert(name.into(), Value::String(b64::encode(bytes)));
            }
        };
        put("iv", &self.iv);
        put("ciphertext", &self.ciphertext);
        put("tag", &self.tag);
        if !self.protected_b64.is_empty() {
            top.insert(
                "protected".into(),
                Value::String(self.protected_b64.clone()),
            );
        }
        if let Some(a) = &self.aad_b64 {
            top.insert("aad".into(), Value::String(a.clone()));
        }
        let recipient = |r: &OutRecipient| {
            let mut m = Map::new();
            if !r.header.is_empty() {
                m.insert("header".into(), Value::Object(r.header.clone()));
            }
            if !r.encrypted_key.is_empty() {
                m.insert(
                    "encrypted_key".into(),
                    Value::String(b64::encode(&r.encrypted_key)),
                );
            }
            m
        };
        if general {
            let list = self
                .recipients
                .iter()
                .map(|r| Value::Object(recipient(r)))
                .collect();
            top.insert("recipients".into(), Value::Array(list));
        } else {
            let [r] = self.recipients.as_slice() else {
                return Err(JweError::Recipients.into());
            };
            top.extend(recipient(r));
        }
        serde_json::to_string(&top).map_err(|_| Error::Crypto)
    }
}
