//! `NumericDate` (RFC 7519 §2) and the `exp` / `nbf` / `iat` checks.
//!
//! No clock is read here: the current time is always an argument.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Number, Value};

use crate::json::JsonType;

/// The latest instant a [`NumericDate`] can hold: 9999-12-31T23:59:59Z.
pub const MAX_NUMERIC_DATE_SECS: u64 = 253_402_300_799;

/// The default leeway for time checks: 60 seconds.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);

/// Seconds since 1970-01-01T00:00:00Z UTC (RFC 7519 §2), possibly non-integer.
///
/// The range is 0 to [`MAX_NUMERIC_DATE_SECS`]; negative, non-finite and larger
/// values are rejected (JWT-DATE-1). Values with a fractional part, as some libraries
/// emit (`1795318248.0`, `1795318248.5`), are accepted and kept to the nanosecond
/// (rounded to nearest), finer than an f64 can tell apart for present-day dates, so
/// comparisons are exact to the precision received: with a 60 s leeway,
/// `exp = now − 59.9996` is still valid and `nbf = now + 60.0004` is not yet.
///
/// ```
/// use audex_claims::NumericDate;
///
/// let a: NumericDate = serde_json::from_str("1795318248.0").unwrap();
/// assert_eq!(a, NumericDate::from_secs(1_795_318_248).unwrap());
/// assert!(serde_json::from_str::<NumericDate>("-1").is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NumericDate {
    secs: u64,
    nanos: u32,
}

/// Why a value is not a valid NumericDate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NumericDateError {
    /// The JSON value is not a number.
    #[error("expected a number of seconds, found {found}")]
    NotANumber {
        /// The JSON type found.
        found: JsonType,
    },
    /// The number is negative.
    #[error("negative date")]
    Negative,
    /// The number is NaN or infinite.
    #[error("date is not a finite number")]
    NotFinite,
    /// The number is past 9999-12-31T23:59:59Z.
    #[error("date is past the year 9999")]
    OutOfRange,
}

impl NumericDate {
    /// The Unix epoch, 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Self = Self { secs: 0, nanos: 0 };
    /// The latest representable instant.
    pub const MAX: Self = Self {
        secs: MAX_NUMERIC_DATE_SECS,
        nanos: 0,
    };

    /// Whole seconds since the epoch.
    pub fn from_secs(secs: u64) -> Result<Self, NumericDateError> {
        if secs > MAX_NUMERIC_DATE_SECS {
            return Err(NumericDateError::OutOfRange);
        }
        Ok(Self { secs, nanos: 0 })
    }

    /// Possibly fractional seconds since the epoch.
    pub fn from_f64(value: f64) -> Result<Self, NumericDateError> {
        if !value.is_finite() {
            return Err(NumericDateError::NotFinite);
        }
        if value < 0.0 {
            return Err(NumericDateError::Negative);
        }
        if value >= (MAX_NUMERIC_DATE_SECS + 1) as f64 {
            return Err(NumericDateError::OutOfRange);
        }
        let whole = value.trunc();
        // Both casts are in range: 0 <= whole <= MAX and 0 <= nanos <= 1e9.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "range checked above"
        )]
        let (mut secs, mut nanos) = (whole as u64, ((value - whole) * 1e9).round() as u32);
        if nanos >= 1_000_000_000 {
            secs += 1;
            nanos = 0;
        }
        if secs > MAX_NUMERIC_DATE_SECS || (secs == MAX_NUMERIC_DATE_SECS && nanos > 0) {
            return Err(NumericDateError::OutOfRange);
        }
        Ok(Self { secs, nanos })
    }

    /// Reads a JSON number.
    pub fn from_json_number(n: &Number) -> Result<Self, NumericDateError> {
        if let Some(u) = n.as_u64() {
            Self::from_secs(u)
        } else if n.as_i64().is_some() {
            Err(NumericDateError::Negative)
        } else {
            Self::from_f64(n.as_f64().unwrap_or(f64::NAN))
        }
    }

    /// Reads a JSON value, which must be a number (JWT-DATE-1).
    pub fn from_json(value: &Value) -> Result<Self, NumericDateError> {
        match value {
            Value::Number(n) => Self::from_json_number(n),
            other => Err(NumericDateError::NotANumber {
                found: JsonType::of(other),
            }),
        }
    }

    /// Converts a [`SystemTime`] supplied by the caller (this crate reads no clock),
    /// keeping nanoseconds.
    pub fn from_system_time(t: SystemTime) -> Result<Self, NumericDateError> {
        let d = t
            .duration_since(UNIX_EPOCH)
            .map_err(|_| NumericDateError::Negative)?;
        if d.as_secs() > MAX_NUMERIC_DATE_SECS {
            return Err(NumericDateError::OutOfRange);
        }
        Ok(Self {
            secs: d.as_secs(),
            nanos: d.subsec_nanos(),
        })
    }

    /// Whole seconds since the epoch.
    pub fn secs(self) -> u64 {
        self.secs
    }

    /// The fractional part, in milliseconds.
    pub fn subsec_millis(self) -> u32 {
        self.nanos / 1_000_000
    }

    /// The fractional part, in nanoseconds.
    pub fn subsec_nanos(self) -> u32 {
        self.nanos
    }

    /// The time since the epoch.
    pub fn as_duration(self) -> Duration {
        Duration::new(self.secs, self.nanos)
    }

    /// `self + d`, saturating at [`NumericDate::MAX`].
    pub fn saturating_add(self, d: Duration) -> Self {
        Self::from_duration_saturating(self.as_duration().saturating_add(d))
    }

    /// `self - d`, saturating at the epoch.
    pub fn saturating_sub(self, d: Duration) -> Self {
        Self::from_duration_saturating(self.as_duration().saturating_sub(d))
    }

    /// The time from `earlier` to `self`, or zero when `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Self) -> Duration {
        self.as_duration().saturating_sub(earlier.as_duration())
    }

    fn from_duration_saturating(d: Duration) -> Self {
        if d.as_secs() >= MAX_NUMERIC_DATE_SECS {
            Self::MAX
        } else {
            Self {
                secs: d.as_secs(),
                nanos: d.subsec_nanos(),
            }
        }
    }
}

impl fmt::Debug for NumericDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NumericDate({self})")
    }
}

impl fmt::Display for NumericDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.nanos == 0 {
            write!(f, "{}", self.secs)
        } else {
            let frac = format!("{:09}", self.nanos);
            write!(f, "{}.{}", self.secs, frac.trim_end_matches('0'))
        }
    }
}

impl serde::Serialize for NumericDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.nanos == 0 {
            serializer.serialize_u64(self.secs)
        } else {
            serializer.serialize_f64(self.as_duration().as_secs_f64())
        }
    }
}

impl<'de> serde::Deserialize<'de> for NumericDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_json(&value).map_err(serde::de::Error::custom)
    }
}

/// The current time and the allowed clock skew for the time checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeCheck {
    /// The verifier's current time.
    pub now: NumericDate,
    /// Allowed clock skew between issuer and verifier.
    pub leeway: Duration,
}

impl TimeCheck {
    /// A check at `now` with the [default leeway](DEFAULT_LEEWAY).
    pub fn at(now: NumericDate) -> Self {
        Self {
            now,
            leeway: DEFAULT_LEEWAY,
        }
    }

    /// Replaces the leeway.
    #[must_use]
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// RFC 7519 §4.1.4: the token is rejected when `now ≥ exp + leeway` (JWT-EXP-1).
    pub fn check_exp(&self, exp: NumericDate) -> Result<(), TimeError> {
        if self.now >= exp.saturating_add(self.leeway) {
            Err(TimeError::Expired {
                exp,
                now: self.now,
                leeway_secs: self.leeway.as_secs(),
            })
        } else {
            Ok(())
        }
    }

    /// RFC 7519 §4.1.5: the token is rejected when `now < nbf − leeway` (JWT-NBF-1).
    pub fn check_nbf(&self, nbf: NumericDate) -> Result<(), TimeError> {
        if self.now.saturating_add(self.leeway) < nbf {
            Err(TimeError::NotYetValid {
                nbf,
                now: self.now,
                leeway_secs: self.leeway.as_secs(),
            })
        } else {
            Ok(())
        }
    }

    /// An `iat` further in the future than the leeway is rejected (JWT-IAT-1).
    pub fn check_iat(&self, iat: NumericDate) -> Result<(), TimeError> {
        if iat > self.now.saturating_add(self.leeway) {
            Err(TimeError::IssuedInFuture {
                iat,
                now: self.now,
                leeway_secs: self.leeway.as_secs(),
            })
        } else {
            Ok(())
        }
    }

    /// Runs the three checks on the claims present; `exp` is required unless
    /// `require_exp` is false (audex requires it by default everywhere).
    pub fn check_all(
        &self,
        exp: Option<NumericDate>,
        nbf: Option<NumericDate>,
        iat: Option<NumericDate>,
        require_exp: bool,
    ) -> Result<(), TimeError> {
        match exp {
            Some(exp) => self.check_exp(exp)?,
            None if require_exp => return Err(TimeError::MissingExp),
            None => {}
        }
        if let Some(nbf) = nbf {
            self.check_nbf(nbf)?;
        }
        if let Some(iat) = iat {
            self.check_iat(iat)?;
        }
        Ok(())
    }
}

/// Why a time check failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    /// `now ≥ exp + leeway`.
    #[error("token expired at {exp} (now {now}, leeway {leeway_secs}s)")]
    Expired {
        /// The token's `exp`.
        exp: NumericDate,
        /// The verifier's time.
        now: NumericDate,
        /// The leeway applied, in whole seconds.
        leeway_secs: u64,
    },
    /// `now < nbf − leeway`.
    #[error("token not valid before {nbf} (now {now}, leeway {leeway_secs}s)")]
    NotYetValid {
        /// The token's `nbf`.
        nbf: NumericDate,
        /// The verifier's time.
        now: NumericDate,
        /// The leeway applied, in whole seconds.
        leeway_secs: u64,
    },
    /// `iat > now + leeway`.
    #[error("token issued in the future at {iat} (now {now}, leeway {leeway_secs}s)")]
    IssuedInFuture {
        /// The token's `iat`.
        iat: NumericDate,
        /// The verifier's time.
        now: NumericDate,
        /// The leeway applied, in whole seconds.
        leeway_secs: u64,
    },
    /// The token has no `exp` and one is required.
    #[error("token has no exp claim and one is required")]
    MissingExp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_fraction() {
        let d = NumericDate::from_f64(1.25).unwrap();
        assert_eq!(d.to_string(), "1.25");
        assert_eq!(d.subsec_millis(), 250);
        assert_eq!(serde_json::to_string(&d).unwrap(), "1.25");
        assert_eq!(
            NumericDate::MAX.saturating_add(Duration::from_secs(5)),
            NumericDate::MAX
        );
        assert_eq!(
            NumericDate::UNIX_EPOCH.saturating_sub(Duration::from_secs(5)),
            NumericDate::UNIX_EPOCH
        );
    }
}
