//! Interleaved timing of the ratio targets, robust to a busy machine: for each algorithm, many
//! rounds in which every operation of a [`Fixture`] runs a short batch in turn; an operation's
//! figure is its fastest batch (per operation), so interruptions by other processes, which only
//! ever add time, drop out. Criterion's medians (`cargo bench`) are the primary figures; this is
//! the cross-check for a shared machine.
//!
//! `cargo run --release --bin ratio [ALG...]` (default ML-DSA-65 and Ed25519); `PQJOSE_RATIO_ROUNDS`
//! sets the number of rounds (default 200).

use std::time::{Duration, Instant};

use pqjose::Algorithm;
use pqjose_benches::backend;
use pqjose_benches::fixture::{Fixture, OPS};

fn main() {
    let mut algs: Vec<Algorithm> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("unknown algorithm"))
        .collect();
    if algs.is_empty() {
        algs = vec![Algorithm::MlDsa65, Algorithm::Ed25519];
    }
    let rounds: usize = std::env::var("PQJOSE_RATIO_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    println!(
        "backend {}: fastest of {rounds} interleaved batches per operation\n",
        backend()
    );
    println!(
        "| alg | raw verify | token verify | token / raw | keyset verify | C ABI verify | C ABI / keyset | JOSE overhead |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for alg in algs {
        let f = Fixture::new(alg);
        // Warm up every operation, then size a batch to about 0.5 ms of raw verifies.
        for op in OPS {
            (0..20).for_each(|_| op(&f));
        }
        let one = (0..5)
            .map(|_| {
                let start = Instant::now();
                f.raw();
                start.elapsed()
            })
            .min()
            .unwrap_or_default()
            .max(Duration::from_nanos(100));
        let batch = (Duration::from_micros(500).as_nanos() / one.as_nanos()).clamp(1, 1000) as u32;
        let mut best = [Duration::MAX; OPS.len()];
        for _ in 0..rounds {
            for (i, op) in OPS.iter().enumerate() {
                let start = Instant::now();
                for _ in 0..batch {
                    op(&f);
                }
                best[i] = best[i].min(start.elapsed() / batch);
            }
        }
        let us = |d: Duration| format!("{:.1} µs", d.as_secs_f64() * 1e6);
        let [raw, token, keyset, c_abi, overhead] = best;
        println!(
            "| {} | {} | {} | {:.3}× | {} | {} | {:.3}× | {} |",
            alg.as_str(),
            us(raw),
            us(token),
            token.as_secs_f64() / raw.as_secs_f64(),
            us(keyset),
            us(c_abi),
            c_abi.as_secs_f64() / keyset.as_secs_f64(),
            us(overhead),
        );
    }
}
