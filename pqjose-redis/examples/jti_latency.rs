//! The latency a Redis `jti` check adds: p50, p99 and p99.9 of `ReplayStore::check` (one
//! script round trip: revocations, then first use) on 1 and 2 threads.
//!
//! ```sh
//! redis-server --port 6390 --save "" --appendonly no &
//! cargo run --release -p pqjose-redis --example jti_latency -- redis://127.0.0.1:6390/0 20000
//! ```

use std::time::{Duration, Instant};

use pqjose::{NumericDate, ReplayStore, TokenUse};
use pqjose_redis::RedisReplayStore;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn run(store: &RedisReplayStore, thread: usize, n: usize) -> Vec<Duration> {
    let now = NumericDate::from_secs(1_900_000_000);
    (0..n)
        .map(|i| {
            let jti = format!("bench-{thread}-{i}-{}", std::process::id());
            let use_ = TokenUse {
                jti: Some(&jti),
                iss: Some("https://issuer.example"),
                sub: Some("agent-7"),
                kid: Some("k1"),
                iat: Some(now),
                expires: Some(NumericDate::from_secs(1_900_000_330)),
                now,
            };
            let t = Instant::now();
            let r = store.check(&use_, true);
            let d = t.elapsed();
            assert_eq!(r, Ok(()));
            d
        })
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .unwrap_or_else(|| "redis://127.0.0.1:6379/0".into());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let store = RedisReplayStore::open(&url).expect("url");
    run(&store, 99, 1000); // warm up the pool and the script cache
    for threads in [1, 2] {
        let mut all: Vec<Duration> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..threads)
                .map(|t| {
                    let store = &store;
                    // A jti distinct from every earlier run's (same process, same thread numbers).
                    s.spawn(move || run(store, threads * 100 + t, n))
                })
                .collect();
            hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        all.sort();
        println!(
            "threads={threads} n={} p50={:?} p99={:?} p99.9={:?} max={:?}",
            all.len(),
            percentile(&all, 0.50),
            percentile(&all, 0.99),
            percentile(&all, 0.999),
            all.last().copied().unwrap_or_default()
        );
    }
}
