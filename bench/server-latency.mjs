#!/usr/bin/env node
// Prints server latency numbers (no assertions):
//  - local mode: round trip of POST {"data": base64 JPEG} through the real handler on loopback, for 1280x720
//    and 1920x1080 JPEGs made from test/fixtures/astronaut.png with the face filling most of the frame;
//  - proxy mode: the time the proxy adds over calling a fake upstream directly, both on loopback;
//  - sessions: the time a session check adds per request with the store in a real redis-server on loopback;
//  - local mode under load: throughput and answers of concurrent clients against the concurrency cap.
// Usage: npx tsc -p tsconfig.server.json && node bench/server-latency.mjs [--runs 20] [--proxy-runs 200] [--json]
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { startRedis } from '../scripts/redis.mjs';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '20' }, 'proxy-runs': { type: 'string', default: '200' }, json: { type: 'boolean' } },
});
const RUNS = Number(values.runs);
const PROXY_RUNS = Number(values['proxy-runs']);

let server;
try {
  server = await import('../dist/server/index.js');
} catch (error) {
  console.error('dist/server is missing or stale: run `npx tsc -p tsconfig.server.json` first.', error.message);
  process.exit(1);
}
const { createNodeServer, createRedisStore } = server;

const astronaut = fileURLToPath(new URL('../test/fixtures/astronaut.png', import.meta.url));

/** A width x height JPEG: the astronaut's face (about 100 px in the photo) scaled to fill the frame height. */
async function frame(width, height) {
  const faceHeight = height;
  const faceWidth = Math.round((250 / 240) * faceHeight);
  const face = await sharp(astronaut).extract({ left: 100, top: 0, width: 250, height: 240 }).resize(faceWidth, faceHeight).toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#808080' } })
    .composite([{ input: face, left: Math.round((width - faceWidth) / 2), top: 0 }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

function listen(s) {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${s.address().port}`)));
}
function stop(s) {
  return new Promise((resolve) => {
    s.closeAllConnections();
    s.close(() => resolve());
  });
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { runs: sorted.length, median: at(0.5), p95: at(0.95), min: sorted[0], max: sorted.at(-1) };
}
const ms = (x) => `${x.toFixed(1)} ms`;

async function time(url, body, headers = {}) {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const json = await res.json();
  return { ms: performance.now() - started, json, status: res.status };
}

const results = { local: {}, proxy: {}, sessions: {}, load: {} };

// ---- local mode
const local = createNodeServer({ env: {}, mode: 'local', log: false });
const localUrl = await listen(local);
const loadStart = performance.now();
await local.handler.warmUp();
results.local.modelLoadMs = performance.now() - loadStart;
for (const [w, h] of [[1280, 720], [1920, 1080]]) {
  const jpeg = await frame(w, h);
  const body = JSON.stringify({ data: jpeg.toString('base64') });
  const first = await time(localUrl, body); // warm-up, not counted
  await time(localUrl, body);
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push((await time(localUrl, body)).ms);
  results.local[`${w}x${h}`] = { jpegBytes: jpeg.length, bodyBytes: Buffer.byteLength(body), firstMs: first.ms, answer: first.json, ...stats(samples) };
}

// ---- local mode under load: closed-loop clients, more of them than the concurrency cap
{
  const jpeg = await frame(1280, 720);
  const body = JSON.stringify({ data: jpeg.toString('base64') });
  const cap = local.handler.config.maxConcurrent;
  for (const clients of [cap, cap * 2]) {
    const perClient = Math.max(2, Math.round(RUNS / 4));
    const statuses = {};
    const answered = [];
    const started = performance.now();
    await Promise.all(Array.from({ length: clients }, async () => {
      for (let i = 0; i < perClient; i++) {
        const r = await time(localUrl, body);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status === 200) answered.push(r.ms);
        else await new Promise((resolve) => setTimeout(resolve, 50)); // a polite client backs off a little
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    results.load[`${clients} clients`] = {
      cap,
      statuses,
      scoredPerSecond: (statuses[200] ?? 0) / seconds,
      answered: answered.length ? stats(answered) : null,
    };
  }
}
await stop(local);

// ---- proxy mode: added latency over a direct call to the same fake upstream
const answer = '{"success": true, "message": "Process finished successfully", "model_output": {"pred_idx": "real", "prob_real": 0.9997915625572205}}';
const upstream = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(answer);
  });
});
const upstreamUrl = await listen(upstream);
const proxy = createNodeServer({ env: {}, apiKey: 'bench-key', baseUrl: upstreamUrl, log: false });
const proxyUrl = await listen(proxy);
const bodies = {
  '1280x720 JPEG': JSON.stringify({ data: (await frame(1280, 720)).toString('base64') }),
  // Near the limit: what a high-quality capture can weigh (the fake upstream does not decode it).
  '7.5 MB image': JSON.stringify({ data: randomBytes(7_500_000).toString('base64') }),
};
for (const [name, body] of Object.entries(bodies)) {
  const runs = Buffer.byteLength(body) > 1_000_000 ? Math.max(10, Math.round(PROXY_RUNS / 4)) : PROXY_RUNS;
  for (let i = 0; i < 5; i++) {
    await time(`${upstreamUrl}/antispoofing`, body, { 'x-api-key': 'bench-key' });
    await time(proxyUrl, body);
  }
  const direct = [];
  const viaProxy = [];
  for (let i = 0; i < runs; i++) {
    // Interleaved so both see the same machine conditions.
    direct.push((await time(`${upstreamUrl}/antispoofing`, body, { 'x-api-key': 'bench-key' })).ms);
    viaProxy.push((await time(proxyUrl, body)).ms);
  }
  const d = stats(direct);
  const v = stats(viaProxy);
  results.proxy[name] = {
    bodyBytes: Buffer.byteLength(body),
    direct: d,
    viaProxy: v,
    addedMedianMs: v.median - d.median,
    addedP95Ms: v.p95 - d.p95,
  };
}
await stop(proxy);

// ---- sessions: what a session check adds per request, store in a real redis-server on loopback
{
  const redis = await startRedis();
  const secret = randomBytes(32).toString('hex');
  const plain = createNodeServer({ env: {}, apiKey: 'bench-key', baseUrl: upstreamUrl, log: false, verdictSecret: secret, sessions: 'off' });
  const bound = createNodeServer({ env: {}, apiKey: 'bench-key', baseUrl: upstreamUrl, log: false, verdictSecret: secret, store: createRedisStore(redis.client()) });
  const plainUrl = await listen(plain);
  const boundUrl = await listen(bound);
  const image = () => JSON.stringify({ data: randomBytes(30_000).toString('base64') }); // a new image each time: no replay
  for (let i = 0; i < 10; i++) {
    await time(plainUrl, image());
    await time(boundUrl, image(), { 'x-liveness-session': (await bound.handler.sessions.createSession()).id });
  }
  const off = [];
  const on = [];
  for (let i = 0; i < PROXY_RUNS; i++) {
    const id = (await bound.handler.sessions.createSession()).id; // opened by the page's server: not timed
    off.push((await time(plainUrl, image())).ms);
    const r = await time(boundUrl, image(), { 'x-liveness-session': id });
    if (r.json.verdict?.decision !== 'pass') throw new Error(`session request not scored: ${JSON.stringify(r.json)}`);
    on.push(r.ms);
  }
  const createTimes = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await bound.handler.sessions.createSession({ subject: `user-${i}` });
    createTimes.push(performance.now() - t);
  }
  const a = stats(off);
  const b = stats(on);
  results.sessions = { withoutSessions: a, withRedisSessions: b, addedMedianMs: b.median - a.median, addedP95Ms: b.p95 - a.p95, createSession: stats(createTimes) };
  await stop(plain);
  await stop(bound);
  await redis.stop();
}
await stop(upstream);

if (values.json) {
  console.log(JSON.stringify(results, null, 2));
} else {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  console.log(`local mode (in-process models; load ${ms(results.local.modelLoadMs)}), ${RUNS} runs each after warm-up:`);
  for (const size of ['1280x720', '1920x1080']) {
    const r = results.local[size];
    const verdict = r.answer.success ? `prob_real ${r.answer.model_output.prob_real.toFixed(4)}` : r.answer.error_code;
    console.log(
      `  ${size.padEnd(9)} JPEG ${(r.jpegBytes / 1024).toFixed(0)} KiB: median ${ms(r.median)}, p95 ${ms(r.p95)} (min ${ms(r.min)}, max ${ms(r.max)}; first ${ms(r.firstMs)}; ${verdict})`,
    );
  }
  console.log(`proxy mode, fake upstream on loopback, direct and proxied calls interleaved:`);
  for (const [name, p] of Object.entries(results.proxy)) {
    console.log(`  ${name} (${(p.bodyBytes / 1024).toFixed(0)} KiB body, ${p.direct.runs} runs):`);
    console.log(`    direct call:    median ${ms(p.direct.median)}, p95 ${ms(p.direct.p95)}`);
    console.log(`    through proxy:  median ${ms(p.viaProxy.median)}, p95 ${ms(p.viaProxy.p95)}`);
    console.log(`    added by proxy: median ${ms(p.addedMedianMs)}, p95 ${ms(p.addedP95Ms)}`);
  }
  const s = results.sessions;
  console.log(`sessions, store in redis-server on loopback, proxy mode, ${s.withoutSessions.runs} interleaved runs (30 KB images):`);
  console.log(`  sessions off:        median ${ms(s.withoutSessions.median)}, p95 ${ms(s.withoutSessions.p95)}`);
  console.log(`  session in Redis:    median ${ms(s.withRedisSessions.median)}, p95 ${ms(s.withRedisSessions.p95)}`);
  console.log(`  added per request:   median ${ms(s.addedMedianMs)}, p95 ${ms(s.addedP95Ms)}  (target: median under 2 ms)`);
  console.log(`  createSession():     median ${ms(s.createSession.median)}, p95 ${ms(s.createSession.p95)}`);
  console.log(`local mode under load (1280x720 JPEG, concurrency cap ${Object.values(results.load)[0]?.cap}):`);
  for (const [name, l] of Object.entries(results.load)) {
    const answered = l.answered ? `; scored answers median ${ms(l.answered.median)}, p95 ${ms(l.answered.p95)}` : '';
    console.log(`  ${name.padEnd(10)}: ${l.scoredPerSecond.toFixed(1)} scored/s, statuses ${JSON.stringify(l.statuses)}${answered}`);
  }
}
