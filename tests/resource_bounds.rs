//! Resource bounds: oversized or deeply nested input is refused by a cheap check before any
//! base64, JSON or cryptographic work, so memory and time stay bounded whatever the input.
//!
//! No timing assertions: each case shows *which* check refused the input. The inputs are built
//! so that any later stage would have given a different error (invalid base64, a verifier that
//! fails the test when called), proving the early check ran first.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::atomic::{AtomicUsize, Ordering};

use pqjose::jwk::{MAX_JWK_LEN, MAX_JWK_SET_KEYS, MAX_JWK_SET_LEN};
use pqjose::jws::{self, Limits};
use pqjose::{Algorithm, Error, FormatError, Jwk, JwkSet, JwsVerifier, KeyError};

/// A verifier that must never be reached: it counts calls and always rejects.
struct Unreachable {
    alg: Algorithm,
    calls: AtomicUsize,
}

impl Unreachable {
    fn new(alg: Algorithm) -> Self {
        Self {
            alg,
            calls: AtomicUsize::new(0),
        }
    }
}

impl JwsVerifier for Unreachable {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }
    fn verify(&self, _: &[u8], _: &[u8]) -> Result<(), Error> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err(Error::InvalidSignature)
    }
}

fn b64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn format_err(r: Result<jws::VerifiedJws, Error>) -> FormatError {
    match r {
        Err(Error::Format(f)) => f,
        other => panic!("expected a format error, got {other:?}"),
    }
}

#[test]
fn megabyte_token_is_rejected_before_decoding() {
    // 1 MB of characters that are not base64url: decoding would fail with Base64.
    let junk = "!".repeat(1 << 20);
    let token = format!("{junk}.{junk}.{junk}");
    for &alg in Algorithm::ALL {
        let v = Unreachable::new(alg);
        assert_eq!(
            format_err(jws::verify(&v, &token)),
            FormatError::TooLarge,
            "{alg}"
        );
        assert_eq!(v.calls.load(Ordering::SeqCst), 0);
    }
    // Even a single segment of 1 MB (no dots at all) is refused by size, not by structure.
    let v = Unreachable::new(Algorithm::MlDsa44);
    assert_eq!(
        format_err(jws::verify(&v, &"A".repeat(1 << 20))),
        FormatError::TooLarge
    );
    eprintln!(
        "1 MB token: TooLarge for {} algorithms",
        Algorithm::ALL.len()
    );
}

#[test]
fn default_token_limit_is_exact_per_algorithm() {
    // At the limit the size check passes (and base64 fails); one byte over, size fails first.
    let limits = Limits::default();
    for &alg in Algorithm::ALL {
        let max = limits.token_len_for(alg.max_signature_len());
        let v = Unreachable::new(alg);
        let at_limit = format!("!.!.{}", "!".repeat(max - 4));
        assert_eq!(at_limit.len(), max);
        assert_ne!(
            format_err(jws::verify(&v, &at_limit)),
            FormatError::TooLarge,
            "{alg}"
        );
        let over = format!("{at_limit}!");
        assert_eq!(
            format_err(jws::verify(&v, &over)),
            FormatError::TooLarge,
            "{alg}"
        );
        assert_eq!(v.calls.load(Ordering::SeqCst), 0);
    }
    // The largest limit (SLH-DSA-*-256f: 49 856-byte signatures) stays under 160 KiB.
    let largest = Algorithm::ALL
        .iter()
        .map(|a| limits.token_len_for(a.max_signature_len()))
        .max()
        .unwrap();
    assert!(
        largest < 160 * 1024,
        "largest default token limit {largest}"
    );
    eprintln!("largest default token limit: {largest} bytes");
}

#[test]
fn segment_limits_are_checked_before_decoding() {
    let v = Unreachable::new(Algorithm::Es256);
    let limits = Limits::new().max_token_len(1 << 20);
    let header = "!".repeat(8 * 1024);
    let payload = "!".repeat(128 * 1024);
    let cases = [
        (format!("{header}.e30.AAAA"), FormatError::HeaderTooLarge),
        (format!("e30.{payload}.AAAA"), FormatError::PayloadTooLarge),
        (
            format!("e30.e30.{}", "!".repeat(200)),
            FormatError::SignatureLength,
        ),
    ];
    for (token, want) in cases {
        assert_eq!(
            format_err(jws::verify_with_limits(&v, &token, &limits)),
            want
        );
    }
    assert_eq!(v.calls.load(Ordering::SeqCst), 0);
}

#[test]
fn header_json_depth_is_bounded() {
    let v = Unreachable::new(Algorithm::Es256);
    let sig = b64(&[0u8; 64]);
    let nested = |depth: usize| {
        // The top-level object is depth 1; `"x": [[...]]` adds depth - 1 levels.
        let inner = depth - 1;
        format!(
            r#"{{"alg":"ES256","x":{}1{}}}"#,
            "[".repeat(inner),
            "]".repeat(inner)
        )
    };
    let token = |h: &str| format!("{}.e30.{sig}", b64(h.as_bytes()));
    // Depth 16 (the default) parses and reaches the verifier; depth 17 does not.
    assert_eq!(
        jws::verify(&v, &token(&nested(16))).unwrap_err(),
        Error::InvalidSignature
    );
    assert_eq!(v.calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        format_err(jws::verify(&v, &token(&nested(17)))),
        FormatError::TooDeep
    );
    // 200 000 levels under a 1 MiB header limit: refused by depth, no stack overflow.
    let huge = Limits::new().max_header_len(1 << 20).max_token_len(2 << 20);
    assert_eq!(
        format_err(jws::verify_with_limits(&v, &token(&nested(200_000)), &huge)),
        FormatError::TooDeep
    );
    // Objects nest the same way.
    let objects = format!(
        r#"{{"alg":"ES256","x":{}1{}}}"#,
        r#"{"a":"#.repeat(50_000),
        "}".repeat(50_000)
    );
    assert_eq!(
        format_err(jws::verify_with_limits(&v, &token(&objects), &huge)),
        FormatError::TooDeep
    );
    assert_eq!(v.calls.load(Ordering::SeqCst), 1);
}

#[test]
fn jwk_size_and_depth_are_bounded() {
    let too_long = format!(r#"{{"kty":"oct","k":"{}"}}"#, "A".repeat(MAX_JWK_LEN));
    assert_eq!(
        Jwk::from_json(&too_long),
        Err(Error::Key(KeyError::MalformedJwk))
    );
    let deep = format!(
        r#"{{"kty":"oct","k":"AAAA","x":{}1{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert_eq!(
        Jwk::from_json(&deep),
        Err(Error::Key(KeyError::MalformedJwk))
    );
}

#[test]
fn jwk_set_key_count_and_size_are_bounded() {
    let key = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    let set = |n: usize| format!(r#"{{"keys":[{}]}}"#, vec![key; n].join(","));
    let full = JwkSet::from_json(&set(MAX_JWK_SET_KEYS)).unwrap();
    assert_eq!(full.keys().len(), MAX_JWK_SET_KEYS);
    assert_eq!(
        JwkSet::from_json(&set(MAX_JWK_SET_KEYS + 1)),
        Err(Error::Key(KeyError::JwkSetTooManyKeys))
    );
    // Entries that are not keys count too: a set cannot smuggle a huge array as "skipped".
    let numbers = format!(
        r#"{{"keys":[{}]}}"#,
        vec!["1"; MAX_JWK_SET_KEYS + 1].join(",")
    );
    assert_eq!(
        JwkSet::from_json(&numbers),
        Err(Error::Key(KeyError::JwkSetTooManyKeys))
    );
    // Over the byte limit: refused before parsing (the text is not even JSON).
    let huge = "[".repeat(MAX_JWK_SET_LEN + 1);
    assert_eq!(
        JwkSet::from_json(&huge),
        Err(Error::Key(KeyError::JwkSetTooLarge))
    );
    // Deep nesting inside a set member.
    let deep = format!(
        r#"{{"keys":[{{"kty":"oct","x":{}1{}}}]}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_eq!(
        JwkSet::from_json(&deep),
        Err(Error::Key(KeyError::MalformedJwkSet))
    );
}

/// A verifier that counts calls and accepts every signature (so claims parsing is reached).
struct Counting {
    alg: Algorithm,
    kid: Option<&'static str>,
    accept: bool,
    calls: std::sync::Arc<AtomicUsize>,
}

impl JwsVerifier for Counting {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }
    fn key_id(&self) -> Option<&str> {
        self.kid
    }
    fn verify(&self, _: &[u8], _: &[u8]) -> Result<(), Error> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.accept {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}

fn jwt(header: &str, payload: &str, sig_len: usize) -> String {
    format!(
        "{}.{}.{}",
        b64(header.as_bytes()),
        b64(payload.as_bytes()),
        b64(&vec![0u8; sig_len])
    )
}

fn validation() -> pqjose::Validation {
    pqjose::Validation::new()
        .allow_missing_exp()
        .clock(pqjose::FixedClock::at_secs(1_700_000_000))
}

#[test]
fn key_set_size_bounds_the_work_per_token() {
    use pqjose::{CustomClaims, KeySet, MAX_KIDLESS_CANDIDATES};
    let calls = std::sync::Arc::new(AtomicUsize::new(0));
    let set = KeySet::new();
    // 500 kidless ES256 verifiers and 500 with distinct kids, all refusing.
    for _ in 0..500 {
        set.add_verifier(std::sync::Arc::new(Counting {
            alg: Algorithm::Es256,
            kid: None,
            accept: false,
            calls: calls.clone(),
        }))
        .unwrap();
    }
    let kids: Vec<&'static str> = (0..500)
        .map(|i| &*Box::leak(format!("k{i}").into_boxed_str()))
        .collect();
    for kid in &kids {
        set.add_verifier(std::sync::Arc::new(Counting {
            alg: Algorithm::Es256,
            kid: Some(kid),
            accept: false,
            calls: calls.clone(),
        }))
        .unwrap();
    }
    assert_eq!(set.len(), 1000);
    let v = validation();
    let check = |header: &str, max_calls: usize, want: Error| {
        calls.store(0, Ordering::SeqCst);
        let token = jwt(header, "{}", 64);
        let got = v
            .verify_with_keys::<CustomClaims>(&token, &set)
            .unwrap_err();
        assert_eq!(got, want, "{header}");
        let n = calls.load(Ordering::SeqCst);
        assert!(n <= max_calls, "{header}: {n} signature checks");
        n
    };
    // Without kid: at most MAX_KIDLESS_CANDIDATES signature checks, whatever the set size.
    let n = check(
        r#"{"alg":"ES256"}"#,
        MAX_KIDLESS_CANDIDATES,
        Error::InvalidSignature,
    );
    assert!(n >= 1);
    // With a kid: only that key.
    check(
        r#"{"alg":"ES256","kid":"k499"}"#,
        1,
        Error::InvalidSignature,
    );
    // Unknown kid or an algorithm no key has: no signature check at all.
    check(r#"{"alg":"ES256","kid":"nope"}"#, 0, Error::KeyNotFound);
    check(r#"{"alg":"ES384"}"#, 0, Error::KeyNotFound);
    eprintln!("1000-key set: kidless token ran {n} signature checks");
}

#[test]
fn empty_key_set_does_not_look_at_the_token() {
    let junk = "!".repeat(1 << 20);
    let got = validation()
        .verify_with_keys::<pqjose::CustomClaims>(&junk, &pqjose::KeySet::new())
        .unwrap_err();
    assert_eq!(got, Error::KeyNotFound);
}

#[test]
fn megabyte_token_is_refused_by_the_jwt_validator() {
    let calls = std::sync::Arc::new(AtomicUsize::new(0));
    let key = Counting {
        alg: Algorithm::MlDsa87,
        kid: Some("k"),
        accept: true,
        calls: calls.clone(),
    };
    let set = pqjose::KeySet::new();
    set.add_verifier(std::sync::Arc::new(Counting {
        calls: calls.clone(),
        ..key
    }))
    .unwrap();
    let junk = "!".repeat(1 << 20);
    let token = format!("{junk}.{junk}.{junk}");
    let v = validation();
    assert_eq!(
        v.verify_with_keys::<pqjose::CustomClaims>(&token, &set)
            .unwrap_err(),
        Error::Format(FormatError::TooLarge)
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn claims_json_depth_is_bounded_after_the_signature() {
    let calls = std::sync::Arc::new(AtomicUsize::new(0));
    let key = Counting {
        alg: Algorithm::Es256,
        kid: None,
        accept: true,
        calls: calls.clone(),
    };
    let v = validation();
    let nested = |depth: usize| {
        format!(
            r#"{{"sub":"s","x":{}1{}}}"#,
            "[".repeat(depth - 1),
            "]".repeat(depth - 1)
        )
    };
    let ok = v
        .verify::<pqjose::CustomClaims>(&jwt(r#"{"alg":"ES256"}"#, &nested(16), 64), &key)
        .unwrap();
    assert_eq!(ok.claims().subject(), Some("s"));
    assert_eq!(
        v.verify::<pqjose::CustomClaims>(&jwt(r#"{"alg":"ES256"}"#, &nested(17), 64), &key)
            .unwrap_err(),
        Error::Format(FormatError::TooDeep)
    );
    // Deep nesting within the payload limit (64 KiB): depth, not stack, stops it.
    assert_eq!(
        v.verify::<pqjose::CustomClaims>(&jwt(r#"{"alg":"ES256"}"#, &nested(30_000), 64), &key)
            .unwrap_err(),
        Error::Format(FormatError::TooDeep)
    );
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}
