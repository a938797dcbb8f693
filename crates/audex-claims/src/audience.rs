//! The `aud` claim (RFC 7519 §4.1.3) and the audience check.

use std::fmt;

use serde_json::Value;

use crate::json::JsonType;
use crate::string_or_uri::read_checked;
use crate::string_or_uri::{Strictness, StringOrUri, StringOrUriError};

/// The `aud` claim: one StringOrURI value or an array of them.
///
/// The wire form is kept: a value read from a JSON string is [`Audience::One`] and
/// writes back as a string; a value read from an array is [`Audience::Many`] and writes
/// back as an array, even with a single element (JWT-AUD-4). An empty array is a valid
/// claim that identifies no recipient, so it never matches (JWT-AUD-5).
///
/// ```
/// use audex_claims::{Audience, StringOrUri};
///
/// let aud: Audience = serde_json::from_str(r#"["order-api","billing-api"]"#).unwrap();
/// assert!(aud.contains("billing-api"));
/// assert!(!aud.contains("Billing-API"));
/// let me = [StringOrUri::new("order-api").unwrap()];
/// assert!(aud.check(&me).is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Audience {
    /// A single audience, written as a JSON string.
    One(StringOrUri),
    /// Any number of audiences, written as a JSON array.
    Many(Vec<StringOrUri>),
}

/// Why an `aud` claim is malformed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AudienceParseError {
    /// The claim is neither a string nor an array.
    #[error("expected a string or an array of strings, found {found}")]
    WrongType {
        /// The JSON type found.
        found: JsonType,
    },
    /// An array element is not a string.
    #[error("element {index} of the array is a {found}, not a string")]
    WrongElementType {
        /// Index of the offending element.
        index: usize,
        /// The JSON type found.
        found: JsonType,
    },
    /// A value is not a valid StringOrURI.
    #[error("element {index}: {source}")]
    InvalidValue {
        /// Index of the offending element (0 for the single-string form).
        index: usize,
        /// The StringOrURI error.
        source: StringOrUriError,
    },
}

/// Why the audience check of RFC 7519 §4.1.3 failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AudienceError {
    /// The token has no `aud` claim but the verifier requires one (RFC 8725 §3.9).
    #[error("token has no aud claim; expected one of {}", List(expected))]
    Missing {
        /// The verifier's identifiers.
        expected: Vec<String>,
    },
    /// The token's `aud` is an empty array, which names no recipient.
    #[error(
        "token aud is an empty array and names no recipient; expected one of {}",
        List(expected)
    )]
    Empty {
        /// The verifier's identifiers.
        expected: Vec<String>,
    },
    /// None of the verifier's identifiers is in the token's `aud`.
    #[error("token aud {} does not contain any of {}", List(found), List(expected))]
    Mismatch {
        /// The verifier's identifiers.
        expected: Vec<String>,
        /// The token's audience values.
        found: Vec<String>,
    },
}

/// Displays a list of (untrusted) values compactly: at most 8, each truncated.
struct List<'a>(&'a [String]);

impl fmt::Display for List<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 8;
        f.write_str("[")?;
        for (i, v) in self.0.iter().take(SHOWN).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "\"{}\"", crate::json::Truncated(v))?;
        }
        if self.0.len() > SHOWN {
            write!(f, ", … {} more", self.0.len() - SHOWN)?;
        }
        f.write_str("]")
    }
}

impl Audience {
    /// A single audience, in the string form.
    pub fn one(value: StringOrUri) -> Self {
        Self::One(value)
    }

    /// The compact form for issuing tokens: a string when there is exactly one value,
    /// an array otherwise. Repeated values are removed, keeping the first occurrence.
    pub fn from_values(values: impl IntoIterator<Item = StringOrUri>) -> Self {
        let mut out: Vec<StringOrUri> = Vec::new();
        for v in values {
            if !out.contains(&v) {
                out.push(v);
            }
        }
        match <[StringOrUri; 1]>::try_from(out) {
            Ok([one]) => Self::One(one),
            Err(many) => Self::Many(many),
        }
    }

    /// Reads an `aud` value from JSON with the given strictness (JWT-AUD-2: any JSON
    /// type other than a string or an array of strings is an error).
    pub fn from_json(value: Value, strictness: Strictness) -> Result<Self, AudienceParseError> {
        Self::read(value, strictness, &[])
    }

    /// [`Audience::from_json`], not re-parsing values equal to one of `known`.
    pub(crate) fn read(
        value: Value,
        strictness: Strictness,
        known: &[StringOrUri],
    ) -> Result<Self, AudienceParseError> {
        match value {
            Value::String(s) => read_checked(s, strictness, known)
                .map(Self::One)
                .map_err(|source| AudienceParseError::InvalidValue { index: 0, source }),
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (index, item) in items.into_iter().enumerate() {
                    match item {
                        Value::String(s) => {
                            out.push(read_checked(s, strictness, known).map_err(|source| {
                                AudienceParseError::InvalidValue { index, source }
                            })?)
                        }
                        other => {
                            return Err(AudienceParseError::WrongElementType {
                                index,
                                found: JsonType::of(&other),
                            });
                        }
                    }
                }
                Ok(Self::Many(out))
            }
            other => Err(AudienceParseError::WrongType {
                found: JsonType::of(&other),
            }),
        }
    }

    /// Whether `id` is one of the values, compared byte for byte (JWT-AUD-3).
    pub fn contains(&self, id: &str) -> bool {
        self.iter().any(|v| v.as_str() == id)
    }

    /// The values, in wire order.
    pub fn iter(&self) -> std::slice::Iter<'_, StringOrUri> {
        self.as_slice().iter()
    }

    /// The values as a slice, in wire order.
    pub fn as_slice(&self) -> &[StringOrUri] {
        match self {
            Self::One(v) => std::slice::from_ref(v),
            Self::Many(vs) => vs,
        }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether there are no values (an empty array).
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// The audience check of RFC 7519 §4.1.3: the verifier, known by any of
    /// `verifier_ids`, must find one of its identifiers among the values (JWT-AUD-1).
    /// An empty array never matches (JWT-AUD-5); an empty `verifier_ids` never matches.
    pub fn check(&self, verifier_ids: &[StringOrUri]) -> Result<(), AudienceError> {
        if self.is_empty() {
            return Err(AudienceError::Empty {
                expected: strings(verifier_ids),
            });
        }
        if verifier_ids.iter().any(|id| self.contains(id.as_str())) {
            Ok(())
        } else {
            Err(AudienceError::Mismatch {
                expected: strings(verifier_ids),
                found: strings(self.as_slice()),
            })
        }
    }
}

fn strings(values: &[StringOrUri]) -> Vec<String> {
    values.iter().map(|v| v.as_str().to_owned()).collect()
}

/// The audience check for an optional claim: when the verifier has identifiers, the
/// claim is required (RFC 8725 §3.9) and must contain one of them (RFC 7519 §4.1.3).
///
/// When the verifier has no identifiers and the token has an `aud`, the token is
/// rejected too: RFC 7519 §4.1.3 requires the processor to identify itself with a value
/// in the claim when the claim is present.
pub fn check_audience(
    aud: Option<&Audience>,
    verifier_ids: &[StringOrUri],
) -> Result<(), AudienceError> {
    match aud {
        Some(aud) => aud.check(verifier_ids),
        None if verifier_ids.is_empty() => Ok(()),
        None => Err(AudienceError::Missing {
            expected: strings(verifier_ids),
        }),
    }
}

impl<'a> IntoIterator for &'a Audience {
    type Item = &'a StringOrUri;
    type IntoIter = std::slice::Iter<'a, StringOrUri>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl From<StringOrUri> for Audience {
    fn from(value: StringOrUri) -> Self {
        Self::One(value)
    }
}

impl serde::Serialize for Audience {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::One(v) => v.serialize(serializer),
            Self::Many(vs) => vs.serialize(serializer),
        }
    }
}

/// Deserialises strictly (see [`Audience::from_json`]).
impl<'de> serde::Deserialize<'de> for Audience {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_json(value, Strictness::Strict).map_err(serde::de::Error::custom)
    }
}
