"""Python interop peers (PyJWT, jwcrypto) for `cargo xtask interop`.

    peers.py sign KEYS.json EXP          -> {"pyjwt": {alg: token}, "jwcrypto": {...}}
    peers.py verify KEYS.json TOKENS.json -> {"pyjwt/alg": "ok" | "error: ..."}
"""
import json
import sys
import time

import jwt as pyjwt
from jwcrypto import jwk as jc_jwk
from jwcrypto import jwt as jc_jwt

ISS = "https://issuer.example"
AUD = "order-api"


def claims(exp, lib, alg):
    return {"iss": ISS, "sub": "alice", "aud": [AUD, "billing-api"], "client_id": "portal",
            "exp": exp, "iat": exp - 3600, "jti": f"{lib}-{alg}", "scope": "orders:read"}


def pyjwt_key(jwk, alg, private):
    text = json.dumps(jwk if private else {k: v for k, v in jwk.items() if k not in ("d", "p", "q", "dp", "dq", "qi")})
    algo = pyjwt.get_algorithm_by_name(alg)
    return algo.from_jwk(text)


def sign(keys, exp):
    out = {"pyjwt": {}, "jwcrypto": {}}
    for alg, jwk in keys.items():
        header = {"typ": "at+jwt", "kid": jwk["kid"]}
        out["pyjwt"][alg] = pyjwt.encode(claims(exp, "pyjwt", alg), pyjwt_key(jwk, alg, True), algorithm=alg, headers=header)
        tok = jc_jwt.JWT(header=dict(header, alg=alg), claims=claims(exp, "jwcrypto", alg))
        tok.make_signed_token(jc_jwk.JWK(**jwk))
        out["jwcrypto"][alg] = tok.serialize()
    return out


def verify(keys, tokens):
    out = {}
    for alg, token in tokens.items():
        jwk = keys[alg]
        try:
            c = pyjwt.decode(token, pyjwt_key(jwk, alg, alg == "HS256"), algorithms=[alg], audience=AUD, issuer=ISS)
            h = pyjwt.get_unverified_header(token)
            assert h["typ"] == "at+jwt" and c["sub"] == "alice", "claims"
            out[f"pyjwt/{alg}"] = "ok"
        except Exception as e:  # noqa: BLE001 - report every failure
            out[f"pyjwt/{alg}"] = f"error: {type(e).__name__}: {e}"
        try:
            key = jc_jwk.JWK(**jwk)
            pub = key if alg == "HS256" else jc_jwk.JWK(**json.loads(key.export_public()))
            t = jc_jwt.JWT(jwt=token, key=pub, algs=[alg], check_claims={"iss": ISS, "aud": AUD, "exp": None})
            c = json.loads(t.claims)
            assert c["sub"] == "alice", "claims"
            out[f"jwcrypto/{alg}"] = "ok"
        except Exception as e:  # noqa: BLE001
            out[f"jwcrypto/{alg}"] = f"error: {type(e).__name__}: {e}"
    return out


def main():
    cmd, keys_path, arg = sys.argv[1:4]
    keys = json.load(open(keys_path))
    if cmd == "sign":
        print(json.dumps(sign(keys, int(arg))))
    else:
        print(json.dumps(verify(keys, json.load(open(arg)))))


if __name__ == "__main__":
    main()
