//! Checkpoints: the C2SP `tlog-checkpoint` text, signed as a C2SP `signed-note` or a compact JWS.
//!
//! The text is `origin\nsize\nbase64(root)\ntime UNIX_SECONDS\n` (c2sp.org/tlog-checkpoint; the
//! `time` line is one extension line, which the signature covers).
//!
//! Which envelope, and why: the signed-note format defines signature types for Ed25519 (0x01)
//! and a few classical schemes, but none for ML-DSA, SLH-DSA or the composites. A log keyed
//! with **Ed25519** therefore publishes a signed note (`— <origin> base64(key id ‖ signature)`,
//! key id = `SHA-256(origin ‖ 0x0A ‖ 0x01 ‖ public key)[:4]`), readable by Go's
//! `golang.org/x/mod/sumdb/note` and every tlog tool. **Every other key** (ML-DSA, SLH-DSA,
//! composite, ECDSA, RSA) signs a **compact JWS whose payload is the checkpoint text**, with
//! `alg` and `kid` from the key: any JOSE library can check it, and no signature type is
//! invented in a namespace pqjose does not own. HMAC keys are refused (a checkpoint must be
//! verifiable by anyone holding the public key).

use base64ct::{Base64, Encoding};
use sha2::{Digest, Sha256};

use super::error::AuditError;
use super::merkle::Hash;
use crate::alg::{Algorithm, Family};
use crate::error::Error;
use crate::format::b64;
use crate::jws::{self, JwsSigner, JwsVerifier};
use crate::keys::{SigningKey, VerifyingKey};

/// The longest stored checkpoint accepted (note or JWS): generous for SLH-DSA and cosignatures.
pub const MAX_CHECKPOINT_LEN: usize = 256 * 1024;
/// The most signature lines a signed note may carry.
const MAX_NOTE_SIGNATURES: usize = 64;
const EM_DASH_PREFIX: &str = "\u{2014} ";

/// A checkpoint's content: the log's origin, a tree size, its root hash and the signing time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    time: Option<i64>,
}

impl Checkpoint {
    /// A checkpoint of `size` leaves with `root`, signed at `time` (Unix seconds).
    pub fn new(origin: impl Into<String>, size: u64, root: Hash, time: i64) -> Self {
        Self {
            origin: origin.into(),
            size,
            root,
            time: Some(time),
        }
    }

    /// The log's origin (first line).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The tree size.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The tree's root hash.
    pub fn root(&self) -> &Hash {
        &self.root
    }

    /// The signing time (Unix seconds) from the `time` extension line, if present.
    pub fn time(&self) -> Option<i64> {
        self.time
    }

    /// The checkpoint text (what is signed).
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            Base64::encode_string(&self.root)
        );
        if let Some(t) = self.time {
            s.push_str(&format!("time {t}\n"));
        }
        s
    }

    /// Parse checkpoint text: origin, decimal size without leading zeros, base64 root, then
    /// optional non-empty extension lines (`time N` is read; others are ignored).
    pub fn parse_text(text: &str) -> Result<Self, AuditError> {
        let bad = AuditError::CheckpointFormat;
        let body = text.strip_suffix('\n').ok_or(bad.clone())?;
        if text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(bad);
        }
        let mut lines = body.split('\n');
        let origin = lines.next().filter(|o| !o.is_empty()).ok_or(bad.clone())?;
        let size_s = lines.next().ok_or(bad.clone())?;
        if size_s.is_empty()
            || !size_s.bytes().all(|b| b.is_ascii_digit())
            || (size_s.len() > 1 && size_s.starts_with('0'))
        {
            return Err(bad);
        }
        let size: u64 = size_s.parse().map_err(|_| bad.clone())?;
        let root_s = lines.next().ok_or(bad.clone())?;
        let root_v = Base64::decode_vec(root_s).map_err(|_| bad.clone())?;
        let root: Hash = root_v.as_slice().try_into().map_err(|_| bad.clone())?;
        let mut time = None;
        for ext in lines {
            if ext.is_empty() {
                return Err(bad);
            }
            if let Some(t) = ext.strip_prefix("time ") {
                time = Some(t.parse::<i64>().map_err(|_| bad.clone())?);
            }
        }
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            time,
        })
    }
}

/// Is this algorithm one whose checkpoints are signed notes (Ed25519)?
fn is_note_alg(alg: Algorithm) -> bool {
    matches!(alg, Algorithm::Ed25519 | Algorithm::EdDsa)
}

fn check_alg(alg: Algorithm) -> Result<(), AuditError> {
    if alg.family() == Family::Hmac {
        Err(AuditError::UnsuitableKey)
    } else {
        Ok(())
    }
}

/// The signed-note key id: `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ Ed25519 public key)[:4]`.
fn note_key_id(name: &str, public: &[u8]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([0x0A, 0x01]);
    h.update(public);
    let d: [u8; 32] = h.finalize().into();
    [d[0], d[1], d[2], d[3]]
}

fn ed25519_public(key: &VerifyingKey) -> Result<Vec<u8>, Error> {
    let jwk = key.to_jwk()?;
    let x = jwk.x.as_deref().ok_or(AuditError::UnsuitableKey)?;
    b64::decode(x)
}

/// Key names may not be empty or contain spaces or `+` (c2sp.org/signed-note).
fn valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.contains([' ', '+']) && !name.chars().any(char::is_control)
}

/// Signs checkpoints with one key (signed note for Ed25519, JWS otherwise).
pub struct CheckpointSigner {
    key: SigningKey,
    /// For signed notes: the Ed25519 public key.
    note_public: Option<Vec<u8>>,
}

impl core::fmt::Debug for CheckpointSigner {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CheckpointSigner")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl CheckpointSigner {
    /// A signer over `key`. HMAC keys are refused ([`AuditError::UnsuitableKey`]).
    pub fn new(key: SigningKey) -> Result<Self, Error> {
        check_alg(key.algorithm())?;
        let note_public = if is_note_alg(key.algorithm()) {
            Some(ed25519_public(&key.verifying_key()?)?)
        } else {
            None
        };
        Ok(Self { key, note_public })
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.key.algorithm()
    }

    /// The public key that verifies this signer's checkpoints.
    pub fn verifying_key(&self) -> Result<VerifyingKey, Error> {
        self.key.verifying_key()
    }

    /// Sign a checkpoint, returning the stored form (signed note text or compact JWS).
    pub fn sign(&self, checkpoint: &Checkpoint) -> Result<String, Error> {
        let text = checkpoint.to_text();
        match &self.note_public {
            Some(public) => {
                if !valid_key_name(&checkpoint.origin) {
                    return Err(AuditError::CheckpointFormat.into());
                }
                let sig = self.key.sign(text.as_bytes())?;
                let mut blob = note_key_id(&checkpoint.origin, public).to_vec();
                blob.extend_from_slice(&sig);
                Ok(format!(
                    "{text}\n{EM_DASH_PREFIX}{} {}\n",
                    checkpoint.origin,
                    Base64::encode_string(&blob)
                ))
            }
            None => jws::sign_payload(&self.key, text.as_bytes()),
        }
    }
}

/// Verify a stored checkpoint (signed note or compact JWS) with `key`, returning its content.
///
/// A signed note must carry at least one signature by `key` under the checkpoint's origin as
/// key name, and every such signature must verify; signatures by other keys (witnesses) are
/// ignored. A bad signature is [`Error::InvalidSignature`]; a malformed checkpoint
/// [`AuditError::CheckpointFormat`].
pub fn verify_checkpoint(key: &VerifyingKey, stored: &str) -> Result<Checkpoint, Error> {
    check_alg(key.algorithm())?;
    if stored.len() > MAX_CHECKPOINT_LEN {
        return Err(AuditError::CheckpointFormat.into());
    }
    if is_note_alg(key.algorithm()) {
        verify_note(key, stored)
    } else {
        if stored.contains('\n') {
            return Err(AuditError::CheckpointFormat.into());
        }
        let verified = jws::verify(key, stored).map_err(|e| match e {
            Error::InvalidSignature | Error::Algorithm(_) => e,
            _ => AuditError::CheckpointFormat.into(),
        })?;
        let text =
            core::str::from_utf8(verified.payload()).map_err(|_| AuditError::CheckpointFormat)?;
        Ok(Checkpoint::parse_text(text)?)
    }
}

fn verify_note(key: &VerifyingKey, stored: &str) -> Result<Checkpoint, Error> {
    let bad = || Error::from(AuditError::CheckpointFormat);
    let split = stored.rfind("\n\n").ok_or_else(bad)?;
    let (text, sigs) = stored.split_at(split + 1);
    let sigs = sigs
        .strip_prefix('\n')
        .and_then(|s| s.strip_suffix('\n'))
        .ok_or_else(bad)?;
    let checkpoint = Checkpoint::parse_text(text)?;
    let public = ed25519_public(key)?;
    let want_id = note_key_id(&checkpoint.origin, &public);
    let mut verified = 0usize;
    for (n, line) in sigs.split('\n').enumerate() {
        if n >= MAX_NOTE_SIGNATURES {
            return Err(bad());
        }
        let rest = line.strip_prefix(EM_DASH_PREFIX).ok_or_else(bad)?;
        let (name, b64sig) = rest.split_once(' ').ok_or_else(bad)?;
        if !valid_key_name(name) {
            return Err(bad());
        }
        let blob = Base64::decode_vec(b64sig).map_err(|_| bad())?;
        if blob.len() < 5 {
            return Err(bad());
        }
        let (id, sig) = blob.split_at(4);
        if name != checkpoint.origin || id != want_id {
            continue; // someone else's signature (a witness): ignored
        }
        key.verify(text.as_bytes(), sig)?;
        verified += 1;
    }
    if verified == 0 {
        return Err(Error::InvalidSignature);
    }
    Ok(checkpoint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::merkle::empty_root;

    #[test]
    fn text_round_trip_and_strictness() {
        let c = Checkpoint::new("example.com/log", 5, [7; 32], 1_700_000_000);
        let t = c.to_text();
        assert_eq!(
            t,
            "example.com/log\n5\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\ntime 1700000000\n"
        );
        assert_eq!(Checkpoint::parse_text(&t).unwrap(), c);
        for bad in [
            "o\n05\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n",
            "o\n5\nBwcH\n",
            "\n5\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n",
            "o\n5\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=",
            "o\n5\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n\n",
            "o\n-5\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n",
        ] {
            assert!(Checkpoint::parse_text(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ed25519_is_a_signed_note_others_a_jws() {
        let c = Checkpoint::new("example.com/log", 0, empty_root(), 1);
        let ed = SigningKey::generate(Algorithm::Ed25519).unwrap();
        let vk = ed.verifying_key().unwrap();
        let s = CheckpointSigner::new(ed).unwrap();
        let note = s.sign(&c).unwrap();
        assert!(note.starts_with(&c.to_text()));
        assert!(note.contains("\n\n\u{2014} example.com/log "));
        assert_eq!(verify_checkpoint(&vk, &note).unwrap(), c);
        // A witness cosignature by another key is ignored; a changed text is refused.
        let witness = format!("{note}\u{2014} witness.example AAAAAAAAAAAAAA==\n");
        assert_eq!(verify_checkpoint(&vk, &witness).unwrap(), c);
        let forged = note.replacen("\n0\n", "\n1\n", 1);
        assert_eq!(
            verify_checkpoint(&vk, &forged).unwrap_err(),
            Error::InvalidSignature
        );
        // Another Ed25519 key: its id differs, so no known signature: refused.
        let other = SigningKey::generate(Algorithm::Ed25519)
            .unwrap()
            .verifying_key()
            .unwrap();
        assert_eq!(
            verify_checkpoint(&other, &note).unwrap_err(),
            Error::InvalidSignature
        );

        let ml = SigningKey::generate(Algorithm::MlDsa44).unwrap();
        let mvk = ml.verifying_key().unwrap();
        let jws = CheckpointSigner::new(ml).unwrap().sign(&c).unwrap();
        assert_eq!(jws.split('.').count(), 3);
        assert_eq!(verify_checkpoint(&mvk, &jws).unwrap(), c);
        assert!(verify_checkpoint(&mvk, &note).is_err());

        let hmac = SigningKey::generate(Algorithm::Hs256).unwrap();
        assert_eq!(
            CheckpointSigner::new(hmac).unwrap_err(),
            Error::Audit(AuditError::UnsuitableKey)
        );
    }
}
