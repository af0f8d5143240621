//! The claim checks `verify` applies after the signature verified: `exp` (required), `nbf`,
//! `iat` not in the future, `iss` and `aud`, with a leeway. Time arithmetic is checked and
//! fails closed; a NumericDate must be a finite JSON number within i64 seconds.

use pqjose::{ClaimName, ClaimsError, Error, FormatError, RegisteredClaim};
use serde_json::{Map, Value};

/// What to check, and the time to check against.
#[derive(Debug)]
pub(crate) struct Checks<'a> {
    /// The expected issuer.
    pub(crate) iss: Option<&'a str>,
    /// The expected audience.
    pub(crate) aud: Option<&'a str>,
    /// Allowed clock skew in seconds.
    pub(crate) leeway: i64,
    /// The current time.
    pub(crate) now: i64,
}

/// Parse the verified payload as a claims object and check it.
pub(crate) fn check(payload: &[u8], checks: &Checks<'_>) -> Result<(), Error> {
    let text = core::str::from_utf8(payload).map_err(|_| FormatError::PayloadUtf8)?;
    let claims: Map<String, Value> =
        serde_json::from_str(text).map_err(|_| FormatError::PayloadJson)?;
    let now = checks.now;
    let leeway = checks.leeway;

    let exp =
        date(&claims, RegisteredClaim::Expiration)?.ok_or(missing(RegisteredClaim::Expiration))?;
    let expires = add(exp, leeway, RegisteredClaim::Expiration)?;
    // RFC 7519 §4.1.4: the current time must be before exp.
    if now >= expires {
        return Err(ClaimsError::Expired.into());
    }
    if let Some(nbf) = date(&claims, RegisteredClaim::NotBefore)?
        && now < add(nbf, -leeway, RegisteredClaim::NotBefore)?
    {
        return Err(ClaimsError::NotYetValid.into());
    }
    if let Some(iat) = date(&claims, RegisteredClaim::IssuedAt)?
        && add(iat, -leeway, RegisteredClaim::IssuedAt)? > now
    {
        return Err(ClaimsError::IssuedInFuture.into());
    }
    if let Some(expected) = checks.iss {
        match claims.get("iss") {
            None => return Err(missing(RegisteredClaim::Issuer)),
            Some(Value::String(s)) if s == expected => {}
            Some(Value::String(_)) => return Err(ClaimsError::Issuer.into()),
            Some(_) => return Err(invalid(RegisteredClaim::Issuer)),
        }
    }
    check_audience(claims.get("aud"), checks.aud)
}

fn check_audience(found: Option<&Value>, expected: Option<&str>) -> Result<(), Error> {
    let found: Vec<&str> = match found {
        None => Vec::new(),
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().ok_or(invalid(RegisteredClaim::Audience)))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(invalid(RegisteredClaim::Audience)),
    };
    match expected {
        None if found.is_empty() => Ok(()),
        None => Err(ClaimsError::UnexpectedAudience.into()),
        Some(_) if found.is_empty() => Err(missing(RegisteredClaim::Audience)),
        Some(aud) if found.contains(&aud) => Ok(()),
        Some(_) => Err(ClaimsError::Audience.into()),
    }
}

/// A NumericDate claim: absent, or a finite JSON number within i64 seconds (fractions are
/// truncated toward the past). Any other JSON type is an error, never treated as absent.
fn date(claims: &Map<String, Value>, claim: RegisteredClaim) -> Result<Option<i64>, Error> {
    let Some(value) = claims.get(claim.name()) else {
        return Ok(None);
    };
    if let Some(i) = value.as_i64() {
        return Ok(Some(i));
    }
    match value.as_f64() {
        Some(f) if f.is_finite() && f >= i64::MIN as f64 && f < i64::MAX as f64 => {
            Ok(Some(f.floor() as i64))
        }
        _ => Err(invalid(claim)),
    }
}

/// `time + delta`, or the claim is invalid when that overflows (fail closed).
fn add(time: i64, delta: i64, claim: RegisteredClaim) -> Result<i64, Error> {
    time.checked_add(delta).ok_or(invalid(claim))
}

fn missing(claim: RegisteredClaim) -> Error {
    ClaimsError::Missing(ClaimName::Registered(claim)).into()
}

fn invalid(claim: RegisteredClaim) -> Error {
    ClaimsError::Invalid(ClaimName::Registered(claim)).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(claims: &str, iss: Option<&str>, aud: Option<&str>) -> Result<(), Error> {
        let checks = Checks {
            iss,
            aud,
            leeway: 30,
            now: 1_000_000,
        };
        check(claims.as_bytes(), &checks)
    }

    #[test]
    fn times() {
        assert!(run(r#"{"exp":1000100}"#, None, None).is_ok());
        assert!(
            run(
                r#"{"exp":1000100.5,"iat":999999,"nbf":1000020}"#,
                None,
                None
            )
            .is_ok()
        );
        assert_eq!(
            run(r#"{"exp":999970}"#, None, None),
            Err(ClaimsError::Expired.into())
        );
        assert_eq!(
            run(r#"{}"#, None, None),
            Err(missing(RegisteredClaim::Expiration))
        );
        assert_eq!(
            run(r#"{"exp":1000100,"nbf":1000031}"#, None, None),
            Err(ClaimsError::NotYetValid.into())
        );
        assert_eq!(
            run(r#"{"exp":1000100,"iat":1000031}"#, None, None),
            Err(ClaimsError::IssuedInFuture.into())
        );
        for bad in [
            r#""1000100""#,
            "null",
            "true",
            "1e300",
            "9223372036854775807",
            "[1]",
        ] {
            assert_eq!(
                run(&format!(r#"{{"exp":{bad}}}"#), None, None),
                Err(invalid(RegisteredClaim::Expiration)),
                "{bad}"
            );
        }
    }

    #[test]
    fn issuer_and_audience() {
        let c = r#"{"exp":1000100,"iss":"a","aud":["x","y"]}"#;
        assert!(run(c, Some("a"), Some("y")).is_ok());
        assert_eq!(
            run(c, Some("b"), Some("y")),
            Err(ClaimsError::Issuer.into())
        );
        assert_eq!(
            run(c, Some("a"), Some("z")),
            Err(ClaimsError::Audience.into())
        );
        assert_eq!(
            run(c, None, None),
            Err(ClaimsError::UnexpectedAudience.into())
        );
        assert!(run(r#"{"exp":1000100,"aud":"x"}"#, None, Some("x")).is_ok());
        assert_eq!(
            run(r#"{"exp":1000100,"aud":5}"#, None, Some("x")),
            Err(invalid(RegisteredClaim::Audience))
        );
        assert_eq!(
            run(r#"{"exp":1000100}"#, Some("a"), None),
            Err(missing(RegisteredClaim::Issuer))
        );
    }

    #[test]
    fn payload_shape() {
        assert_eq!(run("[1]", None, None), Err(FormatError::PayloadJson.into()));
        assert_eq!(
            check(
                b"\xff",
                &Checks {
                    iss: None,
                    aud: None,
                    leeway: 0,
                    now: 0
                }
            ),
            Err(FormatError::PayloadUtf8.into())
        );
    }
}
