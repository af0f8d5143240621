//! `pqjose import --alg <JWE key management>` over files made by the `openssl` command line
//! (required: a machine without it fails this test): X25519 and P-256 for `ECDH-ES+A256KW`,
//! P-256 for `HPKE-0`, RSA for `RSA-OAEP-256`. The private forms give one private JWK bound
//! to the algorithm, the public forms its public JWK; `pqjose encrypt` to the imported public
//! JWK and `pqjose decrypt` with the imported private one give the secret back (RSA-OAEP: or
//! the build's RUSTSEC-2023-0071 refusal); the imported key cannot sign; a key of another type
//! or curve, or an algorithm without a PEM form, exits 2.

mod common;

use std::path::Path;

use common::{file, import_refused, openssl, pqjose, scratch};

/// Import every private form of `key.pem` and every public form in `public` for `alg`: one
/// private JWK, whose public half every public form gives; encrypt to each public JWK and
/// decrypt with the private one.
fn check(dir: &Path, alg: &str, public: &[&str]) {
    openssl(
        dir,
        "pkcs8 -topk8 -nocrypt -in key.pem -outform DER -out pkcs8.der",
    );
    openssl(dir, "pkey -in key.pem -pubout -out spki.pem");
    openssl(dir, "pkey -in key.pem -pubout -outform DER -out spki.der");
    let private = file(dir, &format!("{alg}.jwk"));
    pqjose(
        &[
            "import",
            "--alg",
            alg,
            "--out",
            &private,
            &file(dir, "key.pem"),
        ],
        None,
    )
    .ok();
    let jwk: serde_json::Value = serde_json::from_slice(&std::fs::read(&private).unwrap()).unwrap();
    assert_eq!(jwk["alg"], alg);
    let from_der = pqjose(&["import", "--alg", alg, &file(dir, "pkcs8.der")], None).json();
    assert_eq!(from_der, jwk);
    let expected_public = pqjose(&["public", &private], None).json();
    let secret = b"postgres://app:s3cret@db/prod";
    for name in [&["spki.pem", "spki.der"][..], public].concat() {
        let jwk = pqjose(&["import", "--alg", alg, &file(dir, name)], None).json();
        assert_eq!(jwk, expected_public, "{alg} {name}");
        assert!(jwk.get("d").is_none());
        let public_file = file(dir, &format!("{alg}-{name}.pub.jwk"));
        std::fs::write(&public_file, jwk.to_string()).unwrap();
        let jwe = pqjose(&["encrypt", "--key", &public_file], Some(secret)).ok();
        let out = pqjose(&["decrypt", "--key", &private], Some(jwe.as_bytes()));
        if alg.starts_with("RSA-OAEP") && out.code == 1 {
            assert!(out.one_error_line().contains("RUSTSEC-2023-0071"));
        } else {
            assert_eq!(out.ok().as_bytes(), secret, "{alg} {name}");
        }
    }
    // Bound to the JWE algorithm: it cannot sign.
    let sign = pqjose(&["sign", "--key", &private, "--ttl", "60"], None);
    sign.usage_or_io();
}

#[test]
fn x25519_for_ecdh_es() {
    let dir = scratch("import-jwe-x25519");
    openssl(&dir, "genpkey -algorithm X25519 -out key.pem");
    check(&dir, "ECDH-ES+A256KW", &[]);
    for alg in ["RSA-OAEP-256", "HPKE-0", "HPKE-9", "Ed25519"] {
        import_refused(&dir, alg, "key.pem");
    }
}

#[test]
fn p256_sec1_and_certificate_for_ecdh_es_and_hpke() {
    let dir = scratch("import-jwe-p256");
    openssl(&dir, "ecparam -name prime256v1 -genkey -out key.pem");
    openssl(
        &dir,
        "req -x509 -new -key key.pem -subj /CN=pqjose -days 2 -out cert.pem",
    );
    check(&dir, "ECDH-ES+A256KW", &["cert.pem"]);
    check(&dir, "HPKE-0", &["cert.pem"]);
    for alg in ["HPKE-1", "HPKE-3", "RSA-OAEP-256", "A256KW", "HPKE-12"] {
        import_refused(&dir, alg, "key.pem");
        import_refused(&dir, alg, "cert.pem");
    }
}

#[test]
fn rsa_pkcs1_for_rsa_oaep_256() {
    let dir = scratch("import-jwe-rsa");
    openssl(&dir, "genrsa -traditional -out key.pem 2048");
    openssl(&dir, "rsa -in key.pem -RSAPublicKey_out -out rsapub.pem");
    check(&dir, "RSA-OAEP-256", &["rsapub.pem"]);
    import_refused(&dir, "ECDH-ES", "key.pem");
    openssl(&dir, "genrsa -out weak.pem 1024");
    import_refused(&dir, "RSA-OAEP-256", "weak.pem");
}
