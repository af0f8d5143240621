//! JWK `use` and `key_ops` (RFC 7517 §4.2, §4.3) are honoured (issue 14): a key marked for
//! encryption never verifies a signature, a signature key never decrypts, and a JWK Set that
//! mixes both gives each key set its own keys and nothing else.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use pqjose::jwe::{self, DecryptionKey, DecryptionKeySet, EncryptionKey, KeyManagement};
use pqjose::{
    Algorithm, CustomClaims, Error, JweError, Jwk, JwkSet, KeyError, KeySet, SigningKey,
    TokenBuilder, Validation, VerifyingKey,
};
use serde_json::{Value, json};

/// `jwk` with its members changed (`null` removes one).
fn with(jwk: &Jwk, members: Value) -> Jwk {
    let mut v: Value = serde_json::from_str(&jwk.to_json()).unwrap();
    for (k, m) in members.as_object().unwrap() {
        if m.is_null() {
            v.as_object_mut().unwrap().remove(k);
        } else {
            v[k] = m.clone();
        }
    }
    Jwk::from_json(&v.to_string()).unwrap()
}

fn signing(alg: Algorithm, kid: &str) -> SigningKey {
    SigningKey::generate(alg).unwrap().with_kid(kid).unwrap()
}

fn decryption(alg: KeyManagement, kid: &str) -> DecryptionKey {
    DecryptionKey::generate(alg).unwrap().with_kid(kid).unwrap()
}

const KEY_USE: Error = Error::Key(KeyError::KeyUse);

#[test]
fn verifying_keys_honour_use_and_key_ops() {
    let key = signing(Algorithm::MlDsa44, "s");
    let public = key.to_public_jwk().unwrap();
    for ok in [
        json!({}),
        json!({"use": "sig"}),
        json!({"key_ops": ["verify"]}),
        json!({"use": "sig", "key_ops": ["sign", "verify"]}),
    ] {
        let jwk = with(&public, ok.clone());
        VerifyingKey::from_jwk(&jwk).unwrap_or_else(|e| panic!("{ok}: {e}"));
        VerifyingKey::from_jwk_with_alg(&jwk, Algorithm::MlDsa44).unwrap();
    }
    for refused in [
        json!({"use": "enc"}),
        json!({"use": "other"}),
        json!({"key_ops": ["sign"]}),
        json!({"key_ops": ["encrypt", "wrapKey"]}),
        json!({"key_ops": []}),
        json!({"use": "sig", "key_ops": ["sign"]}),
    ] {
        let jwk = with(&public, refused.clone());
        assert_eq!(
            VerifyingKey::from_jwk(&jwk).unwrap_err(),
            KEY_USE,
            "{refused}"
        );
        assert_eq!(
            VerifyingKey::from_jwk_with_alg(&jwk, Algorithm::MlDsa44).unwrap_err(),
            KEY_USE
        );
    }
    assert_eq!(KEY_USE.code(), 802);
}

#[test]
fn signing_keys_honour_use_and_key_ops() {
    let private = signing(Algorithm::Ed25519, "s").to_jwk().unwrap();
    for ok in [
        json!({"use": "sig"}),
        json!({"key_ops": ["sign"]}),
        json!({"key_ops": ["verify", "sign"]}),
    ] {
        SigningKey::from_jwk(&with(&private, ok.clone())).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    for refused in [
        json!({"use": "enc"}),
        json!({"key_ops": ["verify"]}),
        json!({"key_ops": ["decrypt"]}),
    ] {
        let jwk = with(&private, refused.clone());
        assert_eq!(
            SigningKey::from_jwk(&jwk).unwrap_err(),
            KEY_USE,
            "{refused}"
        );
        assert_eq!(
            SigningKey::from_jwk_with_alg(&jwk, Algorithm::Ed25519).unwrap_err(),
            KEY_USE
        );
    }
}

#[test]
fn encryption_keys_honour_use_and_key_ops() {
    let key = decryption(KeyManagement::EcdhEs, "e");
    let private = key.to_jwk().unwrap();
    let public = key.to_public_jwk().unwrap();
    for ok in [
        json!({"use": "enc"}),
        json!({"use": null}),
        json!({"key_ops": ["deriveKey"]}),
        json!({"key_ops": ["decrypt", "unwrapKey"]}),
    ] {
        DecryptionKey::from_jwk(&with(&private, ok.clone()))
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    for ok in [json!({"use": "enc"}), json!({"key_ops": ["wrapKey"]})] {
        EncryptionKey::from_jwk(&with(&public, ok.clone())).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    for refused in [
        json!({"use": "sig"}),
        json!({"key_ops": ["sign", "verify"]}),
        json!({"key_ops": ["encrypt"]}),
    ] {
        let jwk = with(&private, refused.clone());
        assert_eq!(
            DecryptionKey::from_jwk(&jwk).unwrap_err(),
            KEY_USE,
            "{refused}"
        );
    }
    for refused in [
        json!({"use": "sig"}),
        json!({"key_ops": ["verify"]}),
        json!({"key_ops": ["decrypt"]}),
    ] {
        let jwk = with(&public, refused.clone());
        assert_eq!(
            EncryptionKey::from_jwk(&jwk).unwrap_err(),
            KEY_USE,
            "{refused}"
        );
    }
}

/// One JWK Set with signature keys, encryption keys and keys marked for the other purpose:
/// [`KeySet`] takes exactly the signature keys, [`DecryptionKeySet`] exactly the encryption
/// keys; each works, and neither can use a key of the other.
#[test]
fn a_mixed_jwk_set_serves_both_purposes_without_leaking() {
    let ml_dsa = signing(Algorithm::MlDsa65, "sig-ml-dsa");
    let ed = signing(Algorithm::Ed25519, "sig-ed");
    // A signature key whose JWK says "encryption only": never a verifier, never a decrypter.
    let es_marked_enc = signing(Algorithm::Es256, "es-marked-enc");
    let x_wing = decryption(KeyManagement::Hpke9, "enc-x-wing");
    let ecdh = decryption(KeyManagement::EcdhEs, "enc-ecdh");
    // An encryption key whose JWK says "signatures only": never a decrypter, never a verifier.
    let ecdh_marked_sig = decryption(KeyManagement::EcdhEs, "ecdh-marked-sig");

    let entries = [
        with(&ml_dsa.to_jwk().unwrap(), json!({"use": "sig"})),
        with(
            &ed.to_jwk().unwrap(),
            json!({"key_ops": ["sign", "verify"]}),
        ),
        with(&es_marked_enc.to_jwk().unwrap(), json!({"use": "enc"})),
        x_wing.to_jwk().unwrap(),
        with(
            &ecdh.to_jwk().unwrap(),
            json!({"use": null, "key_ops": ["deriveKey"]}),
        ),
        with(&ecdh_marked_sig.to_jwk().unwrap(), json!({"use": "sig"})),
    ];
    let mut set = JwkSet::new();
    for e in entries {
        set.push(e);
    }
    let text = set.to_json();

    let (verifiers, skipped) = KeySet::from_jwk_set_json(&text).unwrap();
    let mut kids: Vec<String> = verifiers.keys().into_iter().filter_map(|k| k.kid).collect();
    kids.sort();
    assert_eq!(kids, ["sig-ed", "sig-ml-dsa"]);
    let reasons: Vec<(usize, Error)> = skipped
        .iter()
        .map(|s| (s.index, s.reason.clone()))
        .collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    // ES256 marked enc: a signature algorithm, refused for its `use`.
    assert_eq!(reasons[0], (2, KEY_USE));
    // X-Wing without `use`, ECDH-ES marked sig: not signature algorithms at all.
    assert!(
        matches!(reasons[1], (3, Error::Algorithm(_))),
        "{reasons:?}"
    );
    assert!(
        matches!(reasons[3], (5, Error::Algorithm(_))),
        "{reasons:?}"
    );
    // ECDH-ES whose key_ops lack verify.
    assert_eq!(reasons[2], (4, KEY_USE));

    let (decrypters, skipped) = DecryptionKeySet::from_jwk_set_json(&text).unwrap();
    let mut kids: Vec<&str> = decrypters.keys().iter().map(DecryptionKey::kid).collect();
    kids.sort_unstable();
    assert_eq!(kids, ["enc-ecdh", "enc-x-wing"]);
    let reasons: Vec<(usize, Error)> = skipped
        .iter()
        .map(|s| (s.index, s.reason.clone()))
        .collect();
    // ES256 marked enc has `use` right but a signature `alg`: not an encryption key either.
    assert_eq!(
        reasons,
        [
            (0, KEY_USE),
            (1, KEY_USE),
            (2, Error::Jwe(JweError::KeyMismatch)),
            (5, KEY_USE),
        ]
    );

    // Each set does its job.
    let v = Validation::new();
    for key in [&ml_dsa, &ed] {
        let token = TokenBuilder::new().sign(key).unwrap();
        v.verify_with_keys::<CustomClaims>(&token, &verifiers)
            .unwrap();
    }
    for key in [&x_wing, &ecdh] {
        let sealed = jwe::encrypt(&key.encryption_key(), b"for the agent").unwrap();
        let opened = jwe::decrypt_with_keys(&decrypters, &sealed).unwrap();
        assert_eq!(opened.plaintext(), b"for the agent");
    }
    // ... and nothing of the other purpose: the ES256 key marked enc signs a token nobody
    // verifies, and a JWE to the ECDH key marked sig opens with no key of the set.
    let token = TokenBuilder::new().sign(&es_marked_enc).unwrap();
    assert_eq!(
        v.verify_with_keys::<CustomClaims>(&token, &verifiers)
            .unwrap_err(),
        Error::KeyNotFound
    );
    let sealed = jwe::encrypt(&ecdh_marked_sig.encryption_key(), b"x").unwrap();
    let refused = jwe::decrypt_with_keys(&decrypters, &sealed).unwrap_err();
    assert!(
        matches!(
            refused,
            Error::KeyNotFound | Error::Jwe(JweError::Decryption)
        ),
        "{refused:?}"
    );
}
