//! Strict `application/x-www-form-urlencoded` decoding (RFC 6749 §3.2, §B; TE-REQ-7,
//! TE-REQ-8).
//!
//! Unlike browser-style decoders, which pass malformed percent-escapes through and
//! replace invalid UTF-8, this decoder rejects both and bounds the body size and the
//! number of parameters. Empty values are kept here so that the repeat check counts
//! every occurrence (`scope=&scope=admin` is a repeat, RFC 6749 §3.2); the request
//! decoder then treats an empty value as omitted (RFC 6749 §3.1).

use crate::error::FormError;

/// Largest request body accepted, in bytes.
pub const MAX_FORM_BYTES: usize = 64 * 1024;
/// Most parameters accepted in one body (known and unknown together).
pub const MAX_PARAMS: usize = 64;
/// Most values accepted for one repeatable parameter (`audience`, `resource`).
pub const MAX_REPEATED: usize = 16;

/// Decodes a form body into (name, value) pairs, in order, empty values included.
pub(crate) fn decode(body: &[u8]) -> Result<Vec<(String, String)>, FormError> {
    if body.len() > MAX_FORM_BYTES {
        return Err(FormError::TooLarge {
            len: body.len(),
            limit: MAX_FORM_BYTES,
        });
    }
    let mut out = Vec::new();
    let mut offset = 0;
    for pair in body.split(|b| *b == b'&') {
        let start = offset;
        offset += pair.len() + 1;
        if pair.is_empty() {
            continue;
        }
        if out.len() >= MAX_PARAMS {
            return Err(FormError::TooManyParameters { limit: MAX_PARAMS });
        }
        let (raw_name, raw_value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (
                pair.get(..i).unwrap_or_default(),
                pair.get(i + 1..).unwrap_or_default(),
            ),
            None => (pair, &b""[..]),
        };
        // Offsets point at the raw input, not at the decoded name.
        let name = component(raw_name, start)?;
        let value = component(raw_value, start + raw_name.len() + 1)?;
        out.push((name, value));
    }
    Ok(out)
}

/// Decodes one name or value: `+` is a space, `%XX` must be two hex digits, and the
/// result must be UTF-8.
pub(crate) fn component(raw: &[u8], offset: usize) -> Result<String, FormError> {
    let mut i = 0;
    let mut escaped = false;
    while let Some(&b) = raw.get(i) {
        if b == b'%' {
            let ok = matches!((raw.get(i + 1), raw.get(i + 2)), (Some(h), Some(l)) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit());
            if !ok {
                return Err(FormError::BadPercentEncoding { offset: offset + i });
            }
            escaped = true;
            i += 3;
        } else {
            escaped |= b == b'+';
            i += 1;
        }
    }
    let not_utf8 = |e: std::string::FromUtf8Error| FormError::NotUtf8 {
        offset: offset + e.utf8_error().valid_up_to(),
    };
    if !escaped {
        // Nothing to decode (a token, a URI without escapes): one copy.
        return String::from_utf8(raw.to_vec()).map_err(not_utf8);
    }
    let plus_decoded: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    let bytes: Vec<u8> = percent_encoding::percent_decode(&plus_decoded).collect();
    String::from_utf8(bytes).map_err(not_utf8)
}

/// Encodes pairs as a form body.
pub(crate) fn encode<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    ser.finish()
}

/// Checks a `Content-Type` header value for a token request body (TE-REQ-8): the
/// media type must be `application/x-www-form-urlencoded`; a `charset` parameter other
/// than UTF-8 is accepted only when it cannot change the meaning of `body`: the body is
/// ASCII and percent-escapes no byte above `0x7F` (Apache HttpClient labels its
/// ASCII bodies `ISO-8859-1`, for one).
///
/// ```
/// use audex_exchange::check_content_type;
///
/// let form = "application/x-www-form-urlencoded";
/// assert!(check_content_type(form, b"grant_type=client_credentials").is_ok());
/// let latin1 = "application/x-www-form-urlencoded; charset=ISO-8859-1";
/// assert!(check_content_type(latin1, b"grant_type=client_credentials").is_ok());
/// assert!(check_content_type(latin1, b"scope=caf%E9").is_err());
/// assert!(check_content_type("application/json", b"{}").is_err());
/// ```
pub fn check_content_type(value: &str, body: &[u8]) -> Result<(), FormError> {
    let mut parts = value.split(';').map(str::trim);
    let media = parts.next().unwrap_or_default();
    if !media.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(FormError::ContentType {
            found: audex_claims::json::Truncated(media).to_string(),
        });
    }
    for p in parts {
        if let Some((k, v)) = p.split_once('=') {
            let v = v.trim().trim_matches('"');
            if k.trim().eq_ignore_ascii_case("charset")
                && !v.eq_ignore_ascii_case("utf-8")
                && !charset_neutral(body)
            {
                return Err(FormError::ContentType {
                    found: format!("charset={}", audex_claims::json::Truncated(v)),
                });
            }
        }
    }
    Ok(())
}

/// Whether a body decodes to the same text under any ASCII-compatible charset: ASCII
/// bytes only, and no percent-escape of a byte above `0x7F`.
fn charset_neutral(body: &[u8]) -> bool {
    body.is_ascii()
        && !body
            .windows(2)
            .any(|w| matches!(w, [b'%', h] if matches!(h, b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F')))
}
