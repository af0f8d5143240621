//! `verify`: check a token's signature with a key or a JWK Set, then its claims.

use base64ct::{Base64UrlUnpadded, Encoding};
use pqjose::{Algorithm, Error, VerifyingKey, jws};

use crate::Command;
use crate::args::{Args, Opt};
use crate::claims::{self, Checks};
use crate::exit::Exit;
use crate::{input, keys};

/// `pqjose verify`.
pub(crate) const VERIFY: Command = Command {
    name: "verify",
    summary: "verify a token; print its claims (or payload) when valid",
    usage: "Verify a compact JWT (or, with --raw, a JWS over any bytes).

Usage: pqjose verify (--key FILE | --jwks FILE) [--iss ISS] [--aud AUD] [--leeway S] [--raw]
                     [TOKEN_FILE|-]

Options:
  --key FILE     the verifying key: a public JWK (for HS*, the oct JWK)
  --jwks FILE    a JWK Set; the key is chosen by the token's kid, else by its alg
  --iss ISS      require this issuer
  --aud AUD      require this audience (a token with aud is rejected when --aud is absent)
  --leeway S     allowed clock skew for exp/nbf/iat in seconds (default 30)
  --raw          verify the signature only and print the payload bytes as they are

The token is read from TOKEN_FILE, or stdin when it is `-` or absent; one trailing newline is
allowed. The key decides the algorithm: a header alg that differs is rejected, as is alg none.
JWT checks: exp is required; exp, nbf and iat are checked against the current time with the
leeway; iss and aud when asked.

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
];

/// The longest a token without `kid` may make `verify` search a JWK Set.
const MAX_CANDIDATES: usize = 8;

fn verify(argv: &[String]) -> Result<(), Exit> {
    let args = Args::parse(argv, OPTS, VERIFY.usage)?;
    let token_path = args.one_positional()?;
    let raw = args.has("raw");
    if raw && (args.has("iss") || args.has("aud") || args.has("leeway")) {
        return Err(args.error("`--raw` skips the claim checks: it cannot be combined with `--iss`, `--aud` or `--leeway`"));
    }
    let leeway: i64 = args.number("leeway")?.unwrap_or(30);
    if leeway < 0 {
        return Err(args.error("`--leeway` must be a non-negative integer"));
    }
    let keys = match (args.value("key"), args.value("jwks")) {
        (Some(path), None) => vec![keys::load_verifying_key(path)?],
        (None, Some(path)) => keys::load_key_set(path)?,
        _ => return Err(args.error("give exactly one of `--key` and `--jwks`")),
    };
    let token = input::read_token(token_path)?;
    let verified = verify_with_keys(&keys, &token).map_err(|e| Exit::rejected(&e))?;
    let payload = verified.into_payload();
    if raw {
        return input::write_stdout(&payload);
    }
    let checks = Checks {
        iss: args.value("iss"),
        aud: args.value("aud"),
        leeway,
        now: input::now()?,
    };
    claims::check(&payload, &checks).map_err(|e| Exit::rejected(&e))?;
    let mut out = payload;
    out.push(b'\n');
    input::write_stdout(&out)
}

/// Verify with the key the token's `kid` names, or (without `kid`) with each key of the
/// token's algorithm in turn, at most [`MAX_CANDIDATES`].
fn verify_with_keys(keys: &[VerifyingKey], token: &str) -> Result<jws::VerifiedJws, Error> {
    let [only] = keys else {
        let candidates = select(keys, token);
        let mut first_error = Error::KeyNotFound;
        for (i, key) in candidates.into_iter().enumerate() {
            match jws::verify(key, token) {
                Ok(v) => return Ok(v),
                Err(e) if i == 0 => first_error = e,
                Err(_) => {}
            }
        }
        return Err(first_error);
    };
    jws::verify(only, token)
}

/// The keys of a set that may verify `token`. When the header cannot be read, the first key
/// is returned so that verification reports what is wrong with the token.
fn select<'k>(keys: &'k [VerifyingKey], token: &str) -> Vec<&'k VerifyingKey> {
    let Some((kid, alg)) = peek_header(token) else {
        return keys.iter().take(1).collect();
    };
    match kid {
        Some(kid) => keys.iter().filter(|k| k.kid() == kid).collect(),
        None => keys
            .iter()
            .filter(|k| alg.is_some_and(|a| k.algorithm().accepts_header(a)))
            .take(MAX_CANDIDATES)
            .collect(),
    }
}

/// Read `kid` and `alg` from the unverified header, only to choose a key; the verifier
/// checks the header in full.
fn peek_header(token: &str) -> Option<(Option<String>, Option<Algorithm>)> {
    let (header, _) = token.split_once('.')?;
    if header.len() > 16 * 1024 {
        return None;
    }
    let bytes = Base64UrlUnpadded::decode_vec(header).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let kid = value.get("kid").and_then(|k| k.as_str()).map(str::to_owned);
    let alg = value
        .get("alg")
        .and_then(|a| a.as_str())
        .and_then(|a| a.parse().ok());
    Some((kid, alg))
}
