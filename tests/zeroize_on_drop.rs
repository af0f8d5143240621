//! Zeroization on drop, observed: a test allocator searches every block freed while armed for
//! the private key material. A block that still holds it when it is freed was not zeroized.
//!
//! Blocks are allocated zeroed, so a secret found when a block is freed was written during that
//! block's own life and never cleared (for example a buffer that grew and freed its smaller
//! predecessor: `Jwk::to_json` did this before it serialized into an exactly sized buffer).
//! Stack residue is caught too when it reaches the heap: a `Jwk` moved into a `JwkSet` copies
//! the uninitialized bytes of its `None` fields, and in an optimized build those held an
//! Ed25519 seed left on the stack by key import, until key import and export cleared the stack
//! after themselves (`keys::scrub`).
//!
//! This is the one test with `unsafe` outside `ffi/`: the allocator delegates to `System` and
//! reads each block it frees. It runs as its own test binary with a single test, so no other
//! test's allocations interleave.

#![allow(
    unsafe_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod harden_support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};

use base64ct::{Base64UrlUnpadded, Encoding};
use pqjose::jwe::{ContentEncryption, DecryptionKey, KeyManagement};
use pqjose::{Algorithm, SigningKey};
use serde_json::Value;
use zeroize::Zeroizing;

const N: usize = 12;
/// Up to four needles of N bytes: secret bytes, reversed bytes (little-endian limbs), base64.
static NEEDLES: [[AtomicU8; N]; 4] = [const { [const { AtomicU8::new(0) }; N] }; 4];
static NEEDLE_COUNT: AtomicUsize = AtomicUsize::new(0);
static ARMED: AtomicBool = AtomicBool::new(false);
static HITS: AtomicUsize = AtomicUsize::new(0);
static SCANNED: AtomicUsize = AtomicUsize::new(0);

struct Scanning;

unsafe impl GlobalAlloc for Scanning {
    // Every block starts zeroed, so a needle found at free time was written during the
    // block's own lifetime (not left over from an earlier, unrelated block).
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Ordering::SeqCst) && layout.size() >= N {
            // SAFETY: `ptr` is a live block of `layout.size()` bytes that we are about to free,
            // allocated zeroed by `alloc` below, so every byte is initialized.
            let block = unsafe { std::slice::from_raw_parts(ptr.cast_const(), layout.size()) };
            SCANNED.fetch_add(1, Ordering::SeqCst);
            for needle in NEEDLES.iter().take(NEEDLE_COUNT.load(Ordering::SeqCst)) {
                let first = needle[0].load(Ordering::Relaxed);
                let found = block.windows(N).any(|w| {
                    w[0] == first
                        && w.iter()
                            .zip(needle.iter())
                            .all(|(a, b)| *a == b.load(Ordering::Relaxed))
                });
                if found {
                    HITS.fetch_add(1, Ordering::SeqCst);
                    break;
                }
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Scanning = Scanning;

fn set_needles(needles: &[&[u8]]) {
    for (slot, n) in NEEDLES.iter().zip(needles) {
        for (cell, b) in slot.iter().zip(n.iter()) {
            cell.store(*b, Ordering::SeqCst);
        }
    }
    NEEDLE_COUNT.store(needles.len(), Ordering::SeqCst);
}

/// Run `f` armed; return how many freed blocks held a needle.
fn armed(f: impl FnOnce()) -> usize {
    HITS.store(0, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    f();
    ARMED.store(false, Ordering::SeqCst);
    HITS.load(Ordering::SeqCst)
}

/// The first private member of the key's JWK: (base64url text, bytes), in zeroizing buffers.
fn secret(sk: &SigningKey) -> (Zeroizing<String>, Zeroizing<Vec<u8>>) {
    private_member(&Zeroizing::new(sk.to_jwk().unwrap().to_json()))
}

/// The first private member (`d`, `k` or `priv`) of a private JWK's JSON.
fn private_member(json: &str) -> (Zeroizing<String>, Zeroizing<Vec<u8>>) {
    let v: Value = serde_json::from_str(json).unwrap();
    let text = ["d", "k", "priv"]
        .iter()
        .find_map(|m| v.get(*m)?.as_str())
        .unwrap()
        .to_owned();
    let bytes = Base64UrlUnpadded::decode_vec(&text).unwrap();
    (Zeroizing::new(text), Zeroizing::new(bytes))
}

#[test]
fn dropped_keys_leave_no_secret_in_freed_memory() {
    // Control: a plain Vec holding the secret is caught when freed.
    set_needles(&[b"0123456789ab"]);
    let hits = armed(|| drop(b"xx0123456789abyy".to_vec()));
    assert_eq!(hits, 1, "the scanner does not see freed blocks");
    // ...and a Zeroizing one is not.
    let hits = armed(|| drop(Zeroizing::new(b"xx0123456789abyy".to_vec())));
    assert_eq!(hits, 0, "Zeroizing did not clear its buffer");

    let mut checked = Vec::new();
    let mut failures = Vec::new();
    let mut checked_jwe = Vec::new();
    let mut jwe_failures = Vec::new();
    for &alg in Algorithm::ALL {
        let Some(sk) = harden_support::test_key(alg) else {
            continue;
        };
        let (text, mut bytes) = secret(&sk);
        if alg.family() == pqjose::Family::SlhDsa {
            // SLH-DSA's `priv` is SK.seed ‖ SK.prf ‖ PK.seed ‖ PK.root: only the first half
            // is secret.
            let half = bytes.len() / 2;
            bytes.truncate(half);
        }
        let json = Zeroizing::new(sk.to_jwk().unwrap().to_json());
        let reversed: Zeroizing<Vec<u8>> = Zeroizing::new(bytes.iter().rev().copied().collect());
        set_needles(&[
            &bytes[..N],
            &bytes[bytes.len() - N..],
            &reversed[..N],
            &text.as_bytes()[..N],
        ]);
        // Use the key (sign, export a JWK and PKCS#8, derive the public key), then drop it
        // all: nothing freed on the way may still hold the secret. Measured once: the one-off
        // hits that once made this retry (ML-DSA + ECDSA composites, under load) and the
        // deterministic ones of an optimized build (Ed25519 composites) were stack residue
        // carried to the heap by a moved value's uninitialized bytes, now cleared (`keys::scrub`).
        let hits = armed(|| {
            let vk = sk.verifying_key().unwrap();
            if harden_support::signs_quickly(alg) {
                let token = pqjose::jws::sign_payload(&sk, b"payload").unwrap();
                pqjose::jws::verify(&vk, &token).unwrap();
            }
            drop(sk.to_jwk().unwrap());
            drop(sk.to_pkcs8_der());
            drop(vk);
            drop(sk);
        });
        // Import from JSON text, parse a JWK, export JWK and JWK Set text: the only copies
        // left are the ones returned (held in `Zeroizing` here).
        let import = armed(|| drop(SigningKey::from_jwk_json(&json).unwrap()));
        let parse = armed(|| drop(pqjose::Jwk::from_json(&json).unwrap()));
        let again = SigningKey::from_jwk_json(&json).unwrap();
        let export = armed(|| {
            let jwk = again.to_jwk().unwrap();
            drop(Zeroizing::new(jwk.to_json()));
            let set: pqjose::JwkSet = [jwk].into_iter().collect();
            drop(Zeroizing::new(set.to_json()));
        });
        drop(again);
        checked.push(alg);
        for (what, n) in [
            ("use", hits),
            ("import", import),
            ("parse", parse),
            ("export", export),
        ] {
            if n > 0 {
                failures.push((alg, what, n));
            }
        }
    }
    // The same for JWE decryption keys (every key-management algorithm this build generates
    // keys for): encrypt to the key and decrypt, export, import, parse.
    for &alg in KeyManagement::ALL {
        let dk = match alg {
            KeyManagement::Dir => {
                DecryptionKey::generate_with(alg, None, Some(ContentEncryption::A256Gcm))
            }
            _ => DecryptionKey::generate(alg),
        };
        let Ok(dk) = dk else { continue };
        let json = Zeroizing::new(dk.to_jwk().unwrap().to_json());
        let (text, bytes) = private_member(&json);
        let reversed: Zeroizing<Vec<u8>> = Zeroizing::new(bytes.iter().rev().copied().collect());
        set_needles(&[
            &bytes[..N],
            &bytes[bytes.len() - N..],
            &reversed[..N],
            &text.as_bytes()[..N],
        ]);
        let hits = armed(|| {
            let ek = dk.encryption_key();
            let jwe = pqjose::jwe::encrypt(&ek, b"a secret for the agent").unwrap();
            // The default policy may refuse a legacy algorithm: decrypting is still exercised.
            let _ = pqjose::jwe::Decryption::new().decrypt(&jwe, &dk);
            drop(dk.to_jwk().unwrap());
            drop(ek);
            drop(dk);
        });
        let import = armed(|| drop(DecryptionKey::from_jwk_json(&json).unwrap()));
        let parse = armed(|| drop(pqjose::Jwk::from_json(&json).unwrap()));
        let again = DecryptionKey::from_jwk_json(&json).unwrap();
        let export = armed(|| drop(Zeroizing::new(again.to_jwk().unwrap().to_json())));
        drop(again);
        checked_jwe.push(alg);
        for (what, n) in [
            ("use", hits),
            ("import", import),
            ("parse", parse),
            ("export", export),
        ] {
            if n > 0 {
                jwe_failures.push((alg, what, n));
            }
        }
    }
    eprintln!(
        "JWE: {} algorithms checked; blocks still holding the secret: {jwe_failures:?}",
        checked_jwe.len()
    );
    assert!(
        checked_jwe.len() >= 10,
        "too few JWE algorithms checked: {checked_jwe:?}"
    );
    assert!(
        jwe_failures.is_empty(),
        "JWE secret left in freed memory: {jwe_failures:?}"
    );
    eprintln!(
        "{} algorithms checked, {} freed blocks scanned; blocks still holding the secret: {failures:?}",
        checked.len(),
        SCANNED.load(Ordering::SeqCst)
    );
    assert!(
        failures.is_empty(),
        "secret left in freed memory: {failures:?}"
    );
}
