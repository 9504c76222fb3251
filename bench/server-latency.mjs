#!/usr/bin/env node
// Prints server latency numbers (no assertions):
//  - local mode: round trip of POST {"data": base64 JPEG} through the real handler on loopback, for 1280x720
//    and 1920x1080 JPEGs made from test/fixtures/astronaut.png with the face filling most of the frame;
//  - proxy mode: the time the proxy adds over calling a fake upstream directly, both on loopback.
// Usage: npx tsc -p tsconfig.server.json && node bench/server-latency.mjs [--runs 20] [--proxy-runs 200] [--json]
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

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
const { createNodeServer } = server;

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

const results = { local: {}, proxy: {} };

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
}
