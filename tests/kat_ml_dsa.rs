//! ML-DSA known answers through the public API: RFC 9964 JOSE examples, Wycheproof verify
//! vectors (every case without a context string; the context cases run as a unit test of the
//! crate-internal context API), NIST ACVP keyGen (seed → pk and expanded sk), and PKCS#8/SPKI in
//! the forms OpenSSL 3.5+ writes.

use pqjose::{Algorithm, Error, FormatError, Jwk, JwsVerifier, KeyError, SigningKey, VerifyingKey};
use serde_json::Value;

fn vectors(rel: &str) -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/vectors/").to_owned() + rel;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn hex(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

fn b64u(bytes: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(bytes)
}

/// The `pub` member of a JWK, decoded.
fn jwk_pub(jwk: &Jwk) -> Vec<u8> {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let v: Value = serde_json::from_str(&jwk.to_json()).unwrap();
    Base64UrlUnpadded::decode_vec(v["pub"].as_str().unwrap()).unwrap()
}

fn alg_of(name: &str) -> Algorithm {
    name.parse().unwrap()
}

const LEVELS: [(Algorithm, &str); 3] = [
    (Algorithm::MlDsa44, "44"),
    (Algorithm::MlDsa65, "65"),
    (Algorithm::MlDsa87, "87"),
];

/// RFC 9964 Appendix A: seed → pub, thumbprint == kid, the JWS verifies, a tampered `pub` is
/// refused, and a fresh JWS from the imported key verifies under the published public JWK.
#[test]
fn rfc9964_jose_examples() {
    for (alg, n) in LEVELS {
        let file = format!("ietf-cose-dilithium/jose/ML_DSA_{n}.jose.json");
        let v = vectors(&file);
        let jwk_json = v["jwk"].to_string();
        let jwk = Jwk::from_json(&jwk_json).unwrap();
        let kid = v["jwk"]["kid"].as_str().unwrap();

        // Seed only → the published pub and kid.
        let seed_only = format!(
            r#"{{"kty":"AKP","alg":"{alg}","priv":"{}"}}"#,
            v["jwk"]["priv"].as_str().unwrap()
        );
        let derived = SigningKey::from_jwk_json(&seed_only).unwrap();
        assert_eq!(derived.algorithm(), alg);
        assert_eq!(
            jwk_pub(&derived.to_public_jwk().unwrap()),
            hex(&v["raw_public_key"])
        );
        assert_eq!(derived.kid(), kid, "{file}: thumbprint");
        assert_eq!(hex(&v["priv"]), vec![0u8; 32]);

        // Full private JWK: pub checked against the seed; kid kept.
        let key = SigningKey::from_jwk(&jwk).unwrap();
        assert_eq!(key.kid(), kid);
        assert_eq!(key.thumbprint().unwrap(), kid);
        assert_eq!(jwk.thumbprint().unwrap(), kid);

        // The published JWS verifies under the public JWK.
        let public = VerifyingKey::from_jwk(&jwk.to_public().unwrap()).unwrap();
        let token = v["jws"].as_str().unwrap();
        let verified = pqjose::jws::verify(&public, token).unwrap();
        assert_eq!(
            verified.payload(),
            "It\u{2019}s a dangerous business, Frodo, going out your door.".as_bytes()
        );
        assert_eq!(verified.header().kid(), Some(kid));
        // Raw form: signing input and signature as published.
        public
            .verify(&hex(&v["raw_to_be_signed"]), &hex(&v["raw_signature"]))
            .unwrap();

        // A pub that does not match the seed is refused.
        let mut wrong = hex(&v["raw_public_key"]);
        wrong[40] ^= 1;
        let tampered = format!(
            r#"{{"kty":"AKP","alg":"{alg}","pub":"{}","priv":"{}"}}"#,
            b64u(&wrong),
            v["jwk"]["priv"].as_str().unwrap()
        );
        assert_eq!(
            SigningKey::from_jwk_json(&tampered).err(),
            Some(Error::Key(KeyError::Mismatch))
        );

        // Round trip: our signature verifies under the published key.
        let fresh = pqjose::jws::sign_payload(&key, b"round trip").unwrap();
        assert_eq!(
            pqjose::jws::verify(&public, &fresh).unwrap().payload(),
            b"round trip"
        );
        eprintln!("{file}: seed->pub, kid, JWS verify: agree");
    }
}

/// Wycheproof ML-DSA verify: every case without a (non-empty) context, through a `VerifyingKey`
/// imported both from an AKP JWK and from the group's SPKI DER.
#[test]
fn wycheproof_verify() {
    let mut total = 0;
    for (alg, n) in LEVELS {
        let file = format!("wycheproof-mldsa/mldsa_{n}_verify_test.json");
        let v = vectors(&file);
        assert_eq!(alg_of(v["algorithm"].as_str().unwrap()), alg);
        let (mut cases, mut agree, mut with_ctx) = (0, 0, 0);
        for group in v["testGroups"].as_array().unwrap() {
            let pk = hex(&group["publicKey"]);
            let jwk = format!(r#"{{"kty":"AKP","alg":"{alg}","pub":"{}"}}"#, b64u(&pk));
            let from_jwk = VerifyingKey::from_jwk_json(&jwk);
            let from_spki = VerifyingKey::from_spki_der(alg, &hex(&group["publicKeyDer"]));
            assert_eq!(
                from_jwk.is_ok(),
                from_spki.is_ok(),
                "{file}: JWK vs SPKI import"
            );
            if let Ok(k) = &from_jwk {
                assert_eq!(k.to_spki_der().unwrap(), hex(&group["publicKeyDer"]));
            }
            for t in group["tests"].as_array().unwrap() {
                if t.get("ctx").is_some_and(|c| c.as_str() != Some("")) {
                    with_ctx += 1; // run by the ml_dsa unit tests (crate-internal context API)
                    continue;
                }
                cases += 1;
                let expected = match t["result"].as_str().unwrap() {
                    "valid" => true,
                    "invalid" => false,
                    other => panic!("{file}: result {other}"),
                };
                let (msg, sig) = (hex(&t["msg"]), hex(&t["sig"]));
                let outcome = |k: &Result<VerifyingKey, Error>| match k {
                    Ok(k) => k.verify(&msg, &sig),
                    Err(e) => Err(e.clone()),
                };
                let got = outcome(&from_jwk);
                assert_eq!(got.is_ok(), outcome(&from_spki).is_ok());
                if let Err(e) = &got {
                    // A failure is one of the documented kinds, never anything else.
                    assert!(
                        matches!(
                            e,
                            Error::InvalidSignature
                                | Error::Format(FormatError::SignatureLength)
                                | Error::Key(KeyError::InvalidEncoding)
                        ),
                        "{file} tc {}: {e:?}",
                        t["tcId"]
                    );
                }
                if got.is_ok() == expected {
                    agree += 1;
                } else {
                    eprintln!("{file} tc {}: expected {expected}, got {got:?}", t["tcId"]);
                }
            }
        }
        eprintln!(
            "{file}: {cases} cases without context, {agree} agree ({with_ctx} context cases in unit tests)"
        );
        assert_eq!(agree, cases, "{file}");
        assert!(cases > 100);
        total += cases;
    }
    assert!(total > 500);
}

/// NIST ACVP ML-DSA keyGen: seed → pk (through a seed-only JWK) and seed → expanded sk (a
/// PKCS#8 `both` document holding the published sk is accepted; one with a flipped bit is not;
/// the published sk alone imports as an expanded-only key whose signatures verify under pk).
#[test]
fn acvp_keygen() {
    let file = "nist-acvp-mldsa/ML-DSA-keyGen-FIPS204.internalProjection.json";
    let v = vectors(file);
    let mut per_set = std::collections::BTreeMap::<String, (usize, usize)>::new();
    for group in v["testGroups"].as_array().unwrap() {
        let set = group["parameterSet"].as_str().unwrap();
        let alg = alg_of(set);
        for (i, t) in group["tests"].as_array().unwrap().iter().enumerate() {
            let (seed, pk, sk) = (hex(&t["seed"]), hex(&t["pk"]), hex(&t["sk"]));
            let jwk = format!(r#"{{"kty":"AKP","alg":"{alg}","priv":"{}"}}"#, b64u(&seed));
            let key = SigningKey::from_jwk_json(&jwk).unwrap();
            let pk_ok = jwk_pub(&key.to_public_jwk().unwrap()) == pk;

            let both = pkcs8::both(alg, &seed, &sk);
            let sk_ok = SigningKey::from_pkcs8_der(alg, &both).is_ok();
            if i < 3 {
                let mut bad = sk.clone();
                bad[200] ^= 0x10;
                assert_eq!(
                    SigningKey::from_pkcs8_der(alg, &pkcs8::both(alg, &seed, &bad)).err(),
                    Some(Error::Key(KeyError::Mismatch))
                );
                let expanded = SigningKey::from_pkcs8_der(alg, &pkcs8::expanded(alg, &sk)).unwrap();
                assert_eq!(jwk_pub(&expanded.to_public_jwk().unwrap()), pk);
                let token = pqjose::jws::sign_payload(&expanded, b"expanded").unwrap();
                pqjose::jws::verify(&key.verifying_key().unwrap(), &token).unwrap();
            }
            let e = per_set.entry(set.to_owned()).or_default();
            e.0 += 1;
            e.1 += usize::from(pk_ok && sk_ok);
        }
    }
    for (set, (n, ok)) in &per_set {
        eprintln!("{file} {set}: {n} cases, {ok} agree (pk and expanded sk)");
        assert_eq!(n, ok, "{set}");
        assert_eq!(*n, 25);
    }
    assert_eq!(per_set.len(), 3);
}

/// PKCS#8 documents in the three RFC 9881 forms, built independently of pqjose (plain DER).
mod pkcs8 {
    use pqjose::Algorithm;

    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let n = body.len();
        match n {
            0..=0x7f => out.push(n as u8),
            0x80..=0xff => out.extend([0x81, n as u8]),
            _ => out.extend([0x82, (n >> 8) as u8, n as u8]),
        }
        out.extend_from_slice(body);
        out
    }

    fn oid_last(alg: Algorithm) -> u8 {
        match alg {
            Algorithm::MlDsa44 => 0x11,
            Algorithm::MlDsa65 => 0x12,
            Algorithm::MlDsa87 => 0x13,
            _ => unreachable!(),
        }
    }

    /// AlgorithmIdentifier { id-ml-dsa-NN } (2.16.840.1.101.3.4.3.17/18/19, no parameters).
    pub(super) fn algorithm_identifier(alg: Algorithm) -> Vec<u8> {
        let oid = [
            0x60,
            0x86,
            0x48,
            0x01,
            0x65,
            0x03,
            0x04,
            0x03,
            oid_last(alg),
        ];
        tlv(0x30, &tlv(0x06, &oid))
    }

    /// OneAsymmetricKey v1 around a DER-encoded ML-DSA-PrivateKey choice.
    pub(super) fn wrap(alg: Algorithm, choice: &[u8]) -> Vec<u8> {
        let mut body = vec![0x02, 0x01, 0x00];
        body.extend(algorithm_identifier(alg));
        body.extend(tlv(0x04, choice));
        tlv(0x30, &body)
    }

    pub(super) fn seed(alg: Algorithm, seed: &[u8]) -> Vec<u8> {
        wrap(alg, &tlv(0x80, seed))
    }

    pub(super) fn expanded(alg: Algorithm, sk: &[u8]) -> Vec<u8> {
        wrap(alg, &tlv(0x04, sk))
    }

    pub(super) fn both(alg: Algorithm, seed: &[u8], sk: &[u8]) -> Vec<u8> {
        let mut body = tlv(0x04, seed);
        body.extend(tlv(0x04, sk));
        wrap(alg, &tlv(0x30, &body))
    }

    pub(super) fn spki(alg: Algorithm, pk: &[u8]) -> Vec<u8> {
        let mut bits = vec![0u8];
        bits.extend_from_slice(pk);
        let mut body = algorithm_identifier(alg);
        body.extend(tlv(0x03, &bits));
        tlv(0x30, &body)
    }
}

/// Seed-form export equals the independently built document; all three forms import and agree;
/// malformed and mismatched documents are refused.
#[test]
fn pkcs8_forms() {
    let v = vectors("nist-acvp-mldsa/ML-DSA-keyGen-FIPS204.internalProjection.json");
    for group in v["testGroups"].as_array().unwrap() {
        let alg = alg_of(group["parameterSet"].as_str().unwrap());
        let t = &group["tests"][0];
        let (seed, pk, sk) = (hex(&t["seed"]), hex(&t["pk"]), hex(&t["sk"]));

        let seed_doc = pkcs8::seed(alg, &seed);
        let key = SigningKey::from_pkcs8_der(alg, &seed_doc).unwrap();
        assert_eq!(key.to_pkcs8_der().unwrap().as_slice(), seed_doc.as_slice());
        let pem = key.to_pkcs8_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert_eq!(
            SigningKey::from_pkcs8_pem(alg, &pem).unwrap().kid(),
            key.kid()
        );

        // `both` and expanded-only import to the same public key; only seeded keys export.
        let both = SigningKey::from_pkcs8_der(alg, &pkcs8::both(alg, &seed, &sk)).unwrap();
        assert_eq!(both.to_pkcs8_der().unwrap().as_slice(), seed_doc.as_slice());
        let expanded = SigningKey::from_pkcs8_der(alg, &pkcs8::expanded(alg, &sk)).unwrap();
        assert_eq!(expanded.kid(), key.kid());
        assert_eq!(
            expanded.to_jwk().err(),
            Some(Error::Key(KeyError::NotExportable))
        );
        assert_eq!(
            expanded.to_pkcs8_der().err(),
            Some(Error::Key(KeyError::NotExportable))
        );
        let public = key.verifying_key().unwrap();
        for signer in [&key, &both, &expanded] {
            let token = pqjose::jws::sign_payload(signer, b"pem").unwrap();
            pqjose::jws::verify(&public, &token).unwrap();
        }

        // SPKI: export equals the independent encoding; import round-trips.
        let spki = pkcs8::spki(alg, &pk);
        assert_eq!(public.to_spki_der().unwrap(), spki);
        let imported = VerifyingKey::from_spki_der(alg, &spki).unwrap();
        assert_eq!(imported.kid(), key.kid());
        let spki_pem = public.to_spki_pem().unwrap();
        assert_eq!(
            VerifyingKey::from_spki_pem(alg, &spki_pem).unwrap().kid(),
            key.kid()
        );

        // Refusals.
        let other = match alg {
            Algorithm::MlDsa44 => Algorithm::MlDsa65,
            _ => Algorithm::MlDsa44,
        };
        let refused = |doc: &[u8]| SigningKey::from_pkcs8_der(alg, doc).err().unwrap();
        assert_eq!(
            SigningKey::from_pkcs8_der(other, &seed_doc).err(),
            Some(Error::Key(KeyError::WrongKeyType))
        );
        assert_eq!(
            VerifyingKey::from_spki_der(other, &spki).err(),
            Some(Error::Key(KeyError::WrongKeyType))
        );
        assert_eq!(
            refused(&pkcs8::seed(alg, &seed[..31])),
            Error::Key(KeyError::InvalidEncoding)
        );
        assert_eq!(
            refused(&pkcs8::expanded(alg, &sk[1..])),
            Error::Key(KeyError::InvalidEncoding)
        );
        let mut other_seed = seed.clone();
        other_seed[0] ^= 1;
        assert_eq!(
            refused(&pkcs8::both(alg, &other_seed, &sk)),
            Error::Key(KeyError::Mismatch)
        );
        // Expanded keys: an out-of-range s1/s2 coefficient (ml-dsa would panic decoding it) is
        // refused up front; a `tr` that does not belong to rho/s1/s2 fails the consistency test.
        for offset in [128, 130, sk.len() / 4] {
            let mut wild = sk.clone();
            wild[offset] = 0xff;
            assert_eq!(
                refused(&pkcs8::expanded(alg, &wild)),
                Error::Key(KeyError::InvalidEncoding),
                "{alg} offset {offset}"
            );
        }
        let mut bad_tr = sk.clone();
        bad_tr[64] ^= 0x01;
        assert_eq!(
            refused(&pkcs8::expanded(alg, &bad_tr)),
            Error::Key(KeyError::Mismatch)
        );
        // Trailing bytes, wrong choice tags, truncation.
        let mut trailing = seed_doc.clone();
        trailing.push(0);
        assert_eq!(refused(&trailing), Error::Key(KeyError::Pem));
        assert_eq!(
            refused(&pkcs8::wrap(
                alg,
                &[0x81, 0x20]
                    .iter()
                    .chain(&seed)
                    .copied()
                    .collect::<Vec<_>>()
            )),
            Error::Key(KeyError::Pem)
        );
        assert_eq!(
            refused(&seed_doc[..seed_doc.len() - 1]),
            Error::Key(KeyError::Pem)
        );
        assert_eq!(refused(b""), Error::Key(KeyError::Pem));
    }
}

/// If this machine's `openssl` supports ML-DSA (3.5+), its three private-key forms import and
/// pqjose's seed-form export reads back in OpenSSL. Skipped with a notice otherwise.
#[test]
fn openssl_interop() {
    use std::process::Command;
    let dir = std::env::temp_dir().join(format!("pqjose-mldsa-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let supported = Command::new("openssl")
        .args(["genpkey", "-algorithm", "ML-DSA-44", "-out"])
        .arg(dir.join("probe.pem"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !supported {
        eprintln!("NOTICE: openssl without ML-DSA support (3.5+ needed); OpenSSL interop skipped");
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    for (alg, _) in LEVELS {
        let path = dir.join(format!("{alg}.pem"));
        let ok = Command::new("openssl")
            .args(["genpkey", "-algorithm", alg.as_str(), "-out"])
            .arg(&path)
            .status()
            .unwrap()
            .success();
        assert!(ok);
        let default_form = std::fs::read_to_string(&path).unwrap();
        let key = SigningKey::from_pkcs8_pem(alg, &default_form).unwrap();
        for format in ["seed-only", "priv-only", "seed-priv"] {
            let out = dir.join(format!("{alg}-{format}.pem"));
            let converted = Command::new("openssl")
                .args([
                    "pkey",
                    "-provparam",
                    &format!("ml-dsa.output_formats={format}"),
                    "-in",
                ])
                .arg(&path)
                .arg("-out")
                .arg(&out)
                .status()
                .is_ok_and(|s| s.success());
            if !converted {
                eprintln!("NOTICE: openssl could not write the {format} form; skipped");
                continue;
            }
            let pem = std::fs::read_to_string(&out).unwrap();
            let other = SigningKey::from_pkcs8_pem(alg, &pem).unwrap();
            assert_eq!(other.kid(), key.kid(), "{alg} {format}");
        }
        // OpenSSL reads pqjose's seed-form export and derives the same public key.
        let ours = dir.join(format!("{alg}-pqjose.pem"));
        std::fs::write(&ours, key.to_pkcs8_pem().unwrap().as_bytes()).unwrap();
        let out = Command::new("openssl")
            .args(["pkey", "-pubout", "-in"])
            .arg(&ours)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            key.verifying_key().unwrap().to_spki_pem().unwrap()
        );
        eprintln!("openssl {alg}: private-key forms and seed-form export agree");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
