// The consumer check: a fresh Vite app installs the `npm pack` tarball (whose prepack builds it), only does
// `import 'liveness-capture'`, is built with Vite with no extra configuration, and — served from loopback and
// opened in Debian's Chromium with the fake camera playing a real face — detects the face and submits it.
// Every request the page makes must go to its own origin. The built app also runs in Firefox ESR and WebKitGTK
// (LIVENESS_ENGINES, default all three; both need a display: scripts/test.mjs runs them under xvfb-run), whose
// page gets the test suite's fake camera (test/support/fake-camera.ts) playing the same video.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import puppeteer from 'puppeteer-core';
import { remote } from 'webdriverio';
import { makeFixtures } from '../../scripts/make-fixtures.mjs';
import { jpegSize } from '../support/mock-backend.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'liveness-consumer-'));
const app = join(work, 'app');
const LIVE = JSON.stringify({ success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.98 } });
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.tflite': 'application/octet-stream' };

const ENGINES = (process.env.LIVENESS_ENGINES ?? 'chromium,firefox,webkit').split(',');
let server;
let browser;
const received = [];
// For Firefox and WebKit: the fake camera, served beside the app and started before the app's own script.
const fakeCamera = () => esbuild.transformSync(readFileSync(join(root, 'test', 'support', 'fake-camera.ts'), 'utf8'), { loader: 'ts', format: 'esm' }).code;
const CAMERA_TAG = `<script type="module">import { installFakeCamera } from '/__fake-camera.js'; installFakeCamera('/__camera.mjpeg');</script>`;

before(async () => {
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim().split('\n').at(-1);
  const vite = JSON.parse(readFileSync(join(root, 'node_modules', 'vite', 'package.json'), 'utf8')).version;
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({
    name: 'consumer-app', private: true, type: 'module',
    dependencies: { 'liveness-capture': `file:${join(work, tarball)}` },
    devDependencies: { vite },
  }, null, 2));
  writeFileSync(join(app, 'index.html'), `<!doctype html><html lang="en"><body>
<liveness-capture endpoint="/backend/antispoofing" autostart></liveness-capture>
<script type="module" src="./main.js"></script></body></html>`);
  writeFileSync(join(app, 'main.js'), `import 'liveness-capture';
const el = document.querySelector('liveness-capture');
for (const t of ['liveness-pass', 'liveness-fail', 'liveness-error']) el.addEventListener(t, (e) => { window.__result = { type: t, detail: { code: e.detail.code, probReal: e.detail.probReal } }; });
`);
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, stdio: 'inherit', env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' } });
  execFileSync('npx', ['--no-install', 'vite', 'build', '--logLevel', 'warn'], { cwd: app, stdio: 'inherit' });

  const dist = join(app, 'dist');
  server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/backend/antispoofing') {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const data = JSON.parse(body.toString('utf8')).data;
        received.push({ bytes: body.length, contentType: req.headers['content-type'], jpeg: jpegSize(Buffer.from(data, 'base64')) });
        res.writeHead(200, { 'content-type': 'application/json' }).end(LIVE);
      });
      return;
    }
    if (url.pathname === '/__fake-camera.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(fakeCamera());
      return;
    }
    if (url.pathname === '/__camera.mjpeg') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(makeFixtures().face));
      return;
    }
    if (url.pathname === '/' && url.searchParams.has('fake-camera')) {
      // Before the app's own module script (Vite puts it in <head>): module scripts run in document order.
      const html = readFileSync(join(dist, 'index.html'), 'utf8').replace('<script', `${CAMERA_TAG}\n<script`);
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    const file = normalize(join(dist, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname)));
    if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
});

after(async () => {
  await browser?.close();
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

async function launch() {
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

/** Opens the app at `origin` in Chromium; resolves with the element's result and every URL the page requested. */
async function openInChromium(origin) {
  const page = await (await launch()).newPage();
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.__result, { timeout: 180_000, polling: 100 });
  const result = await page.evaluate(() => window.__result);
  await page.close();
  return { result, requested };
}

/** The same in Firefox ESR (headed: its headless mode has no WebGL); requests from the page's resource timing. */
async function openInFirefox(origin) {
  const firefox = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: false,
    extraPrefsFirefox: { 'media.navigator.permission.disabled': true, 'media.autoplay.default': 0 },
  });
  try {
    const page = await firefox.newPage();
    await page.goto(`${origin}/?fake-camera`);
    await page.waitForFunction(() => window.__result, { timeout: 300_000, polling: 100 });
    return await page.evaluate(() => ({
      result: window.__result,
      requested: [location.href, ...performance.getEntriesByType('resource').map((e) => e.name)],
    }));
  } finally {
    await firefox.close();
  }
}

/** The same in WebKitGTK's MiniBrowser through WebKitWebDriver. */
async function openInWebKit(origin) {
  const port = await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const free = probe.address().port;
      probe.close(() => resolve(free));
    });
  });
  const driver = spawn('WebKitWebDriver', [`--port=${port}`], { stdio: 'ignore' });
  let session;
  try {
    const miniBrowser = process.env.MINIBROWSER_PATH ?? execFileSync('dpkg', ['-L', 'libwebkit2gtk-4.1-0'], { encoding: 'utf8' })
      .split('\n').find((f) => f.endsWith('/MiniBrowser'));
    for (let i = 0; i < 100 && !session; i++) {
      try {
        session = await remote({
          hostname: '127.0.0.1', port, path: '/', logLevel: 'error',
          capabilities: {
            browserName: 'MiniBrowser',
            'wdio:enforceWebDriverClassic': true,
            'webkitgtk:browserOptions': {
              binary: miniBrowser,
              args: ['--automation', '--enable-media-stream=true', '--enable-mock-capture-devices=true', '--enable-webgl=true',
                '--media-playback-requires-user-gesture=false', '--features=+AllowWebGLInWorkers'],
            },
          },
        });
      } catch (error) {
        if (i === 99) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await session.url(`${origin}/?fake-camera`);
    await session.waitUntil(() => session.execute(() => !!window.__result), { timeout: 300_000, interval: 200 });
    return await session.execute(() => ({
      result: window.__result,
      requested: [location.href, ...performance.getEntriesByType('resource').map((e) => e.name)],
    }));
  } finally {
    await session?.deleteSession().catch(() => {});
    driver.kill();
  }
}

const OPEN = { chromium: openInChromium, firefox: openInFirefox, webkit: openInWebKit };

/** Opens the app at `origin`, waits for the element's result, and checks what was sent and what was fetched. */
async function checkApp(origin, engine = 'chromium') {
  received.length = 0;
  const { result, requested } = await OPEN[engine](origin);
  assert.equal(result.type, 'liveness-pass', JSON.stringify(result));
  assert.equal(received.length, 1);
  assert.match(received[0].contentType, /^application\/json/);
  assert.deepEqual(received[0].jpeg, { width: 1280, height: 720 });
  const foreign = requested.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, [], 'every request stays on the page origin');
  assert.ok(requested.some((u) => u.endsWith('.wasm')), 'the wasm came from the app itself');
  assert.ok(requested.some((u) => u.endsWith('.tflite')), 'the model came from the app itself');
}

for (const engine of ENGINES) {
  test(`a fresh Vite app that only imports the package, built with vite build, detects a face and submits it (${engine})`, async () => {
    await checkApp(`http://127.0.0.1:${server.address().port}`, engine);
  });
}

test('the same app on the Vite dev server (dependency pre-bundling on) works with no configuration', async () => {
  // The test's own config only forwards the backend route to the test server; nothing configures the package.
  writeFileSync(join(app, 'vite.config.js'),
    `export default { server: { proxy: { '/backend': 'http://127.0.0.1:${server.address().port}' } } };`);
  const dev = spawn('npx', ['--no-install', 'vite', '--host', '127.0.0.1', '--port', '0'], { cwd: app, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  try {
    const origin = await new Promise((resolve, reject) => {
      let out = '';
      dev.stdout.on('data', (d) => {
        out += d;
        const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out.replace(/\x1b\[[0-9;]*m/g, ''));
        if (m) resolve(`http://127.0.0.1:${m[1]}`);
      });
      dev.on('exit', (code) => reject(new Error(`vite exited ${code}: ${out}`)));
    });
    await checkApp(origin);
  } finally {
    process.kill(-dev.pid, 'SIGTERM');
  }
});
