//! Fleet options and commands: `verify --jwks-url URL [--allow-http]` (a remote JWK Set cached
//! for the life of the process), `verify --replay redis://…` (replay and revocation in Redis),
//! `verify --lines` (one token per line, one JSON result per line), and `pqjose revoke`.

use std::io::{BufRead, Write};
use std::sync::Arc;

use pqjose::remote::{HttpOptions, RemoteKeySet};
use pqjose::{Error, NumericDate};
use pqjose_redis::RedisReplayStore;
use serde_json::{Value, json};

use crate::Command;
use crate::args::{Args, Opt};
use crate::exit::Exit;

/// The remote JWK Set at `url`, fetched once now so that an unreachable or unusable endpoint
/// is an I/O error (exit 2) rather than a rejected token.
pub(crate) fn remote_keys(url: &str, allow_http: bool) -> Result<RemoteKeySet, Exit> {
    let remote = RemoteKeySet::from_url(url, HttpOptions::new().allow_http(allow_http))
        .map_err(|e| Exit::Io(format!("--jwks-url: {e}")))?
        .build();
    remote
        .refresh()
        .map_err(|e| Exit::Io(format!("cannot fetch the JWK Set: {e}")))?;
    Ok(remote)
}

/// The Redis replay store at `url` (`redis://HOST:PORT[/DB]`). Not contacted yet: a Redis that
/// cannot be reached refuses each token (fail closed, code 604).
pub(crate) fn replay_store(url: &str) -> Result<Arc<RedisReplayStore>, Exit> {
    RedisReplayStore::open(url)
        .map(Arc::new)
        .map_err(|_| Exit::Io(format!("--replay: not a Redis URL: {url}")))
}

/// `--lines`: verify each line of `path` (stdin for `None` or `-`) until end of input and print
/// one JSON object per line, flushed as written. Blank lines are skipped. `verify` returns the
/// JSON value to print under `claims` (or `payload`), or the error.
pub(crate) fn lines(
    path: Option<&str>,
    raw: bool,
    mut verify: impl FnMut(&str) -> Result<Vec<u8>, Error>,
) -> Result<(), Exit> {
    let path = path.unwrap_or("-");
    let reader: Box<dyn BufRead> = if path == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file =
            std::fs::File::open(path).map_err(|e| Exit::Io(format!("cannot read {path}: {e}")))?;
        Box::new(std::io::BufReader::new(file))
    };
    let mut out = std::io::stdout().lock();
    for line in reader.lines() {
        let line = line.map_err(|e| Exit::Io(format!("cannot read {path}: {e}")))?;
        let token = line.trim_end_matches('\r');
        if token.trim().is_empty() {
            continue;
        }
        let result = match verify(token) {
            Ok(bytes) if raw => json!({"ok": true, "payload": String::from_utf8_lossy(&bytes)}),
            Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
                Ok(claims) => json!({"ok": true, "claims": claims}),
                Err(_) => json!({"ok": false, "code": 0, "error": "claims are not JSON"}),
            },
            Err(e) => json!({"ok": false, "code": e.code(), "error": e.to_string()}),
        };
        writeln!(out, "{result}")
            .and_then(|()| out.flush())
            .map_err(|e| Exit::Io(format!("cannot write to stdout: {e}")))?;
    }
    Ok(())
}

/// `pqjose revoke`.
pub(crate) const REVOKE: Command = Command {
    name: "revoke",
    summary: "revoke tokens in a shared Redis (by jti, subject or key)",
    usage: "Revoke tokens for every gateway sharing a Redis (see `verify --replay`).

Usage: pqjose revoke --replay redis://HOST:PORT[/DB] (--jti JTI --iss ISS | --sub SUB [--before UNIX_TIME] | --kid KID)

Options:
  --replay URL       the Redis (or Valkey) the gateways use
  --jti JTI --iss ISS
                     revoke the token of issuer ISS with this jti
  --sub SUB          revoke the tokens of this subject whose iat is at or before --before
  --before T         seconds since the Unix epoch (default: now); a later revocation of the
                     same subject moves the time forward, never back
  --kid KID          revoke every token verified by the key KID

The revocation is recorded in the stream `pqjose:events:revoked`.

Exit status: 0 revoked; 2 usage error or Redis unreachable.
",
    run: revoke,
};

const REVOKE_OPTS: &[Opt] = &[
    Opt::value("replay"),
    Opt::value("jti"),
    Opt::value("iss"),
    Opt::value("sub"),
    Opt::value("before"),
    Opt::value("kid"),
];

fn revoke(argv: &[String]) -> Result<(), Exit> {
    let args = Args::parse(argv, REVOKE_OPTS, REVOKE.usage)?;
    args.no_positional()?;
    let store = replay_store(args.required("replay")?)?;
    let before: Option<i64> = args.number("before")?;
    let result = match (
        args.value("jti"),
        args.value("iss"),
        args.value("sub"),
        args.value("kid"),
    ) {
        (Some(jti), Some(iss), None, None) if before.is_none() => store.revoke_jti(iss, jti, None),
        (None, None, Some(sub), None) => {
            store.revoke_subject(sub, before.map(NumericDate::from_secs))
        }
        (None, None, None, Some(kid)) if before.is_none() => store.revoke_kid(kid),
        _ => {
            return Err(args.error(
                "give exactly one of `--jti JTI --iss ISS`, `--sub SUB [--before T]`, `--kid KID`",
            ));
        }
    };
    result.map_err(|e| Exit::Io(format!("cannot revoke: {e}")))
}
