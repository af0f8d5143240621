//! `dpop proof` and `dpop verify`: DPoP proofs (RFC 9449) from the command line.

use std::time::Duration;

use pqjose::dpop::{ProofBuilder, ProofVerifier};
use pqjose::{AlgorithmPolicy, Error, ProfileError, dangerous};
use serde_json::{Map, Value};

use crate::Command;
use crate::args::{Args, Opt};
use crate::exit::Exit;
use crate::{input, keys};

/// `pqjose dpop`.
pub(crate) const DPOP: Command = Command {
    name: "dpop",
    summary: "make or verify a DPoP proof (RFC 9449)",
    usage: "Make or verify a DPoP proof of possession (RFC 9449).

Usage: pqjose dpop proof --key PRIVATE.jwk --htm METHOD --htu URL [--access-token FILE]
                         [--nonce N]
       pqjose dpop verify --htm METHOD --htu URL [--access-token FILE] [--nonce N]
                          [--max-age S] [--alg ALG]... [--policy P] [PROOF_FILE|-]

proof: prints a proof JWT (typ dpop+jwt, the key's alg and public jwk; jti, htm, htu, iat,
  and ath with --access-token, nonce with --nonce). htu is URL without its query and fragment.

verify: checks the proof (signature by its own jwk, which must be public and fit its alg;
  typ; alg allowed; htm; htu compared with URL, both without query and fragment and
  normalized, a proof htu carrying a query or fragment is refused; iat no older than
  --max-age seconds (default 60) and at most 5 s ahead; nonce when --nonce is given). With
  --access-token FILE it also checks ath, and that the token (read, not verified: use
  `pqjose verify` for that) carries cnf.jkt equal to the proof key's thumbprint.

Options:
  --key FILE           the client's private JWK (any asymmetric algorithm)
  --htm METHOD         the HTTP method of the request
  --htu URL            the HTTP target URI of the request
  --access-token FILE  the access token presented with the proof
  --nonce N            the server-supplied nonce (verify: required in the proof)
  --max-age S          oldest acceptable proof iat, in seconds (default 60)
  --alg ALG            accept only these proof algorithms (repeatable)
  --policy P           pqc | hybrid | composite | any (default any)

Files may end with one newline, which is not part of the token.
Exit status: 0 ok (verify: {\"jkt\": ..., \"claims\": {...}} on stdout); 1 rejected, with one
`error: <reason>` line; 2 usage error, unreadable file or unusable key file.
",
    run,
};

const PROOF_OPTS: &[Opt] = &[
    Opt::value("key"),
    Opt::value("htm"),
    Opt::value("htu"),
    Opt::value("access-token"),
    Opt::value("nonce"),
];

const VERIFY_OPTS: &[Opt] = &[
    Opt::value("htm"),
    Opt::value("htu"),
    Opt::value("access-token"),
    Opt::value("nonce"),
    Opt::value("max-age"),
    Opt::many("alg"),
    Opt::value("policy"),
    Opt::value("replay"),
];

fn run(argv: &[String]) -> Result<(), Exit> {
    match argv.split_first() {
        Some((sub, rest)) if sub == "proof" => proof(rest),
        Some((sub, rest)) if sub == "verify" => verify(rest),
        Some((sub, _)) if sub == "-h" || sub == "--help" => Err(Exit::Help(DPOP.usage.into())),
        _ => Err(Exit::usage(
            "expected `dpop proof` or `dpop verify`",
            DPOP.usage,
        )),
    }
}

/// `--htm` and `--htu`, checked as usage (a bad URL is the caller's mistake, not a bad proof).
fn request(args: &Args) -> Result<(&str, &str), Exit> {
    let htm = args.required("htm")?;
    let htu = args.required("htu")?;
    if let Err(e) = ProofBuilder::new(htm, htu) {
        return Err(args.error(format!("`--htm`/`--htu`: {e}")));
    }
    Ok((htm, htu))
}

fn proof(argv: &[String]) -> Result<(), Exit> {
    let args = Args::parse(argv, PROOF_OPTS, DPOP.usage)?;
    args.no_positional()?;
    let (htm, htu) = request(&args)?;
    let key = keys::load_signing_key(args.required("key")?)?;
    let mut builder = ProofBuilder::new(htm, htu).map_err(|e| Exit::rejected(&e))?;
    if let Some(path) = args.value("access-token") {
        builder = builder.access_token(&input::read_token(Some(path))?);
    }
    if let Some(nonce) = args.value("nonce") {
        builder = builder.nonce(nonce);
    }
    let proof = builder
        .sign(&key)
        .map_err(|e| Exit::Io(format!("cannot make a proof with this key: {e}")))?;
    input::write_stdout(format!("{proof}\n").as_bytes())
}

fn verify(argv: &[String]) -> Result<(), Exit> {
    let args = Args::parse(argv, VERIFY_OPTS, DPOP.usage)?;
    let path = args.one_positional()?;
    let (htm, htu) = request(&args)?;
    if args.has("replay") {
        return Err(args.error("`--replay` needs a Redis replay store, which this build lacks"));
    }
    let mut verifier = ProofVerifier::new();
    if let Some(secs) = args.number::<u64>("max-age")? {
        verifier = verifier.max_age(Duration::from_secs(secs));
    }
    if let Some(p) = args.value("policy") {
        let policy: AlgorithmPolicy = p
            .parse()
            .map_err(|_| args.error("`--policy` must be pqc, hybrid, composite or any"))?;
        verifier = verifier.policy(policy);
    }
    let algs = args.values("alg");
    if !algs.is_empty() {
        let mut list = Vec::new();
        for a in algs {
            list.push(
                a.parse()
                    .map_err(|_| args.error(format!("unknown algorithm `{a}`")))?,
            );
        }
        verifier = verifier.algorithms(list);
    }
    if let Some(nonce) = args.value("nonce") {
        verifier = verifier.nonce(nonce);
    }
    let access_token = args
        .value("access-token")
        .map(|p| input::read_token(Some(p)))
        .transpose()?;
    let proof_text = input::read_token(path)?;
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
