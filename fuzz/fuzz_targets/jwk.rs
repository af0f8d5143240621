//! JWK parsing (`pqjose::Jwk::from_json`) and key import from the parsed JWK.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqjose::{Jwk, SigningKey, VerifyingKey};
use pqjose_fuzz::{check_error, check_signing_key, check_verifying_key};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Jwk::from_json(text) {
        Ok(jwk) => pqjose_fuzz_jwk(&jwk),
        Err(e) => check_error(&e),
    }
});

fn pqjose_fuzz_jwk(jwk: &Jwk) {
    // The typed JWK serializes and parses back to itself.
    let json = jwk.to_json();
    let back = Jwk::from_json(&json).expect("a parsed JWK's JSON parses");
    assert_eq!(&back, jwk);
    // Debug never shows the value of a private member.
    let dbg = format!("{jwk:?}");
    if let Ok(serde_json::Value::Object(members)) = serde_json::from_str(&json) {
        // What Debug may show: the public identifying members.
        let shown: Vec<&str> = ["kty", "kid", "alg", "crv"]
            .iter()
            .filter_map(|m| members.get(*m)?.as_str())
            .collect();
        for name in ["d", "p", "q", "dp", "dq", "qi", "k", "priv"] {
            if let Some(serde_json::Value::String(v)) = members.get(name) {
                let public = shown.iter().any(|s| s.contains(v.as_str()));
                let leaked = v.len() >= 4 && !public && dbg.contains(v.as_str());
                assert!(!leaked, "Debug shows `{name}`");
            }
        }
    }
    let _ = jwk.thumbprint();
    match jwk.to_public() {
        Ok(public) => {
            assert!(!public.is_private());
            assert_eq!(public.thumbprint().ok(), jwk.thumbprint().ok());
        }
        Err(_) => assert_eq!(jwk.kty(), "oct"),
    }
    let public = VerifyingKey::from_jwk(jwk);
    if let Ok(vk) = &public {
        check_verifying_key(vk);
    }
    if let Ok(sk) = SigningKey::from_jwk(jwk) {
        check_signing_key(&sk);
        // When the JWK's public members import too, they must be the same key.
        if let Ok(vk) = &public {
            assert_eq!(vk.algorithm(), sk.algorithm());
            assert_eq!(
                vk.thumbprint().ok(),
                sk.thumbprint().ok(),
                "private and public members of one JWK disagree"
            );
        }
    }
}
