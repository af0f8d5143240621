//! Composite keys as PKCS#8 and SPKI with the LAMPS composite OIDs
//! (draft-ietf-lamps-pq-composite-sigs): round trips for all six JOSE composites, the six
//! published draft-ietf-jose-pq-composite-sigs-04 keys (exported, re-imported, same
//! thumbprint, the OID bytes of the draft), the LAMPS test vectors as known answers
//! (`tests/data/lamps-composite-sigs/PROVENANCE.md`), and wrong OIDs, parameters and lengths
//! refused with typed errors.

// Test helpers outside `#[test]` functions: unwrap and indexing are fine here.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use pqjose::{Algorithm, Error, JwsVerifier, KeyError, SigningKey, VerifyingKey, jws};
use serde_json::Value;

const DIR_04: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/ietf-jose-pq-composite-sigs-04/"
);
const LAMPS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/lamps-composite-sigs/composite-six.json"
);

fn composites() -> impl Iterator<Item = Algorithm> {
    Algorithm::ALL.iter().copied().filter(|a| a.is_composite())
}

/// The last arc of each composite's OID, 1.3.6.1.5.5.7.6.N (draft-ietf-lamps-pq-composite-sigs,
/// "Algorithm Identifiers and Parameters").
fn oid_arc(alg: Algorithm) -> u8 {
    match alg {
        Algorithm::MlDsa44Ed25519 => 39,
        Algorithm::MlDsa44Es256 => 40,
        Algorithm::MlDsa65Es256 => 45,
        Algorithm::MlDsa65Ed25519 => 48,
        Algorithm::MlDsa87Es384 => 49,
        Algorithm::MlDsa87Ed448 => 51,
        _ => unreachable!(),
    }
}

/// DER of the OID 1.3.6.1.5.5.7.6.N.
fn oid_der(arc: u8) -> Vec<u8> {
    vec![0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x06, arc]
}

/// A DER TLV (definite length, short or long form).
fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = body.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(body);
    out
}

/// `OneAsymmetricKey` v1 (= PrivateKeyInfo) around a raw composite private key.
fn pkcs8(algorithm: &[u8], private: &[u8]) -> Vec<u8> {
    let body = [
        &[0x02, 0x01, 0x00][..],
        &tlv(0x30, algorithm),
        &tlv(0x04, private),
    ]
    .concat();
    tlv(0x30, &body)
}

/// `SubjectPublicKeyInfo` around a raw composite public key.
fn spki(algorithm: &[u8], public: &[u8]) -> Vec<u8> {
    let bits = [&[0u8][..], public].concat();
    tlv(0x30, &[tlv(0x30, algorithm), tlv(0x03, &bits)].concat())
}

fn key_err<T: std::fmt::Debug>(r: Result<T, Error>) -> KeyError {
    match r.unwrap_err() {
        Error::Key(e) => e,
        other => panic!("not a key error: {other:?}"),
    }
}

fn b64(s: &str) -> Vec<u8> {
    use base64ct::{Base64, Encoding};
    Base64::decode_vec(s).unwrap()
}

#[test]
fn every_composite_round_trips_in_pem_and_der() {
    for alg in composites() {
        let key = SigningKey::generate(alg).unwrap();
        let der = key.to_pkcs8_der().unwrap();
        let raw = key.to_raw_secret().unwrap();
        assert_eq!(*der, pkcs8(&oid_der(oid_arc(alg)), &raw), "{alg}");
        let pem = key.to_pkcs8_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        for again in [
            SigningKey::from_pkcs8_der(alg, &der).unwrap(),
            SigningKey::from_der(alg, &der).unwrap(),
            SigningKey::from_pkcs8_pem(alg, &pem).unwrap(),
            SigningKey::from_pem(alg, &pem).unwrap(),
        ] {
            assert_eq!(again.to_jwk().unwrap(), key.to_jwk().unwrap(), "{alg}");
        }

        let vk = key.verifier();
        let spki_der = vk.to_spki_der().unwrap();
        assert_eq!(
            spki_der,
            spki(&oid_der(oid_arc(alg)), &vk.public_bytes().unwrap())
        );
        let spki_pem = vk.to_spki_pem().unwrap();
        let token = jws::sign_payload(&key, b"composite pkcs8").unwrap();
        for public in [
            VerifyingKey::from_spki_der(alg, &spki_der).unwrap(),
            VerifyingKey::from_der(alg, &spki_der).unwrap(),
            VerifyingKey::from_spki_pem(alg, &spki_pem).unwrap(),
            VerifyingKey::from_pem(alg, &spki_pem).unwrap(),
        ] {
            assert_eq!(public.kid(), key.kid(), "{alg}");
            jws::verify(&public, &token).unwrap();
        }
    }
}

/// The six draft -04 keys: built from the published JWK, exported, re-imported; the `kid`
/// (a SHA-256 thumbprint of `pub`) survives both forms, and the documents carry the draft's OID.
#[test]
fn published_04_keys_through_pkcs8_and_spki() {
    for alg in composites() {
        let v: Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{DIR_04}{alg}.jose.json")).unwrap(),
        )
        .unwrap();
        let kid = v["jwk"]["kid"].as_str().unwrap();
        let key = SigningKey::from_jwk_json(&v["jwk"].to_string()).unwrap();
        let der = key.to_pkcs8_der().unwrap();
        assert_eq!(
            &der[5..17],
            &[&[0x30, 0x0a][..], &oid_der(oid_arc(alg))].concat()
        );
        let again = SigningKey::from_pkcs8_der(alg, &der).unwrap();
        assert_eq!(again.kid(), kid, "{alg}");
        assert_eq!(again.thumbprint().unwrap(), kid);

        let spki_der = key.verifier().to_spki_der().unwrap();
        let oid = oid_der(oid_arc(alg));
        assert_eq!(&spki_der[4..6], &[0x30, 0x0a]);
        assert_eq!(&spki_der[6..16], oid.as_slice());
        let public = VerifyingKey::from_spki_der(alg, &spki_der).unwrap();
        assert_eq!(public.kid(), kid, "{alg}");
        jws::verify(&public, v["jws"].as_str().unwrap()).unwrap();
    }
}

/// Known answers from the LAMPS draft's test vectors: its PKCS#8 keys import and re-export
/// byte for byte, their public keys equal `pk` and the public key in the draft's certificate,
/// our SPKI is the certificate's, and the draft's signature of `m` verifies.
#[test]
fn lamps_test_vectors() {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(LAMPS).unwrap()).unwrap();
    let m = b64(v["m"].as_str().unwrap());
    let tests = v["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 6);
    for t in tests {
        let alg: Algorithm = t["jose_alg"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            t["oid"].as_str().unwrap(),
            format!("1.3.6.1.5.5.7.6.{}", oid_arc(alg))
        );
        let (pk, sk, sk_pkcs8) = (
            b64(t["pk"].as_str().unwrap()),
            b64(t["sk"].as_str().unwrap()),
            b64(t["sk_pkcs8"].as_str().unwrap()),
        );
        let cert = b64(t["x5c"].as_str().unwrap());

        let key = SigningKey::from_der(alg, &sk_pkcs8).unwrap();
        assert_eq!(*key.to_pkcs8_der().unwrap(), sk_pkcs8, "{alg}");
        assert_eq!(key.to_raw_secret().unwrap().as_slice(), sk.as_slice());
        assert_eq!(key.verifier().public_bytes().unwrap(), pk);

        let from_cert = VerifyingKey::from_der(alg, &cert).unwrap();
        assert_eq!(from_cert.public_bytes().unwrap(), pk, "{alg}");
        assert_eq!(from_cert.kid(), key.kid());
        let spki_der = key.verifier().to_spki_der().unwrap();
        assert!(
            cert.windows(spki_der.len()).any(|w| w == spki_der),
            "{alg}: SPKI"
        );

        let s = b64(t["s"].as_str().unwrap());
        JwsVerifier::verify(&from_cert, &m, &s).unwrap();
        let mut bad = s.clone();
        bad[100] ^= 1;
        assert_eq!(
            JwsVerifier::verify(&from_cert, &m, &bad),
            Err(Error::InvalidSignature)
        );
    }
}

#[test]
fn wrong_oid_parameters_or_lengths_are_refused() {
    let alg = Algorithm::MlDsa44Es256;
    let key = SigningKey::generate(alg).unwrap();
    let raw = key.to_raw_secret().unwrap();
    let public = key.verifier().public_bytes().unwrap();
    let der = key.to_pkcs8_der().unwrap();
    let spki_der = key.verifier().to_spki_der().unwrap();

    // Another composite's OID, a plain ML-DSA key, or a composite read as plain ML-DSA.
    assert_eq!(
        key_err(SigningKey::from_pkcs8_der(Algorithm::MlDsa65Es256, &der)),
        KeyError::WrongKeyType
    );
    assert_eq!(
        key_err(VerifyingKey::from_spki_der(
            Algorithm::MlDsa44Ed25519,
            &spki_der
        )),
        KeyError::WrongKeyType
    );
    assert_eq!(
        key_err(SigningKey::from_pkcs8_der(Algorithm::MlDsa44, &der)),
        KeyError::WrongKeyType
    );
    let plain = SigningKey::generate(Algorithm::MlDsa44)
        .unwrap()
        .to_pkcs8_der()
        .unwrap();
    assert_eq!(
        key_err(SigningKey::from_pkcs8_der(alg, &plain)),
        KeyError::WrongKeyType
    );
    let other_oid = oid_der(41);
    assert_eq!(
        key_err(SigningKey::from_pkcs8_der(alg, &pkcs8(&other_oid, &raw))),
        KeyError::WrongKeyType
    );

    // Parameters must be absent (here: NULL).
    let with_null = [oid_der(40), vec![0x05, 0x00]].concat();
    assert_eq!(
        key_err(SigningKey::from_pkcs8_der(alg, &pkcs8(&with_null, &raw))),
        KeyError::Pem
    );
    assert_eq!(
        key_err(VerifyingKey::from_spki_der(alg, &spki(&with_null, &public))),
        KeyError::Pem
    );

    // One byte short or long, in the private and the public key.
    let oid = oid_der(40);
    for private in [&raw[..raw.len() - 1], &[&raw[..], &[0]].concat()] {
        assert_eq!(
            key_err(SigningKey::from_pkcs8_der(alg, &pkcs8(&oid, private))),
            KeyError::InvalidEncoding
        );
    }
    for pk in [&public[..public.len() - 1], &[&public[..], &[0]].concat()] {
        assert_eq!(
            key_err(VerifyingKey::from_spki_der(alg, &spki(&oid, pk))),
            KeyError::InvalidEncoding
        );
    }
    // The -03 raw scalar in place of the -04 ECPrivateKey.
    let d03 = [&raw[..32], &raw[32 + 7..32 + 7 + 32]].concat();
    assert_eq!(
        key_err(SigningKey::from_pkcs8_der(alg, &pkcs8(&oid, &d03))),
        KeyError::InvalidEncoding
    );
}
