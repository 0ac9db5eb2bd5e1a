// A VC-API exchange client that makes the requests the Learner Credential Wallet makes (its
// app/lib/exchanges.ts, read for the request shapes only): the wallet link's `request`
// parameter names the exchange in `protocols.vcapi`; POST {} there; while the answer holds a
// verifiablePresentationRequest, answer a DIDAuthentication query with a presentation
// (@digitalcredentials/vc createPresentation + signPresentation, Ed25519Signature2020, the
// challenge and domain of the request) POSTed to interact.service[0].serviceEndpoint; stop
// at the first answer without a request (at most 10 rounds). Reads {link} as JSON on stdin,
// writes {holder, rounds, presented, response} on stdout
// (presented: the last presentation sent). The JSON-LD loader is offline: it knows only
// the two contexts the presentation uses, from their npm packages. TLS trust comes from
// NODE_EXTRA_CA_CERTS (the tests' self-signed certificate).
import * as vc from '@digitalcredentials/vc';
import {Ed25519Signature2020} from '@digitalcredentials/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalcredentials/ed25519-verification-key-2020';
import {CONTEXT as VC_V2, CONTEXT_URL as VC_V2_URL} from '@digitalcredentials/credentials-v2-context';
import ed25519Context from 'ed25519-signature-2020-context';

const MAX_ROUNDS = 10;
const CONTEXTS = new Map([
  [VC_V2_URL, VC_V2],
  [ed25519Context.CONTEXT_URL, ed25519Context.CONTEXT]
]);

async function documentLoader(url) {
  const document = CONTEXTS.get(url);
  if(document === undefined) {
    throw new Error(`the offline loader has no document ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document};
}

async function readStdinJson() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function post(url, body) {
  const answer = await fetch(url, {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(body, null, 2)
  });
  const text = await answer.text();
  if(!answer.ok) {
    throw new Error(`POST ${url}: HTTP ${answer.status}: ${text}`);
  }
  return JSON.parse(text);
}

async function didAuth(vpr, holder, suite) {
  const queries = Array.isArray(vpr.query) ? vpr.query : [vpr.query];
  if(!queries.some(q => q.type === 'DIDAuthentication' || q.type === 'DIDAuth')) {
    throw new Error(`no DIDAuthentication query in ${JSON.stringify(vpr.query)}`);
  }
  const presentation = vc.createPresentation({holder});
  const signed = await vc.signPresentation({
    presentation, challenge: vpr.challenge, domain: vpr.domain, suite, documentLoader
  });
  return {verifiablePresentation: signed};
}

async function main() {
  const {link} = await readStdinJson();
  const request = JSON.parse(new URL(link).searchParams.get('request'));
  const key = await Ed25519VerificationKey2020.generate();
  const fingerprint = key.fingerprint();
  const holder = `did:key:${fingerprint}`;
  key.controller = holder;
  key.id = `${holder}#${fingerprint}`;
  const suite = new Ed25519Signature2020({key});
  let url = request.protocols.vcapi;
  let body = {};
  for(let round = 1; round <= MAX_ROUNDS; round++) {
    const response = await post(url, body);
    const vpr = response.verifiablePresentationRequest;
    if(!vpr) {
      const presented = body.verifiablePresentation ?? null;
      process.stdout.write(JSON.stringify({holder, rounds: round, presented, response}));
      return;
    }
    body = await didAuth(vpr, holder, suite);
    url = vpr.interact?.service?.[0]?.serviceEndpoint ?? url;
  }
  throw new Error(`no credential after ${MAX_ROUNDS} rounds`);
}

await main();
