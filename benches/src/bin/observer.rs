//! The cost of the telemetry hook (`Validation::observer`): token verification with and without
//! an observer, interleaved, fastest batch of each (as `ratio`). The observer does what a real
//! one does at the least: count the event by outcome and add up durations (relaxed atomics).
//!
//! `cargo run --release --bin observer [ALG...]` (default ML-DSA-65 and HS256: the first is the
//! 1 % target, the second a fast verification that shows the hook's absolute cost);
//! `PQJOSE_RATIO_ROUNDS` sets the rounds (default 200).

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use pqjose::telemetry::{Event, Observer};
use pqjose::{Algorithm, KeySet, Validation};
use pqjose_benches::timing::{algorithms_from_args, interleaved, rounds};
use pqjose_benches::token::{self, Custom};
use pqjose_benches::{backend, keys};

/// Counts events by outcome and sums their durations.
#[derive(Default)]
struct Counting {
    ok: AtomicU64,
    failed: AtomicU64,
    nanos: AtomicU64,
}

impl Observer for Counting {
    fn observe(&self, event: &Event<'_>) {
        let counter = if event.is_ok() {
            &self.ok
        } else {
            &self.failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
        self.nanos
            .fetch_add(event.duration().as_nanos() as u64, Ordering::Relaxed);
    }
}

fn main() {
    let algs = algorithms_from_args(&[Algorithm::MlDsa65, Algorithm::Hs256]);
    let rounds = rounds();
    println!(
        "backend {}: fastest of {rounds} interleaved batches per operation\n",
        backend()
    );
    println!("| alg | path | no observer | observer | observer / none | difference |");
    println!("|---|---|---:|---:|---:|---:|");
    for alg in algs {
        let (sk, vk) = keys(alg);
        let token = token::mint(&sk);
        let set = KeySet::new();
        set.add(vk.clone()).expect("add key");
        let plain = token::validation();
        let counting = Arc::new(Counting::default());
        let observed: Validation = token::validation().observer(counting.clone());
        let one = |v: &Validation| {
            black_box(v.verify::<Custom>(black_box(&token), &vk).expect("verify"));
        };
        let in_set = |v: &Validation| {
            black_box(
                v.verify_with_keys::<Custom>(black_box(&token), &set)
                    .expect("verify"),
            );
        };
        for (path, op) in [
            ("one key", &one as &dyn Fn(&Validation)),
            ("key set", &in_set),
        ] {
            let [none, with] = interleaved(rounds, [&|| op(&plain), &|| op(&observed)]);
            println!(
                "| {} | {path} | {:.2} µs | {:.2} µs | {:.4}× | {:+.0} ns |",
                alg.as_str(),
                none.as_secs_f64() * 1e6,
                with.as_secs_f64() * 1e6,
                with.as_secs_f64() / none.as_secs_f64(),
                (with.as_secs_f64() - none.as_secs_f64()) * 1e9,
            );
        }
        assert!(counting.ok.load(Ordering::Relaxed) > 0);
        assert_eq!(counting.failed.load(Ordering::Relaxed), 0);
    }
}
