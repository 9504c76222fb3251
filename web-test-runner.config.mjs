// @web/test-runner in one browser engine, chosen by WTR_ENGINE (scripts/test.mjs runs each in turn):
//   chromium (default): Debian's Chromium, headless; its fake capture device plays the group's video.
//   firefox: Debian's Firefox ESR through puppeteer (WebDriver BiDi), headed under Xvfb (headless has no WebGL).
//   webkit: WebKitGTK's MiniBrowser through WebKitWebDriver, under Xvfb.
// Each camera group plays a video made from a real photo (scripts/make-fixtures.mjs); Firefox and WebKit have no
// file-backed camera, so their test page replays the same video through test/support/fake-camera.ts.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher, puppeteerCore } from '@web/test-runner-chrome';
import { WebdriverLauncher } from '@web/test-runner-webdriver';
import { defaultReporter } from '@web/test-runner';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { makeFixtures } from './scripts/make-fixtures.mjs';
import { firefoxLaunchOptions, startWebKitDriver, webkitCapabilities } from './test/support/engines.mjs';
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

/**
 * The dev server's result serializer starts with `structuredClone`, which throws on DOM nodes: a failed assertion
 * that compares elements (`expect(activeElement).to.equal(button)`) then never reports, and the whole run waits
 * for `testsFinishTimeout` on a blank page, in every engine. This copies what cannot be cloned as a description.
 */
const CLONE_CALL = 'var target = structuredClone(obj)';
const safeResults = {
  name: 'safe-result-serializer',
  transform(context) {
    if (context.path !== '/__web-dev-server__web-socket.js' || typeof context.body !== 'string') return undefined;
    if (!context.body.includes(CLONE_CALL)) throw new Error(`safe-result-serializer: "${CLONE_CALL}" not found in ${context.path}; update the plugin`);
    return context.body.replace(CLONE_CALL, `var target = cloneForReport(obj)`) + `
function cloneForReport(value, seen = new WeakSet()) {
  try {
    return structuredClone(value);
  } catch {
    // fall through: copy by hand
  }
  if (typeof value === 'function') return '[Function ' + (value.name || 'anonymous') + ']';
  if (value === null || typeof value !== 'object') return value;
  if (typeof Node !== 'undefined' && value instanceof Node) {
    const el = value;
    return el.nodeType === 1 ? '<' + el.localName + (el.id ? '#' + el.id : '') + [...el.attributes].filter((a) => a.name !== 'id').map((a) => ' ' + a.name + '="' + a.value + '"').join('') + '>' : String(el.nodeName);
  }
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => cloneForReport(v, seen));
  const out = {};
  for (const key of Object.keys(value)) out[key] = cloneForReport(value[key], seen);
  if (value instanceof Error) for (const key of ['name', 'message', 'stack']) out[key] = String(value[key]);
  return out;
}
`;
  },
};

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

export const ENGINES = ['chromium', 'firefox', 'webkit'];
const engine = process.env.WTR_ENGINE ?? 'chromium';
if (!ENGINES.includes(engine)) throw new Error(`WTR_ENGINE must be one of ${ENGINES.join(', ')}, not ${engine}`);

/** Firefox ESR, headed (WebGL2 on llvmpipe); its own fake camera (a pattern) for tests that need no face. */
function firefox() {
  return chromeLauncher({ puppeteer: puppeteerCore, launchOptions: firefoxLaunchOptions() });
}

/**
 * WebKit through WebKitWebDriver, with these mends to @web/test-runner-webdriver 0.9:
 * - The stock launcher navigates to a test page without awaiting it (its SessionManager drops the promise). A
 *   navigation that failed rejected where nobody listened, and the runner died with no counts (one CI run). Here the
 *   navigation is awaited, so a failure is the runner's to handle.
 * - A navigation that does not finish means the browser, not a test, is stuck (a test page's own work cannot hold
 *   it: navigations take under a second all run long). The launcher then logs it, ends WebKitWebDriver with its
 *   MiniBrowser, starts both afresh and opens the page there once. No test has run on that page yet.
 *   Tried by stopping the MiniBrowser (SIGSTOP) as it starts: the file then runs and passes in the new one.
 * - A browser stuck after a file reported its results is restarted too (stopSession below).
 */
class WebKitLauncher extends WebdriverLauncher {
  constructor(options, driver) {
    super(options);
    this.webkitDriver = driver;
  }

  async startSession(id, url) {
    try {
      await this.navigate(id, url);
    } catch (error) {
      console.error(`[webkit] the browser did not open ${url} (${error?.message ?? error}): restarting it`);
      await this.restart();
      await this.navigate(id, url);
    }
  }

  /**
   * Ending a session reads coverage and opens about:blank, after the page has reported its results. If the browser
   * is stuck by then, the results stand: the launcher logs it and restarts the browser for the next file.
   */
  async stopSession(id) {
    try {
      return await super.stopSession(id);
    } catch (error) {
      console.error(`[webkit] the browser did not leave the test page (${error?.message ?? error}): restarting it`);
      await this.restart();
      return {};
    }
  }

  async navigate(id, url) {
    await this.ensureManagerInitialized();
    const started = Date.now();
    await this.driverManager.startSession(id, url);
    if (process.env.WTR_NAV_LOG) console.error(`[webkit] navigation ${Date.now() - started} ms ${url}`);
  }

  async restart() {
    if (this.pendingHeartbeat != null) clearInterval(this.pendingHeartbeat);
    this.webkitDriver.stop();
    this.driver = undefined;
    this.driverManager = undefined;
    this.__managerPromise = undefined; // the failed start's, which would be awaited again
    this.webkitDriver = await startWebKitDriver();
    this.options.port = this.webkitDriver.port;
  }
}

/** WebKitGTK's MiniBrowser, whose mock camera serves tests that need no face. */
function webkit(driver) {
  return new WebKitLauncher({
    automationProtocol: 'webdriver',
    hostname: '127.0.0.1',
    port: driver.port,
    path: '/',
    logLevel: 'error',
    // A command that takes a minute means a stuck browser: fail it then, once, rather than after 4 x 2 minutes.
    connectionRetryTimeout: 60_000,
    connectionRetryCount: 0,
    capabilities: webkitCapabilities(),
  }, driver);
}

const webkitDriver = engine === 'webkit' ? await startWebKitDriver() : null;

/**
 * Firefox and WebKit: one browser for every group (the runner keeps one instance of a launcher shared by groups),
 * since their fake camera is chosen by the test page, not by a launch flag. One launch instead of one per group
 * is also one chance less for a MiniBrowser that never starts.
 */
const shared = engine === 'firefox' ? firefox() : engine === 'webkit' ? webkit(webkitDriver) : null;

/** The engine's browser for a group whose camera plays `video` (null: the engine's own fake camera). */
function browserFor(video) {
  return shared ?? browserWithCamera(video);
}

/** Test page for Firefox and WebKit camera groups: the fake camera plays `video` before the tests load. */
function fakeCameraPage(video) {
  return (testFramework) => `<!doctype html><html><head></head><body><script type="module">
import { installFakeCamera } from '/test/support/fake-camera.ts';
installFakeCamera('/test/fixtures/video/${video}.mjpeg');
await import('${testFramework}');
</script></body></html>`;
}

/** Counts leaf tests across all sessions and writes {passed, failed, skipped, skips} for scripts/test.mjs. */
function countingReporter(file) {
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0, errors: 0, skips: [] };
      const walk = (suite, path = []) => {
        for (const t of suite?.tests ?? []) {
          if (t.skipped) {
            counts.skipped++;
            counts.skips.push([...path, t.name].join(' > '));
          } else if (t.passed) counts.passed++;
          else counts.failed++;
        }
        for (const s of suite?.suites ?? []) walk(s, [...path, s.name]);
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
  browsers: [browserFor(video)],
  ...(engine === 'chromium' ? {} : { testRunnerHtml: fakeCameraPage(video) }),
}));

const groups = [
  { name: 'unit', files: 'test/unit/**/*.test.ts', browsers: [browserFor(null)] },
  ...cameraGroups,
];

/** WTR_FILE (scripts/test.mjs --file): that one test file, in the group whose camera it needs. */
function oneFile(file) {
  const group = groups.find((g) => file.startsWith(`test/camera/${g.name}/`)) ?? groups[0];
  return [{ ...group, files: file }];
}

export default {
  nodeResolve: { exportConditions: ['browser', 'development'] },
  groups: process.env.WTR_FILE ? oneFile(process.env.WTR_FILE) : groups,
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 120_000,
  testsStartTimeout: 120_000,
  // A bound on one file (the slowest takes a few minutes in WebKit), so that a page that stops reporting fails the
  // file instead of holding the run.
  testsFinishTimeout: 600_000,
  // A runner limit, not an assertion: Firefox and WebKit compile the detector's wasm afresh for every element.
  testFramework: { config: { timeout: engine === 'chromium' ? 90_000 : 240_000 } },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }), safeResults],
  middleware: [typescriptSources, mockBackend(), ...(await companion())],
  reporters: [defaultReporter(), countingReporter(process.env.WTR_COUNTS_FILE)],
};
