// The reference side of the interop tests: Digital Bazaar's VC stack, offline.
//
// The document loader answers only (1) the JSON-LD contexts bundled in the project's
// contexts/ directory (contexts/manifest.json, URL -> file), (2) did:key URLs, resolved
// locally by the did:key driver, and (3) status list credentials handed in by the caller.
// Anything else is refused, so nothing is ever fetched over the network.
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {
  checkStatus, createCredential, createList
} from '@digitalbazaar/vc-bitstring-status-list';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import jsigs from 'jsonld-signatures';

const HERE = dirname(fileURLToPath(import.meta.url));
const CONTEXTS = join(HERE, '..', '..', 'contexts');

// Contexts are shared, never copied: frozen, so that nothing can change them.
function deepFreeze(value) {
  if(value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function loadContexts() {
  const manifest = JSON.parse(readFileSync(join(CONTEXTS, 'manifest.json'), 'utf8'));
  const contexts = new Map();
  for(const {url, file} of manifest.contexts) {
    contexts.set(url, deepFreeze(JSON.parse(readFileSync(join(CONTEXTS, file), 'utf8'))));
  }
  return contexts;
}

export const CONTEXT_DOCUMENTS = loadContexts();

const didKey = didKeyDriver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

// A document loader over the bundled contexts, did:key and `statusLists` ({url: document}).
export function makeLoader(statusLists = {}) {
  return async function documentLoader(url) {
    const context = CONTEXT_DOCUMENTS.get(url);
    if(context !== undefined) {
      return {contextUrl: null, documentUrl: url, document: context};
    }
    if(url.startsWith('did:key:')) {
      return {contextUrl: null, documentUrl: url, document: await didKey.get({url})};
    }
    if(Object.hasOwn(statusLists, url)) {
      return {
        contextUrl: null, documentUrl: url, document: structuredClone(statusLists[url])
      };
    }
    throw new Error(`offline document loader: refusing to load ${url}`);
  };
}

export function verifySuite() {
  return new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
}

// An Ed25519 key pair (did:key controller) from a 32-byte seed given as hex.
export async function keyFromSeed(seedHex) {
  const seed = Uint8Array.from(Buffer.from(seedHex, 'hex'));
  const {publicKeyMultibase} = await Ed25519Multikey.generate({seed});
  return Ed25519Multikey.generate({seed, controller: `did:key:${publicKeyMultibase}`});
}

// Sign with eddsa-rdfc-2022 (vc.issue); `created` is the proof's creation time.
export async function sign({credential, seed, created}) {
  const key = await keyFromSeed(seed);
  const suite = new DataIntegrityProof({
    signer: key.signer(), cryptosuite: eddsaRdfc2022, date: created
  });
  const signed = await vc.issue({
    credential: structuredClone(credential), suite, documentLoader: makeLoader()
  });
  return {did: key.controller, credential: signed};
}

// A copy of `document` with the value at `path` (a list of keys) replaced by `value`.
export function tampered(document, {path, value}) {
  const copy = structuredClone(document);
  let node = copy;
  for(const key of path.slice(0, -1)) {
    node = node[key];
  }
  node[path[path.length - 1]] = value;
  return copy;
}

// Verify a credential fully at `now`, and its proof alone.
export async function verifyBoth({credential, now, statusLists}) {
  return {
    full: await verifyCredential({credential, now, statusLists}),
    proof: await verifyProof({credential, statusLists})
  };
}

// A status list credential built by the reference library (createList, setStatus,
// createCredential) with the bits at `set` on, issued by the seed's did:key, then signed.
export async function statusList({url, purpose, length, set, seed, created, validFrom}) {
  const list = await createList({length});
  for(const index of set) {
    list.setStatus(index, true);
  }
  const credential = await createCredential({id: url, list, statusPurpose: purpose});
  const key = await keyFromSeed(seed);
  credential.issuer = key.controller;
  credential.validFrom = validFrom;
  return sign({credential, seed, created});
}

function messages(error, out = []) {
  if(!error) {
    return out;
  }
  if(error.message) {
    out.push(error.message);
  }
  for(const inner of error.errors || []) {
    messages(inner, out);
  }
  if(error.cause && error.cause !== error) {
    messages(error.cause, out);
  }
  return out;
}

function resultMessages(result) {
  const out = messages(result.error);
  for(const r of result.results || []) {
    messages(r.error, out);
  }
  for(const r of (result.statusResult && result.statusResult.results) || []) {
    messages(r.error, out);
  }
  messages(result.statusResult && result.statusResult.error, out);
  return [...new Set(out)];
}

// The status bit of each entry checked, and the entry's purpose.
function bitsOf(statusResult) {
  const results = statusResult.results || [];
  return {
    bits: results.map(r => r.status),
    purposes: results.map(r => r.credentialStatus.statusPurpose)
  };
}

// The status checker handed to vc.verifyCredential: Bitstring Status List, with the status
// list credential's own proof verified (against the real clock, as the library does) unless
// `verifyStatusList` is false.
function statusChecker(documentLoader, verifyStatusList = true) {
  return options => checkStatus({
    ...options, suite: verifySuite(), documentLoader,
    verifyBitstringStatusListCredential: verifyStatusList, verifyMatchingIssuers: true
  });
}

// vc.verifyCredential at `now`: the full check (dates, proof, status when present).
export async function verifyCredential({credential, now, statusLists, verifyStatusList}) {
  const documentLoader = makeLoader(statusLists);
  const result = await vc.verifyCredential({
    credential, suite: verifySuite(), documentLoader, now,
    checkStatus: statusChecker(documentLoader, verifyStatusList)
  });
  const status = result.statusResult ? {
    verified: result.statusResult.verified,
    ...bitsOf(result.statusResult)
  } : null;
  return {verified: result.verified === true, errors: resultMessages(result), status};
}

// The proof alone (jsonld-signatures with the VC issuance purpose: the verification method
// must be the issuer's), whatever the credential's dates say.
export async function verifyProof({credential, statusLists}) {
  const result = await jsigs.verify(credential, {
    suite: verifySuite(),
    purpose: new vc.CredentialIssuancePurpose(),
    documentLoader: makeLoader(statusLists)
  });
  return {verified: result.verified === true, errors: resultMessages(result)};
}

// checkStatus of @digitalbazaar/vc-bitstring-status-list on its own.
export async function statusOf({credential, statusLists}) {
  const documentLoader = makeLoader(statusLists);
  const result = await checkStatus({
    credential, documentLoader, suite: verifySuite(),
    verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true
  });
  return {
    verified: result.verified === true,
    ...bitsOf(result),
    errors: resultMessages(result)
  };
}

export async function readStdinJson() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}
