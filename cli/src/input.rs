//! Files, stdin and stdout: everything the commands read from or write to the outside.

use std::fs::File;
use std::io::{Read, Write};

use zeroize::Zeroizing;

use crate::exit::Exit;

/// The most any input file (key, claims, payload, token) may hold.
pub(crate) const MAX_INPUT: u64 = 16 * 1024 * 1024;

/// Read a file, or stdin for `-`, up to [`MAX_INPUT`] bytes.
pub(crate) fn read_bytes(path: &str) -> Result<Vec<u8>, Exit> {
    read_limited(path)?
        .ok_or_else(|| Exit::Io(format!("{} is larger than {MAX_INPUT} bytes", name(path))))
}

/// Read up to [`MAX_INPUT`] bytes; `None` when there is more.
fn read_limited(path: &str) -> Result<Option<Vec<u8>>, Exit> {
    let mut buf = Vec::new();
    let read = if path == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_INPUT + 1)
            .read_to_end(&mut buf)
    } else {
        File::open(path).and_then(|f| f.take(MAX_INPUT + 1).read_to_end(&mut buf))
    };
    read.map_err(|e| Exit::Io(format!("cannot read {}: {e}", name(path))))?;
    Ok((buf.len() as u64 <= MAX_INPUT).then_some(buf))
}

/// Read a key file (or stdin) as UTF-8 text in a buffer that is zeroized when dropped.
pub(crate) fn read_secret_text(path: &str) -> Result<Zeroizing<String>, Exit> {
    let bytes = Zeroizing::new(read_bytes(path)?);
    let text = core::str::from_utf8(&bytes)
        .map_err(|_| Exit::Io(format!("{} is not UTF-8 text", name(path))))?;
    Ok(Zeroizing::new(text.to_owned()))
}

/// Read a compact token from a file, or stdin when `path` is `None` or `-`. One trailing
/// newline (`\n` or `\r\n`) is removed; anything else is left for the verifier to judge.
pub(crate) fn read_token(path: Option<&str>) -> Result<String, Exit> {
    let bytes = read_limited(path.unwrap_or("-"))?
        .ok_or_else(|| Exit::Rejected("malformed token: token exceeds the size limit".into()))?;
    let mut token = String::from_utf8(bytes)
        .map_err(|_| Exit::Rejected("malformed token: not ASCII text".into()))?;
    if token.ends_with('\n') {
        token.pop();
        if token.ends_with('\r') {
            token.pop();
        }
    }
    Ok(token)
}

/// Write secret text (a private JWK) to `path` with mode 0600, or to stdout for `None`/`-`.
pub(crate) fn write_private(path: Option<&str>, text: &str) -> Result<(), Exit> {
    let Some(path) = path.filter(|p| *p != "-") else {
        return write_stdout(text.as_bytes());
    };
    let fail = |e: std::io::Error| Exit::Io(format!("cannot write {path}: {e}"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path).map_err(fail)?;
        // An existing file keeps its old mode through `open`; tighten it before writing.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(fail)?;
        write_all(file, text.as_bytes()).map_err(fail)
    }
    #[cfg(not(unix))]
    {
        let file = options.open(path).map_err(fail)?;
        write_all(file, text.as_bytes()).map_err(fail)
    }
}

fn write_all(mut file: File, bytes: &[u8]) -> std::io::Result<()> {
    file.write_all(bytes)?;
    file.sync_all()
}

/// Write to stdout and flush.
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<(), Exit> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Exit::Io(format!("cannot write to stdout: {e}")))
}

fn name(path: &str) -> &str {
    if path == "-" { "stdin" } else { path }
}
