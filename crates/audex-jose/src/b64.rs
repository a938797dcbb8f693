//! Strict base64url (RFC 7515 §2, RFC 4648 §5): no padding, no whitespace, no
//! non-canonical trailing bits.
//!
//! Decoding and encoding run on `base64-simd` (SIMD where the CPU has it, scalar
//! otherwise): on the verify path base64 is a quarter of the work around the HMAC.
//! When it rejects an input, the `base64` crate is asked why, so the error still
//! names the offset of a bad byte. Both decoders apply the same strict rules; a
//! property test checks they agree on arbitrary input.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as SCALAR;
use std::mem::MaybeUninit;

use base64_simd::{Out, URL_SAFE_NO_PAD as SIMD};

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
    SIMD.decode_to_vec(input).map_err(|_| why(input))
}

/// Decodes strict base64url into `buf` (which need not be initialised), returning
/// the decoded bytes, or `None` when `buf` is too small for them.
pub(crate) fn decode_into<'b>(
    input: &[u8],
    buf: &'b mut [MaybeUninit<u8>],
) -> Result<Option<&'b [u8]>, Base64Error> {
    let len = SIMD.decoded_length(input).map_err(|_| why(input))?;
    let Some(out) = buf.get_mut(..len) else {
        return Ok(None);
    };
    match SIMD.decode(input, Out::from_uninit_slice(out)) {
        Ok(decoded) => Ok(Some(decoded)),
        Err(_) => Err(why(input)),
    }
}

/// Checks that `input` is strict base64url of at most `max` decoded bytes, without
/// decoding it. `Ok(false)` means too long.
pub(crate) fn check(input: &[u8], max: usize) -> Result<bool, Base64Error> {
    let len = SIMD.decoded_length(input).map_err(|_| why(input))?;
    if len > max {
        return Ok(false);
    }
    SIMD.check(input).map_err(|_| why(input))?;
    Ok(true)
}

/// The precise reason for a rejected input.
#[cold]
fn why(input: &[u8]) -> Base64Error {
    match SCALAR.decode(input) {
        Err(base64::DecodeError::InvalidByte(offset, _)) => Base64Error::InvalidByte { offset },
        Err(base64::DecodeError::InvalidLastSymbol(_, _)) => Base64Error::NonCanonical,
        Err(base64::DecodeError::InvalidPadding) => Base64Error::InvalidByte {
            offset: input.iter().position(|b| *b == b'=').unwrap_or(0),
        },
        Err(base64::DecodeError::InvalidLength(_)) => Base64Error::InvalidLength,
        // The two decoders disagree (they should not: see the property test). The
        // input is rejected either way.
        Ok(_) => Base64Error::NonCanonical,
    }
}

/// Encodes base64url without padding.
pub fn encode(input: &[u8]) -> String {
    SIMD.encode_to_string(input)
}

/// Appends the base64url encoding of `input` to `out`.
pub(crate) fn encode_into(input: &[u8], out: &mut String) {
    SIMD.encode_append(input, out);
}

/// Whether the SIMD decoder and the `base64` crate agree on `input` (same bytes, or
/// both reject it). For property tests.
#[doc(hidden)]
pub fn decoders_agree(input: &[u8]) -> bool {
    match (SIMD.decode_to_vec(input), SCALAR.decode(input)) {
        (Ok(a), Ok(b)) => a == b,
        (Err(_), Err(_)) => true,
        _ => false,
    }
}
