// React 19 (Vite react-ts) uses <liveness-capture> directly: `import type {} from 'liveness-capture/jsx'` types
// its properties and `onliveness-*` handlers; React sets the props as properties and listens for the events.
// The wrapper that React 18 needs works in React 19 too (the same app at `?wrapper`).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertRejected, checkPassAndDenied, closeChromium, installExample, npmRun, serve, workdir } from '../support/apps.mjs';

const work = workdir('react19');
let app;
let server;

before(() => {
  app = installExample('react19', work.dir);
});

after(async () => {
  await closeChromium();
  server?.close();
  work.cleanup();
});

test('React 19: the app type-checks strictly (tsc)', () => {
  const check = npmRun(app, 'typecheck', 'react19: tsc');
  assert.equal(check.status, 0, check.output);
});

test('React 19: wrong prop types, unknown props and wrong handlers fail type-checking', () => {
  assertRejected(npmRun(app, 'typecheck:negative', 'react19: tsc (negative)'), app, 'negative/wrong.tsx');
});

test('React 19: vite build, then a face passes and a blocked camera errors, seen by React handlers', async () => {
  const build = npmRun(app, 'build', 'react19: vite build');
  assert.equal(build.status, 0, build.output);
  server = await serve(join(app, 'dist'));
  await checkPassAndDenied('react19', server.origin, server.received, { header: 'react19' });
});

test('React 19 with the wrapper (liveness-capture/react): a face passes and a blocked camera errors', async () => {
  await checkPassAndDenied('react19 wrapper', server.origin, server.received, { path: '/?wrapper', header: 'react19' });
});
