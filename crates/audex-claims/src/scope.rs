//! OAuth 2.0 scope (RFC 6749 §3.3) as used in requests and in the `scope` claim
//! (RFC 8693 §4.2, RFC 9068 §2.2.3).

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use crate::json::JsonType;

/// One scope-token: `1*( %x21 / %x23-5B / %x5D-7E )` (RFC 6749 §3.3).
///
/// Scope tokens are case-sensitive and compared byte for byte.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScopeToken(String);

/// Most tokens a scope may hold. Set operations compare tokens pairwise, so the bound
/// keeps hostile input from costing quadratic time; real scopes are a few dozen tokens.
pub const MAX_SCOPE_TOKENS: usize = 256;

/// Why a scope string or token is invalid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeError {
    /// The scope string is empty (RFC 6749 §3.3 requires at least one token).
    #[error("scope is empty")]
    Empty,
    /// A byte outside the scope-token character set (%x21 / %x23-5B / %x5D-7E).
    #[error("scope contains a character not allowed in a scope-token at byte {index}")]
    InvalidCharacter {
        /// Byte offset of the character.
        index: usize,
    },
    /// Tokens are not separated by exactly one space, or the string starts or ends
    /// with a space.
    #[error(
        "scope tokens must be separated by single spaces, with none leading or trailing (byte {index})"
    )]
    BadSeparator {
        /// Byte offset of the offending space.
        index: usize,
    },
    /// The same token appears twice.
    #[error(
        "scope token \"{}\" appears more than once",
        crate::json::Truncated(token)
    )]
    Duplicate {
        /// The repeated token.
        token: String,
    },
    /// More than [`MAX_SCOPE_TOKENS`] tokens.
    #[error("scope has more than {limit} tokens")]
    TooManyTokens {
        /// The limit.
        limit: usize,
    },
    /// A JSON value of the wrong type where a scope was expected.
    #[error("expected a space-delimited string, found {found}")]
    WrongType {
        /// The JSON type found.
        found: JsonType,
    },
    /// An element of a scope array (lenient form) is not a string.
    #[error("element {index} of the scope array is a {found}, not a string")]
    WrongElementType {
        /// Index of the element.
        index: usize,
        /// The JSON type found.
        found: JsonType,
    },
}

fn is_scope_char(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E)
}

impl ScopeToken {
    /// Checks `token` against the scope-token grammar.
    pub fn new(token: impl Into<String>) -> Result<Self, ScopeError> {
        let token = token.into();
        if token.is_empty() {
            return Err(ScopeError::Empty);
        }
        if let Some(index) = token.bytes().position(|b| !is_scope_char(b)) {
            return Err(ScopeError::InvalidCharacter { index });
        }
        Ok(Self(token))
    }

    /// The token.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ScopeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ScopeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl FromStr for ScopeToken {
    type Err = ScopeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

/// A scope: an ordered set of [`ScopeToken`]s, written as one space-delimited string
/// (RFC 6749 §3.3, RFC 8693 §4.2 — TE-SCOPE-1).
///
/// Order is the order of first insertion and is kept on round-trip; equality is set
/// equality. The set operations keep the order of `self`.
///
/// ```
/// use audex_claims::Scope;
///
/// let have = Scope::parse("orders:read orders:write profile").unwrap();
/// let want = Scope::parse("orders:read").unwrap();
/// assert!(want.is_subset(&have));
/// assert_eq!(have.difference(&want).to_string(), "orders:write profile");
/// assert!(Scope::parse("a  b").is_err()); // two spaces
/// ```
#[derive(Clone, Default)]
pub struct Scope {
    /// The tokens joined by single spaces: the wire form, built once. One allocation
    /// per scope, however many tokens (the verify path reads a scope per token).
    wire: String,
    len: usize,
}

impl Scope {
    /// The empty scope. It is a valid value (the result of an intersection, say) but
    /// not a valid wire string: [`Scope::parse`] rejects `""`.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Parses the strict wire form: scope-tokens separated by single spaces, no leading
    /// or trailing space, no repeated token, at least one token.
    pub fn parse(s: &str) -> Result<Self, ScopeError> {
        if s.is_empty() {
            return Err(ScopeError::Empty);
        }
        // Tokens seen so far, for the repeat check: on the stack for typical scopes.
        let mut first: [&str; 16] = [""; 16];
        let mut rest: Vec<&str> = Vec::new();
        let mut len = 0;
        let mut token = |start: usize, end: usize| -> Result<(), ScopeError> {
            let part = s.get(start..end).unwrap_or_default();
            if part.is_empty() {
                // A leading or doubled space sits at `start`; a trailing one just before.
                let index = if start >= s.len() { s.len() - 1 } else { start };
                return Err(ScopeError::BadSeparator { index });
            }
            if len >= MAX_SCOPE_TOKENS {
                return Err(ScopeError::TooManyTokens {
                    limit: MAX_SCOPE_TOKENS,
                });
            }
            if first.iter().chain(&rest).any(|t| *t == part) {
                return Err(ScopeError::Duplicate {
                    token: part.to_owned(),
                });
            }
            match first.get_mut(len) {
                Some(slot) => *slot = part,
                None => rest.push(part),
            }
            len += 1;
            Ok(())
        };
        let mut start = 0;
        for (i, b) in s.bytes().enumerate() {
            if b == b' ' {
                token(start, i)?;
                start = i + 1;
            } else if !is_scope_char(b) {
                return Err(ScopeError::InvalidCharacter { index: i });
            }
        }
        token(start, s.len())?;
        Ok(Self {
            wire: s.to_owned(),
            len,
        })
    }

    /// Parses leniently, for scopes written by other servers: any run of ASCII
    /// whitespace separates tokens, repeats are dropped, an empty string is the empty
    /// scope. Every token must still be a valid scope-token.
    pub fn parse_lenient(s: &str) -> Result<Self, ScopeError> {
        let mut out = Self::empty();
        out.extend_lenient(s)?;
        Ok(out)
    }

    fn extend_lenient(&mut self, s: &str) -> Result<(), ScopeError> {
        let base = s.as_ptr() as usize;
        for part in s.split_ascii_whitespace() {
            let offset = part.as_ptr() as usize - base;
            if let Some(index) = part.bytes().position(|b| !is_scope_char(b)) {
                return Err(ScopeError::InvalidCharacter {
                    index: offset + index,
                });
            }
            self.insert_str(part);
            if self.len > MAX_SCOPE_TOKENS {
                return Err(ScopeError::TooManyTokens {
                    limit: MAX_SCOPE_TOKENS,
                });
            }
        }
        Ok(())
    }

    /// Reads a scope claim leniently: a string (see [`Scope::parse_lenient`]) or an
    /// array of strings, the form some servers emit in `scope` or `scp`.
    pub fn from_json_lenient(value: &Value) -> Result<Self, ScopeError> {
        match value {
            Value::String(s) => Self::parse_lenient(s),
            Value::Array(items) => {
                let mut out = Self::empty();
                for (index, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => out.extend_lenient(s)?,
                        other => {
                            return Err(ScopeError::WrongElementType {
                                index,
                                found: JsonType::of(other),
                            });
                        }
                    }
                }
                Ok(out)
            }
            other => Err(ScopeError::WrongType {
                found: JsonType::of(other),
            }),
        }
    }

    /// Reads a scope claim strictly: a JSON string in the strict wire form.
    pub fn from_json(value: &Value) -> Result<Self, ScopeError> {
        match value {
            Value::String(s) => Self::parse(s),
            other => Err(ScopeError::WrongType {
                found: JsonType::of(other),
            }),
        }
    }

    /// Adds a token at the end unless it is already present; returns whether it was added.
    pub fn insert(&mut self, token: ScopeToken) -> bool {
        self.insert_str(&token.0)
    }

    /// `token` must be a valid scope-token.
    fn insert_str(&mut self, token: &str) -> bool {
        if self.contains(token) {
            return false;
        }
        self.push(token);
        true
    }

    /// Appends `token`, which must be a valid scope-token not already present.
    fn push(&mut self, token: &str) {
        if !self.wire.is_empty() {
            self.wire.push(' ');
        }
        self.wire.push_str(token);
        self.len += 1;
    }

    /// Whether `token` is in the scope (byte-for-byte comparison).
    pub fn contains(&self, token: &str) -> bool {
        self.iter().any(|t| t == token)
    }

    /// Whether every token of `self` is in `other`.
    pub fn is_subset(&self, other: &Scope) -> bool {
        self.iter().all(|t| other.contains(t))
    }

    /// Tokens of `self` that are also in `other`, in the order of `self`.
    #[must_use]
    pub fn intersection(&self, other: &Scope) -> Scope {
        self.filtered(|t| other.contains(t))
    }

    /// Tokens of `self` that are not in `other`, in the order of `self`.
    #[must_use]
    pub fn difference(&self, other: &Scope) -> Scope {
        self.filtered(|t| !other.contains(t))
    }

    /// Tokens of `self` followed by those of `other` not already present.
    #[must_use]
    pub fn union(&self, other: &Scope) -> Scope {
        let mut out = self.clone();
        for t in other {
            out.insert_str(t);
        }
        out
    }

    fn filtered(&self, keep: impl Fn(&str) -> bool) -> Scope {
        let mut out = Scope::empty();
        // Tokens of a set are distinct: no need to look for repeats.
        for t in self.iter().filter(|t| keep(t)) {
            out.push(t);
        }
        out
    }

    /// The tokens, in order.
    pub fn iter(&self) -> ScopeIter<'_> {
        ScopeIter {
            inner: self.wire.split(' '),
            left: self.len,
        }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the scope has no token.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The wire form: the tokens separated by single spaces (empty for the empty scope).
    pub fn as_str(&self) -> &str {
        &self.wire
    }
}

/// The tokens of a [`Scope`], in order.
#[derive(Clone, Debug)]
pub struct ScopeIter<'a> {
    inner: std::str::Split<'a, char>,
    left: usize,
}

impl<'a> Iterator for ScopeIter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        // `left` stops the iterator on the empty scope, whose wire form "" would
        // otherwise split into one empty token.
        self.left = self.left.checked_sub(1)?;
        self.inner.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for ScopeIter<'_> {}

impl PartialEq for Scope {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.is_subset(other)
    }
}

impl Eq for Scope {}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.wire)
    }
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scope({:?})", self.wire)
    }
}

impl FromStr for Scope {
    type Err = ScopeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl FromIterator<ScopeToken> for Scope {
    fn from_iter<I: IntoIterator<Item = ScopeToken>>(iter: I) -> Self {
        let mut out = Self::empty();
        for t in iter {
            out.insert(t);
        }
        out
    }
}

impl<'a> IntoIterator for &'a Scope {
    type Item = &'a str;
    type IntoIter = ScopeIter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl serde::Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Deserialises the strict wire form (a JSON string, see [`Scope::parse`]).
impl<'de> serde::Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_errors_point_at_the_problem() {
        assert_eq!(
            Scope::parse(" a"),
            Err(ScopeError::BadSeparator { index: 0 })
        );
        assert_eq!(
            Scope::parse("a "),
            Err(ScopeError::BadSeparator { index: 1 })
        );
        assert_eq!(
            Scope::parse("a  b"),
            Err(ScopeError::BadSeparator { index: 2 })
        );
        assert_eq!(
            Scope::parse("a \"b"),
            Err(ScopeError::InvalidCharacter { index: 2 })
        );
        assert_eq!(
            Scope::parse("ab\\"),
            Err(ScopeError::InvalidCharacter { index: 2 })
        );
        assert_eq!(
            Scope::parse("a\tb"),
            Err(ScopeError::InvalidCharacter { index: 1 })
        );
        assert_eq!(
            Scope::parse("a b a"),
            Err(ScopeError::Duplicate { token: "a".into() })
        );
        assert_eq!(Scope::parse(""), Err(ScopeError::Empty));
        assert_eq!(
            Scope::parse("é"),
            Err(ScopeError::InvalidCharacter { index: 0 })
        );
    }

    #[test]
    fn token_count_is_bounded() {
        let ok: Vec<String> = (0..MAX_SCOPE_TOKENS).map(|i| format!("t{i}")).collect();
        assert_eq!(Scope::parse(&ok.join(" ")).unwrap().len(), MAX_SCOPE_TOKENS);
        let many: Vec<String> = (0..30_000).map(|i| format!("t{i}")).collect();
        let started = std::time::Instant::now();
        assert_eq!(
            Scope::parse(&many.join(" ")),
            Err(ScopeError::TooManyTokens {
                limit: MAX_SCOPE_TOKENS
            })
        );
        assert_eq!(
            Scope::parse_lenient(&many.join(" ")),
            Err(ScopeError::TooManyTokens {
                limit: MAX_SCOPE_TOKENS
            })
        );
        let arr = serde_json::Value::from(many);
        assert!(Scope::from_json_lenient(&arr).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn lenient_forms() {
        let s = Scope::from_json_lenient(&serde_json::json!(["a", "b c", "a"])).unwrap();
        assert_eq!(s.to_string(), "a b c");
        let s = Scope::parse_lenient("  a\tb  a ").unwrap();
        assert_eq!(s.to_string(), "a b");
        assert!(Scope::parse_lenient("").unwrap().is_empty());
        assert_eq!(
            Scope::parse_lenient("ok b\"ad"),
            Err(ScopeError::InvalidCharacter { index: 4 })
        );
        assert_eq!(
            Scope::from_json_lenient(&serde_json::json!(["a", 1])),
            Err(ScopeError::WrongElementType {
                index: 1,
                found: JsonType::Number
            })
        );
    }

    #[test]
    fn set_operations_keep_order() {
        let a = Scope::parse("x y z").unwrap();
        let b = Scope::parse("z x w").unwrap();
        assert_eq!(a.intersection(&b).to_string(), "x z");
        assert_eq!(a.difference(&b).to_string(), "y");
        assert_eq!(a.union(&b).to_string(), "x y z w");
        assert_eq!(a, Scope::parse("z y x").unwrap());
        assert!(!a.is_subset(&b));
        assert!(Scope::empty().is_subset(&b));
    }
}
