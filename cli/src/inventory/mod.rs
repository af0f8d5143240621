//! `pqjose inventory`: a cryptographic inventory of an issuer's keys (a JWK Set) or of a sample
//! of tokens: each one's algorithm, whether a quantum computer breaks it, sizes against common
//! limits (a 4 KB cookie, an 8 KB header line) and key age where the set says. With
//! `--fail-on-classical` the exit status is 3 when anything quantum-vulnerable is found, so a
//! pipeline can enforce the migration.
//!
//! `classify` (which algorithms are quantum-vulnerable), `entry` (one key or token, limits,
//! summary), `keys` (a JWK Set), `tokens` (one token per line); this file: options and output.

pub(crate) mod classify;
mod entry;
mod keys;
mod tokens;

use pqjose::{Clock, SystemClock};
use serde_json::{Value, json};

use crate::exit::Exit;
use crate::{fleet, input};
use entry::{COOKIE_LIMIT, Entry, HEADER_LINE_LIMIT, Summary};

/// Inventory the algorithms of an issuer's keys or of a sample of tokens
///
/// Lists each key of a JWK Set (--jwks, or --jwks-url fetched over https) or each token of a
/// file with one token per line (--tokens): its alg and kid, its class (post-quantum, composite, symmetric, classical or
/// unknown) and whether it is quantum-vulnerable, its sizes, and for keys the age when the set
/// carries iat (or nbf) and exp. RSA, ECDSA and EdDSA (and ECDH and RSA-OAEP encryption keys)
/// are quantum-vulnerable; ML-DSA, SLH-DSA, ML-KEM, the composites (their ML-DSA half holds)
/// and HMAC (symmetric) are not; an unrecognized algorithm counts as vulnerable, since it is
/// not shown to be post-quantum.
///
/// Sizes are held against two common limits: a token as a cookie value (4 KB) and
/// `Authorization: Bearer <token>` as one header line (8 KB). For a signing key, the size is
/// that of a typical token it signs (the claims `pqjose bench` uses). Nothing is verified: keys
/// are read, not loaded, and tokens only decoded. Private key material is never printed.
///
/// Exit status: 0 inventory printed; 3 with --fail-on-classical when anything is
/// quantum-vulnerable (the inventory is printed too); 2 usage error, unreadable file, a
/// --jwks-url that cannot be fetched, or not a JWK Set.
#[derive(clap::Args)]
#[command(
    override_usage = "pqjose inventory [--json] [--fail-on-classical] (--jwks FILE | --jwks-url URL [--allow-http] | --tokens FILE)",
    group = clap::ArgGroup::new("source").required(true).args(["jwks", "jwks_url", "tokens"]),
)]
pub(crate) struct InventoryArgs {
    /// One JSON document on stdout: `entries` (each with alg, kid, class, quantum_vulnerable
    /// and sizes), `summary` and `limits`
    #[arg(long)]
    json: bool,
    /// Exit with status 3 when any key or token is quantum-vulnerable
    #[arg(long)]
    fail_on_classical: bool,
    /// A JWK Set file (`-`: stdin)
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    jwks: Option<String>,
    /// A JWK Set fetched once from this URL (https; the limits of `verify --jwks-url`: 256 KiB,
    /// 2 s to connect, 5 s for the response, redirects within the origin only)
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    jwks_url: Option<String>,
    /// Accept an http:// --jwks-url (loopback tests only)
    #[arg(long)]
    allow_http: bool,
    /// A file with one compact token per line (`-`: stdin); empty lines are skipped
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    tokens: Option<String>,
}

/// What was inventoried.
struct Inventory {
    /// `jwks`, `jwks_url` or `tokens`, and the file name or URL.
    source: (&'static str, String),
    entries: Vec<Entry>,
    /// Token lines that could not be read (`--tokens` only).
    unreadable: Vec<tokens::Unreadable>,
}

/// `pqjose inventory`.
pub(crate) fn run(args: InventoryArgs) -> Result<(), Exit> {
    if args.allow_http && args.jwks_url.is_none() {
        // (clap's `requires` is met by any member of the `source` group, so it is checked here.)
        return Err(Exit::usage("`--allow-http` applies to `--jwks-url` only"));
    }
    let key_set = |kind, place: &String, text: &str| {
        let now = SystemClock.now().as_secs();
        let entries = keys::inventory(text, now)
            .map_err(|e| Exit::Io(format!("cannot use {place}: {}", e.0)))?;
        Ok::<_, Exit>(Inventory {
            source: (kind, place.clone()),
            entries,
            unreadable: Vec::new(),
        })
    };
    let inventory = match (&args.jwks, &args.jwks_url, &args.tokens) {
        (Some(path), None, None) => key_set("jwks", path, &input::read_secret_text(path)?)?,
        (None, Some(url), None) => {
            key_set("jwks_url", url, &fleet::fetch_jwks(url, args.allow_http)?)?
        }
        (None, None, Some(path)) => {
            let text = input::read_secret_text(path)?;
            let (entries, unreadable) = tokens::inventory(&text);
            Inventory {
                source: ("tokens", path.clone()),
                entries,
                unreadable,
            }
        }
        _ => {
            return Err(Exit::usage(
                "give exactly one of `--jwks`, `--jwks-url` and `--tokens`",
            ));
        }
    };
    let summary = Summary::of(&inventory.entries);
    let out = if args.json {
        let mut doc = serde_json::to_string_pretty(&to_json(&inventory, &summary))
            .map_err(|e| Exit::Io(format!("cannot render JSON: {e}")))?;
        doc.push('\n');
        doc
    } else {
        to_text(&inventory, &summary)
    };
    input::write_stdout(out.as_bytes())?;
    if args.fail_on_classical && summary.quantum_vulnerable > 0 {
        return Err(Exit::Found(format!(
            "quantum-vulnerable: {} of {} {} (--fail-on-classical)",
            summary.quantum_vulnerable,
            summary.total,
            noun(&inventory, summary.total)
        )));
    }
    Ok(())
}

/// `key(s)` or `token(s)`, for `n` of them.
fn noun(inventory: &Inventory, n: usize) -> &'static str {
    match (inventory.source.0, n) {
        ("tokens", 1) => "token",
        ("tokens", _) => "tokens",
        (_, 1) => "key",
        _ => "keys",
    }
}

fn to_json(inventory: &Inventory, summary: &Summary) -> Value {
    let (kind, path) = &inventory.source;
    let mut doc = json!({
        "source": { *kind: path },
        "limits": {
            "cookie_bytes": COOKIE_LIMIT,
            "header_line_bytes": HEADER_LINE_LIMIT,
        },
        "entries": inventory.entries.iter().map(Entry::to_json).collect::<Vec<_>>(),
        "summary": summary.to_json(),
    });
    if *kind == "tokens"
        && let Some(doc) = doc.as_object_mut()
    {
        let unreadable: Vec<Value> = inventory
            .unreadable
            .iter()
            .map(|u| json!({"line": u.line, "reason": u.reason}))
            .collect();
        doc.insert("unreadable".into(), Value::Array(unreadable));
    }
    doc
}

fn to_text(inventory: &Inventory, summary: &Summary) -> String {
    let what = noun(inventory, summary.total);
    let mut out = format!(
        "pqjose inventory: {} {what} in {}\n\n",
        summary.total,
        entry::printable(&inventory.source.1)
    );
    for e in &inventory.entries {
        out.push_str(&e.to_text());
    }
    for u in &inventory.unreadable {
        let place = format!("line {}", u.line);
        out.push_str(&format!("  {place:<9} unreadable: {}\n", u.reason));
    }
    out.push_str(&summary.to_text(what));
    out
}
