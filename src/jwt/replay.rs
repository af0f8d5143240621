//! Replay and revocation: the [`ReplayStore`] trait a [`crate::Validation`] consults after every
//! other check passed, and [`MemoryReplayStore`], a bounded in-memory implementation.
//!
//! Per-task credentials are meant to be used once and revoked when the task ends: a `jti` seen
//! before is [`Error::Replayed`], a revoked `jti` or `kid` is [`Error::Revoked`].

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, PoisonError};

use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::jwt::claims::Claims;
use crate::time::NumericDate;

/// What a [`ReplayStore`] sees of a token whose signature and every claim check passed.
///
/// Build one with [`TokenUse::new`] and struct update syntax:
/// `TokenUse { jti: Some("j1"), iss: Some("https://issuer"), ..TokenUse::new(now) }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenUse<'a> {
    /// The token's `jti`.
    pub jti: Option<&'a str>,
    /// The token's `iss` (a `jti` is unique per issuer, so stores scope it by issuer).
    pub iss: Option<&'a str>,
    /// The token's `sub` (the agent; revocation by subject matches it).
    pub sub: Option<&'a str>,
    /// The id of the key that verified the token (or the header's `kid`).
    pub kid: Option<&'a str>,
    /// The token's `iat` (revocation by subject refuses tokens issued at or before a time; a
    /// token without `iat` is treated as issued at the beginning of time).
    pub iat: Option<NumericDate>,
    /// When the token stops passing the `exp` check (`exp` plus leeway); `None`: it has no
    /// `exp`. A used `jti` must be remembered until then.
    pub expires: Option<NumericDate>,
    /// The validator's "now".
    pub now: NumericDate,
}

impl<'a> TokenUse<'a> {
    /// A use at `now` with every other field empty.
    pub const fn new(now: NumericDate) -> Self {
        Self {
            jti: None,
            iss: None,
            sub: None,
            kid: None,
            iat: None,
            expires: None,
            now,
        }
    }

    /// The use at `now` of a token with `claims` (its `jti`, `iss`, `sub` and `iat`), verified
    /// by the key `kid`, to be remembered until `expires` (its `exp` plus the leeway; `None`
    /// for a token without `exp`).
    pub fn of_claims<T>(
        claims: &'a Claims<T>,
        kid: Option<&'a str>,
        expires: Option<NumericDate>,
        now: NumericDate,
    ) -> Self {
        Self {
            jti: claims.jwt_id(),
            iss: claims.issuer(),
            sub: claims.subject(),
            kid,
            iat: claims.issued_at(),
            expires,
            now,
        }
    }
}

/// Where a validator records used `jti` values and looks up revocations.
///
/// A [`crate::Validation`] calls [`ReplayStore::check`] once per token, after the signature and
/// every claim check passed. Implementations must be safe to share between threads and must
/// fail closed: any error (a backing database that cannot be reached, a timeout) rejects the
/// token ([`Error::ReplayStoreUnavailable`] is the error for "cannot tell").
///
/// Implement [`check_revoked`](Self::check_revoked) and [`record_use`](Self::record_use); a
/// networked store overrides [`check`](Self::check) to do both in one round trip.
pub trait ReplayStore: Send + Sync {
    /// `Err(`[`Error::Revoked`]`)` if the token is revoked: by its `jti`, by its key's `kid`,
    /// or by its subject (every token of `sub` issued at or before some time).
    fn check_revoked(&self, token: &TokenUse<'_>) -> Result<(), Error>;

    /// Record the first use of `jti` (scoped by `token.iss`), to be remembered until
    /// `token.expires` (`None`: for good). `Err(`[`Error::Replayed`]`)` if it was recorded
    /// before. Must be atomic: of two concurrent calls with the same issuer and `jti`, exactly
    /// one succeeds.
    fn record_use(&self, jti: &str, token: &TokenUse<'_>) -> Result<(), Error>;

    /// Revocation check, then (when `single_use`) first-use recording of the `jti`, which is
    /// then required. The default calls the two methods above in that order.
    fn check(&self, token: &TokenUse<'_>, single_use: bool) -> Result<(), Error> {
        self.check_revoked(token)?;
        if single_use {
            let jti = token.jti.ok_or_else(|| {
                Error::Claims(crate::error::ClaimsError::Missing(
                    crate::error::RegisteredClaim::JwtId.into(),
                ))
            })?;
            self.record_use(jti, token)?;
        }
        Ok(())
    }
}

impl<S: ReplayStore + ?Sized> ReplayStore for std::sync::Arc<S> {
    fn check_revoked(&self, token: &TokenUse<'_>) -> Result<(), Error> {
        (**self).check_revoked(token)
    }
    fn record_use(&self, jti: &str, token: &TokenUse<'_>) -> Result<(), Error> {
        (**self).record_use(jti, token)
    }
    fn check(&self, token: &TokenUse<'_>, single_use: bool) -> Result<(), Error> {
        (**self).check(token, single_use)
    }
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
/// A `jti` is scoped by its issuer: the same `jti` from two issuers is two entries.
///
/// Revocations: [`revoke_jti`](Self::revoke_jti) (any issuer; also bounded, forgotten after the
/// given time), [`revoke_kid`](Self::revoke_kid) (kept until
/// [`unrevoke_kid`](Self::unrevoke_kid)) and [`revoke_subject`](Self::revoke_subject).
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
    /// Subject → tokens issued at or before this time are revoked.
    revoked_sub: HashMap<String, i64>,
}

type Digest32 = [u8; 32];

/// The expiry of an entry kept until the store is dropped.
const FOREVER: i64 = i64::MAX;

fn digest(jti: &str) -> Digest32 {
    Sha256::digest(jti.as_bytes()).into()
}

/// The digest of a `jti` scoped by its issuer (length-prefixed, so no two pairs collide).
fn scoped_digest(iss: Option<&str>, jti: &str) -> Digest32 {
    let iss = iss.unwrap_or("");
    let mut h = Sha256::new();
    h.update((iss.len() as u64).to_be_bytes());
    h.update(iss.as_bytes());
    h.update(jti.as_bytes());
    h.finalize().into()
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

    /// Revoke every token of subject `sub` issued at or before `at_or_before` (a token without
    /// `iat` counts as issued at the beginning of time). A later call for the same subject
    /// replaces the time. Kept until the store is dropped.
    pub fn revoke_subject(&self, sub: &str, at_or_before: NumericDate) {
        self.lock()
            .revoked_sub
            .insert(sub.to_owned(), at_or_before.as_secs());
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
    fn check_revoked(&self, token: &TokenUse<'_>) -> Result<(), Error> {
        let state = self.lock();
        let jti_revoked = token
            .jti
            .is_some_and(|j| state.revoked_jti.contains(&digest(j)));
        let kid_revoked = token.kid.is_some_and(|k| state.revoked_kid.contains(k));
        let sub_revoked = token
            .sub
            .and_then(|s| state.revoked_sub.get(s))
            .is_some_and(|&before| token.iat.map_or(i64::MIN, NumericDate::as_secs) <= before);
        if jti_revoked || kid_revoked || sub_revoked {
            Err(Error::Revoked)
        } else {
            Ok(())
        }
    }

    fn record_use(&self, jti: &str, token: &TokenUse<'_>) -> Result<(), Error> {
        let d = scoped_digest(token.iss, jti);
        let mut state = self.lock();
        state.seen.purge(token.now);
        if state.seen.contains(&d) {
            return Err(Error::Replayed);
        }
        if state.seen.len() >= self.capacity {
            return Err(Error::ReplayStoreFull);
        }
        state
            .seen
            .insert(d, token.expires.map_or(FOREVER, NumericDate::as_secs));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> NumericDate {
        NumericDate::from_secs(s)
    }

    /// A use of `jti` at `now`, remembered until `expires`.
    fn u(jti: &str, expires: Option<NumericDate>, now: NumericDate) -> TokenUse<'_> {
        TokenUse {
            jti: Some(jti),
            expires,
            ..TokenUse::new(now)
        }
    }

    fn rec(
        s: &MemoryReplayStore,
        jti: &str,
        exp: Option<NumericDate>,
        now: NumericDate,
    ) -> Result<(), Error> {
        s.record_use(jti, &u(jti, exp, now))
    }

    fn revoked(s: &MemoryReplayStore, jti: Option<&str>, kid: Option<&str>) -> Result<(), Error> {
        s.check_revoked(&TokenUse {
            jti,
            kid,
            ..TokenUse::new(t(0))
        })
    }

    #[test]
    fn once_only_until_expiry() {
        let s = MemoryReplayStore::new(10);
        assert_eq!(rec(&s, "a", Some(t(100)), t(0)), Ok(()));
        assert_eq!(rec(&s, "a", Some(t(100)), t(50)), Err(Error::Replayed));
        assert_eq!(rec(&s, "b", Some(t(100)), t(50)), Ok(()));
        assert_eq!(s.len(), 2);
        // After exp (+ leeway) the token is rejected by the exp check, so it is forgotten.
        assert_eq!(rec(&s, "c", None, t(100)), Ok(()));
        assert_eq!(s.len(), 1);
        assert_eq!(rec(&s, "c", None, t(i64::MAX)), Err(Error::Replayed));
    }

    #[test]
    fn full_store_fails_closed() {
        let s = MemoryReplayStore::new(2);
        rec(&s, "a", Some(t(10)), t(0)).unwrap();
        rec(&s, "b", Some(t(20)), t(0)).unwrap();
        assert_eq!(rec(&s, "c", Some(t(30)), t(5)), Err(Error::ReplayStoreFull));
        assert_eq!(rec(&s, "a", Some(t(10)), t(5)), Err(Error::Replayed));
        // Once "a" expired there is room again.
        assert_eq!(rec(&s, "c", Some(t(30)), t(10)), Ok(()));
        assert_eq!(rec(&s, "b", Some(t(20)), t(10)), Err(Error::Replayed));
    }

    #[test]
    fn revocation() {
        let s = MemoryReplayStore::new(1);
        assert_eq!(revoked(&s, Some("j"), Some("k")), Ok(()));
        s.revoke_jti("j", Some(t(100)), t(0)).unwrap();
        s.revoke_kid("k");
        assert_eq!(revoked(&s, Some("j"), None), Err(Error::Revoked));
        assert_eq!(revoked(&s, None, Some("k")), Err(Error::Revoked));
        assert_eq!(revoked(&s, Some("x"), Some("y")), Ok(()));
        assert_eq!(s.revoke_jti("j2", None, t(0)), Err(Error::ReplayStoreFull));
        assert!(s.unrevoke_kid("k"));
        assert_eq!(revoked(&s, None, Some("k")), Ok(()));
        s.purge(t(100));
        assert_eq!(revoked(&s, Some("j"), None), Ok(()));
    }

    #[test]
    fn jti_scoped_by_issuer_and_subject_revocation() {
        let s = MemoryReplayStore::new(10);
        let by = |iss| TokenUse {
            jti: Some("j"),
            iss: Some(iss),
            ..TokenUse::new(t(0))
        };
        assert_eq!(s.check(&by("a"), true), Ok(()));
        assert_eq!(s.check(&by("b"), true), Ok(()));
        assert_eq!(s.check(&by("a"), true), Err(Error::Replayed));
        assert_eq!(s.check(&TokenUse::new(t(0)), false), Ok(()));
        assert!(matches!(
            s.check(&TokenUse::new(t(0)), true),
            Err(Error::Claims(_))
        ));

        let of = |sub, iat: Option<i64>| TokenUse {
            sub: Some(sub),
            iat: iat.map(t),
            ..TokenUse::new(t(0))
        };
        s.revoke_subject("agent", t(100));
        assert_eq!(
            s.check_revoked(&of("agent", Some(100))),
            Err(Error::Revoked)
        );
        assert_eq!(s.check_revoked(&of("agent", None)), Err(Error::Revoked));
        assert_eq!(s.check_revoked(&of("agent", Some(101))), Ok(()));
        assert_eq!(s.check_revoked(&of("other", Some(1))), Ok(()));
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
                        .filter(|i| rec(&s, &format!("j{i}"), Some(t(99)), t(0)).is_ok())
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
