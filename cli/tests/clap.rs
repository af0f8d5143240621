//! The clap front end: typo suggestions, shell completions, usage errors (exit 2 on stderr),
//! `-h` as full help, `--name=VALUE`, repeated single-value options, `-` and `--`.

mod common;

use common::{keypair, path_str, pqjose, scratch};

#[test]
fn a_mistyped_command_names_the_right_one() {
    let out = pqjose(&["verfy", "--key", "k.json"], None);
    let first = out.usage_or_io();
    assert_eq!(first, "error: unknown command `verfy`");
    assert!(out.stderr.contains("'verify'"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let out = pqjose(&["keygne"], None);
    assert!(out.stderr.contains("'keygen'"), "{}", out.stderr);
}

#[test]
fn a_mistyped_option_names_the_right_one() {
    let out = pqjose(&["verify", "--key", "k.json", "--isss", "x"], None);
    assert_eq!(out.usage_or_io(), "error: unknown option `--isss`");
    assert!(out.stderr.contains("'--iss'"), "{}", out.stderr);
    assert!(
        out.stderr.contains("Usage: pqjose verify"),
        "{}",
        out.stderr
    );
}

#[test]
fn completions_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish"] {
        let out = pqjose(&["completions", shell], None);
        let script = out.ok();
        assert!(out.stderr.is_empty(), "{shell}: {}", out.stderr);
        assert!(script.len() > 500, "{shell}: {script}");
        for command in [
            "keygen",
            "public",
            "sign",
            "verify",
            "inspect",
            "demo",
            "bench",
            "completions",
        ] {
            assert!(script.contains(command), "{shell} script lacks {command}");
        }
        assert!(script.contains("max-age"), "{shell} script lacks options");
    }
    pqjose(&["completions", "tcsh"], None).usage_or_io();
    pqjose(&["completions"], None).usage_or_io();
}

#[test]
fn usage_errors_exit_2_on_stderr() {
    for args in [
        &["verify", "--key", "a", "--key", "b"][..],
        &["keygen", "--alg", "ES256", "--alg", "ES256"],
        &["verify", "--key", "a", "--raw=1"],
        &["verify", "--key"],
        &["verify", "--key", "a", "--require", ""],
        &["verify", "--key", "a", "--leeway", "soon"],
        &["verify", "--key", "a", "t1", "t2"],
        &["inspect", "-x"],
        &["demo", "--json", "extra"],
        &["bench", "--alg", "nope"],
        &["sign", "--key", "k", "--payload", "p", "--claims", "{}"],
    ] {
        let out = pqjose(args, None);
        out.usage_or_io();
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(out.stderr.contains("--help"), "{args:?}: {}", out.stderr);
    }
    let out = pqjose(&["verify", "--key", "a", "t1", "t2"], None);
    assert_eq!(out.usage_or_io(), "error: unexpected argument `t2`");
    let out = pqjose(&["bench", "--alg", "nope"], None);
    assert!(
        out.usage_or_io()
            .contains("unknown algorithm `nope`; known: ")
    );
    let out = pqjose(&[], None);
    assert_eq!(out.usage_or_io(), "error: missing command");
    // A usage error found while running (not by the parser) has the same shape.
    let out = pqjose(&["sign", "--key", "k", "--claims", "[1]"], None);
    assert!(
        out.usage_or_io()
            .contains("`--claims` must be a JSON object")
    );
    assert!(out.stderr.contains("Usage: pqjose sign"), "{}", out.stderr);
}

#[test]
fn short_help_is_the_full_help_on_stdout() {
    for command in ["verify", "sign", "keygen", "demo"] {
        let short = pqjose(&[command, "-h"], None);
        let long = pqjose(&[command, "--help"], None);
        assert_eq!(short.ok(), long.ok(), "{command}");
        assert!(short.stderr.is_empty());
    }
    let help = pqjose(&["verify", "-h"], None).ok();
    assert!(
        help.starts_with("Usage: pqjose verify (--key FILE | --jwks FILE)"),
        "{help}"
    );
    assert!(help.contains("RFC 8725"), "{help}");
    assert!(help.contains("--max-age <S>"), "{help}");
    let top = pqjose(&["-h"], None).ok();
    assert!(top.contains("completions"), "{top}");
    assert!(top.contains("Exit status: 0 success"), "{top}");
    let version = pqjose(&["-V"], None).ok();
    assert_eq!(version, format!("pqjose {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn equals_form_stdin_dash_and_double_dash() {
    let dir = scratch("clap-forms");
    let key = dir.join("k.json");
    pqjose(
        &[
            "keygen",
            "--alg=ML-DSA-44",
            &format!("--out={}", path_str(&key)),
        ],
        None,
    )
    .ok();
    let (private, public) = keypair(&dir, "Ed25519");
    let token = pqjose(
        &["sign", &format!("--key={}", path_str(&private)), "--ttl=60"],
        None,
    )
    .ok();
    // `-` is stdin, options may follow the positional, and a value may start with `-`.
    let out = pqjose(
        &["verify", "-", "--key", path_str(&public), "--aud", "-x"],
        Some(token.as_bytes()),
    );
    assert_eq!(out.rejected(), "error: missing claim `aud`");
    pqjose(
        &["verify", "--key", path_str(&public), "-"],
        Some(token.as_bytes()),
    )
    .ok();
    // After `--`, an argument that looks like an option is a file name.
    let out = pqjose(&["inspect", "--", "--help"], None);
    assert!(
        out.usage_or_io().contains("cannot read --help"),
        "{}",
        out.stderr
    );
}
