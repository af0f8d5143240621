//! What a warm remote key set costs over a local `KeySet`, and how many fetches a flood of
//! 10,000 random `kid`s causes. No network: the remote set's fetcher serves a fixed document,
//! so only pqjose's own work is measured (the cache check on the verify path).
//!
//! ```sh
//! cargo run --release --example remote_overhead
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use pqjose::remote::{FetchResponse, JwksFetcher, RemoteKeySet};
use pqjose::{Algorithm, CustomClaims, Error, KeySet, SigningKey, TokenBuilder, Validation};

struct Fixed {
    body: String,
    fetches: Arc<AtomicUsize>,
}

impl JwksFetcher for Fixed {
    fn fetch(&self, _etag: Option<&str>) -> Result<FetchResponse, Error> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        Ok(FetchResponse::Modified {
            body: self.body.clone().into_bytes(),
            etag: None,
            max_age: Some(Duration::from_secs(3600)),
        })
    }
}

fn main() -> Result<(), Error> {
    for alg in [Algorithm::Ed25519, Algorithm::MlDsa65] {
        let key = SigningKey::generate(alg)?;
        let local = KeySet::from_keys([key.verifying_key()?])?;
        let fetches = Arc::new(AtomicUsize::new(0));
        let remote = RemoteKeySet::builder(Fixed {
            body: local.to_public_jwk_set().to_json(),
            fetches: fetches.clone(),
        })
        .build();
        remote.refresh()?;
        let token = TokenBuilder::new()
            .ttl(Duration::from_secs(3600))
            .sign(&key)?;
        let v = Validation::new();
        let (mut t_local, mut t_remote) = (Duration::ZERO, Duration::ZERO);
        let rounds = if alg == Algorithm::Ed25519 { 200 } else { 50 };
        for _ in 0..rounds {
            // Interleaved batches, so drift affects both sides alike.
            let t = Instant::now();
            for _ in 0..20 {
                v.verify_with_keys::<CustomClaims>(&token, &local)?;
            }
            t_local += t.elapsed();
            let t = Instant::now();
            for _ in 0..20 {
                v.verify_with_remote_keys::<CustomClaims>(&token, &remote)?;
            }
            t_remote += t.elapsed();
        }
        let n = (rounds * 20) as u32;
        println!(
            "{alg}: local {:?}/verify, remote {:?}/verify, overhead {:+.2} %",
            t_local / n,
            t_remote / n,
            (t_remote.as_secs_f64() / t_local.as_secs_f64() - 1.0) * 100.0
        );
    }

    // A flood of random kids: one fetch per cooldown (30 s by default), here within one.
    let key = SigningKey::generate(Algorithm::Ed25519)?;
    let fetches = Arc::new(AtomicUsize::new(0));
    let remote = RemoteKeySet::builder(Fixed {
        body: KeySet::from_keys([key.verifying_key()?])?
            .to_public_jwk_set()
            .to_json(),
        fetches: fetches.clone(),
    })
    .build();
    remote.refresh()?;
    let before = fetches.load(Ordering::SeqCst);
    let v = Validation::new();
    let started = Instant::now();
    let mut refused = 0;
    for i in 0..10_000 {
        let stranger = SigningKey::generate(Algorithm::Ed25519)?.with_kid(format!("rnd-{i}"))?;
        let token = TokenBuilder::new().sign(&stranger)?;
        if v.verify_with_remote_keys::<CustomClaims>(&token, &remote) == Err(Error::KeyNotFound) {
            refused += 1;
        }
    }
    println!(
        "flood: 10000 random kids in {:?}: {refused} refused, {} fetches",
        started.elapsed(),
        fetches.load(Ordering::SeqCst) - before
    );
    Ok(())
}
