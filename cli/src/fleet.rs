//! Gateway fleets: the `verify` options `--jwks-url URL [--allow-http]` (a remote JWK Set
//! cached for the life of the process), `--replay redis://…` (replay and revocation checks in
//! Redis) and `--lines` (one token per line, one JSON result per line), and `pqjose revoke`.

use std::io::{BufRead, Write};
use std::sync::Arc;

use base64ct::{Base64UrlUnpadded, Encoding};
use pqjose::remote::{FetchResponse, HttpFetcher, HttpOptions, JwksFetcher, RemoteKeySet};
use pqjose::{Error, FormatError, NumericDate};
use pqjose_redis::RedisReplayStore;
use serde_json::json;

use crate::exit::Exit;
use crate::input::MAX_INPUT;
use crate::parse;
use crate::summary::Summary;

/// The fleet options of `pqjose verify` (flattened into its `VerifyArgs`).
#[derive(clap::Args)]
pub(crate) struct FleetArgs {
    /// Keys from a remote JWK Set (https), cached for the life of the process: max-age
    /// honoured within bounds, ETag revalidation, refreshed before expiry, an unknown kid
    /// refetched at most once per 30 s; fetched once at start (unreachable: exit 2)
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    pub(crate) jwks_url: Option<String>,
    /// Accept an http:// --jwks-url (loopback tests only)
    #[arg(long)]
    pub(crate) allow_http: bool,
    /// jti replay and revocation checks in Redis or Valkey (redis://HOST:PORT[/DB]): each jti
    /// is accepted once across every gateway sharing it (jti required); revocations by jti, kid
    /// or subject (`pqjose revoke`) are refused; any Redis error refuses the token
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    pub(crate) replay: Option<String>,
    /// Read tokens one per line (stdin or TOKEN_FILE) until end of input; print one JSON object
    /// per line, flushed as it is written: {"ok":true,"claims":{…}} (with --raw
    /// {"ok":true,"payload":"…"}, or "payload_b64u" when not UTF-8) or
    /// {"ok":false,"code":N,"error":"…"}; a blank line is skipped; at end of input a summary
    /// by algorithm and outcome on stderr (`summary: tokens=N ok=N rejected=N
    /// quantum_vulnerable=N`, then `summary: alg=ALG outcome=ok count=N` and `summary: alg=ALG
    /// outcome=rejected code=N count=N` lines); exit 0 at end of input (2 on an I/O error)
    #[arg(long)]
    pub(crate) lines: bool,
}

/// The remote JWK Set at `url`, fetched once now so that an unreachable or unusable endpoint
/// is an I/O error (exit 2) rather than a rejected token.
pub(crate) fn remote_keys(url: &str, allow_http: bool) -> Result<RemoteKeySet, Exit> {
    let remote = RemoteKeySet::from_url(url, http_options(allow_http))
        .map_err(|e| Exit::Io(format!("--jwks-url: {e}")))?
        .build();
    remote
        .refresh()
        .map_err(|e| Exit::Io(format!("cannot fetch the JWK Set: {e}")))?;
    Ok(remote)
}

/// The JWK Set document at `url` as it is served (for `inventory`, which reads every entry,
/// usable or not): one fetch through the library's HTTP fetcher, with the limits and
/// permissions of [`remote_keys`].
pub(crate) fn fetch_jwks(url: &str, allow_http: bool) -> Result<String, Exit> {
    let fetcher = HttpFetcher::new(url, http_options(allow_http))
        .map_err(|e| Exit::Io(format!("--jwks-url: {e}")))?;
    match fetcher.fetch(None) {
        Ok(FetchResponse::Modified { body, .. }) => String::from_utf8(body)
            .map_err(|_| Exit::Io(format!("cannot use {url}: the document is not UTF-8"))),
        // No ETag was sent, so a 304 is the server's error.
        Ok(_) => Err(Exit::Io(
            "cannot fetch the JWK Set: 304 Not Modified to an unconditional request".to_owned(),
        )),
        Err(e) => Err(Exit::Io(format!("cannot fetch the JWK Set: {e}"))),
    }
}

/// The HTTP limits of `--jwks-url` (the library's defaults), with `--allow-http`.
fn http_options(allow_http: bool) -> HttpOptions {
    HttpOptions::new().allow_http(allow_http)
}

/// The Redis replay store at `url` (`redis://HOST:PORT[/DB]`). Not contacted yet: a Redis that
/// cannot be reached refuses each token (fail closed, code 604).
pub(crate) fn replay_store(url: &str) -> Result<Arc<RedisReplayStore>, Exit> {
    RedisReplayStore::open(url)
        .map(Arc::new)
        .map_err(|_| Exit::usage(format!("--replay: not a Redis URL: {url}")))
}

/// `--lines`: verify each line of `path` (stdin for `None` or `-`) until end of input and print
/// one JSON object per line, flushed as it is written; blank lines are skipped. `verify`
/// returns the verified claims JSON (or with `raw` the payload) or the error. Each token is
/// counted in `summary`, which is printed on stderr at end of input.
pub(crate) fn lines(
    path: Option<&str>,
    raw: bool,
    summary: &Summary,
    mut verify: impl FnMut(&str) -> Result<Vec<u8>, Error>,
) -> Result<(), Exit> {
    let path = path.unwrap_or("-");
    let name = if path == "-" { "stdin" } else { path };
    let mut reader: Box<dyn BufRead> = if path == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file =
            std::fs::File::open(path).map_err(|e| Exit::Io(format!("cannot read {name}: {e}")))?;
        Box::new(std::io::BufReader::new(file))
    };
    let read_error = |e: std::io::Error| Exit::Io(format!("cannot read {name}: {e}"));
    let mut out = std::io::stdout().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = std::io::Read::take(&mut reader, MAX_INPUT + 1)
            .read_until(b'\n', &mut line)
            .map_err(read_error)?;
        if n == 0 {
            summary.print();
            return Ok(());
        }
        let result = if line.len() as u64 > MAX_INPUT {
            // Too long to be a token: skip to the end of the line.
            skip_line(&mut reader).map_err(read_error)?;
            let result = Err(FormatError::TooLarge.into());
            summary.record(None, result.as_ref().map(drop));
            result
        } else {
            let text = String::from_utf8_lossy(&line);
            let token = text.trim_end_matches(['\n', '\r']);
            if token.trim().is_empty() {
                continue;
            }
            // A line that is not UTF-8 carries U+FFFD, which no token holds: it is refused.
            let result = verify(token);
            summary.record(Some(token), result.as_ref().map(drop));
            result
        };
        let mut object = match result {
            Ok(bytes) if raw => payload_object(bytes),
            Ok(claims) => claims_object(claims),
            Err(e) => json!({"ok": false, "code": e.code(), "error": e.to_string()})
                .to_string()
                .into_bytes(),
        };
        object.push(b'\n');
        out.write_all(&object)
            .and_then(|()| out.flush())
            .map_err(|e| Exit::Io(format!("cannot write to stdout: {e}")))?;
    }
}

/// Consume input up to and including the next newline.
fn skip_line(reader: &mut dyn BufRead) -> std::io::Result<()> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let len = buf.len();
                reader.consume(len);
            }
        }
    }
}

/// `{"ok":true,"claims":…}` with the claims exactly as signed (members in their order, numbers
/// as written). A CR or LF in valid JSON can only be whitespace between tokens (inside strings
/// they are escaped), so turning them into spaces keeps the object on one line and its meaning.
fn claims_object(mut claims: Vec<u8>) -> Vec<u8> {
    for b in &mut claims {
        if matches!(*b, b'\n' | b'\r') {
            *b = b' ';
        }
    }
    let mut object = br#"{"ok":true,"claims":"#.to_vec();
    object.extend_from_slice(&claims);
    object.push(b'}');
    object
}

/// `{"ok":true,"payload":"…"}` for UTF-8 payloads, else `{"ok":true,"payload_b64u":"…"}`.
fn payload_object(payload: Vec<u8>) -> Vec<u8> {
    match String::from_utf8(payload) {
        Ok(text) => json!({"ok": true, "payload": text}),
        Err(e) => {
            json!({"ok": true, "payload_b64u": Base64UrlUnpadded::encode_string(e.as_bytes())})
        }
    }
    .to_string()
    .into_bytes()
}

/// Revoke tokens for every gateway sharing a Redis (by jti, subject or key)
///
/// Revoke tokens in the Redis (or Valkey) that gateways check with `pqjose verify --replay`:
/// one token by issuer and jti, every token of a subject issued at or before a time (how an
/// orchestrator ends a task or contains a compromised agent), or every token verified by a key.
/// The revocation is recorded in the stream `pqjose:events:revoked`.
///
/// Exit status: 0 revoked; 2 usage error or Redis unreachable.
#[derive(clap::Args)]
#[command(
    override_usage = "pqjose revoke --replay redis://HOST:PORT[/DB] (--jti JTI --iss ISS | --sub SUB [--before UNIX_TIME] | --kid KID)",
    group = clap::ArgGroup::new("what").required(true).args(["jti", "sub", "kid"]),
)]
pub(crate) struct RevokeArgs {
    /// The Redis (or Valkey) the gateways use: redis://HOST:PORT[/DB]
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    replay: String,
    /// Revoke the token of issuer --iss with this jti
    #[arg(long, value_name = "JTI", requires = "iss", allow_hyphen_values = true)]
    jti: Option<String>,
    /// The issuer of the --jti token
    #[arg(long, value_name = "ISS", requires = "jti", allow_hyphen_values = true)]
    iss: Option<String>,
    /// Revoke this subject's tokens whose iat is at or before --before; a later revocation of
    /// the same subject moves the time forward, never back
    #[arg(long, value_name = "SUB", allow_hyphen_values = true)]
    sub: Option<String>,
    /// Seconds since the Unix epoch (default: now)
    #[arg(long, value_name = "UNIX_TIME", requires = "sub", value_parser = parse::non_negative, allow_hyphen_values = true)]
    before: Option<u64>,
    /// Revoke every token verified by the key with this kid
    #[arg(long, value_name = "KID", allow_hyphen_values = true)]
    kid: Option<String>,
}

/// `pqjose revoke`.
pub(crate) fn run_revoke(args: RevokeArgs) -> Result<(), Exit> {
    let store = replay_store(&args.replay)?;
    let before = match args.before.map(i64::try_from) {
        None => None,
        Some(Ok(secs)) => Some(NumericDate::from_secs(secs)),
        Some(Err(_)) => return Err(Exit::usage("--before: the time is too large")),
    };
    // clap's `requires` is met by any member of the `what` group, so the forms are checked
    // here as well.
    let result = match (&args.jti, &args.iss, &args.sub, &args.kid) {
        (Some(jti), Some(iss), None, None) if before.is_none() => store.revoke_jti(iss, jti, None),
        (None, None, Some(sub), None) => store.revoke_subject(sub, before),
        (None, None, None, Some(kid)) if before.is_none() => store.revoke_kid(kid),
        _ => {
            return Err(Exit::usage(
                "give exactly one of `--jti JTI --iss ISS`, `--sub SUB [--before UNIX_TIME]`, \
                 `--kid KID`",
            ));
        }
    };
    result.map_err(|e| Exit::Io(format!("cannot revoke: {e}")))
}
