//! `verify`: a JWT through the library's full validation (signature, then every claim check),
//! or with `--raw` a JWS over any bytes (signature only).

use std::sync::Arc;
use std::time::Duration;

use pqjose::remote::RemoteKeySet;
use pqjose::{
    Algorithm, AlgorithmError, AlgorithmPolicy, ClaimName, ClaimsError, Clock, CustomClaims, Error,
    JwsVerifier, KeySet, ReplayStore, SystemClock, TokenUse, Validation, VerifyingKey, dangerous,
    jws,
};

use crate::exit::Exit;
use crate::summary::Summary;
use crate::{fleet, input, keys, parse};

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
/// Gateway fleets: --jwks-url takes the keys from a remote JWK Set, --replay checks jti replay
/// and revocation in a shared Redis, --lines makes verify a long-running verifier (a sidecar, a
/// log scanner) whose key cache stays warm between tokens. --raw takes --jwks-url (same key
/// choice and refresh rule) and --replay: the payload must then be a JWT claims set with jti
/// (strict JSON, else rejected); its jti is accepted once, revocations by jti, kid or subject
/// apply, and a token past exp (plus 30 s) is rejected, since its use could not be remembered.
///
/// Exit status: 0 valid (the claims JSON, or the payload with --raw, on stdout); 1 rejected, with
/// one `error: <reason>` line on stderr; 2 usage error, unreadable file or unusable key file, or
/// a --jwks-url that cannot be fetched. With --lines: 0 at end of input (the summary by algorithm
/// and outcome on stderr), 2 on an I/O error.
#[derive(clap::Args)]
#[command(
    override_usage = "pqjose verify (--key FILE | --jwks FILE | --jwks-url URL [--allow-http]) [--iss ISS]
                     [--aud AUD] [--leeway S] [--raw] [--alg ALG]...
                     [--policy pqc|hybrid|composite|any] [--typ TYP] [--require CLAIM]...
                     [--max-age S] [--replay redis://HOST:PORT[/DB]] [--lines] [TOKEN_FILE|-]",
    group = clap::ArgGroup::new("keys").required(true).args(["key", "jwks", "jwks_url"]),
)]
pub(crate) struct VerifyArgs {
    /// The verifying key: a public JWK (for HS*, the oct JWK)
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    key: Option<String>,
    /// A JWK Set; the key is chosen by the token's kid, else by its alg
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    jwks: Option<String>,
    /// Require this issuer
    #[arg(long, value_name = "ISS", value_parser = parse::non_empty, allow_hyphen_values = true)]
    iss: Option<String>,
    /// Require this audience (a token with aud is rejected when --aud is absent)
    #[arg(long, value_name = "AUD", value_parser = parse::non_empty, allow_hyphen_values = true)]
    aud: Option<String>,
    /// Allowed clock skew for exp/nbf/iat in seconds (default 30)
    #[arg(long, value_name = "S", value_parser = parse::non_negative, allow_hyphen_values = true)]
    leeway: Option<u64>,
    /// Verify the signature only and print the payload bytes as they are
    #[arg(long, conflicts_with_all = [
        "iss", "aud", "leeway", "typ", "require", "max_age",
    ])]
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
    #[command(flatten)]
    fleet: fleet::FleetArgs,
    /// The token (`-` or absent: stdin)
    #[arg(value_name = "TOKEN_FILE|-")]
    token: Option<String>,
}

/// The verifying key(s) named on the command line.
enum Keys {
    One(VerifyingKey),
    /// The keys (for `--raw`) and the same keys as a set (built once, for `--lines`).
    Set(Vec<VerifyingKey>, KeySet),
    Remote(RemoteKeySet),
}

/// `pqjose verify`.
pub(crate) fn run(args: VerifyArgs) -> Result<(), Exit> {
    if args.fleet.allow_http && args.fleet.jwks_url.is_none() {
        // (clap's `requires` is met by any member of the `keys` group, so it is checked here.)
        return Err(Exit::usage("`--allow-http` applies to `--jwks-url` only"));
    }
    let mut validation = validation(&args);
    let replay = match &args.fleet.replay {
        Some(url) => Some(fleet::replay_store(url)?),
        None => None,
    };
    if let Some(store) = &replay {
        validation = validation.replay_store(store.clone());
    }
    // `--raw --replay`: the store consulted after the signature, with the verified payload.
    let raw_replay = |payload: Vec<u8>, kid: Option<&str>| match &replay {
        Some(store) => check_raw_replay(store.as_ref(), &payload, kid).map(|()| payload),
        None => Ok(payload),
    };
    let keys = match (&args.key, &args.jwks, &args.fleet.jwks_url) {
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
        (None, None, Some(url)) => Keys::Remote(fleet::remote_keys(url, args.fleet.allow_http)?),
        _ => {
            return Err(Exit::usage(
                "give exactly one of `--key`, `--jwks` and `--jwks-url`",
            ));
        }
    };
    // `--lines`: every token is counted by algorithm and outcome, printed at end of input.
    let summary = Arc::new(Summary::default());
    if args.fleet.lines {
        validation = validation.observer(summary.clone());
    }
    let verify_one = |token: &str| match (jws::is_json_serialization(token), args.raw) {
        (true, true) => verify_json_raw(&args, &keys, token).and_then(|v| {
            let first = v.verified().first();
            if let Some(first) = first {
                summary.saw(first.algorithm());
            }
            let kid = first.and_then(|f| f.kid()).map(str::to_owned);
            raw_replay(v.into_payload(), kid.as_deref())
        }),
        (true, false) => verify_json(&validation, &keys, token),
        (false, true) => verify_raw(&validation, &keys, token).and_then(|(alg, kid, payload)| {
            summary.saw(alg);
            raw_replay(payload, kid.as_deref())
        }),
        (false, false) => verify_jwt(&validation, &keys, token),
    };
    if args.fleet.lines {
        return fleet::lines(args.token.as_deref(), args.raw, &summary, verify_one);
    }
    let token = input::read_token(args.token.as_deref())?;
    let mut out = verify_one(&token).map_err(|e| Exit::rejected(&e))?;
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

/// The command-line keys as verifiers, in file order (a remote set is read per token, by its
/// callers, through `RemoteKeySet::with_keys`).
fn verifiers(keys: &Keys) -> Vec<&dyn JwsVerifier> {
    match keys {
        Keys::One(key) => vec![key],
        Keys::Set(keys, _) => keys.iter().map(|k| k as &dyn JwsVerifier).collect(),
        Keys::Remote(_) => Vec::new(),
    }
}

/// A JWS JSON serialization through the full JWT validation: accepted when one signature the
/// policy and `--alg` allow verifies. With `--jwks-url` an unknown kid refreshes the remote set
/// (once per cooldown) and the stale bound applies, as for a compact token.
fn verify_json(validation: &Validation, keys: &Keys, token: &str) -> Result<Vec<u8>, Error> {
    if let Keys::Remote(remote) = keys {
        return validation
            .verify_json_with_remote_keys::<CustomClaims>(token, remote)
            .map(|v| v.payload().to_vec());
    }
    validation
        .verify_json::<CustomClaims>(token, &verifiers(keys))
        .map(|v| v.payload().to_vec())
}

/// `--raw` over a JWS JSON serialization: accepted when one signature whose algorithm the
/// policy and `--alg` allow verifies with one of the keys; the others are ignored.
fn verify_json_raw(
    args: &VerifyArgs,
    keys: &Keys,
    token: &str,
) -> Result<jws::VerifiedJwsJson, Error> {
    let rule = jws::SignatureRule::AnyAllowed {
        policy: args.policy.unwrap_or(AlgorithmPolicy::Any),
        algorithms: args.alg.clone(),
    };
    if let Keys::Remote(remote) = keys {
        return remote.with_keys(|set| {
            let list = set_keys(set);
            let refs: Vec<&dyn JwsVerifier> = list.iter().map(|k| k as &dyn JwsVerifier).collect();
            jws::verify_json(&refs, token, &rule)
        });
    }
    jws::verify_json(&verifiers(keys), token, &rule)
}

/// The leeway of `--raw --replay` (which takes no `--leeway`): the default of `verify`.
const RAW_REPLAY_LEEWAY: Duration = pqjose::DEFAULT_LEEWAY;

/// `--raw --replay`, after the signature verified: the payload as a strict claims set, then the
/// store's revocation checks and the first use of its `jti` (required), remembered until `exp`
/// plus [`RAW_REPLAY_LEEWAY`] (for good without `exp`). A token already past that is refused:
/// its use could not be remembered, so it could be replayed.
fn check_raw_replay(
    store: &dyn ReplayStore,
    payload: &[u8],
    kid: Option<&str>,
) -> Result<(), Error> {
    let claims = dangerous::parse_claims::<CustomClaims>(payload)?;
    let now = SystemClock.now();
    let expires = match claims.expires_at() {
        None => None,
        Some(exp) => match exp.checked_add(RAW_REPLAY_LEEWAY) {
            Some(until) if until >= now => Some(until),
            _ => return Err(ClaimsError::Expired.into()),
        },
    };
    store.check(&TokenUse::of_claims(&claims, kid, expires, now), true)
}

/// `--raw`: the signature only, with the key chosen as for a JWT and the algorithm policy
/// applied; the payload is returned uninterpreted, with the algorithm and `kid` of the key that
/// verified.
fn verify_raw(
    validation: &Validation,
    keys: &Keys,
    token: &str,
) -> Result<(Algorithm, Option<String>, Vec<u8>), Error> {
    let candidates: Vec<&VerifyingKey> = match keys {
        Keys::One(key) => vec![key],
        Keys::Set(keys, _) => select(keys, token)?,
        // The remote set's keys now in force; an unknown kid refreshes it (once per cooldown).
        Keys::Remote(remote) => {
            return remote.with_keys(|set| {
                let list = set_keys(set);
                verify_raw_with(validation, select(&list, token)?, token)
            });
        }
    };
    verify_raw_with(validation, candidates, token)
}

/// The keys of a (remote) set, as verifying keys.
fn set_keys(set: &KeySet) -> Vec<VerifyingKey> {
    set.to_public_jwk_set()
        .keys()
        .iter()
        .filter_map(|jwk| VerifyingKey::from_jwk(jwk).ok())
        .collect()
}

/// `--raw` with the candidate keys: the first that the policy allows and that verifies.
fn verify_raw_with(
    validation: &Validation,
    candidates: Vec<&VerifyingKey>,
    token: &str,
) -> Result<(Algorithm, Option<String>, Vec<u8>), Error> {
    let mut first_error = None;
    for key in candidates {
        if !validation.allows(key.algorithm()) {
            first_error.get_or_insert(AlgorithmError::NotAllowed(key.algorithm()).into());
            continue;
        }
        match jws::verify(key, token) {
            Ok(v) => {
                let kid = Some(key.kid()).filter(|k| !k.is_empty()).map(str::to_owned);
                return Ok((key.algorithm(), kid, v.into_payload()));
            }
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
