//! `pqjose demo` runs its scenario and every expectation holds, in text and in JSON.

use std::process::{Command, Output};

use serde_json::Value;

fn demo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pqjose"))
        .arg("demo")
        .args(args)
        .output()
        .expect("run pqjose")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

/// The algorithms of the issuer's keys, in order.
const ALGS: [&str; 3] = ["ML-DSA-65", "ML-DSA-65-Ed25519", "ES256"];

#[test]
fn text_demo_passes() {
    let out = demo(&[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(out.stderr.is_empty());
    assert!(!text.contains("FAIL"), "{text}");
    let summary = text.lines().last().unwrap_or_default();
    assert!(summary.starts_with("All 13 expectations held"), "{summary}");
    for needle in [
        "https://issuer.example",
        "/.well-known/jwks.json",
        "algorithm ES256 is not allowed [303]",
        "bad signature [400]",
        "audience mismatch [505]",
        "token replayed (jti seen before) [601]",
        "token expired [500]",
        "key not found [600]",
        "X-Wing key (HPKE-9)",
        "decryption failed [240]",
        "HPKE-9 nested JWT",
        "Cost on this machine",
    ] {
        assert!(text.contains(needle), "missing `{needle}` in\n{text}");
    }
    for alg in ALGS {
        assert!(text.contains(alg), "{alg}");
    }
    eprintln!("{}", text.lines().take(30).collect::<Vec<_>>().join("\n"));
}

#[test]
fn json_demo_passes_with_the_expected_outcomes() {
    let out = demo(&["--json"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let doc: Value = serde_json::from_str(&text).expect("one JSON document");
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["failures"], 0);
    assert_eq!(doc["error"], Value::Null);
    assert!(doc["start"].as_i64().unwrap() > 1_700_000_000);

    let keys: Vec<&str> = doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["alg"].as_str())
        .collect();
    assert_eq!(keys, ALGS);

    // Every token has a size; post-quantum tokens are much larger than the ES256 one.
    let tokens = doc["tokens"].as_array().unwrap();
    assert!(tokens.len() >= 5);
    let size = |alg: &str| {
        tokens
            .iter()
            .find(|t| t["alg"] == alg)
            .and_then(|t| t["bytes"].as_u64())
            .unwrap()
    };
    assert!(size("ML-DSA-65") > 4000, "{}", size("ML-DSA-65"));
    assert!(size("ML-DSA-65-Ed25519") > size("ML-DSA-65"));
    assert!(size("ES256") < 600);
    // Every jti check is on distinct agents' tasks; subjects are per agent.
    assert!(tokens.iter().all(|t| t["agent"].as_str().is_some()));

    // The outcomes, in scenario order: (step, outcome, code).
    let checks = doc["checks"].as_array().unwrap();
    let got: Vec<(&str, &str, Option<u64>)> = checks
        .iter()
        .map(|c| {
            assert_eq!(c["ok"], true, "{c}");
            (
                c["step"].as_str().unwrap(),
                c["outcome"].as_str().unwrap(),
                c["code"].as_u64(),
            )
        })
        .collect();
    let accepted = ("gateway", "accepted", None);
    let rejected = |step, code| (step, "rejected", Some(code));
    assert_eq!(
        got,
        [
            accepted,                       // ML-DSA-65
            accepted,                       // ML-DSA-65-Ed25519
            rejected("gateway", 303),       // ES256 under the PQC-or-hybrid policy
            rejected("gateway", 400),       // tampered
            rejected("gateway", 505),       // wrong audience
            rejected("gateway", 601),       // the same token again
            rejected("gateway", 601),       // a new token reusing a jti
            rejected("expiry", 500),        // expired (injected clock)
            ("rotation", "accepted", None), // new key
            ("rotation", "accepted", None), // old key during the overlap
            rejected("rotation", 600),      // old key after retirement
            ("delivery", "accepted", None), // the agent opens its credential
            rejected("delivery", 240),      // another agent cannot (opaque failure)
        ]
    );
    // The secret delivery: a nested JWE much larger than the token it carries, and its cost.
    let delivery = &doc["delivery_timing"];
    assert_eq!(delivery["alg"], "HPKE-9 nested JWT");
    assert!(delivery["jwe_bytes"].as_u64().unwrap() > size("ML-DSA-65"));
    assert!(delivery["sign_encrypt_us"].is_u64() && delivery["decrypt_verify_us"].is_u64());
    // Rejections carry the error's message; acceptances the verified claims.
    assert_eq!(checks[2]["reason"], "algorithm ES256 is not allowed");
    assert!(
        checks[0]["detail"]
            .as_str()
            .unwrap()
            .contains("sub agent-1")
    );

    let timings = doc["timings"].as_array().unwrap();
    let algs: Vec<&str> = timings.iter().filter_map(|t| t["alg"].as_str()).collect();
    assert_eq!(algs, ALGS);
    for t in timings {
        assert!(t["token_bytes"].as_u64().unwrap() > 0);
        assert!(t["runs"].as_u64().unwrap() >= 5);
        assert!(t["sign_us"].is_u64() && t["verify_us"].is_u64());
    }
    eprintln!(
        "demo --json: {} checks, {} tokens, {} ms",
        checks.len(),
        tokens.len(),
        doc["elapsed_ms"]
    );
}

#[test]
fn usage() {
    let help = demo(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).starts_with("Usage: pqjose demo [--json]"));
    let bad = demo(&["--bogus"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty());
    let err = String::from_utf8(bad.stderr).unwrap();
    assert!(err.starts_with("error: unknown option `--bogus`"), "{err}");
    assert_eq!(demo(&["extra"]).status.code(), Some(2));
    // The command list names it.
    let list = Command::new(env!("CARGO_BIN_EXE_pqjose"))
        .arg("--help")
        .output()
        .expect("run pqjose");
    assert!(stdout(&list).contains("\n  demo "), "{}", stdout(&list));
}
