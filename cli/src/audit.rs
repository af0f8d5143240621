//! `audit`: the signed, tamper-evident log (init, append, seal, verify, prove, check-proof).
//!
//! The contract scripts rely on (issue 16): indexes start at 0; `append` prints
//! `INDEX LEAF_HASH_HEX` per record as soon as that record is durable, seals a checkpoint every
//! N records (and every T ms while input keeps arriving), and at the end of input seals what is
//! not yet covered; `verify` exits 1 with one line `error: <reason> at index N`; `prove --size
//! S` without a checkpoint of size S exits 1.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use pqjose::Error;
use pqjose::audit::{
    AuditError, AuditLog, DirStorage, InclusionProof, LogConfig, LogOptions, MAX_PROOF_LEN,
    MAX_RECORD_LEN, prove_inclusion, verify_log,
};

use crate::exit::Exit;
use crate::{input, keys, parse};

/// A signed, tamper-evident log of actions: Merkle tree, signed checkpoints, proofs
///
/// Records are JSON objects, one per line in DIR/records.jsonl, stored verbatim; a leaf hash is
/// SHA-256(0x00 || record) and a node SHA-256(0x01 || left || right) (RFC 9162). Checkpoints
/// are C2SP tlog-checkpoint text, a signed note for Ed25519 keys and a compact JWS whose payload
/// is the text for every other key type (ML-DSA, SLH-DSA, composites, ECDSA, RSA).
#[derive(clap::Args)]
pub(crate) struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(clap::Subcommand)]
enum AuditCommand {
    Init(InitArgs),
    Append(AppendArgs),
    Seal(SealArgs),
    Verify(VerifyArgs),
    Prove(ProveArgs),
    CheckProof(CheckProofArgs),
}

/// Create a log in DIR (refused unless DIR is new or empty) and sign its size-0 checkpoint
///
/// The log stores --every and --interval-ms, and the absolute path of the private key, which
/// `append` and `seal` use.
#[derive(clap::Args)]
#[command(
    override_usage = "pqjose audit init --dir DIR --key PRIVATE.jwk [--every N] [--interval-ms T]"
)]
struct InitArgs {
    /// The log directory
    #[arg(long, value_name = "DIR", allow_hyphen_values = true)]
    dir: String,
    /// The private JWK that signs checkpoints (any algorithm but HMAC)
    #[arg(long, value_name = "PRIVATE.jwk", allow_hyphen_values = true)]
    key: String,
    /// Seal a checkpoint every N records
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = positive, allow_hyphen_values = true)]
    every: u64,
    /// Seal a checkpoint once the oldest uncovered record is T milliseconds old
    #[arg(long = "interval-ms", value_name = "T", default_value_t = 1000, value_parser = parse::non_negative, allow_hyphen_values = true)]
    interval_ms: u64,
}

/// Append records (one JSON object, or one per line); prints "INDEX LEAF_HASH_HEX" per record
///
/// Each line is printed as soon as its record is durable, while the input is still open. A
/// checkpoint is sealed every N records and every T ms while input arrives; at the end of the
/// input, whatever is not yet covered is sealed.
#[derive(clap::Args)]
#[command(override_usage = "pqjose audit append --dir DIR [RECORD_JSON_FILE|-]")]
struct AppendArgs {
    /// The log directory
    #[arg(long, value_name = "DIR", allow_hyphen_values = true)]
    dir: String,
    /// The records (default: stdin)
    #[arg(value_name = "RECORD_JSON_FILE|-")]
    file: Option<String>,
}

/// Sign a checkpoint now and print it (with nothing new, print the latest and sign nothing)
#[derive(clap::Args)]
#[command(override_usage = "pqjose audit seal --dir DIR")]
struct SealArgs {
    /// The log directory
    #[arg(long, value_name = "DIR", allow_hyphen_values = true)]
    dir: String,
}

/// Verify the whole log: exit 0 when consistent and every checkpoint verifies
///
/// Otherwise exit 1 with one line `error: <reason> at index N`: N is the first record that is
/// missing, changed or out of place, or, for a checkpoint that fails, its tree size.
#[derive(clap::Args)]
#[command(override_usage = "pqjose audit verify --dir DIR --key PUBLIC.jwk")]
struct VerifyArgs {
    /// The log directory
    #[arg(long, value_name = "DIR", allow_hyphen_values = true)]
    dir: String,
    /// The log's public JWK
    #[arg(long, value_name = "PUBLIC.jwk", allow_hyphen_values = true)]
    key: String,
}

/// Print an inclusion proof (JSON) for record INDEX against the checkpoint of size S
#[derive(clap::Args)]
#[command(override_usage = "pqjose audit prove --dir DIR --index N [--size S]")]
struct ProveArgs {
    /// The log directory
    #[arg(long, value_name = "DIR", allow_hyphen_values = true)]
    dir: String,
    /// The record's index (from 0)
    #[arg(long, value_name = "N", value_parser = parse::non_negative, allow_hyphen_values = true)]
    index: u64,
    /// The tree size of the checkpoint to prove against (default: the latest)
    #[arg(long, value_name = "S", value_parser = parse::non_negative, allow_hyphen_values = true)]
    size: Option<u64>,
}

/// Check an inclusion proof and its checkpoint: exit 0 when both verify
#[derive(clap::Args)]
#[command(override_usage = "pqjose audit check-proof --key PUBLIC.jwk PROOF_FILE")]
struct CheckProofArgs {
    /// The log's public JWK
    #[arg(long, value_name = "PUBLIC.jwk", allow_hyphen_values = true)]
    key: String,
    /// The proof (JSON; - for stdin)
    #[arg(value_name = "PROOF_FILE")]
    proof: String,
}

fn positive(value: &str) -> Result<u64, String> {
    match value.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err("must be a positive integer".to_owned()),
    }
}

/// `pqjose audit`.
pub(crate) fn run(args: AuditArgs) -> Result<(), Exit> {
    match args.command {
        AuditCommand::Init(a) => init(&a),
        AuditCommand::Append(a) => append(&a),
        AuditCommand::Seal(a) => seal(&a),
        AuditCommand::Verify(a) => verify(&a),
        AuditCommand::Prove(a) => prove(&a),
        AuditCommand::CheckProof(a) => check_proof(&a),
    }
}

/// Refusals and failed checks exit 1; I/O, a missing or malformed log, an unusable key exit 2.
fn fail(dir: &str, err: &Error) -> Exit {
    match err {
        Error::Audit(AuditError::Io(_) | AuditError::NotALog | AuditError::Config) => {
            Exit::Io(format!("{dir}: {err}"))
        }
        Error::Audit(AuditError::UnsuitableKey) | Error::Key(_) | Error::Algorithm(_) => {
            Exit::Io(err.to_string())
        }
        _ => Exit::rejected(err),
    }
}

fn init(a: &InitArgs) -> Result<(), Exit> {
    let key = keys::load_signing_key(&a.key)?;
    let key_path = std::fs::canonicalize(&a.key)
        .map_err(|e| Exit::Io(format!("{}: {e}", a.key)))?
        .to_string_lossy()
        .into_owned();
    let options = LogOptions::new()
        .every(a.every)
        .interval_ms(a.interval_ms)
        .key_path(key_path);
    let log = AuditLog::create(Path::new(&a.dir), key, options).map_err(|e| fail(&a.dir, &e))?;
    log.close().map_err(|e| fail(&a.dir, &e))
}

/// Open the log for writing with the key its `log.json` names.
fn open_writer(dir: &str) -> Result<AuditLog, Exit> {
    let config = LogConfig::load(Path::new(dir)).map_err(|e| fail(dir, &e.into()))?;
    let Some(key_path) = config.key_path else {
        return Err(Exit::Io(format!("{dir}: the log names no signing key")));
    };
    let key = keys::load_signing_key(&key_path)?;
    AuditLog::open(Path::new(dir), key).map_err(|e| fail(dir, &e))
}

fn print_stored_checkpoint(text: &str) -> Result<(), Exit> {
    let mut out = text.to_owned();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    input::write_stdout(out.as_bytes())
}

/// Print the acknowledged lines.
fn acknowledge(out: &mut impl Write, lines: &mut String) -> Result<(), Exit> {
    if lines.is_empty() {
        return Ok(());
    }
    out.write_all(lines.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Exit::Io(format!("stdout: {e}")))?;
    lines.clear();
    Ok(())
}

/// Acknowledge at most this many records per sync when input never pauses.
const MAX_BATCH: usize = 1000;

fn append(a: &AppendArgs) -> Result<(), Exit> {
    let mut log = open_writer(&a.dir)?;
    let source: Box<dyn Read> = match a.file.as_deref() {
        None | Some("-") => Box::new(std::io::stdin()),
        Some(path) => {
            Box::new(std::fs::File::open(path).map_err(|e| Exit::Io(format!("{path}: {e}")))?)
        }
    };
    let name = a.file.as_deref().unwrap_or("-");
    let mut reader = BufReader::with_capacity(1 << 16, source);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut pending = String::new();
    let mut pending_count = 0usize;
    let mut record: Vec<u8> = Vec::new();
    let mut line = Vec::new();
    let result = (|| -> Result<(), Exit> {
        loop {
            // Group commit: when the next line is not already buffered (reading may block),
            // make the records so far durable and acknowledge them.
            if pending_count >= MAX_BATCH || !reader.buffer().contains(&b'\n') {
                log.sync().map_err(|e| fail(&a.dir, &e))?;
                acknowledge(&mut out, &mut pending)?;
                pending_count = 0;
            }
            line.clear();
            let n = (&mut reader)
                .take(MAX_RECORD_LEN as u64 + 2)
                .read_until(b'\n', &mut line)
                .map_err(|e| Exit::Io(format!("{name}: {e}")))?;
            if n == 0 {
                break;
            }
            if line.last() == Some(&b'\n') {
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
            }
            if record.is_empty() && line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            // A record spanning several lines (one pretty-printed object) is stored with its
            // line breaks (insignificant JSON whitespace) as spaces: a log line holds one record.
            if !record.is_empty() {
                record.push(b' ');
            }
            record.extend_from_slice(&line);
            if record.len() > MAX_RECORD_LEN {
                return Err(Exit::rejected(&AuditError::RecordTooLarge.into()));
            }
            match serde_json::from_slice::<serde::de::IgnoredAny>(&record) {
                Err(e) if e.is_eof() => continue,
                _ => {}
            }
            let appended = log.append(&record).map_err(|e| fail(&a.dir, &e))?;
            pending.push_str(&format!(
                "{} {}\n",
                appended.index,
                hex_encode(&appended.leaf_hash)
            ));
            pending_count += 1;
            record.clear();
        }
        if !record.is_empty() {
            return Err(Exit::rejected(&AuditError::RecordNotObject.into()));
        }
        Ok(())
    })();
    // Whatever was appended before an error is still made durable, acknowledged and sealed.
    let synced = log.sync().map_err(|e| fail(&a.dir, &e));
    if synced.is_ok() {
        acknowledge(&mut out, &mut pending)?;
    }
    let sealed = log.seal().map(|_| ()).map_err(|e| fail(&a.dir, &e));
    let closed = log.close().map_err(|e| fail(&a.dir, &e));
    result.and(synced).and(sealed).and(closed)
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn seal(a: &SealArgs) -> Result<(), Exit> {
    let mut log = open_writer(&a.dir)?;
    let text = log.seal().map_err(|e| fail(&a.dir, &e))?;
    log.close().map_err(|e| fail(&a.dir, &e))?;
    print_stored_checkpoint(&text)
}

fn verify(a: &VerifyArgs) -> Result<(), Exit> {
    let key = keys::load_verifying_key(&a.key)?;
    let storage =
        DirStorage::open_read_only(Path::new(&a.dir)).map_err(|e| fail(&a.dir, &e.into()))?;
    verify_log(&storage, &key).map_err(|e| fail(&a.dir, &e))?;
    Ok(())
}

fn prove(a: &ProveArgs) -> Result<(), Exit> {
    let storage =
        DirStorage::open_read_only(Path::new(&a.dir)).map_err(|e| fail(&a.dir, &e.into()))?;
    let proof = prove_inclusion(&storage, a.index, a.size).map_err(|e| fail(&a.dir, &e))?;
    let mut json = proof.to_json();
    json.push('\n');
    input::write_stdout(json.as_bytes())
}

fn check_proof(a: &CheckProofArgs) -> Result<(), Exit> {
    let key = keys::load_verifying_key(&a.key)?;
    let bytes = input::read_bytes(&a.proof)?;
    if bytes.len() > MAX_PROOF_LEN {
        return Err(Exit::rejected(&AuditError::ProofFormat.into()));
    }
    let text =
        String::from_utf8(bytes).map_err(|_| Exit::rejected(&AuditError::ProofFormat.into()))?;
    let proof = InclusionProof::from_json(&text).map_err(|e| Exit::rejected(&e))?;
    proof.verify(&key).map_err(|e| fail(&a.proof, &e))?;
    Ok(())
}
