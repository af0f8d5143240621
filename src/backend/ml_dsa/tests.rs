//! Unit tests of the crate-internal ML-DSA interface (context strings included).

use super::*;
use crate::error::AlgorithmError;

const LEVELS: [Algorithm; 3] = [Algorithm::MlDsa44, Algorithm::MlDsa65, Algorithm::MlDsa87];

fn vectors(rel: &str) -> String {
    let path = format!("{}/../shared/vectors/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

#[test]
fn round_trip_with_and_without_context() {
    for alg in LEVELS {
        let secret = MlDsaSecret::from_seed(alg, &[7u8; 32]).unwrap();
        let public = MlDsaPublic::from_bytes(alg, &secret.public_key_bytes()).unwrap();
        assert_eq!(public.to_bytes(), secret.public().to_bytes());
        assert_eq!(secret.seed(), &[7u8; 32]);
        assert_eq!(secret.public_key_bytes().len(), pk_len(alg));

        let msg = b"signing input";
        let label = b"COMPSIG-MLDSA44-Ed25519-SHA512";
        let hedged1 = secret
            .sign_with_context(msg, label, SigningMode::Hedged)
            .unwrap();
        let hedged2 = secret
            .sign_with_context(msg, label, SigningMode::Hedged)
            .unwrap();
        assert_ne!(hedged1, hedged2, "{alg}: hedged signatures must differ");
        assert_eq!(hedged1.len(), alg.max_signature_len());
        let det1 = secret
            .sign_with_context(msg, label, SigningMode::Deterministic)
            .unwrap();
        let det2 = secret
            .sign_with_context(msg, label, SigningMode::Deterministic)
            .unwrap();
        assert_eq!(det1, det2, "{alg}: deterministic signatures must agree");
        for sig in [&hedged1, &hedged2, &det1] {
            public.verify_with_context(msg, label, sig).unwrap();
            assert_eq!(
                public.verify_with_context(msg, b"", sig),
                Err(Error::InvalidSignature)
            );
            assert_eq!(
                public.verify_with_context(b"other", label, sig),
                Err(Error::InvalidSignature)
            );
        }

        // The JWS path is the empty context.
        let plain = SecretBackend::sign(&secret, msg, SigningMode::Hedged).unwrap();
        PublicBackend::verify(&public, msg, &plain).unwrap();
        public.verify_with_context(msg, &[], &plain).unwrap();

        // Bad lengths and corrupted signatures are errors, never panics.
        let mut bad = plain.clone();
        bad.pop();
        assert_eq!(
            PublicBackend::verify(&public, msg, &bad),
            Err(Error::Format(FormatError::SignatureLength))
        );
        assert_eq!(
            PublicBackend::verify(&public, msg, &[]),
            Err(Error::Format(FormatError::SignatureLength))
        );
        let mut flipped = plain.clone();
        flipped[10] ^= 1;
        assert_eq!(
            PublicBackend::verify(&public, msg, &flipped),
            Err(Error::InvalidSignature)
        );
        let ff = vec![0xffu8; plain.len()];
        assert_eq!(
            PublicBackend::verify(&public, msg, &ff),
            Err(Error::InvalidSignature)
        );
    }
}

fn pk_len(alg: Algorithm) -> usize {
    match alg {
        Algorithm::MlDsa44 => 1312,
        Algorithm::MlDsa65 => 1952,
        _ => 2592,
    }
}

#[test]
fn context_limit_is_255_bytes() {
    let secret = MlDsaSecret::from_seed(Algorithm::MlDsa44, &[1u8; 32]).unwrap();
    let public = secret.public();
    let ctx = [0x5au8; 255];
    let sig = secret
        .sign_with_context(b"m", &ctx, SigningMode::Deterministic)
        .unwrap();
    public.verify_with_context(b"m", &ctx, &sig).unwrap();
    let long = [0x5au8; 256];
    assert!(
        secret
            .sign_with_context(b"m", &long, SigningMode::Hedged)
            .is_err()
    );
    assert_eq!(
        public.verify_with_context(b"m", &long, &sig),
        Err(Error::InvalidSignature)
    );
}

#[test]
fn rejects_bad_lengths_and_algorithms() {
    assert_eq!(
        MlDsaSecret::from_seed(Algorithm::MlDsa44, &[0u8; 31]).err(),
        Some(Error::Key(KeyError::InvalidEncoding))
    );
    assert_eq!(
        MlDsaSecret::from_seed(Algorithm::Es256, &[0u8; 32]).err(),
        Some(Error::Algorithm(AlgorithmError::Unsupported(
            Algorithm::Es256
        )))
    );
    assert_eq!(
        MlDsaPublic::from_bytes(Algorithm::MlDsa65, &[0u8; 1312]).err(),
        Some(Error::Key(KeyError::InvalidEncoding))
    );
}

#[test]
fn debug_is_redacted() {
    let secret = MlDsaSecret::from_seed(Algorithm::MlDsa65, &[0xabu8; 32]).unwrap();
    let shown = format!("{secret:?}");
    assert_eq!(shown, "MlDsaSecret { alg: MlDsa65, .. }");
    assert!(!shown.to_lowercase().contains("ab, ab"));
}

/// RFC 9964 Appendix A: seed → pub, and the (hedged) JWS signature verifies with ctx "" only.
#[test]
fn rfc9964_examples() {
    for (alg, n) in [
        (Algorithm::MlDsa44, 44),
        (Algorithm::MlDsa65, 65),
        (Algorithm::MlDsa87, 87),
    ] {
        let text = vectors(&format!("ietf-cose-dilithium/jose/ML_DSA_{n}.jose.json"));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let field = |k: &str| hex(v[k].as_str().unwrap());
        let secret = MlDsaSecret::from_seed(alg, &field("priv")).unwrap();
        assert_eq!(secret.public_key_bytes(), field("raw_public_key"), "{alg}");
        let public = MlDsaPublic::from_bytes(alg, &field("raw_public_key")).unwrap();
        let tbs = field("raw_to_be_signed");
        let sig = field("raw_signature");
        public.verify_with_context(&tbs, &[], &sig).unwrap();
        assert_eq!(
            public.verify_with_context(&tbs, b"x", &sig),
            Err(Error::InvalidSignature)
        );
    }
}

/// Wycheproof ML-DSA verify cases that carry a non-empty context string, through the
/// crate-internal context API (the integration test `kat_ml_dsa` runs the rest through the
/// public API).
#[test]
fn wycheproof_context_cases() {
    for (alg, n) in [
        (Algorithm::MlDsa44, 44),
        (Algorithm::MlDsa65, 65),
        (Algorithm::MlDsa87, 87),
    ] {
        let file = format!("wycheproof-mldsa/mldsa_{n}_verify_test.json");
        let v: serde_json::Value = serde_json::from_str(&vectors(&file)).unwrap();
        let (mut cases, mut agree) = (0, 0);
        for group in v["testGroups"].as_array().unwrap() {
            let public = MlDsaPublic::from_bytes(alg, &hex(group["publicKey"].as_str().unwrap()));
            for t in group["tests"].as_array().unwrap() {
                let Some(ctx) = t
                    .get("ctx")
                    .and_then(|c| c.as_str())
                    .filter(|c| !c.is_empty())
                else {
                    continue;
                };
                cases += 1;
                let expected = t["result"].as_str() == Some("valid");
                let got = public.as_ref().map_err(Clone::clone).and_then(|k| {
                    k.verify_with_context(
                        &hex(t["msg"].as_str().unwrap()),
                        &hex(ctx),
                        &hex(t["sig"].as_str().unwrap()),
                    )
                });
                if got.is_ok() == expected {
                    agree += 1;
                } else {
                    eprintln!("{file} tc {}: expected {expected}, got {got:?}", t["tcId"]);
                }
            }
        }
        eprintln!("{file}: {cases} context cases, {agree} agree");
        assert_eq!(cases, 7, "{file}");
        assert_eq!(agree, cases, "{file}");
    }
}
