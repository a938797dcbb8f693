//! Token type identifiers (RFC 8693 §3).

use std::fmt;

/// A token type identifier: one of the six registered URIs (TE-TYPE-1) or any other
/// absolute URI, kept as sent.
///
/// ```
/// use audex_exchange::TokenType;
///
/// let t: TokenType = "urn:ietf:params:oauth:token-type:access_token".parse().unwrap();
/// assert_eq!(t, TokenType::AccessToken);
/// assert!("access_token".parse::<TokenType>().is_err()); // not a URI
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenType {
    /// `urn:ietf:params:oauth:token-type:access_token`
    AccessToken,
    /// `urn:ietf:params:oauth:token-type:refresh_token`
    RefreshToken,
    /// `urn:ietf:params:oauth:token-type:id_token`
    IdToken,
    /// `urn:ietf:params:oauth:token-type:saml1`
    Saml1,
    /// `urn:ietf:params:oauth:token-type:saml2`
    Saml2,
    /// `urn:ietf:params:oauth:token-type:jwt`
    Jwt,
    /// Any other absolute URI: validated, and never one of the registered six, so a
    /// registered type has exactly one representation.
    Other(OtherTokenType),
}

/// A token type URI that is an absolute URI and not one of the six registered ones
/// (those are [`TokenType`]'s own variants).
///
/// ```
/// use audex_exchange::{OtherTokenType, TokenType};
///
/// let custom = OtherTokenType::new("urn:example:token-type:custom").unwrap();
/// assert_eq!(TokenType::Other(custom.clone()).as_str(), "urn:example:token-type:custom");
/// assert!(OtherTokenType::new("urn:ietf:params:oauth:token-type:access_token").is_err());
/// assert!(OtherTokenType::new("custom").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OtherTokenType(String);

impl OtherTokenType {
    /// Checks `s`: an absolute URI, not a registered token type (in any case of its
    /// case-insensitive `urn:ietf:` prefix).
    pub fn new(s: &str) -> Result<Self, InvalidTokenType> {
        match TokenType::parse(s)? {
            TokenType::Other(o) => Ok(o),
            _ => Err(InvalidTokenType::Registered),
        }
    }

    /// The URI.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OtherTokenType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TokenType {
    /// `urn:ietf:params:oauth:token-type:access_token`
    pub const ACCESS_TOKEN: &'static str = "urn:ietf:params:oauth:token-type:access_token";
    /// `urn:ietf:params:oauth:token-type:refresh_token`
    pub const REFRESH_TOKEN: &'static str = "urn:ietf:params:oauth:token-type:refresh_token";
    /// `urn:ietf:params:oauth:token-type:id_token`
    pub const ID_TOKEN: &'static str = "urn:ietf:params:oauth:token-type:id_token";
    /// `urn:ietf:params:oauth:token-type:saml1`
    pub const SAML1: &'static str = "urn:ietf:params:oauth:token-type:saml1";
    /// `urn:ietf:params:oauth:token-type:saml2`
    pub const SAML2: &'static str = "urn:ietf:params:oauth:token-type:saml2";
    /// `urn:ietf:params:oauth:token-type:jwt`
    pub const JWT: &'static str = "urn:ietf:params:oauth:token-type:jwt";

    /// Parses a token type URI. Registered values map to their variants; any other
    /// value must be an absolute URI.
    pub fn parse(s: &str) -> Result<Self, InvalidTokenType> {
        // RFC 8141: "urn" and the namespace identifier are case-insensitive; the rest
        // is compared exactly.
        let canonical;
        let s = match (s.get(..9), s.get(9..)) {
            (Some(prefix), Some(rest)) if prefix.eq_ignore_ascii_case("urn:ietf:") => {
                canonical = format!("urn:ietf:{rest}");
                canonical.as_str()
            }
            _ => s,
        };
        Ok(match s {
            Self::ACCESS_TOKEN => Self::AccessToken,
            Self::REFRESH_TOKEN => Self::RefreshToken,
            Self::ID_TOKEN => Self::IdToken,
            Self::SAML1 => Self::Saml1,
            Self::SAML2 => Self::Saml2,
            Self::JWT => Self::Jwt,
            other => {
                if !crate::is_absolute_uri(other) {
                    return Err(InvalidTokenType::NotAbsoluteUri);
                }
                Self::Other(OtherTokenType(other.to_owned()))
            }
        })
    }

    /// The URI.
    pub fn as_str(&self) -> &str {
        match self {
            Self::AccessToken => Self::ACCESS_TOKEN,
            Self::RefreshToken => Self::REFRESH_TOKEN,
            Self::IdToken => Self::ID_TOKEN,
            Self::Saml1 => Self::SAML1,
            Self::Saml2 => Self::SAML2,
            Self::Jwt => Self::JWT,
            Self::Other(s) => s.as_str(),
        }
    }
}

/// Why a token type value was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidTokenType {
    /// Not an absolute URI (RFC 8693 §3).
    #[error("token type must be an absolute URI")]
    NotAbsoluteUri,
    /// A registered type given as [`OtherTokenType`]: use its [`TokenType`] variant.
    #[error("a registered token type is not an \"other\" token type")]
    Registered,
}

impl std::str::FromStr for TokenType {
    type Err = InvalidTokenType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for TokenType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for TokenType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The `token_type` of a token response (RFC 6749 §7.1, RFC 8693 §2.2.1): `Bearer`,
/// `N_A` when the issued token is not an access token, or another registered type.
/// Compared case-insensitively when read, as RFC 6749 §5.1 asks.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AccessTokenType {
    /// `Bearer` (RFC 6750).
    Bearer,
    /// `N_A`: not applicable (RFC 8693 §2.2.1).
    NotApplicable,
    /// Any other value, e.g. `DPoP`.
    Other(String),
}

impl AccessTokenType {
    /// Reads a `token_type` value.
    pub fn parse(s: &str) -> Self {
        if s.eq_ignore_ascii_case("bearer") {
            Self::Bearer
        } else if s.eq_ignore_ascii_case("n_a") {
            Self::NotApplicable
        } else {
            Self::Other(s.to_owned())
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Bearer => "Bearer",
            Self::NotApplicable => "N_A",
            Self::Other(s) => s,
        }
    }
}

impl serde::Serialize for AccessTokenType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
