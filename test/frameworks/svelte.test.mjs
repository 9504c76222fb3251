// Svelte 5 (Vite, @sveltejs/vite-plugin-svelte) uses <liveness-capture> directly; `import type {} from
// 'liveness-capture/svelte'` types its properties and `onliveness-*` handlers for svelte-check. Svelte sets the
// attributes as properties (`headers` is an object) and listens for the events.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertRejected, checkPassAndDenied, closeChromium, installExample, npmRun, serve, workdir } from '../support/apps.mjs';

const work = workdir('svelte');
let app;
let server;

before(() => {
  app = installExample('svelte', work.dir);
});

after(async () => {
  await closeChromium();
  server?.close();
  work.cleanup();
});

test('Svelte 5: the app type-checks strictly (svelte-check)', () => {
  const check = npmRun(app, 'typecheck', 'svelte: svelte-check');
  assert.equal(check.status, 0, check.output);
});

test('Svelte 5: wrong prop types, unknown props and wrong handlers fail type-checking', () => {
  assertRejected(npmRun(app, 'typecheck:negative', 'svelte: svelte-check (negative)'), app, 'negative/Wrong.svelte');
});

test('Svelte 5: vite build, then a face passes and a blocked camera errors, seen by Svelte handlers', async () => {
  const build = npmRun(app, 'build', 'svelte: vite build');
  assert.equal(build.status, 0, build.output);
  server = await serve(join(app, 'dist'));
  await checkPassAndDenied('svelte', server.origin, server.received, { header: 'svelte' });
});
