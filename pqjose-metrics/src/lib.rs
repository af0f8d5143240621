//! pqjose telemetry events as [`metrics`] facade counters and histograms.
//!
//! pqjose's core depends on no telemetry framework: it reports one
//! [`Event`] per verification (and decryption) to an
//! [`Observer`]. [`MetricsObserver`] is that observer for the
//! `metrics` facade; install any `metrics` recorder (Prometheus, StatsD, …) as usual.
//!
//! Metrics:
//! - `pqjose_operations_total` (counter), labels `operation` (`verify`, `decrypt`), `alg` (the
//!   JOSE algorithm, `none` when the token failed before one was known), `policy` (`pqc`,
//!   `hybrid`, `composite`, `any`), `outcome` (`ok`, `error`) and `code` (0, or the stable
//!   pqjose error code);
//! - `pqjose_operation_duration_seconds` (histogram), labels `operation`, `alg`, `outcome`.
//!
//! ```
//! use std::sync::Arc;
//! use pqjose::Validation;
//! use pqjose_metrics::MetricsObserver;
//!
//! let validation = Validation::pqc_only().observer(Arc::new(MetricsObserver::new()));
//! # let _ = validation;
//! ```

#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pqjose::telemetry::{Event, Observer};

/// The counter of operations.
pub const OPERATIONS: &str = "pqjose_operations_total";
/// The histogram of operation durations, in seconds.
pub const DURATION: &str = "pqjose_operation_duration_seconds";

/// An [`Observer`] that records each event through the `metrics` facade (see the crate docs
/// for names and labels). Stateless: share one, or make one per validation.
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct MetricsObserver;

impl MetricsObserver {
    /// A new observer.
    pub const fn new() -> Self {
        Self
    }
}

impl Observer for MetricsObserver {
    fn observe(&self, event: &Event<'_>) {
        let operation = event.operation().as_str();
        let alg = event.alg().unwrap_or("none");
        let outcome = if event.is_ok() { "ok" } else { "error" };
        let code = event.code();
        let code = if code == 0 {
            "0".into()
        } else {
            code.to_string()
        };
        metrics::counter!(
            OPERATIONS,
            "operation" => operation,
            "alg" => alg,
            "policy" => event.policy(),
            "outcome" => outcome,
            "code" => code,
        )
        .increment(1);
        metrics::histogram!(
            DURATION,
            "operation" => operation,
            "alg" => alg,
            "outcome" => outcome,
        )
        .record(event.duration().as_secs_f64());
    }
}
