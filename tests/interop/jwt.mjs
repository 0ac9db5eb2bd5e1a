// Verify EdDSA VC-JWTs (compact JWS) with the reference stack's key handling: read
// {tokens: [...]} as JSON on stdin, write {results: [...]} on stdout, one per token:
//   {verified, kid, controller, payload} or {verified: false, error}.
// The `kid` (a did:key verification method) is dereferenced by @digitalbazaar/did-method-key
// and the signature checked by @digitalbazaar/ed25519-multikey's verifier; nothing of
// openmicrocred is used. Offline: only did:key is resolved.
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';

import {readStdinJson} from './lib.mjs';

const didKey = didKeyDriver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

function decodePart(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

async function verifyToken(token) {
  const parts = token.split('.');
  if(parts.length !== 3) {
    throw new Error('not a compact JWS');
  }
  const header = decodePart(parts[0]);
  if(header.alg !== 'EdDSA') {
    throw new Error(`unexpected alg ${header.alg}`);
  }
  if(typeof header.kid !== 'string' || !header.kid.startsWith('did:key:')) {
    throw new Error('the kid must be a did:key verification method');
  }
  const method = await didKey.get({url: header.kid});
  const key = await Ed25519Multikey.from(method);
  const verified = await key.verifier().verify({
    data: new TextEncoder().encode(`${parts[0]}.${parts[1]}`),
    signature: new Uint8Array(Buffer.from(parts[2], 'base64url'))
  });
  return {verified, kid: header.kid, controller: method.controller, payload: decodePart(parts[1])};
}

const {tokens} = await readStdinJson();
const results = [];
for(const token of tokens) {
  try {
    results.push(await verifyToken(token));
  } catch(error) {
    results.push({verified: false, error: String(error && error.message || error)});
  }
}
process.stdout.write(JSON.stringify({results}));
