//! JWE encryption keys made by the `openssl` command line at test time, read by
//! `DecryptionKey::from_pem`/`from_der` and `EncryptionKey::from_pem`/`from_der`: X25519
//! (`openssl genpkey`), P-256 and P-384 in SEC1 (`openssl ecparam -genkey`, with its
//! `EC PARAMETERS` block), RSA in PKCS#1 (`openssl genrsa -traditional`, `RSA PUBLIC KEY`), the
//! PKCS#8/SPKI forms OpenSSL converts each to, and self-signed certificates.
//!
//! Each private form gives the same key, each public form its public half; a JWE encrypted to
//! each imported public key decrypts with the imported private key (RSA-OAEP only where the
//! build decrypts it: `aws-lc`); pqjose's own PKCS#8 export is read back by OpenSSL, whose
//! public key equals pqjose's SPKI export. Wrong curve, RSA below 2048 bits and signature-only
//! key types are refused with typed errors. A machine without `openssl` FAILS these tests.

// Test helpers outside `#[test]` functions: unwrap, panic and indexing are fine here.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

mod openssl_support;

use std::path::{Path, PathBuf};

use openssl_support::{openssl, read, text};

use pqjose::jwe::{self, DecryptionKey, EncryptionKey, KeyManagement};
use pqjose::{Error, JweError, KeyError};

fn workdir(name: &str) -> PathBuf {
    openssl_support::workdir(&format!("openssl_jwe_{name}"))
}

/// A JWE to `public` opens with `private` (RSA-OAEP: or is refused by a build without
/// `aws-lc`), and not with another key of the same algorithm and type.
fn opens(public: &EncryptionKey, private: &DecryptionKey) {
    let token = jwe::encrypt(public, b"db password").unwrap();
    match jwe::decrypt(private, &token) {
        Ok(opened) => assert_eq!(opened.plaintext(), b"db password"),
        Err(e) => assert_eq!(
            (e, cfg!(feature = "aws-lc")),
            (Error::Jwe(JweError::RsaDecryptionUnavailable), false)
        ),
    }
}

/// `key.pem` (any private form) for `alg`: every private form (the file itself, PKCS#8 PEM and
/// DER, the traditional DER) gives one key; every public form (SPKI PEM and DER, and `extra`
/// files) its public half; each pair encrypts and decrypts; the exports round-trip and
/// OpenSSL reads pqjose's PKCS#8 back to the same public key.
fn check(dir: &Path, alg: KeyManagement, traditional_der: bool, extra_public: &[&str]) {
    openssl(dir, "pkcs8 -topk8 -nocrypt -in key.pem -out pkcs8.pem");
    openssl(
        dir,
        "pkcs8 -topk8 -nocrypt -in key.pem -outform DER -out pkcs8.der",
    );
    openssl(dir, "pkey -in key.pem -pubout -out spki.pem");
    openssl(dir, "pkey -in key.pem -pubout -outform DER -out spki.der");
    let reference = DecryptionKey::from_pkcs8_pem(alg, &text(dir, "pkcs8.pem")).unwrap();
    assert_eq!(reference.algorithm(), alg);
    let mut private = vec![
        DecryptionKey::from_pem(alg, &text(dir, "key.pem")).unwrap(),
        DecryptionKey::from_der(alg, &read(dir, "pkcs8.der")).unwrap(),
        DecryptionKey::from_pkcs8_der(alg, &read(dir, "pkcs8.der")).unwrap(),
    ];
    if traditional_der {
        openssl(
            dir,
            "pkey -in key.pem -outform DER -traditional -out key.der",
        );
        private.push(DecryptionKey::from_der(alg, &read(dir, "key.der")).unwrap());
    }
    let mut public = vec![
        EncryptionKey::from_spki_pem(alg, &text(dir, "spki.pem")).unwrap(),
        EncryptionKey::from_pem(alg, &text(dir, "spki.pem")).unwrap(),
        EncryptionKey::from_der(alg, &read(dir, "spki.der")).unwrap(),
    ];
    for file in extra_public {
        let bytes = read(dir, file);
        public.push(
            match String::from_utf8(bytes.clone()) {
                Ok(pem) if pem.contains("-----BEGIN ") => EncryptionKey::from_pem(alg, &pem),
                _ => EncryptionKey::from_der(alg, &bytes),
            }
            .unwrap_or_else(|e| panic!("{file}: {e}")),
        );
    }
    for key in &private {
        assert_eq!(key.to_jwk().unwrap(), reference.to_jwk().unwrap());
        assert_eq!(key.kid(), reference.thumbprint().unwrap());
    }
    for key in &public {
        assert_eq!(key.to_jwk().unwrap(), reference.to_public_jwk().unwrap());
        opens(key, &private[0]);
    }
    // pqjose's exports, read back by pqjose and by OpenSSL.
    let exported = reference.to_pkcs8_pem().unwrap();
    let again = DecryptionKey::from_pem(alg, &exported).unwrap();
    assert_eq!(again.to_jwk().unwrap(), reference.to_jwk().unwrap());
    std::fs::write(dir.join("ours.pem"), exported.as_bytes()).unwrap();
    openssl(dir, "pkey -in ours.pem -pubout -out ours-spki.pem");
    let spki = reference.encryption_key().to_spki_pem().unwrap();
    assert_eq!(text(dir, "ours-spki.pem"), spki);
    assert_eq!(spki, text(dir, "spki.pem"));
    // A private form is no public key, and the other way round.
    assert_eq!(
        EncryptionKey::from_pem(alg, &text(dir, "key.pem")).unwrap_err(),
        Error::Key(KeyError::NotPublic)
    );
    assert_eq!(
        DecryptionKey::from_pem(alg, &spki).unwrap_err(),
        Error::Key(KeyError::NotPrivate)
    );
}

/// `openssl` refuses with `what` for `alg`, privately and publicly.
fn refused(dir: &Path, alg: KeyManagement, what: Error) {
    openssl(dir, "pkey -in key.pem -pubout -out spki.pem");
    assert_eq!(
        DecryptionKey::from_pem(alg, &text(dir, "key.pem")).unwrap_err(),
        what,
        "{alg}"
    );
    assert_eq!(
        EncryptionKey::from_pem(alg, &text(dir, "spki.pem")).unwrap_err(),
        what,
        "{alg}"
    );
}

#[test]
fn openssl_x25519() {
    let dir = workdir("x25519");
    openssl(&dir, "genpkey -algorithm X25519 -out key.pem");
    for alg in [
        KeyManagement::EcdhEs,
        KeyManagement::EcdhEsA128Kw,
        KeyManagement::EcdhEsA256Kw,
        KeyManagement::Hpke3,
        KeyManagement::Hpke3Ke,
        KeyManagement::Hpke4,
    ] {
        check(&dir, alg, false, &[]);
    }
    for alg in [KeyManagement::Hpke0, KeyManagement::RsaOaep256] {
        refused(&dir, alg, Error::Key(KeyError::WrongKeyType));
    }
    refused(
        &dir,
        KeyManagement::Hpke9,
        Error::Key(KeyError::PemUnsupported),
    );
}

#[test]
fn openssl_p256_sec1_and_certificate() {
    let dir = workdir("p256");
    openssl(&dir, "ecparam -name prime256v1 -genkey -out key.pem");
    assert!(text(&dir, "key.pem").contains("BEGIN EC PARAMETERS"));
    openssl(
        &dir,
        "req -x509 -new -key key.pem -subj /CN=pqjose -days 2 -out cert.pem",
    );
    openssl(&dir, "x509 -in cert.pem -outform DER -out cert.der");
    for alg in [
        KeyManagement::EcdhEsA256Kw,
        KeyManagement::EcdhEs,
        KeyManagement::Hpke0,
        KeyManagement::Hpke7Ke,
    ] {
        check(&dir, alg, true, &["cert.pem", "cert.der"]);
    }
    for alg in [
        KeyManagement::Hpke1,
        KeyManagement::Hpke3,
        KeyManagement::RsaOaep,
    ] {
        refused(&dir, alg, Error::Key(KeyError::WrongKeyType));
    }
}

#[test]
fn openssl_p384_sec1() {
    let dir = workdir("p384");
    openssl(&dir, "ecparam -name secp384r1 -genkey -noout -out key.pem");
    for alg in [KeyManagement::EcdhEsA128Kw, KeyManagement::Hpke1Ke] {
        check(&dir, alg, true, &[]);
    }
    refused(
        &dir,
        KeyManagement::Hpke0,
        Error::Key(KeyError::WrongKeyType),
    );
}

#[test]
fn openssl_rsa_pkcs1_and_certificate() {
    let dir = workdir("rsa");
    openssl(&dir, "genrsa -traditional -out key.pem 2048");
    assert!(text(&dir, "key.pem").contains("BEGIN RSA PRIVATE KEY"));
    openssl(
        &dir,
        "rsa -in key.pem -RSAPublicKey_out -out pkcs1-public.pem",
    );
    openssl(
        &dir,
        "rsa -in key.pem -RSAPublicKey_out -outform DER -out pkcs1-public.der",
    );
    openssl(
        &dir,
        "req -x509 -new -key key.pem -subj /CN=pqjose -days 2 -out cert.pem",
    );
    for alg in [KeyManagement::RsaOaep256, KeyManagement::RsaOaep] {
        check(
            &dir,
            alg,
            true,
            &["pkcs1-public.pem", "pkcs1-public.der", "cert.pem"],
        );
    }
    for alg in [KeyManagement::EcdhEs, KeyManagement::Hpke0] {
        refused(&dir, alg, Error::Key(KeyError::WrongKeyType));
    }
    refused(
        &dir,
        KeyManagement::A256Kw,
        Error::Key(KeyError::PemUnsupported),
    );
}

#[test]
fn weak_foreign_and_pss_keys_are_refused() {
    let wrong = Error::Key(KeyError::WrongKeyType);
    let dir = workdir("refused");
    openssl(&dir, "genrsa -out key.pem 1024");
    refused(
        &dir,
        KeyManagement::RsaOaep256,
        Error::Key(KeyError::TooWeak),
    );
    // An RSASSA-PSS key is restricted to signatures (RFC 4055).
    openssl(
        &dir,
        "genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out key.pem",
    );
    refused(&dir, KeyManagement::RsaOaep256, wrong.clone());
    // Curves and key types no JWE algorithm here takes.
    openssl(&dir, "ecparam -name secp521r1 -genkey -noout -out key.pem");
    refused(&dir, KeyManagement::EcdhEsA256Kw, wrong.clone());
    openssl(&dir, "ecparam -name secp256k1 -genkey -noout -out key.pem");
    refused(&dir, KeyManagement::EcdhEs, wrong.clone());
    for kind in ["ED25519", "X448", "ED448"] {
        openssl(&dir, &format!("genpkey -algorithm {kind} -out key.pem"));
        refused(&dir, KeyManagement::EcdhEs, wrong.clone());
        refused(&dir, KeyManagement::Hpke3, wrong.clone());
    }
}
