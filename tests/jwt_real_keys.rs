//! The JWT flow with pqjose's own keys (ML-DSA-65, Ed25519, ES256, HS256): build, publish the
//! JWK Set, import it, verify.

mod jwt_support;

use jwt_support::*;
use pqjose::{
    Algorithm, AlgorithmError, CustomClaims, Error, JwkSet, KeyError, KeySet, SigningKey,
    VerifyingKey,
};

#[test]
fn backends_are_present() {
    for &alg in REAL_ALGS {
        assert!(backend_available(alg), "{alg} backend missing");
    }
}

#[test]
fn build_and_verify_with_every_real_algorithm() {
    let v = validation()
        .issuer("https://issuer.example")
        .audience("https://gateway.example");
    for &alg in REAL_ALGS {
        let sk = SigningKey::generate(alg).unwrap();
        let vk = sk.verifying_key().unwrap();
        let token = builder()
            .issuer("https://issuer.example")
            .audience("https://gateway.example")
            .subject("agent-7")
            .claim("task", "t-42")
            .typ("at+jwt")
            .sign(&sk)
            .unwrap();
        let verified = v.verify::<CustomClaims>(&token, &vk).unwrap();
        assert_eq!(verified.algorithm(), alg);
        assert_eq!(verified.kid(), Some(sk.kid()));
        assert_eq!(verified.header().kid(), Some(sk.kid()));
        assert_eq!(verified.custom()["task"], "t-42");
        // Another key of the same algorithm refuses it.
        let other = SigningKey::generate(alg).unwrap().verifying_key().unwrap();
        assert_eq!(
            v.verify::<CustomClaims>(&token, &other).map(drop),
            Err(Error::InvalidSignature),
            "{alg}"
        );
        eprintln!("{alg}: token {} bytes", token.len());
    }
}

#[test]
fn jwk_set_publish_import_verify() {
    let issuer_keys: Vec<SigningKey> = [Algorithm::MlDsa65, Algorithm::Ed25519, Algorithm::Es256]
        .into_iter()
        .map(|a| SigningKey::generate(a).unwrap())
        .collect();
    let published =
        KeySet::from_keys(issuer_keys.iter().map(|k| k.verifying_key().unwrap())).unwrap();
    let hmac = SigningKey::generate(Algorithm::Hs256).unwrap();
    published.add(hmac.verifying_key().unwrap()).unwrap();
    // The HMAC secret is never published.
    let jwks = published.to_public_jwk_set();
    assert_eq!(jwks.keys().len(), 3);
    let json = jwks.to_json();
    assert!(!json.contains("\"k\""));
    assert!(!json.contains("\"d\""));
    assert!(!json.contains("\"priv\""));

    // A gateway imports it; a symmetric key and junk in the document are skipped and reported.
    let mut doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let keys = doc["keys"].as_array_mut().unwrap();
    keys.push(serde_json::json!({"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0cw","alg":"HS256","kid":"sym"}));
    keys.push(serde_json::json!({"kty":"XYZ","kid":"odd"}));
    keys.push(serde_json::json!({"kty":"AKP","alg":"ML-DSA-65","pub":"AAAA","kid":"short"}));
    let (gateway, skipped) = KeySet::from_jwk_set_json(&doc.to_string()).unwrap();
    assert_eq!(gateway.len(), 3);
    let mut reported: Vec<(usize, Option<String>)> =
        skipped.iter().map(|s| (s.index, s.kid.clone())).collect();
    reported.sort();
    assert_eq!(
        reported,
        [
            (3, Some("sym".into())),
            (4, Some("odd".into())),
            (5, Some("short".into()))
        ]
    );
    assert_eq!(skipped[0].reason, KeyError::NoPublicForm.into());

    let v = validation();
    for k in &issuer_keys {
        let token = builder().sign(k).unwrap();
        let verified = v
            .verify_with_keys::<CustomClaims>(&token, &gateway)
            .unwrap();
        assert_eq!(verified.kid(), Some(k.kid()));
    }
    // The HMAC key is not in the gateway's set: its tokens are refused, and a forged HS256
    // token under a public key's kid is the wrong algorithm for that key.
    let token = builder().sign(&hmac).unwrap();
    assert_eq!(
        v.verify_with_keys::<CustomClaims>(&token, &gateway)
            .map(drop),
        Err(Error::KeyNotFound)
    );
    // Re-export from the gateway gives the same keys.
    let again = JwkSet::from_json(&gateway.to_public_jwk_set().to_json()).unwrap();
    assert_eq!(again.keys().len(), 3);
}

#[test]
fn hs256_with_the_public_jwk_text_as_secret_is_refused() {
    let v = validation();
    for alg in [Algorithm::Es256, Algorithm::MlDsa65, Algorithm::Ed25519] {
        let sk = SigningKey::generate(alg).unwrap();
        let vk = sk.verifying_key().unwrap();
        let jwk_text = vk.to_jwk().unwrap().to_json();
        // The attacker's HS256 key is the public JWK text (long enough for HS256).
        let forged_key = SigningKey::from_hmac_secret(Algorithm::Hs256, jwk_text.as_bytes())
            .unwrap()
            .with_kid(sk.kid())
            .unwrap();
        let token = builder().sign(&forged_key).unwrap();
        let expected = Err(AlgorithmError::Mismatch {
            expected: alg,
            found: Algorithm::Hs256,
        }
        .into());
        assert_eq!(v.verify::<CustomClaims>(&token, &vk).map(drop), expected);
        let reloaded = VerifyingKey::from_jwk_json(&jwk_text).unwrap();
        assert_eq!(
            v.verify::<CustomClaims>(&token, &reloaded).map(drop),
            expected
        );
        let set = KeySet::from_keys([vk]).unwrap();
        assert_eq!(
            v.verify_with_keys::<CustomClaims>(&token, &set).map(drop),
            expected
        );
    }
}

#[test]
fn eddsa_header_alias_verifies_with_an_ed25519_key() {
    let sk = SigningKey::generate(Algorithm::Ed25519).unwrap();
    let header = format!(r#"{{"alg":"EdDSA","kid":"{}"}}"#, sk.kid());
    let token = forge(&sk, &header, payload("").as_bytes());
    let v = validation();
    let vk = sk.verifying_key().unwrap();
    assert!(v.verify::<CustomClaims>(&token, &vk).is_ok());
    assert!(
        v.verify_with_keys::<CustomClaims>(&token, &KeySet::from_keys([vk]).unwrap())
            .is_ok()
    );
}
