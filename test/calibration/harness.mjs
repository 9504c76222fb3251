// The calibration harness: a loopback server with the built element (dist/), a contract handler, and Debian's
// Chromium whose fake camera plays one video per run. Used by calibration.test.mjs and scripts/calibrate.mjs.
/* global document */ // used inside page.evaluate, which runs in the browser
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { jpegSize } from '../support/mock-backend.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.png': 'image/png', '.jpg': 'image/jpeg', '.tflite': 'application/octet-stream', '.json': 'application/json' };
const LIVE = JSON.stringify({ success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.97 } });

const IMPORTS = {
  lit: '/node_modules/lit/index.js',
  'lit/': '/node_modules/lit/',
  'lit-html': '/node_modules/lit-html/lit-html.js',
  'lit-html/': '/node_modules/lit-html/',
  'lit-element/': '/node_modules/lit-element/',
  '@lit/reactive-element': '/node_modules/@lit/reactive-element/reactive-element.js',
  '@lit/reactive-element/': '/node_modules/@lit/reactive-element/',
  '@mediapipe/tasks-vision': '/node_modules/@mediapipe/tasks-vision/vision_bundle.mjs',
};

export const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<script type="importmap">${JSON.stringify({ imports: IMPORTS })}</script>
<style>body{margin:0;background:#222} liveness-capture{width:480px}</style></head><body></body></html>`;

/**
 * The contract's answer to a well-formed request: `{"data":"<base64 JPEG>"}` gets a live verdict; anything else
 * gets the contract's invalid-payload failure. Records what arrived.
 */
function backend(req, res, received) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let jpeg = null;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (typeof body.data === 'string') jpeg = jpegSize(Buffer.from(body.data, 'base64'));
    } catch {
      jpeg = null;
    }
    received.push({ path: req.url, jpeg });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(jpeg ? LIVE : JSON.stringify({ success: false, message: 'Invalid input image payload', error_code: 'INVALID_IMAGE_PAYLOAD' }));
  });
}

/** Serves the page, dist/, node_modules/ and test/fixtures/ from the repository, and POST /antispoofing. */
export async function startServer() {
  const received = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/antispoofing') return backend(req, res, received);
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(PAGE);
    }
    const file = normalize(join(root, decodeURIComponent(url.pathname)));
    const allowed = ['dist', 'node_modules', join('test', 'fixtures')].some((d) => file.startsWith(join(root, d)));
    if (!allowed || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, received, close: () => new Promise((r) => server.close(r)) };
}

export const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
  '--autoplay-policy=no-user-gesture-required',
];

/** Debian's Chromium with the fake camera playing `video` (.mjpeg), or no camera at all. */
export function launch(video, userDataDir) {
  const args = [...CHROMIUM_ARGS];
  // A profile kept between runs keeps the compiled wasm in Chromium's code cache: later runs start faster.
  if (userDataDir) args.push(`--user-data-dir=${userDataDir}`);
  if (video) args.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`);
  return puppeteer.launch({ executablePath: CHROMIUM, args, headless: true, protocolTimeout: 120_000 });
}


/** Frames a good placement may take, from `detecting` to the capture: 3 s of the 15 fps camera. */
export const CAPTURE_WITHIN_FRAMES = 45;
/** Frames a bad placement is watched: 6 s of the 15 fps camera, many times the steady hold. */
export const WATCH_FRAMES = 90;

/**
 * Plays one placement's video to the built element (default settings) and records, frame by frame, what the
 * guidance saw (box, hint, quality measurements: read from the real Guidance, whose `update` is wrapped, not
 * replaced), when the capture happened and what the backend answered. Stops at the verdict, or after
 * `frames` frames of `detecting` without one.
 */
export async function playPlacement(server, video, { frames = WATCH_FRAMES, stage = 480, screenshot, manual = false, profile } = {}) {
  const browser = await launch(video, profile);
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 720, height: 1100 });
    await page.goto(server.url);
    const result = await page.evaluate(async (frames, stage, manual) => {
      const { Guidance } = await import('/dist/guidance.js');
      const seen = [];
      const update = Guidance.prototype.update;
      Guidance.prototype.update = function (...args) {
        const [detections, w, h] = args;
        const s = update.apply(this, args);
        const q = s.quality;
        seen.push({
          faces: detections.length, w, h, hint: s.observed, shown: s.hint, ready: s.ready,
          box: s.face ? { ...s.face.box } : null, score: s.face?.score ?? null,
          quality: q ? { brightness: q.brightness, sharpness: q.sharpness, roll: q.roll, yaw: q.yaw } : null,
        });
        return s;
      };
      await import('/dist/index.js');
      const el = document.createElement('liveness-capture');
      el.setAttribute('endpoint', '/antispoofing');
      el.setAttribute('lang', 'en');
      if (manual) el.setAttribute('capture-mode', 'manual');
      el.style.width = `${stage}px`;
      document.body.append(el);
      const events = [];
      let capturedAt = -1;
      let guide = null;
      for (const t of ['liveness-capture', 'liveness-pass', 'liveness-fail', 'liveness-error']) {
        el.addEventListener(t, (e) => {
          events.push({ type: t, code: e.detail?.code ?? null });
          if (t === 'liveness-capture') {
            capturedAt = seen.length;
            const g = el.shadowRoot.querySelector('.guide').getBoundingClientRect();
            const st = el.shadowRoot.querySelector('.stage').getBoundingClientRect();
            guide = { x: g.x - st.x, y: g.y - st.y, width: g.width, height: g.height, stageWidth: st.width, stageHeight: st.height };
          }
        });
      }
      await el.start();
      const status = el.status;
      const done = () => events.some((e) => e.type !== 'liveness-capture') || (capturedAt < 0 && seen.length >= frames);

      while (!done() && status === 'detecting') await new Promise((r) => setTimeout(r, 50));
      return { status, final: el.status, events, capturedAt, frames: seen, guide };
    }, frames, stage, manual);
    if (screenshot) await (await page.$('liveness-capture')).screenshot({ path: screenshot });
    return result;
  } finally {
    await browser.close();
  }
}

/** Runs `fn(item, slot)` over `items`, `limit` at a time (slot 0..limit-1), keeping the order of the results. */
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    const slot = next;
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], slot);
    }
  }));
  return out;
}
