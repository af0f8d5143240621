//! `sign`: a JWT from claims, or a JWS over raw bytes.

use std::time::Duration;

use pqjose::{FixedClock, Header, JwsSigner, SigningKey, TokenBuilder, jws};
use serde_json::Value;

use crate::exit::Exit;
use crate::{input, keys, parse};

/// Sign claims as a JWT, or raw bytes as a JWS
///
/// Sign a JWT (claims) or a JWS over raw bytes; the compact token goes to stdout.
///
/// With --json the output is the JWS JSON serialization (RFC 7515 §7.2) instead, and --key may
/// be repeated: one key gives the flattened form, several the general form with one signature
/// per key over the same payload (for example a classical and a post-quantum key during a
/// migration).
///
/// JWT header: {alg, kid, typ}. Claims: the given ones plus iat (the current time, unless the
/// claims carry an iat), exp = iat + SECONDS when --ttl is given, and a random 128-bit jti
/// (unless the claims carry one). Verifiers require exp by default, so give --ttl (or an exp).
#[derive(clap::Args)]
#[command(
    override_usage = "pqjose sign --key FILE [--claims JSON|@FILE] [--ttl SECONDS] [--typ TYP]
                   [--cnf-jwk PUBLIC.jwk]
       pqjose sign --key FILE --payload FILE|- [--typ TYP]
       pqjose sign --json --key K1 [--key K2]... [--claims …|--payload …]"
)]
pub(crate) struct SignArgs {
    /// The private JWK (from `pqjose keygen`); its algorithm and kid are used. Repeatable
    /// with --json (one signature per key)
    #[arg(long, value_name = "FILE", allow_hyphen_values = true, required = true)]
    key: Vec<String>,
    /// Write the JWS JSON serialization: flattened for one key, general for several
    #[arg(long)]
    json: bool,
    /// The claims, a JSON object given inline, or @FILE (@- for stdin); default {}
    #[arg(long, value_name = "JSON|@FILE", allow_hyphen_values = true)]
    claims: Option<String>,
    /// Set exp = iat + SECONDS
    #[arg(long, value_name = "SECONDS", value_parser = parse::non_negative, allow_hyphen_values = true)]
    ttl: Option<u64>,
    /// The header typ (default JWT; with --payload, none unless given)
    #[arg(long, value_name = "TYP", allow_hyphen_values = true)]
    typ: Option<String>,
    /// Sign these bytes as they are, instead of claims
    #[arg(
        long,
        value_name = "FILE|-",
        allow_hyphen_values = true,
        conflicts_with_all = ["claims", "ttl", "cnf_jwk"]
    )]
    payload: Option<String>,
    /// Bind the token to this (client's public) key: cnf.jkt = its RFC 7638 thumbprint
    /// (DPoP, RFC 9449 §6)
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    cnf_jwk: Option<String>,
}

/// `pqjose sign`.
pub(crate) fn run(args: SignArgs) -> Result<(), Exit> {
    if args.key.len() > 1 && !args.json {
        return Err(Exit::usage(
            "several `--key` need `--json` (a compact token has one signature)",
        ));
    }
    let token = match &args.payload {
        Some(path) => {
            let payload = input::read_bytes(path)?;
            let keys = load_keys(&args.key)?;
            sign_raw(&keys, args.json, args.typ.as_deref(), &payload)
        }
        None => {
            let mut builder = builder(&args)?;
            if let Some(path) = &args.cnf_jwk {
                let jkt = keys::load_verifying_key(path)?
                    .thumbprint()
                    .map_err(|e| Exit::Io(format!("cannot use {path}: {e}")))?;
                builder = builder.cnf_jkt(jkt);
            }
            let keys = load_keys(&args.key)?;
            match keys.as_slice() {
                [key] if !args.json => builder.sign(key),
                _ => builder.sign_json(&signers(&keys)),
            }
        }
    }
    .map_err(|e| Exit::rejected(&e))?;
    input::write_stdout(format!("{token}\n").as_bytes())
}

fn load_keys(paths: &[String]) -> Result<Vec<SigningKey>, Exit> {
    paths.iter().map(|p| keys::load_signing_key(p)).collect()
}

fn signers(keys: &[SigningKey]) -> Vec<&dyn JwsSigner> {
    keys.iter().map(|k| k as &dyn JwsSigner).collect()
}

/// A JWS over raw bytes: header `{alg, kid}`, plus `typ` when given; compact, or with `json`
/// the flattened (one key) or general (several) JSON serialization.
fn sign_raw(
    keys: &[SigningKey],
    json: bool,
    typ: Option<&str>,
    payload: &[u8],
) -> Result<String, pqjose::Error> {
    let headers: Vec<Header> = keys
        .iter()
        .map(|key| {
            let header = Header::new(key.algorithm()).with_kid(key.kid());
            match typ {
                Some(typ) => header.with_typ(typ),
                None => header,
            }
        })
        .collect();
    match (keys, headers.as_slice()) {
        ([key], [header]) if !json => jws::sign(key, header, payload),
        ([key], [header]) => jws::sign_flattened(key, header, payload),
        _ => {
            let pairs: Vec<(&dyn JwsSigner, &Header)> =
                signers(keys).into_iter().zip(headers.iter()).collect();
            jws::sign_general(&pairs, payload)
        }
    }
}

/// The JWT builder: the given claims (strictly parsed; registered ones typed), `iat` now unless
/// given, `exp = iat + ttl` with `--ttl` (and no `exp` otherwise, unless given), a random
/// `jti` unless given, header `typ` (default `JWT`).
fn builder(args: &SignArgs) -> Result<TokenBuilder, Exit> {
    let text = match args.claims.as_deref() {
        None => "{}".to_owned(),
        Some(arg) => match arg.strip_prefix('@') {
            Some(path) => String::from_utf8(input::read_bytes(path)?)
                .map_err(|_| Exit::Io(format!("{path} is not UTF-8 text")))?,
            None => arg.to_owned(),
        },
    };
    let mut builder = TokenBuilder::from_claims_json(&text).map_err(|e| {
        Exit::usage(format!(
            "`--claims` must be a JSON object with well-typed registered claims ({e})"
        ))
    })?;
    // A given `iat` is the time the token is made at, so `exp` = that `iat` + ttl.
    let given_iat = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|claims| claims.get("iat").and_then(Value::as_i64));
    if let Some(iat) = given_iat {
        builder = builder.clock(FixedClock::at_secs(iat));
    }
    builder = match args.ttl {
        Some(ttl) => builder.ttl(Duration::from_secs(ttl)),
        None => builder.without_expiry(),
    };
    Ok(builder.typ(args.typ.as_deref().unwrap_or("JWT")))
}
