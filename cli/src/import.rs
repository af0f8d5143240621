//! `import`: a key from the PEM or DER files OpenSSL writes, as a JWK.

use pqjose::{Algorithm, Error, KeyError, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use crate::exit::Exit;
use crate::{input, parse};

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
/// Reads FILE, or stdin when FILE is `-` or absent. Exit 2 when the file does not hold a key of
/// that algorithm.
#[derive(clap::Args)]
#[command(override_usage = "pqjose import --alg ALG [--kid KID] [--out FILE] [PEM_OR_DER_FILE|-]")]
pub(crate) struct ImportArgs {
    /// The algorithm the key is bound to: ML-DSA-44/65/87, Ed25519, ES256, ES384, RS256, PS256, …
    #[arg(long, value_name = "ALG", value_parser = parse::algorithm, allow_hyphen_values = true)]
    alg: Algorithm,
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
    Private(SigningKey),
    Public(VerifyingKey),
}

/// Read `bytes` as PEM (when it is text with a PEM header) or DER: a private form if it is one,
/// else a public form.
fn import(alg: Algorithm, bytes: &[u8]) -> Result<Imported, Error> {
    let pem = core::str::from_utf8(bytes)
        .ok()
        .filter(|text| text.contains("-----BEGIN "));
    let private = match pem {
        Some(text) => SigningKey::from_pem(alg, text),
        None => SigningKey::from_der(alg, bytes),
    };
    match private {
        Ok(key) => Ok(Imported::Private(key)),
        Err(Error::Key(KeyError::NotPrivate)) => match pem {
            Some(text) => VerifyingKey::from_pem(alg, text),
            None => VerifyingKey::from_der(alg, bytes),
        }
        .map(Imported::Public),
        Err(e) => Err(e),
    }
}

/// `pqjose import`.
pub(crate) fn run(args: ImportArgs) -> Result<(), Exit> {
    let path = args.file.as_deref().unwrap_or("-");
    let shown = if path == "-" { "stdin" } else { path };
    let bytes = Zeroizing::new(input::read_bytes(path)?);
    let unusable = |e: &Error| {
        Exit::Io(format!(
            "{shown} does not hold a usable {} key: {e}",
            args.alg
        ))
    };
    let bad_kid = |_| Exit::usage("`--kid` must be 1 to 256 bytes");
    match import(args.alg, &bytes).map_err(|e| unusable(&e))? {
        Imported::Private(mut key) => {
            if let Some(kid) = &args.kid {
                key = key.with_kid(kid).map_err(bad_kid)?;
            }
            let jwk = key.to_jwk().map_err(|e| unusable(&e))?;
            let mut text = Zeroizing::new(jwk.to_json());
            text.push('\n');
            input::write_private(args.out.as_deref(), &text)
        }
        Imported::Public(mut key) => {
            if let Some(kid) = &args.kid {
                key = key.with_kid(kid).map_err(bad_kid)?;
            }
            let jwk = key.to_jwk().map_err(|e| unusable(&e))?;
            let text = format!("{}\n", jwk.to_json());
            match args.out.as_deref().filter(|p| *p != "-") {
                Some(out) => std::fs::write(out, text)
                    .map_err(|e| Exit::Io(format!("cannot write {out}: {e}"))),
                None => input::write_stdout(text.as_bytes()),
            }
        }
    }
}
