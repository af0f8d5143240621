//! Instruction counts of token verification against the raw backend verify, for the ratio
//! targets, measured under `valgrind --tool=callgrind` so the figures do not depend on what else
//! the (shared, 2-core) machine is doing. `benches/icount.sh` runs it and prints the ratios.
//!
//! `icount ALG N`: one [`Fixture`] for `ALG`, a warm-up call of every operation, then each
//! operation `N` times inside its own `#[inline(never)]` function, so callgrind's inclusive cost
//! of `icount::op_*` is the cost of `N + 1` operations on the same key and token.

use pqjose_benches::fixture::Fixture;
use pqjose_benches::{alg_and_count, backend};

#[inline(never)]
fn op_raw(n: usize, f: &Fixture) {
    (0..n).for_each(|_| f.raw());
}

#[inline(never)]
fn op_token(n: usize, f: &Fixture) {
    (0..n).for_each(|_| f.token());
}

#[inline(never)]
fn op_keyset(n: usize, f: &Fixture) {
    (0..n).for_each(|_| f.keyset());
}

#[inline(never)]
fn op_c_abi(n: usize, f: &Fixture) {
    (0..n).for_each(|_| f.c_abi());
}

#[inline(never)]
fn op_overhead(n: usize, f: &Fixture) {
    (0..n).for_each(|_| f.overhead());
}

fn main() {
    let (alg, n) = alg_and_count("usage: icount ALG N");
    let f = Fixture::new(alg);
    for m in [1, n] {
        op_raw(m, &f);
        op_token(m, &f);
        op_keyset(m, &f);
        op_c_abi(m, &f);
        op_overhead(m, &f);
    }
    println!(
        "{} {} token {} bytes, signature {} bytes, {} operations each",
        backend(),
        alg.as_str(),
        f.token_len(),
        f.signature_len(),
        n + 1
    );
}
