//! No secret in any formatted output: every secret-holding type is formatted with `{:?}` and
//! `{:#?}` (and `Display` where it exists) for every algorithm, and the output is searched for
//! the private key material in hex, base64url and Rust's byte-list form. Zeroization is checked
//! where the types allow it from outside the crate: exports are `Zeroizing`, and the crates'
//! key types that the backends hold implement `ZeroizeOnDrop` (so a dropped feature flag fails
//! to compile here).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod harden_support;

use base64ct::{Base64UrlUnpadded, Encoding};
use pqjose::{Error, Jwk, JwkSet, KeySet, SigningKey, TokenBuilder, VerifyingKey};
use serde_json::Value;
use zeroize::{ZeroizeOnDrop, Zeroizing};

/// JWK members that hold private key material.
const SECRET_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "k", "priv"];

/// The private members of a key's JWK, as (base64url text, decoded bytes).
fn secrets_of(jwk: &Jwk) -> Vec<(String, Vec<u8>)> {
    let json: Value = serde_json::from_str(&jwk.to_json()).unwrap();
    let obj = json.as_object().unwrap();
    let found: Vec<_> = SECRET_MEMBERS
        .iter()
        .filter_map(|m| obj.get(*m)?.as_str())
        .map(|s| (s.to_owned(), Base64UrlUnpadded::decode_vec(s).unwrap()))
        .collect();
    assert!(!found.is_empty(), "{jwk:?} has no private member");
    found
}

/// Forms in which secret bytes could leak into text: windows of the base64url text, hex (both
/// cases) and Rust's `[1, 2, 3]` list of 8-byte windows, and the reversed bytes (little-endian
/// big-integer limbs).
fn needles(b64: &str, bytes: &[u8]) -> Vec<String> {
    let mut out = vec![b64.to_owned()];
    let chars: Vec<char> = b64.chars().collect();
    for start in (0..chars.len().saturating_sub(12)).step_by(4) {
        out.push(chars[start..start + 12].iter().collect());
    }
    let reversed: Vec<u8> = bytes.iter().rev().copied().collect();
    for data in [bytes, &reversed[..]] {
        for w in data.windows(8).step_by(4) {
            let hex = hex::encode(w);
            out.push(hex.to_uppercase());
            out.push(hex);
            out.push(format!("{w:?}").trim_matches(['[', ']']).to_owned());
        }
    }
    out
}

fn assert_clean(what: &str, text: &str, needles: &[String]) {
    for n in needles {
        assert!(
            !text.contains(n.as_str()),
            "{what} leaks secret material ({} chars matched)",
            n.len()
        );
    }
}

fn all_forms(v: &impl core::fmt::Debug) -> [String; 2] {
    [format!("{v:?}"), format!("{v:#?}")]
}

#[test]
fn no_secret_in_debug_output() {
    let mut checked = 0;
    let mut unsupported = Vec::new();
    for &alg in pqjose::Algorithm::ALL {
        let Some(sk) = harden_support::test_key(alg) else {
            unsupported.push(alg);
            continue;
        };
        let jwk = sk.to_jwk().unwrap();
        let mut secrets = secrets_of(&jwk);
        if alg.family() == pqjose::Family::SlhDsa {
            // SLH-DSA's `priv` is SK.seed ‖ SK.prf ‖ PK.seed ‖ PK.root: only the first half is
            // secret (the second is the public key, which output may show).
            for (text, bytes) in &mut secrets {
                bytes.truncate(bytes.len() / 2);
                *text = Base64UrlUnpadded::encode_string(bytes);
            }
        }
        let needles: Vec<String> = secrets.iter().flat_map(|(s, b)| needles(s, b)).collect();
        let vk = sk.verifying_key().unwrap();
        let private_json = Zeroizing::new(jwk.to_json());
        let reparsed = Jwk::from_json(&private_json).unwrap();
        let set: JwkSet = [jwk.clone(), reparsed.clone()].into_iter().collect();
        let parsed_set = JwkSet::from_json(&set.to_json()).unwrap();
        let keys = KeySet::from_keys([vk.clone()]).unwrap();
        let builder = TokenBuilder::new().issuer("i").claim("c", 1);
        let token = if harden_support::signs_quickly(alg) {
            builder.sign(&sk).unwrap()
        } else {
            String::new()
        };

        let mut outputs: Vec<(String, String)> = Vec::new();
        let mut add = |name: &str, forms: [String; 2]| {
            for f in forms {
                outputs.push((format!("{alg} {name}"), f));
            }
        };
        add("SigningKey", all_forms(&sk));
        add("Jwk (exported)", all_forms(&jwk));
        add("Jwk (parsed)", all_forms(&reparsed));
        add("VerifyingKey", all_forms(&vk));
        add("JwkSet", all_forms(&set));
        add("JwkSet (parsed)", all_forms(&parsed_set));
        add("KeySet", all_forms(&keys));
        add("TokenBuilder", all_forms(&builder));
        add("token", [token.clone(), String::new()]);
        add("verify result", all_forms(&jwk_verify(&vk, &token)));

        // Errors raised while handling this private key: a tampered private member, a
        // mismatched public member, a set with the key under a duplicate kid.
        let obj: serde_json::Map<String, Value> = serde_json::from_str(&private_json).unwrap();
        for member in SECRET_MEMBERS.iter().filter(|m| obj.contains_key(**m)) {
            let mut bad = obj.clone();
            let v = bad[*member].as_str().unwrap().to_owned();
            bad.insert((*member).into(), Value::from(format!("{v}!")));
            let text = Zeroizing::new(Value::Object(bad).to_string());
            let e = SigningKey::from_jwk_json(&text).unwrap_err();
            add("error (bad member)", all_forms(&e));
            add("error Display", [e.to_string(), String::new()]);
        }
        let (_, skipped) = KeySet::from_jwk_set(&set);
        add("skipped keys", all_forms(&skipped));
        let dup = KeySet::from_keys([vk.clone(), vk.clone()]);
        add("duplicate key error", all_forms(&dup.map(|_| ())));

        // Control: the search does find the secret where it is meant to be.
        assert!(needles.iter().any(|n| private_json.contains(n.as_str())));
        let (_, bytes) = &secrets[0];
        assert!(
            needles
                .iter()
                .any(|n| format!("{bytes:?}").contains(n.as_str()))
        );
        assert!(
            needles
                .iter()
                .any(|n| hex::encode(bytes).contains(n.as_str()))
        );
        for (what, text) in &outputs {
            assert_clean(what, text, &needles);
        }
        checked += outputs.len();
    }
    eprintln!(
        "{checked} formatted outputs checked for {} algorithms; unsupported (skipped): {unsupported:?}",
        pqjose::Algorithm::ALL.len() - unsupported.len()
    );
    assert!(checked > 0);
}

fn jwk_verify(vk: &VerifyingKey, token: &str) -> Result<(), Error> {
    pqjose::jws::verify(vk, token).map(|_| ())
}

#[test]
fn hmac_verifying_key_is_redacted() {
    for alg in [
        pqjose::Algorithm::Hs256,
        pqjose::Algorithm::Hs384,
        pqjose::Algorithm::Hs512,
    ] {
        let secret = Zeroizing::new(vec![0xA5u8; 64]);
        let vk = VerifyingKey::from_hmac_secret(alg, &secret).unwrap();
        let needles = needles(&Base64UrlUnpadded::encode_string(&secret), &secret);
        for f in all_forms(&vk) {
            assert_clean("HMAC VerifyingKey", &f, &needles);
        }
        // The shared secret has no public form, so it cannot leak through a public export.
        assert!(vk.to_jwk().is_err());
        let keys = KeySet::from_keys([vk]).unwrap();
        assert!(keys.to_public_jwk_set().keys().is_empty());
    }
}

#[test]
fn exports_of_private_keys_are_zeroizing() {
    fn zeroizing<T: zeroize::Zeroize>(_: &Zeroizing<T>) {}
    let sk = SigningKey::generate(pqjose::Algorithm::Ed25519).unwrap();
    zeroizing(&sk.to_pkcs8_der().unwrap());
    zeroizing(&sk.to_pkcs8_pem().unwrap());
}

/// The crate types the backends keep secrets in zeroize themselves on drop (this stops
/// compiling if a `zeroize` feature is dropped from Cargo.toml).
#[test]
fn backend_secret_types_zeroize_on_drop() {
    fn zeroize_on_drop<T: ZeroizeOnDrop + ?Sized>() {}
    zeroize_on_drop::<ed25519_dalek::SigningKey>();
    zeroize_on_drop::<p256::ecdsa::SigningKey>();
    zeroize_on_drop::<p384::ecdsa::SigningKey>();
    zeroize_on_drop::<rsa::RsaPrivateKey>();
    zeroize_on_drop::<ml_dsa::SigningKey<ml_dsa::MlDsa44>>();
    zeroize_on_drop::<ml_dsa::SigningKey<ml_dsa::MlDsa65>>();
    zeroize_on_drop::<ml_dsa::SigningKey<ml_dsa::MlDsa87>>();
    zeroize_on_drop::<Zeroizing<Vec<u8>>>();
}
