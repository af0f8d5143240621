//! Shared helpers for the tests over keys made by the `openssl` command line
//! (`openssl_keys`, `openssl_jwe_keys`): a machine without `openssl` fails them.

#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Run `openssl` with `args` (split at spaces) in `dir` and return its standard output; `Err`
/// with its standard error when it fails. Panics when there is no `openssl` at all.
pub(crate) fn try_openssl(dir: &Path, args: &str) -> Result<Vec<u8>, String> {
    let out = Command::new("openssl")
        .args(args.split_whitespace())
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("`openssl` is required by this test and cannot run: {e}"));
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// [`try_openssl`], which must succeed.
pub(crate) fn openssl(dir: &Path, args: &str) -> Vec<u8> {
    try_openssl(dir, args).unwrap_or_else(|e| panic!("openssl {args:?}: {e}"))
}

/// A fresh, empty directory `name` under the test target's temporary directory.
pub(crate) fn workdir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The bytes of `dir/file`.
pub(crate) fn read(dir: &Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(file)).unwrap()
}

/// The text of `dir/file`.
pub(crate) fn text(dir: &Path, file: &str) -> String {
    String::from_utf8(read(dir, file)).unwrap()
}
