// The consumer app (a fresh Vite app from the packed tarball, no configuration) served by Debian's nginx with its
// stock mime.types, which knows `.js` and `.wasm` but not `.mjs`. A real face passes with detection in the worker:
// the page itself fetches neither the wasm nor the model. And when a server does send the wasm loader with a type
// browsers will not run, DETECTOR_UNAVAILABLE says so. The same app built by webpack 5 in production mode (its
// minifier takes every emitted `.js` file, the wasm loader included, for a classic script) passes there too.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, closeChromium, root, serve, tarball, viteConsumerApp } from '../support/apps.mjs';
import { startNginx } from '../support/nginx.mjs';

const work = mkdtempSync(join(tmpdir(), 'liveness-nginx-app-'));
const app = join(work, 'app');
let backend;
let nginx;
/** The same build behind the README's strict Content-Security-Policy, reporting violations to the backend. */
let strict;
const POLICY = readmePolicy();

/** The policy the README recommends, from its CSP code block, so the test checks what users copy. */
function readmePolicy() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const policy = /```http\nContent-Security-Policy: ([^\n]+)\n```/.exec(readme)?.[1];
  assert.ok(policy, 'README.md has a ```http block with a Content-Security-Policy line');
  return policy;
}

before(async () => {
  viteConsumerApp(app, tarball(work));
  const dist = join(app, 'dist');
  // The same page with the detector's files taken from a folder whose every file nginx sends as
  // application/octet-stream (how Debian's nginx sends any type it does not know, `.mjs` among them).
  writeFileSync(join(dist, 'octet.html'), readFileSync(join(dist, 'index.html'), 'utf8').replace('<liveness-capture ', '<liveness-capture assets-base="/octet/" '));
  // webpack 5 with no configuration beyond entry and output, into dist/webpack/ (served as /webpack/).
  execFileSync('npm', ['install', '--no-save', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', 'webpack@5', 'webpack-cli@6'], { cwd: app, stdio: 'inherit' });
  writeFileSync(join(app, 'webpack.config.js'), `export default { mode: 'production', entry: './main.js', output: { path: new URL('./dist/webpack', import.meta.url).pathname, publicPath: '/webpack/' } };`);
  execFileSync('npx', ['--no-install', 'webpack', '--no-stats'], { cwd: app, stdio: 'inherit' });
  writeFileSync(join(dist, 'webpack', 'index.html'), readFileSync(join(app, 'index.html'), 'utf8').replace('src="./main.js"', 'src="/webpack/main.js"'));
  // The contract backend stays the test's Node handler; nginx forwards to it, as a site forwards to its API.
  backend = await serve(join(work, 'none'));
  nginx = await startNginx({
    root: dist,
    locations: `
    location /backend/ { proxy_pass ${backend.origin}; }
    location /octet/ { alias ${join(app, 'node_modules', 'liveness-capture', 'dist', 'assets')}/; types { } default_type application/octet-stream; }`,
  });
  // On every response, so the worker (whose policy comes with its own script) runs under it too.
  strict = await startNginx({
    root: dist,
    locations: `
    add_header Content-Security-Policy "${POLICY}; report-uri /csp-report" always;
    location /backend/ { proxy_pass ${backend.origin}; }
    location = /csp-report { proxy_pass ${backend.origin}; }`,
  });
});

after(async () => {
  await closeChromium();
  backend?.close();
  await nginx?.stop();
  await strict?.stop();
  rmSync(work, { recursive: true, force: true });
});

/**
 * Opens `path` on `server`; returns the element's result, every URL requested, what the page itself fetched, the
 * `securitypolicyviolation` events of the document, and the guide's layout as last seen while detecting.
 */
async function open(path, server = nginx) {
  const page = await (await chromium()).newPage();
  await page.evaluateOnNewDocument(LAYOUT_PROBE);
  const requested = [];
  const types = new Map();
  page.on('request', (r) => requested.push(r.url()));
  page.on('response', (r) => types.set(r.url(), r.headers()['content-type']));
  try {
    await page.goto(`${server.origin}${path}`);
    await page.waitForFunction(() => window.__result, { timeout: 180_000, polling: 100 });
    const result = await page.evaluate(() => window.__result);
    const pageFetched = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    const { violations, layout } = await page.evaluate(() => ({ violations: window.__violations, layout: window.__layout }));
    return { result, requested, types, pageFetched, violations, layout };
  } finally {
    await page.close();
  }
}

// Installed before the page's scripts: counts the document's CSP violations (the event is composed, so those of the
// shadow root reach the document) and, on every frame while the element detects, measures the guide against the
// stage it is laid out in.
const LAYOUT_PROBE = `
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample));
const probe = () => {
  const el = document.querySelector('liveness-capture');
  const guide = el?.shadowRoot?.querySelector('.guide');
  const stage = el?.shadowRoot?.querySelector('.stage');
  if (el?.status === 'detecting' && guide && stage) {
    const g = guide.getBoundingClientRect();
    const s = stage.getBoundingClientRect();
    const width = guide.style.getPropertyValue('--liveness-guide-width');
    if (width && s.width > 0) window.__layout = {
      set: { width: parseFloat(width), height: parseFloat(guide.style.getPropertyValue('--liveness-guide-height')), top: parseFloat(guide.style.top) },
      measured: { width: (g.width / s.width) * 100, height: (g.height / s.height) * 100, top: ((g.top + g.height / 2 - s.top) / s.height) * 100 },
    };
  }
  if (!window.__result) requestAnimationFrame(probe);
};
requestAnimationFrame(probe);
`;

test('Debian nginx with its stock mime.types: a face passes, detected in the worker', async () => {
  backend.received.length = 0;
  const { result, requested, types, pageFetched } = await open('/');
  assert.equal(result.type, 'liveness-pass', JSON.stringify(result));
  assert.equal(backend.received.length, 1);
  assert.deepEqual(backend.received[0].jpeg, { width: 1280, height: 720 });
  const loader = requested.filter((u) => /vision_wasm_loader[^/]*\.js$/.test(u));
  assert.equal(loader.length, 1, requested.join(' '));
  assert.match(types.get(loader[0]), /^application\/javascript/, 'nginx sends the wasm loader as JavaScript');
  assert.ok(requested.some((u) => /detector-worker[^/]*\.js$/.test(u)), `the worker script came from nginx: ${requested.join(' ')}`);
  assert.ok(requested.some((u) => u.endsWith('.wasm')) && requested.some((u) => u.endsWith('.tflite')), requested.join(' '));
  assert.deepEqual(requested.filter((u) => !u.startsWith(nginx.origin) && !u.startsWith('blob:')), [], 'every request stays on the page origin');
  assert.deepEqual(pageFetched.filter((u) => /\.(wasm|tflite)$/.test(u)), [], 'the page itself fetched no wasm or model');
});

test('a wasm loader sent as application/octet-stream: DETECTOR_UNAVAILABLE names the MIME type and the fix', async () => {
  backend.received.length = 0;
  const { result } = await open('/octet.html');
  assert.equal(result.type, 'liveness-error', JSON.stringify(result));
  assert.equal(result.detail.code, 'DETECTOR_UNAVAILABLE');
  assert.ok(result.detail.message.includes(`${nginx.origin}/octet/vision_wasm_loader.js with the MIME type "application/octet-stream"`), result.detail.message);
  assert.match(result.detail.message, /serve it as text\/javascript/);
  assert.equal(backend.received.length, 0);
});

test('the same app built by webpack 5 (production, minified) on nginx: a face passes, detected in the worker', async () => {
  backend.received.length = 0;
  const { result, requested, pageFetched } = await open('/webpack/');
  assert.equal(result.type, 'liveness-pass', JSON.stringify(result));
  assert.equal(backend.received.length, 1);
  assert.ok(requested.some((u) => u.endsWith('/webpack/liveness-detector.js')), `the worker script came from the build: ${requested.join(' ')}`);
  assert.ok(requested.some((u) => u.endsWith('.wasm')) && requested.some((u) => u.endsWith('.tflite')), requested.join(' '));
  assert.deepEqual(pageFetched.filter((u) => /\.(wasm|tflite)$/.test(u)), [], 'the page itself fetched no wasm or model');
});

test("behind the README's strict Content-Security-Policy: a face passes, zero violations, the guide laid out as computed", async () => {
  backend.received.length = 0;
  backend.cspReports.length = 0;
  const { result, violations, layout, pageFetched } = await open('/', strict);
  assert.equal(result.type, 'liveness-pass', JSON.stringify(result));
  assert.equal(backend.received.length, 1);
  assert.deepEqual(violations, [], 'no securitypolicyviolation event in the document');
  assert.deepEqual(backend.cspReports, [], 'no violation reported by the document or the worker');
  assert.deepEqual(pageFetched.filter((u) => /\.(wasm|tflite)$/.test(u)), [], 'detection ran in the worker');
  // The guide's size and place come from the camera and the face rules (not the stylesheet's 46% x 78% default),
  // and the browser applied them.
  assert.ok(layout, 'the guide was measured while detecting');
  assert.notEqual(layout.set.width, 46);
  for (const key of ['width', 'height', 'top']) {
    assert.ok(Math.abs(layout.set[key] - layout.measured[key]) < 1, `${key}: set ${layout.set[key]}%, laid out at ${layout.measured[key].toFixed(2)}%`);
  }
});
