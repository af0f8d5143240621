//! Every algorithm round-trips through the built binary: keygen → public → sign → verify, for
//! a JWT and for raw bytes, and a tampered token is rejected with exit 1 and one error line.

mod common;

use common::{keypair, path_str, pqjose, scratch, tamper_signature};
use pqjose::{Algorithm, Family};

/// Private members that must never appear in a public JWK.
const PRIVATE_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "k", "priv"];

fn round_trip(dir: &std::path::Path, alg: Algorithm) {
    let name = alg.as_str();
    let (private, verifier) = keypair(dir, name);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&private).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{name}: private key file mode");
    }
    let jwk: serde_json::Value = serde_json::from_slice(&std::fs::read(&private).unwrap()).unwrap();
    assert_eq!(jwk["alg"], name, "{name}: private JWK alg");
    assert_eq!(jwk["kty"], alg.key_type(), "{name}: private JWK kty");
    let kid = jwk["kid"].as_str().expect("kid").to_owned();

    if alg.is_symmetric() {
        let err = pqjose(&["public", path_str(&private)], None).rejected();
        assert!(err.contains("no public form"), "{name}: {err}");
    } else {
        let public: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&verifier).unwrap()).unwrap();
        for m in PRIVATE_MEMBERS {
            assert!(public.get(m).is_none(), "{name}: public JWK has `{m}`");
        }
        assert_eq!(public["kid"], kid.as_str(), "{name}: public kid");
        assert_eq!(public["alg"], name, "{name}: public alg");
    }

    // JWT: header {alg, kid, typ}; claims plus iat and exp.
    let token = pqjose(
        &[
            "sign",
            "--key",
            path_str(&private),
            "--claims",
            r#"{"sub":"agent-7","task":"t-1"}"#,
            "--ttl",
            "300",
        ],
        None,
    )
    .ok();
    assert!(
        token.ends_with('\n') && token.matches('.').count() == 2,
        "{name}"
    );
    let token_file = dir.join(format!("{name}.jwt"));
    std::fs::write(&token_file, &token).unwrap(); // ends with one newline
    let claims = pqjose(
        &[
            "verify",
            "--key",
            path_str(&verifier),
            path_str(&token_file),
        ],
        None,
    );
    let text = claims.ok();
    let claims: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(claims["sub"], "agent-7", "{name}");
    assert_eq!(claims["task"], "t-1", "{name}");
    let iat = claims["iat"].as_i64().expect("iat");
    assert_eq!(
        claims["exp"].as_i64(),
        Some(iat + 300),
        "{name}: exp = iat + ttl"
    );

    let inspected = pqjose(&["inspect", path_str(&token_file)], None).ok();
    assert!(inspected.starts_with("UNVERIFIED"), "{name}");
    assert!(
        inspected.contains(&format!("\"kid\": \"{kid}\"")),
        "{name}: header kid"
    );
    assert!(inspected.contains("\"typ\": \"JWT\""), "{name}: header typ");

    // Tampered signature: exit 1, one `error:` line, nothing on stdout.
    let bad = tamper_signature(token.trim_end());
    let err = pqjose(
        &["verify", "--key", path_str(&verifier)],
        Some(bad.as_bytes()),
    )
    .rejected();
    eprintln!("{name}: tampered -> {err}");

    // Raw bytes: JWS over a binary payload, verified with --raw from stdin. The CLI's raw
    // path is the same for every algorithm; the slow-signing SLH-DSA `s` sets skip it.
    if is_slow(alg) {
        return;
    }
    let payload: &[u8] = b"\x00\x01 raw bytes \xff\n";
    let jws = pqjose(
        &["sign", "--key", path_str(&private), "--payload", "-"],
        Some(payload),
    )
    .ok();
    let out = pqjose(
        &["verify", "--raw", "--key", path_str(&verifier), "-"],
        Some(jws.as_bytes()),
    );
    assert_eq!(out.code, 0, "{name}: raw verify: {}", out.stderr);
    assert_eq!(out.stdout, payload, "{name}: raw payload");
}

fn run_family(test: &str, pick: impl Fn(Algorithm) -> bool) {
    let dir = scratch(test);
    let algs: Vec<Algorithm> = Algorithm::ALL
        .iter()
        .copied()
        .filter(|&a| pick(a))
        .collect();
    assert!(!algs.is_empty());
    for &alg in &algs {
        let started = std::time::Instant::now();
        round_trip(&dir, alg);
        eprintln!("{alg}: round trip ok ({:.1?})", started.elapsed());
    }
    eprintln!("{test}: {} algorithms round-trip", algs.len());
}

#[test]
fn ml_dsa() {
    run_family("ml_dsa", |a| a.family() == Family::MlDsa);
}

/// The SLH-DSA "small" parameter sets: slow to sign (seconds each in a debug build).
fn is_slow(alg: Algorithm) -> bool {
    alg.family() == Family::SlhDsa && alg.as_str().ends_with('s')
}

#[test]
fn slh_dsa_sha2_small() {
    run_family("slh_dsa_sha2_s", |a| {
        is_slow(a) && a.as_str().starts_with("SLH-DSA-SHA2")
    });
}

#[test]
fn slh_dsa_shake_small() {
    run_family("slh_dsa_shake_s", |a| {
        is_slow(a) && a.as_str().starts_with("SLH-DSA-SHAKE")
    });
}

#[test]
fn slh_dsa_fast() {
    run_family("slh_dsa_f", |a| a.family() == Family::SlhDsa && !is_slow(a));
}

#[test]
fn eddsa_and_ecdsa() {
    run_family("eddsa_ecdsa", |a| {
        matches!(a.family(), Family::EdDsa | Family::Ecdsa)
    });
}

#[test]
fn rsa() {
    run_family("rsa", |a| a.family() == Family::Rsa);
}

#[test]
fn hmac() {
    run_family("hmac", |a| a.family() == Family::Hmac);
}

#[test]
fn composite() {
    run_family("composite", |a| a.family() == Family::Composite);
}

#[test]
fn every_family_is_covered() {
    // A new family must get a test above.
    for a in Algorithm::ALL {
        assert!(matches!(
            a.family(),
            Family::MlDsa
                | Family::SlhDsa
                | Family::EdDsa
                | Family::Ecdsa
                | Family::Rsa
                | Family::Hmac
                | Family::Composite
        ));
    }
}
