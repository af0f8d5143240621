//! Raw key bytes (`SigningKey::from_raw_secret`/`to_raw_secret`,
//! `VerifyingKey::from_raw_public`/`public_bytes`) for every algorithm: round trips, equality
//! with the JWK member they mirror, wrong lengths refused, and published keys (RFC 9964, RFC 8037,
//! RFC 7515, draft-ietf-jose-pq-composite-sigs-04) rebuilt from their raw bytes with their
//! published thumbprints.

// Test helpers outside `#[test]` functions: unwrap and indexing are fine here.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use pqjose::{Algorithm, Error, Family, Jwk, KeyError, SigningKey, VerifyingKey};
use serde_json::Value;

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/vectors/");

fn vectors(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{VECTORS}{rel}")).unwrap()).unwrap()
}

fn unb64(s: &str) -> Vec<u8> {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::decode_vec(s).unwrap()
}

fn member(jwk: &Value, name: &str) -> Vec<u8> {
    unb64(jwk[name].as_str().unwrap())
}

/// The RFC 7515 / RFC 8037 example JWKs, by `alg`.
fn rfc_jwk(alg: &str) -> Value {
    let all = vectors("rfc7515-rfc8037/rfc7515_rfc8037_vectors.json");
    let v = all["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["alg"] == alg)
        .unwrap()
        .clone();
    v["jwk"].clone()
}

/// One key per algorithm: generated where that is quick, the RFC 7515 A.2 key for RSA and
/// fixed bytes for the SLH-DSA 's' sets (their key generation takes seconds; PK.root is then not
/// the one SK.seed gives, so their signatures do not verify).
fn key_for(alg: Algorithm) -> SigningKey {
    match alg.family() {
        Family::Rsa => {
            let jwk = Jwk::from_json(&rfc_jwk("RS256").to_string()).unwrap();
            SigningKey::from_jwk_with_alg(&jwk, alg).unwrap()
        }
        Family::SlhDsa if alg.as_str().ends_with('s') => {
            let n = VerifyingKey::raw_public_len(alg).unwrap() / 2;
            let sk: Vec<u8> = (0..4 * n).map(|i| i as u8).collect();
            SigningKey::from_raw_secret(alg, &sk).unwrap()
        }
        _ => SigningKey::generate(alg).unwrap(),
    }
}

/// The raw private bytes as the JWK holds them (RSA: none, checked through PKCS#1 instead).
fn jwk_secret(jwk: &Value, alg: Algorithm) -> Option<Vec<u8>> {
    match alg.family() {
        Family::MlDsa | Family::SlhDsa | Family::Composite => Some(member(jwk, "priv")),
        Family::EdDsa | Family::Ecdsa => Some(member(jwk, "d")),
        Family::Hmac => Some(member(jwk, "k")),
        _ => None,
    }
}

fn jwk_public(jwk: &Value, alg: Algorithm) -> Option<Vec<u8>> {
    match alg.family() {
        Family::MlDsa | Family::SlhDsa | Family::Composite => Some(member(jwk, "pub")),
        Family::EdDsa => Some(member(jwk, "x")),
        Family::Ecdsa => Some([vec![4u8], member(jwk, "x"), member(jwk, "y")].concat()),
        _ => None,
    }
}

fn key_err(r: Result<impl std::fmt::Debug, Error>) -> KeyError {
    match r.unwrap_err() {
        Error::Key(e) => e,
        other => panic!("not a key error: {other:?}"),
    }
}

#[test]
fn every_algorithm_round_trips_and_matches_its_jwk() {
    for &alg in Algorithm::ALL {
        let key = key_for(alg);
        let jwk: Value = serde_json::from_str(&key.to_jwk().unwrap().to_json()).unwrap();

        let secret = key.to_raw_secret().unwrap();
        if let Some(expected) = jwk_secret(&jwk, alg) {
            assert_eq!(secret.as_slice(), expected, "{alg}");
        }
        if let Some(len) = SigningKey::raw_secret_len(alg) {
            assert_eq!(secret.len(), len, "{alg}");
        }
        let again = SigningKey::from_raw_secret(alg, &secret).unwrap();
        assert_eq!(again.algorithm(), alg);
        assert_eq!(
            again.thumbprint().unwrap(),
            key.thumbprint().unwrap(),
            "{alg}"
        );
        // The kid defaults to the thumbprint, as for a JWK without kid.
        assert_eq!(again.kid(), key.thumbprint().unwrap(), "{alg}");
        assert!(!again.has_explicit_kid());
        assert_eq!(again.to_jwk().unwrap(), key.to_jwk().unwrap(), "{alg}");

        let verifier = key.verifier();
        if alg.is_symmetric() {
            assert_eq!(key_err(verifier.public_bytes()), KeyError::NoPublicForm);
            assert_eq!(
                key_err(VerifyingKey::from_raw_public(alg, &secret)),
                KeyError::NoPublicForm
            );
            continue;
        }
        let public = verifier.public_bytes().unwrap();
        if let Some(expected) = jwk_public(&jwk, alg) {
            assert_eq!(public, expected, "{alg}");
        }
        if let Some(len) = VerifyingKey::raw_public_len(alg) {
            assert_eq!(public.len(), len, "{alg}");
        }
        let vk = VerifyingKey::from_raw_public(alg, &public).unwrap();
        assert_eq!(vk.kid(), key.thumbprint().unwrap(), "{alg}");
        assert_eq!(vk.to_jwk().unwrap(), key.to_public_jwk().unwrap(), "{alg}");
        if alg.family() == Family::SlhDsa && alg.as_str().ends_with('s') {
            continue;
        }
        let token =
            pqjose::jws::sign_payload(&key, b"raw").unwrap_or_else(|e| panic!("{alg}: {e:?}"));
        pqjose::jws::verify(&vk, &token).unwrap();
    }
}

#[test]
fn rsa_raw_form_is_pkcs1_der() {
    let key = key_for(Algorithm::Ps256);
    let secret = key.to_raw_secret().unwrap();
    // RSAPrivateKey ::= SEQUENCE { version 0, n, e, d, … }
    assert_eq!(&secret[..2], &[0x30, 0x82]);
    assert_eq!(&secret[4..7], &[0x02, 0x01, 0x00]);
    let public = key.verifier().public_bytes().unwrap();
    let n = unb64(rfc_jwk("RS256")["n"].as_str().unwrap());
    // RSAPublicKey ::= SEQUENCE { n, e }: n (with its leading zero) follows the headers.
    let at = public.windows(n.len()).position(|w| w == n).unwrap();
    assert!(at < 12);
    assert!(public.ends_with(&[0x02, 0x03, 0x01, 0x00, 0x01]));
    // One RSA key serves every RSA algorithm; the raw form names none.
    let rs512 = SigningKey::from_raw_secret(Algorithm::Rs512, &secret).unwrap();
    assert_eq!(rs512.thumbprint().unwrap(), key.thumbprint().unwrap());
    assert_eq!(
        key_err(SigningKey::from_raw_secret(Algorithm::Rs256, &secret[1..])),
        KeyError::Pem
    );
    assert_eq!(
        key_err(VerifyingKey::from_raw_public(Algorithm::Rs256, b"\x30\x00")),
        KeyError::Pem
    );
}

#[test]
fn wrong_lengths_are_refused() {
    for &alg in Algorithm::ALL {
        if let Some(len) = SigningKey::raw_secret_len(alg) {
            for wrong in [0, len - 1, len + 1] {
                assert_eq!(
                    key_err(SigningKey::from_raw_secret(alg, &vec![1u8; wrong])),
                    KeyError::RawKeyLength,
                    "{alg} secret {wrong}"
                );
            }
        }
        if let Some(len) = VerifyingKey::raw_public_len(alg) {
            for wrong in [0, len - 1, len + 1] {
                assert_eq!(
                    key_err(VerifyingKey::from_raw_public(alg, &vec![4u8; wrong])),
                    KeyError::RawKeyLength,
                    "{alg} public {wrong}"
                );
            }
        }
    }
    // HMAC keys may be longer than the hash, never shorter.
    assert_eq!(
        key_err(SigningKey::from_raw_secret(Algorithm::Hs256, &[7u8; 31])),
        KeyError::TooWeak
    );
    SigningKey::from_raw_secret(Algorithm::Hs256, &[7u8; 100]).unwrap();
}

#[test]
fn right_length_but_not_a_key_is_refused() {
    // ECDSA: not uncompressed, off the curve, scalar zero or not below n.
    let es = SigningKey::generate(Algorithm::Es256).unwrap();
    let mut point = es.verifier().public_bytes().unwrap();
    point[0] = 0x02;
    assert_eq!(
        key_err(VerifyingKey::from_raw_public(Algorithm::Es256, &point)),
        KeyError::InvalidEncoding
    );
    point[0] = 0x04;
    point[64] ^= 1;
    assert_eq!(
        key_err(VerifyingKey::from_raw_public(Algorithm::Es256, &point)),
        KeyError::InvalidEncoding
    );
    for d in [[0u8; 32], [0xff; 32]] {
        assert!(SigningKey::from_raw_secret(Algorithm::Es256, &d).is_err());
    }
    // Composite -04: the ECDSA private key must be the canonical DER ECPrivateKey.
    let comp = SigningKey::generate(Algorithm::MlDsa44Es256).unwrap();
    let mut secret = comp.to_raw_secret().unwrap();
    secret[32] = 0x31;
    assert_eq!(
        key_err(SigningKey::from_raw_secret(
            Algorithm::MlDsa44Es256,
            &secret
        )),
        KeyError::InvalidEncoding
    );
}

/// RFC 9964 Appendix A: the all-zero ML-DSA seed gives the published `pub` and `kid`.
#[test]
fn rfc9964_keys_from_the_raw_seed() {
    for (alg, n) in [
        (Algorithm::MlDsa44, "44"),
        (Algorithm::MlDsa65, "65"),
        (Algorithm::MlDsa87, "87"),
    ] {
        let v = vectors(&format!("ietf-cose-dilithium/jose/ML_DSA_{n}.jose.json"));
        let key =
            SigningKey::from_raw_secret(alg, &hex::decode(v["priv"].as_str().unwrap()).unwrap())
                .unwrap();
        assert_eq!(key.kid(), v["jwk"]["kid"].as_str().unwrap(), "{alg}");
        let public = member(&v["jwk"], "pub");
        assert_eq!(key.verifier().public_bytes().unwrap(), public);
        let vk = VerifyingKey::from_raw_public(alg, &public).unwrap();
        assert_eq!(vk.kid(), v["jwk"]["kid"].as_str().unwrap());
    }
}

/// draft-ietf-jose-pq-composite-sigs-04 Appendix A.1: each key rebuilt from the raw `priv`
/// (seed ‖ traditional key) and from the raw `pub` has the published `kid`, and the published
/// token verifies with the key built from raw `pub`.
#[test]
fn composite_04_keys_from_raw_bytes() {
    for &alg in Algorithm::ALL.iter().filter(|a| a.is_composite()) {
        let v = vectors(&format!("ietf-jose-pq-composite-sigs-04/{alg}.jose.json"));
        let kid = v["jwk"]["kid"].as_str().unwrap();
        let seed = hex::decode(v["mldsa_seed"].as_str().unwrap()).unwrap();
        let private = member(&v["jwk"], "priv");
        assert_eq!(&private[..32], seed.as_slice());
        let key = SigningKey::from_raw_secret(alg, &private).unwrap();
        assert_eq!(key.kid(), kid, "{alg}");
        assert_eq!(key.to_raw_secret().unwrap().as_slice(), private.as_slice());
        let public = hex::decode(v["raw_composite_public_key"].as_str().unwrap()).unwrap();
        assert_eq!(key.verifier().public_bytes().unwrap(), public);
        let vk = VerifyingKey::from_raw_public(alg, &public).unwrap();
        assert_eq!(vk.kid(), kid, "{alg}");
        pqjose::jws::verify(&vk, v["jws"].as_str().unwrap()).unwrap();
    }
}

/// RFC 8037 A.1–A.3 (Ed25519 `d` → `x` and thumbprint) and RFC 7515 A.3 (ES256 `d` → `x`, `y`).
#[test]
fn classical_rfc_keys_from_raw_bytes() {
    let ed = rfc_jwk("EdDSA");
    let key = SigningKey::from_raw_secret(Algorithm::Ed25519, &member(&ed, "d")).unwrap();
    assert_eq!(key.kid(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    assert_eq!(key.verifier().public_bytes().unwrap(), member(&ed, "x"));
    let vk = VerifyingKey::from_raw_public(Algorithm::EdDsa, &member(&ed, "x")).unwrap();
    assert_eq!(vk.kid(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");

    let es = rfc_jwk("ES256");
    let key = SigningKey::from_raw_secret(Algorithm::Es256, &member(&es, "d")).unwrap();
    let point = [vec![4u8], member(&es, "x"), member(&es, "y")].concat();
    assert_eq!(key.verifier().public_bytes().unwrap(), point);

    let hs = rfc_jwk("HS256");
    let key = SigningKey::from_raw_secret(Algorithm::Hs256, &member(&hs, "k")).unwrap();
    assert_eq!(key.to_raw_secret().unwrap().as_slice(), member(&hs, "k"));
}
