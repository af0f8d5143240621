//! Replay and revocation: the [`ReplayStore`] trait a [`crate::Validation`] consults after every
//! other check passed, and [`MemoryReplayStore`], a bounded in-memory implementation.
//!
//! Per-task credentials are meant to be used once and revoked when the task ends: a `jti` seen
//! before is [`Error::Replayed`], a revoked `jti` or `kid` is [`Error::Revoked`].

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, PoisonError};

use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::time::NumericDate;

/// Where a validator records used `jti` values and looks up revocations.
///
/// Implementations must be safe to share between threads, and must fail closed: any error
/// (for example a backing database that cannot be reached) rejects the token.
pub trait ReplayStore: Send + Sync {
    /// `Err(`[`Error::Revoked`]`)` if `jti` or `kid` has been revoked. Called for every token
    /// whose signature and claims passed; `kid` is the verifying key's id.
    fn check_revoked(&self, jti: Option<&str>, kid: Option<&str>) -> Result<(), Error>;

    /// Record the first use of `jti`, to be remembered until `expires` (after which the token
    /// fails its `exp` check anyway; `None`: the token has no `exp`). `Err(`[`Error::Replayed`]`)`
    /// if `jti` was recorded before. Must be atomic: of two concurrent calls with the same `jti`,
    /// exactly one succeeds.
    fn record_use(
        &self,
        jti: &str,
        expires: Option<NumericDate>,
        now: NumericDate,
    ) -> Result<(), Error>;
}

/// Default capacity of [`MemoryReplayStore::default`]: the number of unexpired `jti` values it
/// remembers (about 100 bytes each).
pub const DEFAULT_REPLAY_CAPACITY: usize = 100_000;

/// A bounded, thread-safe, in-memory [`ReplayStore`].
///
/// It keeps a SHA-256 digest of each used `jti` (never the value) until the token's `exp` plus
/// leeway, then forgets it. When it holds `capacity` unexpired entries, new tokens are refused
/// with [`Error::ReplayStoreFull`] rather than an entry being forgotten early (fail closed).
/// Tokens without `exp` are remembered until the store is dropped.
///
/// Revocations: [`revoke_jti`](Self::revoke_jti) (also bounded, forgotten after the given time)
/// and [`revoke_kid`](Self::revoke_kid) (kept until [`unrevoke_kid`](Self::unrevoke_kid)).
#[derive(Debug)]
pub struct MemoryReplayStore {
    state: Mutex<State>,
    capacity: usize,
}

#[derive(Debug, Default)]
struct State {
    seen: ExpiringSet,
    revoked_jti: ExpiringSet,
    revoked_kid: HashSet<String>,
}

type Digest32 = [u8; 32];

/// The expiry of an entry kept until the store is dropped.
const FOREVER: i64 = i64::MAX;

fn digest(jti: &str) -> Digest32 {
    Sha256::digest(jti.as_bytes()).into()
}

/// Digests with an expiry time, ordered by expiry so expired ones are dropped cheaply.
#[derive(Debug, Default)]
struct ExpiringSet {
    until: HashMap<Digest32, i64>,
    order: BTreeSet<(i64, Digest32)>,
}

impl ExpiringSet {
    /// Drop every entry whose time is at or before `now` (`i64::MAX` means "forever").
    fn purge(&mut self, now: NumericDate) {
        while let Some(&(t, d)) = self.order.first() {
            if t > now.as_secs() || t == FOREVER {
                break;
            }
            self.order.pop_first();
            self.until.remove(&d);
        }
    }

    fn contains(&self, d: &Digest32) -> bool {
        self.until.contains_key(d)
    }

    /// Insert (or extend) `d` until `t`.
    fn insert(&mut self, d: Digest32, t: i64) {
        if let Some(old) = self.until.insert(d, t) {
            self.order.remove(&(old, d));
        }
        self.order.insert((t, d));
    }

    fn len(&self) -> usize {
        self.until.len()
    }
}

impl Default for MemoryReplayStore {
    fn default() -> Self {
        Self::new(DEFAULT_REPLAY_CAPACITY)
    }
}

impl MemoryReplayStore {
    /// A store remembering at most `capacity` unexpired `jti` values (and, separately, at most
    /// `capacity` revoked ones).
    pub fn new(capacity: usize) -> Self {
        Self {
            state: Mutex::new(State::default()),
            capacity,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every critical section leaves the state consistent, so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Revoke a `jti` until `until` (its token's `exp` plus leeway is enough; `None`: forever).
    /// Refused with [`Error::ReplayStoreFull`] when `capacity` revocations are in force.
    pub fn revoke_jti(
        &self,
        jti: &str,
        until: Option<NumericDate>,
        now: NumericDate,
    ) -> Result<(), Error> {
        let mut state = self.lock();
        state.revoked_jti.purge(now);
        let d = digest(jti);
        if !state.revoked_jti.contains(&d) && state.revoked_jti.len() >= self.capacity {
            return Err(Error::ReplayStoreFull);
        }
        state
            .revoked_jti
            .insert(d, until.map_or(FOREVER, NumericDate::as_secs));
        Ok(())
    }

    /// Revoke every token verified by the key `kid`.
    pub fn revoke_kid(&self, kid: &str) {
        self.lock().revoked_kid.insert(kid.to_owned());
    }

    /// Lift the revocation of `kid`. Returns whether it was revoked.
    pub fn unrevoke_kid(&self, kid: &str) -> bool {
        self.lock().revoked_kid.remove(kid)
    }

    /// The number of remembered `jti` values (expired ones may linger until the next use).
    pub fn len(&self) -> usize {
        self.lock().seen.len()
    }

    /// Whether no `jti` is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forget every entry that expired at or before `now`.
    pub fn purge(&self, now: NumericDate) {
        let mut state = self.lock();
        state.seen.purge(now);
        state.revoked_jti.purge(now);
    }
}

impl ReplayStore for MemoryReplayStore {
    fn check_revoked(&self, jti: Option<&str>, kid: Option<&str>) -> Result<(), Error> {
        let state = self.lock();
        let jti_revoked = jti.is_some_and(|j| state.revoked_jti.contains(&digest(j)));
        let kid_revoked = kid.is_some_and(|k| state.revoked_kid.contains(k));
        if jti_revoked || kid_revoked {
            Err(Error::Revoked)
        } else {
            Ok(())
        }
    }

    fn record_use(
        &self,
        jti: &str,
        expires: Option<NumericDate>,
        now: NumericDate,
    ) -> Result<(), Error> {
        let d = digest(jti);
        let mut state = self.lock();
        state.seen.purge(now);
        if state.seen.contains(&d) {
            return Err(Error::Replayed);
        }
        if state.seen.len() >= self.capacity {
            return Err(Error::ReplayStoreFull);
        }
        state
            .seen
            .insert(d, expires.map_or(FOREVER, NumericDate::as_secs));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> NumericDate {
        NumericDate::from_secs(s)
    }

    #[test]
    fn once_only_until_expiry() {
        let s = MemoryReplayStore::new(10);
        assert_eq!(s.record_use("a", Some(t(100)), t(0)), Ok(()));
        assert_eq!(s.record_use("a", Some(t(100)), t(50)), Err(Error::Replayed));
        assert_eq!(s.record_use("b", Some(t(100)), t(50)), Ok(()));
        assert_eq!(s.len(), 2);
        // After exp (+ leeway) the token is rejected by the exp check, so it is forgotten.
        assert_eq!(s.record_use("c", None, t(100)), Ok(()));
        assert_eq!(s.len(), 1);
        assert_eq!(s.record_use("c", None, t(i64::MAX)), Err(Error::Replayed));
    }

    #[test]
    fn full_store_fails_closed() {
        let s = MemoryReplayStore::new(2);
        s.record_use("a", Some(t(10)), t(0)).unwrap();
        s.record_use("b", Some(t(20)), t(0)).unwrap();
        assert_eq!(
            s.record_use("c", Some(t(30)), t(5)),
            Err(Error::ReplayStoreFull)
        );
        assert_eq!(s.record_use("a", Some(t(10)), t(5)), Err(Error::Replayed));
        // Once "a" expired there is room again.
        assert_eq!(s.record_use("c", Some(t(30)), t(10)), Ok(()));
        assert_eq!(s.record_use("b", Some(t(20)), t(10)), Err(Error::Replayed));
    }

    #[test]
    fn revocation() {
        let s = MemoryReplayStore::new(1);
        assert_eq!(s.check_revoked(Some("j"), Some("k")), Ok(()));
        s.revoke_jti("j", Some(t(100)), t(0)).unwrap();
        s.revoke_kid("k");
        assert_eq!(s.check_revoked(Some("j"), None), Err(Error::Revoked));
        assert_eq!(s.check_revoked(None, Some("k")), Err(Error::Revoked));
        assert_eq!(s.check_revoked(Some("x"), Some("y")), Ok(()));
        assert_eq!(s.revoke_jti("j2", None, t(0)), Err(Error::ReplayStoreFull));
        assert!(s.unrevoke_kid("k"));
        assert_eq!(s.check_revoked(None, Some("k")), Ok(()));
        s.purge(t(100));
        assert_eq!(s.check_revoked(Some("j"), None), Ok(()));
    }

    #[test]
    fn concurrent_single_use() {
        use std::sync::Arc;
        let s = Arc::new(MemoryReplayStore::default());
        let wins: usize = (0..8)
            .map(|_| {
                let s = Arc::clone(&s);
                std::thread::spawn(move || {
                    (0..200)
                        .filter(|i| s.record_use(&format!("j{i}"), Some(t(99)), t(0)).is_ok())
                        .count()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .sum();
        assert_eq!(wins, 200);
    }
}
