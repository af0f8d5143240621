//! Count heap allocations per token verify with a counting global allocator.
//!
//! `cargo run --release --bin alloc_count [--features ...]` prints, per algorithm and claims
//! size: allocations and bytes per `Validation::verify` (cached key), per raw backend verify,
//! and per verify through a `KeySet`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use pqjose::{Algorithm, JwsVerifier, KeySet};
use pqjose_benches::{backend, keys, token};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size(), Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size, Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const ROUNDS: usize = 200;

/// Allocations and bytes per call of `f`, after a warm-up.
fn count(mut f: impl FnMut()) -> (f64, f64) {
    for _ in 0..5 {
        f();
    }
    let (a, b) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    for _ in 0..ROUNDS {
        f();
    }
    let n = ROUNDS as f64;
    (
        (ALLOCS.load(Relaxed) - a) as f64 / n,
        (BYTES.load(Relaxed) - b) as f64 / n,
    )
}

fn main() {
    println!("backend: {}", backend());
    println!(
        "| alg | claims JSON (B) | token (B) | allocs/verify | bytes/verify | raw verify allocs | key set (1000) allocs |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let validation = token::validation();
    for alg in [
        Algorithm::MlDsa65,
        Algorithm::Ed25519,
        Algorithm::Es256,
        Algorithm::Hs256,
    ] {
        let (sk, vk) = keys(alg);
        let set = KeySet::new();
        for _ in 0..999 {
            set.add(keys(Algorithm::Ed25519).1).expect("add");
        }
        set.add(vk.clone()).expect("add");
        for pad in [0usize, 1_000, 10_000] {
            let tok = token::builder(pad).sign(&sk).expect("sign");
            let claims_len = token::verify(&validation, &vk, &tok)
                .expect("verify")
                .payload()
                .len();
            let (input, sig) = token::split(&tok);
            let (allocs, bytes) = count(|| {
                token::verify(&validation, &vk, &tok).expect("verify");
            });
            let (raw, _) = count(|| vk.verify(&input, &sig).expect("raw verify"));
            let (via_set, _) = count(|| {
                validation
                    .verify_with_keys::<token::Custom>(&tok, &set)
                    .expect("key set verify");
            });
            println!(
                "| {} | {claims_len} | {} | {allocs:.1} | {bytes:.0} | {raw:.1} | {via_set:.1} |",
                alg.as_str(),
                tok.len()
            );
        }
    }
}
