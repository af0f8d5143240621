//! The CLI's contract: exit codes 0/1/2, one `error:` line on rejection, token files with a
//! trailing newline, claim checks, JWK Sets, `public` on symmetric keys, `inspect`.

mod common;

use common::{keypair, path_str, pqjose, scratch};

fn sign(private: &std::path::Path, claims: &str, ttl: Option<&str>) -> String {
    let mut args = vec!["sign", "--key", path_str(private), "--claims", claims];
    if let Some(ttl) = ttl {
        args.extend(["--ttl", ttl]);
    }
    pqjose(&args, None).ok()
}

#[test]
fn usage_errors_exit_2() {
    pqjose(&[], None).usage_or_io();
    pqjose(&["frobnicate"], None).usage_or_io();
    pqjose(&["keygen"], None).usage_or_io();
    pqjose(&["keygen", "--alg", "none"], None).usage_or_io();
    pqjose(&["keygen", "--alg", "ML-DSA-65", "--bogus"], None).usage_or_io();
    pqjose(&["verify"], None).usage_or_io();
    pqjose(&["verify", "--key", "a", "--jwks", "b"], None).usage_or_io();
    pqjose(
        &["sign", "--key", "k", "--payload", "-", "--ttl", "5"],
        None,
    )
    .usage_or_io();
    pqjose(&["sign", "--key", "k", "--ttl", "-5"], None).usage_or_io();
    pqjose(&["verify", "--key", "k", "--raw", "--iss", "x"], None).usage_or_io();
    let missing = pqjose(
        &["verify", "--key", "/nonexistent/key.json"],
        Some(b"a.b.c"),
    );
    assert!(missing.usage_or_io().contains("/nonexistent/key.json"));
}

#[test]
fn help_exits_0() {
    for args in [
        &["--help"][..],
        &["help"],
        &["help", "verify"],
        &["keygen", "--help"],
        &["public", "-h"],
        &["sign", "--help"],
        &["verify", "--help"],
        &["inspect", "--help"],
    ] {
        let out = pqjose(args, None).ok();
        assert!(out.contains("Usage: pqjose"), "{args:?}");
    }
    assert!(pqjose(&["--version"], None).ok().starts_with("pqjose "));
}

#[test]
fn token_file_newlines() {
    let dir = scratch("newlines");
    let (private, public) = keypair(&dir, "Ed25519");
    let token = sign(&private, "{}", Some("60"));
    let token = token.trim_end();
    let verify = |body: &str| {
        let f = dir.join("token");
        std::fs::write(&f, body).unwrap();
        pqjose(&["verify", "--key", path_str(&public), path_str(&f)], None)
    };
    verify(token).ok();
    verify(&format!("{token}\n")).ok();
    verify(&format!("{token}\r\n")).ok();
    verify(&format!("{token}\n\n")).rejected();
    verify(&format!(" {token}")).rejected();
    // stdin, with and without `-`
    let stdin = format!("{token}\n");
    pqjose(
        &["verify", "--key", path_str(&public)],
        Some(stdin.as_bytes()),
    )
    .ok();
    pqjose(
        &["verify", "--key", path_str(&public), "-"],
        Some(stdin.as_bytes()),
    )
    .ok();
}

#[test]
fn rejections_exit_1_with_one_line() {
    let dir = scratch("rejections");
    let (private, public) = keypair(&dir, "Ed25519");
    let (_, other_public) = keypair(&dir, "ML-DSA-44");
    let verify = |token: &str, extra: &[&str]| {
        let mut args = vec!["verify", "--key", path_str(&public)];
        args.extend_from_slice(extra);
        pqjose(&args, Some(token.as_bytes()))
    };

    let expired = sign(&private, r#"{"exp":1000}"#, None);
    assert!(verify(&expired, &[]).rejected().contains("expired"));
    let future = sign(&private, r#"{"nbf":99999999999}"#, Some("60"));
    assert!(verify(&future, &[]).rejected().contains("not yet valid"));
    let no_exp = sign(&private, "{}", None);
    assert!(verify(&no_exp, &[]).rejected().contains("exp"));
    // `sign` refuses ill-typed registered claims; a JWS over such claims is rejected as a JWT.
    let key = path_str(&private);
    pqjose(&["sign", "--key", key, "--claims", r#"{"exp":"1"}"#], None).usage_or_io();
    let raw_sign =
        |payload: &[u8]| pqjose(&["sign", "--key", key, "--payload", "-"], Some(payload)).ok();
    let string_exp = raw_sign(br#"{"exp":"99999999999"}"#);
    assert!(
        verify(&string_exp, &[])
            .rejected()
            .contains("invalid claim `exp`")
    );
    let dup_exp = raw_sign(br#"{"exp":99999999999,"exp":99999999999}"#);
    assert!(verify(&dup_exp, &[]).rejected().contains("duplicate"));
    let array = raw_sign(b"[1]");
    assert!(verify(&array, &[]).rejected().contains("JSON object"));

    let scoped = sign(
        &private,
        r#"{"iss":"issuer-a","aud":["gw-1","gw-2"]}"#,
        Some("60"),
    );
    verify(&scoped, &["--iss", "issuer-a", "--aud", "gw-2"]).ok();
    assert!(
        verify(&scoped, &["--iss", "issuer-b", "--aud", "gw-2"])
            .rejected()
            .contains("issuer")
    );
    assert!(
        verify(&scoped, &["--aud", "gw-3"])
            .rejected()
            .contains("audience")
    );
    assert!(verify(&scoped, &[]).rejected().contains("audience"));

    // Leeway: expired 10 s ago is fine with the default 30 s, not with 0.
    #[allow(clippy::disallowed_methods)] // the test stands where a user would: at the clock
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let recent = sign(&private, &format!(r#"{{"exp":{}}}"#, now - 10), None);
    verify(&recent, &[]).ok();
    assert!(
        verify(&recent, &["--leeway", "0"])
            .rejected()
            .contains("expired")
    );

    // Not a token, wrong key type, garbage.
    verify("", &[]).rejected();
    verify("a.b", &[]).rejected();
    verify("not a token at all", &[]).rejected();
    verify("eyJhbGciOiJub25lIn0.e30.", &[]).rejected();
    let good = sign(&private, "{}", Some("60"));
    let wrong_key = pqjose(
        &["verify", "--key", path_str(&other_public)],
        Some(good.as_bytes()),
    );
    assert!(wrong_key.rejected().contains("algorithm"));
    let non_utf8 = pqjose(
        &["verify", "--key", path_str(&public)],
        Some(b"\xff\xfe.a.b"),
    );
    non_utf8.rejected();
}

#[test]
fn a_different_key_of_the_same_algorithm_is_rejected() {
    let dir = scratch("different-key");
    let (private, _) = keypair(&dir, "ML-DSA-65");
    let other = dir.join("other");
    std::fs::create_dir_all(&other).unwrap();
    let (_, other_public) = keypair(&other, "ML-DSA-65");
    let token = sign(&private, "{}", Some("60"));
    let out = pqjose(
        &["verify", "--key", path_str(&other_public)],
        Some(token.as_bytes()),
    );
    assert_eq!(out.rejected(), "error: bad signature");
}

#[test]
fn jwks_selects_by_kid_then_alg() {
    let dir = scratch("jwks");
    let (ml, _) = keypair(&dir, "ML-DSA-44");
    let (ed, _) = keypair(&dir, "Ed25519");
    let (stray, _) = keypair(&dir, "ES256");
    let (hs, _) = keypair(&dir, "HS256");
    // A private set (with an oct key, which `public` leaves out) -> public set.
    let set = format!(
        r#"{{"keys":[{},{},{}]}}"#,
        std::fs::read_to_string(&ml).unwrap().trim(),
        std::fs::read_to_string(&ed).unwrap().trim(),
        std::fs::read_to_string(&hs).unwrap().trim(),
    );
    let out = pqjose(&["public", "-"], Some(set.as_bytes()));
    let jwks_text = out.ok();
    assert!(
        out.stderr.contains("oct"),
        "a note about the left-out oct key"
    );
    let jwks: serde_json::Value = serde_json::from_str(&jwks_text).unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
    assert!(!jwks_text.contains("\"priv\"") && !jwks_text.contains("\"d\""));
    let jwks_file = dir.join("jwks.json");
    std::fs::write(&jwks_file, &jwks_text).unwrap();

    for key in [&ml, &ed] {
        let token = sign(key, r#"{"sub":"s"}"#, Some("60"));
        let out = pqjose(
            &["verify", "--jwks", path_str(&jwks_file)],
            Some(token.as_bytes()),
        );
        assert_eq!(out.json()["sub"], "s");
    }
    let token = sign(&stray, "{}", Some("60"));
    let out = pqjose(
        &["verify", "--jwks", path_str(&jwks_file)],
        Some(token.as_bytes()),
    );
    assert_eq!(out.rejected(), "error: key not found");

    // A JWK Set given to --key points at --jwks.
    let out = pqjose(
        &["verify", "--key", path_str(&jwks_file)],
        Some(token.as_bytes()),
    );
    assert!(out.usage_or_io().contains("--jwks"));
}

#[test]
fn public_refuses_symmetric_keys() {
    let dir = scratch("public-oct");
    let (hs, _) = keypair(&dir, "HS512");
    let out = pqjose(&["public", path_str(&hs)], None);
    let line = out.rejected();
    assert!(
        line.contains("oct") && line.contains("no public form"),
        "{line}"
    );
    // And it never prints the secret.
    let k = serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&hs).unwrap())
        .unwrap()["k"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!out.stderr.contains(&k));
}

#[test]
fn keygen_kid_and_stdout() {
    let out = pqjose(
        &["keygen", "--alg", "Ed25519", "--kid", "agent-key-1"],
        None,
    );
    let jwk = out.json();
    assert_eq!(jwk["kid"], "agent-key-1");
    assert_eq!(jwk["crv"], "Ed25519");
    assert!(jwk["d"].is_string());
    let public = pqjose(&["public"], Some(&out.stdout)).json();
    assert_eq!(public["kid"], "agent-key-1");
    assert!(public.get("d").is_none());
}

#[test]
fn sign_typ_and_claims_file() {
    let dir = scratch("typ");
    let (private, public) = keypair(&dir, "ES256");
    let claims = dir.join("claims.json");
    std::fs::write(&claims, r#"{"scope":"read","iat":1700000000}"#).unwrap();
    let token = pqjose(
        &[
            "sign",
            "--key",
            path_str(&private),
            "--claims",
            &format!("@{}", path_str(&claims)),
            "--typ",
            "at+jwt",
        ],
        None,
    )
    .ok();
    let shown = pqjose(&["inspect", "-"], Some(token.as_bytes())).ok();
    assert!(shown.contains("\"typ\": \"at+jwt\""));
    assert!(shown.contains("\"iat\": 1700000000"), "a given iat is kept");
    assert!(shown.contains("\"scope\": \"read\""));
    // No exp: refused by default.
    let out = pqjose(
        &["verify", "--key", path_str(&public)],
        Some(token.as_bytes()),
    );
    assert!(out.rejected().contains("exp"));
}

#[test]
fn inspect_marks_unverified_and_rejects_garbage() {
    let shown = pqjose(
        &["inspect"],
        Some(b"eyJhbGciOiJFUzI1NiIsImtpZCI6IngifQ.eyJzdWIiOiJ5In0.AAAA\n"),
    )
    .ok();
    assert!(shown.starts_with("UNVERIFIED"));
    assert!(shown.contains("\"sub\": \"y\""));
    assert!(shown.contains("signature: 3 bytes"));
    assert!(shown.contains("structure: well formed"));
    let none = pqjose(&["inspect"], Some(b"eyJhbGciOiJub25lIn0.e30.AAAA")).ok();
    assert!(none.contains("\"alg\": \"none\""));
    assert!(none.contains("structure: a verifier rejects this token: alg none"));
    pqjose(&["inspect"], Some(b"nope")).rejected();
    pqjose(&["inspect"], Some(b"!!.e30.AAAA")).rejected();
}

#[test]
fn validation_flags() {
    let dir = scratch("validation-flags");
    let (ed, ed_pub) = keypair(&dir, "Ed25519");
    let (ml, ml_pub) = keypair(&dir, "ML-DSA-44");
    let verify = |key: &std::path::Path, token: &str, extra: &[&str]| {
        let mut args = vec!["verify", "--key", path_str(key)];
        args.extend_from_slice(extra);
        pqjose(&args, Some(token.as_bytes()))
    };
    let classical = sign(&ed, r#"{"sub":"x"}"#, Some("60"));
    let pq = sign(&ml, r#"{"sub":"x"}"#, Some("60"));

    // Algorithm allow-list and policy presets: the key's algorithm must be allowed.
    verify(&ed_pub, &classical, &["--policy", "any"]).ok();
    verify(&ml_pub, &pq, &["--policy", "pqc"]).ok();
    verify(&ml_pub, &pq, &["--policy", "hybrid", "--alg", "ML-DSA-44"]).ok();
    verify(&ed_pub, &classical, &["--alg", "ES256", "--alg", "Ed25519"]).ok();
    let err = verify(&ed_pub, &classical, &["--policy", "pqc"]).rejected();
    assert!(err.contains("not allowed"), "{err}");
    let err = verify(&ed_pub, &classical, &["--alg", "ML-DSA-65"]).rejected();
    assert!(err.contains("not allowed"), "{err}");
    let err = verify(&ml_pub, &pq, &["--policy", "composite"]).rejected();
    assert!(err.contains("not allowed"), "{err}");
    let err = verify(&ed_pub, &classical, &["--policy", "quantum"]).usage_or_io();
    assert!(err.contains("unknown policy"), "{err}");
    // pqc is pure post-quantum: a composite is refused by it, accepted by hybrid and composite.
    let (hy, hy_pub) = keypair(&dir, "ML-DSA-44-Ed25519");
    let hybrid = sign(&hy, r#"{"sub":"x"}"#, Some("60"));
    let err = verify(&hy_pub, &hybrid, &["--policy", "pqc"]).rejected();
    assert!(err.contains("not allowed"), "{err}");
    verify(&hy_pub, &hybrid, &["--policy", "hybrid"]).ok();
    verify(&hy_pub, &hybrid, &["--policy", "composite"]).ok();
    verify(&ed_pub, &classical, &["--alg", "none"]).usage_or_io();

    // --raw keeps the allow-list, and refuses the claim options.
    verify(&ed_pub, &classical, &["--raw", "--alg", "Ed25519"]).ok();
    verify(&ed_pub, &classical, &["--raw", "--policy", "pqc"]).rejected();
    verify(&ed_pub, &classical, &["--raw", "--typ", "JWT"]).usage_or_io();
    verify(&ed_pub, &classical, &["--raw", "--max-age", "5"]).usage_or_io();

    // typ: case-insensitive, `application/` optional.
    let at = pqjose(
        &[
            "sign",
            "--key",
            path_str(&ed),
            "--ttl",
            "60",
            "--typ",
            "at+jwt",
        ],
        None,
    )
    .ok();
    verify(&ed_pub, &at, &["--typ", "application/AT+JWT"]).ok();
    let err = verify(&ed_pub, &at, &["--typ", "JWT"]).rejected();
    assert!(err.contains("typ"), "{err}");

    // Required claims, registered or custom.
    verify(
        &ed_pub,
        &classical,
        &["--require", "sub", "--require", "jti"],
    )
    .ok();
    let err = verify(&ed_pub, &classical, &["--require", "task"]).rejected();
    assert_eq!(err, "error: missing claim `task`");

    // Maximum age from iat.
    let now = verify(&ed_pub, &classical, &[]).json()["iat"]
        .as_i64()
        .unwrap();
    let old = sign(
        &ed,
        &format!(r#"{{"iat":{},"exp":{}}}"#, now - 600, now + 600),
        None,
    );
    verify(&ed_pub, &old, &["--max-age", "3600"]).ok();
    let err = verify(&ed_pub, &old, &["--max-age", "60"]).rejected();
    assert!(err.contains("maximum age"), "{err}");
}

#[test]
fn sign_adds_jti_and_keeps_given_times() {
    let dir = scratch("sign-claims");
    let (key, public) = keypair(&dir, "ES256");
    let token = sign(&key, r#"{"iat":2000000000,"sub":"s"}"#, Some("60"));
    let shown = pqjose(&["inspect", "-"], Some(token.as_bytes())).ok();
    assert!(
        shown.contains("\"exp\": 2000000060"),
        "exp = given iat + ttl"
    );
    assert!(shown.contains("\"jti\": \""), "a random jti");
    // iat far in the future: refused by the verifier.
    let err = pqjose(
        &["verify", "--key", path_str(&public)],
        Some(token.as_bytes()),
    )
    .rejected();
    assert!(err.contains("future"), "{err}");
    // Two tokens never share a jti.
    let a = pqjose(
        &["verify", "--key", path_str(&public)],
        Some(sign(&key, "{}", Some("60")).as_bytes()),
    )
    .json();
    let b = pqjose(
        &["verify", "--key", path_str(&public)],
        Some(sign(&key, "{}", Some("60")).as_bytes()),
    )
    .json();
    assert_ne!(a["jti"], b["jti"]);
}
