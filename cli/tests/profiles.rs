//! The contract of `pqjose exchange`, `pqjose dpop` and `sign --cnf-jwk` (issue 15): exit codes,
//! the claims of the delegated token, every refusal.

mod common;

use std::path::Path;

use common::{keypair, path_str, pqjose, scratch};
use serde_json::{Value, json};

fn claims(token: &str) -> Value {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let payload = token.trim().split('.').nth(1).unwrap();
    serde_json::from_slice(&Base64UrlUnpadded::decode_vec(payload).unwrap()).unwrap()
}

fn now() -> i64 {
    use pqjose::Clock;
    pqjose::SystemClock.now().as_secs()
}

/// A token from the IdP key, written to `dir/name`.
fn idp_token(dir: &Path, idp: &Path, name: &str, claims: Value, ttl: &str) -> String {
    let token = pqjose(
        &[
            "sign",
            "--key",
            path_str(idp),
            "--claims",
            &claims.to_string(),
            "--ttl",
            ttl,
        ],
        None,
    )
    .ok();
    let path = dir.join(name);
    std::fs::write(&path, token).unwrap();
    path_str(&path).to_owned()
}

#[test]
fn exchange_mints_and_refuses() {
    let dir = scratch("exchange");
    let (idp, idp_pub) = keypair(&dir, "Ed25519");
    let (sts, _) = keypair(&dir, "ML-DSA-44");
    let jwks = dir.join("jwks.json");
    let public: Value = serde_json::from_slice(&std::fs::read(&idp_pub).unwrap()).unwrap();
    std::fs::write(&jwks, json!({"keys": [public]}).to_string()).unwrap();
    let jwks = path_str(&jwks).to_owned();
    let sts = path_str(&sts).to_owned();
    let aud = json!("https://sts.example");
    let subject = idp_token(
        &dir,
        &idp,
        "subject",
        json!({"sub": "user", "aud": aud, "scope": "read write", "act": {"sub": "agent-a"}}),
        "600",
    );
    let actor = idp_token(
        &dir,
        &idp,
        "actor",
        json!({"sub": "agent-b", "aud": aud}),
        "600",
    );
    let base = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "exchange",
            "--key",
            &sts,
            "--iss",
            "https://sts.example",
            "--expect-aud",
            "https://sts.example",
            "--jwks",
            &jwks,
            "--subject-token",
            &subject,
            "--aud",
            "https://api.example",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        v.extend(extra.iter().map(|s| (*s).to_owned()));
        v
    };
    let run = |extra: &[&str]| {
        let args = base(extra);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        pqjose(&refs, None)
    };
    let out = run(&["--actor-token", &actor, "--scope", "read"]).ok();
    let c = claims(&out);
    assert_eq!(c["iss"], "https://sts.example");
    assert_eq!(c["sub"], "user");
    assert_eq!(c["aud"], "https://api.example");
    assert_eq!(c["scope"], "read");
    assert_eq!(
        c["act"],
        json!({"sub": "agent-b", "act": {"sub": "agent-a"}})
    );
    let exp = c["exp"].as_i64().unwrap();
    assert!((exp - now() - 300).abs() <= 5, "{exp}");
    // Defaults: the subject's scope unchanged; exp capped by the subject's.
    let c = claims(&run(&["--ttl", "100"]).ok());
    assert_eq!(c["scope"], "read write");
    assert_eq!(c["act"], json!({"sub": "agent-a"}));
    let short = idp_token(
        &dir,
        &idp,
        "short",
        json!({"sub": "user", "aud": aud}),
        "60",
    );
    let args = base(&[]);
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    let i = args.iter().position(|a| *a == subject).unwrap();
    args[i] = &short;
    let c = claims(&pqjose(&args, None).ok());
    assert!(c["exp"].as_i64().unwrap() <= now() + 60);
    // Refusals are exit 1.
    let e = run(&["--scope", "read admin"]).rejected();
    assert!(e.contains("scope"), "{e}");
    let e = run(&["--ttl", "3600"]).rejected();
    assert!(e.contains("exp"), "{e}");
    let wrong_aud = idp_token(
        &dir,
        &idp,
        "wrong",
        json!({"sub": "x", "aud": "other"}),
        "60",
    );
    let e = run(&["--actor-token", &wrong_aud]).rejected();
    assert!(e.contains("actor token"), "{e}");
    let deep = idp_token(
        &dir,
        &idp,
        "deep",
        json!({"sub": "user", "aud": aud,
               "act": {"sub": "d", "act": {"sub": "c", "act": {"sub": "b", "act": {"sub": "a"}}}}}),
        "600",
    );
    let args = base(&["--actor-token", &actor]);
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    let i = args.iter().position(|a| *a == subject).unwrap();
    args[i] = &deep;
    let e = pqjose(&args, None).rejected();
    assert!(e.contains("too deep"), "{e}");
    // Usage.
    pqjose(&["exchange", "--key", &sts], None).usage_or_io();
    run(&["--ttl", "soon"]).usage_or_io();
}

#[test]
fn dpop_proof_verify_and_binding() {
    let dir = scratch("dpop");
    let (client, client_pub) = keypair(&dir, "ML-DSA-65");
    let (issuer, _) = keypair(&dir, "ES256");
    let token = pqjose(
        &[
            "sign",
            "--key",
            path_str(&issuer),
            "--ttl",
            "60",
            "--cnf-jwk",
            path_str(&client_pub),
        ],
        None,
    )
    .ok();
    let at = dir.join("at");
    std::fs::write(&at, &token).unwrap();
    let at = path_str(&at);
    let htu = "https://rs.example/x?y=1";
    let proof = pqjose(
        &[
            "dpop",
            "proof",
            "--key",
            path_str(&client),
            "--htm",
            "GET",
            "--htu",
            htu,
            "--access-token",
            at,
        ],
        None,
    )
    .ok();
    assert!(
        proof.ends_with('\n') && proof.len() < 9000,
        "{}",
        proof.len()
    );
    let out = pqjose(
        &[
            "dpop",
            "verify",
            "--htm",
            "GET",
            "--htu",
            htu,
            "--access-token",
            at,
        ],
        Some(proof.as_bytes()),
    )
    .json();
    let jkt = out["jkt"].as_str().unwrap();
    assert_eq!(claims(&token)["cnf"]["jkt"], jkt);
    assert_eq!(out["claims"]["htu"], "https://rs.example/x");
    // Not bound to another key.
    let (other, _) = keypair(&dir, "Ed25519");
    let stolen = pqjose(
        &[
            "dpop",
            "proof",
            "--key",
            path_str(&other),
            "--htm",
            "GET",
            "--htu",
            htu,
            "--access-token",
            at,
        ],
        None,
    )
    .ok();
    let e = pqjose(
        &[
            "dpop",
            "verify",
            "--htm",
            "GET",
            "--htu",
            htu,
            "--access-token",
            at,
        ],
        Some(stolen.as_bytes()),
    )
    .rejected();
    assert!(e.contains("cnf.jkt"), "{e}");
    pqjose(&["dpop"], None).usage_or_io();
    pqjose(&["dpop", "sign"], None).usage_or_io();
    assert!(
        pqjose(&["dpop", "--help"], None)
            .ok()
            .contains("Usage: pqjose dpop")
    );
    pqjose(
        &[
            "sign",
            "--key",
            path_str(&issuer),
            "--cnf-jwk",
            "/nonexistent",
        ],
        None,
    )
    .usage_or_io();
}
