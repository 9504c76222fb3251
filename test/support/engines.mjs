// How the tests start Firefox ESR and WebKitGTK, shared by the browser suite (web-test-runner.config.mjs) and the
// app checks (test/support/apps.mjs). Both engines run headed under Xvfb: headless Firefox has no WebGL, and
// WebKitGTK has no headless mode.
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** Firefox's preferences: its fake camera (a pattern) without a permission prompt, and autoplay allowed. */
export const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
};

/** puppeteer-core's launch options for Debian's Firefox ESR (`FIREFOX_PATH` to use another). */
export function firefoxLaunchOptions() {
  return {
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: false,
    extraPrefsFirefox: FIREFOX_PREFS,
  };
}

/** The MiniBrowser of Debian's libwebkit2gtk-4.1-0 (webkit2gtk-driver's browser), or `MINIBROWSER_PATH`. */
export function miniBrowser() {
  if (process.env.MINIBROWSER_PATH) return process.env.MINIBROWSER_PATH;
  const files = execFileSync('dpkg', ['-L', 'libwebkit2gtk-4.1-0'], { encoding: 'utf8' }).split('\n');
  const found = files.find((f) => f.endsWith('/MiniBrowser'));
  if (!found) throw new Error('MiniBrowser not found: apt-get install webkit2gtk-driver');
  return found;
}

/**
 * The WebDriver capabilities of a MiniBrowser session: the mock camera, WebGL, media without a user gesture, and
 * WebGL in workers (MediaPipe puts its GL context on an OffscreenCanvas there, as in Safari 17+).
 */
export function webkitCapabilities() {
  return {
    browserName: 'MiniBrowser',
    'wdio:enforceWebDriverClassic': true,
    'webkitgtk:browserOptions': {
      binary: miniBrowser(),
      args: ['--automation', '--enable-media-stream=true', '--enable-mock-capture-devices=true', '--enable-webgl=true',
        '--media-playback-requires-user-gesture=false', '--features=+AllowWebGLInWorkers'],
    },
  };
}

/** Starts WebKitWebDriver on a free loopback port, once it answers; `stop()` ends it (so does this process's exit). */
export async function startWebKitDriver() {
  const port = await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  // Its own process group, so that stop() also ends the MiniBrowser and web processes it started.
  const driver = spawn('WebKitWebDriver', [`--port=${port}`], { stdio: 'ignore', detached: true });
  const stop = () => {
    process.off('exit', stop);
    try {
      process.kill(-driver.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.on('exit', stop);
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/status`)).ok) return { port, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new Error('WebKitWebDriver did not start');
}
