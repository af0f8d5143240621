//! `verify`: a JWT through the library's full validation (signature, then every claim check),
//! or with `--raw` a JWS over any bytes (signature only).

use std::time::Duration;

use pqjose::{
    Algorithm, AlgorithmError, AlgorithmPolicy, ClaimName, CustomClaims, Error, JwsVerifier,
    KeySet, Validation, VerifyingKey, dangerous, jws,
};

use crate::exit::Exit;
use crate::{input, keys, parse};

/// Verify a token; print its claims (or payload) when valid
///
/// Verify a compact JWT (or, with --raw, a JWS over any bytes), or the same in the JWS JSON
/// serialization (flattened or general; detected: the input starts with `{`).
///
/// The token is read from TOKEN_FILE, or stdin when it is `-` or absent; one trailing newline is
/// allowed. A JSON serialization is accepted when at least one signature whose algorithm the
/// policy and --alg allow verifies with a key of --key/--jwks; signatures of other algorithms
/// are ignored (not verified), so `--policy pqc` requires the post-quantum signature of a token
/// also signed classically. The key decides the algorithm: a header alg that differs is rejected, as is alg none.
/// JWT checks (RFC 8725 defaults): exp is required; exp, nbf and iat are checked against the
/// current time with the leeway; iss, aud, typ and required claims when asked. Duplicate JSON
/// members, non-numeric dates and oversized tokens are rejected.
///
/// Exit status: 0 valid (the claims JSON, or the payload with --raw, on stdout); 1 rejected, with
/// one `error: <reason>` line on stderr; 2 usage error, unreadable file or unusable key file.
#[derive(clap::Args)]
#[command(
    override_usage = "pqjose verify (--key FILE | --jwks FILE) [--iss ISS] [--aud AUD] [--leeway S] [--raw]
                     [--alg ALG]... [--policy pqc|hybrid|composite|any] [--typ TYP]
                     [--require CLAIM]... [--max-age S] [TOKEN_FILE|-]",
    group = clap::ArgGroup::new("keys").required(true).args(["key", "jwks"]),
)]
pub(crate) struct VerifyArgs {
    /// The verifying key: a public JWK (for HS*, the oct JWK)
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    key: Option<String>,
    /// A JWK Set; the key is chosen by the token's kid, else by its alg
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    jwks: Option<String>,
    /// Require this issuer
    #[arg(long, value_name = "ISS", allow_hyphen_values = true)]
    iss: Option<String>,
    /// Require this audience (a token with aud is rejected when --aud is absent)
    #[arg(long, value_name = "AUD", allow_hyphen_values = true)]
    aud: Option<String>,
    /// Allowed clock skew for exp/nbf/iat in seconds (default 30)
    #[arg(long, value_name = "S", value_parser = parse::non_negative, allow_hyphen_values = true)]
    leeway: Option<u64>,
    /// Verify the signature only and print the payload bytes as they are
    #[arg(long, conflicts_with_all = ["iss", "aud", "leeway", "typ", "require", "max_age"])]
    raw: bool,
    /// Accept only these algorithms (repeatable allow-list)
    #[arg(long, value_name = "ALG", value_parser = parse::algorithm, allow_hyphen_values = true)]
    alg: Vec<Algorithm>,
    /// pqc: ML-DSA and SLH-DSA only; hybrid: ML-DSA, SLH-DSA and composites; composite:
    /// composites only; any: every algorithm (default)
    #[arg(long, value_name = "P", value_parser = parse::policy, allow_hyphen_values = true)]
    policy: Option<AlgorithmPolicy>,
    /// Require this header typ (case-insensitive, `application/` optional)
    #[arg(long, value_name = "TYP", allow_hyphen_values = true)]
    typ: Option<String>,
    /// Require this claim to be present (repeatable), e.g. sub, jti, task
    #[arg(long, value_name = "CLAIM", value_parser = parse::non_empty, allow_hyphen_values = true)]
    require: Vec<String>,
    /// Reject tokens whose iat is more than S seconds old (requires iat)
    #[arg(long, value_name = "S", value_parser = parse::non_negative, allow_hyphen_values = true)]
    max_age: Option<u64>,
    /// The token (`-` or absent: stdin)
    #[arg(value_name = "TOKEN_FILE|-")]
    token: Option<String>,
}

/// The verifying key(s) named on the command line.
enum Keys {
    One(VerifyingKey),
    Set(Vec<VerifyingKey>),
}

/// `pqjose verify`.
pub(crate) fn run(args: VerifyArgs) -> Result<(), Exit> {
    let validation = validation(&args);
    let keys = match (&args.key, &args.jwks) {
        (Some(path), None) => Keys::One(keys::load_verifying_key(path)?),
        (None, Some(path)) => Keys::Set(keys::load_key_set(path)?),
        _ => return Err(Exit::usage("give exactly one of `--key` and `--jwks`")),
    };
    let token = input::read_token(args.token.as_deref())?;
    let mut out = match (jws::is_json_serialization(&token), args.raw) {
        (true, true) => verify_json_raw(&args, &keys, &token),
        (true, false) => validation
            .verify_json::<CustomClaims>(&token, &verifiers(&keys))
            .map(|v| v.payload().to_vec()),
        (false, true) => verify_raw(&validation, &keys, &token),
        (false, false) => verify_jwt(&validation, keys, &token),
    }
    .map_err(|e| Exit::rejected(&e))?;
    if !args.raw {
        out.push(b'\n');
    }
    input::write_stdout(&out)
}

/// The validation policy from the options.
fn validation(args: &VerifyArgs) -> Validation {
    let mut v = Validation::new().leeway(Duration::from_secs(args.leeway.unwrap_or(30)));
    if let Some(iss) = &args.iss {
        v = v.issuer(iss);
    }
    if let Some(aud) = &args.aud {
        v = v.audience(aud);
    }
    if let Some(policy) = args.policy {
        v = v.policy(policy);
    }
    if !args.alg.is_empty() {
        v = v.algorithms(args.alg.iter().copied());
    }
    if let Some(typ) = &args.typ {
        v = v.typ(typ);
    }
    for claim in &args.require {
        v = v.require(ClaimName::from_name(claim));
    }
    if let Some(max_age) = args.max_age {
        v = v.max_age(Duration::from_secs(max_age));
    }
    v
}

/// The full JWT validation; the output is the verified claims JSON exactly as signed.
fn verify_jwt(validation: &Validation, keys: Keys, token: &str) -> Result<Vec<u8>, Error> {
    let verified = match keys {
        Keys::One(key) => validation.verify::<CustomClaims>(token, &key)?,
        Keys::Set(keys) => {
            let set = KeySet::new();
            for key in keys {
                // Two keys with the same kid and algorithm: the first one wins.
                let _ = set.add(key);
            }
            validation.verify_with_keys::<CustomClaims>(token, &set)?
        }
    };
    Ok(verified.payload().to_vec())
}

/// The keys as verifiers, in file order.
fn verifiers(keys: &Keys) -> Vec<&dyn JwsVerifier> {
    match keys {
        Keys::One(key) => vec![key as &dyn JwsVerifier],
        Keys::Set(keys) => keys.iter().map(|k| k as &dyn JwsVerifier).collect(),
    }
}

/// `--raw` over a JWS JSON serialization: accepted when one signature whose algorithm the
/// policy and `--alg` allow verifies with one of the keys; the others are ignored.
fn verify_json_raw(args: &VerifyArgs, keys: &Keys, token: &str) -> Result<Vec<u8>, Error> {
    let rule = jws::SignatureRule::AnyAllowed {
        policy: args.policy.unwrap_or(AlgorithmPolicy::Any),
        algorithms: args.alg.clone(),
    };
    Ok(jws::verify_json(&verifiers(keys), token, &rule)?.into_payload())
}

/// `--raw`: the signature only, with the key chosen as for a JWT and the algorithm policy
/// applied; the payload is returned uninterpreted.
fn verify_raw(validation: &Validation, keys: &Keys, token: &str) -> Result<Vec<u8>, Error> {
    let candidates: Vec<&VerifyingKey> = match keys {
        Keys::One(key) => vec![key],
        Keys::Set(keys) => select(keys, token)?,
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
