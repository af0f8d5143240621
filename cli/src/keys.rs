//! `keygen` and `public`, and loading key files for the other commands.

use pqjose::jwe::{ContentEncryption, DecryptionKey, EncryptionKey, KeyManagement};
use pqjose::{Error, Jwk, JwkSet, KeyError, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use crate::exit::Exit;
use crate::parse::KeyAlgorithm;
use crate::{input, parse};

/// Generate a private key (JWK)
///
/// Generate a private key as a JWK (JSON), written with file mode 0600.
///
/// HS256/384/512 keys are `oct` JWKs: shared secrets with no public form.
/// RSA keys are 2048 bits and take a moment to generate; the SLH-DSA `s` sets sign slowly.
/// Encryption (JWE) keys: HPKE-9 (X-Wing), HPKE-12/13 (ML-KEM-768/1024), HPKE-8/10 (ML-KEM +
/// P-256/P-384), their -KE forms, HPKE-0 … HPKE-7(-KE), ECDH-ES(+A128KW/+A256KW) (`--crv`),
/// RSA-OAEP-256, RSA-OAEP, A128KW, A256KW, dir (`--enc` required).
#[derive(clap::Args)]
#[command(
    override_usage = "pqjose keygen --alg ALG [--kid KID] [--out FILE] [--crv P-256|P-384|X25519] [--enc ENC]"
)]
pub(crate) struct KeygenArgs {
    /// The algorithm the key is bound to, for example ML-DSA-65, ML-DSA-44,
    /// SLH-DSA-SHA2-128s, ML-DSA-65-Ed25519, Ed25519, ES256, RS256, PS256, HS256, or a JWE key
    /// management such as HPKE-9, HPKE-12, HPKE-8, ECDH-ES+A256KW, RSA-OAEP-256, A256KW, dir
    #[arg(long, value_name = "ALG", value_parser = parse::key_algorithm, allow_hyphen_values = true)]
    alg: KeyAlgorithm,
    /// The key id (default: the RFC 7638 thumbprint)
    #[arg(long, value_name = "KID", allow_hyphen_values = true)]
    kid: Option<String>,
    /// Write the key to FILE (mode 0600) instead of stdout
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    out: Option<String>,
    /// The curve of an ECDH-ES* key: P-256 (default), P-384 or X25519
    #[arg(long, value_name = "CRV", allow_hyphen_values = true)]
    crv: Option<String>,
    /// The content encryption a `dir` key is sized for (required for dir)
    #[arg(long, value_name = "ENC", value_parser = parse::content_encryption, allow_hyphen_values = true)]
    enc: Option<ContentEncryption>,
}

/// Derive the public JWK (or JWK Set) from a private one
///
/// Print the public form of a private JWK or JWK Set (every private member removed).
///
/// Reads FILE, or stdin when FILE is `-` or absent. A single key (signing or encryption) is
/// checked (the public part is recomputed from the private one) and printed with its `kid`. HS* (`oct`) keys are shared
/// secrets with no public form: a single one is refused; in a JWK Set they are left out with a
/// note on stderr.
#[derive(clap::Args)]
#[command(override_usage = "pqjose public [FILE|-]")]
pub(crate) struct PublicArgs {
    /// The private JWK or JWK Set (`-` or absent: stdin)
    #[arg(value_name = "FILE|-")]
    file: Option<String>,
}

/// `pqjose keygen`.
pub(crate) fn run_keygen(args: KeygenArgs) -> Result<(), Exit> {
    let alg = match args.alg {
        KeyAlgorithm::Encrypt(alg) => return keygen_jwe(&args, alg),
        KeyAlgorithm::Sign(_) if args.crv.is_some() || args.enc.is_some() => {
            return Err(Exit::usage(
                "`--crv` and `--enc` are for JWE (encryption) keys only",
            ));
        }
        KeyAlgorithm::Sign(alg) => alg,
    };
    let mut key = SigningKey::generate(alg).map_err(|e| Exit::rejected(&e))?;
    if let Some(kid) = &args.kid {
        key = key
            .with_kid(kid)
            .map_err(|_| Exit::usage("`--kid` must be 1 to 256 bytes"))?;
    }
    let jwk = key.to_jwk().map_err(|e| Exit::rejected(&e))?;
    let mut text = Zeroizing::new(jwk.to_json());
    text.push('\n');
    input::write_private(args.out.as_deref(), &text)
}

/// `pqjose keygen` for a JWE key-management algorithm.
fn keygen_jwe(args: &KeygenArgs, alg: KeyManagement) -> Result<(), Exit> {
    let mut key =
        DecryptionKey::generate_with(alg, args.crv.as_deref(), args.enc).map_err(|e| {
            Exit::usage(format!(
                "cannot generate a {alg} key with these options: {e}"
            ))
        })?;
    if let Some(kid) = &args.kid {
        key = key
            .with_kid(kid)
            .map_err(|_| Exit::usage("`--kid` must be 1 to 256 bytes"))?;
    }
    let jwk = key.to_jwk().map_err(|e| Exit::rejected(&e))?;
    let mut text = Zeroizing::new(jwk.to_json());
    text.push('\n');
    input::write_private(args.out.as_deref(), &text)
}

/// `pqjose public`.
pub(crate) fn run_public(args: PublicArgs) -> Result<(), Exit> {
    let path = args.file.as_deref().unwrap_or("-");
    let text = input::read_secret_text(path)?;
    let out = match JwkSet::from_json(&text) {
        Ok(set) => public_set(path, &set)?,
        Err(_) => {
            let jwk = Jwk::from_json(&text).map_err(|e| unusable(path, &e))?;
            if jwk.kty() == "oct" {
                return Err(Exit::Rejected(format!(
                    "{path} is a symmetric (oct, HS*) key: a shared secret has no public form; \
                     give the verifier the same secret file"
                )));
            }
            public_jwk(&jwk).map_err(|e| unusable(path, &e))?.to_json()
        }
    };
    input::write_stdout(format!("{out}\n").as_bytes())
}

fn public_set(path: &str, set: &JwkSet) -> Result<String, Exit> {
    let mut keys = Vec::new();
    let mut symmetric = 0usize;
    for (index, jwk) in set.keys().iter().enumerate() {
        if jwk.kty() == "oct" {
            symmetric += 1;
            continue;
        }
        let public = public_jwk(jwk).map_err(|e| unusable(&format!("{path} key #{index}"), &e))?;
        keys.push(public);
    }
    if symmetric > 0 {
        eprintln!("note: left out {symmetric} symmetric (oct) key(s): they have no public form");
    }
    for skipped in set.skipped() {
        eprintln!(
            "note: left out entry #{} of the set: {}",
            skipped.index, skipped.reason
        );
    }
    Ok(keys.into_iter().collect::<JwkSet>().to_json())
}

/// The public form of one asymmetric JWK, checked by loading it. A key without `alg` whose key
/// type allows several algorithms (RSA) cannot be loaded; its private members are stripped.
fn public_jwk(jwk: &Jwk) -> Result<Jwk, Error> {
    if jwk
        .alg()
        .is_some_and(|a| a.parse::<KeyManagement>().is_ok())
    {
        // An encryption key: checked by loading it, like a signing key.
        return if jwk.is_private() {
            DecryptionKey::from_jwk(jwk).and_then(|k| k.to_public_jwk())
        } else {
            EncryptionKey::from_jwk(jwk).and_then(|k| k.to_jwk())
        };
    }
    let loaded = if jwk.is_private() {
        SigningKey::from_jwk(jwk).and_then(|k| k.to_public_jwk())
    } else {
        VerifyingKey::from_jwk(jwk).and_then(|k| k.to_jwk())
    };
    match loaded {
        Err(Error::Key(KeyError::AlgorithmRequired)) => jwk.to_public(),
        other => other,
    }
}

fn unusable(what: &str, err: &Error) -> Exit {
    Exit::Io(format!("cannot use {what}: {err}"))
}

/// Load a private JWK for signing.
pub(crate) fn load_signing_key(path: &str) -> Result<SigningKey, Exit> {
    let text = input::read_secret_text(path)?;
    let jwk = Jwk::from_json(&text).map_err(|e| unusable(path, &e))?;
    if !jwk.is_private() {
        return Err(unusable(path, &KeyError::NotPrivate.into()));
    }
    SigningKey::from_jwk(&jwk).map_err(|e| unusable(path, &e))
}

/// Load one JWK (public, or private: an HS* key is its own secret) for verifying.
pub(crate) fn load_verifying_key(path: &str) -> Result<VerifyingKey, Exit> {
    let text = input::read_secret_text(path)?;
    let jwk = match Jwk::from_json(&text) {
        Ok(jwk) => jwk,
        Err(e) if JwkSet::from_json(&text).is_ok() => {
            return Err(Exit::Io(format!(
                "cannot use {path}: {e} (it is a JWK Set: use --jwks)"
            )));
        }
        Err(e) => return Err(unusable(path, &e)),
    };
    VerifyingKey::from_jwk(&jwk).map_err(|e| unusable(path, &e))
}

/// Load every usable key of a JWK Set for verifying, HS* (`oct`) keys included (the file is
/// the caller's own). Keys that cannot be used (unknown `kty` or `alg`, malformed) are skipped;
/// a set with no usable key is an error.
pub(crate) fn load_key_set(path: &str) -> Result<Vec<VerifyingKey>, Exit> {
    let text = input::read_secret_text(path)?;
    let set = JwkSet::from_json(&text).map_err(|e| unusable(path, &e))?;
    let keys: Vec<VerifyingKey> = set
        .keys()
        .iter()
        .filter_map(|jwk| VerifyingKey::from_jwk(jwk).ok())
        .collect();
    if keys.is_empty() {
        return Err(Exit::Io(format!(
            "cannot use {path}: no usable key in the set"
        )));
    }
    Ok(keys)
}
