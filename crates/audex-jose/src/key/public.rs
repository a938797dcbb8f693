//! The public parts of a key: the JWK key type, RFC 7638 thumbprints and the public JWK
//! (never a private member, JWK-5).

use serde_json::{Value, json};

use super::Public;
use crate::alg::Algorithm;
use crate::b64;

pub(crate) fn kty_of(p: &Public) -> &'static str {
    match p {
        Public::Rsa { .. } => "RSA",
        Public::Ec { .. } => "EC",
        Public::Okp { .. } => "OKP",
        Public::Oct { .. } => "oct",
    }
}

/// RFC 7638 §3: SHA-256 over the required members in lexicographic order, no
/// whitespace, base64url-encoded.
pub(crate) fn thumbprint(public: &Public) -> String {
    let e = b64::encode;
    let canonical = match public {
        Public::Rsa { n, e: exp } => format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, e(exp), e(n)),
        Public::Ec { crv, x, y } => {
            format!(
                r#"{{"crv":"{crv}","kty":"EC","x":"{}","y":"{}"}}"#,
                e(x),
                e(y)
            )
        }
        Public::Okp { x } => format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, e(x)),
        Public::Oct { k } => format!(r#"{{"k":"{}","kty":"oct"}}"#, e(&k.0)),
    };
    e(ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes()).as_ref())
}

pub(crate) fn public_jwk(public: &Public, alg: Algorithm, kid: Option<&str>) -> Option<Value> {
    let e = b64::encode;
    let mut v = match public {
        Public::Rsa { n, e: exp } => json!({"kty": "RSA", "n": e(n), "e": e(exp)}),
        Public::Ec { crv, x, y } => json!({"kty": "EC", "crv": crv, "x": e(x), "y": e(y)}),
        Public::Okp { x } => json!({"kty": "OKP", "crv": "Ed25519", "x": e(x)}),
        Public::Oct { .. } => return None,
    };
    if let Value::Object(m) = &mut v {
        m.insert("use".into(), "sig".into());
        m.insert("alg".into(), alg.name().into());
        m.insert(
            "kid".into(),
            kid.map_or_else(|| thumbprint(public), str::to_owned).into(),
        );
    }
    Some(v)
}

impl std::fmt::Debug for Public {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(kty_of(self))
    }
}
