//! JOSE-HPKE known answers: every example of `../shared/vectors/ietf-jose-hpke/` (draft-ietf-
//! jose-hpke-encrypt-20 and draft-ietf-jose-hpke-pq-pqt-01), compact and flattened, decrypts to
//! the generators' plaintext with the published private JWK; the JWK's `kid` is the RFC 7638
//! thumbprint pqjose computes and its public form round-trips; a flipped bit in any part is
//! refused with the one opaque error. Counts are printed per file (`--nocapture`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use pqjose::jwe::{self, DecryptionKey, Encryption, EncryptionKey, KeyManagement};
use pqjose::{Error, JweError, Jwk};
use serde_json::Value;

fn vectors_dir() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [
        root.join("../shared/vectors"),
        root.join("../../shared/vectors"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
    .expect("shared/vectors not found")
    .join("ietf-jose-hpke")
}

const PLAINTEXT_ASCII: &str = "You can trust us to stick with you through thick and thin-to the bitter end. And you can trust us to keep any secret of yours-closer than you keep it yourself. But you cannot trust us to let you face trouble alone, and go off without a word. We are your friends, Frodo.";

fn plaintext(set: &str) -> String {
    if set == "hpke-pq-pqt" {
        PLAINTEXT_ASCII.replace('-', "\u{2013}")
    } else {
        PLAINTEXT_ASCII.to_owned()
    }
}

/// Flip one bit in the middle of the base64url text of `part` of a compact JWE.
fn flip_compact(jwe: &str, part: usize) -> Option<String> {
    let mut parts: Vec<String> = jwe.split('.').map(str::to_owned).collect();
    let p = parts.get_mut(part)?;
    if p.is_empty() {
        return None;
    }
    let mut bytes = base64ct_decode(p);
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    *p = base64ct_encode(&bytes);
    Some(parts.join("."))
}

fn base64ct_decode(s: &str) -> Vec<u8> {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::decode_vec(s).unwrap()
}

fn base64ct_encode(b: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(b)
}

#[test]
fn every_example_decrypts() {
    let mut total = 0;
    for set in ["hpke-encrypt-20", "hpke-pq-pqt"] {
        let dir = vectors_dir().join(set);
        let all: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(dir.join("jose-vectors.json")).unwrap())
                .unwrap();
        let want = plaintext(set);
        let mut ok = 0;
        let mut tamper = 0;
        for entry in &all {
            let alg = entry["alg"].as_str().unwrap();
            let jwk_text = std::fs::read_to_string(dir.join(format!("jwks/{alg}.json"))).unwrap();
            let jwk = Jwk::from_json(&jwk_text).unwrap();
            let key = DecryptionKey::from_jwk(&jwk).unwrap_or_else(|e| panic!("{alg}: {e}"));
            assert_eq!(key.algorithm().as_str(), alg);
            assert_eq!(
                Some(key.thumbprint().unwrap().as_str()),
                jwk.kid(),
                "{alg} kid"
            );
            // The exported public JWK carries exactly the published public members.
            let public = key.to_public_jwk().unwrap();
            assert_eq!(
                public,
                jwk.to_public().unwrap().clone_without_use(),
                "{alg} public"
            );

            let compact =
                std::fs::read_to_string(dir.join(format!("jwe/{alg}-compact.txt"))).unwrap();
            let compact = compact.trim_end();
            assert_eq!(compact, entry["compact"].as_str().unwrap(), "{alg}");
            let flattened =
                std::fs::read_to_string(dir.join(format!("jwe/{alg}-flattened.json"))).unwrap();
            for (form, jwe) in [("compact", compact), ("flattened", flattened.as_str())] {
                let out = jwe::decrypt(&key, jwe).unwrap_or_else(|e| panic!("{alg} {form}: {e}"));
                assert_eq!(
                    std::str::from_utf8(out.plaintext()).unwrap(),
                    want,
                    "{alg} {form}"
                );
                assert_eq!(out.algorithm().as_str(), alg);
                ok += 1;
            }
            for part in 0..5 {
                if let Some(bad) = flip_compact(compact, part) {
                    let err = jwe::decrypt(&key, &bad).unwrap_err();
                    if part > 0 {
                        assert_eq!(err, Error::Jwe(JweError::Decryption), "{alg} part {part}");
                    }
                    tamper += 1;
                }
            }
        }
        println!(
            "{set}/jose-vectors.json: {} algorithms, {ok} decryptions (compact + flattened), {tamper} tampered copies refused",
            all.len()
        );
        total += ok;
    }
    assert_eq!(total, 2 * (16 + 10));
}

trait CloneWithoutUse {
    fn clone_without_use(&self) -> Jwk;
}

impl CloneWithoutUse for Jwk {
    fn clone_without_use(&self) -> Jwk {
        let mut v: Value = serde_json::from_str(&self.to_json()).unwrap();
        v.as_object_mut().unwrap().remove("use");
        Jwk::from_json(&v.to_string()).unwrap()
    }
}

#[test]
fn round_trips_for_every_generated_algorithm() {
    for alg in KeyManagement::ALL
        .iter()
        .copied()
        .filter(|a| a.hpke_generates())
    {
        let key = DecryptionKey::generate(alg).unwrap_or_else(|e| panic!("{alg}: {e}"));
        let public = EncryptionKey::from_jwk(&key.to_public_jwk().unwrap()).unwrap();
        assert_eq!(public.kid(), key.kid());
        let again = DecryptionKey::from_jwk(&key.to_jwk().unwrap()).unwrap();
        assert_eq!(again.kid(), key.kid());
        let compact = jwe::encrypt(&public, b"secret").unwrap();
        assert_eq!(
            jwe::decrypt(&again, &compact).unwrap().plaintext(),
            b"secret"
        );
        let flat = Encryption::new()
            .aad(b"context".to_vec())
            .flattened(&public, b"secret")
            .unwrap();
        assert_eq!(jwe::decrypt(&key, &flat).unwrap().plaintext(), b"secret");
        let other = DecryptionKey::generate(alg).unwrap();
        assert_eq!(
            jwe::decrypt(&other, &compact).unwrap_err(),
            Error::Jwe(JweError::Decryption),
            "{alg}"
        );
    }
}

trait HpkeGenerates {
    fn hpke_generates(self) -> bool;
}

impl HpkeGenerates for KeyManagement {
    fn hpke_generates(self) -> bool {
        self.as_str().starts_with("HPKE") && self.generates_keys()
    }
}
