//! `exchange`: a token-exchange service's minting step (RFC 8693) from the command line.

use std::time::Duration;

use pqjose::delegation::Delegation;
use pqjose::{KeySet, Validation, Verified};

use crate::exit::Exit;
use crate::{input, keys, parse};

/// Mint a delegated token from a subject (and actor) token (RFC 8693)
///
/// Verify a subject token (and an actor token) and mint a delegated token (RFC 8693).
///
/// The subject (and actor) token are verified against --jwks with the full validation, each
/// addressed to --expect-aud (this exchange service). The delegated token printed: iss = --iss,
/// sub = the subject token's, act = {"sub": the actor token's sub, with the subject token's act
/// nested inside} (without --actor-token, the subject's act unchanged), aud = --aud, scope =
/// --scope (default: the subject's, unchanged), exp = now + --ttl (default 300 s, or the subject
/// token's remaining lifetime if shorter).
///
/// Exit status: 0 (the token on stdout); 1 a token does not verify, or the request would widen
/// the scope, outlive the subject token or exceed the chain depth (4 nested act), with one
/// `error: <reason>` line; 2 usage error, unreadable file or unusable key file.
#[derive(clap::Args)]
#[command(
    override_usage = "pqjose exchange --key ISSUER.jwk --iss ISS --expect-aud AUD --jwks SUBJECT_ISSUER_JWKS
                       --subject-token FILE [--actor-token FILE] [--scope \"a b\"] --aud AUD
                       [--ttl S]"
)]
pub(crate) struct ExchangeArgs {
    /// The exchange service's private JWK (signs the delegated token)
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    key: String,
    /// The delegated token's issuer
    #[arg(long, value_name = "ISS", allow_hyphen_values = true)]
    iss: String,
    /// The audience the subject and actor tokens must carry
    #[arg(long, value_name = "AUD", allow_hyphen_values = true)]
    expect_aud: String,
    /// The JWK Set of the subject (and actor) tokens' issuer
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    jwks: String,
    /// The token of the party on whose behalf the actor acts
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    subject_token: String,
    /// The token of the acting party
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    actor_token: Option<String>,
    /// The requested scope: must be within the subject token's
    #[arg(long, value_name = "\"a b\"", allow_hyphen_values = true)]
    scope: Option<String>,
    /// The delegated token's audience
    #[arg(long, value_name = "AUD", allow_hyphen_values = true)]
    aud: String,
    /// Its lifetime in seconds; refused if it would end after the subject token's exp
    #[arg(long, value_name = "S", value_parser = parse::non_negative, allow_hyphen_values = true)]
    ttl: Option<u64>,
}

/// `pqjose exchange`.
pub(crate) fn run(args: ExchangeArgs) -> Result<(), Exit> {
    let key = keys::load_signing_key(&args.key)?;
    let jwks = KeySet::from_keys(keys::load_key_set(&args.jwks)?)
        .map_err(|e| Exit::Io(format!("cannot use the JWK Set: {e}")))?;
    let subject_token = input::read_token(Some(&args.subject_token))?;
    let actor_token = args
        .actor_token
        .as_deref()
        .map(|p| input::read_token(Some(p)))
        .transpose()?;
    let validation = Validation::new().audience(&args.expect_aud);
    let rejected = |what: &str, e: pqjose::Error| Exit::Rejected(format!("{what}: {e}"));
    let subject: Verified = validation
        .verify_with_keys(&subject_token, &jwks)
        .map_err(|e| rejected("subject token", e))?;
    let actor: Option<Verified> = actor_token
        .map(|t| validation.verify_with_keys(&t, &jwks))
        .transpose()
        .map_err(|e| rejected("actor token", e))?;
    let mut delegation = Delegation::new(args.iss.as_str(), args.aud.as_str());
    if let Some(scope) = &args.scope {
        delegation = delegation.scope(scope);
    }
    if let Some(ttl) = args.ttl {
        delegation = delegation.ttl(Duration::from_secs(ttl));
    }
    let token = delegation
        .mint(&subject, actor.as_ref(), &key)
        .map_err(|e| Exit::rejected(&e))?;
    input::write_stdout(format!("{token}\n").as_bytes())
}
