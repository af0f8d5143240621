//! Differential test of the `aws-lc` backend against the RustCrypto backend (feature `aws-lc`):
//! the same seed gives the same public key, each verifies the other's signatures, keys move
//! between them unchanged (JWK, PKCS#8, SPKI), and both give the same verdict on the vectors in
//! `../shared/vectors` for every algorithm aws-lc covers.
#![cfg(feature = "aws-lc")]

use base64ct::{Base64UrlUnpadded, Encoding};
use pqjose::__differential::{self as diff, Backend};
use pqjose::{Algorithm, Jwk};
use serde_json::{Value, json};

const COVERED: &[Algorithm] = &[
    Algorithm::MlDsa44,
    Algorithm::MlDsa65,
    Algorithm::MlDsa87,
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
];

const BOTH: [Backend; 2] = [Backend::RustCrypto, Backend::AwsLc];

fn vectors(rel: &str) -> Value {
    let path = format!("{}/../shared/vectors/{rel}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

fn unb64(s: &str) -> Vec<u8> {
    Base64UrlUnpadded::decode_vec(s).unwrap()
}

fn hexd(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

fn jwk(v: Value) -> Jwk {
    Jwk::from_json(&v.to_string()).unwrap()
}

fn other(b: Backend) -> Backend {
    match b {
        Backend::RustCrypto => Backend::AwsLc,
        Backend::AwsLc => Backend::RustCrypto,
    }
}

/// Import `key` in backend `b` and verify; any failure is a rejection.
fn verdict(b: Backend, alg: Algorithm, key: &Jwk, msg: &[u8], sig: &[u8]) -> bool {
    diff::public_from_jwk(b, alg, key)
        .and_then(|k| k.verify(msg, sig))
        .is_ok()
}

/// Tally of one vector file: cases, backends agreeing, and matches with the expected result.
#[derive(Default)]
struct Tally {
    cases: usize,
    agree: usize,
    applicable: usize,
    expected: usize,
}

impl Tally {
    fn add(&mut self, alg: Algorithm, key: &Jwk, msg: &[u8], sig: &[u8], want: Option<bool>) {
        let rc = verdict(Backend::RustCrypto, alg, key, msg, sig);
        let aws = verdict(Backend::AwsLc, alg, key, msg, sig);
        self.cases += 1;
        self.agree += usize::from(rc == aws);
        if let Some(want) = want {
            self.applicable += 1;
            self.expected += usize::from(aws == want);
        }
    }

    fn report(&self, file: &str) {
        eprintln!(
            "{file}: {} cases, {} backends agree, {}/{} as expected",
            self.cases, self.agree, self.expected, self.applicable
        );
        assert_eq!(self.agree, self.cases, "{file}: backends disagree");
        assert_eq!(
            self.expected, self.applicable,
            "{file}: unexpected verdicts"
        );
    }
}

fn wycheproof_expected(t: &Value) -> Option<bool> {
    match t["result"].as_str().unwrap() {
        "valid" => Some(true),
        "invalid" => Some(false),
        _ => None, // "acceptable": only the two backends are compared
    }
}

#[test]
fn same_seed_same_public_key() {
    // NIST ACVP keyGen: seed -> pk, and RFC 9964's examples, through both backends.
    let acvp = vectors("nist-acvp-mldsa/ML-DSA-keyGen-FIPS204.internalProjection.json");
    let mut n = 0;
    for g in acvp["testGroups"].as_array().unwrap() {
        let alg: Algorithm = g["parameterSet"].as_str().unwrap().parse().unwrap();
        for t in g["tests"].as_array().unwrap() {
            let (seed, pk) = (hexd(&t["seed"]), hexd(&t["pk"]));
            let key = jwk(
                json!({"kty": "AKP", "alg": alg.as_str(), "pub": b64(&pk), "priv": b64(&seed)}),
            );
            for b in BOTH {
                let public = diff::secret_from_jwk(b, alg, &key)
                    .unwrap()
                    .public()
                    .unwrap();
                assert_eq!(
                    public.to_jwk().unwrap().to_json(),
                    diff::public_from_jwk(b, alg, &key)
                        .unwrap()
                        .to_jwk()
                        .unwrap()
                        .to_json()
                );
            }
            n += 1;
        }
    }
    eprintln!("ML-DSA-keyGen-FIPS204: {n} cases, both backends recompute pk from the seed");
    assert_eq!(n, 75);

    // Random seeds (and Ed25519/ECDSA private scalars): generate in one, import in the other.
    for &alg in COVERED {
        for b in BOTH {
            let a = diff::generate(b, alg).unwrap();
            let private = a.to_jwk().unwrap();
            let twin = diff::secret_from_jwk(other(b), alg, &private).unwrap();
            assert_eq!(
                twin.to_jwk().unwrap().to_json(),
                private.to_json(),
                "{alg} private JWK"
            );
            assert_eq!(
                twin.public().unwrap().to_jwk().unwrap().to_json(),
                a.public().unwrap().to_jwk().unwrap().to_json(),
                "{alg} public JWK"
            );
        }
    }
}

#[test]
fn each_verifies_the_others_signatures() {
    let msg = b"eyJhbGciOiJ4In0.eyJzdWIiOiJkaWZmZXJlbnRpYWwifQ";
    let mut checked = 0;
    for &alg in COVERED {
        let a = diff::generate(Backend::AwsLc, alg).unwrap();
        let r = diff::secret_from_jwk(Backend::RustCrypto, alg, &a.to_jwk().unwrap()).unwrap();
        let publics = [r.public().unwrap(), a.public().unwrap()];
        for signer in [&r, &a] {
            for deterministic in [false, true] {
                let sig = signer.sign(msg, deterministic).unwrap();
                for p in &publics {
                    p.verify(msg, &sig).unwrap();
                    assert!(p.verify(b"tampered", &sig).is_err(), "{alg}");
                    let mut bad = sig.clone();
                    bad[sig.len() / 2] ^= 1;
                    assert!(p.verify(msg, &bad).is_err(), "{alg}");
                    checked += 1;
                }
            }
        }
        // Deterministic signatures are the same bytes whichever backend holds the key
        // (PSS is randomized by construction).
        if !matches!(alg, Algorithm::Ps256 | Algorithm::Ps384 | Algorithm::Ps512) {
            assert_eq!(
                r.sign(msg, true).unwrap(),
                a.sign(msg, true).unwrap(),
                "{alg}"
            );
        }
        if !alg.is_symmetric() {
            // PKCS#8 and SPKI move between the backends unchanged.
            for (from, to) in [(&a, Backend::RustCrypto), (&r, Backend::AwsLc)] {
                let der = from.to_pkcs8_der().unwrap();
                let moved = diff::secret_from_pkcs8(to, alg, &der).unwrap();
                assert_eq!(
                    moved.to_jwk().unwrap().to_json(),
                    a.to_jwk().unwrap().to_json(),
                    "{alg} PKCS#8"
                );
                let spki = from.public().unwrap().to_spki_der().unwrap();
                let moved = diff::public_from_spki(to, alg, &spki).unwrap();
                assert_eq!(moved.to_spki_der().unwrap(), spki, "{alg} SPKI");
            }
        }
    }
    eprintln!(
        "cross-verification: {} algorithms, {checked} signature checks",
        COVERED.len()
    );
}

#[test]
fn wycheproof_mldsa_same_verdict() {
    for (file, alg) in [
        ("mldsa_44_verify_test.json", Algorithm::MlDsa44),
        ("mldsa_65_verify_test.json", Algorithm::MlDsa65),
        ("mldsa_87_verify_test.json", Algorithm::MlDsa87),
    ] {
        let v = vectors(&format!("wycheproof-mldsa/{file}"));
        let mut tally = Tally::default();
        let mut with_ctx = 0;
        for g in v["testGroups"].as_array().unwrap() {
            let key =
                jwk(json!({"kty": "AKP", "alg": alg.as_str(), "pub": b64(&hexd(&g["publicKey"]))}));
            for t in g["tests"].as_array().unwrap() {
                if t.get("ctx").is_some() {
                    with_ctx += 1; // JOSE signs with the empty context only
                    continue;
                }
                tally.add(
                    alg,
                    &key,
                    &hexd(&t["msg"]),
                    &hexd(&t["sig"]),
                    wycheproof_expected(t),
                );
            }
        }
        eprintln!("{file}: {with_ctx} cases with a context skipped (not JOSE)");
        tally.report(file);
    }
}

#[test]
fn acvp_mldsa_sigver_same_verdict() {
    // The internal-interface projection: the expected results do not apply to the external
    // (JOSE) API, but both backends must still agree on every case.
    let v = vectors("nist-acvp-mldsa/ML-DSA-sigVer-FIPS204.internalProjection.json");
    let mut tally = Tally::default();
    for g in v["testGroups"].as_array().unwrap() {
        let alg: Algorithm = g["parameterSet"].as_str().unwrap().parse().unwrap();
        let key = jwk(json!({"kty": "AKP", "alg": alg.as_str(), "pub": b64(&hexd(&g["pk"]))}));
        for t in g["tests"].as_array().unwrap() {
            tally.add(
                alg,
                &key,
                &hexd(&t["message"]),
                &hexd(&t["signature"]),
                None,
            );
        }
    }
    tally.report("ML-DSA-sigVer-FIPS204.internalProjection.json");
}

#[test]
fn wycheproof_classical_same_verdict() {
    let files: [(&str, Algorithm); 5] = [
        ("ed25519_test.json", Algorithm::Ed25519),
        ("ecdsa_secp256r1_sha256_p1363_test.json", Algorithm::Es256),
        ("ecdsa_secp384r1_sha384_p1363_test.json", Algorithm::Es384),
        ("rsa_signature_2048_sha256_test.json", Algorithm::Rs256),
        ("rsa_pss_2048_sha256_mgf1_32_test.json", Algorithm::Ps256),
    ];
    for (file, alg) in files {
        let v = vectors(&format!("wycheproof-classical/{file}"));
        let mut tally = Tally::default();
        for g in v["testGroups"].as_array().unwrap() {
            let src = g.get("publicKeyJwk").or_else(|| g.get("keyJwk"));
            let key = match alg {
                Algorithm::Ed25519 => {
                    json!({"kty": "OKP", "crv": "Ed25519", "x": b64(&hexd(&g["publicKey"]["pk"]))})
                }
                Algorithm::Es256 | Algorithm::Es384 => {
                    // Some groups carry no JWK: use the uncompressed point 04 || x || y.
                    let point = hexd(&g["publicKey"]["uncompressed"]);
                    let (x, y) = point[1..].split_at((point.len() - 1) / 2);
                    let crv = if alg == Algorithm::Es256 {
                        "P-256"
                    } else {
                        "P-384"
                    };
                    json!({"kty": "EC", "crv": crv, "x": b64(x), "y": b64(y)})
                }
                _ => {
                    let src = src.unwrap();
                    json!({"kty": "RSA", "n": src["n"], "e": src["e"]})
                }
            };
            let key = jwk(key);
            for t in g["tests"].as_array().unwrap() {
                tally.add(
                    alg,
                    &key,
                    &hexd(&t["msg"]),
                    &hexd(&t["sig"]),
                    wycheproof_expected(t),
                );
            }
        }
        tally.report(file);
    }
}

#[test]
fn wycheproof_hmac_same_verdict() {
    let v = vectors("wycheproof-classical/hmac_sha256_test.json");
    let mut tally = Tally::default();
    for g in v["testGroups"].as_array().unwrap() {
        // JWS HS256 takes full 32-byte tags and keys of at least 32 bytes: other groups are
        // compared between the backends only.
        let jose = g["keySize"].as_u64() >= Some(256) && g["tagSize"].as_u64() == Some(256);
        for t in g["tests"].as_array().unwrap() {
            let key = jwk(json!({"kty": "oct", "k": b64(&hexd(&t["key"]))}));
            let want = wycheproof_expected(t).filter(|_| jose);
            tally.add(
                Algorithm::Hs256,
                &key,
                &hexd(&t["msg"]),
                &hexd(&t["tag"]),
                want,
            );
        }
    }
    tally.report("hmac_sha256_test.json");
}

#[test]
fn jose_examples_same_verdict() {
    let mut tally = Tally::default();
    let classical = vectors("rfc7515-rfc8037/rfc7515_rfc8037_vectors.json");
    for v in classical["vectors"].as_array().unwrap() {
        let (Some(token), Some(alg)) = (v["jws"].as_str(), v["alg"].as_str()) else {
            continue;
        };
        let alg: Algorithm = alg.parse().unwrap();
        let (input, sig) = token.rsplit_once('.').unwrap();
        tally.add(
            alg,
            &jwk(v["jwk"].clone()),
            input.as_bytes(),
            &unb64(sig),
            Some(true),
        );
    }
    for n in [44, 65, 87] {
        let v = vectors(&format!("ietf-cose-dilithium/jose/ML_DSA_{n}.jose.json"));
        let key: Value =
            serde_json::from_str(v["jwk"].as_str().unwrap_or(&v["jwk"].to_string())).unwrap();
        let alg: Algorithm = key["alg"].as_str().unwrap().parse().unwrap();
        let (input, sig) = v["jws"].as_str().unwrap().rsplit_once('.').unwrap();
        tally.add(
            alg,
            &jwk(key.clone()),
            input.as_bytes(),
            &unb64(sig),
            Some(true),
        );
        tally.add(alg, &jwk(key), b"other input", &unb64(sig), Some(false));
    }
    tally.report("rfc7515_rfc8037_vectors.json + ML_DSA_{44,65,87}.jose.json");
}
