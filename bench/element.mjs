#!/usr/bin/env node
// Prints the element's size and speed (no assertions; tests never time anything):
//  - size: src/index.ts bundled for the browser with esbuild (minified ESM, lit bundled in, code splitting so the
//    lazily imported @mediapipe/tasks-vision lands in its own chunk), raw and gzip, plus the wasm and the model;
//  - speed: the demo's Vite server in headless Debian Chromium whose fake camera plays test/fixtures/video/face.mjpeg,
//    with the demo's simulator as the backend (/api/simulate/live, so only the element is timed):
//      cold load   el.start() -> status 'detecting' (camera + wasm + model, fresh browser context, no HTTP cache),
//      capture     el.start() -> 'liveness-capture' event,
//      pass        el.start() -> 'liveness-pass' event,
//    and the per-frame cost of MediaPipe's detectForVideo on the 1280x720 camera stream, with the detector created
//    by the element's own createFaceDetector (the main-thread fallback; bench/peers.mjs measures the worker).
// Usage: node bench/element.mjs [--runs 5] [--frames 200] [--json]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, frames: { type: 'string', default: '200' }, json: { type: 'boolean' } },
});
const RUNS = Number(values.runs);
const FRAMES = Number(values.frames);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return { runs: sorted.length, median: at(0.5), p95: at(0.95), min: sorted[0], max: sorted.at(-1) };
}
const kib = (n) => `${n.toLocaleString('en-US')} B (${n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`})`;
const ms = (x) => `${x.toFixed(1)} ms`;
const sizeOf = (bytes) => ({ raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });

// ---- Size --------------------------------------------------------------------------------------------------------
async function measureSize() {
  const copied = spawnSync('node', [join(root, 'scripts', 'copy-wasm.mjs')], { stdio: 'inherit' });
  if (copied.status !== 0) throw new Error('scripts/copy-wasm.mjs failed');
  const esbuild = await import('esbuild');
  // package.json's "sideEffects" names the published dist/ files, so bundling src/ directly would drop the bare
  // `import './define.js'` (the registration). Mark every module under src/ as having side effects, as dist/ has.
  const srcDir = join(root, 'src');
  const srcHasSideEffects = {
    name: 'src-has-side-effects',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, async (args) => {
        if (args.pluginData?.inner) return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { inner: true },
        });
        if (resolved.errors.length || !resolved.path.startsWith(srcDir)) return undefined;
        return { path: resolved.path, sideEffects: true };
      });
    },
  };
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/index.ts'],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    outdir: join(root, '.cache', 'bench-bundle'),
    tsconfig: join(root, 'tsconfig.json'),
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [srcHasSideEffects],
  });
  if (!Object.values(result.metafile.outputs).some((o) => (o.inputs['src/define.ts']?.bytesInOutput ?? 0) > 0)) {
    throw new Error('src/define.ts (the registration) is missing from the bundle');
  }
  const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
  const files = new Map(result.outputFiles.map((f) => [f.path, f.contents]));
  const abs = (file) => join(root, file);
  const [entryFile] = outputs.find(([, meta]) => meta.entryPoint === 'src/index.ts');
  // The chunk holding @mediapipe/tasks-vision (the target of the element's dynamic import()).
  const visionOutputs = outputs.filter(([, meta]) => Object.keys(meta.inputs).some((i) => i.includes('@mediapipe/tasks-vision')));
  if (visionOutputs.length !== 1) throw new Error(`expected one chunk with @mediapipe/tasks-vision, got ${visionOutputs.length}`);
  const [visionFile] = visionOutputs[0];
  // Chunks other than the entry that the entry imports statically would load up front too.
  const staticImports = outputs.find(([f]) => f === entryFile)[1].imports.filter((i) => i.kind === 'import-statement').map((i) => i.path);
  const initialBytes = Buffer.concat([files.get(abs(entryFile)), ...staticImports.map((p) => files.get(abs(p)))]);
  const asset = (name) => sizeOf(readFileSync(join(root, 'src', 'assets', name)));
  return {
    initial: { ...sizeOf(initialBytes), chunks: 1 + staticImports.length },
    tasksVision: sizeOf(files.get(abs(visionFile))),
    wasmLoader: asset('vision_wasm_loader.js'),
    wasmBinary: asset('vision_wasm_module_internal.wasm'),
    model: asset('face_detection_short_range.tflite'),
  };
}

// ---- Speed -------------------------------------------------------------------------------------------------------
async function measureSpeed() {
  const [{ default: puppeteer }, { createServer }, { makeFixtures }] = await Promise.all([
    import('puppeteer-core'), import('vite'), import('../scripts/make-fixtures.mjs'),
  ]);
  const videos = makeFixtures();
  const server = await createServer({ root, configFile: join(root, 'vite.config.ts'), server: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  await server.listen();
  const url = `http://127.0.0.1:${server.httpServer.address().port}/demo/`;
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      '--autoplay-policy=no-user-gesture-required',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${videos.face}`],
  });

  /** A fresh page in a fresh browser context (no HTTP cache, no compiled-wasm cache shared with earlier runs). */
  async function freshPage() {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setCacheEnabled(false);
    await page.setViewport({ width: 1280, height: 1000, deviceScaleFactor: 1 });
    await page.goto(url, { waitUntil: 'networkidle0' });
    await page.waitForFunction(() => customElements.get('liveness-capture'));
    const close = async () => {
      // Stop the camera first, then the page; a context close that hangs must not hang the benchmark.
      await page.evaluate(() => { for (const el of document.querySelectorAll('liveness-capture')) el.stop(); }).catch(() => {});
      await page.close().catch(() => {});
      await Promise.race([context.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    };
    return { page, close };
  }

  /** One attempt on the demo's first element with the simulator answering "live". */
  async function attempt() {
    const { page, close } = await freshPage();
    try {
      return await page.evaluate(async () => {
        const el = document.querySelector('#default');
        el.endpoint = '/api/simulate/live';
        const marks = {};
        const done = new Promise((resolve, reject) => {
          el.addEventListener('liveness-capture', () => { marks.capture = performance.now(); });
          el.addEventListener('liveness-pass', () => { marks.pass = performance.now(); resolve(); });
          el.addEventListener('liveness-fail', () => reject(new Error('liveness-fail')));
          el.addEventListener('liveness-error', (e) => reject(new Error(`liveness-error ${e.detail.code}`)));
        });
        const observer = new MutationObserver(() => {
          if (el.status === 'detecting' && marks.detecting === undefined) marks.detecting = performance.now();
        });
        observer.observe(el, { attributes: true, attributeFilter: ['status'] });
        const t0 = performance.now();
        const started = el.start();
        await started;
        // start() resolves right after the status becomes 'detecting'.
        if (marks.detecting === undefined && el.status === 'detecting') marks.detecting = performance.now();
        await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 120_000))]);
        observer.disconnect();
        return { load: marks.detecting - t0, capture: marks.capture - t0, pass: marks.pass - t0 };
      });
    } finally {
      await close();
    }
  }

  /** detectForVideo over `frames` new camera frames at 1280x720, detector made by the element's createFaceDetector. */
  async function perFrame(frames) {
    const { page, close } = await freshPage();
    try {
      return await page.evaluate(async (frames) => {
        const [{ createFaceDetector }, { defaultAssets }] = await Promise.all([
          import('/src/face-detector.ts'), import('/src/assets.ts'),
        ]);
        // defaultAssets() resolves against its own module, exactly as in the element (its main-thread fallback).
        const detector = await createFaceDetector(defaultAssets());
        const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
        const video = document.createElement('video');
        video.muted = true;
        video.playsInline = true;
        video.srcObject = stream;
        document.body.append(video);
        await video.play();
        const samples = [];
        let faces = 0;
        let last = -1;
        // Warm-up frames (first inference allocates), not counted.
        for (let i = 0; i < 5; i++) detector.detectForVideo(video, (last = Math.max(performance.now(), last + 1)));
        await new Promise((resolve) => {
          const next = () => video.requestVideoFrameCallback((now) => {
            const timestamp = (last = Math.max(now, last + 1));
            const t = performance.now();
            const result = detector.detectForVideo(video, timestamp);
            samples.push(performance.now() - t);
            if (result.detections.length === 1) faces++;
            if (samples.length < frames) next();
            else resolve();
          });
          next();
        });
        const size = `${video.videoWidth}x${video.videoHeight}`;
        for (const track of stream.getTracks()) track.stop();
        detector.close();
        return { samples, faces, size };
      }, frames);
    } finally {
      await close();
    }
  }

  try {
    // Warm the dev server (Vite transforms and pre-bundles on the first request); not counted.
    await attempt();
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await attempt());
    const frame = await perFrame(FRAMES);
    return {
      runs,
      load: stats(runs.map((r) => r.load)),
      capture: stats(runs.map((r) => r.capture)),
      pass: stats(runs.map((r) => r.pass)),
      frame: { ...stats(frame.samples), size: frame.size, oneFace: frame.faces },
      chromium: await browser.version(),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

const size = await measureSize();
const speed = await measureSpeed();

if (values.json) {
  console.log(JSON.stringify({ size, speed }, null, 2));
} else {
  const row = (cells, widths) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  console.log('\nSize (esbuild, minified ESM, lit bundled; gzip level 9)');
  const sw = [44, 26, 26];
  console.log(row(['', 'raw', 'gzip'], sw));
  console.log(row([`initial chunk (element + lit${size.initial.chunks > 1 ? `, ${size.initial.chunks} files` : ''})`, kib(size.initial.raw), kib(size.initial.gzip)], sw));
  console.log(row(['lazy chunk: @mediapipe/tasks-vision', kib(size.tasksVision.raw), kib(size.tasksVision.gzip)], sw));
  console.log(row(['vision_wasm_loader.js (wasm loader)', kib(size.wasmLoader.raw), kib(size.wasmLoader.gzip)], sw));
  console.log(row(['vision_wasm_module_internal.wasm', kib(size.wasmBinary.raw), kib(size.wasmBinary.gzip)], sw));
  console.log(row(['face_detection_short_range.tflite (model)', kib(size.model.raw), kib(size.model.gzip)], sw));
  console.log(`\nSpeed (${speed.chromium}, fake camera face.mjpeg, simulator /api/simulate/live, ${RUNS} fresh contexts)`);
  const tw = [44, 10, 10, 10];
  console.log(row(['', 'median', 'min', 'max'], tw));
  console.log(row(["start() -> 'detecting' (cold wasm + model)", ms(speed.load.median), ms(speed.load.min), ms(speed.load.max)], tw));
  console.log(row(['start() -> liveness-capture', ms(speed.capture.median), ms(speed.capture.min), ms(speed.capture.max)], tw));
  console.log(row(['start() -> liveness-pass', ms(speed.pass.median), ms(speed.pass.min), ms(speed.pass.max)], tw));
  const f = speed.frame;
  console.log(`\ndetectForVideo at ${f.size} over ${f.runs} frames (one face found in ${f.oneFace}): ` +
    `median ${ms(f.median)}, p95 ${ms(f.p95)}, min ${ms(f.min)}, max ${ms(f.max)}`);
}
