"""Interop with the running audex STS: PyJWT verifies an exchanged token using nothing
but the server's discovery document and its JWKS.

    sts_peer.py ISSUER SUBJECT_TOKEN -> {"pyjwt/sts": "ok" | "error: ..."}
"""
import base64
import json
import sys
import urllib.parse
import urllib.request

import jwt as pyjwt


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


# conformance: STS-TOK-1, MD-1
def verify_sts_token_with_discovery_and_jwks(issuer, subject):
    out = {}
    try:
        meta = get_json(issuer + "/.well-known/oauth-authorization-server")
        assert meta["issuer"] == issuer, "metadata issuer differs"
        body = urllib.parse.urlencode({
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token": subject,
            "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
            "audience": "service-c",
        }).encode()
        req = urllib.request.Request(meta["token_endpoint"], data=body, method="POST")
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
        req.add_header("Authorization", "Basic " + base64.b64encode(b"service-b:service-b-secret").decode())
        with urllib.request.urlopen(req, timeout=10) as r:
            token = json.load(r)["access_token"]
        jwks = pyjwt.PyJWKClient(meta["jwks_uri"])
        key = jwks.get_signing_key_from_jwt(token)
        header = pyjwt.get_unverified_header(token)
        assert header.get("typ") == "at+jwt", f"typ {header.get('typ')}"
        claims = pyjwt.decode(token, key.key, algorithms=["ES256"], audience="service-c", issuer=issuer,
                              options={"require": ["exp", "iat", "iss", "sub", "aud", "jti"]})
        assert claims["sub"] == "alice" and claims["client_id"] == "service-b", claims
        assert isinstance(claims["scope"], str), claims
        out["pyjwt/sts"] = "ok"
        out["sts/token"] = token
    except Exception as e:  # noqa: BLE001 - any failure is reported, not raised
        out["pyjwt/sts"] = f"error: {e}"
    print(json.dumps(out))


if __name__ == "__main__":
    verify_sts_token_with_discovery_and_jwks(sys.argv[1], sys.argv[2])
