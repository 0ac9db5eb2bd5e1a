// An OpenID4VCI 1.0 wallet built on the independent @openid4vc/openid4vci client (pinned in
// package-lock.json): reads {offer, txCode?, configuration} as JSON on stdin, resolves the
// offer (by reference or by value), fetches the issuer and authorization server metadata,
// redeems the pre-authorized code (with the transaction code), asks the nonce endpoint for a
// c_nonce, makes a `jwt` key proof with a fresh did:key (Ed25519) and requests the credential.
// Writes {holder, credential, offer, format} as JSON on stdout. TLS trust comes from
// NODE_EXTRA_CA_CERTS (the tests' self-signed certificate).
import {createHash, randomBytes} from 'node:crypto';
import {clientAuthenticationAnonymous} from '@openid4vc/oauth2';
import {Openid4vciClient} from '@openid4vc/openid4vci';
import {SignJWT, exportJWK, generateKeyPair} from 'jose';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58btc(bytes) {
  let value = BigInt('0x' + Buffer.from(bytes).toString('hex'));
  let out = '';
  while(value > 0n) {
    out = ALPHABET[Number(value % 58n)] + out;
    value /= 58n;
  }
  for(const byte of bytes) {
    if(byte !== 0) {
      break;
    }
    out = '1' + out;
  }
  return out;
}

async function holderKey() {
  const {publicKey, privateKey} = await generateKeyPair('EdDSA', {crv: 'Ed25519'});
  const jwk = await exportJWK(publicKey);
  const raw = Buffer.from(jwk.x, 'base64url');
  const multibase = 'z' + base58btc(Buffer.concat([Buffer.from([0xed, 0x01]), raw]));
  const did = `did:key:${multibase}`;
  return {did, kid: `${did}#${multibase}`, jwk, privateKey};
}

async function readStdinJson() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function main() {
  const task = await readStdinJson();
  const holder = await holderKey();
  const callbacks = {
    fetch,
    clientAuthentication: clientAuthenticationAnonymous(),
    generateRandom: length => randomBytes(length),
    hash: (data, alg) => createHash(alg.replace('-', '')).update(data).digest(),
    signJwt: async (signer, {header, payload}) => ({
      jwt: await new SignJWT(payload).setProtectedHeader(header).sign(holder.privateKey),
      signerJwk: holder.jwk
    })
  };
  const client = new Openid4vciClient({callbacks});
  const offer = await client.resolveCredentialOffer(task.offer);
  const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  const {accessTokenResponse} = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer, issuerMetadata, txCode: task.txCode
  });
  const {c_nonce: nonce} = await client.requestNonce({issuerMetadata});
  const signer = {method: 'did', didUrl: holder.kid, alg: 'EdDSA'};
  const {jwt} = await client.createCredentialRequestJwtProof({
    issuerMetadata, signer, nonce, credentialConfigurationId: task.configuration
  });
  const {credentialResponse} = await client.retrieveCredentials({
    issuerMetadata,
    accessToken: accessTokenResponse.access_token,
    credentialConfigurationId: task.configuration,
    proofs: {jwt: [jwt]}
  });
  const format = issuerMetadata.credentialIssuer
    .credential_configurations_supported[task.configuration].format;
  process.stdout.write(JSON.stringify({
    holder: holder.did, credential: credentialResponse.credentials[0].credential, offer, format
  }));
}

await main();
