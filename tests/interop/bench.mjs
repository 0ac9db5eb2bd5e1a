// Time the reference stack's vc.verifyCredential on one credential: read
// {credential, now, statusLists, repeat, warmup} as JSON on stdin and print one JSON line
// per mode: "full" (checkStatus verifies the status list credential's proof on every call,
// as the library always does) and "list-proof-skipped" (verifyBitstringStatusListCredential
// false: the list is still loaded and its bit read, but its proof is not re-verified, the
// closest match to a verifier that caches a verified list).
import {performance} from 'node:perf_hooks';

import {readStdinJson, verifyCredential} from './lib.mjs';

async function time(options, repeat, warmup) {
  let last;
  for(let i = 0; i < warmup; ++i) {
    last = await verifyCredential(options);
  }
  const times = [];
  for(let i = 0; i < repeat; ++i) {
    const start = performance.now();
    last = await verifyCredential(options);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const round = x => Math.round(x * 1000) / 1000;
  return {
    verified: last.verified,
    status_bits: last.status && last.status.bits,
    errors: last.errors,
    repeat,
    median_ms: round(times[Math.floor(times.length / 2)]),
    mean_ms: round(times.reduce((a, b) => a + b, 0) / times.length),
    min_ms: round(times[0])
  };
}

async function main() {
  const {credential, now, statusLists = {}, repeat = 200, warmup = 20} =
    await readStdinJson();
  for(const [mode, verifyStatusList] of [['full', true], ['list-proof-skipped', false]]) {
    const result = await time(
      {credential, now, statusLists, verifyStatusList}, repeat, warmup);
    process.stdout.write(JSON.stringify({mode, ...result}) + '\n');
  }
}

await main();
