//! The secret-delivery step: a vault delivers a database credential to an agent as a nested
//! token, signed with the issuer's ML-DSA key and encrypted to the agent's X-Wing key
//! (JOSE-HPKE `HPKE-9`); the agent decrypts and verifies it in one call; another agent that
//! captured it cannot open it. Its cost joins the closing table.

use std::sync::Arc;
use std::time::{Duration, Instant};

use pqjose::jwe::{self, Decryption, DecryptionKey, DecryptionKeySet, Encryption, KeyManagement};
use pqjose::{CustomClaims, Error, JweError, KeySet, SigningKey, TokenBuilder, Validation};
use serde_json::Value;

use super::report::{Check, Expect, Line, Outcome, Report, Timing, clock_label, thousands};
use super::scenario::{During, Failed, ISSUER, Timeline};
use super::timing::{RUNS, median};

/// The agent the credential is for (its `sub` and `aud`).
const AGENT: &str = "agent-1";
/// The credential.
const SECRET: &str = "postgres://app:s3cret@db.internal/prod";

/// Run the step with the issuer's `signer` (whose public key is in `issuers`); returns the
/// closing table's row for it.
pub(super) fn run(
    report: &mut Report,
    t: &Timeline,
    signer: &SigningKey,
    issuers: &KeySet,
) -> Result<Timing, Failed> {
    report.step(
        "delivery",
        format!(
            "{} The vault delivers a database credential to {AGENT}: signed ({}), encrypted to {AGENT}'s X-Wing key (HPKE-9)",
            clock_label(t.offset()),
            signer.algorithm()
        ),
    );
    let make = |kid: &str| {
        DecryptionKey::generate(KeyManagement::Hpke9)
            .and_then(|k| k.with_kid(kid))
            .during("generating an agent's X-Wing key")
    };
    let agent = make("agent-1-enc")?;
    let thief = make("agent-2-enc")?;
    let public = agent.to_public_jwk().during("exporting the agent's key")?;
    report.note(format!(
        "{AGENT} published its X-Wing public key (HPKE-9, kid {}): public JWK {} bytes",
        agent.kid(),
        thousands(public.to_json().len())
    ));
    let builder = credential(t);
    let jwe = seal(&builder, signer, &agent)?;
    report.note(format!(
        "a nested JWE (cty JWT), {} bytes: only {AGENT} can read it, and it provably came from the issuer",
        thousands(jwe.len())
    ));

    let keys = DecryptionKeySet::from_keys([agent.clone()]).during("the agent's key set")?;
    let validation = policy(t);
    let outcome = match open(&jwe, &keys, &validation, issuers) {
        Ok(v) => {
            let secret = v
                .custom()
                .get("db_url")
                .and_then(Value::as_str)
                .unwrap_or("");
            Outcome::Accepted(format!(
                "decrypted and verified: sub {AGENT}, a {}-byte credential",
                secret.len()
            ))
        }
        Err(e) => rejected(&e),
    };
    report.push(Line::Check(Check {
        at: t.offset(),
        what: format!("{AGENT} opens it (decrypt, then verify)"),
        expected: Expect::Accept,
        outcome,
    }));
    let outcome = match jwe::decrypt(&thief, &jwe) {
        Ok(_) => Outcome::Accepted("the captured credential was read".to_owned()),
        Err(e) => rejected(&e),
    };
    report.push(Line::Check(Check {
        at: t.offset(),
        what: "agent-2 captured it, tries its own key".to_owned(),
        expected: Expect::Reject(Error::Jwe(JweError::Decryption).code()),
        outcome,
    }));
    measure(&builder, signer, &agent, &keys, &validation, issuers)
}

/// The credential's claims: `iss`, `sub` = `aud` = the agent, a short lifetime.
fn credential(t: &Timeline) -> TokenBuilder {
    TokenBuilder::new()
        .issuer(ISSUER)
        .subject(AGENT)
        .audience(AGENT)
        .ttl(Duration::from_secs(60))
        .claim("db_url", SECRET)
        .clock(Arc::clone(&t.clock))
}

/// The agent's policy for credentials: post-quantum signatures from the issuer, for itself.
fn policy(t: &Timeline) -> Validation {
    Validation::pqc_only()
        .issuer(ISSUER)
        .audience(AGENT)
        .clock(Arc::clone(&t.clock))
}

fn seal(
    builder: &TokenBuilder,
    signer: &SigningKey,
    agent: &DecryptionKey,
) -> Result<String, Failed> {
    let token = builder.sign(signer).during("signing the credential")?;
    Encryption::new()
        .nested_jwt()
        .compact(&agent.encryption_key(), token.as_bytes())
        .during("encrypting the credential")
}

fn open(
    jwe: &str,
    keys: &DecryptionKeySet,
    validation: &Validation,
    issuers: &KeySet,
) -> Result<pqjose::Verified<CustomClaims>, Error> {
    Decryption::pqc_only().decrypt_jwt(jwe, keys, validation, issuers)
}

fn rejected(e: &Error) -> Outcome {
    Outcome::Rejected {
        code: e.code(),
        reason: e.to_string(),
    }
}

/// The closing table's row: sign + encrypt, and decrypt + verify, median of [`RUNS`].
fn measure(
    builder: &TokenBuilder,
    signer: &SigningKey,
    agent: &DecryptionKey,
    keys: &DecryptionKeySet,
    validation: &Validation,
    issuers: &KeySet,
) -> Result<Timing, Failed> {
    let mut seal_times = Vec::with_capacity(RUNS);
    let mut open_times = Vec::with_capacity(RUNS);
    let mut bytes = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let jwe = seal(builder, signer, agent)?;
        seal_times.push(started.elapsed());
        let started = Instant::now();
        open(&jwe, keys, validation, issuers).during("timing the delivery")?;
        open_times.push(started.elapsed());
        bytes = jwe.len();
    }
    Ok(Timing {
        alg: "HPKE-9 nested JWT",
        token_bytes: bytes,
        sign_us: median(&mut seal_times).as_micros(),
        verify_us: median(&mut open_times).as_micros(),
        runs: RUNS,
    })
}
