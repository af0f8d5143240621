//! `pqjose`: the command-line tool over the pqjose library.
//!
//! `main` only dispatches: each subcommand family lives in its own module and exposes a
//! [`Command`] value. Adding a subcommand is one `mod` line and one line in [`COMMANDS`]:
//!
//! ```text
//! // cli/src/demo.rs
//! pub(crate) const DEMO: Command = Command { name: "demo", summary: "...", usage: "...", run };
//! fn run(argv: &[String]) -> Result<(), Exit> {
//!     let args = Args::parse(argv, &[Opt::value("alg")], DEMO.usage)?;
//!     ...
//! }
//! ```
//!
//! Helpers: [`args`] (options), [`input`] (files, stdin, stdout, private files with mode
//! 0600), [`exit`] (exit status 0/1/2 and the one-line `error:` message).

#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod args;
mod bench;
mod demo;
mod dpop;
mod exchange;
mod exit;
mod input;
mod inspect;
mod keys;
mod sign;
mod verify;

use std::process::ExitCode;

use exit::Exit;

/// A subcommand: its name, a one-line summary, its usage text and its entry point.
pub(crate) struct Command {
    /// The word after `pqjose`.
    pub(crate) name: &'static str,
    /// One line for the command list.
    pub(crate) summary: &'static str,
    /// The full `--help` text.
    pub(crate) usage: &'static str,
    /// Runs the command on the arguments after its name.
    pub(crate) run: fn(&[String]) -> Result<(), Exit>,
}

/// Every subcommand, in the order `pqjose --help` lists them.
const COMMANDS: &[&Command] = &[
    &keys::KEYGEN,
    &keys::PUBLIC,
    &sign::SIGN,
    &verify::VERIFY,
    &inspect::INSPECT,
    &dpop::DPOP,
    &exchange::EXCHANGE,
    &demo::DEMO,
    &bench::BENCH,
];

fn main() -> ExitCode {
    let argv: Result<Vec<String>, _> = std::env::args_os()
        .skip(1)
        .map(|a| a.into_string())
        .collect();
    let result = match argv {
        Ok(argv) => dispatch(&argv),
        Err(_) => Err(Exit::usage("arguments must be valid UTF-8", usage())),
    };
    exit::report(result)
}

fn dispatch(argv: &[String]) -> Result<(), Exit> {
    let Some((name, rest)) = argv.split_first() else {
        return Err(Exit::usage("missing command", usage()));
    };
    match name.as_str() {
        "-h" | "--help" => Err(Exit::Help(usage())),
        "help" => match rest.first() {
            None => Err(Exit::Help(usage())),
            Some(topic) => Err(Exit::Help(find(topic)?.usage.to_owned())),
        },
        "-V" | "--version" => {
            input::write_stdout(format!("pqjose {}\n", env!("CARGO_PKG_VERSION")).as_bytes())
        }
        _ => (find(name)?.run)(rest),
    }
}

fn find(name: &str) -> Result<&'static Command, Exit> {
    COMMANDS
        .iter()
        .copied()
        .find(|c| c.name == name)
        .ok_or_else(|| Exit::usage(format!("unknown command `{name}`"), usage()))
}

/// The top-level usage text, listing every command.
fn usage() -> String {
    let mut text = String::from(
        "pqjose: post-quantum JOSE/JWT keys and tokens (ML-DSA, SLH-DSA, composite, classical)\n\n\
         Usage: pqjose <COMMAND> [OPTIONS]\n\nCommands:\n",
    );
    for c in COMMANDS {
        text.push_str(&format!("  {:<9} {}\n", c.name, c.summary));
    }
    text.push_str(
        "\nRun `pqjose <COMMAND> --help` for the options of one command.\n\n\
         Exit status: 0 success (token valid); 1 token rejected or operation refused;\n\
         2 usage error, unreadable or unwritable file, or unusable key file.\n",
    );
    text
}
