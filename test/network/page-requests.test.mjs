// Nothing leaves the page but the request to `endpoint`, watched from outside the page.
//
// The built element (dist/index.js bundled by esbuild, as an app's bundler would, with lit and
// @mediapipe/tasks-vision inside it, and dist/assets/ beside it) is served by a loopback static server that also
// mounts a contract backend whose `/hang/` route reads the request and never answers. Debian's Chromium, its fake
// camera playing a real face, runs the page. Two recorders outside the page see every request:
//   - a loopback HTTP proxy that all of Chromium's traffic goes through, loopback included
//     (`--proxy-bypass-list=<-loopback>`): it forwards only to this test's own servers and refuses everything else
//     (https and WebSocket tunnels are recorded and refused), so nothing can reach the network from here;
//   - the DevTools protocol: a browser-level session auto-attaches to every target (pages, dedicated, shared and
//     service workers; Chromium's own chrome:// interface is let run unrecorded) before it runs, and records
//     `Network.requestWillBeSent` and `Network.webSocketCreated`; puppeteer's `page.on('request')` records too.
// The element detects for more than 60 s (`capture-mode="manual"`, so it never captures), is stopped and removed
// (its detector closes); a second element submits to the hanging backend and is removed mid-request. Neither
// recorder may see a request to any origin but the page's. The negative control, in the same test: the page,
// a worker and `navigator.sendBeacon` each reach another loopback origin (another port), and both recorders see
// all three. No assertion is about time; the waits for the >60 s run and for late requests are exposure, not bounds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import puppeteer from 'puppeteer-core';
import { makeFixtures } from '../../scripts/make-fixtures.mjs';
import { jpegSize } from '../support/mock-backend.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const www = mkdtempSync(join(tmpdir(), 'liveness-requests-'));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.tflite': 'application/octet-stream' };
/** How long the element keeps detecting: past the 60 s at which a usage logger would report. */
const DETECT_MS = 65_000;
/** Exposure after each removal, for anything a closing task or a dropped request would still send. */
const SETTLE_MS = 5_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));

let page;
let browser;
let pageServer;
let otherServer;
let proxy;
/** Requests as the proxy saw them: `METHOD absolute-url` or `CONNECT host:port`. */
const proxied = [];
/** URLs as the DevTools protocol saw them, with the target type. */
const observed = [];
/** What reached the other origin's server. */
const otherHits = [];
/** Submissions that reached the hanging backend: the JPEG's size, and a promise of whether the client aborted. */
const hung = [];
let onHung = () => {};

function serveFile(res, pathname) {
  const file = normalize(join(www, pathname === '/' ? 'index.html' : decodeURIComponent(pathname)));
  if (!file.startsWith(www) || !existsSync(file) || statSync(file).isDirectory()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
}

/** The page's origin: static files, and the contract backend at /hang/antispoofing that never answers. */
function pageHandler(req, res) {
  const { pathname } = new URL(req.url, 'http://page');
  if (pathname.startsWith('/hang/') && req.method === 'POST') {
    const entry = { jpeg: null, aborted: new Promise((resolve) => res.on('close', () => resolve(!res.writableFinished))) };
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        entry.jpeg = jpegSize(Buffer.from(JSON.parse(Buffer.concat(chunks).toString('utf8')).data, 'base64'));
      } catch {
        entry.jpeg = null;
      }
      hung.push(entry);
      onHung(entry);
    });
    return;
  }
  serveFile(res, pathname);
}

/** Another origin (same host, another port): anything arriving here left the page. */
function otherHandler(req, res) {
  otherHits.push(`${req.method} ${req.url}`);
  req.resume();
  res.writeHead(204, { 'access-control-allow-origin': '*' }).end();
}

/** A proxy that records every request and forwards only to this test's servers. */
function recordingProxy(ports) {
  const server = createServer((req, res) => {
    proxied.push(`${req.method} ${req.url}`);
    let target;
    try {
      target = new URL(req.url);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (target.protocol !== 'http:' || target.hostname !== '127.0.0.1' || !ports.includes(Number(target.port))) {
      res.writeHead(502).end();
      return;
    }
    const upstream = httpRequest({ host: '127.0.0.1', port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers, agent: false }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    // A request the browser drops is dropped upstream too, so the backend sees the abort.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  server.on('connect', (req, socket) => {
    proxied.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  server.on('upgrade', (req, socket) => {
    proxied.push(`UPGRADE ${req.url}`);
    socket.destroy();
  });
  return server;
}

/** Records Network events of every target, attached before it runs; recurses into each target's own children. */
async function recordAllTargets(session) {
  const connection = session.connection();
  const watch = async (child, type) => {
    if (type === 'browser_ui') {
      // Chromium's own chrome:// interface, not a page: let it run, unrecorded.
      await child.send('Runtime.runIfWaitingForDebugger').catch(() => {});
      return;
    }
    child.on('Network.requestWillBeSent', (e) => observed.push({ type, url: e.request.url }));
    child.on('Network.webSocketCreated', (e) => observed.push({ type, url: e.url }));
    child.on('Target.attachedToTarget', (e) => void watch(connection.session(e.sessionId), e.targetInfo.type));
    await Promise.all([
      child.send('Network.enable').catch(() => {}),
      child.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }).catch(() => {}),
    ]);
    await child.send('Runtime.runIfWaitingForDebugger').catch(() => {});
  };
  session.on('Target.attachedToTarget', (e) => void watch(connection.session(e.sessionId), e.targetInfo.type));
  await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
}

/**
 * Chromium's own background services, which the flags above do not silence: network time, the component updater
 * and sign-in preconnects. They come from the browser process, not from a page, and are left out of the proxy's
 * view only, by exact method, host and path; the DevTools recorder, which sees each page and worker target, leaves
 * nothing out.
 */
const BROWSER_SERVICES = [
  /^GET http:\/\/clients2\.google\.com\/time\/1\/current\?/,
  /^POST http:\/\/update\.googleapis\.com\/service\/update2\/json\?/,
  /^CONNECT (update\.googleapis\.com|accounts\.google\.com):443$/,
];

/** Requests the recorders saw that went to another origin than `origin` (`data:` never leaves the page). */
function foreign(origin) {
  return {
    proxy: proxied.filter((r) => !r.slice(r.indexOf(' ') + 1).startsWith(`${origin}/`) && !BROWSER_SERVICES.some((b) => b.test(r))),
    devtools: observed.filter(({ url }) => !url.startsWith('data:') && new URL(url.replace(/^blob:/, '')).origin !== origin),
  };
}

before(async () => {
  assert.ok(existsSync(join(root, 'dist', 'index.js')), 'dist/index.js is missing: run npm run build');
  await esbuild.build({
    absWorkingDir: root, entryPoints: ['dist/index.js'], bundle: true, splitting: true, format: 'esm', platform: 'browser',
    outdir: www, logLevel: 'warning',
  });
  // The detector's worker, beside the element's chunks where `new URL('./detector-worker.js', import.meta.url)` finds it.
  await esbuild.build({
    absWorkingDir: root, entryPoints: { 'detector-worker': 'dist/detector-worker.js' }, bundle: true, format: 'esm', platform: 'browser',
    outdir: www, logLevel: 'warning',
  });
  cpSync(join(root, 'dist', 'assets'), join(www, 'assets'), { recursive: true });
  writeFileSync(join(www, 'index.html'), `<!doctype html><html lang="en"><body>
<script type="module">
import './index.js';
window.__progress = [];
document.addEventListener('liveness-progress', (e) => window.__progress.push(e.detail));
window.__ready = true;
</script></body></html>`);
  writeFileSync(join(www, 'control-worker.js'), 'self.onmessage = (e) => fetch(e.data, { mode: "no-cors" }).then(() => postMessage("done"), () => postMessage("failed"));\n');

  pageServer = createServer(pageHandler);
  otherServer = createServer(otherHandler);
  const pagePort = await listen(pageServer);
  const otherPort = await listen(otherServer);
  proxy = recordingProxy([pagePort, otherPort]);
  const proxyPort = await listen(proxy);

  const { face } = makeFixtures();
  browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      '--autoplay-policy=no-user-gesture-required',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${face}`,
      `--proxy-server=http://127.0.0.1:${proxyPort}`, '--proxy-bypass-list=<-loopback>'],
  });
  await recordAllTargets(await browser.target().createCDPSession());
  page = await browser.newPage();
  page.on('request', (r) => observed.push({ type: 'puppeteer', url: r.url() }));
});

after(async () => {
  await browser?.close();
  for (const server of [pageServer, otherServer, proxy]) server?.closeAllConnections?.();
  await Promise.all([pageServer, otherServer, proxy].map((s) => s && new Promise((r) => s.close(r))));
  rmSync(www, { recursive: true, force: true });
});

/** Adds an element, waits until it detects a face and is ready to capture; returns when it is. */
async function addDetectingElement(endpoint) {
  await page.evaluate((url) => {
    window.__progress = [];
    const el = document.createElement('liveness-capture');
    el.setAttribute('endpoint', url);
    el.setAttribute('capture-mode', 'manual');
    el.setAttribute('autostart', '');
    document.body.append(el);
  }, endpoint);
  await page.waitForFunction(() => document.querySelector('liveness-capture')?.status === 'detecting' && window.__progress.some((p) => p.ready),
    { timeout: 180_000, polling: 250 });
}

test('detecting for over 60 s, stopping, removing, and removing during a submit: no request leaves the page origin', { timeout: 600_000 }, async () => {
  const origin = `http://127.0.0.1:${pageServer.address().port}`;
  const other = `http://127.0.0.1:${otherServer.address().port}`;
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.__ready === true);

  // 1. Detect for more than 60 s, then stop (the camera closes) and remove (the detector closes).
  await addDetectingElement('/backend/antispoofing');
  await page.evaluate(() => { window.__detectingSince = performance.now(); });
  await page.waitForFunction((ms) => performance.now() - window.__detectingSince > ms, { timeout: DETECT_MS + 120_000, polling: 1000 }, DETECT_MS);
  const afterRun = await page.evaluate(() => ({ status: document.querySelector('liveness-capture').status, ready: window.__progress.at(-1)?.ready }));
  assert.deepEqual(afterRun, { status: 'detecting', ready: true }, 'still detecting the face after the long run');
  await page.evaluate(() => {
    const el = document.querySelector('liveness-capture');
    el.stop();
    el.remove();
  });
  await sleep(SETTLE_MS);

  // 2. Remove the element while its request to the contract backend is in flight (the backend never answers).
  const arrived = new Promise((resolve) => { onHung = resolve; });
  await addDetectingElement('/hang/antispoofing');
  await page.evaluate(() => document.querySelector('liveness-capture').capture());
  const submission = await arrived;
  assert.equal(await page.evaluate(() => document.querySelector('liveness-capture').status), 'submitting');
  assert.deepEqual(submission.jpeg, { width: 1280, height: 720 }, 'the backend received the captured frame');
  await page.evaluate(() => document.querySelector('liveness-capture').remove());
  assert.equal(await submission.aborted, true, 'removing the element aborted its request');
  await sleep(SETTLE_MS);

  // Both recorders saw the page's own traffic (they work for this page) and nothing else.
  const own = observed.filter((o) => o.type !== 'puppeteer').map((o) => o.url);
  for (const path of ['/index.js', '/detector-worker.js', '/assets/vision_wasm_loader.js', '/assets/vision_wasm_module_internal.wasm', '/assets/face_detection_short_range.tflite', '/hang/antispoofing']) {
    assert.ok(own.includes(`${origin}${path}`), `DevTools saw ${path}`);
    assert.ok(proxied.some((r) => r.endsWith(`${origin}${path}`)), `the proxy saw ${path}`);
  }
  assert.equal(hung.length, 1);
  assert.deepEqual(foreign(origin), { proxy: [], devtools: [] });
  assert.deepEqual(otherHits, []);

  // 3. Negative control: the page, a worker and a beacon reach another origin, and both recorders see each.
  const done = await page.evaluate(async (base) => {
    await fetch(`${base}/control/page`, { mode: 'no-cors' });
    const beacon = navigator.sendBeacon(`${base}/control/beacon`, 'x');
    const worker = new Worker('/control-worker.js');
    const reply = await new Promise((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.postMessage(`${base}/control/worker`);
    });
    worker.terminate();
    return { beacon, reply };
  }, other);
  assert.deepEqual(done, { beacon: true, reply: 'done' });
  // The beacon is sent after the page goes on: wait until the other origin has all three (no time bound).
  while (otherHits.length < 3) await sleep(100);
  const controls = ['/control/page', '/control/beacon', '/control/worker'];
  assert.deepEqual([...otherHits].sort(), ['GET /control/page', 'GET /control/worker', 'POST /control/beacon'].sort());
  const seen = foreign(origin);
  assert.deepEqual(controls.filter((p) => !seen.proxy.some((r) => r.endsWith(`${other}${p}`))), [], 'the proxy recorded every control request');
  // Seen by the auto-attached session itself, not only by puppeteer's page events.
  const attached = seen.devtools.filter((o) => o.type !== 'puppeteer');
  assert.deepEqual(controls.filter((p) => !attached.some((o) => o.url === `${other}${p}`)), [], 'DevTools recorded every control request');
  assert.ok(seen.devtools.some((o) => o.url === `${other}/control/worker` && o.type === 'worker'), 'the worker request was recorded in the worker target');
});
