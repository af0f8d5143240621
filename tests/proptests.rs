//! Property tests: sign/verify round trip for every algorithm, arbitrary bytes and mutations
//! of valid tokens give an error (never a panic, never an accept), JWK export/import round trip.
//!
//! Keys are generated once per algorithm and shared. SLH-DSA and RSA sign slowly, so they get
//! few cases (and RSA keys are generated once and re-bound to each RSA algorithm). Failing
//! cases are persisted to `proptest-regressions/proptests.txt` and replayed first.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod harden_support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use pqjose::{
    Algorithm, CustomClaims, Error, Family, FixedClock, Jwk, KeySet, SigningKey, SigningMode,
    TokenBuilder, Validation, VerifyingKey, jws,
};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const NOW: i64 = 1_700_000_000;
const REGRESSIONS: &str = "proptest-regressions/proptests.txt";

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(REGRESSIONS))),
        ..ProptestConfig::default()
    }
}

fn is_slow(alg: Algorithm) -> bool {
    matches!(alg.family(), Family::SlhDsa | Family::Rsa)
}

type Pair = Arc<(SigningKey, VerifyingKey)>;

/// One key per algorithm, generated on first use; `None` while the backend is unsupported.
fn key(alg: Algorithm) -> Option<Pair> {
    static KEYS: OnceLock<Mutex<HashMap<Algorithm, Option<Pair>>>> = OnceLock::new();
    let cache = KEYS.get_or_init(Default::default);
    if let Some(k) = cache.lock().unwrap().get(&alg) {
        return k.clone();
    }
    let generated = match alg.family() {
        // One RSA keypair, re-bound to each RSA algorithm (RSA key generation is slow).
        Family::Rsa if alg != Algorithm::Rs256 => key(Algorithm::Rs256).map(|base| {
            let mut jwk = base.0.to_jwk().unwrap();
            let json = jwk.to_json().replace("\"alg\":\"RS256\",", "");
            jwk = Jwk::from_json(&json).unwrap();
            SigningKey::from_jwk_with_alg(&jwk, alg).unwrap()
        }),
        _ => harden_support::test_key(alg),
    };
    let pair = generated.map(|sk| {
        let vk = sk.verifying_key().unwrap();
        Arc::new((sk, vk))
    });
    cache.lock().unwrap().insert(alg, pair.clone());
    pair
}

/// The algorithms that sign quickly enough, slow (RSA, SLH-DSA) or not.
fn algs(slow: bool) -> Vec<Algorithm> {
    Algorithm::ALL
        .iter()
        .copied()
        .filter(|&a| is_slow(a) == slow && harden_support::signs_quickly(a))
        .collect()
}

fn check_round_trip(alg: Algorithm, payload: &[u8], deterministic: bool) {
    let Some(pair) = key(alg) else { return };
    let (sk, vk) = &*pair;
    let token = jws::sign_payload(sk, payload).unwrap();
    let verified = jws::verify(vk, &token).unwrap();
    assert_eq!(verified.payload(), payload);
    assert_eq!(verified.header().alg(), alg);
    assert_eq!(verified.header().kid(), Some(sk.kid()));
    // A different key of the same algorithm refuses it.
    if !is_slow(alg) {
        let other = SigningKey::generate(alg).unwrap().verifying_key().unwrap();
        assert!(jws::verify(&other, &token).is_err());
    }
    // Deterministic mode signs the same input identically (RSA-PSS keeps its random salt).
    if deterministic {
        let det = SigningKey::from_jwk(&sk.to_jwk().unwrap())
            .unwrap()
            .with_signing_mode(SigningMode::Deterministic);
        let (a, b) = (
            jws::sign_payload(&det, payload).unwrap(),
            jws::sign_payload(&det, payload).unwrap(),
        );
        if !matches!(alg, Algorithm::Ps256 | Algorithm::Ps384 | Algorithm::Ps512) {
            assert_eq!(a, b, "{alg}: deterministic signatures differ");
        }
        assert!(jws::verify(vk, &a).is_ok());
    }
}

fn jwt_round_trip(alg: Algorithm, sub: &str) {
    let Some(pair) = key(alg) else { return };
    let (sk, vk) = &*pair;
    let token = TokenBuilder::new()
        .issuer("iss")
        .audience("aud")
        .subject(sub)
        .clock(FixedClock::at_secs(NOW))
        .sign(sk)
        .unwrap();
    let keys = KeySet::from_keys([vk.clone()]).unwrap();
    let v = Validation::new()
        .issuer("iss")
        .audience("aud")
        .clock(FixedClock::at_secs(NOW + 10))
        .verify_with_keys::<CustomClaims>(&token, &keys)
        .unwrap();
    assert_eq!(v.claims().subject(), Some(sub));
    assert_eq!(v.algorithm(), alg);
}

#[test]
fn every_algorithm_round_trips() {
    let mut signed = Vec::new();
    let mut jwk_only = Vec::new();
    let mut unsupported = Vec::new();
    for &alg in Algorithm::ALL {
        let Some(pair) = key(alg) else {
            unsupported.push(alg);
            continue;
        };
        // JWK and public-key round trip for every algorithm.
        let jwk = pair.0.to_jwk().unwrap();
        let back = SigningKey::from_jwk_json(&jwk.to_json()).unwrap();
        assert_eq!(back.algorithm(), alg);
        assert_eq!(back.thumbprint().unwrap(), pair.0.thumbprint().unwrap());
        assert_eq!(back.verifying_key().unwrap().kid(), pair.1.kid());
        if harden_support::signs_quickly(alg) {
            check_round_trip(alg, b"{\"hello\":\"world\"}", false);
            jwt_round_trip(alg, "agent-7");
            signed.push(alg);
        } else {
            jwk_only.push(alg);
        }
    }
    eprintln!(
        "round trip: {} algorithms sign+verify (JWS and JWT), {} JWK only (SLH-DSA SHAKE s sets, \
         signed in kat_slh_dsa): {jwk_only:?}; unsupported: {unsupported:?}",
        signed.len(),
        jwk_only.len()
    );
    assert!(unsupported.is_empty(), "unsupported: {unsupported:?}");
}

/// A few valid tokens (one per family that signs quickly) to mutate.
fn valid_tokens() -> &'static [(Algorithm, String)] {
    static T: OnceLock<Vec<(Algorithm, String)>> = OnceLock::new();
    T.get_or_init(|| {
        [
            Algorithm::Hs256,
            Algorithm::Ed25519,
            Algorithm::Es256,
            Algorithm::Es384,
            Algorithm::Rs256,
            Algorithm::Ps256,
            Algorithm::MlDsa44,
            Algorithm::MlDsa44Es256,
            Algorithm::MlDsa44Ed25519,
            Algorithm::SlhDsaSha2_128f,
        ]
        .into_iter()
        .filter_map(|alg| {
            let pair = key(alg)?;
            let token = TokenBuilder::new()
                .issuer("iss")
                .audience("aud")
                .clock(FixedClock::at_secs(NOW))
                .sign(&pair.0)
                .unwrap();
            Some((alg, token))
        })
        .collect()
    })
}

#[derive(Clone, Debug)]
enum Mutation {
    Set(usize, u8),
    Insert(usize, u8),
    Remove(usize),
    Truncate(usize),
    Swap(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let b64ish = prop_oneof![
        prop::sample::select(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ".to_vec()
        ),
        any::<u8>(),
    ];
    prop_oneof![
        (any::<usize>(), b64ish.clone()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), b64ish).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Remove),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Mutation::Swap(i, j)),
    ]
}

fn apply(token: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut t = token.as_bytes().to_vec();
    for m in mutations {
        let n = t.len().max(1);
        match *m {
            Mutation::Set(i, b) if !t.is_empty() => t[i % n] = b,
            Mutation::Insert(i, b) => t.insert(i % (t.len() + 1), b),
            Mutation::Remove(i) if !t.is_empty() => {
                t.remove(i % n);
            }
            Mutation::Truncate(i) => t.truncate(i % (t.len() + 1)),
            Mutation::Swap(i, j) if !t.is_empty() => t.swap(i % n, j % n),
            _ => {}
        }
    }
    t
}

fn refused_everywhere(token: &str) {
    let validation = Validation::new()
        .issuer("iss")
        .audience("aud")
        .clock(FixedClock::at_secs(NOW));
    for (alg, _) in valid_tokens() {
        let pair = key(*alg).unwrap();
        assert!(jws::verify(&pair.1, token).is_err(), "{alg} accepted");
        let keys = KeySet::from_keys([pair.1.clone()]).unwrap();
        assert!(
            validation
                .verify_with_keys::<CustomClaims>(token, &keys)
                .is_err(),
            "{alg} JWT accepted"
        );
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn round_trip_fast_algorithms(
        alg in prop::sample::select(algs(false)),
        payload in prop::collection::vec(any::<u8>(), 0..600),
        deterministic in any::<bool>(),
    ) {
        check_round_trip(alg, &payload, deterministic);
    }

    #[test]
    fn jwk_export_import_round_trip(
        alg in prop::sample::select(algs(false)),
        kid in "[ -~]{1,40}|\\PC{1,20}",
    ) {
        let Some(pair) = key(alg) else { return Ok(()) };
        let sk = SigningKey::from_jwk(&pair.0.to_jwk().unwrap())
            .unwrap()
            .with_kid(kid.clone())
            .unwrap();
        // Private JWK: JSON text -> Jwk -> SigningKey is the same key under the same kid.
        let json = sk.to_jwk().unwrap().to_json();
        let back = SigningKey::from_jwk_json(&json).unwrap();
        prop_assert_eq!(back.kid(), kid.as_str());
        prop_assert_eq!(back.algorithm(), alg);
        prop_assert_eq!(back.thumbprint().unwrap(), pair.0.thumbprint().unwrap());
        let token = jws::sign_payload(&back, b"x").unwrap();
        prop_assert!(jws::verify(&pair.1, &token).is_ok());
        // Public JWK (not for HMAC, which has none).
        if !alg.is_symmetric() {
            let public = sk.to_public_jwk().unwrap();
            prop_assert!(!public.is_private());
            let vk = VerifyingKey::from_jwk_json(&public.to_json()).unwrap();
            prop_assert_eq!(vk.kid(), kid.as_str());
            prop_assert!(jws::verify(&vk, &token).is_ok());
            let set = KeySet::from_keys([vk]).unwrap().to_public_jwk_set();
            let (keys, skipped) = KeySet::from_jwk_set_json(&set.to_json()).unwrap();
            prop_assert!(skipped.is_empty());
            prop_assert_eq!(keys.len(), 1);
        } else {
            prop_assert!(sk.to_public_jwk().is_err());
        }
        // PEM, where the algorithm has one.
        match sk.to_pkcs8_pem() {
            Ok(pem) => {
                let again = SigningKey::from_pkcs8_pem(alg, &pem).unwrap();
                prop_assert_eq!(again.thumbprint().unwrap(), sk.thumbprint().unwrap());
                let spki = sk.verifying_key().unwrap().to_spki_pem().unwrap();
                let vk = VerifyingKey::from_spki_pem(alg, &spki).unwrap();
                prop_assert!(jws::verify(&vk, &token).is_ok());
            }
            Err(e) => prop_assert_eq!(e, Error::Key(pqjose::KeyError::PemUnsupported)),
        }
    }
}

proptest! {
    #![proptest_config(config(6))]

    #[test]
    fn round_trip_slow_algorithms(
        alg in prop::sample::select(algs(true)),
        payload in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        check_round_trip(alg, &payload, false);
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn mutated_tokens_are_refused(
        which in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let tokens = valid_tokens();
        let (_, original) = which.get(tokens);
        let mutated = apply(original, &mutations);
        if mutated == original.as_bytes() {
            return Ok(());
        }
        if let Ok(text) = std::str::from_utf8(&mutated) {
            refused_everywhere(text);
        }
    }

    #[test]
    fn arbitrary_bytes_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        refused_everywhere(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_base64_segments_are_refused(
        text in "[A-Za-z0-9_-]{0,200}(\\.[A-Za-z0-9_-]{0,200}){0,3}",
    ) {
        refused_everywhere(&text);
    }

    #[test]
    fn arbitrary_headers_and_payloads_are_refused(
        header in prop::collection::vec(any::<u8>(), 0..120),
        payload in prop::collection::vec(any::<u8>(), 0..120),
        sig in prop::collection::vec(any::<u8>(), 0..128),
    ) {
        use base64ct::{Base64UrlUnpadded, Encoding};
        let token = format!(
            "{}.{}.{}",
            Base64UrlUnpadded::encode_string(&header),
            Base64UrlUnpadded::encode_string(&payload),
            Base64UrlUnpadded::encode_string(&sig),
        );
        refused_everywhere(&token);
    }

    #[test]
    fn arbitrary_jwk_text_never_panics(text in "\\PC{0,300}") {
        if let Ok(jwk) = Jwk::from_json(&text) {
            let _ = VerifyingKey::from_jwk(&jwk);
            let _ = SigningKey::from_jwk(&jwk);
        }
        let _ = pqjose::JwkSet::from_json(&text);
    }
}
