//! The key decides the algorithm: algorithm confusion, sibling algorithms, wrong keys, policies
//! and key-set selection.

mod jwt_support;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use hmac::{Hmac, KeyInit, Mac};
use jwt_support::*;
use pqjose::{
    Algorithm, AlgorithmError, AlgorithmPolicy, CustomClaims, Error, JwsSigner, JwsVerifier,
    KeySet, MAX_KIDLESS_CANDIDATES, Validation,
};
use sha2::Sha256;

fn single(v: &Validation, token: &str, k: &TestKey) -> Result<(), Error> {
    v.verify::<CustomClaims>(token, &*k.verifier).map(drop)
}

fn via_set(v: &Validation, token: &str, set: &KeySet) -> Result<(), Error> {
    v.verify_with_keys::<CustomClaims>(token, set).map(drop)
}

fn set_of(keys: &[&TestKey]) -> KeySet {
    let set = KeySet::new();
    for k in keys {
        match &k.public {
            Some(vk) => set.add(vk.clone()).unwrap(),
            None => set.add_verifier(k.verifier.clone()).unwrap(),
        }
    }
    set
}

fn mismatch(expected: Algorithm, found: Algorithm) -> Result<(), Error> {
    Err(AlgorithmError::Mismatch { expected, found }.into())
}

/// An HS256 token made by an attacker who keys HMAC with `secret` (public material).
fn hs256_forgery(secret: &[u8], kid: Option<&str>) -> String {
    let kid = kid.map(|k| format!(r#","kid":"{k}""#)).unwrap_or_default();
    let h = b64(format!(r#"{{"alg":"HS256"{kid}}}"#).as_bytes());
    let p = b64(payload("").as_bytes());
    let input = format!("{h}.{p}");
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", b64(&mac.finalize().into_bytes()))
}

/// What an attacker can know of a public key: its JWK text, its SPKI DER, or (for a fake) its id.
fn public_material(k: &TestKey) -> Vec<Vec<u8>> {
    let mut out = vec![k.kid().as_bytes().to_vec()];
    if let Some(vk) = &k.public {
        if let Ok(jwk) = vk.to_jwk() {
            out.push(jwk.to_json().into_bytes());
        }
        if let Ok(der) = vk.to_spki_der() {
            out.push(der);
        }
    }
    out
}

#[test]
fn hs256_keyed_with_public_material_is_refused() {
    let v = validation();
    let keys = [
        key(Algorithm::Es256, "ec"),
        key(Algorithm::MlDsa65, "pq"),
        key(Algorithm::Rs256, "rsa"),
        key(Algorithm::Ed25519, "ed"),
    ];
    let set = set_of(&keys.iter().collect::<Vec<_>>());
    for k in &keys {
        let alg = k.verifier.algorithm();
        for secret in public_material(k) {
            // The asymmetric verifier refuses an HS256 header outright.
            let token = hs256_forgery(&secret, Some(k.kid()));
            assert_eq!(
                single(&v, &token, k),
                mismatch(alg, Algorithm::Hs256),
                "{alg}"
            );
            // A key set of public keys never verifies HS*: by kid it is the wrong algorithm,
            // without kid there is no HS256 key at all.
            assert_eq!(via_set(&v, &token, &set), mismatch(alg, Algorithm::Hs256));
            let token = hs256_forgery(&secret, None);
            assert_eq!(via_set(&v, &token, &set), Err(Error::KeyNotFound));
        }
        // A verifier rebuilt from the published JWK keeps the key's algorithm.
        if let Some(vk) = &k.public {
            let jwk_text = vk.to_jwk().unwrap().to_json();
            let reloaded = pqjose::VerifyingKey::from_jwk_json(&jwk_text).unwrap();
            assert_eq!(reloaded.algorithm(), alg);
            let token = hs256_forgery(jwk_text.as_bytes(), None);
            assert_eq!(
                v.verify::<CustomClaims>(&token, &reloaded).map(drop),
                mismatch(alg, Algorithm::Hs256)
            );
        }
    }
}

#[test]
fn header_alg_changed_to_a_sibling() {
    use Algorithm::*;
    let v = validation();
    for (alg, siblings) in [
        (
            MlDsa65,
            &[
                MlDsa44,
                MlDsa87,
                MlDsa65Ed25519,
                MlDsa65Es256,
                SlhDsaSha2_128s,
            ][..],
        ),
        (Es256, &[Es384, MlDsa44Es256, Hs256][..]),
        (Rs256, &[Rs384, Rs512, Ps256][..]),
        (Ed25519, &[MlDsa44Ed25519, Es256][..]),
        (Hs256, &[Hs384, Hs512][..]),
    ] {
        let k = key(alg, "k1");
        let set = set_of(&[&k]);
        for &sibling in siblings {
            // Signed by the real key, only the header's alg changed.
            let header = format!(r#"{{"alg":"{sibling}","kid":"k1"}}"#);
            let token = forge(&*k.signer, &header, payload("").as_bytes());
            assert_eq!(
                single(&v, &token, &k),
                mismatch(alg, sibling),
                "{alg}->{sibling}"
            );
            assert_eq!(via_set(&v, &token, &set), mismatch(alg, sibling));
            let header = format!(r#"{{"alg":"{sibling}"}}"#);
            let token = forge(&*k.signer, &header, payload("").as_bytes());
            assert_eq!(via_set(&v, &token, &set), Err(Error::KeyNotFound));
        }
    }
    // The one alias: EdDSA (RFC 8037) and Ed25519 (RFC 9864) name the same scheme.
    let k = key(Ed25519, "k1");
    let token = forge(
        &*k.signer,
        r#"{"alg":"EdDSA","kid":"k1"}"#,
        payload("").as_bytes(),
    );
    assert_eq!(single(&v, &token, &k), Ok(()));
    assert_eq!(via_set(&v, &token, &set_of(&[&k])), Ok(()));
}

#[test]
fn different_key_of_the_same_algorithm() {
    let v = validation();
    for alg in [
        Algorithm::MlDsa65,
        Algorithm::Ed25519,
        Algorithm::Es256,
        Algorithm::Hs256,
    ] {
        let good = key(alg, "k1");
        let other = match key(alg, "k1") {
            // Fake keys derive their secret from the kid; make a genuinely different one.
            k if k.public.is_none() => TestKey::fake_with_secret(alg, "k1", b"other"),
            k => k,
        };
        let token = builder().sign(&*other.signer).unwrap();
        assert_eq!(
            single(&v, &token, &good),
            Err(Error::InvalidSignature),
            "{alg}"
        );
        assert_eq!(
            via_set(&v, &token, &set_of(&[&good])),
            Err(Error::InvalidSignature)
        );
        // Tampering with any part breaks the signature.
        let token = builder().sign(&*good.signer).unwrap();
        assert_eq!(single(&v, &token, &good), Ok(()));
        let (h, rest) = token.split_once('.').unwrap();
        let (p, s) = rest.split_once('.').unwrap();
        let other_payload = b64(payload(r#""admin":true"#).as_bytes());
        assert_eq!(
            single(&v, &format!("{h}.{other_payload}.{s}"), &good),
            Err(Error::InvalidSignature)
        );
        let other_header = b64(header_for(&*good.signer, r#""typ":"at+jwt""#).as_bytes());
        assert_eq!(
            single(&v, &format!("{other_header}.{p}.{s}"), &good),
            Err(Error::InvalidSignature)
        );
    }
}

#[test]
fn algorithm_policies() {
    use Algorithm::*;
    let pq = key(MlDsa65, "pq");
    let hybrid = key(MlDsa65Ed25519, "hy");
    let ec = key(Es256, "ec");
    let set = set_of(&[&pq, &hybrid, &ec]);
    let t_pq = builder().sign(&*pq.signer).unwrap();
    let t_hy = builder().sign(&*hybrid.signer).unwrap();
    let t_ec = builder().sign(&*ec.signer).unwrap();
    // Each policy: (pure PQ accepted, composite accepted). Classical is refused by all three.
    for (policy, pq_ok, hybrid_ok) in [
        (AlgorithmPolicy::PqcOnly, true, false),
        (AlgorithmPolicy::HybridOrPqc, true, true),
        (AlgorithmPolicy::CompositeOnly, false, true),
    ] {
        let v = validation().policy(policy);
        let expect = |ok: bool, alg| {
            if ok {
                Ok(())
            } else {
                Err(AlgorithmError::NotAllowed(alg).into())
            }
        };
        assert_eq!(via_set(&v, &t_pq, &set), expect(pq_ok, MlDsa65), "{policy}");
        assert_eq!(single(&v, &t_pq, &pq), expect(pq_ok, MlDsa65), "{policy}");
        assert_eq!(
            via_set(&v, &t_hy, &set),
            expect(hybrid_ok, MlDsa65Ed25519),
            "{policy}"
        );
        assert_eq!(
            single(&v, &t_hy, &hybrid),
            expect(hybrid_ok, MlDsa65Ed25519),
            "{policy}"
        );
        assert_eq!(
            via_set(&v, &t_ec, &set),
            Err(AlgorithmError::NotAllowed(Es256).into())
        );
        assert_eq!(
            single(&v, &t_ec, &ec),
            Err(AlgorithmError::NotAllowed(Es256).into())
        );
    }
    assert_eq!(
        "quantum".parse::<AlgorithmPolicy>(),
        Err(AlgorithmError::UnknownPolicy.into())
    );
    let v = validation().policy(AlgorithmPolicy::Any);
    assert_eq!(via_set(&v, &t_ec, &set), Ok(()));
    // An explicit list narrows further.
    let v = validation().algorithms([MlDsa65]);
    assert_eq!(via_set(&v, &t_pq, &set), Ok(()));
    assert_eq!(
        via_set(&v, &t_hy, &set),
        Err(AlgorithmError::NotAllowed(MlDsa65Ed25519).into())
    );
    // The key's algorithm must be allowed too, not only the header's alias of it.
    let ed = key(Ed25519, "ed");
    let token = forge(
        &*ed.signer,
        r#"{"alg":"EdDSA","kid":"ed"}"#,
        payload("").as_bytes(),
    );
    let v = validation().algorithms([EdDsa]);
    assert_eq!(
        single(&v, &token, &ed),
        Err(AlgorithmError::NotAllowed(Ed25519).into())
    );
    assert_eq!(
        via_set(&v, &token, &set_of(&[&ed])),
        Err(AlgorithmError::NotAllowed(Ed25519).into())
    );
}

#[test]
fn key_set_selects_by_kid_then_alg() {
    use Algorithm::*;
    let keys = [
        key(MlDsa65, "a"),
        key(Es256, "a"),
        key(Ed25519, "b"),
        key(Hs256, "c"),
    ];
    let set = set_of(&keys.iter().collect::<Vec<_>>());
    let v = validation();
    for k in &keys {
        let token = builder().sign(&*k.signer).unwrap();
        let verified = v.verify_with_keys::<CustomClaims>(&token, &set).unwrap();
        assert_eq!(verified.algorithm(), k.verifier.algorithm());
        assert_eq!(verified.kid(), Some(k.kid()));
    }
    // Unknown kid: not found, never a fallback to another key.
    let stray = key(MlDsa65, "zzz");
    let token = builder().sign(&*stray.signer).unwrap();
    assert_eq!(via_set(&v, &token, &set), Err(Error::KeyNotFound));
    // An empty set finds nothing.
    assert_eq!(via_set(&v, &token, &KeySet::new()), Err(Error::KeyNotFound));
}

#[test]
fn kidless_tokens_try_a_bounded_number_of_keys() {
    let fakes: Vec<Arc<Fake>> = (0..MAX_KIDLESS_CANDIDATES + 4)
        .map(|i| {
            Arc::new(Fake::new(
                Algorithm::MlDsa44,
                Some(&format!("k{i}")),
                format!("secret{i}").as_bytes(),
            ))
        })
        .collect();
    let set = KeySet::new();
    for f in &fakes {
        set.add_verifier(f.clone()).unwrap();
    }
    let v = validation();
    let kidless = |f: &Fake| {
        forge(
            f,
            &format!(r#"{{"alg":"{}"}}"#, JwsSigner::algorithm(f)),
            payload("").as_bytes(),
        )
    };
    // The newest key is found without kid.
    assert_eq!(via_set(&v, &kidless(fakes.last().unwrap()), &set), Ok(()));
    // The oldest is beyond the bound: refused after at most MAX_KIDLESS_CANDIDATES attempts.
    let before: usize = fakes
        .iter()
        .map(|f| f.verifications.load(Ordering::SeqCst))
        .sum();
    assert_eq!(
        via_set(&v, &kidless(&fakes[0]), &set),
        Err(Error::InvalidSignature)
    );
    let after: usize = fakes
        .iter()
        .map(|f| f.verifications.load(Ordering::SeqCst))
        .sum();
    assert_eq!(after - before, MAX_KIDLESS_CANDIDATES);
    // With its kid it is found directly, with one verification.
    let token = forge(
        &*fakes[0],
        &header_for(&*fakes[0], ""),
        payload("").as_bytes(),
    );
    assert_eq!(via_set(&v, &token, &set), Ok(()));
    assert_eq!(fakes[0].verifications.load(Ordering::SeqCst), 1);
}

#[test]
fn custom_signer_and_verifier_plug_in() {
    // Any JwsSigner/JwsVerifier (an HSM, a KMS) works with the builder and the validator.
    let f = Fake::new(Algorithm::MlDsa87, Some("hsm-1"), b"hsm");
    let signer: &dyn JwsSigner = &f;
    let verifier: &dyn JwsVerifier = &f;
    let token = builder().sign(signer).unwrap();
    let verified = validation()
        .verify::<CustomClaims>(&token, verifier)
        .unwrap();
    assert_eq!(verified.kid(), Some("hsm-1"));
}
