//! `StringOrURI` (RFC 7519 §2).

use std::fmt;
use std::str::FromStr;

/// How strictly [`StringOrUri`] values are checked when they are read.
///
/// RFC 7519 §2 says any StringOrURI value containing a `:` **must** be a URI. audex
/// enforces that by default ([`Strictness::Strict`]). Tokens minted by third parties
/// sometimes carry values such as `urn:example:a b` that break the rule; a verifier
/// that must accept them can opt into [`Strictness::Lenient`], which keeps the raw
/// string without checking it. Comparison is byte-for-byte in both modes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Strictness {
    /// Values containing `:` must be RFC 3986 URIs (the default).
    #[default]
    Strict,
    /// Any string is accepted as-is.
    Lenient,
}

/// A StringOrURI value (RFC 7519 §2): an arbitrary string, or a URI when it contains `:`.
///
/// The raw string is kept exactly as received and compared byte for byte: no case
/// folding, no trailing-slash or percent-encoding normalisation (RFC 7519 §2 and
/// RFC 3986 §6.2.1 simple string comparison). `Display` prints the raw string.
///
/// ```
/// use audex_claims::StringOrUri;
///
/// let api = StringOrUri::new("https://api.example.com").unwrap();
/// assert_eq!(api.as_str(), "https://api.example.com");
/// assert_ne!(api, StringOrUri::new("https://api.example.com/").unwrap());
/// assert!(StringOrUri::new("order-service").is_ok());
/// assert!(StringOrUri::new("not a uri: spaces").is_err());
/// // Third-party values can be taken as they are, explicitly:
/// assert_eq!(StringOrUri::new_lenient("not a uri: spaces").as_str(), "not a uri: spaces");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StringOrUri(String);

/// Why a string is not a valid StringOrURI.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StringOrUriError {
    /// The value contains `:` but is not an RFC 3986 URI.
    #[error("value contains ':' but is not an RFC 3986 URI (invalid at byte {index})")]
    NotAUri {
        /// Byte offset at which the value stops being a URI.
        index: usize,
    },
}

impl StringOrUri {
    /// Checks `value` strictly (RFC 7519 §2): when it contains `:` it must be a URI.
    pub fn new(value: impl Into<String>) -> Result<Self, StringOrUriError> {
        let value = value.into();
        check_strict(&value)?;
        Ok(Self(value))
    }

    /// Accepts any string without checking it (for values from third-party tokens).
    pub fn new_lenient(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// Builds a value with the given strictness.
    pub fn with_strictness(
        value: impl Into<String>,
        strictness: Strictness,
    ) -> Result<Self, StringOrUriError> {
        match strictness {
            Strictness::Strict => Self::new(value),
            Strictness::Lenient => Ok(Self::new_lenient(value)),
        }
    }

    /// The raw string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the value is in its URI form (contains `:`).
    pub fn is_uri(&self) -> bool {
        self.0.contains(':')
    }

    /// Returns the raw string.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A value read from a token: checked with `strictness`, except that a value equal
/// byte for byte to one of `known` (the verifier's own configured issuers and
/// audiences, checked when they were built) is not parsed again.
pub(crate) fn read_checked(
    value: String,
    strictness: Strictness,
    known: &[StringOrUri],
) -> Result<StringOrUri, StringOrUriError> {
    if known.iter().any(|k| k.0 == value) {
        return Ok(StringOrUri(value));
    }
    StringOrUri::with_strictness(value, strictness)
}

fn check_strict(value: &str) -> Result<(), StringOrUriError> {
    if !value.contains(':') {
        return Ok(());
    }
    match fluent_uri::Uri::parse(value) {
        Ok(_) => Ok(()),
        Err(e) => Err(StringOrUriError::NotAUri { index: e.index() }),
    }
}

impl fmt::Display for StringOrUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for StringOrUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StringOrUri({:?})", self.0)
    }
}

impl FromStr for StringOrUri {
    type Err = StringOrUriError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<String> for StringOrUri {
    type Error = StringOrUriError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl TryFrom<&str> for StringOrUri {
    type Error = StringOrUriError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl AsRef<str> for StringOrUri {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for StringOrUri {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for StringOrUri {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl serde::Serialize for StringOrUri {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Deserialises strictly; use the claims parsers with [`Strictness::Lenient`] for
/// third-party tokens.
impl<'de> serde::Deserialize<'de> for StringOrUri {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::new(s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples() {
        for ok in [
            "",
            "client-a",
            "https://api.example.com/v1?x=1#f",
            "urn:ietf:params:oauth:token-type:jwt",
            "mailto:a@example.com",
            "foo:bar",
            "http://[::1]:8080/",
        ] {
            assert!(StringOrUri::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            ":nothing-before",
            "1http://x",
            "http://exa mple.com",
            "urn:a b",
            "http://x/%zz",
            "http://x/\u{e9}",
            "a\\b:c",
        ] {
            assert!(StringOrUri::new(bad).is_err(), "{bad}");
            assert_eq!(StringOrUri::new_lenient(bad).as_str(), bad);
        }
    }
}
