//! Strict JSON object parsing shared by every audex parser of untrusted JSON.
//!
//! `serde_json` on its own keeps the *last* of two members with the same name and
//! accepts any nesting up to its internal recursion limit. Both are unacceptable for
//! security tokens (RFC 7519 §4, RFC 7515 §4: a JWT with duplicate member names must be
//! rejected or parsed with a strict parser). [`parse_object`] adds, on top of
//! `serde_json`'s grammar:
//!
//! * rejection of duplicate member names in every object at every depth;
//! * a byte-size limit checked before parsing;
//! * a nesting-depth limit that is checked while parsing, so hostile input cannot
//!   cause deep recursion;
//! * the requirement that the input is UTF-8 and that the top-level value is an object.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Default maximum size in bytes of a JSON document accepted by [`parse_object`].
pub const DEFAULT_MAX_BYTES: usize = 32 * 1024;
/// Default maximum nesting depth (objects and arrays) accepted by [`parse_object`].
/// The top-level object has depth 1.
pub const DEFAULT_MAX_DEPTH: usize = 32;

/// Size and depth limits for [`parse_object`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonLimits {
    /// Maximum document size in bytes.
    pub max_bytes: usize,
    /// Maximum nesting depth of objects and arrays; the top-level object counts as 1.
    pub max_depth: usize,
}

impl Default for JsonLimits {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

/// The JSON type of a value, used in error messages ("expected a string, found number").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JsonType {
    /// `null`
    Null,
    /// `true` or `false`
    Bool,
    /// a number
    Number,
    /// a string
    String,
    /// an array
    Array,
    /// an object
    Object,
}

impl JsonType {
    /// The type of `value`.
    pub fn of(value: &Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(_) => Self::Bool,
            Value::Number(_) => Self::Number,
            Value::String(_) => Self::String,
            Value::Array(_) => Self::Array,
            Value::Object(_) => Self::Object,
        }
    }
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Null => "null",
            Self::Bool => "boolean",
            Self::Number => "number",
            Self::String => "string",
            Self::Array => "array",
            Self::Object => "object",
        })
    }
}

/// Why a JSON document was rejected by [`parse_object`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsonError {
    /// The document is larger than the configured limit.
    #[error("JSON document is {len} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// Size of the rejected document.
        len: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The document is not valid UTF-8.
    #[error("JSON document is not valid UTF-8 (first invalid byte at offset {valid_up_to})")]
    NotUtf8 {
        /// Offset of the first byte that is not part of a valid UTF-8 sequence.
        valid_up_to: usize,
    },
    /// Objects or arrays are nested deeper than the configured limit.
    #[error("JSON nesting is deeper than the limit of {limit}")]
    TooDeep {
        /// The configured limit.
        limit: usize,
    },
    /// An object holds two members with the same name.
    #[error("duplicate member name \"{}\"", Truncated(name))]
    DuplicateMember {
        /// The repeated member name.
        name: String,
    },
    /// The top-level value is not an object.
    #[error("expected a JSON object, found {found}")]
    NotAnObject {
        /// What was found instead.
        found: JsonType,
    },
    /// The document is not valid JSON.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The parser's description of the problem.
        message: String,
    },
}

/// Displays at most 64 characters of a string taken from untrusted input, with `…`
/// when cut, and with every control character (C0, DEL, C1: NUL, CR, LF, ESC for ANSI
/// sequences…) and every bidi formatting character written as a `\u{…}` escape (and
/// `\` as `\\`), so hostile input can neither flood nor forge log lines
/// (STS-LOG-1).
///
/// ```
/// use audex_claims::json::Truncated;
///
/// let shown = Truncated("kid\n2026-01-01 INFO forged\u{1b}[31m\u{202e}").to_string();
/// assert_eq!(shown, "kid\\u{a}2026-01-01 INFO forged\\u{1b}[31m\\u{202e}");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Truncated<'a>(pub &'a str);

/// Whether `c` must not reach a log line as is: controls and bidi formatting.
pub(crate) fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

impl fmt::Display for Truncated<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, self.0, 64)
    }
}

/// Like [`Truncated`] with room for a whole message (at most 1,024 characters): for
/// logging an error description that embeds outside input.
#[derive(Clone, Copy, Debug)]
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, self.0, 1024)
    }
}

fn write_escaped(f: &mut fmt::Formatter<'_>, s: &str, max: usize) -> fmt::Result {
    use fmt::Write as _;
    for (n, c) in s.chars().enumerate() {
        if n == max {
            return f.write_char('…');
        }
        if c == '\\' {
            f.write_str("\\\\")?;
        } else if is_unsafe_char(c) {
            write!(f, "\\u{{{:x}}}", u32::from(c))?;
        } else {
            f.write_char(c)?;
        }
    }
    Ok(())
}

/// Largest error description written, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 512;

/// The one sanitiser for error descriptions on the wire (RFC 6749 §5.2
/// `error_description`, RFC 6750 §3 `WWW-Authenticate` attribute values): keeps
/// %x20-21 / %x23-5B / %x5D-7E, writes `"` as `'` and `\` as `/`, every other character
/// (controls, ANSI escapes, bidi overrides, non-ASCII) as `?`, and cuts at
/// [`MAX_DESCRIPTION_CHARS`].
///
/// ```
/// use audex_claims::json::sanitize_description;
///
/// assert_eq!(sanitize_description("kid \"k1\"\r\n\u{1b}[31m"), "kid 'k1'???[31m");
/// ```
pub fn sanitize_description(s: &str) -> String {
    s.chars()
        .take(MAX_DESCRIPTION_CHARS)
        .map(|c| match c {
            '\x20'..='\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e' => c,
            '"' => '\'',
            '\\' => '/',
            _ => '?',
        })
        .collect()
}

/// A fault found by the strict visitor, carried out of serde's error channel.
#[derive(Debug)]
enum Fault {
    TooDeep,
    Duplicate(String),
    NotAnObject(JsonType),
}

/// Parses `bytes` as a JSON object with the strict rules described in the
/// [module documentation](self).
///
/// ```
/// use audex_claims::json::{parse_object, JsonError, JsonLimits};
///
/// let obj = parse_object(br#"{"aud":"api","n":[1,{"x":true}]}"#, JsonLimits::default()).unwrap();
/// assert_eq!(obj["aud"], "api");
///
/// let dup = parse_object(br#"{"aud":"api","aud":"evil"}"#, JsonLimits::default());
/// assert!(matches!(dup, Err(JsonError::DuplicateMember { name }) if name == "aud"));
/// ```
pub fn parse_object(bytes: &[u8], limits: JsonLimits) -> Result<Map<String, Value>, JsonError> {
    if bytes.len() > limits.max_bytes {
        return Err(JsonError::TooLarge {
            len: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| JsonError::NotUtf8 {
        valid_up_to: e.valid_up_to(),
    })?;
    let fault = Cell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = StrictSeed {
        depth_left: limits.max_depth,
        fault: &fault,
    };
    let parsed = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match parsed {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(JsonError::NotAnObject {
            found: JsonType::of(&other),
        }),
        Err(e) => Err(classify(e, &fault, limits)),
    }
}

/// The value of a top-level member, as handed to [`for_each_member`]'s callback.
///
/// Strings come as they are in the input (borrowed unless they contain escapes), so
/// a caller that only reads them does not allocate; every other value is parsed with
/// the strict rules into a [`Value`].
#[derive(Clone, Debug, PartialEq)]
pub enum Member<'de> {
    /// A JSON string.
    Str(Cow<'de, str>),
    /// Any other JSON value.
    Other(Value),
}

impl<'de> Member<'de> {
    /// The member as a [`Value`] (allocating a borrowed string).
    pub fn into_value(self) -> Value {
        match self {
            Self::Str(s) => Value::String(s.into_owned()),
            Self::Other(v) => v,
        }
    }

    /// The string, or the value when it is not a string.
    pub fn into_text(self) -> Result<Cow<'de, str>, Value> {
        match self {
            Self::Str(s) => Ok(s),
            Self::Other(Value::String(s)) => Ok(Cow::Owned(s)),
            Self::Other(v) => Err(v),
        }
    }
}

/// Parses `bytes` as a strict JSON object (same rules as [`parse_object`]) and hands
/// each top-level member to `on_member` in document order, without building a map.
///
/// Member values are parsed with the strict rules (nested duplicates and depth are
/// checked). Duplicate top-level names are rejected before `on_member` sees the second
/// one. An error returned by `on_member` stops parsing and is returned as is.
///
/// ```
/// use audex_claims::json::{for_each_member, JsonError, JsonLimits};
///
/// let mut names = Vec::new();
/// for_each_member(br#"{"b":1,"a":[true]}"#, JsonLimits::default(), |name, _member| {
///     names.push(name.to_owned());
///     Ok::<(), JsonError>(())
/// })
/// .unwrap();
/// assert_eq!(names, ["b", "a"]);
/// ```
pub fn for_each_member<E, F>(bytes: &[u8], limits: JsonLimits, on_member: F) -> Result<(), E>
where
    E: From<JsonError>,
    F: FnMut(&str, Member<'_>) -> Result<(), E>,
{
    if bytes.len() > limits.max_bytes {
        return Err(JsonError::TooLarge {
            len: bytes.len(),
            limit: limits.max_bytes,
        }
        .into());
    }
    let text = std::str::from_utf8(bytes).map_err(|e| JsonError::NotUtf8 {
        valid_up_to: e.valid_up_to(),
    })?;
    let fault = Cell::new(None);
    let mut member_error: Option<E> = None;
    let mut de = serde_json::Deserializer::from_str(text);
    let visitor = TopVisitor {
        seed: StrictSeed {
            depth_left: limits.max_depth,
            fault: &fault,
        },
        on_member,
        member_error: &mut member_error,
    };
    let parsed = de.deserialize_any(visitor).and_then(|()| de.end());
    if let Some(e) = member_error {
        return Err(e);
    }
    parsed.map_err(|e| E::from(classify(e, &fault, limits)))
}

fn classify(e: serde_json::Error, fault: &Cell<Option<Fault>>, limits: JsonLimits) -> JsonError {
    match fault.take() {
        Some(Fault::TooDeep) => JsonError::TooDeep {
            limit: limits.max_depth,
        },
        Some(Fault::Duplicate(name)) => JsonError::DuplicateMember { name },
        Some(Fault::NotAnObject(found)) => JsonError::NotAnObject { found },
        None if e.to_string().starts_with("recursion limit exceeded") => JsonError::TooDeep {
            limit: limits.max_depth,
        },
        None => JsonError::Syntax {
            line: e.line(),
            column: e.column(),
            message: syntax_message(&e),
        },
    }
}

struct TopVisitor<'a, F, E> {
    seed: StrictSeed<'a>,
    on_member: F,
    member_error: &'a mut Option<E>,
}

/// A member name, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Above this many members, duplicate detection switches from a linear scan to a set.
const LINEAR_SCAN_MEMBERS: usize = 24;

/// The member names of one object seen so far. The first [`LINEAR_SCAN_MEMBERS`]
/// names borrowed from the input live on the stack with an 8-byte fingerprint each
/// (length and first 7 bytes), so the usual claims set is checked without
/// allocating and mostly without comparing whole names. More names, or a name that
/// had escapes (and so is not borrowed), move everything to a hash set.
struct SeenNames<'de> {
    fingerprints: [u64; LINEAR_SCAN_MEMBERS],
    names: [&'de str; LINEAR_SCAN_MEMBERS],
    len: usize,
    in_set: bool,
    set: HashSet<Cow<'de, str>>,
}

impl Default for SeenNames<'_> {
    fn default() -> Self {
        Self {
            fingerprints: [0; LINEAR_SCAN_MEMBERS],
            names: [""; LINEAR_SCAN_MEMBERS],
            len: 0,
            in_set: false,
            set: HashSet::new(),
        }
    }
}

/// Equal names have equal fingerprints; names of at most 7 bytes with equal
/// fingerprints are equal.
fn fingerprint(name: &str) -> u64 {
    let mut bytes = [0u8; 8];
    for (d, s) in bytes.iter_mut().zip(name.as_bytes().iter().take(7)) {
        *d = *s;
    }
    let [.., last] = &mut bytes;
    *last = u8::try_from(name.len()).unwrap_or(u8::MAX);
    u64::from_le_bytes(bytes)
}

impl<'de> SeenNames<'de> {
    fn contains(&self, name: &str) -> bool {
        if self.in_set {
            return self.set.contains(name);
        }
        let fp = fingerprint(name);
        self.fingerprints
            .iter()
            .zip(&self.names)
            .take(self.len)
            .any(|(f, n)| *f == fp && (name.len() < 8 || *n == name))
    }

    fn insert(&mut self, name: Cow<'de, str>) {
        if !self.in_set {
            if let (Cow::Borrowed(b), Some(f), Some(n)) = (
                &name,
                self.fingerprints.get_mut(self.len),
                self.names.get_mut(self.len),
            ) {
                *f = fingerprint(b);
                *n = b;
                self.len += 1;
                return;
            }
            let linear = self.names.iter().take(self.len);
            self.set.extend(linear.map(|n| Cow::Borrowed(*n)));
            self.in_set = true;
        }
        self.set.insert(name);
    }
}

impl<'de, F, E> Visitor<'de> for TopVisitor<'_, F, E>
where
    F: FnMut(&str, Member<'de>) -> Result<(), E>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let inner = self.seed.nested()?;
        let mut seen = SeenNames::default();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            if seen.contains(&key) {
                self.seed
                    .fault
                    .set(Some(Fault::Duplicate(key.into_owned())));
                return Err(serde::de::Error::custom("duplicate member"));
            }
            let value = map.next_value_seed(MemberSeed(inner))?;
            if let Err(e) = (self.on_member)(&key, value) {
                *self.member_error = Some(e);
                return Err(serde::de::Error::custom("member rejected"));
            }
            seen.insert(key);
        }
        Ok(())
    }

    fn visit_bool<Er: serde::de::Error>(self, _: bool) -> Result<(), Er> {
        self.not_object(JsonType::Bool)
    }
    fn visit_i64<Er: serde::de::Error>(self, _: i64) -> Result<(), Er> {
        self.not_object(JsonType::Number)
    }
    fn visit_u64<Er: serde::de::Error>(self, _: u64) -> Result<(), Er> {
        self.not_object(JsonType::Number)
    }
    fn visit_f64<Er: serde::de::Error>(self, _: f64) -> Result<(), Er> {
        self.not_object(JsonType::Number)
    }
    fn visit_str<Er: serde::de::Error>(self, _: &str) -> Result<(), Er> {
        self.not_object(JsonType::String)
    }
    fn visit_unit<Er: serde::de::Error>(self) -> Result<(), Er> {
        self.not_object(JsonType::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        self.not_object(JsonType::Array)
    }
}

impl<F, E> TopVisitor<'_, F, E> {
    fn not_object<Er: serde::de::Error>(self, found: JsonType) -> Result<(), Er> {
        self.seed.fault.set(Some(Fault::NotAnObject(found)));
        Err(Er::custom("not an object"))
    }
}

/// `serde_json`'s message without its trailing " at line L column C".
fn syntax_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    match full.rfind(" at line ") {
        Some(cut) => full.get(..cut).unwrap_or(&full).to_owned(),
        None => full,
    }
}

#[derive(Clone, Copy)]
struct StrictSeed<'a> {
    depth_left: usize,
    fault: &'a Cell<Option<Fault>>,
}

impl<'a> StrictSeed<'a> {
    fn nested<E: serde::de::Error>(self) -> Result<Self, E> {
        match self.depth_left.checked_sub(1) {
            Some(depth_left) => Ok(Self {
                depth_left,
                fault: self.fault,
            }),
            None => {
                self.fault.set(Some(Fault::TooDeep));
                Err(E::custom("nesting too deep"))
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for StrictSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // serde_json never produces a non-finite f64, so this is always a Number.
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = self.nested()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(inner)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inner = self.nested()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                self.fault.set(Some(Fault::Duplicate(key)));
                return Err(serde::de::Error::custom("duplicate member"));
            }
            let value = map.next_value_seed(inner)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// Reads a member value: strings as they are, anything else through [`StrictSeed`].
#[derive(Clone, Copy)]
struct MemberSeed<'a>(StrictSeed<'a>);

impl<'de> DeserializeSeed<'de> for MemberSeed<'_> {
    type Value = Member<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Member<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MemberSeed<'_> {
    type Value = Member<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Member<'de>, E> {
        Ok(Member::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Member<'de>, E> {
        Ok(Member::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Member<'de>, E> {
        Ok(Member::Str(Cow::Owned(v)))
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Member<'de>, E> {
        self.0.visit_bool(v).map(Member::Other)
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Member<'de>, E> {
        self.0.visit_i64(v).map(Member::Other)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Member<'de>, E> {
        self.0.visit_u64(v).map(Member::Other)
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Member<'de>, E> {
        self.0.visit_f64(v).map(Member::Other)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Member<'de>, E> {
        self.0.visit_unit().map(Member::Other)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Member<'de>, E> {
        self.0.visit_none().map(Member::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Member<'de>, A::Error> {
        self.0.visit_seq(seq).map(Member::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Member<'de>, A::Error> {
        self.0.visit_map(map).map(Member::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_duplicates_are_found() {
        let err = parse_object(br#"{"a":{"b":1,"b":2}}"#, JsonLimits::default()).unwrap_err();
        assert_eq!(err, JsonError::DuplicateMember { name: "b".into() });
        let err = parse_object(br#"{"a":[{"c":1,"c":1}]}"#, JsonLimits::default()).unwrap_err();
        assert_eq!(err, JsonError::DuplicateMember { name: "c".into() });
    }

    #[test]
    fn escaped_duplicate_names_are_found() {
        // "\u0061" is "a": the same member name spelled differently on the wire.
        let err = parse_object(br#"{"a":1,"\u0061":2}"#, JsonLimits::default()).unwrap_err();
        assert_eq!(err, JsonError::DuplicateMember { name: "a".into() });
    }

    #[test]
    fn depth_limit_is_enforced() {
        let limits = JsonLimits {
            max_bytes: 1 << 20,
            max_depth: 3,
        };
        assert!(parse_object(br#"{"a":{"b":[1]}}"#, limits).is_ok());
        let err = parse_object(br#"{"a":{"b":[[1]]}}"#, limits).unwrap_err();
        assert_eq!(err, JsonError::TooDeep { limit: 3 });
        // Far beyond serde_json's own recursion limit: still a typed error.
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse_object(deep.as_bytes(), limits).unwrap_err();
        assert_eq!(err, JsonError::TooDeep { limit: 3 });
    }

    #[test]
    fn size_utf8_and_shape_errors() {
        let limits = JsonLimits {
            max_bytes: 8,
            max_depth: 4,
        };
        assert_eq!(
            parse_object(br#"{"a":"bcdef"}"#, limits).unwrap_err(),
            JsonError::TooLarge { len: 13, limit: 8 }
        );
        assert_eq!(
            parse_object(b"{\"a\":\"\xff\"}", JsonLimits::default()).unwrap_err(),
            JsonError::NotUtf8 { valid_up_to: 6 }
        );
        assert_eq!(
            parse_object(b"[1]", JsonLimits::default()).unwrap_err(),
            JsonError::NotAnObject {
                found: JsonType::Array
            }
        );
        let err = parse_object(b"{\"a\":1} x", JsonLimits::default()).unwrap_err();
        assert!(matches!(err, JsonError::Syntax { line: 1, .. }), "{err:?}");
        assert!(!err.to_string().contains(" at line 1 column 9 at"));
    }

    #[test]
    fn duplicates_are_found_in_large_objects() {
        // Past the linear-scan threshold the streaming parser switches to a set.
        let mut doc = String::from("{");
        for i in 0..100 {
            doc.push_str(&format!("\"m{i}\":{i},"));
        }
        doc.push_str("\"m7\":0}");
        let err = for_each_member(doc.as_bytes(), JsonLimits::default(), |_, _| {
            Ok::<(), JsonError>(())
        });
        assert_eq!(err, Err(JsonError::DuplicateMember { name: "m7".into() }));
        let err = parse_object(doc.as_bytes(), JsonLimits::default());
        assert_eq!(err, Err(JsonError::DuplicateMember { name: "m7".into() }));
        let top = for_each_member(
            b"[1]",
            JsonLimits::default(),
            |_, _| Ok::<(), JsonError>(()),
        );
        assert_eq!(
            top,
            Err(JsonError::NotAnObject {
                found: JsonType::Array
            })
        );
    }

    #[test]
    fn escaped_names_switch_to_the_set_and_are_still_compared() {
        // "\u0069ss" is "iss", spelled with an escape: not borrowed from the input.
        let err = for_each_member(
            br#"{"iss":1,"aud":2,"\u0069ss":3}"#,
            JsonLimits::default(),
            |_, _| Ok::<(), JsonError>(()),
        );
        assert_eq!(err, Err(JsonError::DuplicateMember { name: "iss".into() }));
        let err = for_each_member(
            br#"{"\u0069ss":1,"aud":2,"iss":3}"#,
            JsonLimits::default(),
            |_, _| Ok::<(), JsonError>(()),
        );
        assert_eq!(err, Err(JsonError::DuplicateMember { name: "iss".into() }));
    }

    #[test]
    fn names_that_share_a_fingerprint_are_told_apart() {
        // Same length and first 7 bytes: equal fingerprints, different names.
        let ok = for_each_member(
            br#"{"client_id":1,"client_ix":2,"a":3,"b":4}"#,
            JsonLimits::default(),
            |_, _| Ok::<(), JsonError>(()),
        );
        assert_eq!(ok, Ok(()));
        let err = for_each_member(
            br#"{"client_id":1,"a":2,"client_id":3}"#,
            JsonLimits::default(),
            |_, _| Ok::<(), JsonError>(()),
        );
        assert_eq!(
            err,
            Err(JsonError::DuplicateMember {
                name: "client_id".into()
            })
        );
    }

    #[test]
    fn long_duplicate_names_are_truncated_in_messages() {
        let name = "x".repeat(500);
        let doc = format!("{{\"{name}\":1,\"{name}\":2}}");
        let msg = parse_object(doc.as_bytes(), JsonLimits::default())
            .unwrap_err()
            .to_string();
        assert!(msg.len() < 100, "{msg}");
        assert!(msg.ends_with("…\""), "{msg}");
    }
}
