//! Every raw pointer the C side hands us goes through this module, and nothing outside it
//! dereferences one. Each helper checks for `NULL` first and turns it into
//! [`pqj_status::NullParameter`] with the argument's name in the message.
//!
//! The contract the C caller signs (stated once in the header's preamble): a non-`NULL` handle
//! pointer came from this library and has not been freed; a non-`NULL` `(ptr, len)` input is
//! readable for `len` bytes for the duration of the call; a non-`NULL` `const char *` is
//! NUL-terminated; an out-pointer is writable. Under that contract every helper here is sound.

use core::ffi::{CStr, c_char};
use core::ptr::NonNull;
use std::ffi::CString;
use std::sync::Arc;

use zeroize::Zeroize;

use crate::error::Failure;
use crate::status::pqj_status;

/// `NULL` for a named argument.
fn null(name: &'static str) -> Failure {
    Failure::new(
        pqj_status::NullParameter,
        format!("argument `{name}` is NULL"),
    )
}

/// Move `value` into a new `Arc` and hand its pointer to C (freed by [`arc_free`]).
pub(crate) fn arc_into_raw<T>(value: T) -> *const T {
    Arc::into_raw(Arc::new(value))
}

/// Hand an existing `Arc` reference to C (freed by [`arc_free`]).
pub(crate) fn arc_into_raw_arc<T>(value: Arc<T>) -> *const T {
    Arc::into_raw(value)
}

/// Borrow the value behind an `Arc` pointer made by [`arc_into_raw`].
pub(crate) fn arc_ref<'a, T>(ptr: *const T, name: &'static str) -> Result<&'a T, Failure> {
    // SAFETY: by the contract a non-NULL handle came from `arc_into_raw::<T>` and is alive for
    // the duration of the call; `as_ref` checks NULL.
    unsafe { ptr.as_ref() }.ok_or_else(|| null(name))
}

/// A new strong reference to the value behind an `Arc` pointer made by [`arc_into_raw`].
pub(crate) fn arc_clone<T>(ptr: *const T, name: &'static str) -> Result<Arc<T>, Failure> {
    if ptr.is_null() {
        return Err(null(name));
    }
    // SAFETY: `ptr` came from `Arc::into_raw` and the caller still holds its reference, so the
    // count is at least one while we increment it and then take the new reference.
    unsafe {
        Arc::increment_strong_count(ptr);
        Ok(Arc::from_raw(ptr))
    }
}

/// Drop the C side's reference to an `Arc` handle. `NULL` does nothing.
pub(crate) fn arc_free<T>(ptr: *const T) {
    if !ptr.is_null() {
        // SAFETY: a non-NULL handle came from `arc_into_raw::<T>` and is released exactly once
        // (double free is a caller bug the contract excludes).
        drop(unsafe { Arc::from_raw(ptr) });
    }
}

/// Move `value` into a new `Box` and hand its pointer to C (freed by [`box_free`]).
pub(crate) fn box_into_raw<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Borrow the value behind a `Box` pointer made by [`box_into_raw`].
pub(crate) fn box_ref<'a, T>(ptr: *const T, name: &'static str) -> Result<&'a T, Failure> {
    // SAFETY: as for `arc_ref`: a live pointer from `box_into_raw::<T>`, or NULL.
    unsafe { ptr.as_ref() }.ok_or_else(|| null(name))
}

/// Mutably borrow the value behind a `Box` pointer made by [`box_into_raw`].
pub(crate) fn box_mut<'a, T>(ptr: *mut T, name: &'static str) -> Result<&'a mut T, Failure> {
    // SAFETY: a live pointer from `box_into_raw::<T>`, or NULL; the header documents that a
    // mutable handle must not be used from two threads at once, so the borrow is unique.
    unsafe { ptr.as_mut() }.ok_or_else(|| null(name))
}

/// Free a `Box` handle. `NULL` does nothing.
pub(crate) fn box_free<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: a non-NULL handle came from `box_into_raw::<T>` and is freed exactly once.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// A `(ptr, len)` byte input. `NULL` is accepted only with `len == 0` (an empty input).
pub(crate) fn bytes<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(null(name)) };
    }
    if len > isize::MAX as usize {
        return Err(Failure::invalid(format!("argument `{name}` is too long")));
    }
    // SAFETY: by the contract `ptr` is readable for `len` bytes for the duration of the call,
    // and `len` fits `isize`.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// A `(ptr, len)` UTF-8 text input.
pub(crate) fn text<'a>(ptr: *const u8, len: usize, name: &'static str) -> Result<&'a str, Failure> {
    core::str::from_utf8(bytes(ptr, len, name)?).map_err(|_| utf8(name))
}

/// A `(ptr, len)` UTF-8 text input of at most `max` bytes: a longer one fails with `too_long`
/// before any byte is looked at (limits before parsing).
pub(crate) fn text_max<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
    max: usize,
    too_long: impl FnOnce() -> Failure,
) -> Result<&'a str, Failure> {
    if len > max {
        return Err(too_long());
    }
    text(ptr, len, name)
}

/// A required NUL-terminated UTF-8 string.
pub(crate) fn cstr<'a>(ptr: *const c_char, name: &'static str) -> Result<&'a str, Failure> {
    opt_cstr(ptr, name)?.ok_or_else(|| null(name))
}

/// An optional NUL-terminated UTF-8 string: `NULL` is `None`.
pub(crate) fn opt_cstr<'a>(
    ptr: *const c_char,
    name: &'static str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: by the contract a non-NULL `const char *` is NUL-terminated and readable for the
    // duration of the call.
    let s = unsafe { CStr::from_ptr(ptr) };
    s.to_str().map(Some).map_err(|_| utf8(name))
}

fn utf8(name: &'static str) -> Failure {
    Failure::new(
        pqj_status::InvalidUtf8,
        format!("argument `{name}` is not valid UTF-8"),
    )
}

/// An out-parameter, checked for `NULL` before any work is done and written only at the end,
/// on success.
pub(crate) struct Out<T>(NonNull<T>);

/// Check an out-pointer. Call this first, so a `NULL` out-pointer fails before any work.
pub(crate) fn out<T>(ptr: *mut T, name: &'static str) -> Result<Out<T>, Failure> {
    NonNull::new(ptr).map(Out).ok_or_else(|| null(name))
}

impl<T> Out<T> {
    /// Store the result. Writes without reading the old value (the caller's variable may be
    /// uninitialised).
    pub(crate) fn write(self, value: T) {
        // SAFETY: by the contract an out-pointer is writable and aligned for `T`; `write`
        // does not read or drop the previous contents.
        unsafe { self.0.as_ptr().write(value) }
    }
}

impl Out<*mut c_char> {
    /// Store a library-owned NUL-terminated copy of `s` (freed by [`crate::pqj_string_free`]).
    /// Fails, writing nothing, if `s` contains a NUL byte.
    pub(crate) fn write_string(self, s: String) -> Result<(), Failure> {
        self.write_cstring(c_string(s)?);
        Ok(())
    }

    /// Store a string made by [`c_string`].
    pub(crate) fn write_cstring(self, s: CString) {
        self.write(s.into_raw());
    }
}

/// `s` as a C string, to be written with [`Out::write_cstring`] once every other fallible step
/// is done. The bytes are copied into an allocation that already has room for the NUL (so no
/// reallocation leaves a stray copy) and `s` is zeroized: outputs may hold secrets (a private
/// JWK). Refused if `s` contains a NUL byte.
pub(crate) fn c_string(mut s: String) -> Result<CString, Failure> {
    let mut bytes = Vec::with_capacity(s.len().saturating_add(1));
    bytes.extend_from_slice(s.as_bytes());
    s.zeroize();
    CString::new(bytes).map_err(|e| {
        let mut v = e.into_vec();
        v.zeroize();
        Failure::internal("output contains a NUL byte")
    })
}

/// Free (after zeroizing) a string made by [`Out::write_string`]. `NULL` does nothing.
pub(crate) fn string_free(ptr: *mut c_char) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: a non-NULL pointer came from `CString::into_raw` in `write_string` and is freed
    // exactly once; the string has not been changed in length by the caller (contract).
    let c = unsafe { CString::from_raw(ptr) };
    let mut v = c.into_bytes_with_nul();
    v.zeroize();
}

/// A `'static` NUL-terminated string as a C pointer.
pub(crate) fn static_cstr(s: &'static CStr) -> *const c_char {
    s.as_ptr()
}

/// Test helper: copy a NUL-terminated string the library returned.
#[cfg(test)]
pub(crate) fn read_cstr(p: *const c_char) -> String {
    assert!(!p.is_null());
    // SAFETY: tests pass only pointers this library returned, NUL-terminated and alive.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}
