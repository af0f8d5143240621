//! The caching and refresh rules of a remote JWK Set, sans I/O: a state machine told the time
//! and the outcome of each fetch, which says when to fetch, what to send (`If-None-Match`), and
//! whether a response replaces the keys. [`super::RemoteKeySet`] drives it.

use std::time::Duration;

use crate::error::{Error, RemoteKeysError};
use crate::format::jwk::JwkSet;
use crate::keys::keyset::KeySet;

/// How a remote JWK Set is cached and refreshed. Every setter clamps nonsense (a zero bound, a
/// minimum above the maximum) to something safe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachePolicy {
    pub(crate) min_ttl: Duration,
    pub(crate) max_ttl: Duration,
    pub(crate) default_ttl: Duration,
    pub(crate) refresh_ahead: Duration,
    pub(crate) cooldown: Duration,
    pub(crate) stale_for: Duration,
}

impl Default for CachePolicy {
    /// `max-age` honoured between 1 minute and 24 hours (5 minutes when absent); refresh 1
    /// minute before expiry; at most one unknown-`kid` (or retry) fetch per 30 seconds; the
    /// last good set served for 1 hour past its expiry while refreshes fail.
    fn default() -> Self {
        Self {
            min_ttl: Duration::from_secs(60),
            max_ttl: Duration::from_secs(24 * 3600),
            default_ttl: Duration::from_secs(300),
            refresh_ahead: Duration::from_secs(60),
            cooldown: Duration::from_secs(30),
            stale_for: Duration::from_secs(3600),
        }
    }
}

impl CachePolicy {
    /// The defaults (see [`CachePolicy::default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Bounds on the lifetime taken from `Cache-Control: max-age` (`no-cache`/`no-store` count
    /// as 0, so the minimum applies).
    pub fn ttl_bounds(mut self, min: Duration, max: Duration) -> Self {
        self.min_ttl = min;
        self.max_ttl = max.max(min);
        self.default_ttl = self.default_ttl.clamp(self.min_ttl, self.max_ttl);
        self
    }

    /// The lifetime of a response without `max-age` (clamped to the bounds).
    pub fn default_ttl(mut self, ttl: Duration) -> Self {
        self.default_ttl = ttl.clamp(self.min_ttl, self.max_ttl);
        self
    }

    /// How long before expiry a background refresh starts (at most half the lifetime).
    pub fn refresh_ahead(mut self, ahead: Duration) -> Self {
        self.refresh_ahead = ahead;
        self
    }

    /// The least time between two fetches caused by unknown `kid`s, and between a failed fetch
    /// and the next try.
    pub fn cooldown(mut self, cooldown: Duration) -> Self {
        self.cooldown = cooldown;
        self
    }

    /// How long past its expiry the last good set keeps verifying while every refresh fails;
    /// after that verification fails closed ([`RemoteKeysError::Stale`]).
    pub fn stale_for(mut self, stale_for: Duration) -> Self {
        self.stale_for = stale_for;
        self
    }

    fn ttl(&self, max_age: Option<Duration>) -> i64 {
        ms(max_age
            .unwrap_or(self.default_ttl)
            .clamp(self.min_ttl, self.max_ttl))
    }
}

/// Milliseconds of `d`, saturating.
fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// What caused a fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RefreshTrigger {
    /// The first fetch, or an explicit [`super::RemoteKeySet::refresh`].
    Explicit,
    /// The cached set is close to expiry (or a failed refresh is retried).
    Background,
    /// A token named a `kid` the set does not hold (or no set was fetched yet).
    UnknownKey,
}

/// How a fetch ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefreshOutcome {
    /// A new set replaced the keys: `keys` usable keys, `skipped` entries not usable.
    Updated {
        /// Keys now in the set.
        keys: usize,
        /// Entries of the response that were skipped.
        skipped: usize,
    },
    /// `304 Not Modified`: the parsed keys are kept and their lifetime renewed.
    NotModified,
    /// The fetch or the response failed; the previous set (if any) is kept.
    Failed(Error),
}

/// One refresh, as reported to the callback and by [`super::RemoteKeySet::last_refresh`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefreshEvent {
    /// When the fetch completed, in milliseconds since the Unix epoch (from the set's clock).
    pub at_millis: i64,
    /// What caused it.
    pub trigger: RefreshTrigger,
    /// How it ended.
    pub outcome: RefreshOutcome,
}

/// What a [`super::JwksFetcher`] got.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchResponse {
    /// `200 OK` with a body.
    Modified {
        /// The body (a JWK Set, JSON).
        body: Vec<u8>,
        /// The `ETag`, if any, to send back as `If-None-Match`.
        etag: Option<String>,
        /// `Cache-Control: max-age` (see [`parse_max_age`]).
        max_age: Option<Duration>,
    },
    /// `304 Not Modified`.
    NotModified {
        /// `Cache-Control: max-age`, if the 304 carried one.
        max_age: Option<Duration>,
    },
}

/// The lifetime a `Cache-Control` header value gives: `max-age=N`; `no-cache` or `no-store`
/// give zero (the policy's minimum then applies); `None` if neither is present.
pub fn parse_max_age(cache_control: &str) -> Option<Duration> {
    let mut found = None;
    for directive in cache_control.split(',').map(str::trim) {
        let (name, value) = directive.split_once('=').unwrap_or((directive, ""));
        let name = name.trim();
        if name.eq_ignore_ascii_case("no-store") || name.eq_ignore_ascii_case("no-cache") {
            return Some(Duration::ZERO);
        }
        if name.eq_ignore_ascii_case("max-age") {
            found = value
                .trim()
                .trim_matches('"')
                .parse::<u64>()
                .ok()
                .map(Duration::from_secs);
        }
    }
    found
}

/// The cache: what was fetched, when, and what to do next. Times are milliseconds on the
/// driver's clock.
#[derive(Debug)]
pub(crate) struct CacheState {
    policy: CachePolicy,
    etag: Option<String>,
    /// When the current set expires (`None`: no good set yet).
    expires_at: Option<i64>,
    /// When a background refresh is due.
    refresh_due: i64,
    /// When the last fetch for an unknown key started.
    last_miss_fetch: Option<i64>,
    last: Option<RefreshEvent>,
}

impl CacheState {
    pub(crate) fn new(policy: CachePolicy) -> Self {
        Self {
            policy,
            etag: None,
            expires_at: None,
            refresh_due: i64::MIN,
            last_miss_fetch: None,
            last: None,
        }
    }

    /// Whether a fetch for `trigger` may start at `now`.
    pub(crate) fn may_fetch(&self, now: i64, trigger: RefreshTrigger) -> bool {
        match trigger {
            RefreshTrigger::Explicit => true,
            RefreshTrigger::Background => now >= self.refresh_due,
            RefreshTrigger::UnknownKey => self
                .last_miss_fetch
                .is_none_or(|t| now >= t.saturating_add(ms(self.policy.cooldown))),
        }
    }

    /// A fetch starts: the `ETag` to send as `If-None-Match`.
    pub(crate) fn start(&mut self, now: i64, trigger: RefreshTrigger) -> Option<String> {
        if trigger == RefreshTrigger::UnknownKey {
            self.last_miss_fetch = Some(now);
        }
        // Whatever the outcome, no second background fetch before this one completes.
        self.refresh_due = self
            .refresh_due
            .max(now.saturating_add(ms(self.policy.cooldown)));
        // A 304 is only meaningful for the set we hold.
        self.expires_at.and(self.etag.clone())
    }

    /// A fetch completed: `Some(keys)` when they replace the current ones. Every outcome is
    /// recorded as the last event and returned.
    pub(crate) fn complete(
        &mut self,
        now: i64,
        trigger: RefreshTrigger,
        result: Result<FetchResponse, Error>,
    ) -> (Option<KeySet>, RefreshEvent) {
        let (keys, outcome) = match self.apply(now, result) {
            Ok((Some(keys), outcome)) => (Some(keys), outcome),
            Ok((None, outcome)) => (None, outcome),
            Err(e) => {
                // Retry after the cooldown (never a tight loop against a failing endpoint).
                self.refresh_due = now.saturating_add(ms(self.policy.cooldown));
                (None, RefreshOutcome::Failed(e))
            }
        };
        let event = RefreshEvent {
            at_millis: now,
            trigger,
            outcome,
        };
        self.last = Some(event.clone());
        (keys, event)
    }

    fn apply(
        &mut self,
        now: i64,
        result: Result<FetchResponse, Error>,
    ) -> Result<(Option<KeySet>, RefreshOutcome), Error> {
        match result? {
            FetchResponse::NotModified { max_age } => {
                if self.expires_at.is_none() {
                    // We sent no ETag for a held set: a 304 here is nonsense.
                    return Err(RemoteKeysError::Malformed.into());
                }
                self.renew(now, max_age);
                Ok((None, RefreshOutcome::NotModified))
            }
            FetchResponse::Modified {
                body,
                etag,
                max_age,
            } => {
                let text = core::str::from_utf8(&body).map_err(|_| RemoteKeysError::Malformed)?;
                let set = JwkSet::from_json(text).map_err(|_| RemoteKeysError::Malformed)?;
                let (keys, skipped) = KeySet::from_jwk_set(&set);
                if keys.is_empty() {
                    return Err(RemoteKeysError::NoUsableKeys.into());
                }
                self.etag = etag;
                self.renew(now, max_age);
                let outcome = RefreshOutcome::Updated {
                    keys: keys.len(),
                    skipped: skipped.len(),
                };
                Ok((Some(keys), outcome))
            }
        }
    }

    fn renew(&mut self, now: i64, max_age: Option<Duration>) {
        let ttl = self.policy.ttl(max_age);
        let ahead = ms(self.policy.refresh_ahead).min(ttl / 2);
        self.expires_at = Some(now.saturating_add(ttl));
        self.refresh_due = now.saturating_add(ttl - ahead);
    }

    /// Until when the current set may verify (expiry plus the stale bound); `None`: no set.
    pub(crate) fn serve_until(&self) -> Option<i64> {
        self.expires_at
            .map(|t| t.saturating_add(ms(self.policy.stale_for)))
    }

    /// When a background refresh is due.
    pub(crate) fn refresh_due(&self) -> i64 {
        self.refresh_due
    }

    /// The last completed fetch.
    pub(crate) fn last(&self) -> Option<&RefreshEvent> {
        self.last.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alg::Algorithm;
    use crate::keys::key::SigningKey;

    const S: i64 = 1000;

    fn jwks(n: usize) -> Vec<u8> {
        let keys: Vec<_> = (0..n)
            .map(|_| {
                SigningKey::generate(Algorithm::Ed25519)
                    .unwrap()
                    .verifying_key()
                    .unwrap()
            })
            .collect();
        KeySet::from_keys(keys)
            .unwrap()
            .to_public_jwk_set()
            .to_json()
            .into_bytes()
    }

    fn ok(body: Vec<u8>, etag: Option<&str>, max_age: Option<u64>) -> Result<FetchResponse, Error> {
        Ok(FetchResponse::Modified {
            body,
            etag: etag.map(str::to_owned),
            max_age: max_age.map(Duration::from_secs),
        })
    }

    fn policy() -> CachePolicy {
        CachePolicy::new()
            .ttl_bounds(Duration::from_secs(60), Duration::from_secs(600))
            .refresh_ahead(Duration::from_secs(10))
            .cooldown(Duration::from_secs(30))
            .stale_for(Duration::from_secs(100))
    }

    #[test]
    fn max_age_is_bounded() {
        for (max_age, ttl) in [
            (Some(5), 60),
            (Some(120), 120),
            (Some(99_999), 600),
            (None, 300),
        ] {
            let mut c = CacheState::new(policy());
            let (keys, ev) = c.complete(0, RefreshTrigger::Explicit, ok(jwks(1), None, max_age));
            assert!(keys.is_some());
            assert_eq!(
                ev.outcome,
                RefreshOutcome::Updated {
                    keys: 1,
                    skipped: 0
                }
            );
            assert_eq!(c.serve_until(), Some(ttl * S + 100 * S), "{max_age:?}");
            assert_eq!(c.refresh_due(), (ttl - 10) * S);
        }
        // refresh_ahead is at most half the lifetime.
        let mut c = CacheState::new(policy().refresh_ahead(Duration::from_secs(500)));
        c.complete(0, RefreshTrigger::Explicit, ok(jwks(1), None, Some(60)));
        assert_eq!(c.refresh_due(), 30 * S);
    }

    #[test]
    fn cache_control_parsing() {
        assert_eq!(
            parse_max_age("public, max-age=300"),
            Some(Duration::from_secs(300))
        );
        assert_eq!(
            parse_max_age("Max-Age = \"7\""),
            Some(Duration::from_secs(7))
        );
        assert_eq!(parse_max_age("max-age=300, no-cache"), Some(Duration::ZERO));
        assert_eq!(parse_max_age("no-store"), Some(Duration::ZERO));
        assert_eq!(parse_max_age("public"), None);
        assert_eq!(parse_max_age("max-age=-1"), None);
        assert_eq!(parse_max_age("s-maxage=5"), None);
    }

    #[test]
    fn etag_and_304_keep_the_keys() {
        let mut c = CacheState::new(policy());
        assert_eq!(c.start(0, RefreshTrigger::Explicit), None);
        let (keys, _) = c.complete(
            0,
            RefreshTrigger::Explicit,
            ok(jwks(2), Some("\"v1\""), Some(120)),
        );
        assert_eq!(keys.unwrap().len(), 2);
        assert!(!c.may_fetch(100 * S, RefreshTrigger::Background));
        assert!(c.may_fetch(110 * S, RefreshTrigger::Background));
        assert_eq!(
            c.start(110 * S, RefreshTrigger::Background).as_deref(),
            Some("\"v1\"")
        );
        let (keys, ev) = c.complete(
            111 * S,
            RefreshTrigger::Background,
            Ok(FetchResponse::NotModified {
                max_age: Some(Duration::from_secs(200)),
            }),
        );
        assert!(keys.is_none(), "a 304 keeps the parsed keys");
        assert_eq!(ev.outcome, RefreshOutcome::NotModified);
        assert_eq!(c.serve_until(), Some(311 * S + 100 * S));
        assert_eq!(c.last(), Some(&ev));
        // A 304 without a held set is refused.
        let mut fresh = CacheState::new(policy());
        let (_, ev) = fresh.complete(
            0,
            RefreshTrigger::Explicit,
            Ok(FetchResponse::NotModified { max_age: None }),
        );
        assert_eq!(
            ev.outcome,
            RefreshOutcome::Failed(RemoteKeysError::Malformed.into())
        );
        assert_eq!(fresh.serve_until(), None);
    }

    #[test]
    fn failures_keep_the_set_until_the_stale_bound_and_retry_after_the_cooldown() {
        let mut c = CacheState::new(policy());
        c.complete(0, RefreshTrigger::Explicit, ok(jwks(1), None, Some(60)));
        let until = c.serve_until();
        assert_eq!(until, Some(160 * S));
        for (now, result) in [
            (50 * S, Err(RemoteKeysError::HttpStatus.into())),
            (80 * S, ok(b"{\"keys\":[]}".to_vec(), None, Some(600))),
            (110 * S, ok(b"<html>".to_vec(), None, None)),
            (
                140 * S,
                ok(
                    br#"{"keys":[{"kty":"oct","k":"AAAA","alg":"HS256"}]}"#.to_vec(),
                    None,
                    None,
                ),
            ),
        ] {
            assert!(c.may_fetch(now, RefreshTrigger::Background));
            c.start(now, RefreshTrigger::Background);
            let (keys, ev) = c.complete(now, RefreshTrigger::Background, result);
            assert!(
                keys.is_none(),
                "a failure or an unusable set never replaces a good one"
            );
            assert!(matches!(ev.outcome, RefreshOutcome::Failed(_)));
            assert_eq!(c.serve_until(), until);
            assert!(!c.may_fetch(now + 29 * S, RefreshTrigger::Background));
            assert!(c.may_fetch(now + 30 * S, RefreshTrigger::Background));
        }
        assert_eq!(
            c.last().map(|e| &e.outcome),
            Some(&RefreshOutcome::Failed(
                RemoteKeysError::NoUsableKeys.into()
            ))
        );
    }

    #[test]
    fn unknown_kid_fetches_at_most_once_per_cooldown() {
        let mut c = CacheState::new(policy());
        assert!(c.may_fetch(0, RefreshTrigger::UnknownKey));
        c.start(0, RefreshTrigger::UnknownKey);
        c.complete(S, RefreshTrigger::UnknownKey, ok(jwks(1), None, None));
        let fetches = (0..10_000)
            .map(|i| i * 10)
            .filter(|&now| {
                let may = c.may_fetch(now, RefreshTrigger::UnknownKey);
                if may {
                    c.start(now, RefreshTrigger::UnknownKey);
                }
                may
            })
            .count();
        // 100 s of misses, one fetch per 30 s cooldown: at 30, 60 and 90 s.
        assert_eq!(fetches, 3);
        // An explicit refresh is never held back.
        assert!(c.may_fetch(91 * S, RefreshTrigger::Explicit));
    }
}
