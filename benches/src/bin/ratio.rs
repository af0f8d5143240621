//! Interleaved timing of the ratio targets, robust to a busy machine: for each algorithm, many
//! rounds in which every operation of a [`Fixture`] runs a short batch in turn; an operation's
//! figure is its fastest batch (per operation), so interruptions by other processes, which only
//! ever add time, drop out. Criterion's medians (`cargo bench`) are the primary figures; this is
//! the cross-check for a shared machine.
//!
//! `cargo run --release --bin ratio [ALG...]` (default ML-DSA-65 and Ed25519); `PQJOSE_RATIO_ROUNDS`
//! sets the number of rounds (default 200).

use std::time::Duration;

use pqjose::Algorithm;
use pqjose_benches::backend;
use pqjose_benches::fixture::{Fixture, OPS};
use pqjose_benches::timing::{algorithms_from_args, interleaved, rounds};

fn main() {
    let algs = algorithms_from_args(&[Algorithm::MlDsa65, Algorithm::Ed25519]);
    let rounds = rounds();
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
        let f = &f;
        let ops = OPS.map(|op| move || op(f));
        let best = interleaved(rounds, ops.each_ref().map(|op| op as &dyn Fn()));
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
