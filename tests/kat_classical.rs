//! Known answers for the classical algorithms, through the public API only:
//!
//! - RFC 7515 Appendix A.1 (HS256), A.2 (RS256), A.3 (ES256) and RFC 8037 Appendix A (Ed25519),
//!   from `../shared/vectors/rfc7515-rfc8037/`;
//! - Wycheproof Ed25519, ECDSA P-256/P-384 (P1363), RSA PKCS#1 v1.5 and PSS, HMAC-SHA-256, from
//!   `../shared/vectors/wycheproof-classical/`. Every case must agree with its expected result,
//!   except where [`CHOICES`] records pqjose's deliberate verdict, and why.
//!
//! The Wycheproof message is fed as the JWS signing input (`JwsVerifier::verify`).

// Test helpers outside `#[test]` functions: unwrap, panic and indexing are fine here.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use pqjose::{
    Algorithm, Error, FormatError, Jwk, JwsSigner, JwsVerifier, KeyError, SigningKey, VerifyingKey,
    jws,
};
use serde_json::Value;

const RFC_VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/rfc7515-rfc8037/rfc7515_rfc8037_vectors.json"
);
const WYCHEPROOF: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/wycheproof-classical/"
);

fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("missing string {key}"))
}

fn unhex(v: &Value, key: &str) -> Vec<u8> {
    hex::decode(s(v, key)).unwrap()
}

// ---------------------------------------------------------------------------------------------
// RFC 7515 / RFC 8037
// ---------------------------------------------------------------------------------------------

fn rfc_vector(section_prefix: &str) -> Value {
    let all = load(RFC_VECTORS);
    all["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| s(v, "section").starts_with(section_prefix))
        .unwrap_or_else(|| panic!("no vector {section_prefix}"))
        .clone()
}

fn jwk_of(v: &Value, member: &str) -> Jwk {
    Jwk::from_json(&v[member].to_string()).unwrap()
}

#[test]
fn rfc7515_a1_hs256() {
    let v = rfc_vector("RFC 7515 Appendix A.1");
    let jwk = jwk_of(&v, "jwk");
    let sk = SigningKey::from_jwk_with_alg(&jwk, Algorithm::Hs256).unwrap();
    let sig = sk.sign(s(&v, "signing_input").as_bytes()).unwrap();
    assert_eq!(hex::encode(&sig), s(&v, "signature_hex"));
    let vk = VerifyingKey::from_jwk_with_alg(&jwk, Algorithm::Hs256).unwrap();
    let verified = jws::verify(&vk, s(&v, "jws")).unwrap();
    assert_eq!(verified.payload(), s(&v, "payload_json_or_text").as_bytes());
    assert_eq!(
        verified.header().alg(),
        Algorithm::Hs256,
        "header {:?}",
        s(&v, "protected_header_json")
    );
    jws::verify(&sk.verifying_key().unwrap(), s(&v, "jws")).unwrap();
    // The same secret bound to HS512 refuses the HS256 token: the key decides the algorithm.
    let hs512 = VerifyingKey::from_jwk_with_alg(&jwk, Algorithm::Hs512).unwrap();
    assert!(matches!(
        jws::verify(&hs512, s(&v, "jws")),
        Err(Error::Algorithm(_))
    ));
    eprintln!("RFC 7515 A.1 HS256: signature reproduced, JWS verified");
}

#[test]
fn rfc7515_a2_rs256() {
    let v = rfc_vector("RFC 7515 Appendix A.2");
    let jwk = jwk_of(&v, "jwk");
    let sk = SigningKey::from_jwk_with_alg(&jwk, Algorithm::Rs256).unwrap();
    // PKCS#1 v1.5 is deterministic: the RFC's signature is reproduced exactly.
    let sig = sk.sign(s(&v, "signing_input").as_bytes()).unwrap();
    assert_eq!(hex::encode(&sig), s(&v, "signature_hex"));
    let vk = VerifyingKey::from_jwk_with_alg(&jwk.to_public().unwrap(), Algorithm::Rs256).unwrap();
    let verified = jws::verify(&vk, s(&v, "jws")).unwrap();
    assert_eq!(verified.payload(), s(&v, "payload_json_or_text").as_bytes());
    // The key's PEM forms carry the same key.
    let pem = sk.to_pkcs8_pem().unwrap();
    let again = SigningKey::from_pkcs8_pem(Algorithm::Rs256, &pem).unwrap();
    assert_eq!(again.thumbprint().unwrap(), sk.thumbprint().unwrap());
    let spki = VerifyingKey::from_spki_pem(Algorithm::Rs256, &vk.to_spki_pem().unwrap()).unwrap();
    jws::verify(&spki, s(&v, "jws")).unwrap();
    // A PS256 key over the same modulus does not accept the RS256 token.
    let ps = VerifyingKey::from_jwk_with_alg(&jwk.to_public().unwrap(), Algorithm::Ps256).unwrap();
    assert!(jws::verify(&ps, s(&v, "jws")).is_err());
    eprintln!("RFC 7515 A.2 RS256: signature reproduced, JWS verified");
}

#[test]
fn rfc7515_a3_es256() {
    let v = rfc_vector("RFC 7515 Appendix A.3");
    let jwk = jwk_of(&v, "jwk");
    let vk = VerifyingKey::from_jwk(&jwk.to_public().unwrap()).unwrap();
    assert_eq!(vk.algorithm(), Algorithm::Es256);
    let verified = jws::verify(&vk, s(&v, "jws")).unwrap();
    assert_eq!(verified.payload(), s(&v, "payload_json_or_text").as_bytes());
    assert_eq!(unhex(&v, "signature_hex").len(), 64);
    // ECDSA is randomized in the RFC (deterministic in pqjose): sign and verify instead.
    let sk = SigningKey::from_jwk(&jwk).unwrap();
    let token = jws::sign_payload(&sk, b"payload").unwrap();
    jws::verify(&vk, &token).unwrap();
    eprintln!("RFC 7515 A.3 ES256: JWS verified, fresh signature verified");
}

#[test]
fn rfc8037_ed25519() {
    let v = rfc_vector("RFC 8037");
    let jwk = jwk_of(&v, "jwk");
    // A.1/A.2: the private key; its public JWK.
    let sk = SigningKey::from_jwk(&jwk).unwrap();
    assert_eq!(sk.algorithm(), Algorithm::Ed25519);
    let public = sk.to_public_jwk().unwrap();
    let expected = jwk_of(&v, "public_jwk");
    assert_eq!(
        (public.kty(), public.thumbprint().unwrap()),
        (expected.kty(), expected.thumbprint().unwrap())
    );
    // A.3: the thumbprint (also the default kid).
    assert_eq!(sk.thumbprint().unwrap(), s(&v, "thumbprint"));
    assert_eq!(sk.kid(), s(&v, "thumbprint"));
    // A.4: signing reproduces the signature exactly.
    let sig = sk.sign(s(&v, "signing_input").as_bytes()).unwrap();
    assert_eq!(hex::encode(&sig), s(&v, "signature_hex"));
    let legacy = SigningKey::from_jwk_with_alg(&jwk, Algorithm::EdDsa).unwrap();
    let header = pqjose::Header::new(Algorithm::EdDsa);
    let token = jws::sign(&legacy, &header, s(&v, "payload_text").as_bytes()).unwrap();
    assert_eq!(token, s(&v, "jws"));
    // A.5: validation, by an `Ed25519` key (alias) and an `EdDSA` key.
    for vk in [
        VerifyingKey::from_jwk(&expected).unwrap(),
        legacy.verifying_key().unwrap(),
    ] {
        let verified = jws::verify(&vk, s(&v, "jws")).unwrap();
        assert_eq!(verified.payload(), s(&v, "payload_text").as_bytes());
    }
    eprintln!("RFC 8037 A.1-A.5 Ed25519: thumbprint, signature and JWS reproduced, verified");
}

// ---------------------------------------------------------------------------------------------
// Wycheproof
// ---------------------------------------------------------------------------------------------

/// Which cases a [`Choice`] covers.
#[derive(Debug)]
enum Select {
    /// Every case carrying this flag.
    Flag(&'static str),
    /// Every case of a group with this `keySize` (bits).
    KeySize(u64),
    /// Every case of a group with this `tagSize` (bits).
    TagSize(u64),
}

/// pqjose's verdict on the selected cases.
#[derive(Debug)]
enum Verdict {
    /// Refused, with exactly this error.
    Reject(Error),
}

/// A deliberate verdict where Wycheproof says "acceptable" or where JOSE is stricter.
struct Choice {
    file: &'static str,
    select: Select,
    verdict: Verdict,
    reason: &'static str,
}

const CHOICES: &[Choice] = &[
    Choice {
        file: "rsa_signature_2048_sha256_test.json",
        select: Select::Flag("MissingNull"),
        verdict: Verdict::Reject(Error::InvalidSignature),
        reason: "\"acceptable\" legacy DigestInfo without NULL: RS256 accepts only the \
                 RFC 8017 encoding",
    },
    Choice {
        file: "hmac_sha256_test.json",
        select: Select::KeySize(128),
        verdict: Verdict::Reject(Error::Key(KeyError::TooWeak)),
        reason: "RFC 7518 §3.2: an HS256 key must be at least 256 bits; shorter keys are refused \
                 on import",
    },
    Choice {
        file: "hmac_sha256_test.json",
        select: Select::TagSize(128),
        verdict: Verdict::Reject(Error::Format(FormatError::SignatureLength)),
        reason: "RFC 7518 §3.2: the HS256 JWS signature is the full 256-bit tag; truncated tags \
                 are refused",
    },
];

fn choice_for<'a>(file: &str, group: &Value, case: &Value) -> Option<&'a Choice> {
    CHOICES.iter().find(|c| {
        c.file == file
            && match c.select {
                Select::Flag(flag) => case["flags"]
                    .as_array()
                    .is_some_and(|f| f.iter().any(|x| x == flag)),
                Select::KeySize(bits) => group["keySize"] == bits,
                Select::TagSize(bits) => group["tagSize"] == bits,
            }
    })
}

/// Every way the group gives its public key, each imported for `alg`.
fn group_keys(alg: Algorithm, group: &Value) -> Vec<Result<VerifyingKey, Error>> {
    let mut keys = Vec::new();
    for member in ["publicKeyJwk", "keyJwk"] {
        if group[member].is_object() {
            let jwk = Jwk::from_json(&group[member].to_string()).unwrap();
            keys.push(VerifyingKey::from_jwk_with_alg(&jwk, alg));
        }
    }
    if group["publicKeyDer"].is_string() {
        keys.push(VerifyingKey::from_spki_der(
            alg,
            &unhex(group, "publicKeyDer"),
        ));
    }
    if group["publicKeyPem"].is_string() {
        keys.push(VerifyingKey::from_spki_pem(alg, s(group, "publicKeyPem")));
    }
    // HMAC groups have no key: each case carries its own.
    assert!(!keys.is_empty() || alg == Algorithm::Hs256);
    keys
}

/// Run one Wycheproof file: every case must agree with its expected result or its [`Choice`].
fn wycheproof(file: &str, alg: Algorithm) {
    let doc = load(&format!("{WYCHEPROOF}{file}"));
    let (mut total, mut agree, mut chosen, mut accepted) = (0usize, 0usize, 0usize, 0usize);
    for group in doc["testGroups"].as_array().unwrap() {
        let keys = group_keys(alg, group);
        // All forms of the group's key are the same key.
        let prints: Vec<_> = keys
            .iter()
            .map(|k| {
                k.as_ref()
                    .map(|k| k.thumbprint().unwrap())
                    .map_err(Clone::clone)
            })
            .collect();
        assert!(
            prints.windows(2).all(|w| w[0] == w[1]),
            "{file}: {prints:?}"
        );
        for case in group["tests"].as_array().unwrap() {
            total += 1;
            let id = &case["tcId"];
            let msg = unhex(case, "msg");
            let sig = unhex(
                case,
                if alg == Algorithm::Hs256 {
                    "tag"
                } else {
                    "sig"
                },
            );
            let outcomes: Vec<Result<(), Error>> = if alg == Algorithm::Hs256 {
                vec![
                    VerifyingKey::from_hmac_secret(alg, &unhex(case, "key"))
                        .and_then(|k| k.verify(&msg, &sig)),
                ]
            } else {
                keys.iter()
                    .map(|k| k.clone().and_then(|k| k.verify(&msg, &sig)))
                    .collect()
            };
            assert!(
                outcomes.windows(2).all(|w| w[0] == w[1]),
                "{file} tcId {id}: key forms disagree: {outcomes:?}"
            );
            let outcome = &outcomes[0];
            accepted += usize::from(outcome.is_ok());
            match choice_for(file, group, case) {
                Some(choice) => {
                    let Verdict::Reject(err) = &choice.verdict;
                    assert_eq!(
                        outcome.as_ref().unwrap_err(),
                        err,
                        "{file} tcId {id}: {}",
                        choice.reason
                    );
                    chosen += 1;
                    agree += 1;
                }
                None => {
                    let expected = match s(case, "result") {
                        "valid" => true,
                        "invalid" => false,
                        other => panic!("{file} tcId {id}: {other} case without a recorded choice"),
                    };
                    assert_eq!(
                        outcome.is_ok(),
                        expected,
                        "{file} tcId {id} ({}): {outcome:?}",
                        s(case, "comment")
                    );
                    agree += 1;
                }
            }
        }
    }
    assert_eq!(
        total,
        usize::try_from(doc["numberOfTests"].as_u64().unwrap()).unwrap()
    );
    eprintln!(
        "{file}: {total} cases, {agree} agree ({accepted} accepted, {} rejected; {chosen} by a \
         recorded pqjose choice)",
        total - accepted
    );
    assert_eq!(agree, total);
}

#[test]
fn wycheproof_ed25519() {
    wycheproof("ed25519_test.json", Algorithm::Ed25519);
}

#[test]
fn wycheproof_ecdsa_p256_p1363() {
    wycheproof("ecdsa_secp256r1_sha256_p1363_test.json", Algorithm::Es256);
}

#[test]
fn wycheproof_ecdsa_p384_p1363() {
    wycheproof("ecdsa_secp384r1_sha384_p1363_test.json", Algorithm::Es384);
}

#[test]
fn wycheproof_rsa_pkcs1_rs256() {
    wycheproof("rsa_signature_2048_sha256_test.json", Algorithm::Rs256);
}

#[test]
fn wycheproof_rsa_pss_ps256() {
    wycheproof("rsa_pss_2048_sha256_mgf1_32_test.json", Algorithm::Ps256);
}

#[test]
fn wycheproof_hmac_sha256() {
    wycheproof("hmac_sha256_test.json", Algorithm::Hs256);
}

/// Every recorded choice matches at least one case, so the table cannot go stale.
#[test]
fn every_choice_is_used() {
    for choice in CHOICES {
        let doc = load(&format!("{WYCHEPROOF}{}", choice.file));
        let used = doc["testGroups"].as_array().unwrap().iter().any(|g| {
            g["tests"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| choice_for(choice.file, g, c).is_some_and(|m| std::ptr::eq(m, choice)))
        });
        assert!(used, "{} {:?}: no case", choice.file, choice.select);
    }
}

/// Every classical algorithm through the public API: generate, compact JWS round trip, JWK and
/// PEM export/import keep the key (same thumbprint), and the exported forms still verify.
#[test]
fn public_api_round_trips() {
    // One RSA key (generation is slow in debug builds), without `alg`, for all six algorithms.
    let rsa = SigningKey::generate(Algorithm::Rs256).unwrap();
    let mut members: Value = serde_json::from_str(&rsa.to_jwk().unwrap().to_json()).unwrap();
    members.as_object_mut().unwrap().remove("alg");
    let rsa = Jwk::from_json(&members.to_string()).unwrap();
    for alg in [
        Algorithm::Ed25519,
        Algorithm::EdDsa,
        Algorithm::Es256,
        Algorithm::Es384,
        Algorithm::Rs256,
        Algorithm::Rs384,
        Algorithm::Rs512,
        Algorithm::Ps256,
        Algorithm::Ps384,
        Algorithm::Ps512,
        Algorithm::Hs256,
        Algorithm::Hs384,
        Algorithm::Hs512,
    ] {
        let sk = match alg.family() {
            pqjose::Family::Rsa => SigningKey::from_jwk_with_alg(&rsa, alg).unwrap(),
            _ => SigningKey::generate(alg).unwrap(),
        };
        let token = jws::sign_payload(&sk, b"payload").unwrap();
        let vk = sk.verifying_key().unwrap();
        assert_eq!(jws::verify(&vk, &token).unwrap().payload(), b"payload");
        // The private JWK round-trips through JSON.
        let again = SigningKey::from_jwk_json(&sk.to_jwk().unwrap().to_json()).unwrap();
        assert_eq!(again.thumbprint().unwrap(), sk.thumbprint().unwrap());
        jws::verify(&again.verifying_key().unwrap(), &token).unwrap();
        if alg.is_symmetric() {
            assert_eq!(
                sk.to_pkcs8_pem().unwrap_err(),
                Error::Key(KeyError::PemUnsupported)
            );
            assert_eq!(vk.to_jwk().unwrap_err(), Error::Key(KeyError::NoPublicForm));
            continue;
        }
        let public = VerifyingKey::from_jwk_json(&vk.to_jwk().unwrap().to_json()).unwrap();
        jws::verify(&public, &token).unwrap();
        let pem = SigningKey::from_pkcs8_pem(alg, &sk.to_pkcs8_pem().unwrap()).unwrap();
        assert_eq!(pem.thumbprint().unwrap(), sk.thumbprint().unwrap());
        let spki = VerifyingKey::from_spki_pem(alg, &vk.to_spki_pem().unwrap()).unwrap();
        jws::verify(&spki, &token).unwrap();
        // A flipped signature bit is refused.
        let (head, sig) = token.rsplit_once('.').unwrap();
        let mut sig = sig.as_bytes().to_vec();
        sig[0] = if sig[0] == b'A' { b'B' } else { b'A' };
        let bad = format!("{head}.{}", String::from_utf8(sig).unwrap());
        assert_eq!(jws::verify(&vk, &bad).unwrap_err(), Error::InvalidSignature);
    }
}
