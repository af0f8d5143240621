//! `encrypt` and `decrypt`: JWE (compact, flattened and general JSON) with JOSE-HPKE (PQ and
//! PQ/T first) and the classical algorithms; and loading encryption keys for them.

use pqjose::jwe::{ContentEncryption, Decryption, DecryptionKey, DecryptionKeySet, Encryption};
use pqjose::{EncryptionKey, Jwk, JwkSet, KeyError};
use zeroize::Zeroizing;

use crate::exit::Exit;
use crate::{input, parse};

/// Encrypt to a recipient's key (JWE)
///
/// Encrypt bytes to a recipient's key: a compact JWE on stdout (flattened JSON with --json).
///
/// Reads FILE, or stdin when FILE is `-` or absent. `--key` may be a public or private JWK; an
/// `oct` key encrypts with A128KW, A256KW or dir. Its `alg` is the key management, for example
/// HPKE-9 (X-Wing), HPKE-12 (ML-KEM-768), HPKE-8 (ML-KEM-768 + P-256), HPKE-9-KE,
/// ECDH-ES+A256KW, RSA-OAEP-256. A signed and encrypted token:
///
///   pqjose sign --key issuer.jwk --claims '{"sub":"agent-7"}' --ttl 300 |
///     pqjose encrypt --key agent.pub.jwk --cty JWT
#[derive(clap::Args)]
#[command(
    override_usage = "pqjose encrypt --key RECIPIENT.jwk [--enc ENC] [--cty CTY] [--json [--aad FILE]] [FILE|-]"
)]
pub(crate) struct EncryptArgs {
    /// The recipient's JWK (public or private)
    #[arg(long, value_name = "RECIPIENT.jwk", allow_hyphen_values = true)]
    key: String,
    /// The content encryption: A128GCM, A256GCM (default), A128CBC-HS256, A256CBC-HS512;
    /// refused for HPKE integrated encryption (HPKE-n), which has none
    #[arg(long, value_name = "ENC", value_parser = parse::content_encryption, allow_hyphen_values = true)]
    enc: Option<ContentEncryption>,
    /// The content type; `JWT` marks a nested (signed) token
    #[arg(long, value_name = "CTY", allow_hyphen_values = true)]
    cty: Option<String>,
    /// Write the flattened JSON serialization
    #[arg(long)]
    json: bool,
    /// Additional authenticated data (the JWE AAD), read from FILE; with --json only
    #[arg(
        long,
        value_name = "FILE",
        requires = "json",
        allow_hyphen_values = true
    )]
    aad: Option<String>,
    /// The plaintext (`-` or absent: stdin)
    #[arg(value_name = "FILE|-")]
    file: Option<String>,
}

/// Decrypt a JWE with a private key or key set
///
/// Decrypt a JWE (compact, flattened or general JSON; detected) and write the plaintext bytes
/// to stdout.
///
/// Reads FILE, or stdin when FILE is `-` or absent (one trailing newline allowed). The JWE's
/// `alg` must be the key's; with --jwks the key is chosen by the JWE's `kid` and `alg`.
/// Per-recipient unprotected headers of a JSON JWE are merged with the protected ones;
/// duplicates are refused. Exit status: 0 decrypted; 1 the JWE was refused (any failure to
/// decrypt, a wrong alg or enc, zip, an unknown crit), with one line `error: <reason>`; 2 usage,
/// I/O or unusable key.
#[derive(clap::Args)]
#[command(override_usage = "pqjose decrypt (--key PRIVATE.jwk | --jwks PRIVATE_SET.jwk) [FILE|-]")]
pub(crate) struct DecryptArgs {
    /// The private JWK to decrypt with
    #[arg(long, value_name = "PRIVATE.jwk", allow_hyphen_values = true)]
    key: Option<String>,
    /// A private JWK Set; the key is chosen by the JWE's `kid` and `alg`
    #[arg(long, value_name = "PRIVATE_SET.jwk", allow_hyphen_values = true)]
    jwks: Option<String>,
    /// The JWE (`-` or absent: stdin)
    #[arg(value_name = "FILE|-")]
    file: Option<String>,
}

fn unusable(what: &str, err: &pqjose::Error) -> Exit {
    Exit::Io(format!("cannot use {what}: {err}"))
}

/// `pqjose encrypt`.
pub(crate) fn run_encrypt(args: EncryptArgs) -> Result<(), Exit> {
    let key = load_encryption_key(&args.key)?;
    let mut options = Encryption::new();
    if let Some(enc) = args.enc {
        if key.algorithm().is_integrated() {
            return Err(Exit::usage(format!(
                "`--enc` is refused for {}: HPKE integrated encryption has no content encryption",
                key.algorithm()
            )));
        }
        options = options.enc(enc);
    }
    if let Some(cty) = &args.cty {
        options = options.cty(cty);
    }
    if let Some(aad) = &args.aad {
        options = options.aad(input::read_bytes(aad)?);
    }
    let plaintext = Zeroizing::new(input::read_bytes(args.file.as_deref().unwrap_or("-"))?);
    let jwe = if args.json {
        options.flattened(&key, &plaintext)
    } else {
        options.compact(&key, &plaintext)
    }
    .map_err(|e| Exit::rejected(&e))?;
    input::write_stdout(format!("{jwe}\n").as_bytes())
}

/// `pqjose decrypt`.
pub(crate) fn run_decrypt(args: DecryptArgs) -> Result<(), Exit> {
    let decrypted = match (&args.key, &args.jwks) {
        (Some(_), Some(_)) => {
            return Err(Exit::usage("give one of `--key` and `--jwks`, not both"));
        }
        (Some(key), None) => {
            let key = load_decryption_key(key)?;
            let jwe = input::read_token(args.file.as_deref())?;
            Decryption::new().decrypt(&jwe, &key)
        }
        (None, Some(set)) => {
            let keys = load_decryption_key_set(set)?;
            let jwe = input::read_token(args.file.as_deref())?;
            Decryption::new().decrypt_with_keys(&jwe, &keys)
        }
        (None, None) => return Err(Exit::usage("give one of `--key` and `--jwks`")),
    }
    .map_err(|e| Exit::rejected(&e))?;
    input::write_stdout(decrypted.plaintext())
}

/// Load a recipient's JWK (public or private; `oct` for A*KW/`dir`) to encrypt to.
pub(crate) fn load_encryption_key(path: &str) -> Result<EncryptionKey, Exit> {
    let text = input::read_secret_text(path)?;
    let jwk = Jwk::from_json(&text).map_err(|e| unusable(path, &e))?;
    EncryptionKey::from_jwk(&jwk).map_err(|e| unusable(path, &e))
}

/// Load a private JWK to decrypt with.
pub(crate) fn load_decryption_key(path: &str) -> Result<DecryptionKey, Exit> {
    let text = input::read_secret_text(path)?;
    let jwk = Jwk::from_json(&text).map_err(|e| unusable(path, &e))?;
    if !jwk.is_private() {
        return Err(unusable(path, &KeyError::NotPrivate.into()));
    }
    DecryptionKey::from_jwk(&jwk).map_err(|e| unusable(path, &e))
}

/// Load every usable decryption key of a private JWK Set; a set with none is an error.
pub(crate) fn load_decryption_key_set(path: &str) -> Result<DecryptionKeySet, Exit> {
    let text = input::read_secret_text(path)?;
    let set = JwkSet::from_json(&text).map_err(|e| unusable(path, &e))?;
    let (keys, _skipped) = DecryptionKeySet::from_jwk_set(&set);
    if keys.is_empty() {
        return Err(Exit::Io(format!(
            "cannot use {path}: no usable decryption key in the set"
        )));
    }
    Ok(keys)
}
