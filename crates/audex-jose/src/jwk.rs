//! JSON Web Keys and Key Sets (RFC 7517, RFC 7518 §6, RFC 8037 §2) and JWK
//! thumbprints (RFC 7638).

use serde_json::{Map, Value, json};

use audex_claims::json::{JsonLimits, JsonType, parse_object};

use crate::alg::{Algorithm, KeyFamily};
use crate::b64;
use crate::key::{PrivateParts, Public, SigningKey, VerifyingKey};
use crate::key_error::{JwkError, KeyError, UnsupportedKey};

/// Maximum size of a JWK Set document.
pub const MAX_JWKS_BYTES: usize = 256 * 1024;
/// Maximum number of entries in a JWK Set.
pub const MAX_JWKS_KEYS: usize = 100;

/// A parsed JWK: its metadata and members. `Debug` redacts private members, and
/// [`VerifyingKey::to_public_jwk`] never emits them (JWK-5).
#[derive(Clone)]
pub struct Jwk {
    kty: String,
    kid: Option<String>,
    use_: Option<String>,
    key_ops: Option<Vec<String>>,
    alg: Option<String>,
    members: Map<String, Value>,
}

/// JWK members that hold secret material (RFC 7518 §6.3.2, §6.4, §6.2.2; RFC 8037 §2).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

impl std::fmt::Debug for Jwk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Jwk");
        d.field("kty", &self.kty)
            .field("kid", &self.kid)
            .field("use", &self.use_)
            .field("key_ops", &self.key_ops)
            .field("alg", &self.alg);
        for (name, value) in &self.members {
            if PRIVATE_MEMBERS.contains(&name.as_str()) {
                d.field(name, &"[REDACTED]");
            } else {
                d.field(name, value);
            }
        }
        d.finish()
    }
}

impl Jwk {
    /// Whether the JWK carries private key material.
    pub fn is_private(&self) -> bool {
        PRIVATE_MEMBERS
            .iter()
            .any(|m| self.members.contains_key(*m))
    }

    /// Parses one JWK from JSON bytes (strict: duplicate members rejected).
    pub fn from_json(bytes: &[u8]) -> Result<Self, KeyError> {
        let map = parse_object(
            bytes,
            JsonLimits {
                max_bytes: 64 * 1024,
                max_depth: 8,
            },
        )
        .map_err(JwkError::Json)?;
        Self::from_map(map)
    }

    /// Reads one JWK object.
    pub fn from_map(mut map: Map<String, Value>) -> Result<Self, KeyError> {
        let string = |map: &mut Map<String, Value>, name: &'static str| match map.remove(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(JwkError::WrongType {
                member: name,
                expected: "a string",
                found: JsonType::of(&other),
            }),
        };
        let kty = string(&mut map, "kty")?.ok_or(JwkError::MissingMember { member: "kty" })?;
        let kid = string(&mut map, "kid")?;
        let use_ = string(&mut map, "use")?;
        let alg = string(&mut map, "alg")?;
        let key_ops = match map.remove("key_ops") {
            None => None,
            Some(Value::Array(ops)) => Some(
                ops.into_iter()
                    .map(|o| match o {
                        Value::String(s) => Ok(s),
                        other => Err(JwkError::WrongType {
                            member: "key_ops",
                            expected: "an array of strings",
                            found: JsonType::of(&other),
                        }),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Some(other) => {
                return Err(JwkError::WrongType {
                    member: "key_ops",
                    expected: "an array of strings",
                    found: JsonType::of(&other),
                }
                .into());
            }
        };
        Ok(Self {
            kty,
            kid,
            use_,
            key_ops,
            alg,
            members: map,
        })
    }

    /// `kty`
    pub fn kty(&self) -> &str {
        &self.kty
    }

    /// `kid`
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// `alg`, as written.
    pub fn alg(&self) -> Option<&str> {
        self.alg.as_deref()
    }

    /// Whether the key may be used for `op` (`verify` or `sign`) according to `use`
    /// and `key_ops` (JWK-2).
    pub fn permits(&self, op: &str) -> bool {
        if self.use_.as_deref().is_some_and(|u| u != "sig") {
            return false;
        }
        match &self.key_ops {
            None => true,
            Some(ops) => ops.iter().any(|o| o == op),
        }
    }

    fn b64_member(&self, name: &'static str) -> Result<Option<Vec<u8>>, KeyError> {
        match self.members.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => b64::decode(s.as_bytes()).map(Some).map_err(|error| {
                JwkError::Base64 {
                    member: name,
                    error,
                }
                .into()
            }),
            Some(other) => Err(JwkError::WrongType {
                member: name,
                expected: "a base64url string",
                found: JsonType::of(other),
            }
            .into()),
        }
    }

    fn required(&self, name: &'static str) -> Result<Vec<u8>, KeyError> {
        self.b64_member(name)?
            .ok_or(JwkError::MissingMember { member: name }.into())
    }

    fn crv(&self) -> Result<&str, KeyError> {
        match self.members.get("crv") {
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(JwkError::WrongType {
                member: "crv",
                expected: "a string",
                found: JsonType::of(other),
            }
            .into()),
            None => Err(JwkError::MissingMember { member: "crv" }.into()),
        }
    }

    /// The algorithm this key is for: its `alg`, or the only algorithm its type and
    /// curve allow (EC P-256 → ES256, P-384 → ES384, OKP Ed25519 → EdDSA). RSA and
    /// `oct` keys without `alg` fit several algorithms: [`KeyError::AlgorithmRequired`].
    pub fn algorithm(&self) -> Result<Algorithm, KeyError> {
        if let Some(a) = &self.alg {
            return Algorithm::from_name(a)
                .map_err(|_| KeyError::Unsupported(UnsupportedKey::Algorithm(a.clone())));
        }
        match self.kty.as_str() {
            "EC" => match self.crv()? {
                "P-256" => Ok(Algorithm::ES256),
                "P-384" => Ok(Algorithm::ES384),
                other => Err(KeyError::Unsupported(UnsupportedKey::Curve {
                    kty: "EC",
                    crv: other.to_owned(),
                })),
            },
            "OKP" => match self.crv()? {
                "Ed25519" => Ok(Algorithm::EdDSA),
                other => Err(KeyError::Unsupported(UnsupportedKey::Curve {
                    kty: "OKP",
                    crv: other.to_owned(),
                })),
            },
            "RSA" | "oct" => Err(KeyError::AlgorithmRequired {
                kty: self.kty.clone(),
            }),
            other => Err(KeyError::Unsupported(UnsupportedKey::KeyType(
                other.to_owned(),
            ))),
        }
    }

    fn bind(&self, requested: Option<Algorithm>) -> Result<Algorithm, KeyError> {
        match (requested, &self.alg) {
            (None, _) => self.algorithm(),
            (Some(r), Some(a)) if a != r.name() => Err(KeyError::AlgorithmConflict {
                key_alg: a.clone(),
                requested: r,
            }),
            (Some(r), _) => Ok(r),
        }
    }

    /// A verifying key bound to the JWK's algorithm (see [`Jwk::algorithm`]).
    pub fn verifying_key(&self) -> Result<VerifyingKey, KeyError> {
        self.verifying_key_inner(None)
    }

    /// A verifying key bound to `alg`, which must agree with the JWK's `alg` if any.
    pub fn verifying_key_for(&self, alg: Algorithm) -> Result<VerifyingKey, KeyError> {
        self.verifying_key_inner(Some(alg))
    }

    fn verifying_key_inner(&self, requested: Option<Algorithm>) -> Result<VerifyingKey, KeyError> {
        if !self.permits("verify") {
            return Err(KeyError::NotPermitted { op: "verify" });
        }
        let alg = self.bind(requested)?;
        let key = match (self.kty.as_str(), alg.family()) {
            ("RSA", KeyFamily::Rsa) => {
                if self.members.contains_key("oth") {
                    return Err(KeyError::Unsupported(UnsupportedKey::MultiPrimeRsa));
                }
                VerifyingKey::rsa_components(alg, &self.required("n")?, &self.required("e")?)?
            }
            ("EC", KeyFamily::Ec) => {
                let want = if alg == Algorithm::ES256 {
                    "P-256"
                } else {
                    "P-384"
                };
                if self.crv()? != want {
                    return Err(KeyError::WrongKeyType {
                        alg,
                        found: "EC key on another curve",
                    });
                }
                VerifyingKey::ec_coordinates(alg, &self.required("x")?, &self.required("y")?)?
            }
            ("OKP", KeyFamily::Ed25519) => {
                let crv = self.crv()?;
                if crv != "Ed25519" {
                    return Err(KeyError::Unsupported(UnsupportedKey::Curve {
                        kty: "OKP",
                        crv: crv.to_owned(),
                    }));
                }
                VerifyingKey::ed25519(&self.required("x")?)?
            }
            ("oct", KeyFamily::Hmac) => VerifyingKey::hmac(alg, &self.required("k")?)?,
            ("RSA" | "EC" | "OKP" | "oct", _) => {
                return Err(KeyError::WrongKeyType {
                    alg,
                    found: kty_name(&self.kty),
                });
            }
            (other, _) => {
                return Err(KeyError::Unsupported(UnsupportedKey::KeyType(
                    other.to_owned(),
                )));
            }
        };
        Ok(match &self.kid {
            Some(kid) => key.with_kid(kid.clone()),
            None => key,
        })
    }

    /// A signing key from a private JWK, bound to its algorithm (or `alg` when given).
    pub fn signing_key(&self, alg: Option<Algorithm>) -> Result<SigningKey, KeyError> {
        if !self.permits("sign") {
            return Err(KeyError::NotPermitted { op: "sign" });
        }
        let alg = self.bind(alg)?;
        // Validate the public half through the verifying-key path first.
        let vk = {
            let mut copy = self.clone();
            copy.key_ops = None;
            copy.verifying_key_for(alg)?
        };
        let public = vk.public().clone();
        let key = match (&public, alg.family()) {
            (Public::Oct { k }, _) => {
                SigningKey::from_parts(alg, public.clone(), PrivateParts::Hmac(&k.0))?
            }
            (Public::Rsa { n, e }, _) => {
                let d = self.b64_member("d")?.ok_or(KeyError::NotPrivate)?;
                let p = self.required("p")?;
                let q = self.required("q")?;
                let dp = self.required("dp")?;
                let dq = self.required("dq")?;
                let qi = self.required("qi")?;
                let comps = ring::rsa::KeyPairComponents {
                    public_key: ring::rsa::PublicKeyComponents {
                        n: n.as_slice(),
                        e: e.as_slice(),
                    },
                    d: d.as_slice(),
                    p: p.as_slice(),
                    q: q.as_slice(),
                    dP: dp.as_slice(),
                    dQ: dq.as_slice(),
                    qInv: qi.as_slice(),
                };
                SigningKey::from_parts(alg, public.clone(), PrivateParts::Rsa(comps))?
            }
            (Public::Ec { x, y, .. }, _) => {
                let d = self.b64_member("d")?.ok_or(KeyError::NotPrivate)?;
                let mut point = vec![4u8];
                point.extend_from_slice(x);
                point.extend_from_slice(y);
                SigningKey::from_parts(
                    alg,
                    public.clone(),
                    PrivateParts::Ec {
                        d: &d,
                        point: &point,
                    },
                )?
            }
            (Public::Okp { x }, _) => {
                let d = self.b64_member("d")?.ok_or(KeyError::NotPrivate)?;
                SigningKey::from_parts(alg, public.clone(), PrivateParts::Ed25519 { d: &d, x })?
            }
        };
        Ok(match &self.kid {
            Some(kid) => key.with_kid(kid.clone()),
            None => key,
        })
    }
}

fn kty_name(kty: &str) -> &'static str {
    match kty {
        "RSA" => "RSA",
        "EC" => "EC",
        "OKP" => "OKP",
        _ => "oct",
    }
}

/// An entry of a JWK Set that was not loaded, and why (JWK-1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedKey {
    /// Position in the `keys` array.
    pub index: usize,
    /// The entry's `kid`, if it had a readable one.
    pub kid: Option<String>,
    /// Why it was skipped.
    pub reason: KeyError,
}

/// Why a JWK Set document was rejected as a whole.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwkSetError {
    /// Not a strict JSON object within the limits.
    #[error("JWK Set: {0}")]
    Json(#[from] audex_claims::JsonError),
    /// `keys` is missing or not an array.
    #[error("JWK Set: member keys must be an array")]
    NoKeys,
    /// More entries than [`MAX_JWKS_KEYS`].
    #[error("JWK Set has {count} keys; the limit is {MAX_JWKS_KEYS}")]
    TooManyKeys {
        /// The number of entries.
        count: usize,
    },
}

/// A set of verifying keys, optionally bound to the issuer they belong to
/// (RFC 8725 §3.8: use the expected issuer's keys only).
#[derive(Debug, Default)]
pub struct KeySet {
    issuer: Option<audex_claims::StringOrUri>,
    keys: Vec<VerifyingKey>,
    skipped: Vec<SkippedKey>,
}

impl KeySet {
    /// A set of keys not bound to an issuer.
    pub fn new(keys: Vec<VerifyingKey>) -> Self {
        Self {
            issuer: None,
            keys,
            skipped: Vec::new(),
        }
    }

    /// Binds the set to the issuer whose keys these are; a validation expecting another
    /// issuer refuses to use it (BCP-ISS-1).
    #[must_use]
    pub fn for_issuer(mut self, issuer: audex_claims::StringOrUri) -> Self {
        self.issuer = Some(issuer);
        self
    }

    /// Parses a JWK Set (RFC 7517 §5). Entries that cannot be used for verification
    /// (unsupported type or curve, `use: enc`, RSA/`oct` without `alg`, malformed) are
    /// skipped and listed in [`KeySet::skipped`]; the rest are kept (JWK-1, JWK-2).
    pub fn from_jwks(bytes: &[u8]) -> Result<Self, JwkSetError> {
        Self::from_jwks_inner(bytes, None)
    }

    /// Like [`KeySet::from_jwks`], binding RSA keys that have no `alg` to `rsa_alg`
    /// (many providers omit `alg`; the caller knows which one they use).
    pub fn from_jwks_with_rsa_default(
        bytes: &[u8],
        rsa_alg: Algorithm,
    ) -> Result<Self, JwkSetError> {
        Self::from_jwks_inner(bytes, Some(rsa_alg))
    }

    fn from_jwks_inner(bytes: &[u8], rsa_default: Option<Algorithm>) -> Result<Self, JwkSetError> {
        let mut map = parse_object(
            bytes,
            JsonLimits {
                max_bytes: MAX_JWKS_BYTES,
                max_depth: 8,
            },
        )?;
        let Some(Value::Array(entries)) = map.remove("keys") else {
            return Err(JwkSetError::NoKeys);
        };
        if entries.len() > MAX_JWKS_KEYS {
            return Err(JwkSetError::TooManyKeys {
                count: entries.len(),
            });
        }
        let mut set = Self::default();
        for (index, entry) in entries.into_iter().enumerate() {
            let kid = entry.get("kid").and_then(Value::as_str).map(str::to_owned);
            let loaded = match entry {
                Value::Object(m) => Jwk::from_map(m).and_then(|jwk| {
                    match (jwk.kty.as_str(), jwk.alg.is_none(), rsa_default) {
                        ("RSA", true, Some(a)) => jwk.verifying_key_for(a),
                        _ => jwk.verifying_key(),
                    }
                }),
                other => Err(JwkError::NotAnObject {
                    found: JsonType::of(&other),
                }
                .into()),
            };
            match loaded {
                Ok(k) => set.keys.push(k),
                Err(reason) => set.skipped.push(SkippedKey { index, kid, reason }),
            }
        }
        Ok(set)
    }

    /// The loaded keys.
    pub fn keys(&self) -> &[VerifyingKey] {
        &self.keys
    }

    /// Entries of the JWK Set that were skipped, with the reason.
    pub fn skipped(&self) -> &[SkippedKey] {
        &self.skipped
    }

    /// The issuer the set is bound to, if any.
    pub fn issuer(&self) -> Option<&audex_claims::StringOrUri> {
        self.issuer.as_ref()
    }

    /// Adds a key.
    pub fn push(&mut self, key: VerifyingKey) {
        self.keys.push(key);
    }

    /// The public JWK Set document of the asymmetric keys (for a `/jwks` endpoint).
    pub fn to_public_jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .keys
            .iter()
            .filter_map(VerifyingKey::to_public_jwk)
            .collect();
        json!({ "keys": keys })
    }
}
