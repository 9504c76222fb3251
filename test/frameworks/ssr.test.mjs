// Server rendering: every entry of the package imports in Node with and without the `browser` condition, Lit SSR
// renders the idle screen (language from the element's own `lang`, no document or navigator read), and that
// markup hydrates in Chromium with @lit-labs/ssr-client: the server's nodes are kept and the buttons work.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { render } from '@lit-labs/ssr';
import { collectResultSync } from '@lit-labs/ssr/lib/render-result.js';
import { html } from 'lit';
import { closeChromium, chromium, root, serve, workdir } from '../support/apps.mjs';

const work = workdir('ssr');
let server;

after(async () => {
  await closeChromium();
  server?.close();
  work.cleanup();
});

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// JavaScript entries: everything in `exports` but the JSON files and the types-only entries.
const entries = Object.entries(pkg.exports)
  .filter(([key, target]) => !key.endsWith('.json') && (typeof target === 'string' || 'default' in target))
  .map(([key]) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));

test('every JavaScript entry imports in Node, with and without the browser condition', () => {
  assert.ok(entries.length >= 4, entries.join(', '));
  const failures = [];
  for (const conditions of [[], ['--conditions=browser']]) {
    for (const entry of entries) {
      const r = spawnSync(process.execPath, [...conditions, '--input-type=module', '-e', `await import(${JSON.stringify(entry)});`], { cwd: root, encoding: 'utf8' });
      if (r.status !== 0) failures.push(`${conditions.join(' ') || '(node)'} ${entry}: ${r.stderr.split('\n').find((l) => /Error/.test(l)) ?? r.stderr}`);
    }
  }
  assert.deepEqual(failures, []);
});

function ssr(template) {
  return collectResultSync(render(template));
}

test('Lit SSR renders the idle screen into a declarative shadow root, in the element\'s own language', async () => {
  const { LivenessCapture } = await import('liveness-capture');
  // Rendering is synchronous on the server: the languages it renders are loaded first.
  await Promise.all(['de', 'ar'].map((lang) => LivenessCapture.loadLanguage(lang)));
  const en = ssr(html`<liveness-capture endpoint="/backend/antispoofing"></liveness-capture>`);
  assert.match(en, /<liveness-capture[^>]*endpoint="\/backend\/antispoofing"[^>]*><template shadowroot="open" shadowrootmode="open">/);
  assert.match(en, /<button part="button start-button"[^>]*>(<!--[^>]*-->)*Start(<!--[^>]*-->)*<\/button>/);
  assert.match(en, /class="root" dir="ltr" lang="en"/);
  const de = ssr(html`<liveness-capture lang="de" endpoint="/x"></liveness-capture>`);
  assert.match(de, /Starten/);
  const ar = ssr(html`<liveness-capture lang="ar" endpoint="/x"></liveness-capture>`);
  assert.match(ar, /dir="rtl" lang="ar"/);
});

test('the server markup hydrates in Chromium: the same nodes stay, and start works', async () => {
  const markup = ssr(html`<liveness-capture endpoint="/backend/antispoofing"></liveness-capture>`);
  await build({
    stdin: { contents: `import '@lit-labs/ssr-client/lit-element-hydrate-support.js';\nimport './dist/index.js';\n`, resolveDir: root },
    bundle: true, format: 'esm', outfile: join(work.dir, 'app.js'), logLevel: 'warning',
  });
  // The bundle's detector files and worker script resolve beside it (./assets/, ./detector-worker.js), as with any
  // bundler that keeps them (without the worker, whether its 404 came before the test ended was a matter of timing).
  cpSync(join(root, 'dist', 'assets'), join(work.dir, 'assets'), { recursive: true });
  cpSync(join(root, 'dist', 'detector-worker.js'), join(work.dir, 'detector-worker.js'));
  writeFileSync(join(work.dir, 'index.html'), `<!doctype html><html lang="en"><body>${markup}
<script>window.__serverButton = document.querySelector('liveness-capture').shadowRoot.querySelector('[part~="start-button"]');</script>
<script type="module" src="/app.js"></script></body></html>`);
  server = await serve(work.dir);
  const page = await (await chromium()).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // Failed loads are reported by URL below (the browser's own favicon request is no error of the page).
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} ${r.url()}`));
  await page.evaluateOnNewDocument(`navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));`);
  try {
    await page.goto(`${server.origin}/`);
    const hydrated = await page.evaluate(async () => {
      await customElements.whenDefined('liveness-capture');
      const el = document.querySelector('liveness-capture');
      await el.updateComplete;
      const button = el.shadowRoot.querySelector('[part~="start-button"]');
      return { same: button === window.__serverButton, connected: window.__serverButton?.isConnected, status: el.getAttribute('status'), buttons: el.shadowRoot.querySelectorAll('[part~="start-button"]').length };
    });
    assert.deepEqual(hydrated, { same: true, connected: true, status: 'idle', buttons: 1 });
    const code = await page.evaluate(() => new Promise((resolve) => {
      const el = document.querySelector('liveness-capture');
      el.addEventListener('liveness-error', (e) => resolve(e.detail.code));
      el.shadowRoot.querySelector('[part~="start-button"]').click();
    }));
    assert.equal(code, 'CAMERA_DENIED');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('React SSR + hydration with liveness-capture/react: autostart, headers and handlers all reach the element', async () => {
  // One component for both sides, inside the package folder so that `liveness-capture/react` resolves to this build.
  const dir = join(root, '.cache', 'ssr-react');
  mkdirSync(dir, { recursive: true });
  const component = join(dir, 'component.mjs');
  writeFileSync(component, `import * as React from 'react';
import { LivenessCapture } from 'liveness-capture/react';
export function App() {
  const [result, setResult] = React.useState('');
  return React.createElement(React.Fragment, null,
    React.createElement(LivenessCapture, {
      endpoint: '/backend/antispoofing', autostart: true, headers: { 'x-example': 'ssr' },
      onLivenessError: (e) => setResult('error ' + e.detail.code),
    }),
    React.createElement('p', { id: 'result' }, result));
}
`);
  try {
    const { App } = await import(pathToFileURL(component).href);
    const { renderToString } = await import('react-dom/server');
    const React = await import('react');
    const markup = renderToString(React.createElement(App));
    assert.match(markup, /<liveness-capture/);
    const out = join(work.dir, 'react');
    mkdirSync(out, { recursive: true });
    await build({
      stdin: { contents: `import * as React from 'react';\nimport { hydrateRoot } from 'react-dom/client';\nimport { App } from ${JSON.stringify(component)};\nhydrateRoot(document.querySelector('#root'), React.createElement(App));\n`, resolveDir: root },
      bundle: true, format: 'esm', outfile: join(out, 'app.js'), logLevel: 'warning', define: { 'process.env.NODE_ENV': '"production"' },
    });
    cpSync(join(root, 'dist', 'assets'), join(out, 'assets'), { recursive: true });
    writeFileSync(join(out, 'index.html'), `<!doctype html><html lang="en"><body><div id="root">${markup}</div><script type="module" src="/app.js"></script></body></html>`);
    const site = await serve(out);
    const page = await (await chromium()).newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // Hydration mismatches are console errors; the browser's own favicon request is none of the page's.
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(m.text()));
    // A blocked camera: autostart shows as the handler's CAMERA_DENIED, with nothing sent.
    await page.evaluateOnNewDocument(`navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));`);
    try {
      await page.goto(`${site.origin}/`);
      await page.waitForFunction(() => document.querySelector('#result')?.textContent, { timeout: 60_000, polling: 100 });
      assert.equal(await page.$eval('#result', (p) => p.textContent), 'error CAMERA_DENIED');
      assert.deepEqual(await page.$eval('liveness-capture', (el) => ({ endpoint: el.endpoint, headers: el.headers, autostart: el.autostart })),
        { endpoint: '/backend/antispoofing', headers: { 'x-example': 'ssr' }, autostart: true });
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
      site.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
