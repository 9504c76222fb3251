// What the example-app tests share: the packed package, a fresh install of an app from examples/ into a temp
// directory, a static server on loopback that also answers the backend contract, and Debian's Chromium whose fake
// camera plays a real face (or whose getUserMedia is stubbed to reject, for the camera errors). Firefox ESR and
// WebKitGTK open an app with the test suite's fake camera (test/support/fake-camera.ts) playing the same video.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import puppeteer from 'puppeteer-core';
import { remote } from 'webdriverio';
import { makeFixtures } from '../../scripts/make-fixtures.mjs';
import { firefoxLaunchOptions, startWebKitDriver, webkitCapabilities } from './engines.mjs';
import { jpegSize } from './mock-backend.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The engines this run covers (scripts/test.mjs sets LIVENESS_ENGINES); Chromium alone when a file runs by hand. */
export const ENGINES = (process.env.LIVENESS_ENGINES ?? 'chromium').split(',').filter(Boolean);
const LIVE = JSON.stringify({ success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.98 } });
const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.tflite': 'application/octet-stream', '.json': 'application/json', '.svg': 'image/svg+xml', '.ico': 'image/x-icon',
};

/** Times each step and prints it, so the cost of every app shows in the test log. */
export function timed(label, fn) {
  const start = process.hrtime.bigint();
  try {
    return fn();
  } finally {
    console.log(`# ${label}: ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(1)} s`);
  }
}

/**
 * The package as npm would publish it. scripts/test.mjs packs once (LIVENESS_TARBALL); a test run on its own packs
 * into its temp directory (prepack builds first).
 */
export function tarball(work) {
  const packed = process.env.LIVENESS_TARBALL;
  if (packed && existsSync(packed)) return packed;
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim().split('\n').at(-1);
  return join(work, name);
}

/**
 * The consumer app: a fresh Vite app in `app` that depends on the tarball `packed`, only does
 * `import 'liveness-capture'` (the element has `endpoint="/backend/antispoofing" autostart`; the result lands in
 * `window.__result`), installed from the registry and built with `vite build` into `app/dist`, no configuration.
 */
export function viteConsumerApp(app, packed) {
  const vite = JSON.parse(readFileSync(join(root, 'node_modules', 'vite', 'package.json'), 'utf8')).version;
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({
    name: 'consumer-app', private: true, type: 'module',
    dependencies: { 'liveness-capture': `file:${packed}` },
    devDependencies: { vite },
  }, null, 2));
  writeFileSync(join(app, 'index.html'), `<!doctype html><html lang="en"><body>
<liveness-capture endpoint="/backend/antispoofing" autostart></liveness-capture>
<script type="module" src="./main.js"></script></body></html>`);
  writeFileSync(join(app, 'main.js'), `import 'liveness-capture';
const el = document.querySelector('liveness-capture');
for (const t of ['liveness-pass', 'liveness-fail', 'liveness-error']) el.addEventListener(t, (e) => { window.__result = { type: t, detail: { code: e.detail.code, message: e.detail.message, probReal: e.detail.probReal } }; });
`);
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, stdio: 'inherit', env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' } });
  execFileSync('npx', ['--no-install', 'vite', 'build', '--logLevel', 'warn'], { cwd: app, stdio: 'inherit' });
  return app;
}

/** A free TCP port on loopback, for a dev or app server the test starts. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createNetServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A temp directory for one app test, removed by `cleanup()`. */
export function workdir(name) {
  const dir = mkdtempSync(join(tmpdir(), `liveness-${name}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Copies examples/<name> into `work/app`, points its `liveness-capture` dependency at the tarball and runs
 * `npm install` from the registry. Returns the app directory.
 */
export function installExample(name, work) {
  const app = join(work, 'app');
  cpSync(join(root, 'examples', name), app, { recursive: true, filter: (src) => !/node_modules|[\\/]dist$|\.angular|\.next$|next-env\.d\.ts$/.test(src) });
  const pkgFile = join(app, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  pkg.dependencies['liveness-capture'] = `file:${tarball(work)}`;
  writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
  timed(`${name}: npm install`, () => execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: app, stdio: 'inherit', env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' },
  }));
  return app;
}

/** Runs an npm script of the app; returns { status, output } (output: stdout and stderr together). */
export function npmRun(app, script, label) {
  const result = timed(label ?? script, () => spawnSync('npm', ['run', '--silent', script], { cwd: app, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }));
  // Without colour codes, so `file:12:5` and `file(12,5)` can be matched.
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '');
  return { status: result.status, output };
}

/**
 * Serves `dir` on 127.0.0.1 (index.html for unknown paths without an extension, as single-page apps expect) and
 * answers POST /backend/antispoofing with the contract's live body. `received` lists what the backend got;
 * `cspReports` the Content-Security-Policy violation reports POSTed to /csp-report. With `upstream` (an origin on
 * loopback, e.g. `next start`), every other request is forwarded there instead, as a reverse proxy in front of an
 * app server would.
 */
export async function serve(dir, { upstream } = {}) {
  const received = [];
  const cspReports = [];
  const served = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    served.push(url.pathname);
    if (fakeCameraRoute(url, dir, res)) return;
    if (url.pathname === '/csp-report' && req.method === 'POST') {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        cspReports.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(204).end();
      });
      return;
    }
    if (url.pathname === '/backend/antispoofing' && req.method === 'POST') {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const data = JSON.parse(body.toString('utf8')).data;
        received.push({ bytes: body.length, contentType: req.headers['content-type'], headers: req.headers, jpeg: jpegSize(Buffer.from(data, 'base64')) });
        res.writeHead(200, { 'content-type': 'application/json' }).end(LIVE);
      });
      return;
    }
    if (upstream) {
      forward(req, res, upstream);
      return;
    }
    let file = normalize(join(dir, decodeURIComponent(url.pathname)));
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) && !extname(file)) file = join(dir, 'index.html');
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${server.address().port}`, received, served, cspReports, close: () => server.close() };
}

/** Forwards one request to `upstream` and its answer back; a failure of either side ends both with a 502 or a reset. */
function forward(req, res, upstream) {
  const out = request(new URL(req.url, upstream), { method: req.method, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.on('error', () => res.destroy());
    answer.pipe(res);
  });
  const fail = () => {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  };
  out.on('error', fail);
  req.on('error', () => out.destroy());
  res.on('error', () => out.destroy());
  req.pipe(out);
}

/** For Firefox and WebKit: the fake camera module and its video, and the app's page with the camera installed first. */
const CAMERA_TAG = `<script type="module">import { installFakeCamera } from '/__fake-camera.js'; installFakeCamera('/__camera.mjpeg');</script>`;
function fakeCameraRoute(url, dir, res) {
  if (url.pathname === '/__fake-camera.js') {
    const source = readFileSync(join(root, 'test', 'support', 'fake-camera.ts'), 'utf8');
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(esbuild.transformSync(source, { loader: 'ts', format: 'esm' }).code);
    return true;
  }
  if (url.pathname === '/__camera.mjpeg') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(makeFixtures().face));
    return true;
  }
  if (url.searchParams.has('fake-camera') && !extname(url.pathname)) {
    // Before the app's own module scripts (module scripts run in document order).
    const html = readFileSync(join(dir, 'index.html'), 'utf8').replace('<script', `${CAMERA_TAG}\n<script`);
    res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    return true;
  }
  return false;
}

let browser;

/** Debian's Chromium, headless, whose fake camera plays a real face (the `face` video). */
export async function chromium() {
  const { face } = makeFixtures();
  browser ??= await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${face}`],
  });
  return browser;
}

export async function closeChromium() {
  await browser?.close();
  browser = undefined;
}

/** The `?fake-camera` form of `url`: the page the Firefox and WebKit runs open. */
const withFakeCamera = (url) => `${url}${url.includes('?') ? '&' : '?'}fake-camera`;

/** What the page saw: its result (`read`, a function run in the page) and the URLs in its own resource timing. */
const pageState = (read) => `(() => ({ result: (${read})(), resources: [location.href, ...performance.getEntriesByType('resource').map((e) => e.name)] }))()`;

/**
 * Opens `url` (served by `serve`) in Firefox ESR with the fake camera, and waits until `read()` (run in the page)
 * returns a value. Headed: headless Firefox has no WebGL (scripts/test.mjs runs the Node tests under xvfb-run).
 */
export async function openInFirefox(url, read) {
  const firefox = await puppeteer.launch(firefoxLaunchOptions());
  try {
    const page = await firefox.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(withFakeCamera(url));
    await page.waitForFunction(`!!(${read})()`, { timeout: 300_000, polling: 200 });
    return { ...(await page.evaluate(pageState(read))), errors };
  } finally {
    await firefox.close();
  }
}

/** The same in WebKitGTK's MiniBrowser, through WebKitWebDriver on a free loopback port. */
export async function openInWebKit(url, read) {
  const driver = await startWebKitDriver();
  let session;
  try {
    session = await remote({ hostname: '127.0.0.1', port: driver.port, path: '/', logLevel: 'error', capabilities: webkitCapabilities() });
    await session.url(withFakeCamera(url));
    await session.waitUntil(() => session.execute(`return !!(${read})()`), { timeout: 300_000, interval: 200 });
    return { ...(await session.execute(`return ${pageState(read)}`)), errors: [] };
  } finally {
    await session?.deleteSession().catch(() => {});
    driver.stop();
  }
}

/** Records where the detector ran, from the `liveness-capture` event (composed, so it reaches the window). */
const RECORD_THREAD = `addEventListener('liveness-capture', (e) => { window.__detectorThread = e.detail.detectorThread; }, true);`;

/** A page whose getUserMedia rejects as a user's "Block" does. */
const DENY_CAMERA = `navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));`;

/**
 * Opens `url` and waits until the app shows its result in `#result` (text set by the framework's own handler).
 * Returns { result, requested, errors, page } (close the page when done).
 */
export async function openApp(url, { denyCamera = false } = {}) {
  const page = await (await chromium()).newPage();
  const requested = [];
  const errors = [];
  page.on('request', (r) => requested.push(r.url()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('XNNPACK')) errors.push(m.text());
  });
  if (denyCamera) await page.evaluateOnNewDocument(DENY_CAMERA);
  await page.evaluateOnNewDocument(RECORD_THREAD);
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('#result')?.textContent?.trim(), { timeout: 180_000, polling: 100 });
  const result = await page.$eval('#result', (el) => el.textContent.trim());
  return { result, requested, errors, page };
}

const WORKER_SCRIPT = /detector-worker[^/]*\.js(\?|$)/;

/**
 * The two runs every example app must pass: a face on the fake camera gets a pass from the contract backend, all
 * from the app's own origin, detected in the worker; a blocked camera gives CAMERA_DENIED. Both seen through the app's
 * own handlers. With `header`, the app set `headers={ 'x-example': header }` and the backend must have received it;
 * `extra(page, { errors })` runs more checks on the passed page (`errors`: its uncaught errors and console errors).
 * `workerScript` matches the URL of the worker's script as the app's bundler names it (by default the package's
 * `detector-worker.js`, hashed or not).
 */
export async function checkPassAndDenied(name, origin, received, { path = '/', header, extra, workerScript = WORKER_SCRIPT } = {}) {
  received.length = 0;
  const passed = await timedAsync(`${name}: pass in Chromium`, () => openApp(`${origin}${path}`));
  try {
    assert.equal(passed.result, 'pass 0.98', `result shown by the app (page errors: ${passed.errors.join(' | ')})`);
    assert.equal(received.length, 1, 'one request reached the backend');
    assert.deepEqual(received[0].jpeg, { width: 1280, height: 720 });
    // The app passes `headers` as an object: it reaches the request only when set as a property.
    if (header) assert.equal(received[0].headers['x-example'], header);
    const foreign = passed.requested.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
    assert.deepEqual(foreign, [], 'every request stays on the page origin');
    assert.ok(passed.requested.some((u) => u.endsWith('.wasm')), 'the wasm came from the app');
    assert.ok(passed.requested.some((u) => u.endsWith('.tflite')), 'the model came from the app');
    assert.equal(await passed.page.$eval('liveness-capture', (el) => el.shadowRoot !== null && el.getAttribute('status')), 'passed');
    // Detection ran in the worker: the element says so, the app served the worker script, and the page itself
    // fetched neither wasm nor model (its resource timing leaves out its workers' requests).
    assert.equal(await passed.page.evaluate(() => window.__detectorThread), 'worker', 'detectorThread of the liveness-capture event');
    assert.ok(passed.requested.some((u) => u.startsWith(origin) && workerScript.test(u)), `the worker script came from the app: ${passed.requested.join(' ')}`);
    const pageFetched = await passed.page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    assert.deepEqual(pageFetched.filter((u) => /\.(wasm|tflite)(\?|$)/.test(u)), [], 'the page itself fetched no wasm or model');
    await extra?.(passed.page, { errors: passed.errors });
  } finally {
    await passed.page.close();
  }
  received.length = 0;
  const denied = await timedAsync(`${name}: camera denied in Chromium`, () => openApp(`${origin}${path}`, { denyCamera: true }));
  try {
    assert.equal(denied.result, 'error CAMERA_DENIED');
    assert.equal(received.length, 0, 'nothing was sent');
  } finally {
    await denied.page.close();
  }
  return { received };
}

export async function timedAsync(label, fn) {
  const start = process.hrtime.bigint();
  try {
    return await fn();
  } finally {
    console.log(`# ${label}: ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(1)} s`);
  }
}

/**
 * Asserts that a type-check of the app's negative file failed, and that it reported every line of `file` marked
 * `rejected` (as `file(12,` or `file:12:`), so no wrong use slips through while another line fails.
 */
export function assertRejected(check, app, file) {
  assert.notEqual(check.status, 0, `the negative file must fail type-checking:\n${check.output}`);
  const name = file.split('/').at(-1).replace(/\./g, '\\.');
  const lines = readFileSync(join(app, file), 'utf8').split('\n')
    .flatMap((text, i) => (/\brejected\b/.test(text) && !/must not type-check/i.test(text) ? [i + 1] : []));
  assert.ok(lines.length > 0, `${file} marks no rejected line`);
  const missed = lines.filter((line) => !new RegExp(`${name}(\\(${line},|:${line}:)`).test(check.output));
  assert.deepEqual(missed, [], `lines of ${file} the type-check accepted:\n${check.output}`);
}

export function writeFile(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/**
 * The tests every example app gets, in order: install examples/<name> with the packed package, type-check it
 * (`npm run typecheck`), check that `npm run typecheck:negative` rejects every marked line of `negative`, build it
 * (`npm run build`, output in `dist`; `build: false` serves the app folder as it is), then the pass and
 * CAMERA_DENIED runs. An app with its own server gets `start(app)`, which returns what `serve` does (`close` stops
 * that server too). Returns { app, server } for the file's own further tests.
 */
export function exampleTests(name, { title, checker, negative, dist = 'dist', build = true, start, header = name, extra, workerScript }) {
  const work = workdir(name);
  const ctx = { app: null, server: null };
  before(async () => {
    ctx.app = installExample(name, work.dir);
    if (!build) ctx.server = await serve(ctx.app);
  });
  after(async () => {
    await closeChromium();
    await ctx.server?.close();
    work.cleanup();
  });
  test(`${title}: the app type-checks strictly (${checker})`, () => {
    const check = npmRun(ctx.app, 'typecheck', `${name}: ${checker}`);
    assert.equal(check.status, 0, check.output);
  });
  test(`${title}: every wrong use in ${negative} fails type-checking`, () => {
    assertRejected(npmRun(ctx.app, 'typecheck:negative', `${name}: ${checker} (negative)`), ctx.app, negative);
  });
  test(`${title}: ${build ? 'built, ' : ''}a face passes and a blocked camera errors, seen by the app's own handlers`, async () => {
    if (build) {
      const built = npmRun(ctx.app, 'build', `${name}: build`);
      assert.equal(built.status, 0, built.output);
      ctx.server = start ? await start(ctx.app) : await serve(join(ctx.app, dist));
    }
    await checkPassAndDenied(name, ctx.server.origin, ctx.server.received, { header, extra, workerScript });
  });
  return ctx;
}
