//! One key, one typical token and every way of verifying it that the ratio targets compare:
//! the raw backend verify, a token verify with the key, through a one-key `KeySet`, through the
//! C ABI, and with a verifier that accepts every signature (the JOSE overhead alone). Used by
//! the `icount` (instruction counts under callgrind) and `ratio` (interleaved timing) binaries.

use std::hint::black_box;

use pqjose::{Algorithm, JwsVerifier, KeySet, Validation, VerifyingKey};
use pqjose_ffi::pqj_status;

use crate::c_abi::CVerifier;
use crate::keys;
use crate::token::{self, AcceptAll, Custom};

/// The operations a [`Fixture`] runs, in report order: raw, token, key-set, C ABI verify and
/// the JOSE overhead.
pub const OPS: [fn(&Fixture); 5] = [
    Fixture::raw,
    Fixture::token,
    Fixture::keyset,
    Fixture::c_abi,
    Fixture::overhead,
];

/// A key pair's verifying half, a typical token signed by it, and the verifiers built once.
#[derive(Debug)]
pub struct Fixture {
    alg: Algorithm,
    vk: VerifyingKey,
    token: String,
    input: Vec<u8>,
    signature: Vec<u8>,
    validation: Validation,
    set: KeySet,
    c: CVerifier,
}

impl Fixture {
    /// A fresh key pair for `alg` and a typical token.
    pub fn new(alg: Algorithm) -> Self {
        let (sk, vk) = keys(alg);
        let token = token::mint(&sk);
        let (input, signature) = token::split(&token);
        let set = KeySet::new();
        set.add(vk.clone()).expect("add key");
        let jwk = if alg.family() == pqjose::Family::Hmac {
            sk.to_jwk().expect("JWK").to_json()
        } else {
            vk.to_jwk().expect("public JWK").to_json()
        };
        let c = CVerifier::new(&jwk);
        Fixture {
            alg,
            vk,
            token,
            input,
            signature,
            validation: token::validation(),
            set,
            c,
        }
    }

    /// The token's length in bytes.
    pub fn token_len(&self) -> usize {
        self.token.len()
    }

    /// The signature's length in bytes.
    pub fn signature_len(&self) -> usize {
        self.signature.len()
    }

    /// The backend's verify of the token's signing input and decoded signature.
    pub fn raw(&self) {
        self.vk
            .verify(black_box(&self.input), black_box(&self.signature))
            .expect("raw verify");
    }

    /// `Validation::verify` with the key: the whole pipeline, claims parsed and checked.
    pub fn token(&self) {
        black_box(
            token::verify(&self.validation, &self.vk, black_box(&self.token)).expect("token"),
        );
    }

    /// `Validation::verify_with_keys` through a one-key `KeySet` (what the C ABI does).
    pub fn keyset(&self) {
        black_box(
            self.validation
                .verify_with_keys::<Custom>(black_box(&self.token), &self.set)
                .expect("keyset verify"),
        );
    }

    /// `pqj_verifier_verify` through the C ABI, claims JSON returned and freed.
    pub fn c_abi(&self) {
        assert_eq!(
            self.c.verify(black_box(&self.token)),
            pqj_status::Ok,
            "C ABI verify"
        );
    }

    /// `Validation::verify` with a verifier that accepts every signature.
    pub fn overhead(&self) {
        black_box(
            token::verify(
                &self.validation,
                &AcceptAll(self.alg),
                black_box(&self.token),
            )
            .expect("overhead"),
        );
    }
}
