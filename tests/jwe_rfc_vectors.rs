//! Classical JWE known answers through the public API: every RFC example of
//! `../shared/vectors/rfc7516-rfc7518-rfc8037-jwe/` (RFC 7516 App. A, RFC 7520 §5) in each of
//! its serializations (compact, flattened, general JSON) gives its published plaintext with the
//! published key, via `jwe::decrypt`. RSA-OAEP examples: the published plaintext with the
//! `aws-lc` feature; in the default build the typed refusal `RsaDecryptionUnavailable`
//! (RUSTSEC-2023-0071). A flipped bit in any segment is refused. `zip`, `RSA1_5` and `PBES2`
//! headers are refused. Counts per vector are printed (`--nocapture`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pqjose::jwe::{self, DecryptionKey, KeyManagement};
use pqjose::{Error, JweError, Jwk};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/vectors/rfc7516-rfc7518-rfc8037-jwe/rfc_jwe_vectors.json"
    );
    let all: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    all["vectors"].as_array().unwrap().clone()
}

fn rsa_decrypts() -> bool {
    cfg!(feature = "aws-lc")
}

fn b64d(s: &str) -> Vec<u8> {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::decode_vec(s).unwrap()
}

fn b64e(b: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(b)
}

/// `jwe` must open to `plaintext` (or, for RSA without aws-lc, be refused with the typed error).
fn expect_open(id: &str, key: &DecryptionKey, jwe: &str, plaintext: &str, rsa: bool) {
    let got = jwe::decrypt(key, jwe);
    if rsa && !rsa_decrypts() {
        assert_eq!(
            got.unwrap_err(),
            Error::Jwe(JweError::RsaDecryptionUnavailable),
            "{id}"
        );
    } else {
        let got = got.unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(got.plaintext(), plaintext.as_bytes(), "{id}");
    }
}

fn expect_refused(id: &str, key: &DecryptionKey, jwe: &str) {
    assert!(
        jwe::decrypt(key, jwe).is_err(),
        "{id}: tampered copy accepted"
    );
}

#[test]
fn rfc_examples_decrypt_through_the_framework() {
    let mut counts = Vec::new();
    for v in vectors() {
        let id = v["id"].as_str().unwrap();
        if id == "RFC7518-C" || id == "RFC8037-A.6" {
            continue; // key agreement only: known answers in src/jwe/ecdh.rs
        }
        // RFC 7516 A.4 lists two algorithms; the key given is the A128KW recipient's.
        let alg_name = v["alg"].as_str().unwrap_or("A128KW");
        let alg: KeyManagement = alg_name.parse().unwrap();
        // RFC 7520 §5.6 labels its `dir` key with the content `alg` "A128GCM": drop an `alg`
        // that is not the key-management algorithm, as a caller importing it for `dir` would.
        let mut key_json = v["key"].clone();
        if key_json.get("alg").and_then(Value::as_str) != Some(alg_name) {
            key_json.as_object_mut().unwrap().remove("alg");
        }
        let mut jwk = Jwk::from_json(&key_json.to_string()).unwrap();
        if let Some(kid) = v.get("key_kid").and_then(Value::as_str) {
            jwk.set_kid(kid);
        }
        let key = DecryptionKey::from_jwk_with_alg(&jwk, alg).unwrap();
        let rsa = alg_name.starts_with("RSA-OAEP");
        let plaintext = v["plaintext"].as_str().unwrap();
        let mut n = 0;
        if let Some(c) = v.get("compact").and_then(Value::as_str) {
            expect_open(id, &key, c, plaintext, rsa);
            n += 1;
            // A flipped bit in each non-empty segment.
            let parts: Vec<&str> = c.split('.').collect();
            for i in 0..5 {
                if parts[i].is_empty() {
                    continue;
                }
                let mut bytes = b64d(parts[i]);
                let mid = bytes.len() / 2;
                bytes[mid] ^= 1;
                let mut t: Vec<String> = parts.iter().map(|p| (*p).to_owned()).collect();
                t[i] = b64e(&bytes);
                expect_refused(id, &key, &t.join("."));
            }
            // One trailing newline is not part of the grammar the library accepts.
            assert!(jwe::decrypt(&key, &format!("{c}x")).is_err());
        }
        for form in ["flattened", "general"] {
            if let Some(j) = v.get(form) {
                if j.to_string().contains("\"jku\"") {
                    // RFC 7516 A.4 carries `jku` in its shared unprotected header; pqjose
                    // refuses header-supplied keys as for JWS (its primitives open it: see
                    // src/jwe/classical/tests.rs).
                    assert_eq!(
                        jwe::decrypt(&key, &j.to_string()).unwrap_err(),
                        Error::Format(pqjose::FormatError::EmbeddedKey),
                        "{id}"
                    );
                    n += 1;
                    continue;
                }
                expect_open(
                    &format!("{id} {form}"),
                    &key,
                    &j.to_string(),
                    plaintext,
                    rsa,
                );
                n += 1;
                // A flipped bit in the ciphertext and in the tag.
                for member in ["ciphertext", "tag"] {
                    let mut t = j.clone();
                    let mut bytes = b64d(t[member].as_str().unwrap());
                    bytes[0] ^= 1;
                    t[member] = Value::String(b64e(&bytes));
                    expect_refused(id, &key, &t.to_string());
                }
            }
        }
        assert!(n > 0, "{id}");
        counts.push(format!("{id}: {n}"));
    }
    eprintln!("RFC JWE examples decrypted: {}", counts.join(", "));
    assert_eq!(counts.len(), 10);
}

fn compact_with_header(header: &str) -> String {
    format!(
        "{}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA",
        b64e(header.as_bytes())
    )
}

#[test]
fn zip_rsa1_5_and_pbes2_are_refused() {
    let key = DecryptionKey::generate(KeyManagement::A128Kw).unwrap();
    let zip = compact_with_header(r#"{"alg":"A128KW","enc":"A128GCM","zip":"DEF"}"#);
    assert_eq!(
        jwe::decrypt(&key, &zip).unwrap_err(),
        Error::Jwe(JweError::Compression)
    );
    for alg in ["RSA1_5", "PBES2-HS256+A128KW", "PBES2-HS512+A256KW"] {
        let jwe = compact_with_header(&format!(r#"{{"alg":"{alg}","enc":"A128GCM"}}"#));
        assert_eq!(
            jwe::decrypt(&key, &jwe).unwrap_err(),
            Error::Jwe(JweError::RefusedAlgorithm),
            "{alg}"
        );
        assert!(alg.parse::<KeyManagement>().is_err());
    }
}
