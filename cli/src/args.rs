//! A small command-line parser: `--name VALUE`, `--name=VALUE`, boolean flags, repeatable
//! options, positionals (`-` is a positional meaning stdin), and `--` to end the options.
//! `-h`/`--help` anywhere before `--` asks for the command's usage.

use crate::exit::Exit;

/// What an option takes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A boolean switch.
    Flag,
    /// One value; giving it twice is an error.
    Value,
    /// A value that may be given several times.
    Many,
}

/// One option a command accepts, by its long name without the dashes.
#[derive(Clone, Copy)]
pub(crate) struct Opt {
    name: &'static str,
    kind: Kind,
}

impl Opt {
    /// A boolean switch `--name`.
    pub(crate) const fn flag(name: &'static str) -> Self {
        Self {
            name,
            kind: Kind::Flag,
        }
    }

    /// An option with one value, `--name VALUE`.
    pub(crate) const fn value(name: &'static str) -> Self {
        Self {
            name,
            kind: Kind::Value,
        }
    }

    /// A repeatable option, `--name A --name B`.
    pub(crate) const fn many(name: &'static str) -> Self {
        Self {
            name,
            kind: Kind::Many,
        }
    }
}

/// Parsed arguments of one command.
#[derive(Debug)]
pub(crate) struct Args {
    values: Vec<(&'static str, String)>,
    positionals: Vec<String>,
    usage: &'static str,
}

impl Args {
    /// Parse `argv` (the arguments after the command name) against `opts`.
    pub(crate) fn parse(argv: &[String], opts: &[Opt], usage: &'static str) -> Result<Self, Exit> {
        let mut args = Self {
            values: Vec::new(),
            positionals: Vec::new(),
            usage,
        };
        let mut rest = argv.iter();
        while let Some(arg) = rest.next() {
            if arg == "--" {
                args.positionals.extend(rest.by_ref().cloned());
                break;
            }
            if arg == "-h" || arg == "--help" {
                return Err(Exit::Help(usage.to_owned()));
            }
            let Some(body) = arg.strip_prefix("--") else {
                if arg.len() > 1 && arg.starts_with('-') {
                    return Err(args.error(format!("unknown option `{arg}`")));
                }
                args.positionals.push(arg.clone());
                continue;
            };
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (body, None),
            };
            let Some(opt) = opts.iter().find(|o| o.name == name) else {
                return Err(args.error(format!("unknown option `--{name}`")));
            };
            let value = match (opt.kind, inline) {
                (Kind::Flag, Some(_)) => {
                    return Err(args.error(format!("`--{name}` takes no value")));
                }
                (Kind::Flag, None) => String::new(),
                (_, Some(v)) => v,
                (_, None) => rest
                    .next()
                    .cloned()
                    .ok_or_else(|| args.error(format!("`--{name}` needs a value")))?,
            };
            if opt.kind != Kind::Many && args.values.iter().any(|(n, _)| *n == opt.name) {
                return Err(args.error(format!("`--{name}` given more than once")));
            }
            args.values.push((opt.name, value));
        }
        Ok(args)
    }

    /// A usage error for this command.
    pub(crate) fn error(&self, message: impl Into<String>) -> Exit {
        Exit::usage(message, self.usage)
    }

    /// The value of a single-valued option.
    pub(crate) fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of a required option.
    pub(crate) fn required(&self, name: &str) -> Result<&str, Exit> {
        self.value(name)
            .ok_or_else(|| self.error(format!("`--{name}` is required")))
    }

    /// Every value of a repeatable option, in order.
    pub(crate) fn values(&self, name: &str) -> Vec<&str> {
        self.values
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether a flag (or any option) was given.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.values.iter().any(|(n, _)| *n == name)
    }

    /// The value of an option parsed as a number.
    pub(crate) fn number<T: core::str::FromStr>(&self, name: &str) -> Result<Option<T>, Exit> {
        self.value(name)
            .map(|v| {
                v.parse::<T>()
                    .map_err(|_| self.error(format!("`--{name}` must be a non-negative integer")))
            })
            .transpose()
    }

    /// At most one positional argument (a file name or `-`).
    pub(crate) fn one_positional(&self) -> Result<Option<&str>, Exit> {
        match self.positionals.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one.as_str())),
            [_, extra, ..] => Err(self.error(format!("unexpected argument `{extra}`"))),
        }
    }

    /// No positional argument.
    pub(crate) fn no_positional(&self) -> Result<(), Exit> {
        match self.positionals.first() {
            None => Ok(()),
            Some(extra) => Err(self.error(format!("unexpected argument `{extra}`"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: &[Opt] = &[Opt::value("key"), Opt::flag("raw"), Opt::many("alg")];

    fn parse(argv: &[&str]) -> Result<Args, Exit> {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        Args::parse(&argv, OPTS, "usage")
    }

    #[test]
    fn values_flags_and_positionals() {
        let a = parse(&[
            "--key",
            "k.json",
            "--raw",
            "--alg=ES256",
            "--alg",
            "HS256",
            "-",
        ])
        .unwrap();
        assert_eq!(a.value("key"), Some("k.json"));
        assert!(a.has("raw"));
        assert_eq!(a.values("alg"), ["ES256", "HS256"]);
        assert_eq!(a.one_positional().unwrap(), Some("-"));
    }

    #[test]
    fn errors() {
        assert!(matches!(parse(&["--nope"]), Err(Exit::Usage { .. })));
        assert!(matches!(parse(&["-x"]), Err(Exit::Usage { .. })));
        assert!(matches!(parse(&["--key"]), Err(Exit::Usage { .. })));
        assert!(matches!(
            parse(&["--key", "a", "--key", "b"]),
            Err(Exit::Usage { .. })
        ));
        assert!(matches!(parse(&["--raw=1"]), Err(Exit::Usage { .. })));
        assert!(matches!(parse(&["a", "--help"]), Err(Exit::Help(_))));
        assert!(parse(&["a", "b"]).unwrap().one_positional().is_err());
    }

    #[test]
    fn double_dash_ends_options() {
        let a = parse(&["--", "--help"]).unwrap();
        assert_eq!(a.one_positional().unwrap(), Some("--help"));
    }
}
