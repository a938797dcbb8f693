// npm `jose` verifies a token the running audex STS issued, using only the server's
// discovery document and its JWKS (createRemoteJWKSet).
//   node sts_peer.mjs ISSUER TOKEN -> {"jose/sts": "ok" | "error: ..."}
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [issuer, token] = process.argv.slice(2);
const out = {};
try {
  const meta = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json();
  if (meta.issuer !== issuer) throw new Error('metadata issuer differs');
  const jwks = createRemoteJWKSet(new URL(meta.jwks_uri));
  const { payload } = await jwtVerify(token, jwks, { issuer, audience: 'service-c', typ: 'at+jwt', algorithms: ['ES256'] });
  if (payload.sub !== 'alice' || payload.client_id !== 'service-b' || typeof payload.scope !== 'string') {
    throw new Error(`claims ${JSON.stringify(payload)}`);
  }
  out['jose/sts'] = 'ok';
} catch (e) {
  out['jose/sts'] = `error: ${e.name}: ${e.message}`;
}
console.log(JSON.stringify(out));
