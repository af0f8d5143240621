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
use std::time::{Duration, Instant};

use pqjose::telemetry::{Event, Observer};
use pqjose::{Algorithm, KeySet, Validation};
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
    let mut algs: Vec<Algorithm> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("unknown algorithm"))
        .collect();
    if algs.is_empty() {
        algs = vec![Algorithm::MlDsa65, Algorithm::Hs256];
    }
    let rounds: usize = std::env::var("PQJOSE_RATIO_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
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
            (0..50).for_each(|_| {
                op(&plain);
                op(&observed);
            });
            let single = (0..5)
                .map(|_| {
                    let start = Instant::now();
                    op(&plain);
                    start.elapsed()
                })
                .min()
                .unwrap_or_default()
                .max(Duration::from_nanos(100));
            let batch =
                (Duration::from_micros(500).as_nanos() / single.as_nanos()).clamp(1, 1000) as u32;
            let mut best = [Duration::MAX; 2];
            for _ in 0..rounds {
                for (i, v) in [&plain, &observed].into_iter().enumerate() {
                    let start = Instant::now();
                    for _ in 0..batch {
                        op(v);
                    }
                    best[i] = best[i].min(start.elapsed() / batch);
                }
            }
            let [none, with] = best;
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
