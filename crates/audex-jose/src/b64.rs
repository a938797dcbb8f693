//! Strict base64url (RFC 7515 §2, RFC 4648 §5): no padding, no whitespace, no
//! non-canonical trailing bits.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Why a base64url segment was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Base64Error {
    /// A byte that is not in the base64url alphabet (this includes `=`, `+`, `/` and
    /// whitespace).
    #[error("invalid base64url byte at offset {offset}")]
    InvalidByte {
        /// Offset within the segment.
        offset: usize,
    },
    /// The length is impossible for unpadded base64 (1 mod 4).
    #[error("invalid base64url length")]
    InvalidLength,
    /// The last symbol carries non-zero bits that do not encode data.
    #[error("non-canonical base64url: trailing bits are not zero")]
    NonCanonical,
}

/// Decodes strict base64url.
pub fn decode(input: &[u8]) -> Result<Vec<u8>, Base64Error> {
    URL_SAFE_NO_PAD.decode(input).map_err(|e| match e {
        base64::DecodeError::InvalidByte(offset, _) => Base64Error::InvalidByte { offset },
        base64::DecodeError::InvalidLastSymbol(_, _) => Base64Error::NonCanonical,
        base64::DecodeError::InvalidPadding => Base64Error::InvalidByte {
            offset: input.iter().position(|b| *b == b'=').unwrap_or(0),
        },
        base64::DecodeError::InvalidLength(_) => Base64Error::InvalidLength,
    })
}

/// Encodes base64url without padding.
pub fn encode(input: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(input)
}

/// Appends the base64url encoding of `input` to `out`.
pub(crate) fn encode_into(input: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(input, out);
}
