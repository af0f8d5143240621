//! `pqjose demo [--json]`: an embedded agent-credential scenario, run in a few seconds.
//!
//! An issuer creates ML-DSA-65, composite ML-DSA-65-Ed25519 and legacy ES256 keys and publishes
//! its JWK Set; it mints per-task tokens for several agents; a gateway verifies them under a
//! post-quantum-or-hybrid policy and rejects what it must (legacy algorithm, tampering, expiry,
//! wrong audience, replay); the issuer rotates its key; a vault delivers a database credential to
//! an agent as a signed-then-encrypted token (ML-DSA inside, X-Wing `HPKE-9` outside) that only
//! that agent can open; a closing table gives sizes and timings.
//!
//! Every step states the outcome it expects. The exit status is 0 when all of them held and 1
//! otherwise, so the demo is also a smoke test of the library on this machine; 2 is a usage
//! error or unwritable output.

mod delivery;
mod report;
mod scenario;
mod timing;

use std::time::Instant;

use report::Report;

use crate::exit::Exit;
use crate::input;

/// Run an embedded issuer/agents/gateway scenario (no setup)
///
/// Run an embedded scenario: an issuer mints post-quantum per-task tokens for agents, a gateway
/// verifies them under a PQC-or-hybrid policy and rejects a legacy ES256 token, a tampered one,
/// an expired one, one for another audience and replayed ones; the issuer rotates its key. Ends
/// with token sizes and sign/verify times on this machine. Needs no files and no network.
///
/// Exit status: 0 every expectation held; 1 some outcome differed from the expected one;
/// 2 usage error or unwritable output.
#[derive(clap::Args)]
#[command(override_usage = "pqjose demo [--json]")]
pub(crate) struct DemoArgs {
    /// The same, as one JSON document on stdout
    #[arg(long)]
    json: bool,
}

/// Run the scenario and print it; [`Exit::Rejected`] (status 1) if any expectation failed.
pub(crate) fn run(args: DemoArgs) -> Result<(), Exit> {
    let started = Instant::now();
    let mut report = Report::default();
    if let Err(failed) = scenario::run(&mut report) {
        report.error = Some(failed.message());
    }
    report.elapsed_ms = started.elapsed().as_millis();
    let text = if args.json {
        let mut json = serde_json::to_string_pretty(&report.to_json())
            .map_err(|e| Exit::Io(format!("cannot render JSON: {e}")))?;
        json.push('\n');
        json
    } else {
        report.to_text()
    };
    input::write_stdout(text.as_bytes())?;
    if report.ok() {
        Ok(())
    } else {
        Err(Exit::Rejected(format!(
            "demo: {} expectation(s) failed{}",
            report.failures(),
            if report.error.is_some() {
                ", a step could not run"
            } else {
                ""
            }
        )))
    }
}
