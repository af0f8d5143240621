//! Time: [`NumericDate`] (RFC 7519 §2) with checked arithmetic, and the [`Clock`] trait that
//! supplies "now" ([`SystemClock`] in production, [`FixedClock`] in tests and demos).
//!
//! Library code never reads the system time directly: every "now" comes from a [`Clock`], and
//! every sum or difference involving a claim's time is checked, so an out-of-range value fails
//! closed instead of wrapping around.

use core::fmt;
use core::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use serde::de::{self, Visitor};
use serde_json::Value;

/// Seconds since 1970-01-01T00:00:00Z UTC, ignoring leap seconds (RFC 7519 §2 "NumericDate").
///
/// In JSON it is a number. pqjose accepts an integer or a finite fractional number within the
/// range of `i64` seconds (fractions are rounded down); anything else (a string, `null`, a
/// boolean, `1e300`) is an error, never "absent".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NumericDate(i64);

/// 2^63 as an `f64`: the first value past the `i64` range.
const I64_LIMIT_F64: f64 = 9_223_372_036_854_775_808.0;

impl NumericDate {
    /// The date `secs` seconds after the Unix epoch (negative: before it).
    pub const fn from_secs(secs: i64) -> Self {
        Self(secs)
    }

    /// Seconds since the Unix epoch.
    pub const fn as_secs(self) -> i64 {
        self.0
    }

    /// `self + d`, or `None` if the result leaves the `i64` range.
    pub fn checked_add(self, d: Duration) -> Option<Self> {
        self.0.checked_add(duration_secs(d)?).map(Self)
    }

    /// `self - d`, or `None` if the result leaves the `i64` range.
    pub fn checked_sub(self, d: Duration) -> Option<Self> {
        self.0.checked_sub(duration_secs(d)?).map(Self)
    }

    /// Read a NumericDate from a JSON value: an integer, or a finite number within the `i64`
    /// range (rounded down). `None` for every other value.
    pub(crate) fn from_json(v: &Value) -> Option<Self> {
        let Value::Number(n) = v else { return None };
        if let Some(i) = n.as_i64() {
            return Some(Self(i));
        }
        if n.is_u64() {
            // A non-negative integer above i64::MAX.
            return None;
        }
        n.as_f64().and_then(Self::from_f64)
    }

    fn from_f64(f: f64) -> Option<Self> {
        let floor = f.floor();
        if floor.is_finite() && (-I64_LIMIT_F64..I64_LIMIT_F64).contains(&floor) {
            // In range by the check above, so the conversion is exact.
            #[allow(clippy::cast_possible_truncation)]
            Some(Self(floor as i64))
        } else {
            None
        }
    }
}

/// Whole seconds of `d` as `i64`, or `None` if it does not fit.
fn duration_secs(d: Duration) -> Option<i64> {
    i64::try_from(d.as_secs()).ok()
}

impl fmt::Display for NumericDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl serde::Serialize for NumericDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for NumericDate {
    /// The same rules as the validator: a number within the `i64` range, fractions rounded down.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = NumericDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a NumericDate (a number of seconds within the i64 range)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumericDate, E> {
                Ok(NumericDate(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumericDate, E> {
                i64::try_from(v)
                    .map(NumericDate)
                    .map_err(|_| E::custom("NumericDate out of range"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumericDate, E> {
                NumericDate::from_f64(v).ok_or_else(|| E::custom("NumericDate out of range"))
            }
        }
        d.deserialize_any(V)
    }
}

/// A source of the current time.
///
/// The validator, the token builder and the replay store take "now" from a clock, so tests and
/// demos can inject one ([`FixedClock`]) and production uses [`SystemClock`].
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> NumericDate;

    /// The current time in milliseconds since the Unix epoch (for caches and timeouts that
    /// need finer steps than a second). The default is [`Clock::now`] in milliseconds.
    fn now_millis(&self) -> i64 {
        self.now().as_secs().saturating_mul(1000)
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> NumericDate {
        (**self).now()
    }
    fn now_millis(&self) -> i64 {
        (**self).now_millis()
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> NumericDate {
        (**self).now()
    }
    fn now_millis(&self) -> i64 {
        (**self).now_millis()
    }
}

/// The operating system's wall clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    // The one place in the library allowed to read the system time (clippy.toml disallows
    // `SystemTime::now` everywhere else); everything else receives time through `Clock`.
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> NumericDate {
        let now = std::time::SystemTime::now();
        let secs = match now.duration_since(UNIX_EPOCH) {
            Ok(after) => duration_secs(after).unwrap_or(i64::MAX),
            // A clock set before 1970: negative seconds (saturating far in the past).
            Err(before) => {
                0i64.saturating_sub(duration_secs(before.duration()).unwrap_or(i64::MAX))
            }
        };
        NumericDate(secs)
    }

    #[allow(clippy::disallowed_methods)]
    fn now_millis(&self) -> i64 {
        match std::time::SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
            Err(before) => 0i64
                .saturating_sub(i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX)),
        }
    }
}

/// A clock that stays at a set time until moved. Shareable: wrap it in an `Arc`, hand a clone
/// to the validator, and [`set`](FixedClock::set) or [`advance`](FixedClock::advance) it.
#[derive(Debug, Default)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    /// A clock stopped at `t`.
    pub fn new(t: NumericDate) -> Self {
        Self(AtomicI64::new(t.0))
    }

    /// A clock stopped at `secs` seconds after the Unix epoch.
    pub fn at_secs(secs: i64) -> Self {
        Self::new(NumericDate(secs))
    }

    /// Move the clock to `t`.
    pub fn set(&self, t: NumericDate) {
        self.0.store(t.0, Ordering::SeqCst);
    }

    /// Move the clock forward by `d` (saturating at the end of the `i64` range).
    pub fn advance(&self, d: Duration) {
        let step = duration_secs(d).unwrap_or(i64::MAX);
        // The closure never returns None, so this cannot fail.
        let _ = self
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| {
                Some(t.saturating_add(step))
            });
    }
}

impl Clock for FixedClock {
    fn now(&self) -> NumericDate {
        NumericDate(self.0.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Option<NumericDate> {
        NumericDate::from_json(&serde_json::from_str::<Value>(json).unwrap())
    }

    #[test]
    fn numeric_date_json_rules() {
        assert_eq!(parse("0"), Some(NumericDate(0)));
        assert_eq!(parse("1700000000"), Some(NumericDate(1_700_000_000)));
        assert_eq!(parse("1.9"), Some(NumericDate(1)));
        assert_eq!(parse("-0.5"), Some(NumericDate(-1)));
        assert_eq!(parse("9223372036854775807"), Some(NumericDate(i64::MAX)));
        assert_eq!(parse("-9223372036854775808"), Some(NumericDate(i64::MIN)));
        for bad in [
            "9223372036854775808",
            "18446744073709551615",
            "1e300",
            "-1e300",
            "9.3e18",
            "\"1700000000\"",
            "null",
            "true",
            "[1]",
            "{}",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn serde_agrees_with_validator() {
        let ok: NumericDate = serde_json::from_str("12.7").unwrap();
        assert_eq!(ok, NumericDate(12));
        assert!(serde_json::from_str::<NumericDate>("1e300").is_err());
        assert!(serde_json::from_str::<NumericDate>("\"12\"").is_err());
        assert!(serde_json::from_str::<NumericDate>("9223372036854775808").is_err());
        assert_eq!(serde_json::to_string(&NumericDate(5)).unwrap(), "5");
    }

    #[test]
    fn checked_arithmetic_fails_closed() {
        let max = NumericDate(i64::MAX);
        assert_eq!(max.checked_add(Duration::from_secs(1)), None);
        assert_eq!(
            NumericDate(i64::MIN).checked_sub(Duration::from_secs(1)),
            None
        );
        assert_eq!(
            NumericDate(0).checked_add(Duration::from_secs(u64::MAX)),
            None
        );
        assert_eq!(
            NumericDate(10).checked_sub(Duration::from_millis(30_999)),
            Some(NumericDate(-20))
        );
    }

    #[test]
    fn clocks() {
        let c = FixedClock::at_secs(100);
        assert_eq!(c.now(), NumericDate(100));
        c.advance(Duration::from_secs(5));
        assert_eq!(c.now().as_secs(), 105);
        c.advance(Duration::from_secs(u64::MAX));
        assert_eq!(c.now().as_secs(), i64::MAX);
        c.set(NumericDate(7));
        assert_eq!(Arc::new(c).now().as_secs(), 7);
        // Any sane system clock is after 2020.
        assert!(SystemClock.now().as_secs() > 1_577_836_800);
    }
}
