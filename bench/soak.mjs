#!/usr/bin/env node
// Long-session check (a benchmark, not a test: it takes minutes). One <liveness-capture> detects the fake camera's
// face (capture-mode manual, so it never captures) for --minutes; every 15 s it records the page's and the
// worker's JS heap after a forced GC, the VideoFrames the worker holds and the results awaiting the page's answer.
// Then start/stop --cycles times, with the same figures before and after. Prints a table and a verdict line per
// figure (growth from the first to the last quarter), and writes them to .cache/soak.json.
// Usage: node bench/soak.mjs [--minutes 5] [--cycles 50]
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildApp, serve, video } from './peers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { minutes: { type: 'string', default: '5' }, cycles: { type: 'string', default: '50' } } });
const MINUTES = Number(values.minutes);
const CYCLES = Number(values.cycles);

await buildApp();
const server = await serve();
const origin = `http://127.0.0.1:${server.address().port}`;
const { default: puppeteer } = await import('puppeteer-core');
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', headless: true, protocolTimeout: 600_000,
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video(1280, 720)}`],
});
const page = await browser.newPage();
await page.goto(`${origin}/.cache/bench-peers/app/index.html`, { waitUntil: 'load' });
await page.waitForFunction(() => window.bench);
const cdp = await page.createCDPSession();

/** JS heap in use after a forced GC, in MB, for the page and for every worker it has. */
async function heaps() {
  await cdp.send('HeapProfiler.collectGarbage');
  const main = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  let workers = 0;
  for (const w of page.workers()) {
    const client = w.client;
    await client.send('HeapProfiler.enable').catch(() => {});
    await client.send('HeapProfiler.collectGarbage').catch(() => {});
    workers += (await client.send('Runtime.getHeapUsage')).usedSize;
  }
  return { mainMB: main / 1e6, workerMB: workers / 1e6, workers: page.workers().length };
}

const rows = [];
console.log(`status after start: ${await page.evaluate(() => window.bench.soak.start())}`);
const t0 = Date.now();
const until = t0 + MINUTES * 60_000;
for (;;) {
  const s = await page.evaluate(() => window.bench.soak.sample());
  const h = await heaps();
  const row = { t: Math.round((Date.now() - t0) / 1000), ...h, ...s };
  rows.push(row);
  console.log(JSON.stringify(row));
  if (Date.now() >= until) break;
  await new Promise((r) => setTimeout(r, 15_000));
}
const beforeCycles = await heaps();
const statuses = [];
for (let i = 0; i < CYCLES; i++) statuses.push(await page.evaluate(() => window.bench.soak.cycle()));
const afterCycles = await heaps();
const tracks = await page.evaluate(() => document.querySelector('liveness-capture').shadowRoot.querySelector('video').srcObject);
await browser.close();
server.close();

const quarter = Math.max(1, Math.floor(rows.length / 4));
const mean = (list, k) => list.reduce((a, r) => a + r[k], 0) / list.length;
const first = rows.slice(0, quarter);
const last = rows.slice(-quarter);
const lines = [
  `Detection for ${MINUTES} min (${rows.at(-1).detections} detections, ${rows.length} samples), first vs last quarter:`,
  `- page JS heap: ${mean(first, 'mainMB').toFixed(2)} → ${mean(last, 'mainMB').toFixed(2)} MB`,
  `- worker JS heap: ${mean(first, 'workerMB').toFixed(2)} → ${mean(last, 'workerMB').toFixed(2)} MB`,
  `- VideoFrames open in the worker: max ${Math.max(...rows.map((r) => r.openFrames))} (at most one is held while the page answers)`,
  `- results awaiting the page's answer: max ${Math.max(...rows.map((r) => r.inFlight))}`,
  `${CYCLES} start/stop cycles (every one reached detecting: ${statuses.every((s) => s === 'detecting') && statuses.length === CYCLES}):`,
  `- page JS heap ${beforeCycles.mainMB.toFixed(2)} → ${afterCycles.mainMB.toFixed(2)} MB, worker heap ${beforeCycles.workerMB.toFixed(2)} → ${afterCycles.workerMB.toFixed(2)} MB, workers ${beforeCycles.workers} → ${afterCycles.workers}, camera attached after stop: ${tracks !== null}`,
];
console.log(`\n${lines.join('\n')}`);
writeFileSync(join(root, '.cache', 'soak.json'), JSON.stringify({ rows, beforeCycles, afterCycles, statuses, summary: lines }, null, 2));
