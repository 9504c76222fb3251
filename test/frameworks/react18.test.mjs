// React 18 cannot pass objects or listen for custom events on a custom element: it uses the package's wrapper,
// `liveness-capture/react` (@lit/react), with `onLivenessPass`-style props, properties and a forwarded ref.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertRejected, checkPassAndDenied, closeChromium, installExample, npmRun, serve, workdir } from '../support/apps.mjs';

const work = workdir('react18');
let app;
let server;

before(() => {
  app = installExample('react18', work.dir);
});

after(async () => {
  await closeChromium();
  server?.close();
  work.cleanup();
});

test('React 18: the app type-checks strictly (tsc)', () => {
  const check = npmRun(app, 'typecheck', 'react18: tsc');
  assert.equal(check.status, 0, check.output);
});

test('React 18: wrong prop types, unknown props and wrong handlers of the wrapper fail type-checking', () => {
  assertRejected(npmRun(app, 'typecheck:negative', 'react18: tsc (negative)'), app, 'negative/wrong.tsx');
});

test('React 18: vite build, then a face passes and a blocked camera errors, seen by the wrapper\'s props', async () => {
  const build = npmRun(app, 'build', 'react18: vite build');
  assert.equal(build.status, 0, build.output);
  server = await serve(join(app, 'dist'));
  await checkPassAndDenied('react18', server.origin, server.received, {
    header: 'react18',
    extra: async (page) => assert.equal(await page.$eval('#ref', (el) => el.textContent), 'liveness-capture', 'the ref reaches the element'),
  });
});
