//! The JWE commands through the built binary: `keygen` → `public` → `encrypt` → `decrypt` for
//! the HPKE algorithms (compact and `--json --aad`, `--key` and `--jwks`), nested tokens
//! (`sign | encrypt --cty JWT`, `decrypt | verify`), and the exit statuses of the contract.

mod common;

use common::{path_str, pqjose, scratch};

const PRIVATE_MEMBERS: &[&str] = &["d", "priv"];

fn keypair(dir: &std::path::Path, alg: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let private = dir.join(format!("{alg}.jwk"));
    pqjose(&["keygen", "--alg", alg, "--out", path_str(&private)], None).ok();
    let public = dir.join(format!("{alg}.pub.jwk"));
    let out = pqjose(&["public", path_str(&private)], None).ok();
    std::fs::write(&public, out).unwrap();
    (private, public)
}

/// Flip one base64url character in the middle of segment `part` of a compact JWE.
fn tamper(jwe: &str, part: usize) -> Option<String> {
    let mut parts: Vec<String> = jwe.trim_end().split('.').map(str::to_owned).collect();
    let p = &mut parts[part];
    if p.len() < 4 {
        return None;
    }
    let mid = p.len() / 2;
    let c = if &p[mid..=mid] == "A" { "B" } else { "A" };
    p.replace_range(mid..=mid, c);
    Some(parts.join("."))
}

#[test]
fn hpke_round_trips() {
    let dir = scratch("jwe-hpke-round-trips");
    let secret = b"postgres://app:s3cret@db/prod";
    for alg in [
        "HPKE-9",
        "HPKE-12",
        "HPKE-8",
        "HPKE-13",
        "HPKE-10",
        "HPKE-0",
        "HPKE-9-KE",
        "HPKE-3-KE",
    ] {
        let (private, public) = keypair(&dir, alg);
        let jwk: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&private).unwrap()).unwrap();
        assert_eq!(jwk["alg"], alg);
        let pub_jwk: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&public).unwrap()).unwrap();
        for m in PRIVATE_MEMBERS {
            assert!(pub_jwk.get(m).is_none(), "{alg}: public JWK has {m}");
        }
        assert_eq!(pub_jwk["kid"], jwk["kid"], "{alg}");

        let jwe = pqjose(&["encrypt", "--key", path_str(&public)], Some(secret)).ok();
        assert!(
            jwe.ends_with('\n') && jwe.matches('.').count() == 4,
            "{alg}: {jwe}"
        );
        let file = dir.join(format!("{alg}.jwe"));
        std::fs::write(&file, &jwe).unwrap();
        let out = pqjose(
            &["decrypt", "--key", path_str(&private), path_str(&file)],
            None,
        );
        assert_eq!(out.code, 0, "{alg}: {}", out.stderr);
        assert_eq!(out.stdout, secret, "{alg}");

        // JSON with AAD, decrypted through a key set chosen by kid.
        let aad = dir.join("aad.bin");
        std::fs::write(&aad, b"audit-context").unwrap();
        let json = pqjose(
            &[
                "encrypt",
                "--key",
                path_str(&private),
                "--json",
                "--aad",
                path_str(&aad),
            ],
            Some(secret),
        )
        .ok();
        assert!(json.trim_start().starts_with('{'), "{alg}");
        let other = dir.join(format!("{alg}.other.jwk"));
        pqjose(&["keygen", "--alg", alg, "--out", path_str(&other)], None).ok();
        let set = format!(
            "{{\"keys\":[{},{}]}}",
            std::fs::read_to_string(&other).unwrap().trim(),
            std::fs::read_to_string(&private).unwrap().trim()
        );
        let set_file = dir.join(format!("{alg}.set.jwk"));
        std::fs::write(&set_file, set).unwrap();
        let out = pqjose(
            &["decrypt", "--jwks", path_str(&set_file)],
            Some(json.as_bytes()),
        );
        assert_eq!(out.code, 0, "{alg}: {}", out.stderr);
        assert_eq!(out.stdout, secret);
        // `public` works for encryption key sets too.
        let pub_set = pqjose(&["public", path_str(&set_file)], None).json();
        assert_eq!(pub_set["keys"].as_array().unwrap().len(), 2);

        // Another key of the same algorithm: refused, exit 1, one line.
        let err = pqjose(
            &["decrypt", "--key", path_str(&other)],
            Some(jwe.as_bytes()),
        )
        .rejected();
        assert_eq!(err, "error: decryption failed", "{alg}");
        for part in 0..5 {
            if let Some(bad) = tamper(&jwe, part) {
                pqjose(
                    &["decrypt", "--key", path_str(&private)],
                    Some(bad.as_bytes()),
                )
                .rejected();
            }
        }
    }
}

#[test]
fn nested_tokens_and_contract_errors() {
    let dir = scratch("jwe-nested");
    let (agent, agent_pub) = keypair(&dir, "HPKE-9");
    let issuer = dir.join("issuer.jwk");
    pqjose(
        &["keygen", "--alg", "ML-DSA-65", "--out", path_str(&issuer)],
        None,
    )
    .ok();
    let issuer_pub = dir.join("issuer.pub.jwk");
    std::fs::write(
        &issuer_pub,
        pqjose(&["public", path_str(&issuer)], None).ok(),
    )
    .unwrap();

    let token = pqjose(
        &[
            "sign",
            "--key",
            path_str(&issuer),
            "--claims",
            r#"{"sub":"agent-7"}"#,
            "--ttl",
            "300",
        ],
        None,
    )
    .ok();
    let jwe = pqjose(
        &["encrypt", "--key", path_str(&agent_pub), "--cty", "JWT"],
        Some(token.as_bytes()),
    )
    .ok();
    let inner = pqjose(
        &["decrypt", "--key", path_str(&agent)],
        Some(jwe.as_bytes()),
    );
    assert_eq!(inner.code, 0, "{}", inner.stderr);
    assert_eq!(inner.stdout, token.as_bytes());
    pqjose(
        &["verify", "--key", path_str(&issuer_pub)],
        Some(&inner.stdout),
    )
    .ok();

    // --enc is refused for integrated HPKE (usage, exit 2); --aad needs --json.
    pqjose(
        &["encrypt", "--key", path_str(&agent_pub), "--enc", "A128GCM"],
        Some(b"x"),
    )
    .usage_or_io();
    let aad = dir.join("aad");
    std::fs::write(&aad, b"a").unwrap();
    pqjose(
        &[
            "encrypt",
            "--key",
            path_str(&agent_pub),
            "--aad",
            path_str(&aad),
        ],
        Some(b"x"),
    )
    .usage_or_io();
    // Both or neither of --key/--jwks: usage. A public key cannot decrypt: unusable key (2).
    pqjose(&["decrypt"], Some(jwe.as_bytes())).usage_or_io();
    pqjose(
        &["decrypt", "--key", path_str(&agent_pub)],
        Some(jwe.as_bytes()),
    )
    .usage_or_io();
    // A signing key is not an encryption key, and vice versa.
    pqjose(&["encrypt", "--key", path_str(&issuer_pub)], Some(b"x")).usage_or_io();
    pqjose(
        &["verify", "--key", path_str(&agent_pub)],
        Some(token.as_bytes()),
    )
    .usage_or_io();
    // A JWE asking for zip, or with an unknown crit: refused (exit 1).
    for header in [
        r#"{"alg":"HPKE-9","zip":"DEF"}"#,
        r#"{"alg":"HPKE-9","crit":["x"],"x":1}"#,
        r#"{"alg":"HPKE-9","enc":"A256GCM"}"#,
    ] {
        let mut parts: Vec<String> = jwe.trim_end().split('.').map(str::to_owned).collect();
        parts[0] = base64url(header.as_bytes());
        let bad = parts.join(".");
        pqjose(
            &["decrypt", "--key", path_str(&agent)],
            Some(bad.as_bytes()),
        )
        .rejected();
    }
    // keygen: --crv/--enc only for JWE keys; HPKE-4-KE keys are not generated.
    pqjose(&["keygen", "--alg", "ML-DSA-65", "--crv", "P-256"], None).usage_or_io();
    pqjose(&["keygen", "--alg", "HPKE-4-KE"], None).usage_or_io();
}

fn base64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}
