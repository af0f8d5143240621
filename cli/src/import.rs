//! `import`: a key from the PEM or DER files OpenSSL writes, as a JWK.

use pqjose::jwe::{DecryptionKey, EncryptionKey, KeyManagement};
use pqjose::{Algorithm, Error, KeyError, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use crate::exit::Exit;
use crate::input;
use crate::parse::{self, KeyAlgorithm};

/// Convert a PEM or DER key or certificate (OpenSSL's forms) to a JWK
///
/// A private key — PKCS#8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`, ES256/ES384) or PKCS#1
/// (`RSA PRIVATE KEY`) — gives the private JWK, written with file mode 0600 under `--out`. A
/// public key — SPKI (`PUBLIC KEY`), PKCS#1 (`RSA PUBLIC KEY`) or the public key of an X.509
/// certificate (`CERTIFICATE`; of a chain, the first) — gives the public JWK.
///
/// Composite keys (ML-DSA-65-ES256, …) use the LAMPS composite OIDs. Encrypted keys
/// (`ENCRYPTED PRIVATE KEY`) are refused: decrypt them first.
///
/// PEM is recognised by its label, DER by its structure (private forms first). The
/// certificate's signature, validity and chain are NOT checked: only its public key is taken.
/// A JWE key-management algorithm gives an encryption key bound to it (it can never sign):
/// ECDH-ES* (P-256, P-384, X25519), RSA-OAEP* (RSA, 2048 bits or more), and the DHKEM suites
/// HPKE-0/-7 (P-256), HPKE-1 (P-384), HPKE-3/-4 (X25519); the other JWE algorithms have no
/// standard PEM form.
///
/// Reads FILE, or stdin when FILE is `-` or absent. Exit 2 when the file does not hold a key of
/// that algorithm.
#[derive(clap::Args)]
#[command(override_usage = "pqjose import --alg ALG [--kid KID] [--out FILE] [PEM_OR_DER_FILE|-]")]
pub(crate) struct ImportArgs {
    /// The algorithm the key is bound to: ML-DSA-44/65/87, Ed25519, ES256, ES384, RS256, PS256,
    /// …, or a JWE key management: ECDH-ES+A256KW, RSA-OAEP-256, HPKE-0, …
    #[arg(long, value_name = "ALG", value_parser = parse::key_algorithm, allow_hyphen_values = true)]
    alg: KeyAlgorithm,
    /// The key id (default: the RFC 7638 thumbprint)
    #[arg(long, value_name = "KID", allow_hyphen_values = true)]
    kid: Option<String>,
    /// Write the JWK to FILE (mode 0600 for a private key) instead of stdout
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    out: Option<String>,
    /// The PEM or DER file (`-` or absent: stdin)
    #[arg(value_name = "PEM_OR_DER_FILE|-")]
    file: Option<String>,
}

/// The key a file holds.
enum Imported {
    Signing(SigningKey),
    Verifying(VerifyingKey),
    Decryption(DecryptionKey),
    Encryption(EncryptionKey),
}

/// The PEM text of `bytes`, when it is text with a PEM header (else it is DER).
fn pem_text(bytes: &[u8]) -> Option<&str> {
    core::str::from_utf8(bytes)
        .ok()
        .filter(|text| text.contains("-----BEGIN "))
}

/// Read `bytes` as PEM or DER with `private`, or (a public form: [`KeyError::NotPrivate`]) with
/// `public`.
fn private_or_public<T>(
    bytes: &[u8],
    private: impl FnOnce(Result<&str, &[u8]>) -> Result<T, Error>,
    public: impl FnOnce(Result<&str, &[u8]>) -> Result<T, Error>,
) -> Result<T, Error> {
    let input = pem_text(bytes).ok_or(bytes);
    match private(input) {
        Err(Error::Key(KeyError::NotPrivate)) => public(input),
        other => other,
    }
}

fn import_signature(alg: Algorithm, bytes: &[u8]) -> Result<Imported, Error> {
    private_or_public(
        bytes,
        |input| {
            match input {
                Ok(text) => SigningKey::from_pem(alg, text),
                Err(der) => SigningKey::from_der(alg, der),
            }
            .map(Imported::Signing)
        },
        |input| {
            match input {
                Ok(text) => VerifyingKey::from_pem(alg, text),
                Err(der) => VerifyingKey::from_der(alg, der),
            }
            .map(Imported::Verifying)
        },
    )
}

fn import_encryption(alg: KeyManagement, bytes: &[u8]) -> Result<Imported, Error> {
    private_or_public(
        bytes,
        |input| {
            match input {
                Ok(text) => DecryptionKey::from_pem(alg, text),
                Err(der) => DecryptionKey::from_der(alg, der),
            }
            .map(Imported::Decryption)
        },
        |input| {
            match input {
                Ok(text) => EncryptionKey::from_pem(alg, text),
                Err(der) => EncryptionKey::from_der(alg, der),
            }
            .map(Imported::Encryption)
        },
    )
}

/// The key's JWK (with `kid` set if given) and whether it is private.
fn jwk_of(key: Imported, kid: Option<&str>) -> Result<(pqjose::Jwk, bool), Error> {
    Ok(match key {
        Imported::Signing(k) => (with_kid(k, kid, SigningKey::with_kid)?.to_jwk()?, true),
        Imported::Verifying(k) => (with_kid(k, kid, VerifyingKey::with_kid)?.to_jwk()?, false),
        Imported::Decryption(k) => (with_kid(k, kid, DecryptionKey::with_kid)?.to_jwk()?, true),
        Imported::Encryption(k) => (with_kid(k, kid, EncryptionKey::with_kid)?.to_jwk()?, false),
    })
}

fn with_kid<K>(
    key: K,
    kid: Option<&str>,
    set: impl FnOnce(K, String) -> Result<K, Error>,
) -> Result<K, Error> {
    match kid {
        Some(kid) => set(key, kid.to_owned()),
        None => Ok(key),
    }
}

/// `pqjose import`.
pub(crate) fn run(args: ImportArgs) -> Result<(), Exit> {
    let path = args.file.as_deref().unwrap_or("-");
    let shown = if path == "-" { "stdin" } else { path };
    let bytes = Zeroizing::new(input::read_bytes(path)?);
    let name = match args.alg {
        KeyAlgorithm::Sign(alg) => alg.as_str(),
        KeyAlgorithm::Encrypt(alg) => alg.as_str(),
    };
    let unusable = |e: &Error| Exit::Io(format!("{shown} does not hold a usable {name} key: {e}"));
    let key = match args.alg {
        KeyAlgorithm::Sign(alg) => import_signature(alg, &bytes),
        KeyAlgorithm::Encrypt(alg) => import_encryption(alg, &bytes),
    }
    .map_err(|e| unusable(&e))?;
    if args
        .kid
        .as_deref()
        .is_some_and(|k| k.is_empty() || k.len() > pqjose::MAX_KID_LEN)
    {
        return Err(Exit::usage("`--kid` must be 1 to 256 bytes"));
    }
    let (jwk, private) = jwk_of(key, args.kid.as_deref()).map_err(|e| unusable(&e))?;
    if private {
        let mut text = Zeroizing::new(jwk.to_json());
        text.push('\n');
        input::write_private(args.out.as_deref(), &text)
    } else {
        let text = format!("{}\n", jwk.to_json());
        match args.out.as_deref().filter(|p| *p != "-") {
            Some(out) => {
                std::fs::write(out, text).map_err(|e| Exit::Io(format!("cannot write {out}: {e}")))
            }
            None => input::write_stdout(text.as_bytes()),
        }
    }
}
