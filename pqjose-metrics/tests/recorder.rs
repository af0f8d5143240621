//! Real verifications through a real `metrics` recorder (metrics-util's debugging recorder):
//! counters by algorithm and outcome, and a duration histogram.

use std::sync::Arc;

use metrics_util::MetricKind;
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use pqjose::{Algorithm, CustomClaims, KeySet, SigningKey, TokenBuilder, Validation};
use pqjose_metrics::{DURATION, MetricsObserver, OPERATIONS};

#[test]
fn counts_by_algorithm_and_outcome() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        let ml = SigningKey::generate(Algorithm::MlDsa65).unwrap();
        let ed = SigningKey::generate(Algorithm::Ed25519).unwrap();
        let keys = KeySet::new();
        keys.add(ml.verifying_key().unwrap()).unwrap();
        keys.add(ed.verifying_key().unwrap()).unwrap();
        let validation = Validation::pqc_only().observer(Arc::new(MetricsObserver::new()));
        for _ in 0..3 {
            let token = TokenBuilder::new().subject("s").sign(&ml).unwrap();
            validation
                .verify_with_keys::<CustomClaims>(&token, &keys)
                .unwrap();
        }
        let classical = TokenBuilder::new().subject("s").sign(&ed).unwrap();
        let err = validation
            .verify_with_keys::<CustomClaims>(&classical, &keys)
            .unwrap_err();
        let code = err.code().to_string();
        validation
            .verify_with_keys::<CustomClaims>("garbage", &keys)
            .unwrap_err();

        let snapshot = snapshotter.snapshot().into_vec();
        let counter = |alg: &str, outcome: &str| {
            snapshot
                .iter()
                .find(|(key, _, _, _)| {
                    let k = key.key();
                    key.kind() == MetricKind::Counter
                        && k.name() == OPERATIONS
                        && k.labels().any(|l| l.key() == "alg" && l.value() == alg)
                        && k.labels()
                            .any(|l| l.key() == "outcome" && l.value() == outcome)
                })
                .map(|(key, _, _, value)| (key.key().clone(), value))
        };
        let (key, value) = counter("ML-DSA-65", "ok").expect("ML-DSA-65 ok counter");
        assert_eq!(value, &DebugValue::Counter(3));
        assert!(
            key.labels()
                .any(|l| l.key() == "policy" && l.value() == "pqc")
        );
        assert!(
            key.labels()
                .any(|l| l.key() == "operation" && l.value() == "verify")
        );
        let (key, value) = counter("Ed25519", "error").expect("Ed25519 error counter");
        assert_eq!(value, &DebugValue::Counter(1));
        assert!(key.labels().any(|l| l.key() == "code" && l.value() == code));
        let (_, value) = counter("none", "error").expect("a malformed token has no alg");
        assert_eq!(value, &DebugValue::Counter(1));

        let histogram = snapshot
            .iter()
            .find(|(key, _, _, _)| {
                key.kind() == MetricKind::Histogram
                    && key.key().name() == DURATION
                    && key
                        .key()
                        .labels()
                        .any(|l| l.key() == "alg" && l.value() == "ML-DSA-65")
            })
            .expect("duration histogram");
        match &histogram.3 {
            DebugValue::Histogram(values) => {
                assert_eq!(values.len(), 3);
                assert!(values.iter().all(|v| v.into_inner() > 0.0));
            }
            other => panic!("not a histogram: {other:?}"),
        }
    });
}
