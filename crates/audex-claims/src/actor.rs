//! The `act` (actor) and `may_act` claims of RFC 8693 §4.1 and §4.4.

use serde_json::{Map, Value};

use crate::json::JsonType;
use crate::string_or_uri::{Strictness, StringOrUri, StringOrUriError};

/// The deepest `act` chain the parser accepts. Hostile tokens cannot make the parser
/// (or anything walking the chain) recurse further. Policy limits (audex-policy
/// defaults to 5) are applied on top of this.
pub const MAX_ACTOR_DEPTH: usize = 16;

/// The claims that identify a party acting on someone's behalf, or allowed to
/// (`sub`, `iss`, `client_id`), plus any other members, preserved as received.
///
/// RFC 8693 §4.1 says non-identity claims such as `exp` or `aud` are not meaningful
/// inside `act`; audex keeps them in [`ActorIdentity::other`] and never acts on them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActorIdentity {
    /// The actor's subject identifier.
    pub sub: Option<StringOrUri>,
    /// The issuer that the actor's `sub` is relative to.
    pub iss: Option<StringOrUri>,
    /// The actor's OAuth client identifier.
    pub client_id: Option<String>,
    /// Any other members, as received.
    pub other: Map<String, Value>,
}

/// Why an `act` or `may_act` value is malformed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ActorError {
    /// The value (or a nested `act`) is not a JSON object.
    #[error("expected an object at actor depth {depth}, found {found}")]
    NotAnObject {
        /// 1 for the outermost actor.
        depth: usize,
        /// The JSON type found.
        found: JsonType,
    },
    /// An identity member has the wrong JSON type.
    #[error("member {member} at actor depth {depth} must be a string, found {found}")]
    WrongType {
        /// 1 for the outermost actor.
        depth: usize,
        /// The member name.
        member: &'static str,
        /// The JSON type found.
        found: JsonType,
    },
    /// An identity member is not a valid StringOrURI.
    #[error("member {member} at actor depth {depth}: {source}")]
    InvalidValue {
        /// 1 for the outermost actor.
        depth: usize,
        /// The member name.
        member: &'static str,
        /// The StringOrURI error.
        source: StringOrUriError,
    },
    /// The object names nobody: it has neither `sub` nor `client_id`.
    #[error("actor at depth {depth} has neither sub nor client_id")]
    NoIdentity {
        /// 1 for the outermost actor.
        depth: usize,
    },
    /// The chain is deeper than [`MAX_ACTOR_DEPTH`].
    #[error("act chain is deeper than {limit}")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
}

impl ActorIdentity {
    /// An identity with just a subject.
    pub fn subject(sub: StringOrUri) -> Self {
        Self {
            sub: Some(sub),
            ..Self::default()
        }
    }

    /// An identity with just a client id.
    pub fn client(client_id: impl Into<String>) -> Self {
        Self {
            client_id: Some(client_id.into()),
            ..Self::default()
        }
    }

    /// Whether `self` and `other` may be the same party, for loop detection.
    ///
    /// Deliberately broad, so that a loop is never missed: two identities are the same
    /// party when their `client_id`s are present and equal, or when their `sub`s are
    /// present and equal and their `iss` values do not differ (equal, or either absent).
    pub fn same_party(&self, other: &ActorIdentity) -> bool {
        let same_client =
            matches!((&self.client_id, &other.client_id), (Some(a), Some(b)) if a == b);
        let same_sub = matches!((&self.sub, &other.sub), (Some(a), Some(b)) if a == b);
        let iss_compatible = match (&self.iss, &other.iss) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        same_client || (same_sub && iss_compatible)
    }

    /// `may_act` semantics (RFC 8693 §4.4): whether `actor` is the party that `self`
    /// (a `may_act` value) authorises. Every identity member present in `self` must be
    /// present in `actor` with the same value; a `may_act` with no identity member
    /// authorises nobody.
    pub fn permits(&self, actor: &ActorIdentity) -> bool {
        if self.sub.is_none() && self.client_id.is_none() {
            return false;
        }
        fn member_ok<T: PartialEq>(want: &Option<T>, have: &Option<T>) -> bool {
            match want {
                None => true,
                Some(w) => have.as_ref() == Some(w),
            }
        }
        member_ok(&self.sub, &actor.sub)
            && member_ok(&self.iss, &actor.iss)
            && member_ok(&self.client_id, &actor.client_id)
    }

    /// Reads one identity object (no nested `act`) — the form of `may_act`.
    pub fn from_json(value: Value, strictness: Strictness) -> Result<Self, ActorError> {
        match value {
            Value::Object(map) => Self::from_map(map, strictness, 1),
            other => Err(ActorError::NotAnObject {
                depth: 1,
                found: JsonType::of(&other),
            }),
        }
    }

    fn from_map(
        mut map: Map<String, Value>,
        strictness: Strictness,
        depth: usize,
    ) -> Result<Self, ActorError> {
        let sou = |map: &mut Map<String, Value>, member: &'static str| match map.remove(member) {
            None => Ok(None),
            Some(Value::String(s)) => StringOrUri::with_strictness(s, strictness)
                .map(Some)
                .map_err(|source| ActorError::InvalidValue {
                    depth,
                    member,
                    source,
                }),
            Some(other) => Err(ActorError::WrongType {
                depth,
                member,
                found: JsonType::of(&other),
            }),
        };
        let sub = sou(&mut map, "sub")?;
        let iss = sou(&mut map, "iss")?;
        let client_id = match map.remove("client_id") {
            None => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                return Err(ActorError::WrongType {
                    depth,
                    member: "client_id",
                    found: JsonType::of(&other),
                });
            }
        };
        if sub.is_none() && client_id.is_none() {
            return Err(ActorError::NoIdentity { depth });
        }
        Ok(Self {
            sub,
            iss,
            client_id,
            other: map,
        })
    }

    fn to_map(&self) -> Map<String, Value> {
        let mut map = Map::new();
        if let Some(sub) = &self.sub {
            map.insert("sub".into(), Value::String(sub.as_str().to_owned()));
        }
        if let Some(iss) = &self.iss {
            map.insert("iss".into(), Value::String(iss.as_str().to_owned()));
        }
        if let Some(c) = &self.client_id {
            map.insert("client_id".into(), Value::String(c.clone()));
        }
        for (k, v) in &self.other {
            if !matches!(k.as_str(), "sub" | "iss" | "client_id" | "act") {
                map.insert(k.clone(), v.clone());
            }
        }
        map
    }
}

impl serde::Serialize for ActorIdentity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_map().serialize(serializer)
    }
}

/// An `act` claim: the current actor, and the chain of prior actors nested inside it
/// (RFC 8693 §4.1). The current actor is outermost; consumers authorise on it alone,
/// prior actors are informational (TE-ACT-1).
///
/// ```
/// use audex_claims::{Actor, Strictness};
///
/// let v = serde_json::json!({"sub": "service-c", "act": {"sub": "service-b"}});
/// let act = Actor::from_json(v, Strictness::Strict).unwrap();
/// assert_eq!(act.depth(), 2);
/// let subs: Vec<_> = act.iter().map(|a| a.sub.as_ref().unwrap().as_str()).collect();
/// assert_eq!(subs, ["service-c", "service-b"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The current actor.
    pub identity: ActorIdentity,
    /// The previous actor chain, if any.
    pub prior: Option<Box<Actor>>,
}

impl Actor {
    /// A chain of one actor.
    pub fn new(identity: ActorIdentity) -> Self {
        Self {
            identity,
            prior: None,
        }
    }

    /// A chain with `identity` as the new current actor and `prior` nested inside it
    /// (what a delegation exchange produces).
    pub fn delegate(identity: ActorIdentity, prior: Option<Actor>) -> Self {
        Self {
            identity,
            prior: prior.map(Box::new),
        }
    }

    /// The current actor: the one to authorise (RFC 8693 §4.1). Prior actors are
    /// informational only.
    pub fn current(&self) -> &ActorIdentity {
        &self.identity
    }

    /// Number of actors in the chain (1 for a single actor).
    pub fn depth(&self) -> usize {
        self.iter().count()
    }

    /// The actors, current (outermost) first.
    pub fn iter(&self) -> ActorIter<'_> {
        ActorIter { next: Some(self) }
    }

    /// Whether a party that may be the same as `identity` is anywhere in the chain
    /// (see [`ActorIdentity::same_party`]), for loop detection.
    pub fn contains(&self, identity: &ActorIdentity) -> bool {
        self.iter().any(|a| a.same_party(identity))
    }

    /// Reads an `act` value, refusing chains deeper than [`MAX_ACTOR_DEPTH`]. The
    /// nested chain is walked iteratively.
    pub fn from_json(value: Value, strictness: Strictness) -> Result<Self, ActorError> {
        let mut identities = Vec::new();
        let mut current = value;
        loop {
            let depth = identities.len() + 1;
            if depth > MAX_ACTOR_DEPTH {
                return Err(ActorError::TooDeep {
                    limit: MAX_ACTOR_DEPTH,
                });
            }
            let mut map = match current {
                Value::Object(map) => map,
                other => {
                    return Err(ActorError::NotAnObject {
                        depth,
                        found: JsonType::of(&other),
                    });
                }
            };
            let nested = map.remove("act");
            identities.push(ActorIdentity::from_map(map, strictness, depth)?);
            match nested {
                Some(v) => current = v,
                None => break,
            }
        }
        let mut chain: Option<Actor> = None;
        while let Some(identity) = identities.pop() {
            chain = Some(Actor::delegate(identity, chain));
        }
        chain.ok_or(ActorError::TooDeep { limit: 0 })
    }

    /// The `act` value as JSON.
    pub fn to_json(&self) -> Value {
        let mut maps: Vec<Map<String, Value>> = self.iter().map(ActorIdentity::to_map).collect();
        let mut inner: Option<Value> = None;
        while let Some(mut map) = maps.pop() {
            if let Some(v) = inner.take() {
                map.insert("act".into(), v);
            }
            inner = Some(Value::Object(map));
        }
        inner.unwrap_or(Value::Null)
    }
}

/// Iterator over an actor chain, current actor first.
#[derive(Clone, Debug)]
pub struct ActorIter<'a> {
    next: Option<&'a Actor>,
}

impl<'a> Iterator for ActorIter<'a> {
    type Item = &'a ActorIdentity;

    fn next(&mut self) -> Option<Self::Item> {
        let actor = self.next?;
        self.next = actor.prior.as_deref();
        Some(&actor.identity)
    }
}

impl serde::Serialize for Actor {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}
