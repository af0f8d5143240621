//! [`KeySet`]: the verifying keys a gateway trusts, any mix of algorithms, rotated live.
//!
//! Lookup is by `kid` (compared byte for byte, never interpreted as a path, URL or query) and
//! then by algorithm; a token without `kid` tries at most [`MAX_KIDLESS_CANDIDATES`] keys of its
//! algorithm. Lookup never does I/O. Keys are parsed once, when added.
//!
//! Readers take a snapshot through [`arc_swap`] (no lock on the verify path); writers (add,
//! retire, remove) are serialized among themselves and publish a new snapshot atomically, so a
//! verification sees either the old or the new set, never a torn one.

use core::fmt;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use arc_swap::ArcSwap;

use crate::alg::Algorithm;
use crate::error::{AlgorithmError, Error, KeyError, RemoteKeysError};
use crate::format::jwk::{Jwk, JwkSet, SkippedKey};
use crate::jws::signer::JwsVerifier;
use crate::keys::key::VerifyingKey;
use crate::time::NumericDate;

pub use crate::format::header::MAX_KIDLESS_CANDIDATES;

/// The most keys one [`KeySet`] holds, retired ones included (adding more is
/// [`KeyError::TooManyKeys`]): a bound on the memory a set fed from outside can take. Per-token
/// work does not depend on the set's size.
pub const MAX_KEY_SET_KEYS: usize = 4096;

/// Where a key is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyStatus {
    /// Verifies tokens and is published.
    Active,
    /// Verifies tokens and is published until (and including) this time, then neither.
    Retiring(NumericDate),
    /// Neither verifies nor is published; kept until removed or purged.
    Retired,
}

impl KeyStatus {
    fn usable_at(self, now: NumericDate) -> bool {
        match self {
            Self::Active => true,
            Self::Retiring(t) => now <= t,
            Self::Retired => false,
        }
    }
}

/// A summary of one key in a [`KeySet`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    /// The key id, if any.
    pub kid: Option<String>,
    /// The key's algorithm.
    pub alg: Algorithm,
    /// Its status.
    pub status: KeyStatus,
}

struct Entry {
    verifier: Arc<dyn JwsVerifier>,
    alg: Algorithm,
    kid: Option<Arc<str>>,
    /// The public JWK, computed once when added (`None` for HMAC keys and custom verifiers).
    public_jwk: Option<Jwk>,
    status: KeyStatus,
}

impl Entry {
    fn with_status(&self, status: KeyStatus) -> Self {
        Self {
            verifier: Arc::clone(&self.verifier),
            alg: self.alg,
            kid: self.kid.clone(),
            public_jwk: self.public_jwk.clone(),
            status,
        }
    }

    fn same_slot(&self, kid: Option<&str>, alg: Algorithm) -> bool {
        kid.is_some() && self.kid.as_deref() == kid && self.alg.accepts_header(alg)
    }
}

/// One immutable version of the set. Newest keys last.
#[derive(Default)]
pub(crate) struct Snapshot {
    entries: Vec<Arc<Entry>>,
}

/// A key chosen for a token: its verifier, algorithm and id.
pub(crate) struct Candidate<'a> {
    pub(crate) verifier: &'a dyn JwsVerifier,
    pub(crate) alg: Algorithm,
    pub(crate) kid: Option<&'a str>,
}

impl Snapshot {
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The largest signature any key in the set produces (for size limits).
    pub(crate) fn max_signature_len(&self) -> usize {
        self.entries
            .iter()
            .map(|e| e.alg.max_signature_len())
            .max()
            .unwrap_or(0)
    }

    /// Every key usable at `now`, newest first (for a JWS JSON document, which selects per
    /// signature).
    pub(crate) fn verifiers_at(&self, now: NumericDate) -> Vec<&dyn JwsVerifier> {
        self.entries
            .iter()
            .rev()
            .filter(|e| e.status.usable_at(now))
            .map(|e| &*e.verifier)
            .collect()
    }

    /// The keys to try for a token with header `alg` and `kid`, usable at `now`, whose algorithm
    /// `allowed` accepts: by `kid` when present, otherwise up to [`MAX_KIDLESS_CANDIDATES`] keys
    /// of the algorithm, newest first.
    pub(crate) fn select(
        &self,
        alg: Algorithm,
        kid: Option<&str>,
        now: NumericDate,
        allowed: impl Fn(Algorithm) -> bool,
    ) -> Result<Vec<Candidate<'_>>, Error> {
        let usable = self
            .entries
            .iter()
            .rev()
            .filter(|e| e.status.usable_at(now));
        let chosen: Vec<Candidate<'_>> = match kid {
            Some(kid) => {
                // At most one key per algorithm has a given kid (see `push`).
                let named: Vec<&Arc<Entry>> =
                    usable.filter(|e| e.kid.as_deref() == Some(kid)).collect();
                let fitting = || named.iter().filter(|e| e.alg.accepts_header(alg));
                let chosen: Vec<_> = fitting()
                    .filter(|e| allowed(e.alg))
                    .take(MAX_KIDLESS_CANDIDATES)
                    .map(|e| candidate(e))
                    .collect();
                if chosen.is_empty() {
                    // Name what is wrong with the key the kid points at: the key decides.
                    if let Some(e) = fitting().next() {
                        return Err(AlgorithmError::NotAllowed(e.alg).into());
                    }
                    if let Some(e) = named.first() {
                        return Err(AlgorithmError::Mismatch {
                            expected: e.alg,
                            found: alg,
                        }
                        .into());
                    }
                }
                chosen
            }
            None => usable
                .filter(|e| e.alg.accepts_header(alg) && allowed(e.alg))
                .take(MAX_KIDLESS_CANDIDATES)
                .map(candidate)
                .collect(),
        };
        if chosen.is_empty() {
            return Err(Error::KeyNotFound);
        }
        Ok(chosen)
    }
}

fn candidate(e: &Arc<Entry>) -> Candidate<'_> {
    Candidate {
        verifier: e.verifier.as_ref(),
        alg: e.alg,
        kid: e.kid.as_deref(),
    }
}

/// A set of verifying keys, safe to share between threads and to rotate while others verify.
///
/// ```
/// use pqjose::{Algorithm, KeySet, NumericDate, SigningKey};
///
/// let old = SigningKey::generate(Algorithm::MlDsa65)?;
/// let keys = KeySet::new();
/// keys.add(old.verifying_key()?)?;
/// // Rotation: publish the new key, keep the old one for a ten-minute overlap.
/// let new = SigningKey::generate(Algorithm::MlDsa65)?;
/// keys.add(new.verifying_key()?)?;
/// keys.retire(old.kid(), Some(NumericDate::from_secs(1_900_000_600)))?;
/// let jwks_json = keys.to_public_jwk_set().to_json(); // serve at /.well-known/jwks.json
/// # Ok::<(), pqjose::Error>(())
/// ```
pub struct KeySet {
    current: ArcSwap<Snapshot>,
    writer: Mutex<()>,
}

impl Default for KeySet {
    fn default() -> Self {
        Self {
            current: ArcSwap::from_pointee(Snapshot::default()),
            writer: Mutex::new(()),
        }
    }
}

impl fmt::Debug for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeySet")
            .field("keys", &self.keys())
            .finish_non_exhaustive()
    }
}

impl KeySet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// A set holding `keys`. Two keys with the same `kid` and algorithm are
    /// [`KeyError::DuplicateKey`].
    pub fn from_keys(keys: impl IntoIterator<Item = VerifyingKey>) -> Result<Self, Error> {
        let set = Self::new();
        set.update(|entries| {
            keys.into_iter()
                .try_for_each(|k| push(entries, entry_for_key(k)))
        })?;
        Ok(set)
    }

    /// Import the keys of a JWK Set. Entries that cannot be used are skipped and reported:
    /// those [`JwkSet::from_json`] already skipped, unsupported or malformed keys, symmetric
    /// (`oct`) keys (add HMAC keys explicitly with [`KeySet::add`]), duplicates, and keys that
    /// may not verify signatures (`use` other than `sig`, `key_ops` without `verify`:
    /// [`KeyError::KeyUse`]). A set that mixes signature and encryption keys gives this set its
    /// signature keys only.
    pub fn from_jwk_set(set: &JwkSet) -> (Self, Vec<SkippedKey>) {
        let keys = Self::new();
        let skipped = keys.add_jwk_set(set);
        (keys, skipped)
    }

    /// [`KeySet::from_jwk_set`] from JSON text; a document that is not a JWK Set is an error.
    pub fn from_jwk_set_json(json: &str) -> Result<(Self, Vec<SkippedKey>), Error> {
        Ok(Self::from_jwk_set(&JwkSet::from_json(json)?))
    }

    /// Add a verifying key (for HMAC, the shared secret). Its `kid` and algorithm must not
    /// both match a key already present.
    pub fn add(&self, key: VerifyingKey) -> Result<(), Error> {
        self.update(|entries| push(entries, entry_for_key(key)))
    }

    /// Add any [`JwsVerifier`] (an HSM or KMS client, for example). It is never exported in the
    /// public JWK Set.
    pub fn add_verifier(&self, verifier: Arc<dyn JwsVerifier>) -> Result<(), Error> {
        let entry = Entry {
            alg: verifier.algorithm(),
            kid: verifier.key_id().map(Arc::from),
            verifier,
            public_jwk: None,
            status: KeyStatus::Active,
        };
        self.update(|entries| push(entries, entry))
    }

    /// Add the usable keys of a JWK Set in one atomic step; returns the entries skipped (see
    /// [`KeySet::from_jwk_set`]), with their position in the set's `keys` array.
    pub fn add_jwk_set(&self, set: &JwkSet) -> Vec<SkippedKey> {
        let mut skipped = set.skipped().to_vec();
        let parse_skipped: HashSet<usize> = skipped.iter().map(|s| s.index).collect();
        let positions = (0..).filter(|i| !parse_skipped.contains(i));
        let _ = self.update(|entries| {
            for (index, jwk) in positions.zip(set.keys()) {
                let added = if jwk.kty() == "oct" {
                    Err(KeyError::NoPublicForm.into())
                } else {
                    VerifyingKey::from_jwk(jwk).and_then(|k| push(entries, entry_for_key(k)))
                };
                if let Err(reason) = added {
                    let kid = jwk.kid().map(str::to_owned);
                    skipped.push(SkippedKey { index, kid, reason });
                }
            }
            Ok(())
        });
        skipped.sort_by_key(|s| s.index);
        skipped
    }

    /// Replace the whole contents with the usable keys of a fresh JWK Set, in one atomic step
    /// (a verification sees the old set or the new one, never a mix): key rotation from a
    /// re-fetched JWK Set. Returns the entries skipped (see [`KeySet::from_jwk_set`]). A set
    /// without one usable key is refused ([`RemoteKeysError::NoUsableKeys`]) and the current
    /// keys stay.
    pub fn replace_with_jwk_set(&self, set: &JwkSet) -> Result<Vec<SkippedKey>, Error> {
        let (fresh, skipped) = Self::from_jwk_set(set);
        if fresh.is_empty() {
            return Err(RemoteKeysError::NoUsableKeys.into());
        }
        self.replace_with(&fresh);
        Ok(skipped)
    }

    /// Publish `other`'s current keys as this set's, atomically.
    pub(crate) fn replace_with(&self, other: &KeySet) {
        let _writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        self.current.store(other.snapshot());
    }

    /// Retire every key with this `kid`: with `Some(t)` it keeps verifying (and being
    /// published) until `t` inclusive, for overlap; with `None` it stops at once.
    /// [`Error::KeyNotFound`] if no key has this `kid`.
    pub fn retire(&self, kid: &str, not_after: Option<NumericDate>) -> Result<(), Error> {
        let status = not_after.map_or(KeyStatus::Retired, KeyStatus::Retiring);
        self.update(|entries| {
            let mut found = false;
            for e in entries.iter_mut() {
                if e.kid.as_deref() == Some(kid) {
                    *e = Arc::new(e.with_status(status));
                    found = true;
                }
            }
            if found {
                Ok(())
            } else {
                Err(Error::KeyNotFound)
            }
        })
    }

    /// Remove every key with this `kid`. [`Error::KeyNotFound`] if none has it.
    pub fn remove(&self, kid: &str) -> Result<(), Error> {
        self.update(|entries| {
            let before = entries.len();
            entries.retain(|e| e.kid.as_deref() != Some(kid));
            if entries.len() < before {
                Ok(())
            } else {
                Err(Error::KeyNotFound)
            }
        })
    }

    /// Remove retired keys and retiring keys whose time is before `now`; returns how many.
    pub fn purge_retired(&self, now: NumericDate) -> usize {
        let mut removed = 0;
        let _ = self.update(|entries| {
            let before = entries.len();
            entries.retain(|e| e.status != KeyStatus::Retired && e.status.usable_at(now));
            removed = before - entries.len();
            Ok(())
        });
        removed
    }

    /// The keys, oldest first.
    pub fn keys(&self) -> Vec<KeyInfo> {
        self.current
            .load()
            .entries
            .iter()
            .map(|e| KeyInfo {
                kid: e.kid.as_deref().map(str::to_owned),
                alg: e.alg,
                status: e.status,
            })
            .collect()
    }

    /// The number of keys (in any status).
    pub fn len(&self) -> usize {
        self.current.load().entries.len()
    }

    /// Whether the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The public JWK Set to publish (for example at `/.well-known/jwks.json`): active and
    /// retiring keys, without private members; HMAC keys and custom verifiers are left out.
    /// Retiring keys stay listed until [`KeySet::purge_retired`] or [`KeySet::remove`].
    pub fn to_public_jwk_set(&self) -> JwkSet {
        self.current
            .load()
            .entries
            .iter()
            .filter(|e| e.status != KeyStatus::Retired)
            .filter_map(|e| e.public_jwk.clone())
            .collect()
    }

    /// The current snapshot: one atomic load, no lock.
    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Apply `change` to a copy of the entries and publish it if `change` succeeds. Writers are
    /// serialized; readers are never blocked.
    fn update(
        &self,
        change: impl FnOnce(&mut Vec<Arc<Entry>>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let _writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let mut entries = self.current.load().entries.clone();
        change(&mut entries)?;
        self.current.store(Arc::new(Snapshot { entries }));
        Ok(())
    }
}

fn entry_for_key(key: VerifyingKey) -> Entry {
    Entry {
        alg: key.algorithm(),
        kid: Some(Arc::from(key.kid())),
        public_jwk: key.to_jwk().ok(),
        verifier: Arc::new(key),
        status: KeyStatus::Active,
    }
}

fn push(entries: &mut Vec<Arc<Entry>>, entry: Entry) -> Result<(), Error> {
    if entries
        .iter()
        .any(|e| e.same_slot(entry.kid.as_deref(), entry.alg))
    {
        return Err(KeyError::DuplicateKey.into());
    }
    if entries.len() >= MAX_KEY_SET_KEYS {
        return Err(KeyError::TooManyKeys.into());
    }
    entries.push(Arc::new(entry));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Fake(Algorithm, Option<&'static str>);

    impl JwsVerifier for Fake {
        fn algorithm(&self) -> Algorithm {
            self.0
        }
        fn key_id(&self) -> Option<&str> {
            self.1
        }
        fn verify(&self, _: &[u8], _: &[u8]) -> Result<(), Error> {
            Err(Error::InvalidSignature)
        }
    }

    fn set(keys: &[(Algorithm, Option<&'static str>)]) -> KeySet {
        let s = KeySet::new();
        for &(a, k) in keys {
            s.add_verifier(Arc::new(Fake(a, k))).unwrap();
        }
        s
    }

    const T0: NumericDate = NumericDate::from_secs(1000);
    const ANY: fn(Algorithm) -> bool = |_| true;

    fn kids(r: Result<Vec<Candidate<'_>>, Error>) -> Result<Vec<Option<&str>>, Error> {
        r.map(|v| v.iter().map(|c| c.kid).collect())
    }

    #[test]
    fn select_by_kid_then_alg() {
        use Algorithm::*;
        let s = set(&[
            (MlDsa65, Some("a")),
            (Es256, Some("a")),
            (Ed25519, Some("e")),
        ]);
        let snap = s.snapshot();
        let pick = |alg, kid| kids(snap.select(alg, kid, T0, ANY));
        assert_eq!(pick(MlDsa65, Some("a")), Ok(vec![Some("a")]));
        assert_eq!(
            snap.select(Es256, Some("a"), T0, ANY).unwrap()[0].alg,
            Es256
        );
        assert_eq!(pick(EdDsa, Some("e")), Ok(vec![Some("e")]));
        assert_eq!(
            pick(Hs256, Some("e")).unwrap_err(),
            AlgorithmError::Mismatch {
                expected: Ed25519,
                found: Hs256
            }
            .into()
        );
        assert_eq!(pick(MlDsa65, Some("../a")), Err(Error::KeyNotFound));
        assert_eq!(pick(MlDsa65, Some("A")), Err(Error::KeyNotFound));
        assert_eq!(pick(Hs256, None), Err(Error::KeyNotFound));
        assert_eq!(
            kids(snap.select(MlDsa65, Some("a"), T0, |a| a != MlDsa65)),
            Err(AlgorithmError::NotAllowed(MlDsa65).into())
        );
    }

    #[test]
    fn kidless_tokens_try_a_bounded_number_of_keys() {
        let keys: Vec<_> = (0..12).map(|_| (Algorithm::MlDsa44, None)).collect();
        let s = set(&keys);
        s.add_verifier(Arc::new(Fake(Algorithm::Es256, None)))
            .unwrap();
        let snap = s.snapshot();
        let c = snap.select(Algorithm::MlDsa44, None, T0, ANY).unwrap();
        assert_eq!(c.len(), MAX_KIDLESS_CANDIDATES);
        assert!(c.iter().all(|c| c.alg == Algorithm::MlDsa44));
        assert_eq!(snap.max_signature_len(), 2420);
        assert_eq!(KeySet::new().snapshot().max_signature_len(), 0);
    }

    #[test]
    fn the_set_is_bounded() {
        let s = KeySet::new();
        for _ in 0..MAX_KEY_SET_KEYS {
            s.add_verifier(Arc::new(Fake(Algorithm::Ed25519, None)))
                .unwrap();
        }
        let one_more = |kid| s.add_verifier(Arc::new(Fake(Algorithm::Ed25519, Some(kid))));
        assert_eq!(one_more("k"), Err(KeyError::TooManyKeys.into()));
        assert_eq!(s.len(), MAX_KEY_SET_KEYS);
        // Retired keys count until purged.
        s.update(|entries| {
            entries.truncate(MAX_KEY_SET_KEYS - 1);
            Ok(())
        })
        .unwrap();
        one_more("k").unwrap();
        s.retire("k", None).unwrap();
        assert_eq!(one_more("k2"), Err(KeyError::TooManyKeys.into()));
        assert_eq!(s.purge_retired(T0), 1);
        one_more("k2").unwrap();
    }

    #[test]
    fn rotation_states() {
        use Algorithm::*;
        let s = set(&[(MlDsa65, Some("old")), (MlDsa65, Some("new"))]);
        assert_eq!(
            s.add_verifier(Arc::new(Fake(MlDsa65, Some("new")))),
            Err(KeyError::DuplicateKey.into())
        );
        s.add_verifier(Arc::new(Fake(Ed25519, Some("e")))).unwrap();
        assert_eq!(
            s.add_verifier(Arc::new(Fake(EdDsa, Some("e")))),
            Err(KeyError::DuplicateKey.into())
        );
        s.retire("old", Some(T0)).unwrap();
        let at = |t: i64| {
            s.snapshot()
                .select(MlDsa65, Some("old"), NumericDate::from_secs(t), ANY)
                .map(|c| c.len())
        };
        assert_eq!(at(1000), Ok(1));
        assert_eq!(at(1001), Err(Error::KeyNotFound));
        assert_eq!(s.purge_retired(NumericDate::from_secs(999)), 0);
        assert_eq!(s.purge_retired(NumericDate::from_secs(1001)), 1);
        assert_eq!(s.retire("old", None), Err(Error::KeyNotFound));
        s.retire("new", None).unwrap();
        assert_eq!(
            s.keys()[0],
            KeyInfo {
                kid: Some("new".into()),
                alg: MlDsa65,
                status: KeyStatus::Retired
            }
        );
        assert_eq!(at(0), Err(Error::KeyNotFound));
        assert_eq!(s.remove("new"), Ok(()));
        assert_eq!(s.remove("new"), Err(Error::KeyNotFound));
        assert_eq!(s.len(), 1);
        // Custom verifiers have no JWK to publish.
        assert!(s.to_public_jwk_set().keys().is_empty());
    }
}
