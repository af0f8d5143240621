//! `verify`: a JWT through the library's full validation (signature, then every claim check),
//! or with `--raw` a JWS over any bytes (signature only).

use std::time::Duration;

use pqjose::{
    AlgorithmError, AlgorithmPolicy, ClaimName, CustomClaims, Error, KeySet, Validation,
    VerifyingKey, dangerous, jws, remote::RemoteKeySet,
};

use crate::Command;
use crate::args::{Args, Opt};
use crate::exit::Exit;
use crate::{fleet, input, keys};

/// `pqjose verify`.
pub(crate) const VERIFY: Command = Command {
    name: "verify",
    summary: "verify a token; print its claims (or payload) when valid",
    usage: "Verify a compact JWT (or, with --raw, a JWS over any bytes).

Usage: pqjose verify (--key FILE | --jwks FILE | --jwks-url URL [--allow-http]) [--iss ISS]
                     [--aud AUD] [--leeway S] [--raw] [--alg ALG]...
                     [--policy pqc|hybrid|composite|any] [--typ TYP] [--require CLAIM]...
                     [--max-age S] [--replay redis://HOST:PORT[/DB]] [--lines] [TOKEN_FILE|-]

Options:
  --key FILE        the verifying key: a public JWK (for HS*, the oct JWK)
  --jwks FILE       a JWK Set; the key is chosen by the token's kid, else by its alg
  --iss ISS         require this issuer
  --aud AUD         require this audience (a token with aud is rejected when --aud is absent)
  --leeway S        allowed clock skew for exp/nbf/iat in seconds (default 30)
  --raw             verify the signature only and print the payload bytes as they are
  --alg ALG         accept only these algorithms (repeatable allow-list)
  --policy P        pqc: ML-DSA, SLH-DSA and composites; hybrid: the same (every hybrid has an
                    ML-DSA part); composite: composites only; any: every algorithm (default)
  --typ TYP         require this header typ (case-insensitive, `application/` optional)
  --require CLAIM   require this claim to be present (repeatable), e.g. sub, jti, task
  --max-age S       reject tokens whose iat is more than S seconds old (requires iat)
  --jwks-url URL    keys from a remote JWK Set (https), cached for the life of the process:
                    max-age honoured, refreshed before expiry, an unknown kid refetched at most
                    every 30 s
  --allow-http      accept an http:// --jwks-url (loopback tests only)
  --replay URL      jti replay and revocation checks in Redis (redis://HOST:PORT[/DB]): each
                    jti is accepted once across every gateway sharing it; jti required
  --lines           read tokens one per line (stdin or TOKEN_FILE) until end of input; print
                    one JSON object per line, flushed: {\"ok\":true,\"claims\":{...}} or
                    {\"ok\":false,\"code\":N,\"error\":\"...\"}; blank lines are skipped; exit 0 at
                    end of input (2 on an I/O error)

The token is read from TOKEN_FILE, or stdin when it is `-` or absent; one trailing newline is
allowed. The key decides the algorithm: a header alg that differs is rejected, as is alg none.
JWT checks (RFC 8725 defaults): exp is required; exp, nbf and iat are checked against the
current time with the leeway; iss, aud, typ and required claims when asked. Duplicate JSON
members, non-numeric dates and oversized tokens are rejected.

Exit status: 0 valid (the claims JSON, or the payload with --raw, on stdout); 1 rejected, with
one `error: <reason>` line on stderr; 2 usage error, unreadable file or unusable key file.
",
    run: verify,
};

const OPTS: &[Opt] = &[
    Opt::value("key"),
    Opt::value("jwks"),
    Opt::value("iss"),
    Opt::value("aud"),
    Opt::value("leeway"),
    Opt::flag("raw"),
    Opt::many("alg"),
    Opt::value("policy"),
    Opt::value("typ"),
    Opt::many("require"),
    Opt::value("max-age"),
    Opt::value("jwks-url"),
    Opt::flag("allow-http"),
    Opt::value("replay"),
    Opt::flag("lines"),
];

/// Options that check claims, so they mean nothing with `--raw`.
const CLAIM_OPTIONS: &[&str] = &[
    "iss", "aud", "leeway", "typ", "require", "max-age", "replay", "jwks-url",
];

/// The verifying key(s) named on the command line.
enum Keys {
    One(VerifyingKey),
    Set(Vec<VerifyingKey>, KeySet),
    Remote(RemoteKeySet),
}

fn verify(argv: &[String]) -> Result<(), Exit> {
    let args = Args::parse(argv, OPTS, VERIFY.usage)?;
    let token_path = args.one_positional()?;
    let raw = args.has("raw");
    if raw && let Some(opt) = CLAIM_OPTIONS.iter().find(|o| args.has(o)) {
        return Err(args.error(format!(
            "`--raw` checks the signature only: it cannot be combined with `--{opt}`"
        )));
    }
    let mut validation = validation(&args)?;
    if let Some(url) = args.value("replay") {
        validation = validation.replay_store(fleet::replay_store(url)?);
    }
    if args.has("allow-http") && !args.has("jwks-url") {
        return Err(args.error("`--allow-http` applies to `--jwks-url` only"));
    }
    let keys = match (
        args.value("key"),
        args.value("jwks"),
        args.value("jwks-url"),
    ) {
        (Some(path), None, None) => Keys::One(keys::load_verifying_key(path)?),
        (None, Some(path), None) => {
            let list = keys::load_key_set(path)?;
            let set = KeySet::new();
            for key in &list {
                // Two keys with the same kid and algorithm: the first one wins.
                let _ = set.add(key.clone());
            }
            Keys::Set(list, set)
        }
        (None, None, Some(url)) => Keys::Remote(fleet::remote_keys(url, args.has("allow-http"))?),
        _ => return Err(args.error("give exactly one of `--key`, `--jwks` and `--jwks-url`")),
    };
    let verify_one = |token: &str| {
        if raw {
            verify_raw(&validation, &keys, token)
        } else {
            verify_jwt(&validation, &keys, token)
        }
    };
    if args.has("lines") {
        return fleet::lines(token_path, raw, verify_one);
    }
    let token = input::read_token(token_path)?;
    let mut out = verify_one(&token).map_err(|e| Exit::rejected(&e))?;
    if !raw {
        out.push(b'\n');
    }
    input::write_stdout(&out)
}

/// The validation policy from the options.
fn validation(args: &Args) -> Result<Validation, Exit> {
    let leeway: u64 = args.number("leeway")?.unwrap_or(30);
    let mut v = Validation::new().leeway(Duration::from_secs(leeway));
    if let Some(iss) = args.value("iss") {
        v = v.issuer(iss);
    }
    if let Some(aud) = args.value("aud") {
        v = v.audience(aud);
    }
    if let Some(policy) = args.value("policy") {
        let policy: AlgorithmPolicy = policy.parse().map_err(|_| {
            args.error(format!(
                "unknown policy `{policy}`; one of pqc, hybrid, composite, any"
            ))
        })?;
        v = v.policy(policy);
    }
    let algs = args.values("alg");
    if !algs.is_empty() {
        let algs = algs
            .into_iter()
            .map(|a| keys::parse_alg(args, a))
            .collect::<Result<Vec<_>, _>>()?;
        v = v.algorithms(algs);
    }
    if let Some(typ) = args.value("typ") {
        v = v.typ(typ);
    }
    for claim in args.values("require") {
        if claim.is_empty() {
            return Err(args.error("`--require` needs a claim name"));
        }
        v = v.require(ClaimName::from_name(claim));
    }
    if let Some(max_age) = args.number::<u64>("max-age")? {
        v = v.max_age(Duration::from_secs(max_age));
    }
    Ok(v)
}

/// The full JWT validation; the output is the verified claims JSON exactly as signed.
fn verify_jwt(validation: &Validation, keys: &Keys, token: &str) -> Result<Vec<u8>, Error> {
    let verified = match keys {
        Keys::One(key) => validation.verify::<CustomClaims>(token, key)?,
        Keys::Set(_, set) => validation.verify_with_keys::<CustomClaims>(token, set)?,
        Keys::Remote(remote) => {
            validation.verify_with_remote_keys::<CustomClaims>(token, remote)?
        }
    };
    Ok(verified.payload().to_vec())
}

/// `--raw`: the signature only, with the key chosen as for a JWT and the algorithm policy
/// applied; the payload is returned uninterpreted.
fn verify_raw(validation: &Validation, keys: &Keys, token: &str) -> Result<Vec<u8>, Error> {
    let candidates: Vec<&VerifyingKey> = match keys {
        Keys::One(key) => vec![key],
        Keys::Set(keys, _) => select(keys, token)?,
        // `--raw` with `--jwks-url` is refused as a usage error before this point.
        Keys::Remote(_) => return Err(Error::KeyNotFound),
    };
    let mut first_error = None;
    for key in candidates {
        if !validation.allows(key.algorithm()) {
            first_error.get_or_insert(AlgorithmError::NotAllowed(key.algorithm()).into());
            continue;
        }
        match jws::verify(key, token) {
            Ok(v) => return Ok(v.into_payload()),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or(Error::KeyNotFound))
}

/// The keys of a set that may verify `token`: those with its `kid`, or without `kid` those of
/// its algorithm (at most [`pqjose::MAX_KIDLESS_CANDIDATES`]).
fn select<'k>(keys: &'k [VerifyingKey], token: &str) -> Result<Vec<&'k VerifyingKey>, Error> {
    let unverified = dangerous::decode_unverified(token)?;
    let header = unverified.header();
    Ok(match header.kid() {
        Some(kid) => keys.iter().filter(|k| k.kid() == kid).collect(),
        None => keys
            .iter()
            .filter(|k| k.algorithm().accepts_header(header.alg()))
            .take(pqjose::MAX_KIDLESS_CANDIDATES)
            .collect(),
    })
}
