// Angular 21 (the newest Angular CLI that runs on Node 20; 22 needs Node 22): a standalone component with
// CUSTOM_ELEMENTS_SCHEMA binds properties and `(liveness-*)` events. Angular's builder does not copy files that
// modules reference with `new URL(..., import.meta.url)`, so the app takes the documented setup: two `assets`
// entries in angular.json (detector files, worker script), the package excluded from ng serve's pre-bundling, and
// `assets-base` on the element. Checked with `ng build` and on `ng serve`, detecting in the worker in both.
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPassAndDenied, exampleTests, freePort, timedAsync } from '../support/apps.mjs';

process.env.NG_CLI_ANALYTICS = 'false';
const ctx = exampleTests('angular', { title: 'Angular 21', checker: 'ngc, strictTemplates', negative: 'negative/wrong.ts', dist: 'dist/browser' });

test('Angular 21: the same app on ng serve', async () => {
  // The test's own proxy file only forwards the backend route to the test server.
  writeFileSync(join(ctx.app, 'proxy.json'), JSON.stringify({ '/backend': { target: ctx.server.origin } }));
  const port = await freePort();
  const dev = spawn('npx', ['--no-install', 'ng', 'serve', '--host', '127.0.0.1', '--port', String(port), '--proxy-config', 'proxy.json', '--no-hmr'],
    { cwd: ctx.app, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, NO_COLOR: '1' } });
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
    await checkPassAndDenied('angular (ng serve)', `http://127.0.0.1:${port}`, ctx.server.received, { header: 'angular' });
  } finally {
    process.kill(-dev.pid, 'SIGTERM');
  }
});
