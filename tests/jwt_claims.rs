//! Claim checks on correctly signed tokens: every failure is refused with the check it failed,
//! and no error message echoes a claim value.

mod jwt_support;

use std::sync::Arc;
use std::time::Duration;

use jwt_support::*;
use pqjose::{
    Algorithm, ClaimName, ClaimsError, CustomClaims, Error, FixedClock, NumericDate,
    RegisteredClaim, Validation, Verified,
};
use serde::Deserialize;

fn k() -> TestKey {
    key(Algorithm::MlDsa65, "k1")
}

/// Sign raw claims JSON and verify it under `v`.
fn run(v: &Validation, claims: &str) -> Result<Verified, Error> {
    let k = k();
    let token = forge(&*k.signer, &header_for(&*k.signer, ""), claims.as_bytes());
    v.verify(&token, &*k.verifier)
}

fn claims_err(e: ClaimsError) -> Result<(), Error> {
    Err(Error::Claims(e))
}

fn invalid(c: RegisteredClaim) -> Result<(), Error> {
    claims_err(ClaimsError::Invalid(c.into()))
}

fn missing(c: impl Into<ClaimName>) -> Result<(), Error> {
    claims_err(ClaimsError::Missing(c.into()))
}

#[test]
fn numeric_dates_of_the_wrong_type_or_range() {
    let v = validation();
    let exp_ok = NOW + 300;
    for bad in [
        "\"1700000300\"",
        "null",
        "true",
        "1e300",
        "-1e300",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551616",
        "[1700000300]",
        "{}",
    ] {
        assert_eq!(
            run(&v, &format!(r#"{{"exp":{bad}}}"#)).map(drop),
            invalid(RegisteredClaim::Expiration),
            "exp {bad}"
        );
        let nbf = run(&v, &format!(r#"{{"exp":{exp_ok},"nbf":{bad}}}"#)).map(drop);
        if bad == "9223372036854775807" {
            // In range, so a real (far future) date: not yet valid.
            assert_eq!(nbf, claims_err(ClaimsError::NotYetValid));
        } else {
            assert_eq!(nbf, invalid(RegisteredClaim::NotBefore), "nbf {bad}");
        }
        let iat = run(&v, &format!(r#"{{"exp":{exp_ok},"iat":{bad}}}"#)).map(drop);
        assert!(iat.is_err(), "iat {bad}");
    }
    // i64::MIN as nbf: the leeway subtraction overflows, and fails closed.
    assert_eq!(
        run(
            &v,
            &format!(r#"{{"exp":{exp_ok},"nbf":-9223372036854775808}}"#)
        )
        .map(drop),
        invalid(RegisteredClaim::NotBefore)
    );
    // Fractions are fine (rounded down).
    let ok = run(&v, &format!(r#"{{"exp":{exp_ok}.75,"nbf":{NOW}.5}}"#)).unwrap();
    assert_eq!(
        ok.claims().expires_at(),
        Some(NumericDate::from_secs(exp_ok))
    );
}

#[test]
fn expired_not_yet_valid_future_iat() {
    let v = validation();
    assert_eq!(
        run(&v, &format!(r#"{{"exp":{}}}"#, NOW - 31)).map(drop),
        claims_err(ClaimsError::Expired)
    );
    assert!(run(&v, &format!(r#"{{"exp":{}}}"#, NOW - 29)).is_ok());
    assert_eq!(
        run(
            &v,
            &format!(r#"{{"exp":{},"nbf":{}}}"#, NOW + 900, NOW + 31)
        )
        .map(drop),
        claims_err(ClaimsError::NotYetValid)
    );
    assert_eq!(
        run(
            &v,
            &format!(r#"{{"exp":{},"iat":{}}}"#, NOW + 900, NOW + 31)
        )
        .map(drop),
        claims_err(ClaimsError::IssuedInFuture)
    );
    assert_eq!(
        run(&v, "{}").map(drop),
        missing(RegisteredClaim::Expiration)
    );
    let no_leeway = validation().leeway(Duration::ZERO);
    assert_eq!(
        run(&no_leeway, &format!(r#"{{"exp":{NOW}}}"#)).map(drop),
        claims_err(ClaimsError::Expired)
    );
    let aged = validation().max_age(Duration::from_secs(60));
    assert_eq!(
        run(
            &aged,
            &format!(r#"{{"exp":{},"iat":{}}}"#, NOW + 900, NOW - 91)
        )
        .map(drop),
        claims_err(ClaimsError::TooOld)
    );
    assert_eq!(
        run(&aged, &format!(r#"{{"exp":{}}}"#, NOW + 900)).map(drop),
        missing(RegisteredClaim::IssuedAt)
    );
    // The builder's own tokens expire with the injected clock.
    let key = k();
    let clock = Arc::new(FixedClock::at_secs(NOW));
    let token = builder()
        .ttl(Duration::from_secs(60))
        .sign(&*key.signer)
        .unwrap();
    let v = Validation::new().clock(clock.clone());
    assert!(v.verify::<CustomClaims>(&token, &*key.verifier).is_ok());
    clock.advance(Duration::from_secs(60 + 30));
    assert_eq!(
        v.verify::<CustomClaims>(&token, &*key.verifier).map(drop),
        claims_err(ClaimsError::Expired)
    );
}

#[test]
fn audience_forms() {
    let exp = NOW + 300;
    let v = validation().audience("https://gateway.example");
    let with_aud = |aud: &str| format!(r#"{{"exp":{exp},"aud":{aud}}}"#);
    assert!(run(&v, &with_aud(r#""https://gateway.example""#)).is_ok());
    assert!(
        run(
            &v,
            &with_aud(r#"["https://other.example","https://gateway.example"]"#)
        )
        .is_ok()
    );
    assert_eq!(
        run(&v, &with_aud(r#""https://other.example""#)).map(drop),
        claims_err(ClaimsError::Audience)
    );
    assert_eq!(
        run(&v, &with_aud(r#"["https://other.example"]"#)).map(drop),
        claims_err(ClaimsError::Audience)
    );
    assert_eq!(
        run(&v, &with_aud("[]")).map(drop),
        claims_err(ClaimsError::Audience)
    );
    for bad in [
        "42",
        "null",
        "true",
        r#"{"aud":"https://gateway.example"}"#,
        r#"["https://gateway.example",1]"#,
    ] {
        assert_eq!(
            run(&v, &with_aud(bad)).map(drop),
            invalid(RegisteredClaim::Audience),
            "{bad}"
        );
    }
    assert_eq!(
        run(&v, &format!(r#"{{"exp":{exp}}}"#)).map(drop),
        missing(RegisteredClaim::Audience)
    );
    // No audience configured: a token meant for someone is refused unless explicitly allowed.
    let open = validation();
    assert_eq!(
        run(&open, &with_aud(r#""https://gateway.example""#)).map(drop),
        claims_err(ClaimsError::UnexpectedAudience)
    );
    assert!(run(&open.allow_unexpected_audience(), &with_aud(r#"["x"]"#)).is_ok());
}

#[test]
fn issuer_subject_typ_required() {
    let exp = NOW + 300;
    let v = validation().issuer("https://issuer.example");
    assert!(
        run(
            &v,
            &format!(r#"{{"exp":{exp},"iss":"https://issuer.example"}}"#)
        )
        .is_ok()
    );
    for iss in [
        r#""https://evil.example""#,
        r#""https://issuer.example/""#,
        r#""HTTPS://ISSUER.EXAMPLE""#,
    ] {
        assert_eq!(
            run(&v, &format!(r#"{{"exp":{exp},"iss":{iss}}}"#)).map(drop),
            claims_err(ClaimsError::Issuer),
            "{iss}"
        );
    }
    assert_eq!(
        run(&v, &format!(r#"{{"exp":{exp},"iss":7}}"#)).map(drop),
        invalid(RegisteredClaim::Issuer)
    );
    assert_eq!(
        run(&v, &format!(r#"{{"exp":{exp}}}"#)).map(drop),
        missing(RegisteredClaim::Issuer)
    );
    let v = validation().subject("agent-7");
    assert_eq!(
        run(&v, &format!(r#"{{"exp":{exp},"sub":"agent-8"}}"#)).map(drop),
        claims_err(ClaimsError::Subject)
    );

    let key = k();
    let at = builder().typ("at+jwt").sign(&*key.signer).unwrap();
    let plain = builder().sign(&*key.signer).unwrap();
    let want_at = validation().typ("application/AT+JWT");
    assert!(want_at.verify::<CustomClaims>(&at, &*key.verifier).is_ok());
    assert_eq!(
        want_at
            .verify::<CustomClaims>(&plain, &*key.verifier)
            .map(drop),
        claims_err(ClaimsError::Type)
    );

    let v = validation()
        .require(ClaimName::from_name("task"))
        .require(RegisteredClaim::Subject);
    assert_eq!(
        run(&v, &format!(r#"{{"exp":{exp},"sub":"a"}}"#)).map(drop),
        missing(ClaimName::Custom("task".into()))
    );
    assert_eq!(
        run(&v, &format!(r#"{{"exp":{exp},"task":"t"}}"#)).map(drop),
        missing(RegisteredClaim::Subject)
    );
    assert!(run(&v, &format!(r#"{{"exp":{exp},"task":"t","sub":"a"}}"#)).is_ok());
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Task {
    task: String,
    scope: Vec<String>,
}

#[test]
fn custom_claims_and_verified_accessors() {
    let key = k();
    let token = builder()
        .issuer("https://issuer.example")
        .subject("agent-7")
        .claim("task", "t-42")
        .claim("scope", serde_json::json!(["read", "write"]))
        .sign(&*key.signer)
        .unwrap();
    let v = validation().issuer("https://issuer.example");
    let verified: Verified<Task> = v.verify(&token, &*key.verifier).unwrap();
    assert_eq!(
        verified.custom(),
        &Task {
            task: "t-42".into(),
            scope: vec!["read".into(), "write".into()]
        }
    );
    assert_eq!(verified.claims().subject(), Some("agent-7"));
    assert_eq!(
        verified.claims().issued_at(),
        Some(NumericDate::from_secs(NOW))
    );
    assert_eq!(verified.algorithm(), Algorithm::MlDsa65);
    assert_eq!(verified.kid(), Some("k1"));
    assert_eq!(verified.header().typ(), Some("JWT"));
    let raw: serde_json::Value = serde_json::from_slice(verified.payload()).unwrap();
    assert_eq!(raw["task"], "t-42");
    assert_eq!(verified.claims().jwt_id().map(str::len), Some(22));

    // Claims that do not fit the caller's type.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Other {
        budget: u32,
    }
    assert_eq!(
        v.verify::<Other>(&token, &*key.verifier).map(drop),
        claims_err(ClaimsError::Deserialize)
    );
}

#[test]
fn messages_never_echo_values() {
    const MARK: &str = "SECRET-MARKER-7f3a";
    let exp = NOW + 300;
    let v = validation()
        .issuer("i")
        .audience("a")
        .subject("s")
        .typ("at+jwt")
        .require(ClaimName::from_name("task"));
    for claims in [
        format!(r#"{{"exp":"{MARK}"}}"#),
        format!(r#"{{"exp":{exp},"iss":"{MARK}"}}"#),
        format!(r#"{{"exp":{exp},"iss":"i","aud":"{MARK}"}}"#),
        format!(r#"{{"exp":{exp},"iss":"i","aud":"a","sub":"{MARK}"}}"#),
        format!(r#"{{"exp":{exp},"iss":"i","aud":"a","sub":"s","{MARK}":1}}"#),
        format!(r#"{{"{MARK}":1,"{MARK}":2}}"#),
    ] {
        let err = run(&v, &claims).unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(!text.contains(MARK), "{text}");
    }
}

#[test]
fn unit_and_ignored_custom_claims() {
    let k = k();
    let v = validation();
    let sign = |claims: &str| forge(&*k.signer, &header_for(&*k.signer, ""), claims.as_bytes());
    let plain = sign(&format!(r#"{{"sub":"a","exp":{}}}"#, NOW + 60));
    let custom = sign(&format!(r#"{{"sub":"a","exp":{},"task":"t"}}"#, NOW + 60));
    // `()`: no custom claims expected.
    let got = v.verify::<()>(&plain, &*k.verifier).unwrap();
    assert_eq!(got.claims().subject(), Some("a"));
    assert_eq!(
        v.verify::<()>(&custom, &*k.verifier).map(|_| ()),
        claims_err(ClaimsError::Deserialize)
    );
    // `IgnoredAny`: custom claims accepted and ignored.
    assert!(
        v.verify::<serde::de::IgnoredAny>(&custom, &*k.verifier)
            .is_ok()
    );
    assert!(
        v.verify::<serde::de::IgnoredAny>(&plain, &*k.verifier)
            .is_ok()
    );
}
