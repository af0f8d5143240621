//! `dangerous::decode_unverified` exposes a compact token's signing input and signature bytes
//! for callers who verify with their own HSM or backend (issue 14). Checked here with an
//! independent implementation: ed25519-dalek verifies what pqjose signed, from the JWK's `x`
//! and the exposed parts alone; malformed tokens are refused with typed errors.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use base64ct::{Base64UrlUnpadded as B64, Encoding as _};
use ed25519_dalek::{Signature, Verifier as _, VerifyingKey as DalekKey};
use pqjose::{Algorithm, Error, FormatError, SigningKey, TokenBuilder, dangerous};
use serde_json::Value;

fn dalek_public(key: &SigningKey) -> DalekKey {
    let jwk: Value = serde_json::from_str(&key.to_public_jwk().unwrap().to_json()).unwrap();
    let x = B64::decode_vec(jwk["x"].as_str().unwrap()).unwrap();
    DalekKey::from_bytes(&x.try_into().unwrap()).unwrap()
}

#[test]
fn an_independent_verifier_accepts_the_exposed_parts() {
    let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
    let public = dalek_public(&key);
    let token = TokenBuilder::new().subject("alice").sign(&key).unwrap();
    let parts = dangerous::decode_unverified(&token).unwrap();
    assert_eq!(parts.header().alg(), Algorithm::Ed25519);

    // The signing input is the token's first two segments, byte for byte.
    let last_dot = token.rfind('.').unwrap();
    assert_eq!(parts.signing_input(), &token.as_bytes()[..last_dot]);
    assert_eq!(
        parts.signature(),
        B64::decode_vec(&token[last_dot + 1..]).unwrap()
    );

    let sig = Signature::from_slice(parts.signature()).unwrap();
    public.verify(parts.signing_input(), &sig).unwrap();

    // A changed claim changes the signing input: the independent verifier refuses it.
    let other = TokenBuilder::new().subject("mallory").sign(&key).unwrap();
    let forged = format!(
        "{}.{}",
        &other[..other.rfind('.').unwrap()],
        &token[last_dot + 1..]
    );
    let forged_parts = dangerous::decode_unverified(&forged).unwrap();
    let sig = Signature::from_slice(forged_parts.signature()).unwrap();
    assert!(public.verify(forged_parts.signing_input(), &sig).is_err());
}

#[test]
fn malformed_tokens_are_refused_with_typed_errors() {
    let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
    let token = TokenBuilder::new().sign(&key).unwrap();
    let last_dot = token.rfind('.').unwrap();
    let cases = [
        (token[..last_dot].to_owned(), FormatError::SegmentCount),
        (format!("{token}.x"), FormatError::SegmentCount),
        (format!("{token}\n"), FormatError::Whitespace),
        (format!("{}.A=", &token[..last_dot]), FormatError::Base64),
        (format!("!{token}"), FormatError::Base64),
        (
            format!(
                "{}.{}",
                "a".repeat(20),
                &token[token.find('.').unwrap() + 1..]
            ),
            FormatError::HeaderJson,
        ),
    ];
    for (bad, want) in cases {
        let got = dangerous::decode_unverified(&bad).unwrap_err();
        assert_eq!(got, Error::Format(want), "{bad:?}");
    }
    // alg none is refused even here.
    let none = format!(
        "{}.{}",
        B64::encode_string(br#"{"alg":"none"}"#),
        &token[token.find('.').unwrap() + 1..]
    );
    assert!(matches!(
        dangerous::decode_unverified(&none).unwrap_err(),
        Error::Algorithm(_)
    ));
}
