#!/usr/bin/env node
// Side-by-side benchmark (prints and records numbers; nothing asserts on them): the same fake-camera video (the
// astronaut photo, a real face) at 640x480, 1280x720 and 1920x1080, in headless Debian Chromium, for
//   preview   a plain <video> of the camera, no detection (the baseline),
//   element   <liveness-capture> as built (dist/), detection in its worker (and preloaded),
//   element-main  the same element where workers cannot run the detector (its main-thread fallback),
//   mediapipe MediaPipe FaceDetector on the main thread, detectForVideo per frame as its docs show (CPU delegate),
//   human     @vladmandic/human BlazeFace, tfjs wasm backend, per frame,
//   faceapi   @vladmandic/face-api TinyFaceDetector, tfjs wasm backend, per frame.
// Per peer and size: detection latency (median, p95: for the element, the worker's time per frame), main-thread
// long-task share, rAF gap p95, detections per second, start → detecting (cold, and preloaded for the element), bytes
// transferred. Also the 320 px detection input against full resolution on real photos (box error). Writes
// bench/RESULTS.md (between its peers markers) and bench/peers.svg.
// Usage: node bench/peers.mjs [--seconds 6] [--sizes 640x480,1280x720,1920x1080] [--peers ...] [--faces DIR]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stamp } from './stamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  strict: false,
  options: {
    seconds: { type: 'string', default: '6' },
    sizes: { type: 'string', default: '640x480,1280x720,1920x1080' },
    peers: { type: 'string', default: 'preview,element,element-main,mediapipe,human,faceapi' },
    faces: { type: 'string', default: join(root, 'test', 'fixtures', 'faces') },
    'no-write': { type: 'boolean' },
  },
});
/** Date, commit and machine, taken before anything runs (the load average then). */
const STAMP = stamp({ browser: true });
const SECONDS = Number(values.seconds);
const SIZES = values.sizes.split(',').map((s) => s.split('x').map(Number));
const PEERS = values.peers.split(',');
const cache = join(root, '.cache', 'bench-peers');
const app = join(cache, 'app');

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] : NaN);
  return { n: s.length, median: at(0.5), p95: at(0.95) };
}

// ---- Build: the page script with the built element, the worker beside it, the element's assets under assets/ ----
export async function buildApp() {
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('run npm run build first');
  rmSync(app, { recursive: true, force: true });
  const { build } = await import('esbuild');
  const common = { bundle: true, format: 'esm', platform: 'browser', minify: true, logLevel: 'error', conditions: ['browser', 'production'] };
  await build({ ...common, entryPoints: { page: join(root, 'bench', 'peers-page.js') }, splitting: true, outdir: app });
  await build({ ...common, entryPoints: { 'detector-worker': join(root, 'dist', 'detector-worker.js') }, outdir: app });
  cpSync(join(root, 'dist', 'assets'), join(app, 'assets'), { recursive: true });
  writeFileSync(join(app, 'index.html'), '<!doctype html><html lang="en"><body><script type="module" src="./page.js"></script></body></html>');
}

// ---- Videos: the astronaut photo, face about 40% of the frame height, at each size --------------------------------
export function video(w, h) {
  mkdirSync(cache, { recursive: true });
  const file = join(cache, `face-${w}x${h}.mjpeg`);
  if (existsSync(file)) return file;
  const faceH = Math.round(h);
  const filter = `crop=250:240:100:0,scale=-2:${faceH},pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=0x808080,format=yuvj420p`;
  const r = spawnSync('ffmpeg', ['-y', '-loglevel', 'error', '-loop', '1', '-i', join(root, 'test', 'fixtures', 'astronaut.png'),
    '-vf', filter, '-t', '2', '-r', '30', '-q:v', '3', '-f', 'mjpeg', file], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('ffmpeg failed');
  return file;
}

// ---- Server: the repository root (node_modules, src/assets) and the bench app; one backend route ------------------
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg' };
export function serve() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/backend/antispoofing') {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: true, message: 'ok', model_output: { pred_idx: 'real', prob_real: 0.99 } })));
      return;
    }
    const file = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) return void res.writeHead(404).end();
    const body = readFileSync(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length, 'cache-control': 'no-store' }).end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  await buildApp();
  const server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const { default: puppeteer } = await import('puppeteer-core');
  const results = [];
  let boxes = [];
  for (const [w, h] of SIZES) {
    const browser = await puppeteer.launch({
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', headless: true, protocolTimeout: 600_000,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
        '--autoplay-policy=no-user-gesture-required', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video(w, h)}`],
    });
    const runs = PEERS.flatMap((p) => (p === 'element' ? [['element', false], ['element', true]] : [[p, false]]));
    for (const [peer, preload] of runs) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setCacheEnabled(false);
      let bytes = 0;
      const foreign = [];
      page.on('requestfinished', (r) => {
        if (!r.url().startsWith(origin)) foreign.push(r.url());
        bytes += Number(r.response()?.headers()['content-length'] ?? 0);
      });
      const label = preload ? 'element (preloaded)' : peer;
      try {
        await page.goto(`${origin}/.cache/bench-peers/app/index.html`, { waitUntil: 'load' });
        await page.waitForFunction(() => window.bench);
        const r = await page.evaluate((peer, opts) => window.bench.peers[peer](opts), peer, { width: w, height: h, seconds: SECONDS, preload });
        const lat = stats(r.latencies);
        const gaps = stats(r.rafGaps);
        const measure = r.measures?.length ? stats(r.measures) : null;
        const row = {
          size: `${w}x${h}`, peer: label, video: r.video?.join('x'), backend: r.backend, startMs: r.startMs,
          latencyMedian: lat.median, latencyP95: lat.p95, detectionsPerSecond: r.detectionsPerSecond, longTaskShare: r.longTaskShare,
          rafGapP95: gaps.p95, rafPerSecond: r.rafFrames / (r.spanMs / 1000), bytes, foreign: foreign.length,
          ...(measure ? { measureMedian: measure.median, measureP95: measure.p95 } : {}),
        };
        results.push(row);
        console.log(JSON.stringify(row));
      } catch (error) {
        console.log(`${label} at ${w}x${h} failed: ${error.message.split('\n')[0]}`);
        results.push({ size: `${w}x${h}`, peer: label, error: error.message.split('\n')[0] });
      } finally {
        await page.close().catch(() => {});
        await Promise.race([context.close().catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
      }
    }
    if (w === 1280 && !boxes.length) {
      const page = await browser.newPage();
      await page.goto(`${origin}/.cache/bench-peers/app/index.html`, { waitUntil: 'load' });
      const photos = [join(root, 'test', 'fixtures', 'astronaut.png'),
        ...(existsSync(values.faces) ? readdirSync(values.faces).filter((f) => /\.(jpe?g|png)$/i.test(f)).map((f) => join(resolve(values.faces), f)) : [])];
      const urls = photos.filter((p) => p.startsWith(root)).map((p) => p.slice(root.length));
      boxes = await page.evaluate((urls) => window.bench.boxError(urls), urls);
      await page.close();
    }
    await browser.close();
  }
  server.close();
  report(results, boxes);
}

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');

function report(results, boxes) {
  const lines = [];
  lines.push(`${STAMP} ${SECONDS} s per measurement, load average at the end ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}.`, '');
  lines.push('| size | detector | start → detecting (ms) | detection median / p95 (ms) | detections/s | main thread in long tasks | rAF gap p95 (ms) | rAF/s | bytes transferred |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    if (r.error) {
      lines.push(`| ${r.size} | ${r.peer} | failed: ${r.error} ||||||| |`);
      continue;
    }
    lines.push(`| ${r.size} | ${r.peer}${r.backend ? ` (${r.backend})` : ''} | ${f1(r.startMs)} | ${r.peer === 'preview' ? '—' : `${f1(r.latencyMedian)} / ${f1(r.latencyP95)}`} | ${f1(r.detectionsPerSecond)} | ${pct(r.longTaskShare)} | ${f1(r.rafGapP95)} | ${f1(r.rafPerSecond)} | ${(r.bytes / 1e6).toFixed(2)} MB |`);
  }
  lines.push('', 'Goals (from the same run):', '');
  const get = (size, peer) => results.find((r) => r.size === size && r.peer === peer && !r.error);
  const el = get('1280x720', 'element');
  const pre = get('1280x720', 'element (preloaded)');
  const preview = get('1280x720', 'preview');
  if (el) {
    lines.push(`- long tasks at 1280x720: ${pct(el.longTaskShare)} (goal ≤ 5%)`);
    if (el.measureMedian !== undefined) {
      lines.push(`- integrity frame measurements (in the worker, part of its time per frame; none on the main thread): ${el.measureMedian.toFixed(3)} ms median / ${el.measureP95.toFixed(3)} ms p95 per detected frame at 1280x720`);
    }
    if (preview) lines.push(`- rAF gap p95 at 1280x720: ${f1(el.rafGapP95)} ms = ${(el.rafGapP95 / preview.rafGapP95).toFixed(2)}x the plain preview's ${f1(preview.rafGapP95)} ms (goal ≤ 2x)`);
    lines.push(`- detection median at 1280x720: ${f1(el.latencyMedian)} ms in the worker (goal ≤ 10 ms)`);
    for (const peer of ['mediapipe', 'human', 'faceapi']) {
      const p = get('1280x720', peer);
      if (p) lines.push(`- main-thread long-task share vs ${peer}: ${pct(p.longTaskShare)} / ${pct(el.longTaskShare)} = ${el.longTaskShare > 0 ? `${(p.longTaskShare / el.longTaskShare).toFixed(0)}x` : '∞ (no long task)'} lower (goal ≥ 10x)`);
    }
    lines.push(`- start() → detecting: cold ${f1(el.startMs)} ms (goal: no worse than 660 ms)${pre ? `, preloaded ${f1(pre.startMs)} ms (goal ≤ 300 ms)` : ''}`);
  }
  if (boxes.length) {
    const ok = boxes.filter((b) => Number.isFinite(b.share));
    const shares = ok.map((b) => b.share).sort((a, b) => a - b);
    lines.push('', `Detector input at 320 px against full resolution, real photos (each drawn into a frame of that size): ${ok.length} of ${boxes.length} found one face at both; box error (largest of x, y, width, height difference, as a share of the box width) median ${pct(stats(shares).median)}, max ${pct(shares.at(-1))}.`, '');
    lines.push('| photo | frame | faces full / 320 px | box (px) | largest difference (px) | share |', '|---|---|---|---:|---:|---:|');
    for (const b of boxes) lines.push(`| ${b.url} | ${b.frame} | ${b.full} / ${b.scaled} | ${f1(b.box)} | ${f1(b.maxPx)} | ${pct(b.share)} |`);
  }
  const text = lines.join('\n');
  console.log(`\n${text}`);
  if (values['no-write']) return;
  const file = join(root, 'bench', 'RESULTS.md');
  const md = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const block = `<!-- peers:start -->\n## Side by side with the peers (\`npm run bench\`)\n\n![Main-thread long tasks and detection time per detector](peers.svg)\n\n${text}\n<!-- peers:end -->`;
  writeFileSync(file, /<!-- peers:start -->[\s\S]*<!-- peers:end -->/.test(md) ? md.replace(/<!-- peers:start -->[\s\S]*<!-- peers:end -->/, block) : md.replace(/\n/, `\n\n${block}\n`));
  writeFileSync(join(root, 'bench', 'peers.svg'), chart(results));
}

/** Two bar groups per size: main-thread long-task share and detection median, one bar per detector. */
function chart(results) {
  const peers = ['element', 'mediapipe', 'human', 'faceapi'];
  const colours = { element: '#2563eb', mediapipe: '#d64545', human: '#e0a526', faceapi: '#1f9d55' };
  const sizes = [...new Set(results.map((r) => r.size))];
  const W = 760;
  const panelH = 200;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${2 * panelH + 90}" font-family="system-ui, sans-serif" font-size="12">`, `<rect width="100%" height="100%" fill="#fff"/>`];
  const panel = (y0, title, value, max, fmt) => {
    out.push(`<text x="10" y="${y0 + 16}" font-weight="bold">${title}</text>`);
    const groupW = (W - 80) / sizes.length;
    sizes.forEach((size, i) => {
      const gx = 60 + i * groupW;
      out.push(`<text x="${gx + groupW / 2 - 30}" y="${y0 + panelH - 4}">${size}</text>`);
      peers.forEach((p, j) => {
        const r = results.find((x) => x.size === size && x.peer === p && !x.error);
        const v = r ? value(r) : NaN;
        const bw = (groupW - 30) / peers.length;
        const h = Number.isFinite(v) ? Math.max(1, (v / max) * (panelH - 50)) : 0;
        const x = gx + j * bw;
        const y = y0 + panelH - 20 - h;
        out.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(bw - 4).toFixed(1)}" height="${h.toFixed(1)}" fill="${colours[p]}"/>`);
        out.push(`<text x="${(x + 1).toFixed(1)}" y="${(y - 3).toFixed(1)}" font-size="10">${Number.isFinite(v) ? fmt(v) : 'n/a'}</text>`);
      });
    });
  };
  const maxLat = Math.max(1, ...results.filter((r) => peers.includes(r.peer) && Number.isFinite(r.latencyMedian)).map((r) => r.latencyMedian));
  panel(10, 'Main thread in long tasks while detecting (lower is better)', (r) => r.longTaskShare * 100, 100, (v) => `${v.toFixed(0)}%`);
  panel(20 + panelH, 'Detection time per frame, median ms (element: in its worker)', (r) => r.latencyMedian, maxLat, (v) => v.toFixed(0));
  peers.forEach((p, j) => {
    out.push(`<rect x="${60 + j * 150}" y="${2 * panelH + 55}" width="12" height="12" fill="${colours[p]}"/><text x="${78 + j * 150}" y="${2 * panelH + 66}">${p === 'element' ? 'liveness-capture' : p === 'mediapipe' ? 'MediaPipe main thread' : p === 'human' ? '@vladmandic/human' : '@vladmandic/face-api'}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
