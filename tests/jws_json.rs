//! JWS JSON serialization (RFC 7515 §7.2): flattened and general forms, several signatures on
//! one payload, the three verification rules, unprotected headers and limits.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use pqjose::jws::{self, Limits, SignatureRule};
use pqjose::{
    Algorithm, AlgorithmError, AlgorithmPolicy, Error, FormatError, Header, JwsSigner, JwsVerifier,
    SigningKey, VerifyingKey,
};
use serde_json::{Value, json};

const PAYLOAD: &[u8] = b"{\"sub\":\"agent-7\"}";

fn keypair(alg: Algorithm, kid: &str) -> (SigningKey, VerifyingKey) {
    let key = SigningKey::generate(alg).unwrap().with_kid(kid).unwrap();
    let public = key.verifying_key().unwrap();
    (key, public)
}

fn b64(bytes: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(bytes)
}

fn pq_only() -> SignatureRule {
    SignatureRule::AnyAllowed {
        policy: AlgorithmPolicy::PqcOnly,
        algorithms: Vec::new(),
    }
}

#[test]
fn flattened_round_trip_and_compact_equivalence() {
    let (key, public) = keypair(Algorithm::MlDsa44, "ml");
    let text = jws::sign_payload_json(&[&key], PAYLOAD).unwrap();
    assert!(jws::is_json_serialization(&text));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert!(doc.get("signatures").is_none(), "one key: flattened");
    assert!(doc["protected"].is_string() && doc["signature"].is_string());
    let verified = jws::verify_json(&[&public], &text, &SignatureRule::AnyValid).unwrap();
    assert_eq!(verified.payload(), PAYLOAD);
    assert_eq!(verified.signature_count(), 1);
    assert_eq!(verified.verified()[0].kid(), Some("ml"));
    assert_eq!(verified.verified()[0].header().alg(), Algorithm::MlDsa44);

    // The flattened members make a compact JWS that verifies the same way.
    let compact = format!(
        "{}.{}.{}",
        doc["protected"].as_str().unwrap(),
        doc["payload"].as_str().unwrap(),
        doc["signature"].as_str().unwrap()
    );
    assert!(!jws::is_json_serialization(&compact));
    assert_eq!(jws::verify(&public, &compact).unwrap().payload(), PAYLOAD);
}

#[test]
fn general_form_with_classical_and_post_quantum_signatures() {
    let (ec, ec_pub) = keypair(Algorithm::Es256, "ec");
    let (ml, ml_pub) = keypair(Algorithm::MlDsa65, "ml");
    let (hy, hy_pub) = keypair(Algorithm::MlDsa44Es256, "hy");
    let text = jws::sign_payload_json(&[&ec, &ml, &hy], PAYLOAD).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["signatures"].as_array().unwrap().len(), 3);
    assert!(doc.get("signature").is_none());

    let all_keys: [&dyn JwsVerifier; 3] = [&ec_pub, &ml_pub, &hy_pub];
    // Any valid: the first one that verifies.
    let v = jws::verify_json(&all_keys, &text, &SignatureRule::AnyValid).unwrap();
    assert_eq!(v.verified().len(), 1);
    assert_eq!(v.signature_count(), 3);
    // All valid: every one, each with its own key.
    let v = jws::verify_json(&all_keys, &text, &SignatureRule::AllValid).unwrap();
    let algs: Vec<Algorithm> = v.verified().iter().map(|s| s.algorithm()).collect();
    assert_eq!(
        algs,
        [
            Algorithm::Es256,
            Algorithm::MlDsa65,
            Algorithm::MlDsa44Es256
        ]
    );
    // All valid fails when a key is missing for one signature.
    assert_eq!(
        jws::verify_json(&[&ec_pub, &ml_pub], &text, &SignatureRule::AllValid).map(drop),
        Err(Error::KeyNotFound)
    );
    // The migration case: require a pure post-quantum signature, ignore the rest.
    let v = jws::verify_json(&all_keys, &text, &pq_only()).unwrap();
    assert_eq!(v.verified().len(), 1);
    assert_eq!(v.verified()[0].algorithm(), Algorithm::MlDsa65);
    assert_eq!(v.verified()[0].index(), 1);
    // Only the classical key: the policy refuses its signature, so nothing is accepted.
    assert_eq!(
        jws::verify_json(&[&ec_pub], &text, &pq_only()).map(drop),
        Err(Error::KeyNotFound)
    );
    // A classical-only document under the PQ rule names the algorithm that was not allowed.
    let classical = jws::sign_payload_json(&[&ec], PAYLOAD).unwrap();
    assert_eq!(
        jws::verify_json(&all_keys, &classical, &pq_only()).map(drop),
        Err(AlgorithmError::NotAllowed(Algorithm::Es256).into())
    );
    // An explicit allow-list on top of the policy.
    let composite = SignatureRule::AnyAllowed {
        policy: AlgorithmPolicy::HybridOrPqc,
        algorithms: vec![Algorithm::MlDsa44Es256],
    };
    let v = jws::verify_json(&all_keys, &text, &composite).unwrap();
    assert_eq!(v.verified()[0].algorithm(), Algorithm::MlDsa44Es256);
}

/// Replace member `name` of signature `i` (general form) with `value`.
fn tamper(text: &str, i: usize, name: &str, value: Value) -> String {
    let mut doc: Value = serde_json::from_str(text).unwrap();
    doc["signatures"][i][name] = value;
    doc.to_string()
}

#[test]
fn a_bad_signature_counts_only_where_the_rule_says() {
    let (ec, ec_pub) = keypair(Algorithm::Es256, "ec");
    let (ml, ml_pub) = keypair(Algorithm::MlDsa44, "ml");
    let text = jws::sign_payload_json(&[&ec, &ml], PAYLOAD).unwrap();
    let keys: [&dyn JwsVerifier; 2] = [&ec_pub, &ml_pub];
    let doc: Value = serde_json::from_str(&text).unwrap();
    // Break the classical signature (another valid-looking signature over other bytes).
    let other = jws::sign_payload_json(&[&ec], b"other").unwrap();
    let other: Value = serde_json::from_str(&other).unwrap();
    let broken = tamper(&text, 0, "signature", other["signature"].clone());
    jws::verify_json(&keys, &broken, &SignatureRule::AnyValid).unwrap();
    jws::verify_json(&keys, &broken, &pq_only()).unwrap();
    assert_eq!(
        jws::verify_json(&keys, &broken, &SignatureRule::AllValid).map(drop),
        Err(Error::InvalidSignature)
    );
    // Break the post-quantum one: the PQ rule refuses even though ES256 verifies.
    let mut sig = doc["signatures"][1]["signature"]
        .as_str()
        .unwrap()
        .to_owned();
    sig.replace_range(10..11, if &sig[10..11] == "A" { "B" } else { "A" });
    let broken = tamper(&text, 1, "signature", Value::String(sig));
    jws::verify_json(&keys, &broken, &SignatureRule::AnyValid).unwrap();
    assert_eq!(
        jws::verify_json(&keys, &broken, &pq_only()).map(drop),
        Err(Error::InvalidSignature)
    );
    // The payload is shared: changing it breaks every signature.
    let mut doc2 = doc.clone();
    doc2["payload"] = Value::String(b64(b"{\"sub\":\"mallory\"}"));
    assert_eq!(
        jws::verify_json(&keys, &doc2.to_string(), &SignatureRule::AnyValid).map(drop),
        Err(Error::InvalidSignature)
    );
}

#[test]
fn unprotected_headers_are_never_trusted_for_alg() {
    let (ml, ml_pub) = keypair(Algorithm::MlDsa44, "ml");
    let (ec, ec_pub) = keypair(Algorithm::Es256, "ec");
    let keys: [&dyn JwsVerifier; 2] = [&ml_pub, &ec_pub];
    let text = jws::sign_payload_json(&[&ec, &ml], PAYLOAD).unwrap();
    let unprotected = |i: usize, h: Value| tamper(&text, i, "header", h);
    for bad in [
        json!({"alg": "ML-DSA-44"}),
        json!({"alg": "ES256"}),
        json!({"crit": ["exp"]}),
        json!({"b64": false}),
        json!({"jwk": {"kty": "EC"}}),
        json!({"kid": "ml"}), // repeats the protected kid
    ] {
        let doc = unprotected(1, bad.clone());
        assert_eq!(
            jws::verify_json(&keys, &doc, &pq_only()).map(drop),
            Err(FormatError::UnprotectedHeader.into()),
            "{bad}"
        );
        assert!(jws::verify_json(&keys, &doc, &SignatureRule::AllValid).is_err());
        // The other, untouched signature still satisfies "any valid".
        jws::verify_json(&keys, &doc, &SignatureRule::AnyValid).unwrap();
    }
    // A harmless unprotected member is allowed.
    let doc = unprotected(1, json!({"note": "x"}));
    jws::verify_json(&keys, &doc, &SignatureRule::AllValid).unwrap();

    // Without a protected header there is no protected alg: refused.
    let mut d: Value = serde_json::from_str(&text).unwrap();
    d["signatures"][1]
        .as_object_mut()
        .unwrap()
        .remove("protected");
    d["signatures"][1]["header"] = json!({"alg": "ML-DSA-44", "kid": "ml"});
    assert_eq!(
        jws::verify_json(&keys, &d.to_string(), &pq_only()).map(drop),
        Err(FormatError::UnprotectedHeader.into())
    );

    // An unprotected kid only selects a key.
    let header = Header::new(Algorithm::MlDsa44);
    let flat = jws::sign_flattened(&ml, &header, PAYLOAD).unwrap();
    let mut d: Value = serde_json::from_str(&flat).unwrap();
    d["header"] = json!({"kid": "ml"});
    let v = jws::verify_json(&keys, &d.to_string(), &SignatureRule::AnyValid).unwrap();
    assert_eq!(v.verified()[0].kid(), Some("ml"));
    d["header"] = json!({"kid": "ec"});
    assert_eq!(
        jws::verify_json(&keys, &d.to_string(), &SignatureRule::AnyValid).map(drop),
        Err(Error::KeyNotFound)
    );
}

#[test]
fn structure_and_limits() {
    let (ml, ml_pub) = keypair(Algorithm::MlDsa44, "ml");
    let keys: [&dyn JwsVerifier; 1] = [&ml_pub];
    let any = SignatureRule::AnyValid;
    let flat: Value =
        serde_json::from_str(&jws::sign_payload_json(&[&ml], PAYLOAD).unwrap()).unwrap();
    let malformed = |v: Value| jws::verify_json(&keys, &v.to_string(), &any).map(drop);
    assert_eq!(
        jws::verify_json(&keys, "[]", &any).map(drop),
        Err(FormatError::JwsJson.into())
    );
    assert_eq!(
        jws::verify_json(&keys, "{\"payload\":\"e30\",\"payload\":\"e30\"}", &any).map(drop),
        Err(FormatError::DuplicateMember.into())
    );
    let mut no_payload = flat.clone();
    no_payload.as_object_mut().unwrap().remove("payload");
    assert_eq!(malformed(no_payload), Err(FormatError::JwsJson.into()));
    assert_eq!(
        malformed(json!({"payload": "e30", "signatures": []})),
        Err(FormatError::JwsJson.into())
    );
    // Flattened members beside `signatures`.
    let mut mixed = flat.clone();
    mixed["signatures"] = json!([{"protected": flat["protected"], "signature": flat["signature"]}]);
    assert_eq!(malformed(mixed), Err(FormatError::JwsJson.into()));

    // The signature count is checked before any signature is verified: nine copies of a
    // signature that would not verify are refused by count.
    let junk = json!({"protected": flat["protected"], "signature": "AAAA"});
    let many = json!({"payload": flat["payload"], "signatures": vec![junk.clone(); 9]});
    assert_eq!(
        malformed(many.clone()),
        Err(FormatError::TooManySignatures.into())
    );
    let limits = Limits::new().max_signatures(9);
    assert_eq!(
        jws::verify_json_with_limits(&keys, &many.to_string(), &any, &limits).map(drop),
        Err(FormatError::SignatureLength.into())
    );
    // The setting is clamped to 1..=64.
    assert_eq!(Limits::new().max_signatures(0).signatures(), 1);
    assert_eq!(
        Limits::new().max_signatures(1000).signatures(),
        Limits::MAX_SIGNATURES
    );
    // Oversized documents are refused before parsing.
    let huge = format!("{{\"payload\":\"{}\"}}", "A".repeat(5_000_000));
    assert_eq!(
        jws::verify_json(&keys, &huge, &any).map(drop),
        Err(FormatError::TooLarge.into())
    );
    // No keys: nothing can verify.
    assert_eq!(
        jws::verify_json(&[], &flat.to_string(), &any).map(drop),
        Err(Error::KeyNotFound)
    );

    // Signing: at least one and at most MAX_SIGNATURES signers; the header alg must match.
    assert_eq!(
        jws::sign_payload_json(&[], PAYLOAD).map(drop),
        Err(FormatError::JwsJson.into())
    );
    let too_many: Vec<&dyn JwsSigner> = vec![&ml; Limits::MAX_SIGNATURES + 1];
    assert_eq!(
        jws::sign_payload_json(&too_many, PAYLOAD).map(drop),
        Err(FormatError::TooManySignatures.into())
    );
    assert!(jws::sign_flattened(&ml, &Header::new(Algorithm::MlDsa65), PAYLOAD).is_err());
}

#[test]
fn jwt_in_the_json_serialization_through_validation() {
    use pqjose::{CustomClaims, TokenBuilder, Validation};
    let (ec, ec_pub) = keypair(Algorithm::Es256, "ec");
    let (pq, pq_pub) = keypair(Algorithm::MlDsa44, "pq");
    let builder = TokenBuilder::new().issuer("iss-1").claim("task", "t-9");
    let text = builder.sign_json(&[&ec, &pq]).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["signatures"].as_array().unwrap().len(), 2);
    let flat = builder.sign_json(&[&pq]).unwrap();
    assert!(serde_json::from_str::<Value>(&flat).unwrap()["protected"].is_string());

    // pqc: the ML-DSA signature is required and the ES256 one ignored.
    let v = Validation::pqc_only().issuer("iss-1");
    let ok = v
        .verify_json::<CustomClaims>(&text, &[&ec_pub, &pq_pub])
        .unwrap();
    assert_eq!(ok.algorithm(), Algorithm::MlDsa44);
    assert_eq!(ok.kid(), Some("pq"));
    assert_eq!(ok.header().typ(), Some("JWT"));
    assert_eq!(ok.custom()["task"], "t-9");
    assert!(matches!(
        v.verify_json::<CustomClaims>(&text, &[&ec_pub]),
        Err(Error::Algorithm(AlgorithmError::NotAllowed(
            Algorithm::Es256
        )))
    ));
    // The default policy accepts the classical signature alone; claims are still checked.
    Validation::new()
        .issuer("iss-1")
        .verify_json::<CustomClaims>(&text, &[&ec_pub])
        .unwrap();
    assert!(matches!(
        Validation::new()
            .issuer("someone-else")
            .verify_json::<CustomClaims>(&text, &[&ec_pub, &pq_pub]),
        Err(Error::Claims(_))
    ));
    // An explicit allow-list narrows the rule the same way.
    Validation::new()
        .issuer("iss-1")
        .algorithms([Algorithm::MlDsa44])
        .verify_json::<CustomClaims>(&text, &[&ec_pub, &pq_pub])
        .unwrap();
}
