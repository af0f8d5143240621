//! Keys in OpenSSL's traditional forms and in X.509 certificates, made by the `openssl` command
//! line at test time: SEC1 `EC PRIVATE KEY` (`openssl ecparam -genkey`), PKCS#1
//! `RSA PRIVATE KEY` (`openssl genrsa -traditional`) and `RSA PUBLIC KEY`
//! (`openssl rsa -RSAPublicKey_out`), and self-signed certificates (`openssl req -x509`), in PEM
//! and DER, through `SigningKey::from_pem`/`from_der` and `VerifyingKey::from_pem`/`from_der`.
//!
//! Each key signs and the public form (SPKI, PKCS#1, certificate) verifies; each import equals
//! the import of the PKCS#8/SPKI form OpenSSL converts the same key to; OpenSSL's own
//! signatures verify against the key pqjose read from the certificate. A machine without
//! `openssl` FAILS these tests (they are the only check of this import against real files);
//! ML-DSA certificates are made only where the installed OpenSSL has ML-DSA (3.5+), with a
//! printed notice otherwise.

// Test helpers outside `#[test]` functions: unwrap, panic and indexing are fine here.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

mod openssl_support;

use std::path::{Path, PathBuf};

use openssl_support::{openssl, read, text, try_openssl};

use pqjose::{Algorithm, Error, JwsSigner, JwsVerifier, KeyError, SigningKey, VerifyingKey};

fn workdir(name: &str) -> PathBuf {
    openssl_support::workdir(&format!("openssl_keys_{name}"))
}

/// A self-signed certificate `cert.pem` (and `cert.der`) for `key.pem`.
fn self_signed(dir: &Path) {
    openssl(
        dir,
        "req -x509 -new -key key.pem -subj /CN=pqjose -days 2 -out cert.pem",
    );
    openssl(dir, "x509 -in cert.pem -outform DER -out cert.der");
}

/// `key.pem` in whatever form it is, plus the PKCS#8 and SPKI forms OpenSSL converts it to and
/// a certificate: every private form gives the same key, every public form its public half,
/// and a JWS signature made with each private form verifies with each public form.
fn check_forms(dir: &Path, alg: Algorithm, private_der: &[&str], public_forms: &[(&str, bool)]) {
    openssl(dir, "pkcs8 -topk8 -nocrypt -in key.pem -out pkcs8.pem");
    openssl(dir, "pkey -in key.pem -pubout -out spki.pem");
    self_signed(dir);
    let reference = SigningKey::from_pkcs8_pem(alg, &text(dir, "pkcs8.pem")).unwrap();
    let reference_jwk = reference.to_jwk().unwrap();
    let reference_public = VerifyingKey::from_spki_pem(alg, &text(dir, "spki.pem")).unwrap();
    assert_eq!(
        reference_public.to_jwk().unwrap(),
        reference.to_public_jwk().unwrap()
    );

    let mut private = vec![SigningKey::from_pem(alg, &text(dir, "key.pem")).unwrap()];
    private.push(SigningKey::from_pem(alg, &text(dir, "pkcs8.pem")).unwrap());
    for file in private_der {
        private.push(SigningKey::from_der(alg, &read(dir, file)).unwrap());
    }
    let mut public = vec![
        VerifyingKey::from_pem(alg, &text(dir, "spki.pem")).unwrap(),
        VerifyingKey::from_pem(alg, &text(dir, "cert.pem")).unwrap(),
        VerifyingKey::from_der(alg, &read(dir, "cert.der")).unwrap(),
    ];
    for (file, der) in public_forms {
        public.push(if *der {
            VerifyingKey::from_der(alg, &read(dir, file)).unwrap()
        } else {
            VerifyingKey::from_pem(alg, &text(dir, file)).unwrap()
        });
    }
    let msg = b"eyJhbGciOiJ0ZXN0In0.b3BlbnNzbCBmb3Jtcw";
    for sk in &private {
        assert_eq!(sk.to_jwk().unwrap(), reference_jwk, "{alg}");
        assert_eq!(sk.kid(), reference.kid());
        let sig = sk.sign(msg).unwrap();
        for vk in &public {
            assert_eq!(vk.to_jwk().unwrap(), reference_public.to_jwk().unwrap());
            vk.verify(msg, &sig).unwrap();
            assert_eq!(vk.verify(b"other", &sig), Err(Error::InvalidSignature));
        }
    }
    // A private form is not a public key, and the other way round.
    assert_eq!(
        VerifyingKey::from_pem(alg, &text(dir, "key.pem")).unwrap_err(),
        Error::Key(KeyError::NotPublic)
    );
    assert_eq!(
        SigningKey::from_pem(alg, &text(dir, "cert.pem")).unwrap_err(),
        Error::Key(KeyError::NotPrivate)
    );
    assert_eq!(
        SigningKey::from_der(alg, &read(dir, "cert.der")).unwrap_err(),
        Error::Key(KeyError::NotPrivate)
    );
}

fn ec_sec1(name: &str, alg: Algorithm, curve: &str) -> PathBuf {
    let dir = workdir(name);
    // `ecparam -genkey` writes an `EC PARAMETERS` block before the `EC PRIVATE KEY`.
    openssl(&dir, &format!("ecparam -name {curve} -genkey -out key.pem"));
    let pem = text(&dir, "key.pem");
    assert!(pem.contains("BEGIN EC PARAMETERS") && pem.contains("BEGIN EC PRIVATE KEY"));
    openssl(&dir, "ec -in key.pem -outform DER -out sec1.der");
    openssl(&dir, "ec -in key.pem -pubout -outform DER -out spki.der");
    check_forms(&dir, alg, &["sec1.der"], &[("spki.der", true)]);
    dir
}

#[test]
fn sec1_p256() {
    let dir = ec_sec1("p256", Algorithm::Es256, "prime256v1");
    // The curve in the key must be the algorithm's.
    let pem = text(&dir, "key.pem");
    for alg in [Algorithm::Es384, Algorithm::Rs256, Algorithm::Ed25519] {
        assert_eq!(
            SigningKey::from_pem(alg, &pem).unwrap_err(),
            Error::Key(KeyError::WrongKeyType),
            "{alg}"
        );
        assert_eq!(
            VerifyingKey::from_pem(alg, &text(&dir, "cert.pem")).unwrap_err(),
            Error::Key(KeyError::WrongKeyType),
            "{alg}"
        );
    }
}

#[test]
fn sec1_p384() {
    let dir = ec_sec1("p384", Algorithm::Es384, "secp384r1");
    assert_eq!(
        SigningKey::from_der(Algorithm::Es256, &read(&dir, "sec1.der")).unwrap_err(),
        Error::Key(KeyError::WrongKeyType)
    );
    assert_eq!(
        VerifyingKey::from_der(Algorithm::Es256, &read(&dir, "cert.der")).unwrap_err(),
        Error::Key(KeyError::WrongKeyType)
    );
}

/// pqjose has no ES512: a P-521 key (SEC1 or in a certificate) is the wrong curve for every
/// ECDSA algorithm it has.
#[test]
fn sec1_p521_is_refused() {
    let dir = workdir("p521");
    openssl(&dir, "ecparam -name secp521r1 -genkey -noout -out key.pem");
    self_signed(&dir);
    for alg in [Algorithm::Es256, Algorithm::Es384] {
        assert_eq!(
            SigningKey::from_pem(alg, &text(&dir, "key.pem")).unwrap_err(),
            Error::Key(KeyError::WrongKeyType)
        );
        assert_eq!(
            VerifyingKey::from_pem(alg, &text(&dir, "cert.pem")).unwrap_err(),
            Error::Key(KeyError::WrongKeyType)
        );
    }
}

#[test]
fn pkcs1_rsa() {
    let dir = workdir("rsa");
    openssl(&dir, "genrsa -traditional -out key.pem 2048");
    assert!(text(&dir, "key.pem").starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    openssl(
        &dir,
        "rsa -in key.pem -traditional -outform DER -out pkcs1.der",
    );
    openssl(&dir, "rsa -in key.pem -RSAPublicKey_out -out rsapub.pem");
    assert!(text(&dir, "rsapub.pem").starts_with("-----BEGIN RSA PUBLIC KEY-----"));
    openssl(
        &dir,
        "rsa -in key.pem -RSAPublicKey_out -outform DER -out rsapub.der",
    );
    for alg in [Algorithm::Rs256, Algorithm::Ps256, Algorithm::Rs512] {
        check_forms(
            &dir,
            alg,
            &["pkcs1.der"],
            &[("rsapub.pem", false), ("rsapub.der", true)],
        );
    }
    // OpenSSL signs with the PKCS#1 key; pqjose verifies with the certificate's key.
    std::fs::write(dir.join("msg"), b"signed by openssl").unwrap();
    openssl(&dir, "dgst -sha256 -sign key.pem -out sig msg");
    let vk = VerifyingKey::from_pem(Algorithm::Rs256, &text(&dir, "cert.pem")).unwrap();
    vk.verify(b"signed by openssl", &read(&dir, "sig")).unwrap();
    for alg in [Algorithm::Es256, Algorithm::Ed25519, Algorithm::MlDsa44] {
        for file in ["key.pem", "pkcs1.der"] {
            let bytes = read(&dir, file);
            let got = if file.ends_with(".der") {
                SigningKey::from_der(alg, &bytes)
            } else {
                SigningKey::from_pem(alg, &text(&dir, file))
            };
            assert_eq!(
                got.unwrap_err(),
                Error::Key(KeyError::WrongKeyType),
                "{alg}"
            );
        }
        for file in ["rsapub.pem", "cert.pem"] {
            assert_eq!(
                VerifyingKey::from_pem(alg, &text(&dir, file)).unwrap_err(),
                Error::Key(KeyError::WrongKeyType),
                "{alg} {file}"
            );
        }
    }
}

#[test]
fn pkcs1_rsa_too_weak() {
    let dir = workdir("rsa1024");
    openssl(&dir, "genrsa -traditional -out key.pem 1024");
    openssl(&dir, "rsa -in key.pem -RSAPublicKey_out -out rsapub.pem");
    assert_eq!(
        SigningKey::from_pem(Algorithm::Rs256, &text(&dir, "key.pem")).unwrap_err(),
        Error::Key(KeyError::TooWeak)
    );
    assert_eq!(
        VerifyingKey::from_pem(Algorithm::Rs256, &text(&dir, "rsapub.pem")).unwrap_err(),
        Error::Key(KeyError::TooWeak)
    );
}

#[test]
fn ed25519_certificate() {
    let dir = workdir("ed25519");
    openssl(&dir, "genpkey -algorithm ed25519 -out key.pem");
    openssl(&dir, "pkey -in key.pem -outform DER -out pkcs8.der");
    check_forms(&dir, Algorithm::Ed25519, &["pkcs8.der"], &[]);
    std::fs::write(dir.join("msg"), b"signed by openssl").unwrap();
    openssl(&dir, "pkeyutl -sign -rawin -in msg -inkey key.pem -out sig");
    let vk = VerifyingKey::from_der(Algorithm::Ed25519, &read(&dir, "cert.der")).unwrap();
    vk.verify(b"signed by openssl", &read(&dir, "sig")).unwrap();
}

/// ML-DSA keys and certificates, where the installed OpenSSL makes them (3.5+).
#[test]
fn ml_dsa_certificates() {
    for (alg, name) in ML_DSA {
        let dir = workdir(name);
        if let Err(e) = try_openssl(&dir, &format!("genpkey -algorithm {name} -out key.pem")) {
            let version = String::from_utf8(openssl(&dir, "version")).unwrap();
            eprintln!(
                "NOTICE: {} has no {name} ({}); ML-DSA certificates made by OpenSSL untested \
                 here (ml_dsa_key_in_an_openssl_certificate still runs)",
                version.trim(),
                e.lines().next().unwrap_or_default()
            );
            continue;
        }
        openssl(&dir, "pkey -in key.pem -outform DER -out pkcs8.der");
        check_forms(&dir, alg, &["pkcs8.der"], &[]);
    }
}

const ML_DSA: [(Algorithm, &str); 3] = [
    (Algorithm::MlDsa44, "ML-DSA-44"),
    (Algorithm::MlDsa65, "ML-DSA-65"),
    (Algorithm::MlDsa87, "ML-DSA-87"),
];

/// A DER length.
fn der_len(n: usize) -> Vec<u8> {
    match n {
        0..=0x7f => vec![u8::try_from(n).unwrap()],
        0x80..=0xff => vec![0x81, u8::try_from(n).unwrap()],
        _ => vec![0x82, u8::try_from(n >> 8).unwrap(), (n & 0xff) as u8],
    }
}

/// The header size and content length of the DER element at the start of `der`.
fn der_header(der: &[u8]) -> (usize, usize) {
    match der[1] {
        n @ 0..=0x7f => (2, usize::from(n)),
        0x81 => (3, usize::from(der[2])),
        0x82 => (4, (usize::from(der[2]) << 8) | usize::from(der[3])),
        other => panic!("length form {other:#x}"),
    }
}

/// `cert` with the SPKI `old` in its TBSCertificate replaced by `new`, the two enclosing
/// lengths fixed (the signature no longer matches: pqjose does not check it).
fn splice_spki(cert: &[u8], old: &[u8], new: &[u8]) -> Vec<u8> {
    let (cert_header, _) = der_header(cert);
    let tbs = &cert[cert_header..];
    let (tbs_header, tbs_len) = der_header(tbs);
    let (content, signature) = tbs[tbs_header..].split_at(tbs_len);
    let at = content.windows(old.len()).position(|w| w == old).unwrap();
    let content = [&content[..at], new, &content[at + old.len()..]].concat();
    let tbs = [&[0x30][..], &der_len(content.len()), &content].concat();
    let body = [&tbs[..], signature].concat();
    [&[0x30][..], &der_len(body.len()), &body].concat()
}

/// OpenSSL 3.0 makes no ML-DSA certificate: an OpenSSL-made certificate whose SPKI is replaced
/// by an ML-DSA one (as an ML-DSA certificate carries it, RFC 9881) gives that ML-DSA key.
#[test]
fn ml_dsa_key_in_an_openssl_certificate() {
    let dir = workdir("ml_dsa_splice");
    openssl(&dir, "genpkey -algorithm ed25519 -out key.pem");
    self_signed(&dir);
    let ed_spki = VerifyingKey::from_der(Algorithm::Ed25519, &read(&dir, "cert.der"))
        .unwrap()
        .to_spki_der()
        .unwrap();
    for (alg, _) in ML_DSA {
        let sk = SigningKey::generate(alg).unwrap();
        let spki = sk.verifying_key().unwrap().to_spki_der().unwrap();
        let cert = splice_spki(&read(&dir, "cert.der"), &ed_spki, &spki);
        let vk = VerifyingKey::from_der(alg, &cert).unwrap();
        assert_eq!(vk.thumbprint().unwrap(), sk.thumbprint().unwrap());
        let sig = sk.sign(b"msg").unwrap();
        vk.verify(b"msg", &sig).unwrap();
        // OpenSSL reads the spliced certificate too (it converts without checking anything).
        std::fs::write(dir.join("spliced.der"), &cert).unwrap();
        openssl(&dir, "x509 -inform DER -in spliced.der -out spliced.pem");
        assert_eq!(
            VerifyingKey::from_pem(alg, &text(&dir, "spliced.pem"))
                .unwrap()
                .to_jwk()
                .unwrap(),
            vk.to_jwk().unwrap()
        );
        for other in [Algorithm::MlDsa44, Algorithm::MlDsa87, Algorithm::Ed25519] {
            if other != alg {
                assert_eq!(
                    VerifyingKey::from_der(other, &cert).unwrap_err(),
                    Error::Key(KeyError::WrongKeyType),
                    "{alg} as {other}"
                );
            }
        }
    }
}

/// A certificate file with a chain: the first certificate's key is taken.
#[test]
fn certificate_chain_takes_the_leaf() {
    let leaf = workdir("chain_leaf");
    openssl(&leaf, "genpkey -algorithm ed25519 -out key.pem");
    self_signed(&leaf);
    let other = workdir("chain_other");
    openssl(&other, "genpkey -algorithm ed25519 -out key.pem");
    self_signed(&other);
    let chain = format!("{}{}", text(&leaf, "cert.pem"), text(&other, "cert.pem"));
    let vk = VerifyingKey::from_pem(Algorithm::Ed25519, &chain).unwrap();
    let sk = SigningKey::from_pem(Algorithm::Ed25519, &text(&leaf, "key.pem")).unwrap();
    assert_eq!(vk.thumbprint().unwrap(), sk.thumbprint().unwrap());
}

/// Damaged and foreign inputs are typed errors, never panics.
#[test]
fn garbage_is_refused() {
    let dir = workdir("garbage");
    openssl(&dir, "ecparam -name prime256v1 -genkey -noout -out key.pem");
    self_signed(&dir);
    openssl(&dir, "ec -in key.pem -outform DER -out sec1.der");
    let alg = Algorithm::Es256;
    let pem = text(&dir, "key.pem");
    let cert = text(&dir, "cert.pem");
    let pem_err = Error::Key(KeyError::Pem);
    for bad in [
        String::new(),
        "not a key".to_owned(),
        pem.replace("EC PRIVATE KEY", "DSA PRIVATE KEY"),
        pem.replace("-----END EC PRIVATE KEY-----", ""),
        pem.replacen('M', "!", 1),
        cert.replace("CERTIFICATE", "PRIVATE KEY"),
    ] {
        assert_eq!(
            SigningKey::from_pem(alg, &bad).unwrap_err(),
            pem_err,
            "{bad}"
        );
    }
    // The label alone says the key is encrypted: that is the error, whatever the content.
    assert_eq!(
        SigningKey::from_pem(alg, &pem.replace("EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"))
            .unwrap_err(),
        Error::Key(KeyError::EncryptedPrivateKey)
    );
    for bad in [
        String::new(),
        cert.replace("-----END CERTIFICATE-----", ""),
        cert.replace("CERTIFICATE", "PUBLIC KEY"),
    ] {
        assert_eq!(
            VerifyingKey::from_pem(alg, &bad).unwrap_err(),
            pem_err,
            "{bad}"
        );
    }
    // An RSA form for an EC algorithm is the wrong key type whatever it holds; for an RSA
    // algorithm, a certificate labelled `RSA PUBLIC KEY` is no PKCS#1 key.
    let rsa_label = cert.replace("CERTIFICATE", "RSA PUBLIC KEY");
    assert_eq!(
        VerifyingKey::from_pem(alg, &rsa_label).unwrap_err(),
        Error::Key(KeyError::WrongKeyType)
    );
    assert_eq!(
        VerifyingKey::from_pem(Algorithm::Rs256, &rsa_label).unwrap_err(),
        pem_err
    );
    // Every truncation and every single-byte change of the DER forms: an error or (for a
    // change the structure tolerates) a key, never a panic.
    for file in ["sec1.der", "cert.der"] {
        let der = read(&dir, file);
        for len in 0..der.len() {
            assert!(SigningKey::from_der(alg, &der[..len]).is_err());
            assert!(VerifyingKey::from_der(alg, &der[..len]).is_err());
        }
        for i in 0..der.len() {
            let mut bad = der.clone();
            bad[i] ^= 0x41;
            let _ = SigningKey::from_der(alg, &bad);
            let _ = VerifyingKey::from_der(alg, &bad);
        }
    }
    assert_eq!(
        SigningKey::from_der(alg, b"\x30\x03\x02\x01\x01").unwrap_err(),
        pem_err
    );
    assert_eq!(VerifyingKey::from_der(alg, &[0; 32]).unwrap_err(), pem_err);
}

/// Encrypted private keys, as `openssl pkcs8 -topk8 -v2 aes-256-cbc` (PKCS#8
/// `ENCRYPTED PRIVATE KEY`, PEM and DER) and `openssl ec -aes256` (a SEC1 block with
/// `Proc-Type: 4,ENCRYPTED`) write them, are refused as encrypted, not as malformed.
#[test]
fn encrypted_private_keys_are_refused_as_encrypted() {
    let dir = workdir("encrypted");
    openssl(
        &dir,
        "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem",
    );
    openssl(
        &dir,
        "pkcs8 -topk8 -v2 aes-256-cbc -passout pass:x -in key.pem -out enc.pem",
    );
    openssl(
        &dir,
        "pkcs8 -topk8 -v2 aes-256-cbc -passout pass:x -in key.pem -outform DER -out enc.der",
    );
    openssl(
        &dir,
        "ec -aes256 -passout pass:x -in key.pem -out legacy.pem",
    );
    let alg = Algorithm::Es256;
    let encrypted = Error::Key(KeyError::EncryptedPrivateKey);
    let (pem, der, legacy) = (
        text(&dir, "enc.pem"),
        read(&dir, "enc.der"),
        text(&dir, "legacy.pem"),
    );
    assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    assert!(legacy.contains("Proc-Type: 4,ENCRYPTED"));
    assert_eq!(SigningKey::from_pem(alg, &pem).unwrap_err(), encrypted);
    assert_eq!(
        SigningKey::from_pkcs8_pem(alg, &pem).unwrap_err(),
        encrypted
    );
    assert_eq!(SigningKey::from_pem(alg, &legacy).unwrap_err(), encrypted);
    assert_eq!(SigningKey::from_der(alg, &der).unwrap_err(), encrypted);
    assert_eq!(
        SigningKey::from_pkcs8_der(alg, &der).unwrap_err(),
        encrypted
    );
    assert_eq!(VerifyingKey::from_pem(alg, &pem).unwrap_err(), encrypted);
    assert_eq!(VerifyingKey::from_der(alg, &der).unwrap_err(), encrypted);
    assert!(encrypted.to_string().contains("encrypted"), "{encrypted}");
    assert_eq!(encrypted.code(), 217);
    // The plain key still imports; a truncated encrypted document is just malformed.
    SigningKey::from_pem(alg, &text(&dir, "key.pem")).unwrap();
    assert_eq!(
        SigningKey::from_der(alg, &der[..der.len() - 1]).unwrap_err(),
        Error::Key(KeyError::Pem)
    );
}
