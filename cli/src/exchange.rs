//! `exchange`: a token-exchange service's minting step (RFC 8693) from the command line.

use std::time::Duration;

use pqjose::delegation::Delegation;
use pqjose::{KeySet, Validation, Verified};

use crate::Command;
use crate::args::{Args, Opt};
use crate::exit::Exit;
use crate::{input, keys};

/// `pqjose exchange`.
pub(crate) const EXCHANGE: Command = Command {
    name: "exchange",
    summary: "mint a delegated token from a subject (and actor) token (RFC 8693)",
    usage: "Verify a subject token (and an actor token) and mint a delegated token (RFC 8693).

Usage: pqjose exchange --key ISSUER.jwk --iss ISS --expect-aud AUD --jwks SUBJECT_ISSUER_JWKS
                       --subject-token FILE [--actor-token FILE] [--scope \"a b\"] --aud AUD
                       [--ttl S]

The subject (and actor) token are verified against --jwks with the full validation, each
addressed to --expect-aud (this exchange service). The delegated token printed: iss = --iss,
sub = the subject token's, act = {\"sub\": the actor token's sub, with the subject token's act
nested inside} (without --actor-token, the subject's act unchanged), aud = --aud, scope =
--scope (default: the subject's, unchanged), exp = now + --ttl (default 300 s, or the subject
token's remaining lifetime if shorter).

Options:
  --key FILE            the exchange service's private JWK (signs the delegated token)
  --iss ISS             the delegated token's issuer
  --expect-aud AUD      the audience the subject and actor tokens must carry
  --jwks FILE           the JWK Set of the subject (and actor) tokens' issuer
  --subject-token FILE  the token of the party on whose behalf the actor acts
  --actor-token FILE    the token of the acting party
  --scope \"a b\"         the requested scope: must be within the subject token's
  --aud AUD             the delegated token's audience
  --ttl S               its lifetime in seconds; refused if it would end after the subject
                        token's exp

Exit status: 0 (the token on stdout); 1 a token does not verify, or the request would widen
the scope, outlive the subject token or exceed the chain depth (4 nested act), with one
`error: <reason>` line; 2 usage error, unreadable file or unusable key file.
",
    run,
};

const OPTS: &[Opt] = &[
    Opt::value("key"),
    Opt::value("iss"),
    Opt::value("expect-aud"),
    Opt::value("jwks"),
    Opt::value("subject-token"),
    Opt::value("actor-token"),
    Opt::value("scope"),
    Opt::value("aud"),
    Opt::value("ttl"),
];

fn run(argv: &[String]) -> Result<(), Exit> {
    let args = Args::parse(argv, OPTS, EXCHANGE.usage)?;
    args.no_positional()?;
    let iss = args.required("iss")?;
    let expect_aud = args.required("expect-aud")?;
    let aud = args.required("aud")?;
    let ttl: Option<u64> = args.number("ttl")?;
    let key = keys::load_signing_key(args.required("key")?)?;
    let jwks = KeySet::from_keys(keys::load_key_set(args.required("jwks")?)?)
        .map_err(|e| Exit::Io(format!("cannot use the JWK Set: {e}")))?;
    let subject_token = input::read_token(Some(args.required("subject-token")?))?;
    let actor_token = args
        .value("actor-token")
        .map(|p| input::read_token(Some(p)))
        .transpose()?;
    let validation = Validation::new().audience(expect_aud);
    let rejected = |what: &str, e: pqjose::Error| Exit::Rejected(format!("{what}: {e}"));
    let subject: Verified = validation
        .verify_with_keys(&subject_token, &jwks)
        .map_err(|e| rejected("subject token", e))?;
    let actor: Option<Verified> = actor_token
        .map(|t| validation.verify_with_keys(&t, &jwks))
        .transpose()
        .map_err(|e| rejected("actor token", e))?;
    let mut delegation = Delegation::new(iss, aud);
    if let Some(scope) = args.value("scope") {
        delegation = delegation.scope(scope);
    }
    if let Some(ttl) = ttl {
        delegation = delegation.ttl(Duration::from_secs(ttl));
    }
    let token = delegation
        .mint(&subject, actor.as_ref(), &key)
        .map_err(|e| Exit::rejected(&e))?;
    input::write_stdout(format!("{token}\n").as_bytes())
}
