//! `pqjose completions SHELL`: a shell completion script on stdout, generated from the same
//! clap definition that parses the arguments, so it always names every command and option.

use clap_complete::Shell;

use crate::exit::Exit;
use crate::input;

/// Print a shell completion script (bash, zsh, fish, elvish, powershell) on stdout
///
/// bash: `pqjose completions bash > ~/.local/share/bash-completion/completions/pqjose`
///
/// zsh: `pqjose completions zsh > ~/.zfunc/_pqjose` (with `fpath+=~/.zfunc` before `compinit`)
///
/// fish: `pqjose completions fish > ~/.config/fish/completions/pqjose.fish`
#[derive(clap::Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_name = "SHELL")]
    shell: Shell,
}

/// Write the script for the chosen shell.
pub(crate) fn run(args: CompletionsArgs) -> Result<(), Exit> {
    input::write_stdout(&script(args.shell))
}

/// The completion script for `shell`.
fn script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut crate::cli(), "pqjose", &mut out);
    out
}
