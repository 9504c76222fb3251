#!/usr/bin/env node
// Takes the README's screenshots: the demo page (npm start's Vite server, started here on a free port) in
// headless Debian Chromium whose fake camera plays videos made from real photos. For the default and the
// restyled element it captures: idle, a live hint, hold-still, passed, failed, error, and Arabic (RTL).
// Result screens use the demo's labelled simulator so each state can be shown on demand.
// Usage: node scripts/screenshots.mjs [outdir]   (default docs/screenshots)
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { createServer } from 'vite';
import { makeFixtures } from './make-fixtures.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, process.argv[2] ?? 'docs/screenshots');
mkdirSync(out, { recursive: true });
const videos = makeFixtures();

const server = await createServer({ root, configFile: join(root, 'vite.config.ts'), server: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
await server.listen();
const { port } = server.httpServer.address();
const url = `http://127.0.0.1:${port}/demo/`;

async function withCamera(video, fn) {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${videos[video]}`],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1000, deviceScaleFactor: 1 });
    await page.goto(url, { waitUntil: 'networkidle0' });
    await page.waitForFunction(() => customElements.get('liveness-capture'));
    await fn(page);
  } finally {
    await browser.close();
  }
}

/** Sets attributes/properties on both elements, starts them, waits until `done(el)` holds for both. */
async function state(page, setup, done) {
  await page.evaluate(setup);
  await page.waitForFunction(done, { timeout: 120_000, polling: 100 });
}

async function shoot(page, name) {
  for (const id of ['default', 'custom']) {
    const el = await page.$(`#${id}`);
    const file = join(out, `${id === 'default' ? 'default' : 'restyled'}-${name}.png`);
    await el.screenshot({ path: file });
    console.log(file);
  }
}

const both = (fn) => `(() => { for (const el of document.querySelectorAll('liveness-capture')) { (${fn})(el); } })()`;
const all = (cond) => `[...document.querySelectorAll('liveness-capture')].every((el) => ${cond})`;

try {
  await withCamera('face', async (page) => {
    await shoot(page, 'idle');
    for (const [name, endpoint, status] of [
      ['passed', '/api/simulate/live', 'passed'],
      ['failed', '/api/simulate/spoof', 'failed'],
      ['error', '/api/simulate/throttled', 'error'],
    ]) {
      await state(page, both(`(el) => { el.reset(); el.endpoint = '${endpoint}'; el.start(); }`), all(`el.status === '${status}'`));
      await page.evaluate(() => document.activeElement?.blur());
      await shoot(page, name);
    }
    // Hold still: manual mode keeps the element detecting with the face ready.
    await state(page, both(`(el) => { el.reset(); el.captureMode = 'manual'; el.start(); }`), all(`el.getAttribute('hint') === 'hold-still' && el.shadowRoot.querySelector('[part~=capture-button]') && !el.shadowRoot.querySelector('[part~=capture-button]').disabled`));
    await shoot(page, 'ready-manual');
  });
  await withCamera('small', async (page) => {
    await state(page, both(`(el) => el.start()`), all(`el.getAttribute('hint') === 'move-closer'`));
    await shoot(page, 'hint-move-closer');
    await state(page, both(`(el) => { el.stop(); el.setAttribute('lang', 'ar'); el.start(); }`), all(`el.getAttribute('hint') === 'move-closer'`));
    await shoot(page, 'hint-arabic-rtl');
  });
} finally {
  await server.close();
}
