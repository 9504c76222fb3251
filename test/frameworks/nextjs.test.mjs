// Next.js 16 (App Router, React 19, Turbopack): a server component page renders a client component that uses
// `liveness-capture/react`, the route that keeps every prop through server rendering and hydration. The app is
// built with `next build` and served by `next start` on loopback, behind the test's own server, which answers the
// backend route and forwards everything else to Next (as a reverse proxy in front of an app server would). Next's
// bundler (Turbopack) follows the package's `new Worker(new URL(…, import.meta.url))` and `new URL(…)` references:
// it bundles the worker into `/_next/static/chunks/` and emits the wasm and model into `/_next/static/media/`. No
// copy step, and detection runs in the worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { exampleTests, freePort, serve, timedAsync } from '../support/apps.mjs';

// Nothing leaves the machine: Next's anonymous telemetry is off for every `next` command the test runs.
process.env.NEXT_TELEMETRY_DISABLED = '1';

/** `npm run start` (`next start`) on a free loopback port, with the test's server in front of it. */
async function start(app) {
  const port = await freePort();
  const next = spawn('npm', ['run', '--silent', 'start', '--', '--hostname', '127.0.0.1', '--port', String(port)],
    { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, NO_COLOR: '1' } });
  const exited = new Promise((resolve) => next.once('exit', resolve));
  const stop = async () => {
    if (next.exitCode === null && next.signalCode === null) process.kill(-next.pid, 'SIGTERM');
    await exited;
  };
  try {
    await timedAsync('nextjs: next start', () => new Promise((resolve, reject) => {
      let out = '';
      const seen = (d) => {
        out += d;
        if (/Ready in/.test(out)) resolve();
      };
      next.stdout.on('data', seen);
      next.stderr.on('data', seen);
      next.once('error', reject);
      next.once('exit', (code) => reject(new Error(`next start exited ${code}: ${out}`)));
    }));
  } catch (error) {
    await stop();
    throw error;
  }
  const front = await serve(app, { upstream: `http://127.0.0.1:${port}` });
  return {
    ...front,
    close: async () => {
      front.close();
      await stop();
    },
  };
}

const ctx = exampleTests('nextjs', {
  title: 'Next.js 16',
  checker: 'next typegen, tsc',
  negative: 'negative/wrong.tsx',
  start,
  // Turbopack bundles the package's worker script into its own worker entry and chunks, under its own names.
  workerScript: /\/_next\/static\/chunks\/turbopack-worker-[^/]*\.js(#|$)/,
  extra: async (page, { errors }) => {
    // Set on hydration, through the wrapper: the server's markup carries none of them.
    assert.deepEqual(
      await page.$eval('liveness-capture', (el) => ({ autostart: el.autostart, threshold: el.threshold, headers: el.headers })),
      { autostart: true, threshold: 0.6, headers: { 'x-example': 'nextjs' } },
    );
    // No hydration mismatch or other error (a failed load is reported by its URL elsewhere: the app has no favicon).
    assert.deepEqual(errors.filter((e) => !e.startsWith('Failed to load resource')), []);
  },
});

test('Next.js 16: the page is rendered on the server, with the element in its HTML', async () => {
  const html = await (await fetch(`${ctx.server.origin}/`)).text();
  assert.match(html, /<liveness-capture[^>]*><\/liveness-capture><p id="result"><\/p>/);
});
