//! C ABI for pqjose. The header `include/pqjose.h` is generated from this crate by cbindgen
//! (see `ffi/tests/header.rs`); everything below with a `pqj_` name is exported.
//!
//! Conventions (after rustls-ffi):
//! - Every fallible function returns a [`pqj_status`] and takes an optional
//!   `pqj_error **err_out` last: on failure, if `err_out` is not NULL, a new error with a
//!   detailed message is stored there for the caller to free. No thread-local state.
//! - Outputs are written only on success. Library-owned strings are freed with
//!   `pqj_string_free`; each handle type has one `_free`; every `_free(NULL)` does nothing.
//! - No unwind crosses the ABI (module `boundary`); raw pointers are only touched in module
//!   `ptr`, which checks for NULL first.

// The C names (`pqj_key`, `pqj_status`) are the API.
#![allow(non_camel_case_types)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod boundary;
mod claims;
mod error;
mod key;
mod keyset;
mod profiles;
mod ptr;
mod share;
mod status;
mod token;
mod verify;

use core::ffi::{CStr, c_char};

pub use claims::*;
pub use error::*;
pub use key::*;
pub use keyset::*;
pub use profiles::*;
pub use share::*;
pub use status::*;
pub use token::*;
pub use verify::*;

use boundary::guard_value;

/// The cryptographic backend compiled into this library.
macro_rules! backend {
    () => {
        "rustcrypto"
    };
}

/// `pqjose <version> (<backend>)` with a NUL, for [`pqj_version`].
const VERSION: &str = concat!(
    "pqjose ",
    env!("CARGO_PKG_VERSION"),
    " (",
    backend!(),
    ")\0"
);

/// The library version and cryptographic backend, for example `"pqjose 0.1.0 (rustcrypto)"`.
/// A static string: never freed.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_version() -> *const c_char {
    guard_value(ptr::static_cstr(c"pqjose"), || {
        ptr::static_cstr(CStr::from_bytes_with_nul(VERSION.as_bytes()).unwrap_or(c"pqjose"))
    })
}

/// Free a string this library returned (a JWK, token, claims JSON, thumbprint). The bytes are
/// zeroized first. `NULL` does nothing.
///
/// Thread safety: call once per string.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_string_free(s: *mut c_char) {
    guard_value((), || ptr::string_free(s));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_names_the_backend() {
        let v = ptr::read_cstr(pqj_version());
        assert!(v.starts_with("pqjose 0."), "{v}");
        assert!(v.ends_with(concat!("(", backend!(), ")")), "{v}");
    }
}
