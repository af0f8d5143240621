//! Importing keys made with OpenSSL: PKCS#8 private keys and SPKI public keys in PEM, for
//! Ed25519 and ECDSA P-256, and a JWT whose signature OpenSSL computed.
//!
//! (OpenSSL 3.0 has no ML-DSA; with OpenSSL 3.5+, `openssl genpkey -algorithm ML-DSA-65` makes
//! a key that `SigningKey::from_pkcs8_pem(Algorithm::MlDsa65, ..)` reads the same way.)
//!
//! Run: `cargo run --example openssl_pem`

use pqjose::{
    Algorithm, CustomClaims, Header, SigningKey, TokenBuilder, Validation, VerifyingKey, jws,
};

/// `openssl genpkey -algorithm ed25519 -out ed25519.pem` (a documentation key: never use it).
const ED25519_PRIVATE: &str = "\
-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIF4SCLVYqBp64zts/AgB7uEVoc9heQ+kUG323jTA0oYk
-----END PRIVATE KEY-----
";

/// `openssl pkey -in ed25519.pem -pubout`
const ED25519_PUBLIC: &str = "\
-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAP7fGM3UJRaXJhbcUVB25bWHE/PyorNEB7d77EAbAXto=
-----END PUBLIC KEY-----
";

/// `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.pem`
const P256_PRIVATE: &str = "\
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgogHGo/jEdFnUvxh6
CqjKiHfPGqfdYxzX3ns1EtwF1AmhRANCAATJUtkqPyxK4D5pTRdZWbYVpe38XBQe
koaPJ80zrlPpEUQCP0srBMO7WqAol2cFZ4wWkiIMJle+FXfJdldVrzpP
-----END PRIVATE KEY-----
";

/// `openssl pkey -in p256.pem -pubout`
const P256_PUBLIC: &str = "\
-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEyVLZKj8sSuA+aU0XWVm2FaXt/FwU
HpKGjyfNM65T6RFEAj9LKwTDu1qgKJdnBWeMFpIiDCZXvhV3yXZXVa86Tw==
-----END PUBLIC KEY-----
";

/// The JWT header and claims below, signed by OpenSSL with `ED25519_PRIVATE`:
///
/// ```sh
/// H=$(printf '%s' "$HEADER" | basenc --base64url | tr -d '=\n')
/// P=$(printf '%s' "$CLAIMS" | basenc --base64url | tr -d '=\n')
/// printf '%s' "$H.$P" > input.txt
/// openssl pkeyutl -sign -rawin -inkey ed25519.pem -in input.txt -out sig.bin
/// echo "$H.$P.$(basenc --base64url < sig.bin | tr -d '=\n')"
/// ```
const OPENSSL_TOKEN: &str = "eyJhbGciOiJFZDI1NTE5Iiwia2lkIjoib3BlbnNzbC1lZDI1NTE5IiwidHlwIjoiSldUIn0.eyJleHAiOjQxMDI0NDQ4MDAsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUiLCJzdWIiOiJhZ2VudC03IiwidGFzayI6InQtNDIifQ.zsIDBOSS5yIaSr-jRkfURLq3dm5nzXPK2OF4_JJhqFabX9TcwHGxw53BDw6walLIwlSsAKQ1UkZvUQlpaVEfDA";
/// `$HEADER` above.
const HEADER_KID: &str = "openssl-ed25519";
/// `$CLAIMS` above (`exp` is 2100-01-01).
const CLAIMS: &str =
    r#"{"exp":4102444800,"iss":"https://issuer.example","sub":"agent-7","task":"t-42"}"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The algorithm is given by the caller: a PEM key never chooses it.
    let ed_key =
        SigningKey::from_pkcs8_pem(Algorithm::Ed25519, ED25519_PRIVATE)?.with_kid(HEADER_KID)?;
    let ed_public =
        VerifyingKey::from_spki_pem(Algorithm::Ed25519, ED25519_PUBLIC)?.with_kid(HEADER_KID)?;
    // The public half pqjose derives is the one OpenSSL wrote.
    assert_eq!(ed_key.verifying_key()?.to_spki_pem()?, ED25519_PUBLIC);

    // OpenSSL's token verifies with the imported public key...
    let validation = Validation::new().issuer("https://issuer.example");
    let verified = validation.verify::<CustomClaims>(OPENSSL_TOKEN, &ed_public)?;
    println!(
        "OpenSSL-signed token: verified, sub {:?}, task {}",
        verified.claims().subject(),
        verified.custom()["task"]
    );
    // ...and Ed25519 being deterministic, pqjose signing the same header and claims with the
    // imported private key produces the very same token.
    let header = Header::new(Algorithm::Ed25519)
        .with_kid(HEADER_KID)
        .with_typ("JWT");
    let ours = jws::sign(&ed_key, &header, CLAIMS.as_bytes())?;
    assert_eq!(ours, OPENSSL_TOKEN);
    println!("pqjose's Ed25519 signature is byte-identical to OpenSSL's");

    // ECDSA P-256: import both halves, sign a JWT, verify it with the SPKI key.
    let p256 = SigningKey::from_pkcs8_pem(Algorithm::Es256, P256_PRIVATE)?;
    let p256_public = VerifyingKey::from_spki_pem(Algorithm::Es256, P256_PUBLIC)?;
    assert_eq!(
        p256.kid(),
        p256_public.kid(),
        "both default to the thumbprint"
    );
    let token = TokenBuilder::new()
        .issuer("https://issuer.example")
        .subject("agent-8")
        .sign(&p256)?;
    validation.verify::<CustomClaims>(&token, &p256_public)?;
    println!(
        "ES256 token from the OpenSSL P-256 key: verified (kid {})",
        p256.kid()
    );

    // A PEM key of the wrong type for the algorithm is refused.
    assert!(SigningKey::from_pkcs8_pem(Algorithm::Es256, ED25519_PRIVATE).is_err());
    Ok(())
}

#[test]
fn example_runs() {
    main().unwrap();
}
