//! `sign`: a JWT from claims, or a JWS over raw bytes.

use pqjose::{Header, SigningKey, jws};
use serde_json::{Map, Value};

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
       pqjose sign --key FILE --payload FILE|- [--typ TYP]

Options:
  --key FILE        the private JWK (from `pqjose keygen`); its algorithm and kid are used
  --claims JSON     the claims, a JSON object given inline, or @FILE (@- for stdin);
                    default {}
  --ttl SECONDS     set exp = iat + SECONDS
  --typ TYP         the header typ (default JWT; with --payload, none unless given)
  --payload FILE|-  sign these bytes as they are, instead of claims

JWT header: {alg, kid, typ}. Claims: the given ones plus iat (the current time, unless the
claims carry an iat) and exp when --ttl is given. Verifiers require exp by default.
",
    run: sign,
};

const OPTS: &[Opt] = &[
    Opt::value("key"),
    Opt::value("claims"),
    Opt::value("ttl"),
    Opt::value("typ"),
    Opt::value("payload"),
];

fn sign(argv: &[String]) -> Result<(), Exit> {
    let args = Args::parse(argv, OPTS, SIGN.usage)?;
    args.no_positional()?;
    let key_path = args.required("key")?;
    let ttl: Option<i64> = args.number("ttl")?;
    if ttl.is_some_and(|t| t < 0) {
        return Err(args.error("`--ttl` must be a non-negative integer"));
    }
    let (payload, typ) = match args.value("payload") {
        Some(path) => {
            if args.has("claims") || args.has("ttl") {
                return Err(args.error("`--payload` cannot be combined with `--claims` or `--ttl`"));
            }
            (input::read_bytes(path)?, args.value("typ"))
        }
        None => (
            claims(&args, ttl)?,
            Some(args.value("typ").unwrap_or("JWT")),
        ),
    };
    let key = keys::load_signing_key(key_path)?;
    let token = sign_bytes(&key, typ, &payload).map_err(|e| Exit::rejected(&e))?;
    input::write_stdout(format!("{token}\n").as_bytes())
}

fn sign_bytes(
    key: &SigningKey,
    typ: Option<&str>,
    payload: &[u8],
) -> Result<String, pqjose::Error> {
    let mut header = Header::new(key.algorithm()).with_kid(key.kid());
    if let Some(typ) = typ {
        header = header.with_typ(typ);
    }
    jws::sign(key, &header, payload)
}

/// The JWT claims: the given object plus `iat` (unless given) and `exp` from `ttl`.
fn claims(args: &Args, ttl: Option<i64>) -> Result<Vec<u8>, Exit> {
    let text = match args.value("claims") {
        None => "{}".to_owned(),
        Some(arg) => match arg.strip_prefix('@') {
            Some(path) => String::from_utf8(input::read_bytes(path)?)
                .map_err(|_| Exit::Io(format!("{path} is not UTF-8 text")))?,
            None => arg.to_owned(),
        },
    };
    let mut claims: Map<String, Value> =
        serde_json::from_str(&text).map_err(|_| args.error("`--claims` must be a JSON object"))?;
    let iat = match claims.get("iat") {
        None => {
            let now = input::now()?;
            claims.insert("iat".into(), now.into());
            now
        }
        Some(v) => v
            .as_i64()
            .ok_or_else(|| args.error("`iat` in `--claims` must be an integer"))?,
    };
    if let Some(ttl) = ttl {
        let exp = iat
            .checked_add(ttl)
            .ok_or_else(|| args.error("`--ttl` is too large"))?;
        claims.insert("exp".into(), exp.into());
    }
    serde_json::to_vec(&claims).map_err(|e| Exit::Io(format!("cannot encode the claims: {e}")))
}
