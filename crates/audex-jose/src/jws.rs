//! JWS compact serialization (RFC 7515 §7.1): strict parsing, key selection and
//! signature verification over the exact received bytes.

use std::borrow::Cow;
use std::mem::MaybeUninit;

use serde_json::{Map, Value};

use audex_claims::json::{JsonLimits, JsonType, Member, sanitize_description};

use crate::alg::Algorithm;
use crate::b64::{self, Base64Error};
use crate::jwk::KeySet;
use crate::key::VerifyingKey;

/// Default maximum size of a compact JWS, in bytes (BCP-SIZE-1).
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 16 * 1024;
/// Maximum size of the decoded protected header, in bytes.
pub const MAX_HEADER_BYTES: usize = 4 * 1024;
/// Maximum JSON nesting in the protected header.
pub const MAX_HEADER_DEPTH: usize = 8;
/// Longest signature any supported key can produce: RSA with an 8192-bit modulus
/// (ring's upper bound).
pub const MAX_SIGNATURE_BYTES: usize = 1024;
/// Headers up to this size are decoded on the stack.
const HEADER_STACK_BYTES: usize = 512;
/// When a token has no `kid`, at most this many keys of its algorithm are tried.
pub const MAX_KIDLESS_CANDIDATES: usize = 4;

/// Header parameters registered by RFC 7515 §4.1, which `crit` must not name.
const REGISTERED_HEADER_PARAMS: [&str; 11] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
];

/// How a header's `crit` breaks RFC 7515 §4.1.11 or this verifier's policy
/// (JWS-CRIT-1). Names from the header are stored log-safe.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CritError {
    /// `crit` is `[]`.
    #[error("must not be an empty list")]
    Empty,
    /// `crit` is not an array.
    #[error("must be an array, found {found}")]
    NotAnArray {
        /// What it is.
        found: JsonType,
    },
    /// An entry is not a string.
    #[error("entries must be strings")]
    NotAString,
    /// A name appears twice.
    #[error("names {name} twice")]
    Duplicate {
        /// The name (log-safe).
        name: String,
    },
    /// A registered header parameter is named (RFC 7515 §4.1.11 forbids it).
    #[error("names the registered parameter {name}")]
    Registered {
        /// The name.
        name: String,
    },
    /// A name that is not a header parameter of this JWS.
    #[error("names {name} which is not in the header")]
    Absent {
        /// The name (log-safe).
        name: String,
    },
    /// An extension this verifier does not understand.
    #[error("extension {name} is not understood")]
    NotUnderstood {
        /// The name (log-safe).
        name: String,
    },
}

/// How a client assertion breaks RFC 7523 §3 as updated by rfc7523bis (CA-JWT-1).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AssertionError {
    /// `iss` or `sub` is absent.
    #[error("iss and sub are required")]
    IssOrSubMissing,
    /// `iss` and `sub` differ, or are not the client id the validation is bound to.
    #[error("iss and sub must both be the client_id")]
    NotTheClient,
    /// `aud` holds no value or more than one.
    #[error("aud must hold exactly one value, the issuer identifier; found {count}")]
    NotOneAudience {
        /// How many values.
        count: usize,
    },
    /// `exp` is further ahead than the validation accepts.
    #[error("exp is {ahead_secs} s ahead; at most {max_secs} s is accepted")]
    TooLong {
        /// Seconds from now to `exp`.
        ahead_secs: u64,
        /// The longest accepted.
        max_secs: u64,
    },
}

/// Why a compact JWS is malformed (before any key is involved).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwsError {
    /// The token is larger than the limit.
    #[error("token is {len} bytes, over the limit of {limit}")]
    TooLarge {
        /// Token size.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// Not exactly three dot-separated parts.
    #[error("compact JWS must have exactly 3 parts, found {parts}")]
    PartCount {
        /// Number of parts found.
        parts: usize,
    },
    /// A part is not strict base64url.
    #[error("{part} is not valid base64url: {source}")]
    Base64 {
        /// `header`, `payload` or `signature`.
        part: &'static str,
        /// Why.
        source: Base64Error,
    },
    /// The protected header is not a strict JSON object within the limits.
    #[error("header: {0}")]
    HeaderJson(audex_claims::JsonError),
    /// A header parameter is missing or has the wrong type.
    #[error("header parameter {name}: {reason}")]
    HeaderParam {
        /// The parameter.
        name: &'static str,
        /// Why.
        reason: String,
    },
    /// `alg` is `none` (JWS-ALG-1).
    #[error("alg none is not accepted")]
    AlgNone,
    /// `alg` is not one audex supports (JWS-ALG-2).
    #[error(transparent)]
    UnsupportedAlgorithm(#[from] crate::alg::UnsupportedAlgorithm),
    /// `crit` violates RFC 7515 §4.1.11 or names a parameter this verifier does not
    /// understand (JWS-CRIT-1).
    #[error("crit: {0}")]
    Crit(CritError),
    /// The signature is longer than any supported key produces.
    #[error("signature is longer than {limit} bytes")]
    SignatureTooLong {
        /// The limit.
        limit: usize,
    },
    /// RFC 7797 unencoded payloads are not supported (JWS-B64-1).
    #[error("b64 header parameter (RFC 7797 unencoded payload) is not supported")]
    UnencodedPayload,
}

/// A JOSE header as received. Only `alg`, `typ`, `cty`, `kid` and `crit` have meaning
/// to audex; `jku`, `x5u`, `jwk` and `x5c` are kept in [`Header::other`] and never used
/// to find or fetch a key (BCP-KEYS-1).
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// `alg`
    pub alg: Algorithm,
    /// `typ`
    pub typ: Option<String>,
    /// `cty`
    pub cty: Option<String>,
    /// `kid` — a lookup string only.
    pub kid: Option<String>,
    /// `crit`
    pub crit: Option<Vec<String>>,
    /// Every other parameter, as received.
    pub other: Map<String, Value>,
}

impl Header {
    /// A header with only `alg`.
    pub fn new(alg: Algorithm) -> Self {
        Self {
            alg,
            typ: None,
            cty: None,
            kid: None,
            crit: None,
            other: Map::new(),
        }
    }

    /// Whether `typ` equals `expected`, ignoring ASCII case and an optional
    /// `application/` prefix (RFC 7515 §4.1.9, RFC 8725 §3.11).
    pub fn typ_is(&self, expected: &str) -> bool {
        self.typ
            .as_deref()
            .is_some_and(|t| media_type_eq(t, expected))
    }

    /// Parses a decoded protected header in one streaming pass.
    fn parse(bytes: &[u8], understood_crit: &[&str]) -> Result<Self, JwsError> {
        let mut alg: Option<Result<Algorithm, JwsError>> = None;
        let (mut typ, mut cty, mut kid) = (None, None, None);
        let mut map = Map::new();
        let limits = JsonLimits {
            max_bytes: MAX_HEADER_BYTES,
            max_depth: MAX_HEADER_DEPTH,
        };
        fn string<'de>(name: &'static str, m: Member<'de>) -> Result<Cow<'de, str>, JwsError> {
            m.into_text().map_err(|other| JwsError::HeaderParam {
                name,
                reason: format!("must be a string, found {}", JsonType::of(&other)),
            })
        }
        audex_claims::json::for_each_member(bytes, limits, |name, m| {
            match name {
                // `none` and unknown names are reported after the whole header parsed,
                // so a syntax error later in the header still wins.
                "alg" => {
                    alg = Some(string("alg", m).and_then(|a| match a.as_ref() {
                        "none" => Err(JwsError::AlgNone),
                        name => Ok(Algorithm::from_name(name)?),
                    }));
                }
                "typ" => typ = Some(string("typ", m)?.into_owned()),
                "cty" => cty = Some(string("cty", m)?.into_owned()),
                "kid" => kid = Some(string("kid", m)?.into_owned()),
                _ => {
                    map.insert(name.to_owned(), m.into_value());
                }
            }
            Ok::<(), JwsError>(())
        })?;
        let alg = alg.unwrap_or(Err(JwsError::HeaderParam {
            name: "alg",
            reason: "missing".into(),
        }))?;
        Self::finish(alg, typ, cty, kid, map, understood_crit)
    }

    fn finish(
        alg: Algorithm,
        typ: Option<String>,
        cty: Option<String>,
        kid: Option<String>,
        mut map: Map<String, Value>,
        understood_crit: &[&str],
    ) -> Result<Self, JwsError> {
        if map.contains_key("b64") {
            return Err(JwsError::UnencodedPayload);
        }
        let crit = match map.remove("crit") {
            None => None,
            Some(Value::Array(items)) => {
                if items.is_empty() {
                    return Err(JwsError::Crit(CritError::Empty));
                }
                let mut names: Vec<String> = Vec::with_capacity(items.len());
                for item in items {
                    let Value::String(name) = item else {
                        return Err(JwsError::Crit(CritError::NotAString));
                    };
                    if names.contains(&name) {
                        return Err(JwsError::Crit(CritError::Duplicate {
                            name: audex_claims::json::Truncated(&name).to_string(),
                        }));
                    }
                    if REGISTERED_HEADER_PARAMS.contains(&name.as_str()) {
                        return Err(JwsError::Crit(CritError::Registered { name }));
                    }
                    if !map.contains_key(&name) {
                        return Err(JwsError::Crit(CritError::Absent {
                            name: audex_claims::json::Truncated(&name).to_string(),
                        }));
                    }
                    if !understood_crit.contains(&name.as_str()) {
                        return Err(JwsError::Crit(CritError::NotUnderstood {
                            name: audex_claims::json::Truncated(&name).to_string(),
                        }));
                    }
                    names.push(name);
                }
                Some(names)
            }
            Some(other) => {
                return Err(JwsError::Crit(CritError::NotAnArray {
                    found: JsonType::of(&other),
                }));
            }
        };
        Ok(Self {
            alg,
            typ,
            cty,
            kid,
            crit,
            other: map,
        })
    }

    pub(crate) fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("alg".into(), self.alg.name().into());
        if let Some(t) = &self.typ {
            m.insert("typ".into(), t.clone().into());
        }
        if let Some(k) = &self.kid {
            m.insert("kid".into(), k.clone().into());
        }
        if let Some(c) = &self.cty {
            m.insert("cty".into(), c.clone().into());
        }
        if let Some(c) = &self.crit {
            m.insert("crit".into(), c.clone().into());
        }
        for (k, v) in &self.other {
            if !m.contains_key(k) {
                m.insert(k.clone(), v.clone());
            }
        }
        Value::Object(m)
    }
}

impl From<audex_claims::JsonError> for JwsError {
    fn from(e: audex_claims::JsonError) -> Self {
        Self::HeaderJson(e)
    }
}

/// Media-type comparison for `typ`: case-insensitive, `application/` optional.
pub(crate) fn media_type_eq(a: &str, b: &str) -> bool {
    fn strip(s: &str) -> &str {
        match s.get(..12) {
            Some(p) if p.eq_ignore_ascii_case("application/") => s.get(12..).unwrap_or(s),
            _ => s,
        }
    }
    strip(a).eq_ignore_ascii_case(strip(b))
}

/// A compact JWS whose structure and header are valid but whose signature has not
/// been checked. The payload is not accessible: it cannot be trusted yet.
pub struct UnverifiedJws<'a> {
    signing_input: &'a str,
    /// Decoded at parse time (so a malformed payload is reported as such) but only
    /// handed out after the signature verifies.
    payload: Vec<u8>,
    header: Header,
    /// The base64url signature, already checked by `parse`.
    signature: &'a [u8],
}

/// Shows the header and sizes only: token bytes stay out of logs.
impl std::fmt::Debug for UnverifiedJws<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnverifiedJws")
            .field("header", &self.header)
            .field("payload_bytes", &self.payload.len())
            .field("signature_b64_bytes", &self.signature.len())
            .finish()
    }
}

/// Room for any decoded signature, on the stack.
type SignatureBuf = [MaybeUninit<u8>; MAX_SIGNATURE_BYTES];

fn b64_part(part: &[u8], name: &'static str) -> Result<Vec<u8>, JwsError> {
    b64::decode(part).map_err(|source| JwsError::Base64 { part: name, source })
}

/// Limits and extension support for parsing a compact JWS.
#[derive(Clone, Copy, Debug)]
pub struct JwsOptions<'a> {
    /// Maximum token size in bytes.
    pub max_token_bytes: usize,
    /// Extension header parameters the caller understands (for `crit`).
    pub understood_crit: &'a [&'a str],
}

impl Default for JwsOptions<'_> {
    fn default() -> Self {
        Self {
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            understood_crit: &[],
        }
    }
}

impl<'a> UnverifiedJws<'a> {
    /// Parses `token` strictly (JWS-FORM-1, JWS-ALG-1, JWS-CRIT-1, JWS-B64-1, JWT-DUP-1).
    pub fn parse(token: &'a str, opts: &JwsOptions<'_>) -> Result<Self, JwsError> {
        if token.len() > opts.max_token_bytes {
            return Err(JwsError::TooLarge {
                len: token.len(),
                limit: opts.max_token_bytes,
            });
        }
        // The first and last dots delimit the three parts; a dot in between (more
        // than three parts) is found when the payload does not decode, so a valid
        // token's payload is scanned only once, by the base64 decoder.
        let (Some(d1), Some(d2)) = (token.find('.'), token.rfind('.')) else {
            return Err(JwsError::PartCount { parts: 1 });
        };
        let bytes = token.as_bytes();
        let (h, p, s) = (
            bytes.get(..d1).unwrap_or_default(),
            bytes.get(d1 + 1..d2).unwrap_or_default(),
            bytes.get(d2 + 1..).unwrap_or_default(),
        );
        if d1 == d2 || p.contains(&b'.') {
            return Err(JwsError::PartCount {
                parts: token.split('.').count(),
            });
        }
        let mut header_buf = [MaybeUninit::uninit(); HEADER_STACK_BYTES];
        let header = match b64::decode_into(h, &mut header_buf) {
            Ok(Some(small)) => Header::parse(small, opts.understood_crit)?,
            Ok(None) => Header::parse(&b64_part(h, "header")?, opts.understood_crit)?,
            Err(source) => {
                return Err(JwsError::Base64 {
                    part: "header",
                    source,
                });
            }
        };
        let payload = b64_part(p, "payload")?;
        // Checked now, decoded where it is used (no copy of a large buffer around).
        match b64::check(s, MAX_SIGNATURE_BYTES) {
            Ok(true) => {}
            Ok(false) => {
                return Err(JwsError::SignatureTooLong {
                    limit: MAX_SIGNATURE_BYTES,
                });
            }
            Err(source) => {
                return Err(JwsError::Base64 {
                    part: "signature",
                    source,
                });
            }
        }
        let signing_input = token.get(..d2).unwrap_or_default();
        Ok(Self {
            signing_input,
            payload,
            header,
            signature: s,
        })
    }

    /// The protected header (safe to inspect for key selection; not yet authenticated).
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The payload's `iss`, **unverified**, for choosing whose keys to verify with and
    /// nothing else. The verification that follows must bind the key set to that
    /// issuer ([`crate::KeySet::for_issuer`]): audex-jose then refuses the token when
    /// its verified `iss` differs from the keys' issuer (BCP-ISS-1), so a token cannot
    /// pick keys under one name and claim another. `None` when the payload is not a
    /// JSON object with a string `iss`.
    pub fn unverified_issuer(&self) -> Option<String> {
        let obj =
            audex_claims::json::parse_object(&self.payload, audex_claims::JsonLimits::default())
                .ok()?;
        match obj.get("iss") {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            _ => None,
        }
    }

    /// Verifies the signature with `key`. The header `alg` must equal the key's
    /// algorithm, checked before any crypto (BCP-ALG-1).
    pub fn verify_with(self, key: &VerifyingKey) -> Result<VerifiedJws, VerifyError> {
        if key.algorithm() != self.header.alg {
            return Err(VerifyError::AlgorithmMismatch {
                header: self.header.alg,
                key: key.algorithm(),
            });
        }
        let mut buf: SignatureBuf = [MaybeUninit::uninit(); MAX_SIGNATURE_BYTES];
        key.verify_raw(
            self.signing_input.as_bytes(),
            self.decode_signature(&mut buf)?,
        )
        .map_err(|()| VerifyError::InvalidSignature)?;
        self.into_verified(key)
    }

    /// Selects the key from `keys` (by `kid` and `alg`, JWK-6) and verifies.
    pub fn verify(self, keys: &KeySet) -> Result<VerifiedJws, VerifyError> {
        let alg = self.header.alg;
        match self.header.kid.as_deref() {
            Some(kid) => {
                let mut same_kid = keys
                    .keys()
                    .iter()
                    .filter(|k| k.kid() == Some(kid))
                    .peekable();
                if same_kid.peek().is_none() {
                    return Err(VerifyError::UnknownKey {
                        kid: Some(kid.to_owned()),
                        alg,
                    });
                }
                let mut matching = same_kid.filter(|k| k.algorithm() == alg);
                let key = match (matching.next(), matching.next()) {
                    (Some(k), None) => k,
                    (Some(_), Some(_)) => {
                        return Err(VerifyError::AmbiguousKey {
                            kid: Some(kid.to_owned()),
                            alg,
                        });
                    }
                    (None, _) => {
                        let key_alg = keys
                            .keys()
                            .iter()
                            .find(|k| k.kid() == Some(kid))
                            .map_or(alg, VerifyingKey::algorithm);
                        return Err(VerifyError::AlgorithmMismatch {
                            header: alg,
                            key: key_alg,
                        });
                    }
                };
                self.verify_with(key)
            }
            None => {
                let candidates: Vec<&VerifyingKey> = keys
                    .keys()
                    .iter()
                    .filter(|k| k.algorithm() == alg)
                    .collect();
                if candidates.is_empty() {
                    return Err(VerifyError::UnknownKey { kid: None, alg });
                }
                if candidates.len() > MAX_KIDLESS_CANDIDATES {
                    return Err(VerifyError::AmbiguousKey { kid: None, alg });
                }
                let message = self.signing_input.as_bytes();
                let mut buf: SignatureBuf = [MaybeUninit::uninit(); MAX_SIGNATURE_BYTES];
                let signature = self.decode_signature(&mut buf)?;
                let found = candidates
                    .into_iter()
                    .find(|k| k.verify_raw(message, signature).is_ok());
                match found {
                    Some(k) => self.into_verified(k),
                    None => Err(VerifyError::InvalidSignature),
                }
            }
        }
    }

    fn decode_signature<'b>(&self, buf: &'b mut SignatureBuf) -> Result<&'b [u8], JwsError> {
        match b64::decode_into(self.signature, buf) {
            Ok(Some(signature)) => Ok(signature),
            // `parse` checked both; kept as errors rather than assumptions.
            Ok(None) => Err(JwsError::SignatureTooLong {
                limit: MAX_SIGNATURE_BYTES,
            }),
            Err(source) => Err(JwsError::Base64 {
                part: "signature",
                source,
            }),
        }
    }

    fn into_verified(self, key: &VerifyingKey) -> Result<VerifiedJws, VerifyError> {
        Ok(VerifiedJws {
            header: self.header,
            payload: self.payload,
            kid: key.kid_shared(),
        })
    }
}

/// A JWS whose signature verified with a configured key. Only this crate creates it.
#[derive(Debug, Clone)]
pub struct VerifiedJws {
    header: Header,
    payload: Vec<u8>,
    kid: Option<std::sync::Arc<str>>,
}

impl VerifiedJws {
    /// The protected header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The verified payload bytes.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The `kid` of the key that verified the signature.
    pub fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    pub(crate) fn into_parts(self) -> (Header, Vec<u8>, Option<std::sync::Arc<str>>) {
        (self.header, self.payload, self.kid)
    }
}

/// Verifies a compact JWS against a key set with default options. The payload need
/// not be JSON.
pub fn verify_compact(token: &str, keys: &KeySet) -> Result<VerifiedJws, VerifyError> {
    UnverifiedJws::parse(token, &JwsOptions::default())?.verify(keys)
}

/// Why a JWS or JWT was not accepted. Never contains token, key or claim bytes beyond
/// identifiers that are safe to log (audience, issuer, `kid`, algorithm names).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The token is structurally invalid.
    #[error("malformed token: {0}")]
    Malformed(#[from] JwsError),
    /// No configured key has the token's `kid` (or, without `kid`, its algorithm).
    #[error("no key for kid {} and alg {alg}", kid.as_deref().map_or("(none)".to_owned(), |k| format!("\"{}\"", audex_claims::json::Truncated(k))))]
    UnknownKey {
        /// The token's `kid`.
        kid: Option<String>,
        /// The token's `alg`.
        alg: Algorithm,
    },
    /// Several keys fit and audex does not guess (JWK-6).
    #[error("several keys fit kid {} and alg {alg}", kid.as_deref().map_or("(none)".to_owned(), |k| format!("\"{}\"", audex_claims::json::Truncated(k))))]
    AmbiguousKey {
        /// The token's `kid`.
        kid: Option<String>,
        /// The token's `alg`.
        alg: Algorithm,
    },
    /// The header `alg` is not the selected key's algorithm (BCP-ALG-1).
    #[error("header alg {header} does not match the key's algorithm {key}")]
    AlgorithmMismatch {
        /// The header's `alg`.
        header: Algorithm,
        /// The key's algorithm.
        key: Algorithm,
    },
    /// The algorithm is not in the validation's allow-list.
    #[error("algorithm {0} is not allowed")]
    AlgorithmNotAllowed(Algorithm),
    /// The signature does not verify.
    #[error("invalid signature")]
    InvalidSignature,
    /// The key set belongs to another issuer than the one expected (BCP-ISS-1).
    #[error("key set is for issuer \"{key_issuer}\", not the expected issuer")]
    WrongIssuerKeys {
        /// The issuer the key set is bound to.
        key_issuer: String,
    },
    /// The token's `iss` is not the issuer whose keys verified it (BCP-ISS-1,
    /// RFC 8725 §3.8): one issuer's key must never vouch for another issuer's token.
    #[error("token iss is not the issuer \"{key_issuer}\" whose keys verified it")]
    IssuerKeyMismatch {
        /// The issuer the verifying key set is bound to.
        key_issuer: String,
    },
    /// A validation that accepts several issuers was given a key set bound to none,
    /// so nothing ties a key to the issuer it may speak for (BCP-ISS-1).
    #[error(
        "a validation accepting several issuers needs a key set bound to one of them (KeySet::for_issuer)"
    )]
    UnboundKeySet,
    /// `typ` does not fit the validation profile (BCP-TYP-1, AT-TYP-1).
    #[error("typ {} is not accepted here; expected {expected}", found.as_deref().map_or("(absent)".to_owned(), |t| format!("\"{}\"", audex_claims::json::Truncated(t))))]
    WrongType {
        /// What the profile accepts.
        expected: &'static str,
        /// The header's `typ`.
        found: Option<String>,
    },
    /// The payload is not a valid claims set.
    #[error("{0}")]
    Claims(#[from] audex_claims::ClaimsError),
    /// `exp`, `nbf` or `iat` check failed.
    #[error("{0}")]
    Time(#[from] audex_claims::TimeError),
    /// The audience check failed.
    #[error("{0}")]
    Audience(#[from] audex_claims::AudienceError),
    /// The issuer check failed.
    #[error("{0}")]
    Issuer(#[from] audex_claims::IssuerError),
    /// A client assertion breaks an RFC 7523 rule (CA-JWT-1).
    #[error("client assertion: {0}")]
    ClientAssertion(AssertionError),
    /// The token lacks a scope the resource requires (RFC 6750 `insufficient_scope`).
    #[error("token scope lacks {missing}")]
    InsufficientScope {
        /// The missing scope tokens, space-delimited.
        missing: String,
    },
}

/// RFC 6750 §3.1 error codes for a bearer-token failure (AT-ERR-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BearerError {
    /// 401: the token is invalid, expired, for someone else, or badly signed.
    InvalidToken,
    /// 403: the token is valid but lacks the required scope.
    InsufficientScope,
}

impl BearerError {
    /// The error code.
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidToken => "invalid_token",
            Self::InsufficientScope => "insufficient_scope",
        }
    }

    /// The HTTP status code.
    pub fn status(self) -> u16 {
        match self {
            Self::InvalidToken => 401,
            Self::InsufficientScope => 403,
        }
    }
}

impl VerifyError {
    /// The RFC 6750 error this failure maps to.
    pub fn bearer_error(&self) -> BearerError {
        match self {
            Self::InsufficientScope { .. } => BearerError::InsufficientScope,
            _ => BearerError::InvalidToken,
        }
    }

    /// The `WWW-Authenticate` header value for this failure (RFC 6750 §3), with the
    /// description restricted to the characters RFC 6750 allows.
    pub fn www_authenticate(&self, realm: Option<&str>) -> String {
        let mut v = String::from("Bearer");
        let mut sep = " ";
        if let Some(r) = realm {
            v.push_str(&format!("{sep}realm=\"{}\"", sanitize_description(r)));
            sep = ", ";
        }
        let code = self.bearer_error();
        v.push_str(&format!(
            "{sep}error=\"{}\", error_description=\"{}\"",
            code.code(),
            sanitize_description(&self.to_string())
        ));
        if let Self::InsufficientScope { missing } = self {
            v.push_str(&format!(", scope=\"{}\"", sanitize_description(missing)));
        }
        v
    }
}
