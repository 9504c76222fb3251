// The consumer check: a fresh Vite app installs the `npm pack` tarball (whose prepack builds it), only does
// `import 'liveness-capture'`, is built with Vite with no extra configuration, and — served from loopback and
// opened in Debian's Chromium with the fake camera playing a real face — detects the face and submits it.
// Every request the page makes must go to its own origin. The built app also runs in Firefox ESR and WebKitGTK
// when the run covers them (LIVENESS_ENGINES), with the test suite's fake camera playing the same video.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, chromium, closeChromium, openInFirefox, openInWebKit, serve, tarball, viteConsumerApp } from '../support/apps.mjs';

const work = mkdtempSync(join(tmpdir(), 'liveness-consumer-'));
const app = join(work, 'app');

let server;
let received = [];

before(async () => {
  viteConsumerApp(app, tarball(work));
  server = await serve(join(app, 'dist'));
  received = server.received;
});

after(async () => {
  await closeChromium();
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Opens the app at `origin`, waits for the element's result, and checks what was sent and what was fetched. */
async function checkApp(origin) {
  received.length = 0;
  const page = await (await chromium()).newPage();
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.__result, { timeout: 180_000, polling: 100 });
  const result = await page.evaluate(() => window.__result);
  assert.equal(result.type, 'liveness-pass', JSON.stringify(result));
  assert.equal(received.length, 1);
  assert.match(received[0].contentType, /^application\/json/);
  assert.deepEqual(received[0].jpeg, { width: 1280, height: 720 });
  const foreign = requested.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, [], 'every request stays on the page origin');
  assert.ok(requested.some((u) => u.endsWith('.wasm')), 'the wasm came from the app itself');
  assert.ok(requested.some((u) => u.endsWith('.tflite')), 'the model came from the app itself');
  // Detection ran in the bundled worker: its script was served by the app, and wasm and model were fetched by the
  // worker, not by the page (the page's own resource timing, which excludes its workers, has neither).
  assert.ok(requested.some((u) => /detector-worker[^/]*\.js(\?|$)/.test(u)), `the worker script came from the app itself: ${requested.join(' ')}`);
  const pageFetched = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  assert.deepEqual(pageFetched.filter((u) => /\.(wasm|tflite)$/.test(u)), [], 'the page itself fetched no wasm or model');
  await page.close();
}

test('a fresh Vite app that only imports the package, built with vite build, detects a face and submits it', async () => {
  await checkApp(server.origin);
});

const OTHER_ENGINES = { firefox: ['Firefox ESR', openInFirefox], webkit: ['WebKitGTK', openInWebKit] };
for (const engine of ENGINES.filter((e) => e in OTHER_ENGINES)) {
  const [title, open] = OTHER_ENGINES[engine];
  test(`the built app in ${title}: detects the face in the bundled worker and submits it`, async () => {
    received.length = 0;
    server.served.length = 0;
    const { result, resources, errors } = await open(`${server.origin}/`, '() => window.__result');
    assert.equal(result.type, 'liveness-pass', `${JSON.stringify(result)} (page errors: ${errors.join(' | ')})`);
    assert.equal(received.length, 1);
    assert.match(received[0].contentType, /^application\/json/);
    assert.deepEqual(received[0].jpeg, { width: 1280, height: 720 });
    const foreign = resources.filter((u) => !u.startsWith(server.origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
    assert.deepEqual(foreign, [], 'every resource the page loaded came from its origin');
    // The app served the worker script, the wasm and the model; the page itself fetched neither wasm nor model,
    // so detection ran in the worker.
    assert.ok(server.served.some((p) => /detector-worker[^/]*\.js$/.test(p)), `the worker script was served: ${server.served.join(' ')}`);
    assert.ok(server.served.some((p) => p.endsWith('.wasm')), 'the wasm came from the app itself');
    assert.ok(server.served.some((p) => p.endsWith('.tflite')), 'the model came from the app itself');
    assert.deepEqual(resources.filter((u) => /\.(wasm|tflite)$/.test(u)), [], 'the page itself fetched no wasm or model');
  });
}

test('the same app on the Vite dev server (dependency pre-bundling on) works with no configuration', async () => {
  // The test's own config only forwards the backend route to the test server; nothing configures the package.
  writeFileSync(join(app, 'vite.config.js'),
    `export default { server: { proxy: { '/backend': '${server.origin}' } } };`);
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
