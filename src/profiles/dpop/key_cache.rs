//! A bounded cache of DPoP proof keys, by proof header.
//!
//! A DPoP client signs every request with the same key (RFC 9449 §5), and everything per
//! request (`jti`, `iat`, `htm`, `htu`, `ath`, `nonce`) is in the payload: its proofs share one
//! header, byte for byte. Decoding that header and importing its `jwk` costs as much as the
//! signature check itself for ML-DSA (decoding the public key expands its matrix; the RFC 7638
//! thumbprint hashes the whole key), so the cache keeps, per header segment, the parsed header
//! and the imported key with its thumbprint.
//!
//! Safety of a hit: the key is the header segment exactly as sent (base64url text compared
//! whole, not a hash or a thumbprint), so a hit is the result the import gave for the very
//! same bytes: the same `alg`, the same `jwk` with the same members. The import is a function
//! of those bytes alone, so a hit changes no outcome: the header checks (`typ`, the algorithm
//! policy, which can differ between verifiers sharing the cache), the signature and every claim
//! check still run on each proof. Only keys that have just verified a proof's signature are
//! inserted, and the cache holds public keys only (a `jwk` with private members is refused by
//! the import).
//!
//! Bounds: at most `capacity` entries, evicted by CLOCK (second chance: an entry used since the
//! hand last passed survives one more turn), so a flood of fresh keys can only push out keys
//! that are not being used, never grow the cache. Memory per entry is the parsed key (an
//! ML-DSA-65 key with its expanded matrix is about 40 KB, ML-DSA-87 about 70 KB) plus the
//! header text and the JWK (3.5 and 2.6 KB for ML-DSA-65).
//!
//! Concurrency: a hit takes the read side of an `RwLock` (shared by every reader, held for a
//! hash-map lookup and a few clones of reference-counted values) and sets the entry's reference
//! bit with a relaxed atomic store; only an insert takes the write side, after the (slow)
//! import was done outside any lock. A poisoned lock turns the cache off (every lookup misses),
//! never fails a verification.

use core::fmt;
use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};

use super::ProofKey;
use crate::format::header::Header;

/// Default number of proof keys kept by a [`super::ProofVerifier`].
pub const DEFAULT_KEY_CACHE_CAPACITY: usize = 128;

struct Slot {
    /// The header segment, as sent.
    segment: Box<str>,
    header: Header,
    key: ProofKey,
    referenced: AtomicBool,
}

#[derive(Default)]
struct Slots {
    index: HashMap<Box<str>, usize>,
    slots: Vec<Slot>,
    hand: usize,
}

/// The cache (shared by clones of a verifier through an `Arc`).
pub(super) struct ProofKeyCache {
    capacity: usize,
    inner: RwLock<Slots>,
}

impl fmt::Debug for ProofKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProofKeyCache")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

impl ProofKeyCache {
    /// A cache of at most `capacity` keys (0: nothing is ever kept).
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: RwLock::new(Slots::default()),
        }
    }

    /// The header and key of an earlier proof whose header segment was exactly `segment`.
    pub(super) fn get(&self, segment: &str) -> Option<(Header, ProofKey)> {
        if self.capacity == 0 {
            return None;
        }
        let slots = self.inner.read().ok()?;
        let slot = slots.slots.get(*slots.index.get(segment)?)?;
        slot.referenced.store(true, Ordering::Relaxed);
        let key = ProofKey {
            cached: true,
            ..slot.key.clone()
        };
        Some((slot.header.clone(), key))
    }

    /// Keep `header` and `key`, parsed and imported from the header segment `segment`, whose
    /// proof `key` has just verified.
    pub(super) fn insert(&self, segment: &str, header: &Header, key: &ProofKey) {
        if self.capacity == 0 {
            return;
        }
        let Ok(mut guard) = self.inner.write() else {
            return;
        };
        let s = &mut *guard;
        if s.index.contains_key(segment) {
            // Another thread's insert won.
            return;
        }
        let slot = Slot {
            segment: segment.into(),
            header: header.clone(),
            key: key.clone(),
            referenced: AtomicBool::new(false),
        };
        let len = s.slots.len();
        if len < self.capacity {
            s.index.insert(segment.into(), len);
            s.slots.push(slot);
            return;
        }
        // CLOCK: clear reference bits until an unreferenced entry is under the hand. Readers
        // are excluded by the write lock, so this ends within two turns.
        for _ in 0..=2 * len {
            let hand = s.hand % len;
            s.hand = (hand + 1) % len;
            let Some(victim) = s.slots.get_mut(hand) else {
                return;
            };
            if victim.referenced.swap(false, Ordering::Relaxed) {
                continue;
            }
            let old = core::mem::replace(victim, slot);
            s.index.remove(&old.segment);
            s.index.insert(segment.into(), hand);
            return;
        }
    }

    /// The number of keys held.
    pub(super) fn len(&self) -> usize {
        self.inner.read().map_or(0, |s| s.slots.len())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::Algorithm;
    use crate::keys::SigningKey;

    fn entry() -> (Header, ProofKey) {
        let sk = SigningKey::generate(Algorithm::Ed25519).unwrap();
        let mut jwk = sk.to_public_jwk().unwrap();
        jwk.kid = None;
        let key = ProofKey {
            jkt: jwk.thumbprint().unwrap(),
            jwk: Arc::new(jwk),
            key: sk.verifying_key().unwrap(),
            cached: false,
        };
        (Header::new(Algorithm::Ed25519).with_typ("dpop+jwt"), key)
    }

    #[test]
    fn a_hit_is_the_same_segment_exactly() {
        let cache = ProofKeyCache::new(4);
        let (header, key) = entry();
        assert!(cache.get("eyJh").is_none());
        cache.insert("eyJh", &header, &key);
        let (h, k) = cache.get("eyJh").unwrap();
        assert_eq!(h, header);
        assert_eq!(k.jkt, key.jkt);
        assert!(k.cached);
        for other in ["eyJ", "eyJhA", "EYJH", ""] {
            assert!(cache.get(other).is_none(), "{other}");
        }
        // A second insert for a held segment keeps the first entry.
        let (_, second) = entry();
        cache.insert("eyJh", &header, &second);
        assert_eq!(cache.get("eyJh").unwrap().1.jkt, key.jkt);
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn bounded_with_second_chance_for_used_keys() {
        let cache = ProofKeyCache::new(3);
        let (header, key) = entry();
        cache.insert("hot", &header, &key);
        for i in 0..7 {
            // The hot key is used between every insert of a one-time key.
            assert!(cache.get("hot").is_some());
            cache.insert(&format!("once-{i}"), &header, &key);
            assert!(cache.len() <= 3);
        }
        assert_eq!(cache.len(), 3);
        assert!(cache.get("hot").is_some());
        assert!(cache.get("once-6").is_some());
        assert!(cache.get("once-0").is_none());
    }

    #[test]
    fn capacity_zero_keeps_nothing() {
        let cache = ProofKeyCache::new(0);
        let (header, key) = entry();
        cache.insert("eyJh", &header, &key);
        assert_eq!(cache.len(), 0);
        assert!(cache.get("eyJh").is_none());
    }
}
