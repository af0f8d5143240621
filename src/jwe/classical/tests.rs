//! Known answers for the primitives together: every RFC example of
//! `shared/vectors/rfc7516-rfc7518-rfc8037-jwe/` opened by a minimal test-only reader (the
//! real JWE parser is in the framework), and round trips for every algorithm and curve.

use serde_json::Value;

use super::*;
use crate::format::b64;
use crate::jwe::content;

fn vectors() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/vectors/rfc7516-rfc7518-rfc8037-jwe/rfc_jwe_vectors.json"
    );
    let all: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    all["vectors"].as_array().unwrap().clone()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// Open one recipient: `protected` is the received base64url string, `header` the merged
/// header JSON object. Returns the plaintext, or the error.
#[allow(clippy::too_many_arguments)]
fn open(
    key: &ClassicalSecretKey,
    protected: &str,
    header: &Value,
    encrypted_key: &str,
    iv: &str,
    ciphertext: &str,
    tag: &str,
    aad: Option<&str>,
) -> Result<Vec<u8>, Error> {
    let alg = ClassicalAlg::from_name(s(&header["alg"])).unwrap();
    let enc = ContentEncryption::from_name(s(&header["enc"])).unwrap();
    let epk = header
        .get("epk")
        .map(|e| Jwk::from_json(&e.to_string()).unwrap());
    let apu = header.get("apu").map(|a| b64::decode(s(a)).unwrap());
    let apv = header.get("apv").map(|a| b64::decode(s(a)).unwrap());
    let info = KeyAgreementInfo {
        epk: epk.as_ref(),
        apu: apu.as_deref().unwrap_or_default(),
        apv: apv.as_deref().unwrap_or_default(),
    };
    let cek = unwrap_cek(alg, key, enc, &b64::decode(encrypted_key).unwrap(), info)?;
    let full_aad = match aad {
        Some(a) => format!("{protected}.{a}"),
        None => protected.to_owned(),
    };
    content::decrypt(
        enc,
        &cek,
        &b64::decode(iv).unwrap(),
        full_aad.as_bytes(),
        &b64::decode(ciphertext).unwrap(),
        &b64::decode(tag).unwrap(),
    )
    .map(|p| p.to_vec())
}

fn protected_json(protected: &str) -> Value {
    serde_json::from_slice(&b64::decode(protected).unwrap()).unwrap()
}

fn merge(parts: &[Option<&Value>]) -> Value {
    let mut out = serde_json::Map::new();
    for p in parts.iter().flatten() {
        for (k, v) in p.as_object().unwrap() {
            assert!(out.insert(k.clone(), v.clone()).is_none(), "duplicate {k}");
        }
    }
    Value::Object(out)
}

/// Expected outcome: the plaintext, or (default build, RSA) the typed refusal.
fn check(id: &str, got: Result<Vec<u8>, Error>, plaintext: &str, rsa: bool) -> usize {
    if rsa && !super::super::rsa::decryption_available() {
        assert_eq!(
            got.unwrap_err(),
            Error::Jwe(JweError::RsaDecryptionUnavailable),
            "{id}"
        );
    } else {
        assert_eq!(got.unwrap(), plaintext.as_bytes(), "{id}");
    }
    1
}

#[test]
fn rfc_examples_give_their_published_results() {
    let mut report = Vec::new();
    for v in vectors() {
        let id = s(&v["id"]);
        if id == "RFC7518-C" || id == "RFC8037-A.6" {
            continue; // key agreement only: in ecdh.rs
        }
        let alg_name = v["alg"].as_str().unwrap_or("A128KW");
        let alg = ClassicalAlg::from_name(alg_name).unwrap();
        let key =
            ClassicalSecretKey::from_jwk(alg, &Jwk::from_json(&v["key"].to_string()).unwrap())
                .unwrap();
        let rsa = matches!(alg, ClassicalAlg::RsaOaep | ClassicalAlg::RsaOaep256);
        let plaintext = s(&v["plaintext"]);
        let mut n = 0;
        if let Some(c) = v.get("compact") {
            let p: Vec<&str> = s(c).split('.').collect();
            assert_eq!(p.len(), 5);
            let header = protected_json(p[0]);
            let got = open(&key, p[0], &header, p[1], p[2], p[3], p[4], None);
            n += check(id, got, plaintext, rsa);
            // One flipped bit in the ciphertext: the opaque error (or the RSA refusal).
            let mut ct = b64::decode(p[3]).unwrap();
            ct[0] ^= 1;
            let got = open(
                &key,
                p[0],
                &header,
                p[1],
                p[2],
                &b64::encode(&ct),
                p[4],
                None,
            );
            if !rsa || super::super::rsa::decryption_available() {
                assert_eq!(got.unwrap_err(), Error::Jwe(JweError::Decryption), "{id}");
            }
        }
        if let Some(f) = v.get("flattened") {
            let protected = s(&f["protected"]);
            let header = merge(&[
                Some(&protected_json(protected)),
                f.get("unprotected"),
                f.get("header"),
            ]);
            let got = open(
                &key,
                protected,
                &header,
                f.get("encrypted_key").map_or("", s),
                s(&f["iv"]),
                s(&f["ciphertext"]),
                s(&f["tag"]),
                f.get("aad").map(s),
            );
            n += check(id, got, plaintext, rsa);
        }
        if let Some(g) = v.get("general") {
            let protected = s(&g["protected"]);
            let mut opened = 0;
            for r in g["recipients"].as_array().unwrap() {
                let header = merge(&[
                    Some(&protected_json(protected)),
                    g.get("unprotected"),
                    r.get("header"),
                ]);
                let name = s(&header["alg"]);
                if is_refused(name) {
                    assert!(ClassicalAlg::from_name(name).is_none());
                    continue; // RFC 7516 A.4's RSA1_5 recipient: skipped, never implemented
                }
                let got = open(
                    &key,
                    protected,
                    &header,
                    r.get("encrypted_key").map_or("", s),
                    s(&g["iv"]),
                    s(&g["ciphertext"]),
                    s(&g["tag"]),
                    g.get("aad").map(s),
                );
                opened += check(id, got, plaintext, rsa);
            }
            assert_eq!(opened, 1, "{id}");
            n += opened;
        }
        assert!(n > 0, "{id}");
        report.push(format!("{id}: {n}"));
    }
    eprintln!("RFC JWE examples opened per vector: {}", report.join(", "));
    assert_eq!(report.len(), 10);
}

#[test]
fn every_algorithm_round_trips() {
    let encs = crate::jwe::content::ALL_CONTENT_ENCRYPTIONS;
    for alg in ALL_CLASSICAL {
        let curves: &[Option<EcdhCurve>] = if alg.is_ecdh() {
            &[
                Some(EcdhCurve::P256),
                Some(EcdhCurve::P384),
                Some(EcdhCurve::X25519),
            ]
        } else {
            &[None]
        };
        for &crv in curves {
            for enc in encs {
                let secret = ClassicalSecretKey::generate(alg, crv, Some(enc)).unwrap();
                // Through the JWK forms, as a recipient would publish and import them.
                let jwk = secret.to_jwk(alg).unwrap();
                let secret = ClassicalSecretKey::from_jwk(alg, &jwk).unwrap();
                let public = match secret.public_key().to_jwk(alg) {
                    Ok(pj) => {
                        assert!(!pj.is_private());
                        ClassicalPublicKey::from_jwk(alg, &pj).unwrap()
                    }
                    Err(e) => {
                        assert_eq!(e, Error::Key(KeyError::NoPublicForm));
                        secret.public_key()
                    }
                };
                let w = wrap_cek(alg, &public, enc, None, b"apu", b"apv").unwrap();
                assert_eq!(w.cek.len(), enc.key_len());
                assert_eq!(w.encrypted_key.is_empty(), alg.is_direct());
                let info = KeyAgreementInfo {
                    epk: w.epk.as_ref(),
                    apu: b"apu",
                    apv: b"apv",
                };
                let got = unwrap_cek(alg, &secret, enc, &w.encrypted_key, info);
                if matches!(alg, ClassicalAlg::RsaOaep | ClassicalAlg::RsaOaep256)
                    && !super::super::rsa::decryption_available()
                {
                    assert_eq!(
                        got.unwrap_err(),
                        Error::Jwe(JweError::RsaDecryptionUnavailable)
                    );
                    break;
                }
                assert_eq!(*got.unwrap(), *w.cek, "{alg:?} {crv:?} {enc:?}");
                // A corrupted Encrypted Key gives a different (random) CEK, never an error that
                // differs from a bad tag.
                if !w.encrypted_key.is_empty() {
                    let mut bad = w.encrypted_key.clone();
                    bad[3] ^= 1;
                    let other = unwrap_cek(alg, &secret, enc, &bad, info).unwrap();
                    assert_eq!(other.len(), enc.key_len());
                    assert_ne!(*other, *w.cek);
                }
            }
            if matches!(alg, ClassicalAlg::RsaOaep | ClassicalAlg::RsaOaep256) {
                break;
            }
        }
    }
}

#[test]
fn refused_and_mismatched() {
    for name in ["RSA1_5", "PBES2-HS256+A128KW", "PBES2-HS512+A256KW"] {
        assert!(is_refused(name));
        assert!(ClassicalAlg::from_name(name).is_none());
    }
    assert!(!is_refused("RSA-OAEP"));
    // A dir key of one length does not fit an enc of another.
    let k = ClassicalSecretKey::generate(ClassicalAlg::Dir, None, Some(ContentEncryption::A128Gcm))
        .unwrap();
    assert_eq!(
        wrap_cek(
            ClassicalAlg::Dir,
            &k.public_key(),
            ContentEncryption::A256Gcm,
            None,
            b"",
            b""
        )
        .err(),
        Some(Error::Jwe(JweError::EncMismatch))
    );
    // dir needs an enc to be generated.
    assert!(ClassicalSecretKey::generate(ClassicalAlg::Dir, None, None).is_err());
    // A key of the wrong type for the algorithm.
    let ec = ClassicalSecretKey::generate(ClassicalAlg::EcdhEs, None, None).unwrap();
    let jwk = ec.to_jwk(ClassicalAlg::EcdhEs).unwrap();
    assert_eq!(
        ClassicalSecretKey::from_jwk(ClassicalAlg::A128Kw, &jwk).unwrap_err(),
        Error::Key(KeyError::WrongKeyType)
    );
    // A signing-use key is not an encryption key.
    let mut sig = jwk.clone();
    sig.use_ = Some("sig".into());
    assert!(ClassicalSecretKey::from_jwk(ClassicalAlg::EcdhEs, &sig).is_err());
    // ECDH without epk, and a direct mode with an Encrypted Key.
    let info = KeyAgreementInfo::default();
    assert_eq!(
        unwrap_cek(
            ClassicalAlg::EcdhEs,
            &ec,
            ContentEncryption::A128Gcm,
            b"",
            info
        )
        .unwrap_err(),
        Error::Jwe(JweError::KeyManagementHeader)
    );
    assert!(
        unwrap_cek(
            ClassicalAlg::EcdhEs,
            &ec,
            ContentEncryption::A128Gcm,
            b"x",
            info
        )
        .is_err()
    );
}

#[test]
fn pem_forms() {
    for (alg, crv) in [
        (ClassicalAlg::EcdhEs, Some(EcdhCurve::P256)),
        (ClassicalAlg::EcdhEsA128Kw, Some(EcdhCurve::P384)),
        (ClassicalAlg::EcdhEsA256Kw, Some(EcdhCurve::X25519)),
        (ClassicalAlg::RsaOaep256, None),
    ] {
        let k = ClassicalSecretKey::generate(alg, crv, None).unwrap();
        let der = k.to_pkcs8_der().unwrap();
        let back = ClassicalSecretKey::from_pkcs8_der(alg, &der).unwrap();
        assert_eq!(back.to_jwk(alg).unwrap(), k.to_jwk(alg).unwrap());
        let spki = k.public_key().to_spki_der().unwrap();
        let public = ClassicalPublicKey::from_spki_der(alg, &spki).unwrap();
        assert_eq!(
            public.to_jwk(alg).unwrap(),
            k.public_key().to_jwk(alg).unwrap()
        );
    }
    let oct = ClassicalSecretKey::generate(ClassicalAlg::A256Kw, None, None).unwrap();
    assert_eq!(
        oct.to_pkcs8_der().unwrap_err(),
        Error::Key(KeyError::PemUnsupported)
    );
}
