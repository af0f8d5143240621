//! The panic boundary: every exported function runs its body through [`guard`] or
//! [`guard_value`], so no unwind ever crosses into C. A panic becomes `PQJ_STATUS_PANIC` (or a
//! typed default for functions that return no status) and the call has no visible effect,
//! because outputs are written only at the very end of a successful body.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::{Failure, pqj_error, report};
use crate::status::pqj_status;

/// Run a fallible body. On failure (or panic) store the detailed error in `*err_out` when
/// `err_out` is not NULL, and return the status; on success return `PQJ_STATUS_OK` and leave
/// `*err_out` untouched.
pub(crate) fn guard<F>(err_out: *mut *mut pqj_error, body: F) -> pqj_status
where
    F: FnOnce() -> Result<(), Failure>,
{
    // AssertUnwindSafe: after a panic nothing the body touched is observed again: handles are
    // immutable or replaced atomically, and outputs are written only after success.
    let result = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| Err(Failure::panic()));
    match result {
        Ok(()) => pqj_status::Ok,
        Err(failure) => {
            let status = failure.status;
            // Reporting allocates; if even that panics, still return the status.
            let _ = catch_unwind(AssertUnwindSafe(|| report(err_out, failure)));
            status
        }
    }
}

/// Run an infallible body that returns a value; a panic returns `on_panic`.
pub(crate) fn guard_value<T, F>(on_panic: T, body: F) -> T
where
    F: FnOnce() -> T,
{
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(on_panic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_status_and_an_error() {
        let mut err: *mut pqj_error = core::ptr::null_mut();
        let status = guard(&mut err, || panic!("boom"));
        assert_eq!(status, pqj_status::Panic);
        assert_eq!(crate::pqj_error_status(err), pqj_status::Panic);
        crate::pqj_error_free(err);
        assert_eq!(guard_value(7, || panic!("boom")), 7);
        assert_eq!(guard(core::ptr::null_mut(), || Ok(())), pqj_status::Ok);
    }
}
