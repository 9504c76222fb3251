#!/usr/bin/env node
// Prints what evidence and replay cost (no assertions):
//  - writing a record: the deciding `finishAttempt` (attempt entry, decision, Ed25519 signature, record write),
//    without images, in the memory store and in a real redis-server on loopback; and the signature alone;
//  - the replay fingerprint of a 1280x720 JPEG (sharp, shrink-on-load, 32x32 grey), and a whole replay claim
//    (hash SET NX, 4 band pushes) in both stores.
// Usage: npx tsc -p tsconfig.server.json && node bench/evidence.mjs [--runs 200] [--json]
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { startRedis } from '../scripts/redis.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' }, json: { type: 'boolean' } } });
const RUNS = Number(values.runs);

let server;
let replay;
try {
  server = await import('../dist/server/index.js');
  replay = await import('../dist/server/stores/replay.js');
} catch (error) {
  console.error('dist/server is missing or stale: run `npx tsc -p tsconfig.server.json` first.', error.message);
  process.exit(1);
}
const { createLivenessSessions, createMemoryStore, createRedisStore, createEvidenceSigner } = server;

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { runs: sorted.length, median: at(0.5), p95: at(0.95), min: sorted[0], max: sorted.at(-1) };
}
const ms = (x) => `${x.toFixed(2)} ms`;
async function measure(runs, setup, task) {
  const samples = [];
  for (let i = 0; i < runs + 10; i++) {
    const input = await setup(i);
    const started = performance.now();
    await task(input);
    if (i >= 10) samples.push(performance.now() - started); // the first ten warm up
  }
  return stats(samples);
}

const entry = (sha) => ({
  at: new Date().toISOString(),
  imageSha256: sha,
  bytes: 180_000,
  width: 1280,
  height: 720,
  outcome: 'scored',
  decision: 'pass',
  probReal: 0.93,
  capture: { status: 'ok', version: '0.2.0', integrity: { v: 1, flags: [], camera: { label: 'Integrated Camera', kind: 'physical' } }, quality: { brightness: 0.5 } },
  origin: 'https://app.example',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  source: { mode: 'proxy', baseUrl: 'https://api.example/prod' },
});

/** The deciding finishAttempt of fresh sessions: opening and beginning are not timed. */
function recordCost(sessions) {
  return measure(
    RUNS,
    async () => {
      const { id } = await sessions.createSession({ subject: 'bench-user' });
      const session = (await sessions.open(id)).session;
      const n = await sessions.beginAttempt(session);
      const sha = createHash('sha256').update(randomBytes(16)).digest('hex');
      return { session, n, sha };
    },
    ({ session, n, sha }) => sessions.finishAttempt(session, n, { decision: 'pass', probReal: 0.93, imageSha256: sha }, { entry: entry(sha) }),
  );
}

/** A 1280x720 JPEG of the astronaut's face filling the frame height (as bench/server-latency.mjs makes it). */
async function frame(seed) {
  const astronaut = fileURLToPath(new URL('../test/fixtures/astronaut.png', import.meta.url));
  const face = await sharp(astronaut).extract({ left: 100, top: 0, width: 250, height: 240 }).resize(750, 720).toBuffer();
  return sharp({ create: { width: 1280, height: 720, channels: 3, background: { r: 128, g: 128, b: (seed * 37) % 256 } } })
    .composite([{ input: face, left: 265, top: 0 }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

const results = {};
const key = createEvidenceSigner();
results.sign = await measure(RUNS, async (i) => ({ ...entry(String(i)), attempts: [] }), (record) => key.sign(record));
results.recordMemory = await recordCost(createLivenessSessions({ evidenceKey: key }));
const redis = await startRedis();
try {
  results.recordRedis = await recordCost(createLivenessSessions({ store: createRedisStore(redis.client()), evidenceKey: key }));

  const jpegs = await Promise.all(Array.from({ length: 16 }, (_, i) => frame(i)));
  results.jpegBytes = jpegs[0].length;
  results.fingerprint = await measure(RUNS, (i) => jpegs[i % jpegs.length], (jpeg) => replay.fingerprint(jpeg));
  const claimCost = (store) =>
    measure(
      RUNS,
      async (i) => ({ sha: createHash('sha256').update(randomBytes(16)).digest('hex'), fp: await replay.fingerprint(jpegs[i % jpegs.length]) }),
      ({ sha, fp }) => replay.claimImage(store, randomBytes(16).toString('base64url'), sha, fp, 3_600_000),
    );
  results.claimMemory = await claimCost(createMemoryStore());
  results.claimRedis = await claimCost(createRedisStore(redis.client()));
} finally {
  await redis.stop();
}

if (values.json) {
  console.log(JSON.stringify(results, null, 2));
} else {
  const line = (name, s, goal = '') => console.log(`  ${name.padEnd(38)} median ${ms(s.median)}, p95 ${ms(s.p95)} (${s.runs} runs)${goal}`);
  console.log(`evidence and replay, node ${process.version}:`);
  line('Ed25519 signature of a record', results.sign);
  line('write a record, memory store', results.recordMemory, '  (goal: median <= 2 ms)');
  line('write a record, Redis on loopback', results.recordRedis, '  (goal: median <= 2 ms)');
  line(`fingerprint, 1280x720 JPEG ${(results.jpegBytes / 1024).toFixed(0)} KiB`, results.fingerprint, '  (goal: median <= 5 ms)');
  line('replay claim (no decode), memory store', results.claimMemory);
  line('replay claim (no decode), Redis', results.claimRedis);
}
