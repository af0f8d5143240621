//! `sign`: a JWT from claims, or a JWS over raw bytes.

use std::time::Duration;

use pqjose::{FixedClock, Header, SigningKey, TokenBuilder, jws};
use serde_json::Value;

use crate::Command;
use crate::args::{Args, Opt};
use crate::exit::Exit;
use crate::{input, keys};

/// `pqjose sign`.
pub(crate) const SIGN: Command = Command {
    name: "sign",
    summary: "sign claims as a JWT, or raw bytes as a JWS",
    usage: "Sign a JWT (claims) or a JWS over raw bytes; the compact token goes to stdout.

Usage: pqjose sign --key FILE [--claims JSON|@FILE] [--ttl SECONDS] [--typ TYP]
                   [--cnf-jwk PUBLIC.jwk]
       pqjose sign --key FILE --payload FILE|- [--typ TYP]

Options:
  --key FILE        the private JWK (from `pqjose keygen`); its algorithm and kid are used
  --claims JSON     the claims, a JSON object given inline, or @FILE (@- for stdin);
                    default {}
  --ttl SECONDS     set exp = iat + SECONDS
  --typ TYP         the header typ (default JWT; with --payload, none unless given)
  --payload FILE|-  sign these bytes as they are, instead of claims
  --cnf-jwk FILE    bind the token to this (client's public) key: cnf.jkt = its RFC 7638
                    thumbprint (DPoP, RFC 9449 §6)

JWT header: {alg, kid, typ}. Claims: the given ones plus iat (the current time, unless the
claims carry an iat), exp = iat + SECONDS when --ttl is given, and a random 128-bit jti
(unless the claims carry one). Verifiers require exp by default, so give --ttl (or an exp).
",
    run: sign,
};

const OPTS: &[Opt] = &[
    Opt::value("key"),
    Opt::value("claims"),
    Opt::value("ttl"),
    Opt::value("typ"),
    Opt::value("payload"),
    Opt::value("cnf-jwk"),
];

fn sign(argv: &[String]) -> Result<(), Exit> {
    let args = Args::parse(argv, OPTS, SIGN.usage)?;
    args.no_positional()?;
    let key_path = args.required("key")?;
    let ttl: Option<u64> = args.number("ttl")?;
    let token = match args.value("payload") {
        Some(path) => {
            if args.has("claims") || args.has("ttl") || args.has("cnf-jwk") {
                return Err(args.error(
                    "`--payload` cannot be combined with `--claims`, `--ttl` or `--cnf-jwk`",
                ));
            }
            let payload = input::read_bytes(path)?;
            let key = keys::load_signing_key(key_path)?;
            sign_raw(&key, args.value("typ"), &payload)
        }
        None => {
            let mut builder = builder(&args, ttl)?;
            if let Some(path) = args.value("cnf-jwk") {
                let jkt = keys::load_verifying_key(path)?
                    .thumbprint()
                    .map_err(|e| Exit::Io(format!("cannot use {path}: {e}")))?;
                builder = builder.cnf_jkt(jkt);
            }
            let key = keys::load_signing_key(key_path)?;
            builder.sign(&key)
        }
    }
    .map_err(|e| Exit::rejected(&e))?;
    input::write_stdout(format!("{token}\n").as_bytes())
}

/// A JWS over raw bytes: header `{alg, kid}`, plus `typ` when given.
fn sign_raw(key: &SigningKey, typ: Option<&str>, payload: &[u8]) -> Result<String, pqjose::Error> {
    let mut header = Header::new(key.algorithm()).with_kid(key.kid());
    if let Some(typ) = typ {
        header = header.with_typ(typ);
    }
    jws::sign(key, &header, payload)
}

/// The JWT builder: the given claims (strictly parsed; registered ones typed), `iat` now unless
/// given, `exp = iat + ttl` with `--ttl` (and no `exp` otherwise, unless given), a random
/// `jti` unless given, header `typ` (default `JWT`).
fn builder(args: &Args, ttl: Option<u64>) -> Result<TokenBuilder, Exit> {
    let text = match args.value("claims") {
        None => "{}".to_owned(),
        Some(arg) => match arg.strip_prefix('@') {
            Some(path) => String::from_utf8(input::read_bytes(path)?)
                .map_err(|_| Exit::Io(format!("{path} is not UTF-8 text")))?,
            None => arg.to_owned(),
        },
    };
    let mut builder = TokenBuilder::from_claims_json(&text).map_err(|e| {
        args.error(format!(
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
    builder = match ttl {
        Some(ttl) => builder.ttl(Duration::from_secs(ttl)),
        None => builder.without_expiry(),
    };
    Ok(builder.typ(args.value("typ").unwrap_or("JWT")))
}
