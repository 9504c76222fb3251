// Angular 21 (the newest Angular CLI that runs on Node 20; 22 needs Node 22): a standalone component with
// CUSTOM_ELEMENTS_SCHEMA binds properties and `(liveness-*)` events. Angular's builder does not copy files that
// modules reference with `new URL(..., import.meta.url)`, so the app takes the documented two lines: an `assets`
// glob in angular.json and `assets-base` on the element. Checked with `ng build` and on `ng serve`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { assertRejected, checkPassAndDenied, closeChromium, installExample, npmRun, serve, timedAsync, workdir } from '../support/apps.mjs';

const work = workdir('angular');
let app;
let server;

before(() => {
  process.env.NG_CLI_ANALYTICS = 'false';
  app = installExample('angular', work.dir);
});

after(async () => {
  await closeChromium();
  server?.close();
  work.cleanup();
});

test('Angular 21: the app type-checks strictly (ngc, strictTemplates)', () => {
  const check = npmRun(app, 'typecheck', 'angular: ngc');
  assert.equal(check.status, 0, check.output);
});

test('Angular 21: handlers of the wrong event type fail type-checking', () => {
  assertRejected(npmRun(app, 'typecheck:negative', 'angular: ngc (negative)'), app, 'negative/wrong.ts');
});

test('Angular 21: ng build, then a face passes and a blocked camera errors, seen by Angular handlers', async () => {
  const build = npmRun(app, 'build', 'angular: ng build');
  assert.equal(build.status, 0, build.output);
  server = await serve(join(app, 'dist', 'browser'));
  await checkPassAndDenied('angular', server.origin, server.received, { header: 'angular' });
});

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

test('Angular 21: the same app on ng serve', async () => {
  // The test's own proxy file only forwards the backend route to the test server.
  writeFileSync(join(app, 'proxy.json'), JSON.stringify({ '/backend': { target: server.origin } }));
  const port = await freePort();
  const dev = spawn('npx', ['--no-install', 'ng', 'serve', '--host', '127.0.0.1', '--port', String(port), '--proxy-config', 'proxy.json', '--no-hmr'],
    { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, NO_COLOR: '1' } });
  try {
    await timedAsync('angular: ng serve start', () => new Promise((resolve, reject) => {
      let out = '';
      const seen = (d) => {
        out += d;
        if (out.includes(`127.0.0.1:${port}`)) resolve();
      };
      dev.stdout.on('data', seen);
      dev.stderr.on('data', seen);
      dev.on('exit', (code) => reject(new Error(`ng serve exited ${code}: ${out}`)));
    }));
    await checkPassAndDenied('angular (ng serve)', `http://127.0.0.1:${port}`, server.received, { header: 'angular' });
  } finally {
    process.kill(-dev.pid, 'SIGTERM');
  }
});
