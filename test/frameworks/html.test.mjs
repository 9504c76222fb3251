// Plain HTML, no bundler: a page loads the package's self-contained build by path from node_modules (any static
// host works the same way), and a second page uses the package's ES modules through an import map instead.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertRejected, checkPassAndDenied, closeChromium, installExample, npmRun, serve, workdir } from '../support/apps.mjs';

const work = workdir('html');
let app;
let server;

before(async () => {
  app = installExample('html', work.dir);
  server = await serve(app);
});

after(async () => {
  await closeChromium();
  server?.close();
  work.cleanup();
});

test('plain HTML: the page script type-checks (tsc --checkJs, strict)', () => {
  const check = npmRun(app, 'typecheck', 'html: tsc');
  assert.equal(check.status, 0, check.output);
});

test('plain HTML: wrong property types and handlers fail type-checking', () => {
  assertRejected(npmRun(app, 'typecheck:negative', 'html: tsc (negative)'), app, 'negative/wrong.js');
});

test('plain HTML with the self-contained build: a face passes and a blocked camera errors', async () => {
  await checkPassAndDenied('html standalone', server.origin, server.received, { header: 'html' });
});

test('plain HTML with an import map: a face passes and a blocked camera errors', async () => {
  await checkPassAndDenied('html import map', server.origin, server.received, { path: '/importmap.html', header: 'html' });
});
