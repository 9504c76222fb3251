// Vue 3 (Vite, @vitejs/plugin-vue) compiles <liveness-capture> as a custom element (`isCustomElement`) and
// `import type {} from 'liveness-capture/vue'` types it for vue-tsc with strictTemplates: properties, `@liveness-*`
// handlers and their details. Vue sets the bindings as properties (`:headers` is an object).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertRejected, checkPassAndDenied, closeChromium, installExample, npmRun, serve, workdir } from '../support/apps.mjs';

const work = workdir('vue');
let app;
let server;

before(() => {
  app = installExample('vue', work.dir);
});

after(async () => {
  await closeChromium();
  server?.close();
  work.cleanup();
});

test('Vue 3: the app type-checks strictly (vue-tsc, strictTemplates)', () => {
  const check = npmRun(app, 'typecheck', 'vue: vue-tsc');
  assert.equal(check.status, 0, check.output);
});

test('Vue 3: wrong prop types, unknown props and wrong handlers fail type-checking', () => {
  assertRejected(npmRun(app, 'typecheck:negative', 'vue: vue-tsc (negative)'), app, 'negative/Wrong.vue');
});

test('Vue 3: vite build, then a face passes and a blocked camera errors, seen by Vue handlers', async () => {
  const build = npmRun(app, 'build', 'vue: vite build');
  assert.equal(build.status, 0, build.output);
  server = await serve(join(app, 'dist'));
  await checkPassAndDenied('vue', server.origin, server.received, { header: 'vue' });
});
