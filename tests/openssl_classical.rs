//! Keys made with the OpenSSL command line work in pqjose, and the other way round: PKCS#8 and
//! SPKI (PEM and DER) for Ed25519, P-256, P-384 and RSA; signatures made by each side verify on
//! the other. Skipped, with a printed notice, when `openssl` is not installed.

// Test helpers outside `#[test]` functions: unwrap, panic and indexing are fine here.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::Command;

use pqjose::{Algorithm, Error, JwsSigner, JwsVerifier, KeyError, SigningKey, VerifyingKey};

/// Run `openssl` with `args` in `dir`; `None` when the binary is missing.
fn openssl(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(out.stdout)
}

fn workdir(name: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("openssl_classical_{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    if openssl(&dir, &["version"]).is_none() {
        eprintln!("NOTICE: `openssl` not found; skipping the OpenSSL interoperability test {name}");
        return None;
    }
    Some(dir)
}

fn read(dir: &Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(file)).unwrap()
}

fn read_text(dir: &Path, file: &str) -> String {
    String::from_utf8(read(dir, file)).unwrap()
}

fn write(dir: &Path, file: &str, bytes: &[u8]) {
    std::fs::write(dir.join(file), bytes).unwrap();
}

/// A DER INTEGER from a fixed-width big-endian unsigned value.
fn der_integer(bytes: &[u8]) -> Vec<u8> {
    let start = bytes
        .iter()
        .take_while(|b| **b == 0)
        .count()
        .min(bytes.len() - 1);
    let mut v = bytes[start..].to_vec();
    if v[0] & 0x80 != 0 {
        v.insert(0, 0);
    }
    let mut out = vec![0x02, u8::try_from(v.len()).unwrap()];
    out.extend(v);
    out
}

/// ECDSA r‖s → the DER `SEQUENCE { r, s }` OpenSSL reads.
fn p1363_to_der(sig: &[u8]) -> Vec<u8> {
    let (r, s) = sig.split_at(sig.len() / 2);
    let body = [der_integer(r), der_integer(s)].concat();
    let mut out = vec![0x30];
    if body.len() >= 0x80 {
        out.push(0x81);
    }
    out.push(u8::try_from(body.len()).unwrap());
    out.extend(body);
    out
}

/// The DER `SEQUENCE { r, s }` OpenSSL writes → fixed-width r‖s.
fn der_to_p1363(der: &[u8], len: usize) -> Vec<u8> {
    let mut i = if der[1] == 0x81 { 3 } else { 2 };
    let mut out = Vec::new();
    for _ in 0..2 {
        assert_eq!(der[i], 0x02);
        let n = usize::from(der[i + 1]);
        let int = &der[i + 2..i + 2 + n];
        let int = &int[int.len().saturating_sub(len)..];
        out.extend(std::iter::repeat_n(0, len - int.len()));
        out.extend_from_slice(int);
        i += 2 + n;
    }
    out
}

/// The options that make `openssl dgst` sign or verify the way `alg` does.
fn dgst_args(alg: Algorithm) -> Vec<&'static str> {
    let hash = match alg {
        Algorithm::Es256 | Algorithm::Rs256 | Algorithm::Ps256 => "-sha256",
        Algorithm::Es384 => "-sha384",
        _ => unreachable!("no dgst for {alg}"),
    };
    let mut args = vec!["dgst", hash];
    if alg == Algorithm::Ps256 {
        args.extend([
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:32",
            "-sigopt",
            "rsa_mgf1_md:sha256",
        ]);
    }
    args
}

/// Generate a key with `openssl genpkey`, import it, and check signatures both ways.
fn interoperate(name: &str, alg: Algorithm, genpkey: &[&str]) {
    let Some(dir) = workdir(name) else { return };
    let mut args = vec!["genpkey", "-out", "key.pem"];
    args.extend(genpkey);
    openssl(&dir, &args).unwrap();
    openssl(
        &dir,
        &["pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem"],
    )
    .unwrap();
    // (`pkey -outform DER` would write the SEC1 form for EC keys.)
    let pkcs8_der = [
        "pkcs8", "-topk8", "-nocrypt", "-in", "key.pem", "-outform", "DER",
    ];
    openssl(&dir, &[&pkcs8_der[..], &["-out", "key.der"]].concat()).unwrap();
    let pub_args = [
        "pkey", "-pubin", "-in", "pub.pem", "-outform", "DER", "-out", "pub.der",
    ];
    openssl(&dir, &pub_args).unwrap();

    // Import every form; they are the same key.
    let sk = SigningKey::from_pkcs8_pem(alg, &read_text(&dir, "key.pem")).unwrap();
    let sk_der = SigningKey::from_pkcs8_der(alg, &read(&dir, "key.der")).unwrap();
    let vk = VerifyingKey::from_spki_pem(alg, &read_text(&dir, "pub.pem")).unwrap();
    let vk_der = VerifyingKey::from_spki_der(alg, &read(&dir, "pub.der")).unwrap();
    let print = sk.thumbprint().unwrap();
    assert_eq!(sk_der.thumbprint().unwrap(), print);
    assert_eq!(vk.thumbprint().unwrap(), print);
    assert_eq!(vk_der.thumbprint().unwrap(), print);
    // pqjose writes the SPKI OpenSSL wrote, and OpenSSL reads pqjose's PKCS#8.
    assert_eq!(vk.to_spki_der().unwrap(), read(&dir, "pub.der"));
    write(&dir, "ours.pem", sk.to_pkcs8_pem().unwrap().as_bytes());
    let ours_pub = openssl(&dir, &["pkey", "-in", "ours.pem", "-pubout"]).unwrap();
    assert_eq!(ours_pub, read(&dir, "pub.pem"));

    let msg = b"eyJhbGciOiJ0ZXN0In0.b3BlbnNzbCBpbnRlcm9w";
    write(&dir, "msg", msg);
    // pqjose signs, OpenSSL verifies.
    let sig = sk.sign(msg).unwrap();
    let ed = matches!(alg, Algorithm::Ed25519 | Algorithm::EdDsa);
    let ec = matches!(alg, Algorithm::Es256 | Algorithm::Es384);
    write(&dir, "sig", &if ec { p1363_to_der(&sig) } else { sig });
    let mut verify: Vec<&str> = if ed {
        vec![
            "pkeyutl", "-verify", "-rawin", "-in", "msg", "-sigfile", "sig",
        ]
    } else {
        let mut v = dgst_args(alg);
        v.extend(["-signature", "sig"]);
        v
    };
    if ed {
        verify.extend(["-pubin", "-inkey", "pub.pem"]);
    } else {
        verify.extend(["-verify", "pub.pem", "msg"]);
    }
    let said = String::from_utf8(openssl(&dir, &verify).unwrap()).unwrap();
    assert!(said.contains("Verified"), "openssl: {said}");
    // OpenSSL signs, pqjose verifies.
    let sign: Vec<&str> = if ed {
        let v = [
            "pkeyutl", "-sign", "-rawin", "-in", "msg", "-inkey", "key.pem",
        ];
        [&v[..], &["-out", "theirs"]].concat()
    } else {
        let mut v = dgst_args(alg);
        v.extend(["-sign", "key.pem", "-out", "theirs", "msg"]);
        v
    };
    openssl(&dir, &sign).unwrap();
    let theirs = read(&dir, "theirs");
    let theirs = if ec {
        der_to_p1363(&theirs, sig_len(alg) / 2)
    } else {
        theirs
    };
    vk.verify(msg, &theirs).unwrap();
    assert_eq!(vk.verify(b"other", &theirs), Err(Error::InvalidSignature));
    eprintln!("{name}: OpenSSL key imported (PEM, DER), signatures verified both ways");
}

fn sig_len(alg: Algorithm) -> usize {
    match alg {
        Algorithm::Es256 => 64,
        Algorithm::Es384 => 96,
        _ => unreachable!(),
    }
}

#[test]
fn openssl_ed25519() {
    interoperate("ed25519", Algorithm::Ed25519, &["-algorithm", "ed25519"]);
}

#[test]
fn openssl_p256() {
    let curve = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"];
    interoperate("p256", Algorithm::Es256, &curve);
}

#[test]
fn openssl_p384() {
    let curve = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"];
    interoperate("p384", Algorithm::Es384, &curve);
}

#[test]
fn openssl_rsa_rs256() {
    let rsa = ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"];
    interoperate("rs256", Algorithm::Rs256, &rsa);
}

#[test]
fn openssl_rsa_ps256() {
    let rsa = ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"];
    interoperate("ps256", Algorithm::Ps256, &rsa);
}

#[test]
fn openssl_refused_keys() {
    let Some(dir) = workdir("refused") else {
        return;
    };
    // An RSA key under 2048 bits is too weak, private or public.
    let small = [
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:1024",
    ];
    openssl(&dir, &[&small[..], &["-out", "small.pem"]].concat()).unwrap();
    openssl(
        &dir,
        &["pkey", "-in", "small.pem", "-pubout", "-out", "small.pub"],
    )
    .unwrap();
    let weak = Error::Key(KeyError::TooWeak);
    let small_pem = read_text(&dir, "small.pem");
    assert_eq!(
        SigningKey::from_pkcs8_pem(Algorithm::Rs256, &small_pem).unwrap_err(),
        weak
    );
    let small_pub = read_text(&dir, "small.pub");
    assert_eq!(
        VerifyingKey::from_spki_pem(Algorithm::Ps256, &small_pub).unwrap_err(),
        weak
    );
    // A key of another type or curve does not fit the algorithm.
    let p384 = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"];
    openssl(
        &dir,
        &[&["genpkey", "-out", "p384.pem"][..], &p384[..]].concat(),
    )
    .unwrap();
    openssl(
        &dir,
        &["genpkey", "-algorithm", "ed25519", "-out", "ed.pem"],
    )
    .unwrap();
    let wrong = Error::Key(KeyError::WrongKeyType);
    let p384_pem = read_text(&dir, "p384.pem");
    let ed_pem = read_text(&dir, "ed.pem");
    for (alg, pem) in [
        (Algorithm::Es256, &p384_pem),
        (Algorithm::Rs256, &p384_pem),
        (Algorithm::Es256, &ed_pem),
        (Algorithm::Ed25519, &small_pem),
    ] {
        assert_eq!(SigningKey::from_pkcs8_pem(alg, pem).unwrap_err(), wrong);
    }
    // An RSA-PSS (id-RSASSA-PSS, no parameters) key from OpenSSL works for PS256.
    let pss = [
        "genpkey",
        "-algorithm",
        "RSA-PSS",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
    ];
    openssl(&dir, &[&pss[..], &["-out", "pss.pem"]].concat()).unwrap();
    let key = SigningKey::from_pkcs8_pem(Algorithm::Ps256, &read_text(&dir, "pss.pem")).unwrap();
    let sig = key.sign(b"m").unwrap();
    key.verifying_key().unwrap().verify(b"m", &sig).unwrap();
    eprintln!("refused keys: 1024-bit RSA TooWeak, wrong curve/type WrongKeyType; RSA-PSS key ok");
}
