#!/usr/bin/env node
// After tsc: two esbuild bundles beside the ES modules in dist/.
//   dist/standalone.js   for pages without a bundler: Lit inlined, the detector (MediaPipe) a lazy chunk next to
//                        it, the wasm and model in dist/assets/ (resolved from the bundle's own URL).
//   dist/detector-worker.js  the detector's worker, self-contained (MediaPipe's API inlined; the wasm loader stays
//                        an asset, imported at run time). It replaces tsc's output of the same name, so every
//                        route that starts the worker (a bundler, standalone.js, the import map, a copied set)
//                        gets a worker with no bare import to resolve: a module worker does not see the page's
//                        import map, and without a bundler `@mediapipe/tasks-vision` would not resolve.
//   dist/ssr/*.js        what Node resolves when a server bundle also asks for the `browser` condition: Lit's
//                        browser build cannot load without a DOM, so these inline Lit's server build instead.
import { build } from 'esbuild';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const banner = { js: '/* liveness-capture (MIT). Bundles Lit (BSD-3-Clause) and @mediapipe/tasks-vision (Apache-2.0). */' };

rmSync(join(dist, 'ssr'), { recursive: true, force: true });
for (const name of readdirSync(dist)) if (name.startsWith('standalone')) rmSync(join(dist, name));
await Promise.all([
  build({
    absWorkingDir: root,
    entryPoints: { standalone: 'src/index.ts' },
    outdir: dist,
    chunkNames: 'standalone-[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    banner,
    logLevel: 'warning',
  }),
  build({
    absWorkingDir: root,
    entryPoints: { 'detector-worker': 'src/detector-worker.ts' },
    outdir: dist,
    allowOverwrite: true,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Not minified: the loader's `import()` keeps its webpackIgnore / @vite-ignore comments, so the bundlers that
    // take this file in leave that import to the browser.
    legalComments: 'none',
    banner,
    logLevel: 'warning',
  }),
  build({
    absWorkingDir: root,
    entryPoints: { index: 'src/index.ts', 'liveness-capture': 'src/liveness-capture.ts', react: 'src/react.ts' },
    outdir: join(dist, 'ssr'),
    chunkNames: 'shared-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    conditions: ['node'],
    target: 'node20',
    external: ['@mediapipe/tasks-vision', 'react', '@lit/react'],
    banner,
    logLevel: 'warning',
  }),
]);

// The bundle has the API of the package root; a page that imports it by path gets the same types.
writeFileSync(join(dist, 'standalone.d.ts'), "export * from './index.js';\n");
