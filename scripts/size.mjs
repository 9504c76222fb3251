#!/usr/bin/env node
// What the element costs a page, as a bundler builds it: dist/index.js bundled with Lit by esbuild (minified, ESM,
// code splitting), and the built worker with MediaPipe. Prints gzip sizes of
//   - the initial chunk: the entry and every chunk it imports statically (element + Lit + English),
//   - each lazy chunk (the other languages, MediaPipe for the main-thread fallback),
//   - everything the first start() loads in the worker path (worker bundle, wasm loader, wasm, model).
// Usage: node scripts/size.mjs [--json]   (run `npm run build` first)
import { build } from 'esbuild';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const INITIAL_BUDGET = 15 * 1000;

const gz = (buf) => gzipSync(buf, { level: 9 }).length;

export async function measure() {
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/index.js is missing: run npm run build');
  const out = mkdtempSync(join(tmpdir(), 'liveness-size-'));
  try {
    const page = await build({
      entryPoints: [join(root, 'dist', 'index.js')], bundle: true, splitting: true, format: 'esm', minify: true,
      platform: 'browser', outdir: out, metafile: true, write: true, logLevel: 'error', conditions: ['browser', 'production'],
    });
    const outputs = page.metafile.outputs;
    const entry = Object.keys(outputs).find((k) => outputs[k].entryPoint?.endsWith('dist/index.js'));
    const initial = new Set();
    const visit = (file) => {
      if (initial.has(file)) return;
      initial.add(file);
      for (const imp of outputs[file].imports) if (imp.kind === 'import-statement' && !imp.external) visit(imp.path);
    };
    visit(entry);
    const size = (file) => {
      const buf = readFileSync(join(root, file));
      return { raw: buf.length, gzip: gz(buf) };
    };
    const chunks = Object.keys(outputs).filter((f) => f.endsWith('.js')).map((f) => {
      const inputs = Object.entries(outputs[f].inputs).filter(([, v]) => v.bytesInOutput > 0).map(([i]) => relative(root, join(root, i)));
      const label = (f === entry ? 'entry: element, view, styles, English, Lit' : null) ?? inputs.find((i) => i.includes('i18n/locales/'))?.replace(/.*locales\//, 'locale ')
        ?? (inputs.some((i) => i.endsWith('frame-pipeline-controller.js')) ? 'attempt: camera, detector client, pipeline, guide, encoder, submit (on start)' : null)
        ?? (inputs.some((i) => i.includes('@mediapipe')) ? '@mediapipe/tasks-vision (main-thread fallback)' : inputs.length === 1 ? inputs[0] : `${inputs.length} modules`);
      return { file: f, label, initial: initial.has(f), ...size(f) };
    });
    const worker = await build({
      entryPoints: [join(root, 'dist', 'detector-worker.js')], bundle: true, format: 'esm', minify: true,
      platform: 'browser', write: false, logLevel: 'error',
    });
    const workerJs = worker.outputFiles[0].contents;
    const asset = (name) => {
      const buf = readFileSync(join(root, 'dist', 'assets', name));
      return { raw: buf.length, gzip: gz(buf) };
    };
    const attemptChunk = chunks.find((c) => !c.initial && c.label.startsWith('attempt'));
    const onStart = {
      'attempt chunk': { raw: attemptChunk?.raw ?? 0, gzip: attemptChunk?.gzip ?? 0 },
      'detector-worker.js (bundled, with MediaPipe)': { raw: workerJs.length, gzip: gz(workerJs) },
      'vision_wasm_loader.js': asset('vision_wasm_loader.js'),
      'vision_wasm_module_internal.wasm': asset('vision_wasm_module_internal.wasm'),
      'face_detection_short_range.tflite': asset('face_detection_short_range.tflite'),
    };
    const initialGzip = chunks.filter((c) => c.initial).reduce((n, c) => n + c.gzip, 0);
    const initialRaw = chunks.filter((c) => c.initial).reduce((n, c) => n + c.raw, 0);
    const startGzip = Object.values(onStart).reduce((n, s) => n + s.gzip, 0);
    return { initial: { raw: initialRaw, gzip: initialGzip }, chunks, onStart, startGzip };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const m = await measure();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(m, null, 2));
  } else {
    const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
    console.log('Chunks of dist/index.js bundled with Lit (esbuild, minified):');
    for (const c of m.chunks.sort((a, b) => Number(b.initial) - Number(a.initial) || b.gzip - a.gzip)) {
      console.log(`  ${c.initial ? 'initial' : 'lazy   '}  ${kb(c.gzip).padStart(9)} gzip  ${kb(c.raw).padStart(9)} min  ${c.label}`);
    }
    console.log(`Initial chunk (element + Lit + English): ${kb(m.initial.gzip)} gzip (budget ${kb(INITIAL_BUDGET)}: ${m.initial.gzip <= INITIAL_BUDGET ? 'within' : 'OVER'})`);
    console.log('Loaded by the first start() (worker path):');
    for (const [name, s] of Object.entries(m.onStart)) console.log(`  ${kb(s.gzip).padStart(10)} gzip  ${kb(s.raw).padStart(10)} raw  ${name}`);
    console.log(`  total ${(m.startGzip / 1e6).toFixed(2)} MB gzip (+ the initial chunk)`);
  }
}
