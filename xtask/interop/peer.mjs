// npm `jose` interop peer for `cargo xtask interop`.
//   node peer.mjs sign KEYS.json EXP          -> {"jose": {alg: token}}
//   node peer.mjs verify KEYS.json TOKENS.json -> {"jose/alg": "ok" | "error: ..."}
import { readFileSync } from 'node:fs';
import { SignJWT, jwtVerify, importJWK } from 'jose';

const ISS = 'https://issuer.example';
const AUD = 'order-api';
const [cmd, keysPath, arg] = process.argv.slice(2);
const keys = JSON.parse(readFileSync(keysPath, 'utf8'));
const pub = (jwk) => Object.fromEntries(Object.entries(jwk).filter(([k]) => !['d', 'p', 'q', 'dp', 'dq', 'qi'].includes(k)));

if (cmd === 'sign') {
  const exp = Number(arg);
  const out = { jose: {} };
  for (const [alg, jwk] of Object.entries(keys)) {
    const key = await importJWK(jwk, alg);
    out.jose[alg] = await new SignJWT({ sub: 'alice', client_id: 'portal', jti: `jose-${alg}`, scope: 'orders:read' })
      .setProtectedHeader({ alg, typ: 'at+jwt', kid: jwk.kid })
      .setIssuer(ISS).setAudience([AUD, 'billing-api']).setExpirationTime(exp).setIssuedAt(exp - 3600)
      .sign(key);
  }
  console.log(JSON.stringify(out));
} else {
  const tokens = JSON.parse(readFileSync(arg, 'utf8'));
  const out = {};
  for (const [alg, token] of Object.entries(tokens)) {
    try {
      const jwk = alg === 'HS256' ? keys[alg] : pub(keys[alg]);
      const key = await importJWK(jwk, alg);
      const { payload } = await jwtVerify(token, key, { algorithms: [alg], issuer: ISS, audience: AUD, typ: 'at+jwt' });
      if (payload.sub !== 'alice') throw new Error('wrong sub');
      out[`jose/${alg}`] = 'ok';
    } catch (e) {
      out[`jose/${alg}`] = `error: ${e.name}: ${e.message}`;
    }
  }
  console.log(JSON.stringify(out));
}
