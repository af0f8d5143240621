//! JOSE-HPKE JWE against raw HPKE (issue 12: the JOSE layer adds at most 10 %): for the
//! post-quantum and PQ/T suites in integrated mode, the fastest of many interleaved batches
//! (see `pqjose_benches::timing`) of
//!
//! - raw HPKE single-shot seal / open with the `hpke` crate pqjose itself uses (same KEM, KDF,
//!   AEAD, plaintext; the AAD a protected header of typical length), and
//! - pqjose `jwe::encrypt` / `Decryption::decrypt` of a compact JWE (header JSON, base64url,
//!   policy and limit checks, key selection by `alg`).
//!
//! `cargo run --release --bin jwe` (from `benches/`); `PQJOSE_RATIO_ROUNDS` sets the rounds.

use std::hint::black_box;

use hpke::aead::AesGcm256;
use hpke::kdf::KdfShake256;
use hpke::kem::{MlKem768, MlKem768P256, MlKem1024, MlKem1024P384, XWing};
use hpke::{Kem, OpModeR, OpModeS};
use pqjose::jwe::{self, Decryption, DecryptionKey, KeyManagement};
use pqjose_benches::backend;
use pqjose_benches::timing::{interleaved, rounds};

/// A secret an agent receives at run time: a database credential of typical size.
const PLAINTEXT: &[u8] = br#"{"username":"svc-orders","password":"q7Zp0vL3mYd8sX1bN5cR2tK9wH4jF6gE","host":"db.internal.example","port":5432}"#;
/// As long as a typical protected header's base64url (the AAD of integrated mode).
const AAD: &[u8] =
    b"eyJhbGciOiJIUEtFLTkiLCJraWQiOiJ0aHVtYnByaW50LW9mLXRoZS1yZWNpcGllbnQta2V5LTQzY2hhcnMifQ";

/// Raw seal and open of one suite, as closures over a fresh key pair.
type RawOps = (Box<dyn Fn()>, Box<dyn Fn()>);

/// [`RawOps`] for the suite of KEM `K` (SHAKE256, AES-256-GCM, as every PQ suite).
fn raw<K: Kem + 'static>() -> RawOps
where
    K::PublicKey: 'static,
    K::PrivateKey: 'static,
    K::EncappedKey: 'static,
{
    let (sk, pk) = K::gen_keypair();
    let (enc, ct) = hpke::single_shot_seal::<AesGcm256, KdfShake256, K>(
        &OpModeS::Base,
        &pk,
        b"",
        PLAINTEXT,
        AAD,
    )
    .expect("seal");
    let seal = Box::new(move || {
        black_box(
            hpke::single_shot_seal::<AesGcm256, KdfShake256, K>(
                &OpModeS::Base,
                &pk,
                b"",
                black_box(PLAINTEXT),
                AAD,
            )
            .expect("seal"),
        );
    });
    let open = Box::new(move || {
        black_box(
            hpke::single_shot_open::<AesGcm256, KdfShake256, K>(
                &OpModeR::Base,
                &sk,
                &enc,
                b"",
                black_box(&ct),
                AAD,
            )
            .expect("open"),
        );
    });
    (seal, open)
}

fn main() {
    let rounds = rounds();
    println!(
        "backend {}: fastest of {rounds} interleaved batches per operation; plaintext {} bytes\n",
        backend(),
        PLAINTEXT.len()
    );
    println!(
        "| alg | raw HPKE open | JWE decrypt | decrypt / open | raw HPKE seal | JWE encrypt | encrypt / seal |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let suites: [(KeyManagement, fn() -> RawOps); 5] = [
        (KeyManagement::Hpke9, raw::<XWing>),
        (KeyManagement::Hpke12, raw::<MlKem768>),
        (KeyManagement::Hpke13, raw::<MlKem1024>),
        (KeyManagement::Hpke8, raw::<MlKem768P256>),
        (KeyManagement::Hpke10, raw::<MlKem1024P384>),
    ];
    for (alg, raw_ops) in suites {
        let dk = DecryptionKey::generate(alg).expect("keygen");
        let ek = dk.encryption_key();
        let token = jwe::encrypt(&ek, PLAINTEXT).expect("encrypt");
        let decryption = Decryption::pqc_only();
        assert_eq!(
            decryption
                .decrypt(&token, &dk)
                .expect("decrypt")
                .plaintext(),
            PLAINTEXT
        );
        let (seal, open) = raw_ops();
        let decrypt = || {
            black_box(decryption.decrypt(black_box(&token), &dk).expect("decrypt"));
        };
        let encrypt = || {
            black_box(jwe::encrypt(&ek, black_box(PLAINTEXT)).expect("encrypt"));
        };
        let [open_t, decrypt_t, seal_t, encrypt_t] =
            interleaved(rounds, [&*open, &decrypt, &*seal, &encrypt]);
        let us = |d: std::time::Duration| format!("{:.1} µs", d.as_secs_f64() * 1e6);
        let x = |a: std::time::Duration, b: std::time::Duration| {
            format!("{:.3}×", a.as_secs_f64() / b.as_secs_f64())
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            alg.as_str(),
            us(open_t),
            us(decrypt_t),
            x(decrypt_t, open_t),
            us(seal_t),
            us(encrypt_t),
            x(encrypt_t, seal_t),
        );
    }
}
