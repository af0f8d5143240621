//! The interleaved fastest-batch timing the ratio reports share (`ratio`, `observer`,
//! `profiles`): robust to a busy machine, because interruptions by other processes only ever
//! add time, so each operation's fastest batch is its figure.

use std::time::{Duration, Instant};

use pqjose::Algorithm;

/// The algorithms named on the command line, else `default`.
pub fn algorithms_from_args(default: &[Algorithm]) -> Vec<Algorithm> {
    let algs: Vec<Algorithm> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("unknown algorithm"))
        .collect();
    if algs.is_empty() {
        default.to_vec()
    } else {
        algs
    }
}

/// The number of interleaved rounds: `PQJOSE_RATIO_ROUNDS`, default 200.
pub fn rounds() -> usize {
    std::env::var("PQJOSE_RATIO_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200)
}

/// Fastest per-operation time of each closure: after a warm-up, `rounds` rounds in which every
/// operation runs one batch in turn, the batch sized to about 0.5 ms of the first operation.
pub fn interleaved<const N: usize>(rounds: usize, ops: [&dyn Fn(); N]) -> [Duration; N] {
    for op in ops {
        (0..20).for_each(|_| op());
    }
    let single = (0..5)
        .map(|_| {
            let start = Instant::now();
            ops[0]();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
        .max(Duration::from_nanos(100));
    let batch = (Duration::from_micros(500).as_nanos() / single.as_nanos()).clamp(1, 1000) as u32;
    let mut best = [Duration::MAX; N];
    for _ in 0..rounds {
        for (i, op) in ops.iter().enumerate() {
            let start = Instant::now();
            for _ in 0..batch {
                op();
            }
            best[i] = best[i].min(start.elapsed() / batch);
        }
    }
    best
}
