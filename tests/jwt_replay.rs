//! Replay and revocation through the validator's replay store.

mod jwt_support;

use std::sync::Arc;
use std::time::Duration;

use jwt_support::*;
use pqjose::{
    Algorithm, ClaimsError, CustomClaims, Error, FixedClock, MemoryReplayStore, NumericDate,
    RegisteredClaim, ReplayStore, TokenUse, Validation,
};

fn setup() -> (TestKey, Arc<MemoryReplayStore>, Validation) {
    let k = key(Algorithm::MlDsa65, "k1");
    let store = Arc::new(MemoryReplayStore::new(1_000));
    let v = validation().audience("gw").replay_store(store.clone());
    (k, store, v)
}

fn verify(v: &Validation, token: &str, k: &TestKey) -> Result<(), Error> {
    v.verify::<CustomClaims>(token, &*k.verifier).map(drop)
}

#[test]
fn a_jti_is_accepted_once() {
    let (k, store, v) = setup();
    let b = builder().audience("gw");
    let t1 = b.sign(&*k.signer).unwrap();
    let t2 = b.sign(&*k.signer).unwrap();
    assert_eq!(verify(&v, &t1, &k), Ok(()));
    assert_eq!(verify(&v, &t1, &k), Err(Error::Replayed));
    assert_eq!(verify(&v, &t2, &k), Ok(()));
    assert_eq!(verify(&v, &t2, &k), Err(Error::Replayed));
    assert_eq!(store.len(), 2);
    // Through a key set as well.
    let set = pqjose::KeySet::new();
    set.add_verifier(k.verifier.clone()).unwrap();
    assert_eq!(
        v.verify_with_keys::<CustomClaims>(&t1, &set).map(drop),
        Err(Error::Replayed)
    );
}

#[test]
fn a_refused_token_does_not_use_up_its_jti() {
    let (k, _store, v) = setup();
    let token = builder().audience("gw").sign(&*k.signer).unwrap();
    let wrong_audience = validation()
        .audience("elsewhere")
        .replay_store(Arc::new(MemoryReplayStore::new(10)));
    assert_eq!(
        verify(&wrong_audience, &token, &k),
        Err(ClaimsError::Audience.into())
    );
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Needs {
        budget: u32,
    }
    assert_eq!(
        v.verify::<Needs>(&token, &*k.verifier).map(drop),
        Err(ClaimsError::Deserialize.into())
    );
    assert_eq!(verify(&v, &token, &k), Ok(()));
    assert_eq!(verify(&v, &token, &k), Err(Error::Replayed));
}

#[test]
fn single_use_requires_a_jti() {
    let (k, _store, v) = setup();
    let token = builder()
        .audience("gw")
        .without_jwt_id()
        .sign(&*k.signer)
        .unwrap();
    assert_eq!(
        verify(&v, &token, &k),
        Err(ClaimsError::Missing(RegisteredClaim::JwtId.into()).into())
    );
}

#[test]
fn revoked_jti_and_kid() {
    let (k, store, v) = setup();
    let b = builder().audience("gw");
    let t1 = b.clone().jwt_id("task-1").sign(&*k.signer).unwrap();
    store
        .revoke_jti(
            "task-1",
            Some(NumericDate::from_secs(NOW + 600)),
            NumericDate::from_secs(NOW),
        )
        .unwrap();
    assert_eq!(verify(&v, &t1, &k), Err(Error::Revoked));

    let t2 = b.sign(&*k.signer).unwrap();
    store.revoke_kid("k1");
    assert_eq!(verify(&v, &t2, &k), Err(Error::Revoked));
    assert!(store.unrevoke_kid("k1"));
    assert_eq!(verify(&v, &t2, &k), Ok(()));

    // Revocation without single use: the same token may be used again until revoked.
    let revocations = Arc::new(MemoryReplayStore::new(10));
    let v = validation()
        .audience("gw")
        .revocation_store(revocations.clone());
    let t3 = b.sign(&*k.signer).unwrap();
    assert_eq!(verify(&v, &t3, &k), Ok(()));
    assert_eq!(verify(&v, &t3, &k), Ok(()));
    revocations.revoke_kid("k1");
    assert_eq!(verify(&v, &t3, &k), Err(Error::Revoked));
}

#[test]
fn entries_are_forgotten_after_expiry_and_the_store_is_bounded() {
    let k = key(Algorithm::MlDsa65, "k1");
    let clock = Arc::new(FixedClock::at_secs(NOW));
    let store = Arc::new(MemoryReplayStore::new(3));
    let v = Validation::new()
        .clock(clock.clone())
        .replay_store(store.clone());
    let b = builder().ttl(Duration::from_secs(60));
    let tokens: Vec<String> = (0..4).map(|_| b.sign(&*k.signer).unwrap()).collect();
    for t in &tokens[..3] {
        assert_eq!(verify(&v, t, &k), Ok(()));
    }
    // Full of unexpired entries: refuse (fail closed) rather than forget early.
    assert_eq!(verify(&v, &tokens[3], &k), Err(Error::ReplayStoreFull));
    // Once they expired (exp + leeway), they are forgotten, and their tokens are expired anyway.
    clock.advance(Duration::from_secs(60 + 30));
    let fresh = builder()
        .clock(FixedClock::at_secs(NOW + 90))
        .sign(&*k.signer)
        .unwrap();
    assert_eq!(verify(&v, &fresh, &k), Ok(()));
    assert_eq!(store.len(), 1);
    assert_eq!(verify(&v, &tokens[0], &k), Err(ClaimsError::Expired.into()));
}

#[test]
fn concurrent_replays_accept_exactly_one() {
    let (k, _store, v) = setup();
    let token = builder().audience("gw").sign(&*k.signer).unwrap();
    let oks: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| usize::from(verify(&v, &token, &k).is_ok())))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(oks, 1);
}

/// A custom store that is unreachable: the validator fails closed.
struct Down;
impl ReplayStore for Down {
    fn check_revoked(&self, _: &TokenUse<'_>) -> Result<(), Error> {
        Err(Error::ReplayStoreUnavailable)
    }
    fn record_use(&self, _: &str, _: &TokenUse<'_>) -> Result<(), Error> {
        Err(Error::ReplayStoreUnavailable)
    }
}

#[test]
fn store_errors_fail_closed() {
    let k = key(Algorithm::MlDsa65, "k1");
    let token = builder().sign(&*k.signer).unwrap();
    let v = validation().replay_store(Arc::new(Down));
    assert_eq!(verify(&v, &token, &k), Err(Error::ReplayStoreUnavailable));
}
