// @web/test-runner in Debian's Chromium, headless. Each camera group launches its own Chromium whose fake
// capture device plays a video made from a real photo (scripts/make-fixtures.mjs).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter } from '@web/test-runner';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { makeFixtures } from './scripts/make-fixtures.mjs';
import { mockBackend } from './test/support/mock-backend.mjs';

const videos = makeFixtures();

/**
 * The server companion (liveness-capture/server, built into dist/server by `npm test`) in local mode, mounted at
 * /api/liveness with sessions and verdict tokens on, and the page server's own routes: /api/session opens a
 * session, /api/verify checks a token bound to it, /api/session-result reads the result server-side.
 */
async function companion() {
  let server;
  try {
    server = await import('./dist/server/index.js');
  } catch {
    return [];
  }
  const secret = 'test-verdict-secret-0123456789abcdef-0123456789';
  const handler = server.createLivenessHandler({ mode: 'local', verdictSecret: secret, log: false });
  const node = server.toNodeMiddleware(handler);
  const { sessions } = handler;
  const readJson = async (req) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
  };
  return [
    async (ctx, next) => {
      if (ctx.path === '/api/session' && ctx.method === 'POST') {
        ctx.type = 'application/json';
        ctx.body = JSON.stringify(await sessions.createSession({ subject: 'test-user' }));
        return;
      }
      if (ctx.path === '/api/session-result' && ctx.method === 'POST') {
        const { session } = await readJson(ctx.req);
        ctx.type = 'application/json';
        ctx.body = JSON.stringify(await sessions.getSessionResult(session));
        return;
      }
      if (ctx.path === '/api/verify' && ctx.method === 'POST') {
        const { token, session, decision } = await readJson(ctx.req);
        ctx.type = 'application/json';
        ctx.body = JSON.stringify(
          await server.verifyVerdict(token, secret, { session, subject: 'test-user', decision, maxAgeSeconds: 300, store: sessions.store }),
        );
        return;
      }
      if (!ctx.path.startsWith('/api/liveness')) return next();
      ctx.respond = false;
      await new Promise((resolve) => {
        ctx.res.once('close', resolve);
        node(ctx.req, ctx.res, () => {
          ctx.res.statusCode = 404;
          ctx.res.end();
        });
      });
    },
  ];
}
/**
 * Serves a module's TypeScript source when its compiled name is asked for outside an import (the detector's
 * worker script, located with `new URL('./detector-worker.js', import.meta.url)` as in the built package).
 */
function typescriptSources(ctx, next) {
  if (ctx.path.startsWith('/src/') && ctx.path.endsWith('.js')) {
    const ts = `.${ctx.path.slice(0, -3)}.ts`;
    if (!existsSync(`.${ctx.path}`) && existsSync(ts)) ctx.url = ctx.url.replace(ctx.path, ts.slice(1));
  }
  return next();
}

const chromium = process.env.CHROME_PATH ?? '/usr/bin/chromium';

const baseArgs = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--autoplay-policy=no-user-gesture-required',
];

/** A Chromium whose camera plays `video` (a name from scripts/make-fixtures.mjs), or the built-in pattern. */
export function browserWithCamera(video) {
  const args = [...baseArgs, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];
  if (video) args.push(`--use-file-for-fake-video-capture=${videos[video]}`);
  return chromeLauncher({ launchOptions: { executablePath: chromium, headless: true, args } });
}

/** Counts leaf tests across all sessions and writes {passed, failed, skipped} for scripts/test.mjs. */
function countingReporter(file) {
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0, errors: 0 };
      const walk = (suite) => {
        for (const t of suite?.tests ?? []) {
          if (t.skipped) counts.skipped++;
          else if (t.passed) counts.passed++;
          else counts.failed++;
        }
        for (const s of suite?.suites ?? []) walk(s);
      };
      for (const s of sessions) {
        walk(s.testResults);
        // A file that failed to load or threw outside a test counts as one failure.
        if (!s.passed && (s.errors?.length ?? 0) > 0) counts.errors++;
        if (!s.passed && !s.testResults?.tests?.length && !s.testResults?.suites?.length) counts.failed++;
      }
      if (file) writeFileSync(file, JSON.stringify(counts));
    },
  };
}

// Groups: files under test/camera/<video>/ run in a Chromium whose camera plays that video.
const hasTests = (dir) => existsSync(dir) && readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.test.ts'));
const cameraGroups = Object.keys(videos).filter((video) => hasTests(`test/camera/${video}`)).map((video) => ({
  name: video,
  files: `test/camera/${video}/**/*.test.ts`,
  browsers: [browserWithCamera(video)],
}));

export default {
  nodeResolve: { exportConditions: ['browser', 'development'] },
  groups: [
    { name: 'unit', files: 'test/unit/**/*.test.ts', browsers: [browserWithCamera(null)] },
    ...cameraGroups,
  ],
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 120_000,
  testsStartTimeout: 120_000,
  testsFinishTimeout: 1_800_000,
  testFramework: { config: { timeout: 90_000 } },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' })],
  middleware: [typescriptSources, mockBackend(), ...(await companion())],
  reporters: [defaultReporter(), countingReporter(process.env.WTR_COUNTS_FILE)],
};
