//! How a command ends: the exit status and what is printed.
//!
//! - 0: success (for `verify`, the token is valid);
//! - 1: the token was rejected or the operation refused, with exactly one `error: <reason>` line
//!   on stderr;
//! - 2: a usage error, an unreadable or unwritable file, or an unusable key file;
//! - 3: a check the user asked for found something (`inventory --fail-on-classical`).

use std::io::Write;
use std::process::ExitCode;

/// Why a command stopped early.
#[derive(Debug)]
pub(crate) enum Exit {
    /// Bad arguments: the message and the command's usage line on stderr, exit 2.
    Usage(String),
    /// A file could not be read or written, or a key file could not be used: exit 2.
    Io(String),
    /// The token was rejected or the operation refused: exit 1.
    Rejected(String),
    /// A check the user asked for found something (`inventory --fail-on-classical` found a
    /// quantum-vulnerable key or token): exit 3, with one `error:` line.
    Found(String),
}

impl Exit {
    /// A usage error (exit 2); the command's usage line is added when it is reported.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::Usage(message.into())
    }

    /// A rejection carrying a library error's message (which never echoes token or key bytes).
    pub(crate) fn rejected(err: &pqjose::Error) -> Self {
        Self::Rejected(err.to_string())
    }
}

/// One line: newlines and other control characters (which could come from a file name)
/// become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Where to point a user after a usage error.
const MORE: &str = "For more information, try '--help'.";

/// Print what `result` calls for and turn it into the process exit status; `usage` gives the
/// usage line of the command that ran, for a usage error.
pub(crate) fn report(result: Result<(), Exit>, usage: impl FnOnce() -> String) -> ExitCode {
    let stderr = &mut std::io::stderr().lock();
    // Nothing useful can be done if writing to stderr fails; the exit status still tells.
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Exit::Usage(message)) => {
            let usage = usage();
            let _ = writeln!(
                stderr,
                "error: {}\n\n{}{MORE}",
                one_line(&message),
                if usage.is_empty() {
                    String::new()
                } else {
                    format!("{}\n\n", usage.trim_end())
                }
            );
            ExitCode::from(2)
        }
        Err(Exit::Io(message)) => {
            let _ = writeln!(stderr, "error: {}", one_line(&message));
            ExitCode::from(2)
        }
        Err(Exit::Rejected(message)) => {
            let _ = writeln!(stderr, "error: {}", one_line(&message));
            ExitCode::from(1)
        }
        Err(Exit::Found(message)) => {
            let _ = writeln!(stderr, "error: {}", one_line(&message));
            ExitCode::from(3)
        }
    }
}

/// The one-line message of a clap error, in the words of the hand-written parser for the
/// common cases (an unknown option or command, a stray argument, a missing command).
pub(crate) fn clap_message(err: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let context = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.as_str()),
        _ => None,
    };
    match (err.kind(), context(ContextKind::InvalidArg)) {
        (ErrorKind::UnknownArgument, Some(arg)) if arg.starts_with('-') && arg.len() > 1 => {
            let name = arg.split_once('=').map_or(arg, |(name, _)| name);
            return format!("unknown option `{name}`");
        }
        (ErrorKind::UnknownArgument, Some(arg)) => return format!("unexpected argument `{arg}`"),
        _ => {}
    }
    match (err.kind(), context(ContextKind::InvalidSubcommand)) {
        (ErrorKind::InvalidSubcommand, Some(name)) => return format!("unknown command `{name}`"),
        (ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand, _) => {
            return "missing command".to_owned();
        }
        _ => {}
    }
    let rendered = err.render().to_string();
    let first = rendered.lines().next().unwrap_or_default();
    first.strip_prefix("error: ").unwrap_or(first).to_owned()
}

/// Report a parse error from clap: `--help` and `--version` print to stdout and exit 0; any
/// other error is a usage error (exit 2) on stderr: `error: <message>`, then clap's tips
/// (a similar command or option), the usage line and a pointer to `--help`.
pub(crate) fn report_clap(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        return match err.print() {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::from(2),
        };
    }
    let rendered = err.render().to_string();
    // clap's own first line is replaced by ours; a missing command shows the whole help.
    let rest = match err.kind() {
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => format!("\n{rendered}"),
        _ => rendered
            .split_once('\n')
            .map_or(String::new(), |(_, rest)| rest.to_owned()),
    };
    let _ = write!(
        std::io::stderr().lock(),
        "error: {}\n{rest}",
        one_line(&clap_message(err))
    );
    ExitCode::from(2)
}
