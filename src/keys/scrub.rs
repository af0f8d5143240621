//! Best-effort clearing of the stack after code that handled private key material.
//!
//! Heap copies of secrets are zeroized on drop (`zeroize`), but Rust moves values by copying
//! and never clears the source, so constructing a key (decoding its bytes, building the crypto
//! crate's key struct, moving it into a `Box`) leaves copies in stack frames that have returned.
//! That residue is not only a risk for a later memory disclosure: the next value moved onto the
//! heap with uninitialized bytes in it (an `Option::None` field, padding) can carry it into a
//! heap block that no destructor clears. `tests/zeroize_on_drop.rs` caught exactly that.
//!
//! [`scrubbed`] runs a closure and then overwrites the stack region its callees used, as
//! libsodium's `sodium_stackzero` does. It is applied where private key material is imported,
//! generated or exported (a few microseconds each, off the signing and verifying hot paths),
//! not after every signature.

use zeroize::Zeroize;

/// How much stack below the caller is overwritten: the deepest key import measured (ML-DSA-87
/// key expansion) stays well within it.
const SCRUB_BYTES: usize = 64 * 1024;

/// Run `f`, then overwrite the stack its callees used (whatever `f` returns, error or not).
#[inline(never)]
pub(crate) fn scrubbed<T>(f: impl FnOnce() -> T) -> T {
    let out = f();
    clear_stack();
    out
}

/// Overwrite [`SCRUB_BYTES`] of stack below the caller's frame with zeros. Volatile writes
/// (`zeroize`) keep the compiler from removing the stores to a buffer that is never read.
#[inline(never)]
fn clear_stack() {
    let mut area = [0u64; SCRUB_BYTES / 8];
    area.zeroize();
    std::hint::black_box(&area);
}
