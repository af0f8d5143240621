//! Concurrency stress: many threads verify while keys rotate, `kid`s are re-bound to new keys,
//! and the set is exported and purged. No wrong accept, no panic, no deadlock.
//!
//! "Wrong accept" is checked against a generation counter per slot: the writer replaces the
//! key behind a slot's `kid` and then bumps the counter, so a token of generation `h` can only
//! verify while the counter is in `h-1 ..= h`. A reader samples the counter before (`a`) and
//! after (`b`) each verification; an accept needs `a <= h <= b + 1`. Keys never added (an
//! outsider, forged kids) must never verify.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use pqjose::{
    Algorithm, CustomClaims, Error, FixedClock, KeySet, NumericDate, SigningKey, TokenBuilder,
    Validation, VerifyingKey,
};

const NOW: i64 = 1_700_000_000;
const SLOTS: usize = 3;
const GENERATIONS: usize = 60;
const READERS: usize = 8;

/// Generation `g` of slot `s`: a key under kid `slot-s` (re-used across generations).
struct Slot {
    alg: Algorithm,
    kid: String,
    keys: Vec<VerifyingKey>,
    /// Tokens per generation: with the slot's kid, and without any kid.
    with_kid: Vec<String>,
    kidless: Vec<String>,
    generation: AtomicUsize,
}

fn token(sk: &SigningKey, kid: bool) -> String {
    let b = TokenBuilder::new()
        .issuer("iss")
        .audience("aud")
        .clock(FixedClock::at_secs(NOW))
        .ttl(Duration::from_secs(3600));
    if kid {
        b.sign(sk).unwrap()
    } else {
        // Header without kid: sign through a signer that reports none.
        struct NoKid<'a>(&'a SigningKey);
        impl pqjose::JwsSigner for NoKid<'_> {
            fn algorithm(&self) -> Algorithm {
                pqjose::JwsSigner::algorithm(self.0)
            }
            fn sign(&self, input: &[u8]) -> Result<Vec<u8>, Error> {
                pqjose::JwsSigner::sign(self.0, input)
            }
        }
        b.sign(&NoKid(sk)).unwrap()
    }
}

fn slot(index: usize, alg: Algorithm) -> Slot {
    let kid = format!("slot-{index}");
    let mut keys = Vec::new();
    let mut with_kid = Vec::new();
    let mut kidless = Vec::new();
    for _ in 0..GENERATIONS {
        let sk = SigningKey::generate(alg).unwrap().with_kid(&kid).unwrap();
        keys.push(sk.verifying_key().unwrap());
        with_kid.push(token(&sk, true));
        kidless.push(token(&sk, false));
    }
    Slot {
        alg,
        kid,
        keys,
        with_kid,
        kidless,
        generation: AtomicUsize::new(0),
    }
}

#[test]
fn many_readers_while_keys_rotate() {
    let slots: Vec<Slot> = [Algorithm::Ed25519, Algorithm::MlDsa44, Algorithm::Es256]
        .into_iter()
        .enumerate()
        .map(|(i, alg)| slot(i, alg))
        .collect();
    assert_eq!(slots.len(), SLOTS);
    // Never in the set: an outsider with a trusted kid, and an HMAC key under a slot's kid.
    let outsider = SigningKey::generate(Algorithm::Ed25519)
        .unwrap()
        .with_kid("slot-0")
        .unwrap();
    let forged = [
        token(&outsider, true),
        token(&outsider, false),
        token(
            &SigningKey::from_hmac_secret(Algorithm::Hs256, &[7u8; 32])
                .unwrap()
                .with_kid("slot-1")
                .unwrap(),
            true,
        ),
    ];
    let stable = SigningKey::generate(Algorithm::MlDsa65)
        .unwrap()
        .with_kid("stable")
        .unwrap();
    let stable_token = token(&stable, true);

    let set = KeySet::new();
    set.add(stable.verifying_key().unwrap()).unwrap();
    // An HMAC key under another kid: symmetric keys share the set without confusion.
    set.add(
        VerifyingKey::from_hmac_secret(Algorithm::Hs256, &[9u8; 32])
            .unwrap()
            .with_kid("hmac")
            .unwrap(),
    )
    .unwrap();
    for s in &slots {
        set.add(s.keys[0].clone()).unwrap();
    }
    let validation = Validation::new()
        .issuer("iss")
        .audience("aud")
        .clock(FixedClock::at_secs(NOW + 1));

    let done = AtomicBool::new(false);
    let accepts = AtomicUsize::new(0);
    let rejects = AtomicUsize::new(0);
    let verifications = AtomicUsize::new(0);
    let started = Instant::now();

    std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for r in 0..READERS {
            let (slots, set, validation) = (&slots, &set, &validation);
            let (done, accepts, rejects, verifications) =
                (&done, &accepts, &rejects, &verifications);
            let (forged, stable_token) = (&forged, &stable_token);
            handles.push(scope.spawn(move || {
                let mut round = 0usize;
                while !done.load(Ordering::Acquire) || round < 4 {
                    round += 1;
                    let ok = validation
                        .verify_with_keys::<CustomClaims>(stable_token, set)
                        .expect("the stable key always verifies");
                    assert_eq!(ok.kid(), Some("stable"));
                    for f in forged {
                        assert!(
                            validation.verify_with_keys::<CustomClaims>(f, set).is_err(),
                            "forged token accepted"
                        );
                    }
                    for (si, s) in slots.iter().enumerate() {
                        // Probe the current generation, its neighbours and an old one.
                        let cur = s.generation.load(Ordering::Acquire);
                        let probes = [
                            cur,
                            cur + 1,
                            cur.saturating_sub(1),
                            (round + r) % GENERATIONS,
                        ];
                        for &h in probes.iter().filter(|&&h| h < GENERATIONS) {
                            let tokens = if (round + si).is_multiple_of(2) {
                                &s.with_kid
                            } else {
                                &s.kidless
                            };
                            let a = s.generation.load(Ordering::Acquire);
                            let result =
                                validation.verify_with_keys::<CustomClaims>(&tokens[h], set);
                            let b = s.generation.load(Ordering::Acquire);
                            verifications.fetch_add(1, Ordering::Relaxed);
                            match result {
                                Ok(v) => {
                                    assert!(
                                        a <= h && h <= b + 1,
                                        "{}: generation {h} accepted while the set held {a}..={b}",
                                        s.kid
                                    );
                                    assert_eq!(v.kid(), Some(s.kid.as_str()));
                                    assert_eq!(v.algorithm(), s.alg);
                                    accepts.fetch_add(1, Ordering::Relaxed);
                                }
                                Err(Error::KeyNotFound | Error::InvalidSignature) => {
                                    rejects.fetch_add(1, Ordering::Relaxed);
                                }
                                Err(e) => panic!("unexpected error {e:?}"),
                            }
                        }
                    }
                }
            }));
        }
        // Exporter: reads the set while it changes.
        let (set_ref, done_ref) = (&set, &done);
        handles.push(scope.spawn(move || {
            while !done_ref.load(Ordering::Acquire) {
                let export = set_ref.to_public_jwk_set();
                // stable + at most two keys per slot (old and new during a swap); never HMAC.
                assert!(export.keys().len() <= 1 + 2 * SLOTS);
                assert!(export.keys().iter().all(|k| k.kty() != "oct"));
                assert!(set_ref.keys().len() <= 2 + 2 * SLOTS);
                std::thread::yield_now();
            }
        }));
        // Writer: rotate each slot through every generation, re-binding its kid.
        let (slots_ref, set_ref, done_ref) = (&slots, &set, &done);
        let verifications_ref = &verifications;
        handles.push(scope.spawn(move || {
            for g in 1..GENERATIONS {
                for s in slots_ref {
                    match g % 3 {
                        // Retire with overlap; a second key under the same kid and
                        // algorithm is refused or not, either way drop them and add the new.
                        0 => {
                            set_ref
                                .retire(&s.kid, Some(NumericDate::from_secs(NOW + 60)))
                                .unwrap();
                            let _ = set_ref.add(s.keys[g].clone());
                            set_ref.remove(&s.kid).unwrap();
                            set_ref.add(s.keys[g].clone()).unwrap();
                        }
                        // Retire at once, then purge, then add.
                        1 => {
                            set_ref.retire(&s.kid, None).unwrap();
                            set_ref.purge_retired(NumericDate::from_secs(NOW));
                            set_ref.add(s.keys[g].clone()).unwrap();
                        }
                        // Remove, then add.
                        _ => {
                            set_ref.remove(&s.kid).unwrap();
                            set_ref.add(s.keys[g].clone()).unwrap();
                        }
                    }
                    s.generation.store(g, Ordering::Release);
                    // Let the readers run against each state of the set.
                    let seen = verifications_ref.load(Ordering::Relaxed);
                    while verifications_ref.load(Ordering::Relaxed) < seen + 24 {
                        std::thread::yield_now();
                    }
                }
            }
            done_ref.store(true, Ordering::Release);
        }));
        // Watchdog: a deadlock shows up as threads that never finish.
        let deadline = Instant::now() + Duration::from_secs(600);
        while handles.iter().any(|h| !h.is_finished()) {
            assert!(
                Instant::now() < deadline,
                "threads still running after 600 s: deadlock?"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    });

    let (acc, rej, total) = (
        accepts.load(Ordering::Relaxed),
        rejects.load(Ordering::Relaxed),
        verifications.load(Ordering::Relaxed),
    );
    eprintln!(
        "stress: {READERS} readers, {} rotations, {total} slot verifications ({acc} accepted, {rej} refused) in {:.1?}",
        SLOTS * (GENERATIONS - 1),
        started.elapsed()
    );
    assert!(acc > 0 && rej > 0);
    // In the end only the last generation of each slot verifies.
    for s in &slots {
        for (h, t) in s.with_kid.iter().enumerate() {
            let ok = validation.verify_with_keys::<CustomClaims>(t, &set).is_ok();
            assert_eq!(ok, h == GENERATIONS - 1, "{} generation {h}", s.kid);
        }
    }
}
