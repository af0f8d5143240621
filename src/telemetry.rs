//! Telemetry: a zero-dependency observer hook that proves which algorithms are actually used.
//!
//! An [`Observer`] set on a [`Validation`](crate::Validation) or a
//! [`Decryption`](crate::jwe::Decryption) receives one [`Event`] per verification (per decryption), success or failure:
//! the operation, the algorithm, the key id, the algorithm policy, the outcome (0 or the
//! [`Error::code`]) and the duration. Without an observer nothing is timed or built; with one,
//! the cost is two monotonic clock reads and one call (measured in docs/PERFORMANCE.md).
//!
//! The core depends on no telemetry framework: adapt events to yours in the observer. The
//! `pqjose-metrics` crate is such an adapter for the `metrics` facade (counters by operation,
//! algorithm and outcome, a histogram of durations).
//!
//! ```
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use pqjose::telemetry::Event;
//! use pqjose::{Algorithm, SigningKey, TokenBuilder, Validation};
//!
//! let key = SigningKey::generate(Algorithm::MlDsa44)?;
//! let token = TokenBuilder::new().subject("agent-7").sign(&key)?;
//! let post_quantum = Arc::new(AtomicU64::new(0));
//! let seen = Arc::clone(&post_quantum);
//! let validation = Validation::new().observer(Arc::new(move |event: &Event<'_>| {
//!     if event.is_ok() && event.alg().is_some_and(|a| a.starts_with("ML-DSA")) {
//!         seen.fetch_add(1, Ordering::Relaxed);
//!     }
//! }));
//! validation.verify::<pqjose::CustomClaims>(&token, &key.verifying_key()?)?;
//! assert_eq!(post_quantum.load(Ordering::Relaxed), 1);
//! # Ok::<(), pqjose::Error>(())
//! ```
//!
//! Layering: this module sits beside `error` and `time`; every operation that reports events
//! (jwt verification, JWE decryption) imports it, and it imports only [`Error`].

use core::fmt;
use core::time::Duration;
use std::sync::Arc;
use std::time::Instant;

use crate::error::Error;

/// What an [`Event`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// A token verification (signature and, for a JWT, every claim check).
    Verify,
    /// A JWE decryption.
    Decrypt,
}

impl Operation {
    /// `verify` or `decrypt`: a stable label.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Verify => "verify",
            Self::Decrypt => "decrypt",
        }
    }
}

/// One verification or decryption, reported when it ends. Borrowed: copy out what you keep.
#[derive(Clone, Copy)]
pub struct Event<'a> {
    operation: Operation,
    alg: Option<&'static str>,
    kid: Option<&'a str>,
    policy: &'static str,
    outcome: Result<(), &'a Error>,
    duration: Duration,
}

impl<'a> Event<'a> {
    /// What was done.
    pub const fn operation(&self) -> Operation {
        self.operation
    }

    /// The JOSE `alg`: the algorithm of the key that verified (or decrypted), or on failure
    /// the one the token named or the key was bound to; `None` when the token failed before
    /// either was known (for example a malformed header).
    pub const fn alg(&self) -> Option<&'static str> {
        self.alg
    }

    /// The key id: of the key that verified on success, else the one the token named (or the
    /// single key's), if any.
    pub const fn kid(&self) -> Option<&'a str> {
        self.kid
    }

    /// The algorithm policy in force: `pqc`, `hybrid`, `composite` or `any` (an explicit
    /// allow-list narrows it further).
    pub const fn policy(&self) -> &'static str {
        self.policy
    }

    /// Whether the operation succeeded.
    pub const fn is_ok(&self) -> bool {
        self.outcome.is_ok()
    }

    /// The outcome code: 0 on success, else the stable [`Error::code`].
    pub fn code(&self) -> u32 {
        match self.outcome {
            Ok(()) => 0,
            Err(e) => e.code(),
        }
    }

    /// The error, on failure (its message never echoes token or key bytes).
    pub const fn error(&self) -> Option<&'a Error> {
        match self.outcome {
            Ok(()) => None,
            Err(e) => Some(e),
        }
    }

    /// How long the operation took.
    pub const fn duration(&self) -> Duration {
        self.duration
    }
}

impl fmt::Debug for Event<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("operation", &self.operation)
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .field("policy", &self.policy)
            .field("code", &self.code())
            .field("duration", &self.duration)
            .finish()
    }
}

/// Receives one [`Event`] per verification or decryption. Called on the verifying thread,
/// after the operation, so keep it short (count, record, enqueue). Any
/// `Fn(&Event<'_>) + Send + Sync` closure is an observer.
pub trait Observer: Send + Sync {
    /// One operation ended.
    fn observe(&self, event: &Event<'_>);
}

impl<F: Fn(&Event<'_>) + Send + Sync> Observer for F {
    fn observe(&self, event: &Event<'_>) {
        self(event)
    }
}

/// **The hook point** for an operation that reports events: start a span before the work
/// (nothing happens without an observer), finish it with what is known at the end.
///
/// ```text
/// let span = Span::start(self.observer.as_ref());
/// let result = self.decrypt_inner(...);
/// if let Some(span) = span {
///     span.finish(Operation::Decrypt, Some(alg.as_str()), kid, policy, result.as_ref().map(drop));
/// }
/// ```
pub(crate) struct Span<'o> {
    observer: &'o dyn Observer,
    start: Instant,
}

impl<'o> Span<'o> {
    /// Start timing, if there is an observer.
    #[inline]
    pub(crate) fn start(observer: Option<&'o Arc<dyn Observer>>) -> Option<Self> {
        observer.map(|o| Self {
            observer: o.as_ref(),
            start: Instant::now(),
        })
    }

    /// Report the operation to the observer.
    pub(crate) fn finish(
        self,
        operation: Operation,
        alg: Option<&'static str>,
        kid: Option<&str>,
        policy: &'static str,
        outcome: Result<(), &Error>,
    ) {
        self.observer.observe(&Event {
            operation,
            alg,
            kid,
            policy,
            outcome,
            duration: self.start.elapsed(),
        });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[test]
    fn a_span_reports_one_event() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let observer: Arc<dyn Observer> = Arc::new(move |e: &Event<'_>| {
            sink.lock().unwrap().push((
                e.operation(),
                e.alg(),
                e.kid().map(str::to_owned),
                e.code(),
            ));
        });
        assert!(Span::start(None).is_none());
        let span = Span::start(Some(&observer)).unwrap();
        span.finish(
            Operation::Decrypt,
            Some("HPKE-12"),
            Some("k1"),
            "pqc",
            Err(&Error::InvalidSignature),
        );
        let span = Span::start(Some(&observer)).unwrap();
        span.finish(Operation::Verify, None, None, "any", Ok(()));
        let seen = seen.lock().unwrap();
        assert_eq!(
            *seen,
            [
                (
                    Operation::Decrypt,
                    Some("HPKE-12"),
                    Some("k1".to_owned()),
                    Error::InvalidSignature.code()
                ),
                (Operation::Verify, None, None, 0),
            ]
        );
        assert_ne!(Error::InvalidSignature.code(), 0);
    }
}
