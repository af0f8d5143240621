//! Instruction counts of DPoP proof verification against the raw signature verification of the
//! proof's signing input (issue 15's 10 % target), under `valgrind --tool=callgrind`, so the
//! figures do not depend on the machine's load:
//!
//! ```sh
//! cargo build --release --bin dpop_icount
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/dpop.cg ../target/release/dpop_icount ML-DSA-65 50
//! callgrind_annotate --inclusive=yes /tmp/dpop.cg | grep 'dpop_icount::op_'
//! ```
//!
//! `dpop_icount ALG N`: one client key, one access token bound to it and one proof; a warm-up
//! call of every operation, then each operation `N` times inside its own `#[inline(never)]`
//! function, so callgrind's inclusive cost of `dpop_icount::op_*` is `N + 1` operations:
//! `op_raw` (the backend verify of the proof's signing input), `op_dpop` (proof verify with its
//! access token and the `cnf.jkt` binding, key cache warm), `op_dpop_uncached` (the same with
//! the key cache off: the header decoded and its key imported every time). Under valgrind
//! `sha2` runs its portable code (no SHA extensions), which overstates the `ath` and thumbprint
//! hashes.

use pqjose_benches::dpop::DpopFixture;
use pqjose_benches::{alg_and_count, backend};

#[inline(never)]
fn op_raw(n: usize, f: &DpopFixture) {
    (0..n).for_each(|_| f.raw());
}

#[inline(never)]
fn op_dpop(n: usize, f: &DpopFixture) {
    (0..n).for_each(|_| f.verify(&f.cached));
}

#[inline(never)]
fn op_dpop_uncached(n: usize, f: &DpopFixture) {
    (0..n).for_each(|_| f.verify(&f.uncached));
}

fn main() {
    let (alg, n) = alg_and_count("usage: dpop_icount ALG N");
    let f = DpopFixture::new(alg);
    for m in [1, n] {
        op_raw(m, &f);
        op_dpop(m, &f);
        op_dpop_uncached(m, &f);
    }
    println!(
        "{} {} proof {} bytes, {} operations each",
        backend(),
        alg.as_str(),
        f.proof.len(),
        n + 1
    );
}
