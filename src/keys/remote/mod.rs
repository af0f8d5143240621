//! Remote JWK Sets: [`RemoteKeySet`], an issuer's published keys fetched and cached safely.
//!
//! `cache` holds the caching and refresh rules as a sans-I/O state machine ([`CachePolicy`]);
//! this file drives it with a [`JwksFetcher`] and a [`Clock`]; `http` (cargo feature
//! `remote-http`) is the built-in HTTPS fetcher. May import `keys::keyset`, `format`, `error`
//! and `time`.
//!
//! The rules (libjwt, panva/jose and Nimbus are the references):
//! - `Cache-Control: max-age` is honoured within [`CachePolicy::ttl_bounds`]; `ETag` is sent
//!   back as `If-None-Match`, and a `304` keeps the parsed keys;
//! - a refresh starts in the background [`CachePolicy::refresh_ahead`] of expiry; a token whose
//!   `kid` is known is verified from the current keys without waiting on the network and
//!   without a lock (one atomic load of the key snapshot, two atomic loads of times);
//! - an unknown `kid` (or no set yet) causes at most one fetch per [`CachePolicy::cooldown`],
//!   single-flight: concurrent misses wait for the one fetch in progress instead of starting
//!   their own, so a flood of random `kid`s is one request per cooldown;
//! - when refreshes fail, the last good set keeps verifying for [`CachePolicy::stale_for`] past
//!   its expiry, then verification fails closed ([`RemoteKeysError::Stale`]); a response
//!   that parses to zero usable keys never replaces a good set;
//! - every fetch is reported ([`RemoteKeySetBuilder::on_refresh`], [`RemoteKeySet::last_refresh`]);
//! - keys are parsed once per fetch; a token's `jku`/`x5u` are never fetched (such headers are
//!   refused before key selection).

mod cache;
#[cfg(feature = "remote-http")]
mod http;

use core::fmt;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};

pub use cache::{
    CachePolicy, FetchResponse, RefreshEvent, RefreshOutcome, RefreshTrigger, parse_max_age,
};
#[cfg(feature = "remote-http")]
pub use http::{HttpFetcher, HttpOptions};

use crate::error::{Error, RemoteKeysError};
use crate::keys::keyset::KeySet;
use crate::time::{Clock, SystemClock};
use cache::CacheState;

/// Fetches one JWK Set document. The built-in one is `HttpFetcher` (feature `remote-http`);
/// tests and custom transports implement this.
pub trait JwksFetcher: Send + Sync {
    /// Fetch the document, sending `etag` as `If-None-Match` when given. Errors are
    /// [`Error::RemoteKeys`].
    fn fetch(&self, etag: Option<&str>) -> Result<FetchResponse, Error>;
}

/// A callback told of every completed fetch.
pub type RefreshCallback = Arc<dyn Fn(&RefreshEvent) + Send + Sync>;

/// No set yet: the value of `serve_until`.
const NO_SET: i64 = i64::MIN;

/// Configures a [`RemoteKeySet`].
pub struct RemoteKeySetBuilder {
    fetcher: Arc<dyn JwksFetcher>,
    policy: CachePolicy,
    clock: Arc<dyn Clock>,
    on_refresh: Option<RefreshCallback>,
    background: bool,
}

impl RemoteKeySetBuilder {
    /// The caching policy (default [`CachePolicy::default`]).
    pub fn policy(mut self, policy: CachePolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The clock (default [`SystemClock`]; its [`Clock::now_millis`] is used).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Call `f` after every fetch, from the thread that fetched (keep it short).
    pub fn on_refresh(mut self, f: impl Fn(&RefreshEvent) + Send + Sync + 'static) -> Self {
        self.on_refresh = Some(Arc::new(f));
        self
    }

    /// Whether refreshes before expiry run on a background thread (default) or not at all
    /// (then only [`RemoteKeySet::refresh`] and unknown `kid`s fetch; for tests and for
    /// callers that schedule [`RemoteKeySet::refresh_if_due`] themselves).
    pub fn background_refresh(mut self, on: bool) -> Self {
        self.background = on;
        self
    }

    /// The key set. Nothing is fetched yet: the first verification (or
    /// [`RemoteKeySet::refresh`]) fetches.
    pub fn build(self) -> RemoteKeySet {
        RemoteKeySet {
            inner: Arc::new(Inner {
                keys: KeySet::new(),
                fetcher: self.fetcher,
                clock: self.clock,
                state: Mutex::new(CacheState::new(self.policy)),
                flight: Mutex::new(()),
                generation: AtomicU64::new(0),
                serve_until: AtomicI64::new(NO_SET),
                refresh_due: AtomicI64::new(i64::MIN),
                background_running: AtomicBool::new(false),
                on_refresh: self.on_refresh,
                background: self.background,
            }),
        }
    }
}

/// An issuer's JWK Set, fetched and cached by the rules in the module documentation. Cheap to
/// clone (clones share the cache) and safe to share between threads.
///
/// Verify with [`crate::Validation::verify_with_remote_keys`].
///
/// ```
/// use pqjose::remote::{FetchResponse, JwksFetcher, RemoteKeySet};
/// use pqjose::{Algorithm, Error, KeySet, SigningKey, TokenBuilder, Validation};
///
/// // A fetcher serving a fixed document (the built-in one is `HttpFetcher`, feature `remote-http`).
/// struct Fixed(String);
/// impl JwksFetcher for Fixed {
///     fn fetch(&self, _etag: Option<&str>) -> Result<FetchResponse, Error> {
///         Ok(FetchResponse::Modified { body: self.0.clone().into_bytes(), etag: None, max_age: None })
///     }
/// }
/// let key = SigningKey::generate(Algorithm::MlDsa65)?;
/// let jwks = KeySet::from_keys([key.verifying_key()?])?.to_public_jwk_set().to_json();
/// let remote = RemoteKeySet::builder(Fixed(jwks)).build();
/// let token = TokenBuilder::new().subject("agent-7").sign(&key)?;
/// let verified = Validation::pqc_only().verify_with_remote_keys::<pqjose::CustomClaims>(&token, &remote)?;
/// assert_eq!(verified.claims().subject(), Some("agent-7"));
/// # Ok::<(), pqjose::Error>(())
/// ```
#[derive(Clone)]
pub struct RemoteKeySet {
    inner: Arc<Inner>,
}

struct Inner {
    keys: KeySet,
    fetcher: Arc<dyn JwksFetcher>,
    clock: Arc<dyn Clock>,
    /// The state machine; locked only around the start and the end of a fetch.
    state: Mutex<CacheState>,
    /// Held for the whole of a fetch: single flight.
    flight: Mutex<()>,
    /// Completed fetches.
    generation: AtomicU64,
    /// Mirrors of the state read on the verify path without a lock.
    serve_until: AtomicI64,
    refresh_due: AtomicI64,
    background_running: AtomicBool,
    on_refresh: Option<RefreshCallback>,
    background: bool,
}

impl fmt::Debug for RemoteKeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteKeySet")
            .field("keys", &self.inner.keys)
            .field("last_refresh", &self.last_refresh())
            .finish_non_exhaustive()
    }
}

impl RemoteKeySet {
    /// A builder fetching through `fetcher`.
    pub fn builder(fetcher: impl JwksFetcher + 'static) -> RemoteKeySetBuilder {
        RemoteKeySetBuilder {
            fetcher: Arc::new(fetcher),
            policy: CachePolicy::default(),
            clock: Arc::new(SystemClock),
            on_refresh: None,
            background: true,
        }
    }

    /// A builder fetching the JWK Set at `url` over HTTPS (plain HTTP only with
    /// [`HttpOptions::allow_http`]).
    #[cfg(feature = "remote-http")]
    pub fn from_url(url: &str, options: HttpOptions) -> Result<RemoteKeySetBuilder, Error> {
        Ok(Self::builder(HttpFetcher::new(url, options)?))
    }

    /// A builder fetching the JWK Set named by the issuer's metadata (`jwks_uri` of
    /// `/.well-known/openid-configuration`, else of RFC 8414
    /// `/.well-known/oauth-authorization-server`). The metadata is fetched now, once.
    #[cfg(feature = "remote-http")]
    pub fn discover(issuer: &str, options: HttpOptions) -> Result<RemoteKeySetBuilder, Error> {
        Ok(Self::builder(HttpFetcher::discover(issuer, options)?))
    }

    /// The keys now in force (empty before the first successful fetch). Verification through
    /// [`crate::Validation::verify_with_remote_keys`] also enforces the stale bound and starts
    /// refreshes; reading this does neither.
    pub fn key_set(&self) -> &KeySet {
        &self.inner.keys
    }

    /// The last completed fetch, if any.
    pub fn last_refresh(&self) -> Option<RefreshEvent> {
        self.inner.lock_state().last().cloned()
    }

    /// Fetch now (waiting for a fetch already in progress rather than starting a second one)
    /// and return its outcome.
    pub fn refresh(&self) -> Result<(), Error> {
        let gen0 = self.inner.generation.load(Ordering::Acquire);
        let _flight = self.inner.lock_flight();
        if self.inner.generation.load(Ordering::Acquire) != gen0 {
            // A fetch completed while we waited: that is our refresh.
            return self.last_outcome();
        }
        self.inner.fetch(RefreshTrigger::Explicit);
        self.last_outcome()
    }

    /// Refresh (on this thread) if a refresh is due; for callers that turned the background
    /// thread off.
    pub fn refresh_if_due(&self) {
        self.inner.fetch_if(RefreshTrigger::Background);
    }

    fn last_outcome(&self) -> Result<(), Error> {
        match self.last_refresh().map(|e| e.outcome) {
            Some(RefreshOutcome::Failed(e)) => Err(e),
            Some(_) => Ok(()),
            None => Err(RemoteKeysError::Unavailable.into()),
        }
    }

    /// The verify path: the keys, if they may still verify at the clock's now. Lock-free; may
    /// start a background refresh.
    pub(crate) fn current(&self) -> Result<&KeySet, Error> {
        let inner = &self.inner;
        let now = inner.clock.now_millis();
        let until = inner.serve_until.load(Ordering::Acquire);
        if until == NO_SET {
            return Err(RemoteKeysError::Unavailable.into());
        }
        if now >= inner.refresh_due.load(Ordering::Acquire) {
            inner.start_background(self);
        }
        if now > until {
            return Err(RemoteKeysError::Stale.into());
        }
        Ok(&inner.keys)
    }

    /// Run `verify` on the keys now in force, with the refresh rule of
    /// [`crate::Validation::verify_with_remote_keys`]: when it finds no key
    /// ([`Error::KeyNotFound`], or no usable set yet) the set is refreshed unless the cooldown
    /// forbids it (single-flight), and `verify` runs once more on the keys then in force; past
    /// the stale bound it is not run ([`RemoteKeysError::Stale`]). For verifications other than
    /// a `Validation`'s, such as a signature-only check of a JWS over arbitrary bytes.
    pub fn with_keys<R>(&self, verify: impl Fn(&KeySet) -> Result<R, Error>) -> Result<R, Error> {
        match self.current().and_then(&verify) {
            Err(Error::KeyNotFound | Error::RemoteKeys(RemoteKeysError::Unavailable))
                if self.refresh_for_unknown_key() =>
            {
                verify(self.current()?)
            }
            other => other,
        }
    }

    /// The miss path: a token's key is not in the set (or there is no usable set). Fetch
    /// unless the cooldown forbids it; concurrent callers share one fetch. Returns whether a
    /// fetch completed since the call began, so a retry may find the key.
    pub(crate) fn refresh_for_unknown_key(&self) -> bool {
        let inner = &self.inner;
        let gen0 = inner.generation.load(Ordering::Acquire);
        let _flight = match inner.flight.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => {
                // A fetch is under way: wait for it rather than start another.
                let _wait = inner.lock_flight();
                return inner.generation.load(Ordering::Acquire) != gen0;
            }
        };
        if inner.generation.load(Ordering::Acquire) != gen0 {
            return true;
        }
        inner.fetch_locked_if(RefreshTrigger::UnknownKey)
    }
}

impl Inner {
    fn lock_state(&self) -> MutexGuard<'_, CacheState> {
        // Every critical section leaves the state consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_flight(&self) -> MutexGuard<'_, ()> {
        self.flight.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn start_background(&self, set: &RemoteKeySet) {
        if !self.background
            || self
                .background_running
                .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
        {
            return;
        }
        let handle = set.clone();
        let spawned = std::thread::Builder::new()
            .name("pqjose-jwks-refresh".into())
            .spawn(move || {
                handle.inner.fetch_if(RefreshTrigger::Background);
                handle
                    .inner
                    .background_running
                    .store(false, Ordering::Release);
            });
        if spawned.is_err() {
            // No thread now; the next verification tries again.
            self.background_running.store(false, Ordering::Release);
        }
    }

    /// Take the flight lock and fetch if `trigger` allows it now.
    fn fetch_if(&self, trigger: RefreshTrigger) -> bool {
        let _flight = self.lock_flight();
        self.fetch_locked_if(trigger)
    }

    /// With the flight lock held: fetch if `trigger` allows it now.
    fn fetch_locked_if(&self, trigger: RefreshTrigger) -> bool {
        if !self
            .lock_state()
            .may_fetch(self.clock.now_millis(), trigger)
        {
            return false;
        }
        self.fetch(trigger);
        true
    }

    /// With the flight lock held: one fetch, its outcome applied, published and reported.
    fn fetch(&self, trigger: RefreshTrigger) {
        let etag = self.lock_state().start(self.clock.now_millis(), trigger);
        self.refresh_due
            .store(self.lock_state().refresh_due(), Ordering::Release);
        // No lock but the flight lock is held across the network call.
        let result = self.fetcher.fetch(etag.as_deref());
        let now = self.clock.now_millis();
        let event = {
            let mut state = self.lock_state();
            let (keys, event) = state.complete(now, trigger, result);
            if let Some(keys) = keys {
                self.keys.replace_with(&keys);
            }
            self.serve_until
                .store(state.serve_until().unwrap_or(NO_SET), Ordering::Release);
            self.refresh_due
                .store(state.refresh_due(), Ordering::Release);
            event
        };
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(f) = &self.on_refresh {
            f(&event);
        }
    }
}

#[cfg(test)]
mod tests;
