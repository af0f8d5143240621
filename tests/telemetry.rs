//! The telemetry hook: one event per verification, success or failure, with the algorithm,
//! key id, policy, outcome code and duration; none without an observer.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use pqjose::telemetry::{Event, Operation};
use pqjose::{Algorithm, CustomClaims, Error, KeySet, SigningKey, TokenBuilder, Validation};

/// What an event said, owned.
#[derive(Debug, PartialEq)]
struct Seen {
    operation: Operation,
    alg: Option<&'static str>,
    kid: Option<String>,
    policy: &'static str,
    code: u32,
    ok: bool,
    duration: Duration,
}

fn recorder() -> (Arc<Mutex<Vec<Seen>>>, Validation) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let validation = Validation::new().observer(Arc::new(move |e: &Event<'_>| {
        sink.lock().unwrap().push(Seen {
            operation: e.operation(),
            alg: e.alg(),
            kid: e.kid().map(str::to_owned),
            policy: e.policy(),
            code: e.code(),
            ok: e.is_ok(),
            duration: e.duration(),
        });
    }));
    (seen, validation)
}

fn take(seen: &Mutex<Vec<Seen>>) -> Vec<Seen> {
    std::mem::take(&mut *seen.lock().unwrap())
}

#[test]
fn one_event_per_verification_with_one_key() {
    let (seen, validation) = recorder();
    let key = SigningKey::generate(Algorithm::MlDsa65)
        .unwrap()
        .with_kid("pq-1")
        .unwrap();
    let public = key.verifying_key().unwrap();
    let token = TokenBuilder::new().subject("agent").sign(&key).unwrap();
    validation.verify::<CustomClaims>(&token, &public).unwrap();
    let expired = TokenBuilder::new()
        .subject("agent")
        .clock(pqjose::FixedClock::at_secs(1_000_000))
        .sign(&key)
        .unwrap();
    let err = validation
        .verify::<CustomClaims>(&expired, &public)
        .unwrap_err();
    let events = take(&seen);
    assert_eq!(events.len(), 2, "{events:?}");
    let ok = &events[0];
    assert_eq!(
        (
            ok.operation,
            ok.alg,
            ok.kid.as_deref(),
            ok.policy,
            ok.code,
            ok.ok
        ),
        (
            Operation::Verify,
            Some("ML-DSA-65"),
            Some("pq-1"),
            "any",
            0,
            true
        )
    );
    assert!(ok.duration > Duration::ZERO);
    let failed = &events[1];
    assert_eq!(failed.code, err.code());
    assert_ne!(failed.code, 0);
    assert!(!failed.ok);
    assert_eq!(failed.alg, Some("ML-DSA-65"));
}

#[test]
fn key_set_events_name_the_key_or_what_the_token_named() {
    let (seen, validation) = recorder();
    let validation = validation.policy(pqjose::AlgorithmPolicy::PqcOnly);
    let pq = SigningKey::generate(Algorithm::MlDsa44)
        .unwrap()
        .with_kid("pq")
        .unwrap();
    let legacy = SigningKey::generate(Algorithm::Es256)
        .unwrap()
        .with_kid("legacy")
        .unwrap();
    let keys = KeySet::new();
    keys.add(pq.verifying_key().unwrap()).unwrap();
    keys.add(legacy.verifying_key().unwrap()).unwrap();

    let good = TokenBuilder::new().subject("s").sign(&pq).unwrap();
    validation
        .verify_with_keys::<CustomClaims>(&good, &keys)
        .unwrap();
    let classical = TokenBuilder::new().subject("s").sign(&legacy).unwrap();
    let refused = validation
        .verify_with_keys::<CustomClaims>(&classical, &keys)
        .unwrap_err();
    let garbage = validation
        .verify_with_keys::<CustomClaims>("a.b.c", &keys)
        .unwrap_err();

    let events = take(&seen);
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(
        (
            events[0].alg,
            events[0].kid.as_deref(),
            events[0].policy,
            events[0].code
        ),
        (Some("ML-DSA-44"), Some("pq"), "pqc", 0)
    );
    assert_eq!(
        (events[1].alg, events[1].kid.as_deref(), events[1].code),
        (Some("ES256"), Some("legacy"), refused.code())
    );
    assert!(matches!(refused, Error::Algorithm(_)), "{refused:?}");
    assert_eq!(
        (events[2].alg, events[2].kid.as_deref(), events[2].code),
        (None, None, garbage.code())
    );
}

#[test]
fn no_observer_no_event() {
    let (seen, _with) = recorder();
    let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
    let token = TokenBuilder::new().sign(&key).unwrap();
    Validation::new()
        .verify::<CustomClaims>(&token, &key.verifying_key().unwrap())
        .unwrap();
    assert!(take(&seen).is_empty());
    assert!(format!("{:?}", _with).contains("observer: true"));
}

#[test]
fn json_serialization_reports_one_event_too() {
    let (seen, validation) = recorder();
    let pq = SigningKey::generate(Algorithm::MlDsa44)
        .unwrap()
        .with_kid("pq")
        .unwrap();
    let public = pq.verifying_key().unwrap();
    let jws = TokenBuilder::new().subject("s").sign_json(&[&pq]).unwrap();
    validation
        .verify_json::<CustomClaims>(&jws, &[&public])
        .unwrap();
    let err = validation
        .verify_json::<CustomClaims>("{}", &[&public])
        .unwrap_err();
    let events = take(&seen);
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(
        (events[0].alg, events[0].kid.as_deref(), events[0].code),
        (Some("ML-DSA-44"), Some("pq"), 0)
    );
    assert_eq!(
        (events[1].alg, events[1].kid.as_deref(), events[1].code),
        (Some("ML-DSA-44"), Some("pq"), err.code())
    );
    assert_ne!(err.code(), 0);
}
