//! `pqjose`: the command-line tool over the pqjose library, parsed with `clap` (derive).
//!
//! `main` only parses and dispatches: each subcommand family lives in its own module with a
//! `#[derive(clap::Args)]` struct (its options, its help text in doc comments) and a
//! `run(args) -> Result<(), Exit>` function.
//!
//! # Adding a subcommand
//!
//! 1. Write `cli/src/NAME.rs`:
//!
//!    ```text
//!    /// One line for the command list (the first paragraph is the summary).
//!    ///
//!    /// More paragraphs for `pqjose NAME --help`.
//!    #[derive(clap::Args)]
//!    #[command(override_usage = "pqjose NAME --key FILE [--json]")] // optional
//!    pub(crate) struct NameArgs {
//!        /// The key file
//!        #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
//!        key: String,
//!    }
//!
//!    pub(crate) fn run(args: NameArgs) -> Result<(), Exit> { ... }
//!    ```
//!
//! 2. Add `mod NAME;` below, one variant `Name(NAME::NameArgs)` to [`Command`] and its arm in
//!    [`Command::run`]. The variant's position is its place in `pqjose --help`.
//!
//! Conventions that keep the CLI contract: give value options `allow_hyphen_values = true`
//! (the value after `--name` is taken as it is, as the old parser did); an `Option<T>` option
//! given twice is a usage error (clap's `ArgAction::Set`); a repeatable option is a `Vec<T>`;
//! a positional `Option<String>` file name accepts `-` for stdin; parse typed values with the
//! value parsers in [`parse`] so a bad value is a usage error (exit 2). Errors found while
//! running are [`Exit::usage`] (2), [`Exit::Io`] (2) or [`Exit::Rejected`] (1).
//!
//! Helpers: [`input`] (files, stdin, stdout, private files with mode 0600), [`exit`] (exit
//! status 0/1/2 and the one-line `error:` message), [`parse`] (value parsers).

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

mod audit;
mod bench;
mod completions;
mod demo;
mod dpop;
mod exchange;
mod exit;
mod fleet;
mod import;
mod input;
mod inspect;
mod inventory;
mod jwe;
mod keys;
mod parse;
mod sign;
mod summary;
mod verify;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use exit::Exit;

/// pqjose: post-quantum JOSE/JWT keys and tokens (ML-DSA, SLH-DSA, composite, classical)
#[derive(Parser)]
#[command(
    name = "pqjose",
    version,
    subcommand_required = true,
    after_help = "Run `pqjose <COMMAND> --help` for the options of one command.\n\n\
        Exit status: 0 success (token valid); 1 token rejected or operation refused;\n\
        2 usage error, unreadable or unwritable file, or unusable key file;\n\
        3 `inventory --fail-on-classical` found something quantum-vulnerable."
)]
struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    command: Command,
}

/// Every subcommand, in the order `pqjose --help` lists them. A variant has no doc comment:
/// its help is the doc comment of its `Args` struct (summary line, then the details).
#[derive(Subcommand)]
enum Command {
    Keygen(keys::KeygenArgs),
    Public(keys::PublicArgs),
    Import(import::ImportArgs),
    Sign(sign::SignArgs),
    Verify(verify::VerifyArgs),
    Revoke(fleet::RevokeArgs),
    Encrypt(jwe::EncryptArgs),
    Decrypt(jwe::DecryptArgs),
    Inspect(inspect::InspectArgs),
    Dpop(dpop::DpopArgs),
    Exchange(exchange::ExchangeArgs),
    Audit(audit::AuditArgs),
    Demo(demo::DemoArgs),
    Bench(bench::BenchArgs),
    Inventory(inventory::InventoryArgs),
    Completions(completions::CompletionsArgs),
}

impl Command {
    /// Run the chosen subcommand.
    fn run(self) -> Result<(), Exit> {
        match self {
            Self::Keygen(args) => keys::run_keygen(args),
            Self::Public(args) => keys::run_public(args),
            Self::Import(args) => import::run(args),
            Self::Sign(args) => sign::run(args),
            Self::Verify(args) => verify::run(args),
            Self::Revoke(args) => fleet::run_revoke(args),
            Self::Encrypt(args) => jwe::run_encrypt(args),
            Self::Decrypt(args) => jwe::run_decrypt(args),
            Self::Inspect(args) => inspect::run(args),
            Self::Dpop(args) => dpop::run(args),
            Self::Exchange(args) => exchange::run(args),
            Self::Audit(args) => audit::run(args),
            Self::Demo(args) => demo::run(args),
            Self::Bench(args) => bench::run(args),
            Self::Inventory(args) => inventory::run(args),
            Self::Completions(args) => completions::run(args),
        }
    }
}

/// The help layout of every subcommand: the usage line first, then the description.
const SUBCOMMAND_HELP: &str = "\
{usage-heading} {usage}

{about-with-newline}
{all-args}{after-help}";

/// The whole command-line interface as a clap [`clap::Command`]: the derived one, with `-h`
/// printing the full help as `--help` does (as the hand-written parser did) and the usage line
/// first in each subcommand's help (nested ones such as `dpop proof` included).
pub(crate) fn cli() -> clap::Command {
    fn long_help_flag(cmd: clap::Command) -> clap::Command {
        cmd.disable_help_flag(true).arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::HelpLong)
                .help("Print help"),
        )
    }
    fn subcommand(cmd: clap::Command) -> clap::Command {
        long_help_flag(cmd)
            .help_template(SUBCOMMAND_HELP)
            .mut_subcommands(subcommand)
    }
    long_help_flag(Cli::command()).mut_subcommands(subcommand)
}

fn main() -> ExitCode {
    let mut cmd = cli();
    let matches = match cmd.try_get_matches_from_mut(std::env::args_os()) {
        Ok(matches) => matches,
        Err(err) => return exit::report_clap(&err),
    };
    let result = Cli::from_arg_matches(&matches)
        .map_err(|err| Exit::usage(exit::clap_message(&err)))
        .and_then(|cli| cli.command.run());
    let usage = || {
        matches
            .subcommand_name()
            .and_then(|name| cmd.find_subcommand_mut(name))
            .map(|sub| sub.render_usage().to_string())
            .unwrap_or_default()
    };
    exit::report(result, usage)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_definition_is_consistent() {
        super::cli().debug_assert();
    }
}
