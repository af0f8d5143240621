//! Composite ML-DSA + ECDSA/EdDSA (draft-ietf-jose-pq-composite-sigs-04, and -03 by name)
//! through the public API: the six published JOSE examples of each draft, round trips in both
//! ECDSA encodings, and the ways a composite signature or key can be half right.

// Test helpers outside `#[test]` functions: unwrap and indexing are fine here.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use pqjose::jws;
use pqjose::{
    Algorithm, CompositeEncoding, Error, FormatError, Jwk, KeyError, SigningKey, SigningMode,
    VerifyingKey,
};
use serde_json::Value;

const DIR_03: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/ietf-jose-pq-composite-sigs/jose/"
);
const DIR_04: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/ietf-jose-pq-composite-sigs-04/"
);

const ENCODINGS: [CompositeEncoding; 2] = [CompositeEncoding::Draft04, CompositeEncoding::Draft03];

fn composites() -> impl Iterator<Item = Algorithm> {
    Algorithm::ALL.iter().copied().filter(|a| a.is_composite())
}

fn is_ecdsa(alg: Algorithm) -> bool {
    matches!(
        alg,
        Algorithm::MlDsa44Es256 | Algorithm::MlDsa65Es256 | Algorithm::MlDsa87Es384
    )
}

fn b64(bytes: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(bytes)
}

fn unb64(s: &str) -> Vec<u8> {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::decode_vec(s).unwrap()
}

/// Replace the signature segment of a compact JWS.
fn with_signature(token: &str, sig: &[u8]) -> String {
    let (signing_input, _) = token.rsplit_once('.').unwrap();
    format!("{signing_input}.{}", b64(sig))
}

fn signature_of(token: &str) -> Vec<u8> {
    unb64(token.rsplit_once('.').unwrap().1)
}

/// (pub, priv, max sig) sizes in bytes for each encoding (standards.md §3.4).
fn sizes(alg: Algorithm, enc: CompositeEncoding) -> (usize, usize, usize) {
    use Algorithm::*;
    let draft04 = enc == CompositeEncoding::Draft04;
    match (alg, draft04) {
        (MlDsa44Es256, false) => (1376, 64, 2484),
        (MlDsa44Es256, true) => (1377, 83, 2492),
        (MlDsa65Es256, false) => (2016, 64, 3373),
        (MlDsa65Es256, true) => (2017, 83, 3381),
        (MlDsa87Es384, false) => (2688, 80, 4723),
        (MlDsa87Es384, true) => (2689, 96, 4731),
        (MlDsa44Ed25519, _) => (1344, 64, 2484),
        (MlDsa65Ed25519, _) => (1984, 64, 3373),
        (MlDsa87Ed448, _) => (2649, 89, 4741),
        _ => unreachable!(),
    }
}

fn ml_sig_len(alg: Algorithm) -> usize {
    use Algorithm::*;
    match alg {
        MlDsa44Es256 | MlDsa44Ed25519 => 2420,
        MlDsa65Es256 | MlDsa65Ed25519 => 3309,
        _ => 4627,
    }
}

/// Check the six published examples of one draft, whose ECDSA encoding is `enc`.
fn check_published_examples(dir: &str, enc: CompositeEncoding) {
    let other = match enc {
        CompositeEncoding::Draft03 => CompositeEncoding::Draft04,
        _ => CompositeEncoding::Draft03,
    };
    let mut n = 0;
    let mut ok = 0;
    for alg in composites() {
        let file = format!("{}.jose.json", alg.as_str());
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(format!("{dir}{file}")).unwrap())
                .unwrap();
        let jwk = Jwk::from_json(&v["jwk"].to_string()).unwrap();
        let token = v["jws"].as_str().unwrap();
        n += 1;

        // The private JWK imports (both public halves recomputed and compared) and its kid is
        // the RFC 7638 / RFC 9964 thumbprint.
        let key = SigningKey::from_jwk_with_encoding(&jwk, enc).unwrap();
        assert_eq!(key.algorithm(), alg);
        let kid = jwk.kid().unwrap();
        assert_eq!(key.thumbprint().unwrap(), kid, "{file}: kid");
        assert_eq!(jwk.thumbprint().unwrap(), kid, "{file}: jwk thumbprint");

        // pub is the raw composite public key.
        let raw_pub = hex::decode(v["raw_composite_public_key"].as_str().unwrap()).unwrap();
        let public_jwk = key.to_public_jwk().unwrap();
        assert_eq!(unb64(v["jwk"]["pub"].as_str().unwrap()), raw_pub);
        assert_eq!(public_jwk.to_json(), {
            let mut expected = jwk.to_public().unwrap();
            expected.set_kid(kid);
            expected.to_json()
        });

        // Export reproduces the imported JWK.
        assert_eq!(key.to_jwk().unwrap(), jwk, "{file}: JWK round trip");

        // The example JWS verifies with the public key alone, and with the derived one.
        let public = VerifyingKey::from_jwk_with_encoding(&public_jwk, enc).unwrap();
        assert_eq!(public.kid(), kid);
        let verified = jws::verify(&public, token).unwrap();
        assert_eq!(
            verified.payload(),
            b"It's a dangerous business, Frodo, going out your door."
        );
        assert_eq!(verified.header().kid(), Some(kid));
        jws::verify(&key.verifying_key().unwrap(), token).unwrap();

        // The signature bytes are the raw composite signature.
        let raw_sig = hex::decode(v["raw_composite_signature"].as_str().unwrap()).unwrap();
        assert_eq!(signature_of(token), raw_sig);
        let (pub_len, priv_len, max_sig) = sizes(alg, enc);
        assert!(raw_sig.len() <= max_sig && raw_sig.len() > ml_sig_len(alg));
        assert_eq!(raw_pub.len(), pub_len);
        assert_eq!(unb64(v["jwk"]["priv"].as_str().unwrap()).len(), priv_len);

        // Flipping one bit in either half breaks it.
        for pos in [10, raw_sig.len() - 10] {
            let mut bad = raw_sig.clone();
            bad[pos] ^= 1;
            assert_eq!(
                jws::verify(&public, &with_signature(token, &bad)),
                Err(Error::InvalidSignature),
                "{file}: flipped byte {pos}"
            );
        }

        // The default constructors are -04. Nothing guesses: an ECDSA example of one draft does
        // not even load as the other; the EdDSA examples are the same in both.
        let default_public = VerifyingKey::from_jwk(&public_jwk);
        if is_ecdsa(alg) {
            assert!(VerifyingKey::from_jwk_with_encoding(&public_jwk, other).is_err());
            assert!(SigningKey::from_jwk_with_encoding(&jwk, other).is_err());
            assert_eq!(default_public.is_ok(), enc == CompositeEncoding::Draft04);
            assert_eq!(
                SigningKey::from_jwk(&jwk).is_ok(),
                enc == CompositeEncoding::Draft04
            );
        } else {
            let other = VerifyingKey::from_jwk_with_encoding(&public_jwk, other).unwrap();
            jws::verify(&other, token).unwrap();
            jws::verify(&default_public.unwrap(), token).unwrap();
        }
        if enc == CompositeEncoding::Draft04 {
            let key = SigningKey::from_jwk(&jwk).unwrap();
            assert_eq!(key.kid(), kid);
            jws::verify(&VerifyingKey::from_jwk(&public_jwk).unwrap(), token).unwrap();
            // A fresh -04 signature by the published key verifies with the published public key.
            let fresh = jws::sign_payload(&key, b"fresh").unwrap();
            jws::verify(&public, &fresh).unwrap();
        }
        ok += 1;
        eprintln!("{file} ({}): 1 example, verifies", enc.as_str());
    }
    eprintln!(
        "composite JOSE examples {}: {n} cases, {ok} agree",
        enc.as_str()
    );
    assert_eq!((n, ok), (6, 6));
}

#[test]
fn published_04_examples_verify_by_default() {
    check_published_examples(DIR_04, CompositeEncoding::Draft04);
}

#[test]
fn published_03_examples_verify_when_asked_for_by_name() {
    check_published_examples(DIR_03, CompositeEncoding::Draft03);
}

/// A -04 ECDSA signature re-encoded as raw r || s (the -03 form) is rejected by a -04 key.
#[test]
fn raw_ecdsa_half_is_rejected_under_04() {
    for alg in [Algorithm::MlDsa44Es256, Algorithm::MlDsa87Es384] {
        let v: Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{DIR_04}{}.jose.json", alg.as_str())).unwrap(),
        )
        .unwrap();
        let jwk = Jwk::from_json(&v["jwk"].to_string()).unwrap();
        let public = VerifyingKey::from_jwk(&jwk).unwrap();
        let token = v["jws"].as_str().unwrap();
        let sig = signature_of(token);
        let (ml, der) = sig.split_at(ml_sig_len(alg));
        let width = if alg == Algorithm::MlDsa87Es384 {
            48
        } else {
            32
        };
        // Short-form DER: 30 L 02 rl r 02 sl s.
        let rl = der[3] as usize;
        let int = |b: &[u8]| {
            let trimmed: Vec<u8> = b.iter().copied().skip_while(|x| *x == 0).collect();
            [vec![0; width - trimmed.len()], trimmed].concat()
        };
        let raw = [int(&der[4..4 + rl]), int(&der[6 + rl..])].concat();
        let bad = with_signature(token, &[ml, raw.as_slice()].concat());
        assert!(jws::verify(&public, &bad).is_err(), "{alg}");
        jws::verify(&public, token).unwrap();
    }
}

#[test]
fn round_trips_every_algorithm_and_encoding() {
    let mut n = 0;
    for alg in composites() {
        for enc in ENCODINGS {
            let key = SigningKey::generate_with_encoding(alg, enc).unwrap();
            assert_eq!(key.algorithm(), alg);
            let (pub_len, priv_len, max_sig) = sizes(alg, enc);

            // Sizes of the JWK members and the signature.
            let jwk = key.to_jwk().unwrap();
            let json: Value = serde_json::from_str(&jwk.to_json()).unwrap();
            assert_eq!(json["kty"], "AKP");
            assert_eq!(json["alg"], alg.as_str());
            assert_eq!(unb64(json["pub"].as_str().unwrap()).len(), pub_len);
            assert_eq!(unb64(json["priv"].as_str().unwrap()).len(), priv_len);

            for mode in [SigningMode::Hedged, SigningMode::Deterministic] {
                let key = SigningKey::from_jwk_with_encoding(&jwk, enc)
                    .unwrap()
                    .with_signing_mode(mode);
                let token = jws::sign_payload(&key, b"round trip").unwrap();
                let sig = signature_of(&token);
                assert!(sig.len() <= max_sig && sig.len() > ml_sig_len(alg));
                if enc == CompositeEncoding::Draft03 || !is_ecdsa(alg) {
                    assert_eq!(sig.len(), max_sig);
                }

                // Derived verifier, public JWK import, private JWK import.
                let derived = key.verifying_key().unwrap();
                assert_eq!(
                    jws::verify(&derived, &token).unwrap().payload(),
                    b"round trip"
                );
                let public_jwk = key.to_public_jwk().unwrap();
                assert!(!public_jwk.is_private());
                let imported = VerifyingKey::from_jwk_with_encoding(&public_jwk, enc).unwrap();
                assert_eq!(imported.kid(), key.kid());
                assert_eq!(imported.thumbprint().unwrap(), key.thumbprint().unwrap());
                jws::verify(&imported, &token).unwrap();
                jws::verify(
                    &VerifyingKey::from_jwk_with_encoding(&jwk, enc).unwrap(),
                    &token,
                )
                .unwrap();

                // The default constructors are the -04 encoding.
                if enc == CompositeEncoding::Draft04 {
                    jws::verify(&VerifyingKey::from_jwk(&public_jwk).unwrap(), &token).unwrap();
                } else if is_ecdsa(alg) {
                    assert!(VerifyingKey::from_jwk(&public_jwk).is_err());
                    assert!(SigningKey::from_jwk(&jwk).is_err());
                }
                n += 1;
            }

            // Deterministic mode is deterministic in both halves.
            let det = SigningKey::from_jwk_with_encoding(&jwk, enc)
                .unwrap()
                .with_signing_mode(SigningMode::Deterministic);
            assert_eq!(
                jws::sign_payload(&det, b"same").unwrap(),
                jws::sign_payload(&det, b"same").unwrap()
            );

            // PKCS#8 and SPKI carry the LAMPS (= -04) encodings whatever the key's JOSE
            // encoding: the same key, read back as a -04 key.
            let again = SigningKey::from_pkcs8_der(alg, &key.to_pkcs8_der().unwrap()).unwrap();
            let spki = key.verifying_key().unwrap().to_spki_der().unwrap();
            let public = VerifyingKey::from_spki_der(alg, &spki).unwrap();
            let token = jws::sign_payload(&again, b"pkcs8").unwrap();
            jws::verify(&public, &token).unwrap();
            if enc == CompositeEncoding::Draft04 {
                assert_eq!(again.to_jwk().unwrap(), key.to_jwk().unwrap());
                assert_eq!(public.kid(), key.kid());
            } else if is_ecdsa(alg) {
                assert!(jws::verify(&key.verifying_key().unwrap(), &token).is_err());
            }
        }
    }
    eprintln!("composite round trips: {n} cases, {n} agree");
    assert_eq!(n, 6 * 2 * 2);
}

#[test]
fn only_one_valid_half_is_rejected() {
    let mut n = 0;
    for alg in composites() {
        for enc in ENCODINGS {
            let key = SigningKey::generate_with_encoding(alg, enc).unwrap();
            let public = key.verifying_key().unwrap();
            let split = ml_sig_len(alg);

            let token = jws::sign_payload(&key, b"the real message").unwrap();
            let other = jws::sign_payload(&key, b"another message").unwrap();
            let (ml, trad) = {
                let s = signature_of(&token);
                (s[..split].to_vec(), s[split..].to_vec())
            };
            let (ml_other, trad_other) = {
                let s = signature_of(&other);
                (s[..split].to_vec(), s[split..].to_vec())
            };

            // Only the ML-DSA half is over this token.
            let only_ml = [ml.as_slice(), trad_other.as_slice()].concat();
            // Only the traditional half is over this token.
            let only_trad = [ml_other.as_slice(), trad.as_slice()].concat();
            for sig in [&only_ml, &only_trad] {
                assert_eq!(
                    jws::verify(&public, &with_signature(&token, sig)),
                    Err(Error::InvalidSignature),
                    "{alg} {enc:?}"
                );
            }
            // Zeroing either half.
            let zero_ml = [vec![0u8; split], trad.clone()].concat();
            assert_eq!(
                jws::verify(&public, &with_signature(&token, &zero_ml)),
                Err(Error::InvalidSignature)
            );
            let zero_trad = [ml.clone(), vec![0u8; trad.len()]].concat();
            assert!(jws::verify(&public, &with_signature(&token, &zero_trad)).is_err());
            // The untouched signature still verifies.
            jws::verify(&public, &token).unwrap();
            n += 1;
        }
    }
    eprintln!("composite half-valid signatures: {n} cases, {n} rejected");
}

#[test]
fn halves_swapped_between_keys_are_rejected() {
    let mut n = 0;
    for alg in composites() {
        for enc in ENCODINGS {
            let a = SigningKey::generate_with_encoding(alg, enc).unwrap();
            let b = SigningKey::generate_with_encoding(alg, enc).unwrap();
            let split = ml_sig_len(alg);
            // Same header (no kid) and payload, so both sign the same input.
            let header = pqjose::Header::new(alg);
            let ta = jws::sign(&a, &header, b"payload").unwrap();
            let tb = jws::sign(&b, &header, b"payload").unwrap();
            assert_eq!(
                ta.rsplit_once('.').unwrap().0,
                tb.rsplit_once('.').unwrap().0
            );
            let (sa, sb) = (signature_of(&ta), signature_of(&tb));
            let ml_a_trad_b = [&sa[..split], &sb[split..]].concat();
            let ml_b_trad_a = [&sb[..split], &sa[split..]].concat();
            for key in [&a, &b] {
                let public = key.verifying_key().unwrap();
                for sig in [&ml_a_trad_b, &ml_b_trad_a] {
                    assert_eq!(
                        jws::verify(&public, &with_signature(&ta, sig)),
                        Err(Error::InvalidSignature),
                        "{alg} {enc:?}"
                    );
                }
            }

            // A private JWK whose pub mixes the two keys' halves is a mismatch.
            let ja = a.to_jwk().unwrap();
            let jb = b.to_jwk().unwrap();
            let json_a: Value = serde_json::from_str(&ja.to_json()).unwrap();
            let json_b: Value = serde_json::from_str(&jb.to_json()).unwrap();
            let pub_a = unb64(json_a["pub"].as_str().unwrap());
            let pub_b = unb64(json_b["pub"].as_str().unwrap());
            let ml_pk = pub_a.len() - trad_pub_len(alg, enc);
            for mixed in [
                [&pub_a[..ml_pk], &pub_b[ml_pk..]].concat(),
                [&pub_b[..ml_pk], &pub_a[ml_pk..]].concat(),
            ] {
                let mut tampered = json_a.clone();
                tampered["pub"] = Value::String(b64(&mixed));
                let tampered = Jwk::from_json(&tampered.to_string()).unwrap();
                assert_eq!(
                    SigningKey::from_jwk_with_encoding(&tampered, enc).map(|_| ()),
                    Err(Error::Key(KeyError::Mismatch))
                );
            }
            n += 1;
        }
    }
    eprintln!("composite swapped halves: {n} cases, {n} rejected");
}

fn trad_pub_len(alg: Algorithm, enc: CompositeEncoding) -> usize {
    use Algorithm::*;
    let draft04 = usize::from(enc == CompositeEncoding::Draft04);
    match alg {
        MlDsa44Es256 | MlDsa65Es256 => 64 + draft04,
        MlDsa87Es384 => 96 + draft04,
        MlDsa44Ed25519 | MlDsa65Ed25519 => 32,
        _ => 57,
    }
}

#[test]
fn wrong_total_lengths_are_rejected() {
    let mut n = 0;
    for alg in composites() {
        for enc in ENCODINGS {
            let key = SigningKey::generate_with_encoding(alg, enc).unwrap();
            let public = key.verifying_key().unwrap();
            let token = jws::sign_payload(&key, b"length").unwrap();
            let sig = signature_of(&token);
            let split = ml_sig_len(alg);
            let fixed = enc == CompositeEncoding::Draft03 || !is_ecdsa(alg);
            let mut cases: Vec<Vec<u8>> = vec![
                Vec::new(),
                sig[..split].to_vec(),
                sig[..split - 1].to_vec(),
                sig[..sig.len() - 1].to_vec(),
                [sig.as_slice(), &[0]].concat(),
                [sig.as_slice(), &sig[split..]].concat(),
                vec![0; alg.max_signature_len() + 1],
            ];
            cases.push(sig[1..].to_vec());
            for bad in &cases {
                let result = jws::verify(&public, &with_signature(&token, bad));
                assert!(result.is_err(), "{alg} {enc:?} length {}", bad.len());
                if fixed || bad.len() <= split || bad.len() > alg.max_signature_len() {
                    assert_eq!(
                        result,
                        Err(Error::Format(FormatError::SignatureLength)),
                        "{alg} {enc:?} length {}",
                        bad.len()
                    );
                }
            }
            n += cases.len();
        }
    }
    eprintln!("composite wrong lengths: {n} cases, {n} rejected");
}

#[test]
fn malformed_keys_are_rejected() {
    for alg in composites() {
        let key = SigningKey::generate(alg).unwrap();
        let json: Value = serde_json::from_str(&key.to_jwk().unwrap().to_json()).unwrap();
        let pub_ = unb64(json["pub"].as_str().unwrap());
        let priv_ = unb64(json["priv"].as_str().unwrap());
        let with = |member: &str, bytes: &[u8]| {
            let mut j = json.clone();
            j[member] = Value::String(b64(bytes));
            Jwk::from_json(&j.to_string()).unwrap()
        };
        // Truncated or extended members.
        for bad in [
            &pub_[..pub_.len() - 1],
            &[pub_.as_slice(), &[0]].concat()[..],
        ] {
            assert!(VerifyingKey::from_jwk(&with("pub", bad)).is_err(), "{alg}");
            assert!(SigningKey::from_jwk(&with("pub", bad)).is_err(), "{alg}");
        }
        for bad in [
            &priv_[..priv_.len() - 1],
            &[priv_.as_slice(), &[0]].concat()[..],
            &priv_[..32],
        ] {
            assert!(SigningKey::from_jwk(&with("priv", bad)).is_err(), "{alg}");
        }
        // A different ML-DSA seed or traditional key than pub describes.
        let mut other_seed = priv_.clone();
        other_seed[0] ^= 1;
        assert_eq!(
            SigningKey::from_jwk(&with("priv", &other_seed)).map(|_| ()),
            Err(Error::Key(KeyError::Mismatch))
        );
        let mut other_trad = priv_.clone();
        // Inside d (after the ECPrivateKey framing) for ECDSA, the last byte for EdDSA.
        let pos = if is_ecdsa(alg) {
            32 + 7 + 1
        } else {
            priv_.len() - 1
        };
        other_trad[pos] ^= 1;
        assert_eq!(
            SigningKey::from_jwk(&with("priv", &other_trad)).map(|_| ()),
            Err(Error::Key(KeyError::Mismatch))
        );
        // A composite key cannot be bound to another algorithm.
        let other = if alg == Algorithm::MlDsa44Es256 {
            Algorithm::MlDsa44Ed25519
        } else {
            Algorithm::MlDsa44Es256
        };
        assert!(VerifyingKey::from_jwk_with_alg(&key.to_public_jwk().unwrap(), other).is_err());
        // Without priv it is not a signing key.
        assert_eq!(
            SigningKey::from_jwk(&key.to_public_jwk().unwrap()).map(|_| ()),
            Err(Error::Key(KeyError::NotPrivate))
        );
    }
}

#[test]
fn header_alg_must_match_the_key() {
    // (Signed with the shorter-signature algorithm: a signature longer than any of the key's
    // algorithm is refused by length before the header is read.)
    let a = SigningKey::generate(Algorithm::MlDsa44Ed25519).unwrap();
    let b = SigningKey::generate(Algorithm::MlDsa44Es256).unwrap();
    let token = jws::sign_payload(&a, b"x").unwrap();
    let result = jws::verify(&b.verifying_key().unwrap(), &token);
    assert!(matches!(result, Err(Error::Algorithm(_))), "{result:?}");
}

#[test]
fn debug_shows_no_secret() {
    for alg in composites() {
        for enc in ENCODINGS {
            let key = SigningKey::generate_with_encoding(alg, enc).unwrap();
            let jwk = key.to_jwk().unwrap();
            let json: Value = serde_json::from_str(&jwk.to_json()).unwrap();
            let priv_b64 = json["priv"].as_str().unwrap().to_owned();
            let priv_bytes = unb64(&priv_b64);
            let seed_hex = hex::encode(&priv_bytes[..32]);
            let trad_hex = hex::encode(&priv_bytes[32..]);
            let public = key.verifying_key().unwrap();
            let printed = [
                format!("{key:?}"),
                format!("{key:#?}"),
                format!("{jwk:?}"),
                format!("{jwk:#?}"),
                format!("{public:?}"),
            ];
            for text in &printed {
                for secret in [&priv_b64[..16], &priv_b64[priv_b64.len() - 16..]] {
                    assert!(!text.contains(secret), "{alg}: {text}");
                }
                assert!(!text.contains(&seed_hex[..16]) && !text.contains(&trad_hex[..16]));
                assert!(!text.contains("priv\":"));
            }
        }
    }
}

#[test]
fn composite_only_validation_preset() {
    use pqjose::{AlgorithmError, CustomClaims, TokenBuilder, Validation};
    let validation = Validation::composite_only();
    let mut n = 0;
    for alg in Algorithm::ALL.iter().copied().filter(|a| {
        a.is_composite()
            || matches!(
                a,
                Algorithm::MlDsa65 | Algorithm::Es256 | Algorithm::Ed25519
            )
    }) {
        let key = SigningKey::generate(alg).unwrap();
        let token = TokenBuilder::new()
            .ttl(std::time::Duration::from_secs(60))
            .sign(&key)
            .unwrap();
        let result = validation.verify::<CustomClaims>(&token, &key.verifying_key().unwrap());
        if alg.is_composite() {
            assert_eq!(result.unwrap().algorithm(), alg);
        } else {
            assert_eq!(
                result.map(|_| ()),
                Err(Error::Algorithm(AlgorithmError::NotAllowed(alg)))
            );
        }
        n += 1;
    }
    eprintln!("composite-only validation: {n} cases, {n} agree");
}
