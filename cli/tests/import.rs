//! `pqjose import` over files made by the `openssl` command line (required: a machine without
//! it fails this test): every private form (PKCS#8, SEC1, PKCS#1; PEM and DER) gives a private
//! JWK that signs through `pqjose sign`, and every public form (SPKI, PKCS#1, certificate; PEM
//! and DER) gives a public JWK that verifies the token through `pqjose verify`. Wrong
//! algorithm, garbage and a missing file exit 2; stdin `-` works; `--kid` sets the kid.

mod common;

use std::path::Path;

use common::{file, import_refused, openssl, path_str, pqjose, scratch, tamper_signature};

/// `pqjose import --alg ALG FILE` to stdout: the JWK.
fn import(alg: &str, path: &str) -> serde_json::Value {
    pqjose(&["import", "--alg", alg, path], None).json()
}

/// Sign a JWT with the private JWK file `private` and verify it with each public JWK file; a
/// tampered token is rejected.
fn sign_and_verify(dir: &Path, private: &str, publics: &[String]) {
    let token = pqjose(&["sign", "--key", private, "--ttl", "60"], None).ok();
    let token_file = dir.join("token");
    std::fs::write(&token_file, &token).unwrap();
    let bad_file = dir.join("bad-token");
    std::fs::write(&bad_file, tamper_signature(token.trim_end())).unwrap();
    for public in publics {
        pqjose(&["verify", "--key", public, path_str(&token_file)], None).ok();
        pqjose(&["verify", "--key", public, path_str(&bad_file)], None).rejected();
    }
}

/// Import `private` forms and `public` forms of one key; all private JWKs are equal, all public
/// JWKs are equal and the private one's public half; each private JWK signs and each public
/// one verifies.
fn check(dir: &Path, alg: &str, private: &[&str], public: &[&str]) {
    let mut private_jwks = Vec::new();
    for (i, name) in private.iter().enumerate() {
        let out = file(dir, &format!("{alg}-private-{i}.json"));
        pqjose(
            &["import", "--alg", alg, "--out", &out, &file(dir, name)],
            None,
        )
        .ok();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&out).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{alg} {name}: private JWK file mode");
        }
        let jwk: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(jwk["alg"], alg, "{name}");
        private_jwks.push((out, jwk));
    }
    let (first_file, first) = &private_jwks[0];
    for (_, jwk) in &private_jwks {
        assert_eq!(jwk, first, "{alg}: every private form gives the same JWK");
    }
    let expected_public = pqjose(&["public", first_file], None).json();
    let mut public_files = Vec::new();
    for (i, name) in public.iter().enumerate() {
        let jwk = import(alg, &file(dir, name));
        assert_eq!(jwk, expected_public, "{alg} {name}");
        for member in ["d", "p", "q", "priv"] {
            assert!(jwk.get(member).is_none(), "{name}: public JWK has {member}");
        }
        let out = file(dir, &format!("{alg}-public-{i}.json"));
        std::fs::write(&out, jwk.to_string()).unwrap();
        public_files.push(out);
    }
    for (private_file, _) in &private_jwks {
        sign_and_verify(dir, private_file, &public_files);
    }
}

fn certificate(dir: &Path) {
    openssl(
        dir,
        "req -x509 -new -key key.pem -subj /CN=pqjose -days 2 -out cert.pem",
    );
    openssl(dir, "x509 -in cert.pem -outform DER -out cert.der");
}

#[test]
fn ec_sec1_spki_and_certificate() {
    let dir = scratch("import-ec");
    openssl(&dir, "ecparam -name prime256v1 -genkey -out key.pem");
    openssl(&dir, "ec -in key.pem -outform DER -out sec1.der");
    openssl(&dir, "pkcs8 -topk8 -nocrypt -in key.pem -out pkcs8.pem");
    openssl(
        &dir,
        "pkcs8 -topk8 -nocrypt -in key.pem -outform DER -out pkcs8.der",
    );
    openssl(&dir, "ec -in key.pem -pubout -out spki.pem");
    openssl(&dir, "ec -in key.pem -pubout -outform DER -out spki.der");
    certificate(&dir);
    check(
        &dir,
        "ES256",
        &["key.pem", "sec1.der", "pkcs8.pem", "pkcs8.der"],
        &["spki.pem", "spki.der", "cert.pem", "cert.der"],
    );
    // Wrong algorithm or curve: exit 2, one error line, nothing on stdout.
    for alg in ["ES384", "RS256", "Ed25519", "ML-DSA-44"] {
        for name in ["key.pem", "sec1.der", "cert.pem", "cert.der"] {
            import_refused(&dir, alg, name);
        }
    }
}

#[test]
fn rsa_pkcs1_and_certificate() {
    let dir = scratch("import-rsa");
    openssl(&dir, "genrsa -traditional -out key.pem 2048");
    openssl(
        &dir,
        "rsa -in key.pem -traditional -outform DER -out pkcs1.der",
    );
    openssl(&dir, "rsa -in key.pem -RSAPublicKey_out -out rsapub.pem");
    openssl(
        &dir,
        "rsa -in key.pem -RSAPublicKey_out -outform DER -out rsapub.der",
    );
    certificate(&dir);
    check(
        &dir,
        "PS256",
        &["key.pem", "pkcs1.der"],
        &["rsapub.pem", "rsapub.der", "cert.pem", "cert.der"],
    );
    let out = pqjose(&["import", "--alg", "ES256", &file(&dir, "key.pem")], None);
    out.usage_or_io();
}

/// `pqjose import --alg Ed25519 --kid issuer-2026 --out OUT FILE`.
fn import_with_kid(out: &str, file: &str) {
    let args = [
        "--alg",
        "Ed25519",
        "--kid",
        "issuer-2026",
        "--out",
        out,
        file,
    ];
    pqjose(&[&["import"][..], &args].concat(), None).ok();
}

#[test]
fn ed25519_stdin_and_kid() {
    let dir = scratch("import-ed25519");
    openssl(&dir, "genpkey -algorithm ed25519 -out key.pem");
    certificate(&dir);
    // stdin, without and with `-`; the kid is the thumbprint unless `--kid` says otherwise.
    let pem = std::fs::read(dir.join("key.pem")).unwrap();
    let jwk = pqjose(&["import", "--alg", "Ed25519"], Some(&pem)).json();
    let same = pqjose(&["import", "--alg", "Ed25519", "-"], Some(&pem)).json();
    assert_eq!(jwk, same);
    assert!(jwk.get("d").is_some());
    let private = file(&dir, "private.json");
    std::fs::write(&private, jwk.to_string()).unwrap();
    let thumbprint = pqjose(&["public", &private], None).json()["kid"].clone();
    assert_eq!(jwk["kid"], thumbprint);
    let der = std::fs::read(dir.join("cert.der")).unwrap();
    let public = pqjose(
        &["import", "--alg", "Ed25519", "--kid", "issuer-2026", "-"],
        Some(&der),
    )
    .json();
    assert_eq!(public["kid"], "issuer-2026");
    assert!(public.get("d").is_none());
    let out = file(&dir, "public.json");
    import_with_kid(&out, &file(&dir, "cert.pem"));
    let written: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(written, public);
    // The token carries the imported key's kid; the certificate's JWK (kid set to match)
    // verifies it.
    let signer = file(&dir, "signer.json");
    import_with_kid(&signer, &file(&dir, "key.pem"));
    sign_and_verify(&dir, &signer, &[out]);
    let err = pqjose(
        &["import", "--alg", "Ed25519", "--kid", "", "-"],
        Some(&pem),
    );
    err.usage_or_io();
}

#[test]
fn garbage_and_missing_files_exit_2() {
    let dir = scratch("import-garbage");
    std::fs::write(dir.join("garbage"), [0x30, 0x82, 0xff, 0xff, 1, 2, 3]).unwrap();
    std::fs::write(
        dir.join("bad.pem"),
        "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    for name in ["garbage", "bad.pem", "missing.pem"] {
        let out = pqjose(&["import", "--alg", "ES256", &file(&dir, name)], None);
        out.one_error_line();
        out.usage_or_io();
    }
    pqjose(&["import", "--alg", "ES256", "-"], Some(b"")).usage_or_io();
    pqjose(&["import", "--alg", "nope", "-"], Some(b"")).usage_or_io();
    pqjose(&["import", "-"], Some(b"")).usage_or_io();
}

#[test]
fn encrypted_pkcs8_exits_2_saying_encrypted() {
    let dir = scratch("import-encrypted");
    openssl(&dir, "genpkey -algorithm ED25519 -out key.pem");
    openssl(
        &dir,
        "pkcs8 -topk8 -v2 aes-256-cbc -passout pass:x -in key.pem -out enc.pem",
    );
    openssl(
        &dir,
        "pkcs8 -topk8 -v2 aes-256-cbc -passout pass:x -in key.pem -outform DER -out enc.der",
    );
    for name in ["enc.pem", "enc.der"] {
        let out = pqjose(&["import", "--alg", "Ed25519", &file(&dir, name)], None);
        let line = out.one_error_line();
        out.usage_or_io();
        assert!(line.contains("encrypted"), "{name}: {line}");
    }
    import("Ed25519", &file(&dir, "key.pem"));
}

/// Composite keys in the LAMPS PKCS#8/SPKI forms, with the draft's own test vectors as the
/// files (see `tests/data/lamps-composite-sigs/PROVENANCE.md`): the PKCS#8 key and the
/// certificate import as ML-DSA-65-ES256 and agree, and another composite refuses them.
#[test]
fn composite_pkcs8_and_certificate() {
    use base64ct::{Base64, Encoding};
    let dir = scratch("import-composite");
    let vectors: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/data/lamps-composite-sigs/composite-six.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let t = vectors["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["jose_alg"] == "ML-DSA-65-ES256")
        .unwrap();
    let der = Base64::decode_vec(t["sk_pkcs8"].as_str().unwrap()).unwrap();
    let b64 = t["sk_pkcs8"].as_str().unwrap();
    let lines: Vec<&str> = (0..b64.len())
        .step_by(64)
        .map(|i| &b64[i..b64.len().min(i + 64)])
        .collect();
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        lines.join("\n")
    );
    std::fs::write(dir.join("key.der"), &der).unwrap();
    std::fs::write(dir.join("key.pem"), pem).unwrap();
    let cert = Base64::decode_vec(t["x5c"].as_str().unwrap()).unwrap();
    std::fs::write(dir.join("cert.der"), &cert).unwrap();

    let private = import("ML-DSA-65-ES256", &file(&dir, "key.pem"));
    assert_eq!(private["alg"], "ML-DSA-65-ES256");
    assert!(private["priv"].is_string());
    assert_eq!(import("ML-DSA-65-ES256", &file(&dir, "key.der")), private);
    let public = import("ML-DSA-65-ES256", &file(&dir, "cert.der"));
    assert_eq!(public["pub"], private["pub"]);
    assert_eq!(public["kid"], private["kid"]);
    assert!(public.get("priv").is_none());
    pqjose(
        &["import", "--alg", "ML-DSA-44-ES256", &file(&dir, "key.pem")],
        None,
    )
    .usage_or_io();
}
