//! `dpop proof` and `dpop verify`: DPoP proofs (RFC 9449) from the command line.

use std::time::Duration;

use pqjose::dpop::{ProofBuilder, ProofVerifier};
use pqjose::{Algorithm, AlgorithmPolicy, Error, ProfileError, dangerous};
use serde_json::{Map, Value};

use crate::exit::Exit;
use crate::{fleet, input, keys, parse};

/// Make or verify a DPoP proof (RFC 9449)
///
/// Make or verify a DPoP proof of possession (RFC 9449).
///
/// Files may end with one newline, which is not part of the token.
/// Exit status: 0 ok (verify: {"jkt": ..., "claims": {...}} on stdout); 1 rejected, with one
/// `error: <reason>` line; 2 usage error, unreadable file or unusable key file.
#[derive(clap::Args)]
#[command(
    override_usage = "pqjose dpop proof --key PRIVATE.jwk --htm METHOD --htu URL [--access-token FILE]
                         [--nonce N]
       pqjose dpop verify --htm METHOD --htu URL [--access-token FILE] [--nonce N]
                          [--max-age S] [--alg ALG]... [--policy P] [--replay redis://…]
                          [PROOF_FILE|-]"
)]
pub(crate) struct DpopArgs {
    /// `proof` or `verify`.
    #[command(subcommand)]
    command: DpopCommand,
}

/// The two DPoP subcommands.
#[derive(clap::Subcommand)]
enum DpopCommand {
    Proof(ProofArgs),
    Verify(VerifyArgs),
}

/// Print a DPoP proof JWT
///
/// Prints a proof JWT (typ dpop+jwt, the key's alg and public jwk; jti, htm, htu, iat, and ath
/// with --access-token, nonce with --nonce). htu is URL without its query and fragment.
#[derive(clap::Args)]
#[command(
    override_usage = "pqjose dpop proof --key PRIVATE.jwk --htm METHOD --htu URL [--access-token FILE]
                         [--nonce N]"
)]
struct ProofArgs {
    /// The client's private JWK (any asymmetric algorithm)
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    key: String,
    #[command(flatten)]
    request: Request,
    /// The server-supplied nonce
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    nonce: Option<String>,
}

/// Verify a DPoP proof; print its key thumbprint and claims
///
/// Checks the proof (signature by its own jwk, which must be public and fit its alg; typ; alg
/// allowed; htm; htu compared with URL, both without query and fragment and normalized, a proof
/// htu carrying a query or fragment is refused; iat no older than --max-age seconds (default
/// 60) and at most 5 s ahead; nonce when --nonce is given). With --access-token FILE it also
/// checks ath, and that the token (read, not verified: use `pqjose verify` for that) carries
/// cnf.jkt equal to the proof key's thumbprint. With --replay redis://HOST:PORT[/DB] each proof
/// jti is accepted once across every verifier sharing that Redis (until the proof leaves the
/// --max-age window); a replayed proof, or any Redis error, is rejected.
#[derive(clap::Args)]
#[command(
    override_usage = "pqjose dpop verify --htm METHOD --htu URL [--access-token FILE] [--nonce N]
                          [--max-age S] [--alg ALG]... [--policy P] [--replay redis://…]
                          [PROOF_FILE|-]"
)]
struct VerifyArgs {
    #[command(flatten)]
    request: Request,
    /// The server-supplied nonce, required in the proof
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    nonce: Option<String>,
    /// Oldest acceptable proof iat, in seconds (default 60)
    #[arg(long, value_name = "S", value_parser = parse::non_negative, allow_hyphen_values = true)]
    max_age: Option<u64>,
    /// Accept only these proof algorithms (repeatable)
    #[arg(long, value_name = "ALG", value_parser = parse::algorithm, allow_hyphen_values = true)]
    alg: Vec<Algorithm>,
    /// pqc | hybrid | composite | any (default any)
    #[arg(long, value_name = "P", value_parser = parse::policy, allow_hyphen_values = true)]
    policy: Option<AlgorithmPolicy>,
    /// Proof jti single use in Redis or Valkey (redis://HOST:PORT[/DB]), shared by every
    /// verifier pointed at it; any Redis error rejects the proof
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    replay: Option<String>,
    /// The proof (`-` or absent: stdin)
    #[arg(value_name = "PROOF_FILE|-")]
    proof: Option<String>,
}

/// The request a proof is for, and the access token presented with it.
#[derive(clap::Args)]
struct Request {
    /// The HTTP method of the request
    #[arg(long, value_name = "METHOD", allow_hyphen_values = true)]
    htm: String,
    /// The HTTP target URI of the request
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    htu: String,
    /// The access token presented with the proof
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    access_token: Option<String>,
}

impl Request {
    /// `--htm` and `--htu` checked as usage (a bad URL is the caller's mistake, not a bad
    /// proof).
    fn check(&self) -> Result<(), Exit> {
        ProofBuilder::new(&self.htm, &self.htu)
            .map(drop)
            .map_err(|e| Exit::usage(format!("`--htm`/`--htu`: {e}")))
    }

    /// The access token, read from its file.
    fn access_token(&self) -> Result<Option<String>, Exit> {
        self.access_token
            .as_deref()
            .map(|p| input::read_token(Some(p)))
            .transpose()
    }
}

/// `pqjose dpop`.
pub(crate) fn run(args: DpopArgs) -> Result<(), Exit> {
    match args.command {
        DpopCommand::Proof(args) => proof(args),
        DpopCommand::Verify(args) => verify(args),
    }
}

fn proof(args: ProofArgs) -> Result<(), Exit> {
    args.request.check()?;
    let key = keys::load_signing_key(&args.key)?;
    let mut builder =
        ProofBuilder::new(&args.request.htm, &args.request.htu).map_err(|e| Exit::rejected(&e))?;
    if let Some(token) = args.request.access_token()? {
        builder = builder.access_token(&token);
    }
    if let Some(nonce) = &args.nonce {
        builder = builder.nonce(nonce);
    }
    let proof = builder
        .sign(&key)
        .map_err(|e| Exit::Io(format!("cannot make a proof with this key: {e}")))?;
    input::write_stdout(format!("{proof}\n").as_bytes())
}

fn verify(args: VerifyArgs) -> Result<(), Exit> {
    let (htm, htu) = (&args.request.htm, &args.request.htu);
    args.request.check()?;
    let mut verifier = ProofVerifier::new();
    if let Some(url) = &args.replay {
        verifier = verifier.replay_store(fleet::replay_store(url)?);
    }
    if let Some(secs) = args.max_age {
        verifier = verifier.max_age(Duration::from_secs(secs));
    }
    if let Some(policy) = args.policy {
        verifier = verifier.policy(policy);
    }
    if !args.alg.is_empty() {
        verifier = verifier.algorithms(args.alg.iter().copied());
    }
    if let Some(nonce) = &args.nonce {
        verifier = verifier.nonce(nonce);
    }
    let access_token = args.request.access_token()?;
    let proof_text = input::read_token(args.proof.as_deref())?;
    let verified = match &access_token {
        None => verifier.verify(&proof_text, htm, htu),
        Some(token) => verifier
            .verify_with_access_token(&proof_text, htm, htu, token)
            .and_then(|v| check_bound(token, v.jkt()).map(|()| v)),
    }
    .map_err(|e| Exit::rejected(&e))?;
    let mut out = Map::new();
    out.insert("jkt".into(), Value::String(verified.jkt().to_owned()));
    let claims = verified
        .claims()
        .to_json_object()
        .map_err(|e| Exit::rejected(&e))?;
    out.insert("claims".into(), Value::Object(claims));
    input::write_stdout(format!("{}\n", Value::Object(out)).as_bytes())
}

/// The token's `cnf.jkt` (read without verifying the token) must be `jkt`.
fn check_bound(token: &str, jkt: &str) -> Result<(), Error> {
    let claims = dangerous::decode_unverified(token)?.claims_json()?;
    match claims.get("cnf").and_then(|c| c.get("jkt")) {
        None => Err(ProfileError::NotSenderConstrained.into()),
        Some(Value::String(found)) if found == jkt => Ok(()),
        Some(_) => Err(ProfileError::BindingMismatch.into()),
    }
}
