// One batch of interop tasks: read {now, tasks: [...]} as JSON on stdin, write
// {results: {id: result}} as JSON on stdout. One process answers a whole batch.
//
// Tasks ({id, op, ...}):
//   {op: "sign", credential, seed, created, tamper?}
//        -> {did, credential, own?: {signed, tampered}}: signed with eddsa-rdfc-2022 by the
//        seed's did:key key; with `tamper` ({path, value}), the library's own verdicts
//        (as "verify" gives them) on what it signed and on a copy changed at `path`.
//   {op: "verify", credential, statusLists?, now?}
//        -> {full, proof}: vc.verifyCredential at `now` (dates, proof, status) and the
//        proof alone (jsonld-signatures with the VC issuance purpose).
//   {op: "status", credential, statusLists}
//        -> {verified, bits, purposes, errors}: checkStatus of
//        @digitalbazaar/vc-bitstring-status-list.
//   {op: "statusList", url, purpose, length, set, seed, created, validFrom}
//        -> {did, credential}: a signed status list built by the reference library.
// A task that throws gives {exception: message}; the batch goes on.
import {
  readStdinJson, sign, statusList, statusOf, tampered, verifyBoth
} from './lib.mjs';

async function signTask(task, now) {
  const result = await sign(task);
  if(task.tamper) {
    result.own = {
      signed: await verifyBoth({credential: result.credential, now}),
      tampered: await verifyBoth({credential: tampered(result.credential, task.tamper), now})
    };
  }
  return result;
}

const OPS = {
  sign: signTask,
  statusList: task => statusList(task),
  status: task => statusOf(task),
  verify: (task, now) => verifyBoth({now, ...task})
};

async function main() {
  const {now, tasks} = await readStdinJson();
  const results = {};
  for(const task of tasks) {
    const op = OPS[task.op];
    try {
      if(!op) {
        throw new Error(`unknown op ${task.op}`);
      }
      results[task.id] = await op(task, now);
    } catch(error) {
      results[task.id] = {exception: String(error && error.stack || error)};
    }
  }
  process.stdout.write(JSON.stringify({results}));
}

await main();
