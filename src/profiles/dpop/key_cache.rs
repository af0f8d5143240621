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
//! header text and the JWK (3.5 and 2.6 KB for ML-DSA-65), plus at most one access token of up
//! to 16 KB in the entry's [`AthMemo`].
//!
//! The index hashes segments with foldhash, seeded at random per cache (SipHash, the standard
//! library's hasher, cost as much as a fifth of the work beyond the signature for an ML-DSA
//! proof). foldhash is only minimally resistant to collisions chosen by an attacker, which
//! is enough here: the cache never holds more than `capacity` entries, so even if every entry
//! collided a lookup would compare at most that many segments, and an entry is only made by a
//! proof whose signature verified.
//!
//! Each entry also remembers the `ath` of the access token last presented with its key
//! ([`AthMemo`]): a client presents one access token with many proofs, and for a post-quantum
//! token (several kilobytes) the SHA-256 of the token is the largest cost left after the key
//! import.
//!
//! Concurrency: a hit takes the read side of an `RwLock` (shared by every reader, held for a
//! hash-map lookup and a few clones of reference-counted values) and sets the entry's reference
//! bit with a relaxed atomic store; only an insert takes the write side, after the (slow)
//! import was done outside any lock. A poisoned lock turns the cache off (every lookup misses),
//! never fails a verification.

use core::fmt;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use zeroize::Zeroizing;

use super::ProofKey;
use crate::format::header::Header;
use crate::profiles::{same, token_hash};

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
    index: HashMap<Box<str>, usize, foldhash::quality::RandomState>,
    slots: Vec<Slot>,
    hand: usize,
}

/// Access tokens longer than this are hashed on every proof, never kept (an ML-DSA-87 token is
/// about 7 KB; this bounds the memory of a full cache of memos at 2 MB by default).
const MAX_MEMO_TOKEN_LEN: usize = 16 * 1024;

/// The last access token presented with one cached proof key, and its `ath`
/// (`b64u(SHA-256(token))`).
///
/// A memo is used only for a token equal to the remembered one byte for byte, so it changes no
/// outcome. It is consulted only after the proof's signature verified with this key, so only
/// the key's holder, who sent the token, can learn anything from its timing. The token (a
/// bearer credential until the `cnf.jkt` binding is checked) is zeroized when replaced or
/// dropped, and has no `Debug`. Concurrent proofs of one key do not wait for each other: a
/// memo that is busy is passed by and the token hashed.
#[derive(Default)]
pub(super) struct AthMemo(Mutex<Option<(Zeroizing<String>, String)>>);

impl AthMemo {
    /// Whether `ath` (from a proof) is the `ath` of `token`.
    pub(super) fn ath_matches(&self, token: &str, ath: &str) -> bool {
        if let Ok(last) = self.0.try_lock()
            && let Some((known, hash)) = last.as_ref()
            && known.as_str() == token
        {
            return same(ath, hash);
        }
        let hash = token_hash(token);
        let matches = same(ath, &hash);
        if token.len() <= MAX_MEMO_TOKEN_LEN
            && let Ok(mut last) = self.0.try_lock()
        {
            *last = Some((Zeroizing::new(token.to_owned()), hash));
        }
        matches
    }
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
        Some((slot.header.clone(), slot.key.clone()))
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
            key: ProofKey {
                ath: Some(Arc::default()),
                ..key.clone()
            },
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
            ath: None,
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
        assert!(k.cached());
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
    fn ath_memo_answers_as_the_hash_would() {
        let memo = AthMemo::default();
        let remembered = || memo.0.lock().unwrap().as_ref().map(|(t, _)| t.to_string());
        let (a, b) = ("token-a", "token-b");
        let (ha, hb) = (token_hash(a), token_hash(b));
        assert!(memo.ath_matches(a, &ha));
        assert_eq!(remembered().as_deref(), Some(a));
        // A hit, then the remembered token with another hash.
        assert!(memo.ath_matches(a, &ha));
        assert!(!memo.ath_matches(a, &hb));
        assert!(!memo.ath_matches(a, ""));
        // Another token replaces it, right or wrong.
        assert!(!memo.ath_matches(b, &ha));
        assert_eq!(remembered().as_deref(), Some(b));
        assert!(memo.ath_matches(b, &hb));
        // A token past the bound is hashed, not kept.
        let long = "x".repeat(MAX_MEMO_TOKEN_LEN + 1);
        assert!(memo.ath_matches(&long, &token_hash(&long)));
        assert!(!memo.ath_matches(&long, &hb));
        assert_eq!(remembered().as_deref(), Some(b));
        // A busy memo is passed by.
        let held = memo.0.lock().unwrap();
        assert!(memo.ath_matches(a, &ha));
        assert!(!memo.ath_matches(a, &hb));
        drop(held);
        assert_eq!(remembered().as_deref(), Some(b));
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
