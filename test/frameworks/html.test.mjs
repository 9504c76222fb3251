// Plain HTML, no bundler: a page loads the package's self-contained build by path from node_modules (any static
// host works the same way), and a second page uses the package's ES modules through an import map instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPassAndDenied, exampleTests, openApp } from '../support/apps.mjs';

const ctx = exampleTests('html', { title: 'plain HTML, self-contained build', checker: 'tsc --checkJs', negative: 'negative/wrong.js', build: false });

test('plain HTML with an import map: a face passes and a blocked camera errors', async () => {
  await checkPassAndDenied('html import map', ctx.server.origin, ctx.server.received, { path: '/importmap.html', header: 'html' });
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
