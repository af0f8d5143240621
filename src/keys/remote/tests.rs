//! The driver with a scripted fetcher and a fixed clock (no network).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::*;
use crate::alg::Algorithm;
use crate::jwt::{CustomClaims, TokenBuilder, Validation};
use crate::keys::key::SigningKey;
use crate::time::{FixedClock, NumericDate};

const T0: i64 = 1_900_000_000;

/// Serves whatever `body` holds now (`None`: fails), counting fetches, optionally slowly.
#[derive(Default)]
struct Script {
    body: Mutex<Option<String>>,
    fetches: AtomicUsize,
    delay: Duration,
}

impl JwksFetcher for Arc<Script> {
    fn fetch(&self, _etag: Option<&str>) -> Result<FetchResponse, Error> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(self.delay);
        match self.body.lock().unwrap().clone() {
            Some(b) => Ok(FetchResponse::Modified {
                body: b.into_bytes(),
                etag: None,
                max_age: Some(Duration::from_secs(300)),
            }),
            None => Err(RemoteKeysError::HttpStatus.into()),
        }
    }
}

fn jwks(keys: &[&SigningKey]) -> String {
    KeySet::from_keys(keys.iter().map(|k| k.verifying_key().unwrap()))
        .unwrap()
        .to_public_jwk_set()
        .to_json()
}

fn policy() -> CachePolicy {
    CachePolicy::new()
        .ttl_bounds(Duration::from_secs(60), Duration::from_secs(3600))
        .refresh_ahead(Duration::from_secs(30))
        .cooldown(Duration::from_secs(10))
        .stale_for(Duration::from_secs(120))
}

struct Fixture {
    script: Arc<Script>,
    clock: Arc<FixedClock>,
    remote: RemoteKeySet,
    validation: Validation,
    events: Arc<Mutex<Vec<RefreshEvent>>>,
}

fn fixture(delay: Duration, key: &SigningKey) -> Fixture {
    let script = Arc::new(Script {
        body: Mutex::new(Some(jwks(&[key]))),
        delay,
        ..Script::default()
    });
    let clock = Arc::new(FixedClock::at_secs(T0));
    let events = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&events);
    let remote = RemoteKeySet::builder(Arc::clone(&script))
        .policy(policy())
        .clock(Arc::clone(&clock))
        .background_refresh(false)
        .on_refresh(move |e| log.lock().unwrap().push(e.clone()))
        .build();
    let validation = Validation::new().clock(Arc::clone(&clock));
    Fixture {
        script,
        clock,
        remote,
        validation,
        events,
    }
}

fn token(key: &SigningKey, now: i64) -> String {
    TokenBuilder::new()
        .clock(FixedClock::at_secs(now))
        .ttl(Duration::from_secs(3600))
        .sign(key)
        .unwrap()
}

impl Fixture {
    fn verify(&self, token: &str) -> Result<(), Error> {
        self.validation
            .verify_with_remote_keys::<CustomClaims>(token, &self.remote)
            .map(|_| ())
    }
    fn fetches(&self) -> usize {
        self.script.fetches.load(Ordering::SeqCst)
    }
}

fn ed() -> SigningKey {
    SigningKey::generate(Algorithm::Ed25519).unwrap()
}

#[test]
fn first_use_fetches_then_known_kids_never_fetch() {
    let k = ed();
    let f = fixture(Duration::ZERO, &k);
    assert_eq!(f.remote.last_refresh(), None);
    for _ in 0..100 {
        assert_eq!(f.verify(&token(&k, T0)), Ok(()));
    }
    assert_eq!(f.fetches(), 1);
    let last = f.remote.last_refresh().unwrap();
    assert_eq!(last.trigger, RefreshTrigger::UnknownKey);
    assert_eq!(
        last.outcome,
        RefreshOutcome::Updated {
            keys: 1,
            skipped: 0
        }
    );
    assert_eq!(last.at_millis, T0 * 1000);
    assert_eq!(f.events.lock().unwrap().len(), 1);
}

#[test]
fn rotation_is_picked_up_on_an_unknown_kid_once_per_cooldown() {
    let (old, new) = (ed(), ed());
    let f = fixture(Duration::ZERO, &old);
    assert_eq!(f.verify(&token(&old, T0)), Ok(()));
    *f.script.body.lock().unwrap() = Some(jwks(&[&old, &new]));
    // Within the cooldown of the first fetch: the new kid is not fetched for.
    assert_eq!(f.verify(&token(&new, T0)), Err(Error::KeyNotFound));
    assert_eq!(f.fetches(), 1);
    f.clock.advance(Duration::from_secs(10));
    assert_eq!(f.verify(&token(&new, T0)), Ok(()));
    assert_eq!(f.fetches(), 2);
    // A flood of unknown kids: no further fetch within the cooldown.
    let stranger = ed();
    for _ in 0..1000 {
        assert_eq!(f.verify(&token(&stranger, T0)), Err(Error::KeyNotFound));
    }
    assert_eq!(f.fetches(), 2);
    assert_eq!(f.verify(&token(&old, T0)), Ok(()));
}

#[test]
fn concurrent_misses_share_one_fetch() {
    let k = ed();
    let f = fixture(Duration::from_millis(200), &k);
    let t = token(&k, T0);
    let oks = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16).map(|_| s.spawn(|| f.verify(&t).is_ok())).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .filter(|ok| *ok)
            .count()
    });
    assert_eq!(oks, 16);
    assert_eq!(f.fetches(), 1);
}

#[test]
fn failing_endpoint_serves_stale_then_fails_closed_then_recovers() {
    let k = ed();
    let f = fixture(Duration::ZERO, &k);
    let t = token(&k, T0);
    assert_eq!(f.verify(&t), Ok(()));
    *f.script.body.lock().unwrap() = None;
    // Expires at T0+300; refresh due at T0+270, retried every 10 s, always failing.
    for step in (270..=420).step_by(10) {
        f.clock.set(NumericDate::from_secs(T0 + step));
        f.remote.refresh_if_due();
        assert_eq!(
            f.verify(&t),
            Ok(()),
            "stale but within the bound at +{step}"
        );
    }
    assert!(f.fetches() >= 15);
    f.clock.set(NumericDate::from_secs(T0 + 421));
    assert_eq!(
        f.verify(&t),
        Err(RemoteKeysError::Stale.into()),
        "past expiry + stale bound: fail closed"
    );
    assert!(matches!(
        f.remote.last_refresh().unwrap().outcome,
        RefreshOutcome::Failed(_)
    ));
    // The endpoint comes back: the next refresh restores verification.
    *f.script.body.lock().unwrap() = Some(jwks(&[&k]));
    f.clock.advance(Duration::from_secs(10));
    f.remote.refresh_if_due();
    assert_eq!(f.verify(&t), Ok(()));
}

#[test]
fn an_empty_set_never_replaces_a_good_one() {
    let k = ed();
    let f = fixture(Duration::ZERO, &k);
    assert_eq!(f.remote.refresh(), Ok(()));
    *f.script.body.lock().unwrap() = Some(r#"{"keys":[]}"#.into());
    assert_eq!(
        f.remote.refresh(),
        Err(RemoteKeysError::NoUsableKeys.into())
    );
    assert_eq!(f.verify(&token(&k, T0)), Ok(()));
    assert_eq!(f.remote.key_set().len(), 1);
}

#[test]
fn background_refresh_runs_off_the_verify_path() {
    let (old, new) = (ed(), ed());
    let script = Arc::new(Script {
        body: Mutex::new(Some(jwks(&[&old]))),
        ..Script::default()
    });
    let clock = Arc::new(FixedClock::at_secs(T0));
    let remote = RemoteKeySet::builder(Arc::clone(&script))
        .policy(policy())
        .clock(Arc::clone(&clock))
        .build();
    let v = Validation::new().clock(Arc::clone(&clock));
    remote.refresh().unwrap();
    *script.body.lock().unwrap() = Some(jwks(&[&old, &new]));
    clock.set(NumericDate::from_secs(T0 + 271));
    // Due: this verification starts a background fetch and returns with the current keys.
    assert!(
        v.verify_with_remote_keys::<CustomClaims>(&token(&old, T0), &remote)
            .is_ok()
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while script.fetches.load(Ordering::SeqCst) < 2 || remote.key_set().len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "background refresh did not run"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(
        remote.last_refresh().unwrap().trigger,
        RefreshTrigger::Background
    );
}
