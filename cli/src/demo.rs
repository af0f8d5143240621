//! `pqjose demo [--json]`: an embedded agent-credential scenario, run in a few seconds.
//!
//! An issuer creates ML-DSA-65, composite ML-DSA-65-Ed25519 and legacy ES256 keys and publishes
//! its JWK Set; it mints per-task tokens for several agents; a gateway verifies them under a
//! post-quantum-or-hybrid policy and rejects what it must (legacy algorithm, tampering, expiry,
//! wrong audience, replay); the issuer rotates its key; a closing table gives sizes and timings.
//!
//! Every step states the outcome it expects. The exit status is 0 when all of them held and 1
//! otherwise, so the demo is also a smoke test of the library on this machine; 2 is a usage
//! error or unwritable output.

mod report;
mod scenario;
mod timing;

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use report::Report;

/// The `--help` text.
pub(crate) const USAGE: &str = "\
Usage: pqjose demo [--json]

Run an embedded scenario: an issuer mints post-quantum per-task tokens for agents, a gateway
verifies them under a PQC-or-hybrid policy and rejects a legacy ES256 token, a tampered one, an
expired one, one for another audience and replayed ones; the issuer rotates its key. Ends with
token sizes and sign/verify times on this machine. Needs no files and no network.

Options:
  --json      the same, as one JSON document on stdout
  -h, --help  this text

Exit status: 0 every expectation held; 1 some outcome differed from the expected one;
2 usage error or unwritable output.
";

/// Run `pqjose demo` with the arguments after `demo`.
pub(crate) fn run(args: &[String]) -> ExitCode {
    let mut json = false;
    for arg in args {
        match arg.as_str() {
            "--json" => json = true,
            "-h" | "--help" => return write_out(&mut std::io::stdout(), USAGE, ExitCode::SUCCESS),
            other => {
                let message = format!(
                    "error: unexpected argument `{}`\n\n{USAGE}",
                    one_line(other)
                );
                return write_out(&mut std::io::stderr(), &message, ExitCode::from(2));
            }
        }
    }
    let started = Instant::now();
    let mut report = Report::default();
    if let Err(failed) = scenario::run(&mut report) {
        report.error = Some(failed.message());
    }
    report.elapsed_ms = started.elapsed().as_millis();
    let status = if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    let text = if json {
        match serde_json::to_string_pretty(&report.to_json()) {
            Ok(mut s) => {
                s.push('\n');
                s
            }
            Err(_) => return ExitCode::from(2),
        }
    } else {
        report.to_text()
    };
    write_out(&mut std::io::stdout(), &text, status)
}

/// Write `text` and return `status`, or 2 if it cannot be written (never a panic, unlike
/// `print!` on a closed pipe).
fn write_out(out: &mut impl Write, text: &str, status: ExitCode) -> ExitCode {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => status,
        Err(_) => ExitCode::from(2),
    }
}

/// Control characters from the command line become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
