// Plain HTML, no bundler: a page loads the package's self-contained build by path from node_modules, the same page
// with the files the README says to copy on a static host, and a third page uses the package's ES modules through
// an import map instead. Each detects in the worker (a module worker does not see the import map: the worker
// script is self-contained).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPassAndDenied, exampleTests, openApp } from '../support/apps.mjs';

const ctx = exampleTests('html', { title: 'plain HTML, self-contained build', checker: 'tsc --checkJs', negative: 'negative/wrong.js', build: false });

test('plain HTML with an import map: a face passes and a blocked camera errors', async () => {
  await checkPassAndDenied('html import map', ctx.server.origin, ctx.server.received, { path: '/importmap.html', header: 'html' });
});

test("a copied standalone set (the README's list of files) on a static host: a face passes, detected in the worker", async () => {
  const from = join(ctx.app, 'node_modules', 'liveness-capture', 'dist');
  const to = join(ctx.app, 'copied');
  mkdirSync(to, { recursive: true });
  const copied = readdirSync(from).filter((name) => /^standalone.*\.js$/.test(name) || name === 'detector-worker.js');
  for (const name of copied) cpSync(join(from, name), join(to, name));
  cpSync(join(from, 'assets'), join(to, 'assets'), { recursive: true });
  assert.ok(copied.includes('detector-worker.js') && copied.includes('standalone.js'), copied.join(' '));
  cpSync(join(ctx.app, 'index.html'), join(to, 'index.html'));
  writeFileSync(join(to, 'app.js'), readFileSync(join(ctx.app, 'app.js'), 'utf8').replace('./node_modules/liveness-capture/dist/standalone.js', './standalone.js'));
  await checkPassAndDenied('html copied set', ctx.server.origin, ctx.server.received, { path: '/copied/', header: 'html' });
});

test('detector files missing where assets-base points: DETECTOR_UNAVAILABLE names the URL and the fix', async () => {
  writeFileSync(join(ctx.app, 'missing-assets.html'), `<!doctype html><html lang="en"><body>
<liveness-capture endpoint="/backend/antispoofing" assets-base="/nowhere/" autostart></liveness-capture><p id="result"></p>
<script type="module">
  import './node_modules/liveness-capture/dist/standalone.js';
  const result = document.querySelector('#result');
  document.querySelector('liveness-capture').addEventListener('liveness-error', (e) => (result.textContent = \`\${e.detail.code}: \${e.detail.message}\`));
</script></body></html>`);
  const { result, page } = await openApp(`${ctx.server.origin}/missing-assets.html`);
  await page.close();
  assert.match(result, /^DETECTOR_UNAVAILABLE: /);
  assert.ok(result.includes(`${ctx.server.origin}/nowhere/vision_wasm_loader.js (HTTP 404)`), result);
  assert.ok(result.includes(`${ctx.server.origin}/nowhere/face_detection_short_range.tflite (HTTP 404)`), result);
  assert.match(result, /assets-base/);
  assert.doesNotMatch(result, /\[object /);
});
