//! Decrypting: [`Decryption`] (limits and an algorithm policy), [`Decrypted`], and nested
//! tokens (decrypt, then the full [`Validation`] of the inner JWT, in one call).

use core::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use crate::error::{Error, FormatError, JweError};
use crate::format::b64;
use crate::format::jwk::Jwk;
use crate::jwe::alg::{KeyManagement, Mode};
use crate::jwe::classical::{self, KeyAgreementInfo};
use crate::jwe::content::{self, ContentEncryption};
use crate::jwe::header::JweHeader;
use crate::jwe::hpke;
use crate::jwe::key::{self, DecryptionKey, DecryptionKeySet, Secret};
use crate::jwe::serial::{Limits, Parsed, Recipient};
use crate::jwt::{Validation, Verified};
use crate::keys::KeySet;
use crate::telemetry::{Observer, Operation, Span};

/// A decrypted JWE: the checked header, the key that opened it, and the plaintext in a
/// buffer zeroized on drop. It has no public constructor.
pub struct Decrypted {
    header: JweHeader,
    kid: String,
    plaintext: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for Decrypted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decrypted")
            .field("header", &self.header)
            .field("kid", &self.kid)
            .field("plaintext_len", &self.plaintext.len())
            .finish_non_exhaustive()
    }
}

impl Decrypted {
    /// The plaintext.
    pub fn plaintext(&self) -> &[u8] {
        &self.plaintext
    }

    /// The plaintext, still in its zeroizing buffer.
    pub fn into_plaintext(self) -> Zeroizing<Vec<u8>> {
        self.plaintext
    }

    /// The JOSE header of the recipient that was decrypted (protected, shared and
    /// per-recipient members merged).
    pub fn header(&self) -> &JweHeader {
        &self.header
    }

    /// The key-management algorithm.
    pub fn algorithm(&self) -> KeyManagement {
        self.header.alg()
    }

    /// The content encryption (`None` for HPKE integrated encryption).
    pub fn enc(&self) -> Option<ContentEncryption> {
        self.header.enc()
    }

    /// The `kid` of the key that decrypted it.
    pub fn kid(&self) -> &str {
        &self.kid
    }
}

/// How to decrypt: [`Limits`] and which algorithms are acceptable.
///
/// By default any key-management algorithm of the key(s) given and any content encryption
/// pqjose implements are accepted; [`Decryption::algorithms`] and
/// [`Decryption::content_encryptions`] narrow that (RFC 7516 §5.2: a decryptable JWE is still
/// refused if its algorithms are not acceptable to the application).
#[derive(Clone, Default)]
pub struct Decryption {
    limits: Limits,
    algorithms: Option<Vec<KeyManagement>>,
    encs: Option<Vec<ContentEncryption>>,
    observer: Option<Arc<dyn Observer>>,
}

impl fmt::Debug for Decryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decryption")
            .field("limits", &self.limits)
            .field("algorithms", &self.algorithms)
            .field("encs", &self.encs)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

impl Decryption {
    /// The default policy and limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only post-quantum and PQ/T hybrid key management (`HPKE-8` … `HPKE-13`, both modes).
    pub fn pqc_only() -> Self {
        Self::new().algorithms(
            KeyManagement::ALL
                .iter()
                .copied()
                .filter(|a| a.is_post_quantum()),
        )
    }

    /// Set the limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Accept only these key-management algorithms.
    pub fn algorithms(mut self, algs: impl IntoIterator<Item = KeyManagement>) -> Self {
        self.algorithms = Some(algs.into_iter().collect());
        self
    }

    /// Accept only these content encryptions.
    pub fn content_encryptions(
        mut self,
        encs: impl IntoIterator<Item = ContentEncryption>,
    ) -> Self {
        self.encs = Some(encs.into_iter().collect());
        self
    }

    /// Report every decryption to `observer` (see [`crate::telemetry`]): one
    /// [`Event`](crate::telemetry::Event) with operation `decrypt`, the key-management
    /// algorithm, the key id, the policy (`pqc` when only post-quantum key management is
    /// accepted, else `any`), the outcome code and the duration. Replaces any earlier observer.
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The policy label of telemetry events.
    fn policy_label(&self) -> &'static str {
        match &self.algorithms {
            Some(algs) if algs.iter().all(|a| a.is_post_quantum()) => "pqc",
            _ => "any",
        }
    }

    /// Decrypt `jwe` (compact or JSON) with `key`. The JWE's `alg` must be the key's; its
    /// `kid`, if any, is not compared (the caller chose the key).
    pub fn decrypt(&self, jwe: &str, key: &DecryptionKey) -> Result<Decrypted, Error> {
        self.observed(jwe, |alg, _kid| {
            if alg == key.algorithm() {
                Ok(vec![key])
            } else {
                Err(JweError::KeyMismatch.into())
            }
        })
    }

    /// Decrypt `jwe` with the key of `keys` its `kid` and `alg` select (without `kid`, every
    /// key of its `alg` is tried). [`Error::KeyNotFound`] if none fits.
    pub fn decrypt_with_keys(
        &self,
        jwe: &str,
        keys: &DecryptionKeySet,
    ) -> Result<Decrypted, Error> {
        self.observed(jwe, |alg, kid| {
            let found = keys.candidates(alg, kid);
            if found.is_empty() {
                Err(Error::KeyNotFound)
            } else {
                Ok(found)
            }
        })
    }

    /// Open a nested token in one call: decrypt `jwe` with `keys`, require `cty` `JWT`, then
    /// verify the inner JWT against `issuers` and check its claims with `validation` (the
    /// whole JWT pipeline: signature, algorithm policy, `exp`/`nbf`/`iat`, `iss`, `aud`,
    /// replay).
    pub fn decrypt_jwt<T: DeserializeOwned>(
        &self,
        jwe: &str,
        keys: &DecryptionKeySet,
        validation: &Validation,
        issuers: &KeySet,
    ) -> Result<Verified<T>, Error> {
        let decrypted = self.decrypt_with_keys(jwe, keys)?;
        if !decrypted.header.is_nested_jwt() {
            return Err(JweError::NotNested.into());
        }
        let token = core::str::from_utf8(decrypted.plaintext())
            .map_err(|_| Error::Format(FormatError::PayloadUtf8))?;
        validation.verify_with_keys(token, issuers)
    }

    /// [`Self::run`], reported to the observer if there is one: on success the algorithm and
    /// kid of the key that decrypted, else those of the first recipient header read, if any.
    fn observed<'k>(
        &self,
        jwe: &str,
        select: impl Fn(KeyManagement, Option<&str>) -> Result<Vec<&'k DecryptionKey>, Error>,
    ) -> Result<Decrypted, Error> {
        let Some(span) = Span::start(self.observer.as_ref()) else {
            return self.run(jwe, select, None);
        };
        let mut seen = None;
        let result = self.run(jwe, select, Some(&mut seen));
        let (alg, kid) = match &result {
            Ok(d) => (Some(d.algorithm()), Some(d.kid())),
            Err(_) => (
                seen.as_ref().map(|(a, _)| *a),
                seen.as_ref()
                    .and_then(|(_, k): &(_, Option<String>)| k.as_deref()),
            ),
        };
        span.finish(
            Operation::Decrypt,
            alg.map(KeyManagement::as_str),
            kid,
            self.policy_label(),
            result.as_ref().map(drop),
        );
        result
    }

    fn run<'k>(
        &self,
        jwe: &str,
        select: impl Fn(KeyManagement, Option<&str>) -> Result<Vec<&'k DecryptionKey>, Error>,
        mut seen: Option<&mut Option<(KeyManagement, Option<String>)>>,
    ) -> Result<Decrypted, Error> {
        let parsed = Parsed::parse(jwe, &self.limits)?;
        let aad = parsed.aad();
        let single = parsed.recipients.len() == 1;
        let mut tried = false;
        let mut not_found = None;
        let mut rsa_unavailable = false;
        for recipient in &parsed.recipients {
            let header = JweHeader::merge(
                parsed.protected.clone(),
                parsed.unprotected.as_ref(),
                recipient.header.as_ref(),
            )?;
            if let Some(seen) = seen.as_deref_mut() {
                seen.get_or_insert_with(|| (header.alg(), header.kid().map(str::to_owned)));
            }
            self.check_policy(&header)?;
            if header.alg().mode() != Mode::Wrapped && !single {
                return Err(JweError::Recipients.into());
            }
            if header.alg().is_integrated() && (!parsed.iv.is_empty() || !parsed.tag.is_empty()) {
                return Err(JweError::HpkeParameters.into());
            }
            let keys = match select(header.alg(), header.kid()) {
                Ok(k) => k,
                Err(e) => {
                    not_found.get_or_insert(e);
                    continue;
                }
            };
            for key in keys {
                tried = true;
                match open(key, &header, recipient, &parsed, &aad) {
                    Ok(plaintext) => {
                        return Ok(Decrypted {
                            header,
                            kid: key.kid().to_owned(),
                            plaintext,
                        });
                    }
                    // A property of this build, not of the JWE or the key: no oracle.
                    Err(Error::Jwe(JweError::RsaDecryptionUnavailable)) => rsa_unavailable = true,
                    Err(_) => {}
                }
            }
        }
        match (tried, not_found) {
            (false, Some(e)) => Err(e),
            _ if rsa_unavailable => Err(JweError::RsaDecryptionUnavailable.into()),
            _ => Err(JweError::Decryption.into()),
        }
    }

    fn check_policy(&self, header: &JweHeader) -> Result<(), Error> {
        let alg_ok = self
            .algorithms
            .as_ref()
            .is_none_or(|a| a.contains(&header.alg()));
        let enc_ok = match (header.enc(), &self.encs) {
            (Some(e), Some(allowed)) => allowed.contains(&e),
            _ => true,
        };
        if alg_ok && enc_ok {
            Ok(())
        } else {
            Err(JweError::NotAllowed.into())
        }
    }
}

/// Recover the plaintext for one recipient with one key. Failures of decryption proper are
/// the opaque [`JweError::Decryption`]; a failed key recovery continues with a random CEK, so
/// it fails at the same step as a bad tag (RFC 7516 §11.5).
fn open(
    key: &DecryptionKey,
    header: &JweHeader,
    recipient: &Recipient,
    parsed: &Parsed,
    aad: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let content = |enc: ContentEncryption, cek: &[u8]| {
        content::decrypt(enc, cek, &parsed.iv, aad, &parsed.ciphertext, &parsed.tag)
    };
    match &key.secret {
        Secret::Hpke(sk) => {
            let (suite, integrated) = header.alg().hpke().ok_or(JweError::KeyMismatch)?;
            if integrated {
                return hpke::open(
                    suite,
                    sk,
                    &recipient.encrypted_key,
                    b"",
                    aad,
                    &parsed.ciphertext,
                );
            }
            let enc = header.enc().ok_or(JweError::ContentEncryptionPresence)?;
            let ek = header
                .extra_str("ek")?
                .ok_or(JweError::HpkeParameters)
                .and_then(|s| b64::decode(s).map_err(|_| JweError::HpkeParameters))?;
            let info = hpke::recipient_structure(enc.name());
            let cek = match hpke::open(suite, sk, &ek, &info, b"", &recipient.encrypted_key) {
                Ok(cek) if cek.len() == enc.key_len() => cek,
                _ => enc.generate_cek()?,
            };
            content(enc, &cek)
        }
        Secret::Classical(sk) => {
            let alg = key::classical(header.alg()).ok_or(JweError::KeyMismatch)?;
            let enc = header.enc().ok_or(JweError::ContentEncryptionPresence)?;
            let epk = match header.get("epk") {
                None => None,
                Some(v) => Some(
                    serde_json::from_value::<Jwk>(v.clone())
                        .map_err(|_| JweError::InvalidEphemeralKey)?,
                ),
            };
            let party = |name: &str| -> Result<Vec<u8>, Error> {
                match header.extra_str(name)? {
                    None => Ok(Vec::new()),
                    Some(s) => b64::decode(s).map_err(|_| JweError::KeyManagementHeader.into()),
                }
            };
            let (apu, apv) = (party("apu")?, party("apv")?);
            let info = KeyAgreementInfo {
                epk: epk.as_ref(),
                apu: &apu,
                apv: &apv,
            };
            let cek = classical::unwrap_cek(alg, sk, enc, &recipient.encrypted_key, info)?;
            content(enc, &cek)
        }
    }
}

/// Decrypt `jwe` with `key` under the default [`Decryption`].
pub fn decrypt(key: &DecryptionKey, jwe: &str) -> Result<Decrypted, Error> {
    Decryption::new().decrypt(jwe, key)
}

/// Decrypt `jwe` with the key of `keys` selected by its `kid` and `alg`, under the default
/// [`Decryption`].
pub fn decrypt_with_keys(keys: &DecryptionKeySet, jwe: &str) -> Result<Decrypted, Error> {
    Decryption::new().decrypt_with_keys(jwe, keys)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::telemetry::Event;

    #[test]
    fn every_decryption_reports_one_event() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let observer = Arc::new(move |e: &Event<'_>| {
            sink.lock().unwrap().push((
                e.operation(),
                e.alg(),
                e.kid().map(str::to_owned),
                e.policy(),
                e.code(),
            ));
        });
        let key = DecryptionKey::generate(KeyManagement::Hpke9).unwrap();
        let other = DecryptionKey::generate(KeyManagement::Hpke9).unwrap();
        let jwe = crate::jwe::encrypt(&key.encryption_key(), b"secret").unwrap();
        let decryption = Decryption::pqc_only().observer(observer);
        decryption.decrypt(&jwe, &key).unwrap();
        let failed = decryption.decrypt(&jwe, &other).unwrap_err();
        assert!(Decryption::new().decrypt("not a jwe", &key).is_err());
        assert!(decryption.decrypt("not a jwe", &key).is_err());
        let seen = seen.lock().unwrap();
        let kid = |k: &DecryptionKey| Some(k.kid().to_owned());
        assert_eq!(seen.len(), 3);
        assert_eq!(
            seen[0],
            (Operation::Decrypt, Some("HPKE-9"), kid(&key), "pqc", 0)
        );
        assert_eq!(seen[1].1, Some("HPKE-9"));
        assert_eq!(seen[1].4, failed.code());
        assert_ne!(seen[1].4, 0);
        assert_eq!(seen[2].1, None);
        assert_ne!(seen[2].4, 0);
    }
}
