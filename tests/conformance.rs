//! Clear errors for what newcomers trip over (issue 14): whitespace around a compact token, an
//! empty expected issuer/audience/subject, and a `cty: JWT` (nested) token offered as claims.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use pqjose::{
    Algorithm, ClaimsError, CustomClaims, Error, FormatError, Header, KeySet, RegisteredClaim,
    SigningKey, TokenBuilder, Validation, VerifyingKey, dangerous, jws,
};

fn keypair(alg: Algorithm) -> (SigningKey, VerifyingKey) {
    let key = SigningKey::generate(alg).unwrap().with_kid("k1").unwrap();
    let public = key.verifying_key().unwrap();
    (key, public)
}

#[test]
fn whitespace_is_named_not_reported_as_a_signature_length() {
    // ML-DSA signatures have a fixed length: a trailing byte used to read as a length error.
    let (key, public) = keypair(Algorithm::MlDsa44);
    let token = TokenBuilder::new().sign(&key).unwrap();
    let set = KeySet::new();
    set.add(public.clone()).unwrap();
    let v = Validation::new();
    v.verify::<CustomClaims>(&token, &public).unwrap();
    let mid = token.len() / 2;
    let wrapped = format!("{}\n{}", &token[..mid], &token[mid..]);
    for bad in [
        format!("{token}\n"),
        format!("{token}\r\n"),
        format!("{token} "),
        format!(" {token}"),
        format!("\t{token}"),
        wrapped,
    ] {
        let want = Error::Format(FormatError::Whitespace);
        assert_eq!(v.verify::<CustomClaims>(&bad, &public).unwrap_err(), want);
        assert_eq!(
            v.verify_with_keys::<CustomClaims>(&bad, &set).unwrap_err(),
            want
        );
        assert_eq!(jws::verify(&public, &bad).unwrap_err(), want);
        assert_eq!(dangerous::decode_unverified(&bad).unwrap_err(), want);
        assert_eq!(want.code(), 118);
        assert!(want.to_string().contains("whitespace"));
    }
}

#[test]
fn empty_expected_values_are_refused() {
    let (key, public) = keypair(Algorithm::Ed25519);
    let token = TokenBuilder::new()
        .issuer("")
        .audience("")
        .subject("")
        .sign(&key)
        .unwrap();
    for (v, claim) in [
        (Validation::new().issuer(""), RegisteredClaim::Issuer),
        (
            Validation::new().issuer("a").issuer(""),
            RegisteredClaim::Issuer,
        ),
        (Validation::new().audience(""), RegisteredClaim::Audience),
        (Validation::new().subject(""), RegisteredClaim::Subject),
    ] {
        let want = Error::Claims(ClaimsError::EmptyExpected(claim));
        assert_eq!(v.check_config().unwrap_err(), want);
        // Even a token whose claims are the same empty strings is refused.
        assert_eq!(v.verify::<CustomClaims>(&token, &public).unwrap_err(), want);
        let json = TokenBuilder::new().sign_json(&[&key]).unwrap();
        assert_eq!(
            v.verify_json::<CustomClaims>(&json, &[&public])
                .unwrap_err(),
            want
        );
        assert_eq!(want.code(), 512);
        assert!(want.to_string().contains(claim.name()), "{want}");
    }
    Validation::new()
        .issuer("a")
        .audience("b")
        .subject("c")
        .check_config()
        .unwrap();
}

#[test]
fn nested_jwt_is_never_read_as_claims() {
    let (key, public) = keypair(Algorithm::MlDsa44);
    let v = Validation::new();
    for cty in ["JWT", "jwt", "application/JWT", "Application/jwt"] {
        // The payload is itself a valid claims set: only `cty` says otherwise.
        let token = TokenBuilder::new().cty(cty).sign(&key).unwrap();
        let want = Error::Format(FormatError::NestedJwt);
        assert_eq!(v.verify::<CustomClaims>(&token, &public).unwrap_err(), want);
        let json = TokenBuilder::new().cty(cty).sign_json(&[&key]).unwrap();
        assert_eq!(
            v.verify_json::<CustomClaims>(&json, &[&public])
                .unwrap_err(),
            want
        );
        assert_eq!(want.code(), 119);
        // The signature itself is fine: the raw JWS layer still verifies it.
        jws::verify(&public, &token).unwrap();
    }
    // Other content types are no nested token.
    let token = TokenBuilder::new().cty("json").sign(&key).unwrap();
    v.verify::<CustomClaims>(&token, &public).unwrap();
    let header = Header::new(Algorithm::MlDsa44).with_cty("JWTX");
    let other = jws::sign(&key, &header, b"{\"exp\":4102444800}").unwrap();
    v.verify::<CustomClaims>(&other, &public).unwrap();
}
