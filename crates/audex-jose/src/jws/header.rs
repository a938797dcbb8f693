//! The JOSE header (RFC 7515 §4): strict parsing in one pass, `crit` per §4.1.11,
//! `typ` media-type comparison.

use std::borrow::Cow;

use serde_json::{Map, Value};

use audex_claims::json::{JsonLimits, JsonType, Member};

use super::{CritError, JwsError, MAX_HEADER_BYTES, MAX_HEADER_DEPTH};
use crate::alg::Algorithm;

/// Header parameters registered by RFC 7515 §4.1, which `crit` must not name.
const REGISTERED_HEADER_PARAMS: [&str; 11] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
];

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
    pub(super) fn parse(bytes: &[u8], understood_crit: &[&str]) -> Result<Self, JwsError> {
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
