//! How a command ends: the exit status and what is printed.
//!
//! - 0: success (for `verify`, the token is valid);
//! - 1: the token was rejected or the operation refused, with exactly one `error: <reason>` line
//!   on stderr;
//! - 2: a usage error, an unreadable or unwritable file, or an unusable key file.

use std::io::Write;
use std::process::ExitCode;

/// Why a command stopped early.
#[derive(Debug)]
pub(crate) enum Exit {
    /// `--help`: print the text to stdout, exit 0.
    Help(String),
    /// Bad arguments: the message and the usage text on stderr, exit 2.
    Usage {
        /// What was wrong.
        message: String,
        /// The usage text of the command.
        usage: String,
    },
    /// A file could not be read or written, or a key file could not be used: exit 2.
    Io(String),
    /// The token was rejected or the operation refused: exit 1.
    Rejected(String),
}

impl Exit {
    /// A usage error with the command's usage text.
    pub(crate) fn usage(message: impl Into<String>, usage: impl Into<String>) -> Self {
        Self::Usage {
            message: message.into(),
            usage: usage.into(),
        }
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

/// Print what `result` calls for and turn it into the process exit status.
pub(crate) fn report(result: Result<(), Exit>) -> ExitCode {
    let stderr = &mut std::io::stderr().lock();
    // Nothing useful can be done if writing to stderr fails; the exit status still tells.
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Exit::Help(text)) => {
            let mut out = std::io::stdout().lock();
            if out
                .write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .is_err()
            {
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Err(Exit::Usage { message, usage }) => {
            let _ = writeln!(stderr, "error: {}\n\n{usage}", one_line(&message));
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
    }
}
