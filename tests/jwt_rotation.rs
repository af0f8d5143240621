//! Key rotation while other threads verify: no torn state, no wrong accept.

mod jwt_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use jwt_support::*;
use pqjose::{
    Algorithm, CustomClaims, Error, FixedClock, KeySet, KeyStatus, NumericDate, Validation,
};

fn add(set: &KeySet, k: &TestKey) {
    match &k.public {
        Some(vk) => set.add(vk.clone()).unwrap(),
        None => set.add_verifier(k.verifier.clone()).unwrap(),
    }
}

#[test]
fn retire_with_overlap_then_remove() {
    let old = key(Algorithm::MlDsa65, "2024-old");
    let new = key(Algorithm::MlDsa65, "2025-new");
    let clock = Arc::new(FixedClock::at_secs(NOW));
    let v = Validation::new().clock(clock.clone());
    let set = KeySet::new();
    add(&set, &old);
    let t_old = builder()
        .ttl(Duration::from_secs(3600))
        .sign(&*old.signer)
        .unwrap();
    assert!(v.verify_with_keys::<CustomClaims>(&t_old, &set).is_ok());

    // Rotate: the new key signs from now on; the old one verifies for ten more minutes.
    add(&set, &new);
    set.retire("2024-old", Some(NumericDate::from_secs(NOW + 600)))
        .unwrap();
    let t_new = builder().sign(&*new.signer).unwrap();
    assert!(v.verify_with_keys::<CustomClaims>(&t_new, &set).is_ok());
    assert!(v.verify_with_keys::<CustomClaims>(&t_old, &set).is_ok());
    clock.set(NumericDate::from_secs(NOW + 600));
    assert!(v.verify_with_keys::<CustomClaims>(&t_old, &set).is_ok());
    clock.set(NumericDate::from_secs(NOW + 601));
    assert_eq!(
        v.verify_with_keys::<CustomClaims>(&t_old, &set).map(drop),
        Err(Error::KeyNotFound)
    );
    assert_eq!(
        set.keys().iter().map(|k| k.status).collect::<Vec<_>>(),
        [
            KeyStatus::Retiring(NumericDate::from_secs(NOW + 600)),
            KeyStatus::Active
        ]
    );
    assert_eq!(set.purge_retired(NumericDate::from_secs(NOW + 601)), 1);
    assert_eq!(set.len(), 1);

    // Retire at once, then remove.
    set.retire("2025-new", None).unwrap();
    clock.set(NumericDate::from_secs(NOW));
    assert_eq!(
        v.verify_with_keys::<CustomClaims>(&t_new, &set).map(drop),
        Err(Error::KeyNotFound)
    );
    set.remove("2025-new").unwrap();
    assert!(set.is_empty());
    assert_eq!(set.remove("2025-new"), Err(Error::KeyNotFound));
}

#[test]
fn concurrent_rotation_never_accepts_a_wrong_token() {
    let stable = key(Algorithm::MlDsa65, "stable");
    let rotating: Vec<TestKey> = (0..4)
        .map(|i| key(Algorithm::MlDsa65, &format!("rot-{i}")))
        .collect();
    let outsider = key(Algorithm::MlDsa65, "outsider");
    // Signed by the outsider but claiming a trusted kid: must never verify.
    let impostor = forge(
        &*outsider.signer,
        r#"{"alg":"ML-DSA-65","kid":"stable"}"#,
        payload("").as_bytes(),
    );
    let kidless_outsider = forge(
        &*outsider.signer,
        r#"{"alg":"ML-DSA-65"}"#,
        payload("").as_bytes(),
    );

    let set = Arc::new(KeySet::new());
    add(&set, &stable);
    let v = validation();
    let t_stable = builder().sign(&*stable.signer).unwrap();
    let t_outsider = builder().sign(&*outsider.signer).unwrap();
    let t_rot: Vec<String> = rotating
        .iter()
        .map(|k| builder().sign(&*k.signer).unwrap())
        .collect();

    let done = AtomicBool::new(false);
    let rot_accepts = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                let mut rounds = 0;
                while !done.load(Ordering::Relaxed) || rounds < 20 {
                    rounds += 1;
                    let ok = v.verify_with_keys::<CustomClaims>(&t_stable, &set).unwrap();
                    assert_eq!(ok.kid(), Some("stable"));
                    for bad in [&t_outsider, &impostor, &kidless_outsider] {
                        assert!(v.verify_with_keys::<CustomClaims>(bad, &set).is_err());
                    }
                    for (i, t) in t_rot.iter().enumerate() {
                        match v.verify_with_keys::<CustomClaims>(t, &set) {
                            Ok(verified) => {
                                // Accepted only by its own key.
                                assert_eq!(verified.kid(), Some(rotating[i].kid()));
                                rot_accepts.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(e) => assert_eq!(e, Error::KeyNotFound),
                        }
                    }
                }
            });
        }
        s.spawn(|| {
            for round in 0..200 {
                let k = &rotating[round % rotating.len()];
                add(&set, k);
                if round == 0 {
                    // Make sure the readers really see a rotating key while it is present.
                    while rot_accepts.load(Ordering::Relaxed) == 0 {
                        std::thread::yield_now();
                    }
                }
                std::thread::yield_now();
                let export = set.to_public_jwk_set();
                assert!(export.keys().len() <= rotating.len() + 1);
                match round % 3 {
                    0 => set
                        .retire(k.kid(), Some(NumericDate::from_secs(NOW + 5)))
                        .unwrap(),
                    1 => set.retire(k.kid(), None).unwrap(),
                    _ => {}
                }
                set.remove(k.kid()).unwrap();
            }
            done.store(true, Ordering::Relaxed);
        });
    });
    // Every rotating key was removed in the end.
    for t in &t_rot {
        assert_eq!(
            v.verify_with_keys::<CustomClaims>(t, &set).map(drop),
            Err(Error::KeyNotFound)
        );
    }
    assert_eq!(set.len(), 1);
    assert!(rot_accepts.load(Ordering::Relaxed) > 0);
    eprintln!(
        "rotation: {} accepts of rotating keys during 200 rotations",
        rot_accepts.load(Ordering::Relaxed)
    );
}

#[test]
fn set_is_shareable() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<KeySet>();
    assert_send_sync::<Validation>();
    assert_send_sync::<pqjose::MemoryReplayStore>();
    assert_send_sync::<FixedClock>();
}
