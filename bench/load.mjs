#!/usr/bin/env node
// Load, measured (prints numbers; exits 1 only when the integrity check fails):
//  - two `liveness-capture-server` processes sharing one real redis-server, in proxy mode in front of a loopback
//    upstream that answers every call after exactly 50 ms;
//  - each check in a session of its own (opened beforehand, not timed), with a real JPEG of about 100 KB made from
//    test/fixtures/astronaut.png, each one different enough not to be a replay of another;
//  - N concurrent clients (half on each instance) for a fixed time per level, bounded by a count of checks too;
//  - reported: throughput, latency and overhead over the upstream's 50 ms (p50, p99), answers other than a
//    verdict, memory of each instance before and after, and the integrity check: every session answered with a
//    verdict is decided exactly once with one attempt, every decided session's image reached the upstream, every
//    upstream call decided a session, and no session answered otherwise was decided.
// Loopback only. Usage: npm run bench:load [-- --quick] [--levels 50,200,500] [--seconds 20] [--max-checks 6000] [--json]
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Agent, createServer, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { startRedis } from '../scripts/redis.mjs';
import { stamp } from './stamp.mjs';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    levels: { type: 'string', default: '50,200,500' },
    seconds: { type: 'string' },
    'max-checks': { type: 'string' },
    json: { type: 'boolean' },
  },
});
const LEVELS = values.levels.split(',').map(Number);
const SECONDS = Number(values.seconds ?? (values.quick ? 3 : 20));
const MAX_CHECKS = Number(values['max-checks'] ?? (values.quick ? 600 : 6000));
const UPSTREAM_MS = 50;
const TOKEN = 'bench-admin-token-0123456789abcdef';
const CLI = fileURLToPath(new URL('../dist/server/adapters/cli.js', import.meta.url));
const astronaut = fileURLToPath(new URL('../test/fixtures/astronaut.png', import.meta.url));
const log = (line) => process.stderr.write(`${line}\n`);
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

// ---- images: one photo, each copy with its own pattern of brightness offsets (16 x 16 cells, ±12 levels), so
// that no two are within the replay distance of each other; about 100 KB as JPEG.
const WIDTH = 960;
const HEIGHT = 720;
const base = await sharp(astronaut).resize(WIDTH, HEIGHT, { fit: 'cover' }).removeAlpha().raw().toBuffer();
async function uniqueJpeg() {
  const pixels = Buffer.from(base);
  const cells = 16;
  const offsets = Array.from({ length: cells * cells }, () => Math.round(Math.random() * 24 - 12));
  for (let y = 0; y < HEIGHT; y++) {
    const row = Math.floor((y * cells) / HEIGHT) * cells;
    for (let x = 0; x < WIDTH; x++) {
      const offset = offsets[row + Math.floor((x * cells) / WIDTH)];
      for (let c = 0; c < 3; c++) {
        const i = (y * WIDTH + x) * 3 + c;
        pixels[i] = Math.max(0, Math.min(255, pixels[i] + offset));
      }
    }
  }
  return sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
}

// ---- the upstream: answers after exactly UPSTREAM_MS, records the hash of every image it was asked about.
const seen = new Map();
let upstreamCalls = 0;
const upstream = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    upstreamCalls += 1;
    try {
      const hash = sha256(Buffer.from(JSON.parse(Buffer.concat(chunks).toString()).data, 'base64'));
      seen.set(hash, (seen.get(hash) ?? 0) + 1);
    } catch {
      // counted as a call; an unreadable body is no image
    }
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"success":true,"message":"Process finished successfully","model_output":{"pred_idx":"real","prob_real":0.9}}');
    }, UPSTREAM_MS);
  });
});
upstream.keepAliveTimeout = 60_000;
await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const upstreamUrl = `http://127.0.0.1:${upstream.address().port}`;

// ---- Redis and the two instances
const redis = await startRedis();
function startInstance() {
  const child = spawn(
    process.execPath,
    [CLI, '--port', '0', '--quiet', '--trust-proxy', '--max-concurrent', '1024', '--metrics-port', '0'],
    {
      env: {
        PATH: process.env.PATH,
        SPOOFSENSE_API_KEY: 'bench-key-0123456789',
        SPOOFSENSE_BASE_URL: upstreamUrl,
        LIVENESS_ADMIN_TOKEN: TOKEN,
        LIVENESS_REDIS_URL: redis.url,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (c) => {
      stderr += c;
      const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      const metrics = /metrics on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url && metrics) resolve({ child, url, metrics });
    });
    child.once('exit', (code) => reject(new Error(`an instance exited (${code}):\n${stderr}`)));
  });
}
const instances = [await startInstance(), await startInstance()];

// A new agent per level: a kept-alive socket left idle between levels (the server closes it after 5 s) would be
// reused just as the server closes it.
let agent = new Agent({ keepAlive: true, maxSockets: Math.max(...LEVELS) + 64 });
/** One request; resolves to { status, json, ms }. Never rejects: a failed request is status 0. */
function send(url, { method = 'GET', headers = {}, body } = {}) {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { method, agent, headers });
    req.on('error', (error) => resolve({ status: 0, json: { error_code: error.code ?? 'NETWORK' }, ms: performance.now() - started }));
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', () => resolve({ status: 0, json: { error_code: 'ECONNRESET' }, ms: performance.now() - started }));
      res.on('end', () => {
        const ms = performance.now() - started;
        const text = Buffer.concat(chunks).toString();
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          json = { text };
        }
        resolve({ status: res.statusCode, json, ms });
      });
    });
    req.end(body);
  });
}
const admin = (instance, path, method = 'GET', body) =>
  send(`${instance.url}${path}`, { method, body, headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) } });

async function memory(instance) {
  const { json } = await send(`${instance.metrics}`);
  const text = json.text ?? '';
  const value = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    rssMiB: value('process_resident_memory_bytes') / 2 ** 20,
    heapMiB: value('nodejs_heap_size_used_bytes') / 2 ** 20,
    cpuSeconds: value('process_cpu_seconds_total'),
  };
}

/** Runs `count` tasks with at most `width` at once. */
async function pool(count, width, task) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, count) }, async () => {
    while (next < count) await task(next++);
  }));
}

/** Identical lines counted: "3 × line". */
function summarise(lines) {
  const counts = new Map();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return [...counts].map(([line, n]) => (n > 1 ? `${n} × ${line}` : line));
}

function quantile(sorted, q) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

let clientNumber = 0;
async function level(clients) {
  // Checks this level may make: its time at a generous rate, bounded by --max-checks.
  const count = Math.min(MAX_CHECKS, Math.ceil(SECONDS * clients * (1000 / UPSTREAM_MS)));
  log(`level ${clients}: making ${count} images and sessions...`);
  const items = [];
  await pool(count, 8, async (i) => {
    const image = await uniqueJpeg();
    const opened = await admin(instances[i % 2], '/sessions', 'POST', '{}');
    if (opened.status !== 201) throw new Error(`POST /sessions: ${opened.status} ${JSON.stringify(opened.json)}`);
    items[i] = { session: opened.json.id, hash: sha256(image), bytes: image.length, body: JSON.stringify({ data: image.toString('base64') }) };
  });
  agent.destroy();
  agent = new Agent({ keepAlive: true, maxSockets: Math.max(...LEVELS) + 64 });
  const memoryBefore = await Promise.all(instances.map(memory));
  const callsBefore = upstreamCalls;
  log(`level ${clients}: ${clients} clients for ${SECONDS} s (at most ${count} checks)...`);
  const answers = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    const instance = instances[c % 2];
    while (performance.now() < deadline && next < items.length) {
      const item = items[next++];
      clientNumber += 1;
      const address = `10.${(clientNumber >> 16) & 255}.${(clientNumber >> 8) & 255}.${clientNumber & 255}`;
      const answer = await send(instance.url, {
        method: 'POST',
        body: item.body,
        headers: { 'content-type': 'application/json', 'x-liveness-session': item.session, 'x-forwarded-for': address },
      });
      answers.push({ item, ...answer });
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const memoryAfter = await Promise.all(instances.map(memory));

  // ---- integrity: read every session used back from the store, through both instances.
  const problems = [];
  const results = new Array(answers.length);
  await pool(answers.length, 16, async (i) => {
    results[i] = await admin(instances[i % 2], `/sessions/${answers[i].item.session}`);
  });
  // Failures: a session answered with a verdict but not decided that way (lost), decided more than once or with
  // more than one attempt, a decided session whose image never reached the upstream, an image sent twice.
  // Notes: a session answered otherwise (e.g. 503) that was decided all the same (its write landed after its
  // answer), an upstream call that ended without a verdict answer.
  const notes = [];
  let decided = 0;
  let verdicts = 0;
  answers.forEach((a, i) => {
    const result = results[i].json;
    const verdict = a.status === 200 && a.json?.verdict?.decision;
    const state = result?.state;
    const isDecided = state === 'passed' || state === 'failed';
    if (isDecided) decided += 1;
    if (isDecided && !seen.has(a.item.hash)) problems.push(`session ${state} without its image reaching the upstream`);
    if (isDecided && result.attempts !== 1) problems.push(`session ${state} with ${result.attempts} attempts`);
    if (verdict) {
      verdicts += 1;
      const expected = verdict === 'pass' ? 'passed' : 'failed';
      if (state !== expected) problems.push(`session answered ${verdict} is ${state}`);
    } else if (isDecided) {
      notes.push(`answered ${a.status} ${a.json?.error_code ?? ''} but ${state}`);
    }
  });
  const calls = upstreamCalls - callsBefore;
  if (calls !== verdicts) notes.push(`${calls} upstream calls for ${verdicts} verdicts`);
  for (const [hash, n] of seen) if (n > 1) problems.push(`image ${hash.slice(0, 12)} reached the upstream ${n} times`);

  const ok = answers.filter((a) => a.status === 200 && a.json?.verdict).map((a) => a.ms).sort((x, y) => x - y);
  const errors = {};
  for (const a of answers) {
    if (a.status === 200 && a.json?.verdict) continue;
    const key = `${a.status} ${a.json?.error_code ?? ''}`.trim();
    errors[key] = (errors[key] ?? 0) + 1;
  }
  return {
    clients,
    checks: answers.length,
    seconds: Math.round(elapsed * 10) / 10,
    throughput: Math.round(answers.length / elapsed),
    verdicts: ok.length,
    p50Ms: quantile(ok, 0.5),
    p99Ms: quantile(ok, 0.99),
    p50OverheadMs: quantile(ok, 0.5) - UPSTREAM_MS,
    p99OverheadMs: quantile(ok, 0.99) - UPSTREAM_MS,
    errors,
    // CPU time the two instances spent per check: what the check costs whatever the machine's load.
    cpuMsPerCheck: (memoryAfter.reduce((s, m, i) => s + m.cpuSeconds - memoryBefore[i].cpuSeconds, 0) * 1000) / Math.max(1, answers.length),
    meanImageKiB: Math.round(answers.reduce((s, a) => s + a.item.bytes, 0) / Math.max(1, answers.length) / 102.4) / 10,
    memory: instances.map((_, i) => ({ before: memoryBefore[i], after: memoryAfter[i] })),
    integrity: { decided, verdicts, upstreamCalls: calls, problems: problems.slice(0, 20), problemCount: problems.length, notes: summarise(notes) },
  };
}

const report = {
  stamp: stamp(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, node ${process.version}, ${process.platform}/${process.arch}`,
  loadBefore: loadavg().map((x) => x.toFixed(1)).join(' '),
  upstreamMs: UPSTREAM_MS,
  seconds: SECONDS,
  maxChecks: MAX_CHECKS,
  levels: [],
};
let failed = false;
try {
  for (const clients of LEVELS) {
    const result = await level(clients);
    report.levels.push(result);
    if (result.integrity.problemCount > 0) failed = true;
    log(`level ${clients}: ${result.checks} checks, ${result.throughput}/s, p99 overhead ${result.p99OverheadMs.toFixed(1)} ms, integrity ${result.integrity.problemCount === 0 ? 'ok' : 'FAILED'}`);
  }
} finally {
  for (const instance of instances) {
    instance.child.kill('SIGTERM');
    await once(instance.child, 'exit');
  }
  agent.destroy();
  await redis.stop();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
}
report.loadAfter = loadavg().map((x) => x.toFixed(1)).join(' ');

const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
if (values.json) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  console.log(`${report.stamp}\n`);
  console.log(`${report.machine}; load average ${report.loadBefore} before, ${report.loadAfter} after.`);
  console.log(`Upstream ${UPSTREAM_MS} ms; ${SECONDS} s per level, at most ${MAX_CHECKS} checks per level; mean image ${report.levels[0]?.meanImageKiB} KiB.\n`);
  console.log('| clients | checks | checks/s | p50 | p99 | p50 overhead | p99 overhead | instance CPU per check | not a verdict | RSS A (MiB) | RSS B (MiB) | integrity |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|');
  for (const l of report.levels) {
    const errors = Object.entries(l.errors).map(([k, n]) => `${n} × ${k}`).join(', ') || 'none';
    const rss = (m) => `${f(m.before.rssMiB)} → ${f(m.after.rssMiB)}`;
    const notes = l.integrity.notes.length ? `; note: ${l.integrity.notes.join('; ')}` : '';
    const integrity = (l.integrity.problemCount === 0
      ? `ok (${l.integrity.decided} decided once, ${l.integrity.upstreamCalls} upstream calls)`
      : `FAILED: ${summarise(l.integrity.problems).join('; ')}`) + notes;
    console.log(`| ${l.clients} | ${l.checks} | ${l.throughput} | ${f(l.p50Ms)} ms | ${f(l.p99Ms)} ms | ${f(l.p50OverheadMs)} ms | ${f(l.p99OverheadMs)} ms | ${f(l.cpuMsPerCheck)} ms | ${errors} | ${rss(l.memory[0])} | ${rss(l.memory[1])} | ${integrity} |`);
  }
}
process.exitCode = failed ? 1 : 0;
