// In-page half of bench/peers.mjs (bundled by esbuild with the built element, MediaPipe, human and face-api; each
// peer is its own lazy chunk so a page only loads the one it runs). Exposes window.bench.
const WASM_TFJS = '/node_modules/@tensorflow/tfjs-backend-wasm/dist/';

/** Main-thread load while `ms` pass: long-task share, rAF gaps. */
function observeMainThread() {
  const longTasks = [];
  const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); });
  observer.observe({ type: 'longtask' });
  const gaps = [];
  let last = 0;
  let running = true;
  const frame = (t) => {
    if (last) gaps.push(t - last);
    last = t;
    if (running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const t0 = performance.now();
  return () => {
    running = false;
    observer.disconnect();
    const span = performance.now() - t0;
    return { spanMs: span, longTaskShare: longTasks.reduce((a, b) => a + b, 0) / span, rafFrames: gaps.length + 1, rafGaps: gaps };
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function camera(width, height) {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: width }, height: { ideal: height } }, audio: false });
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  document.body.append(video);
  await video.play();
  return { video, stream };
}

/** A per-frame loop the way the peers' docs show: on each new video frame, await detect(video). */
async function perFrameLoop(video, detect, seconds) {
  const latencies = [];
  let detections = 0;
  const stopObserving = observeMainThread();
  const until = performance.now() + seconds * 1000;
  let lastTime = -1;
  while (performance.now() < until) {
    await new Promise((r) => requestAnimationFrame(r));
    if (video.currentTime === lastTime) continue;
    lastTime = video.currentTime;
    const t = performance.now();
    const faces = await detect(video, t);
    latencies.push(performance.now() - t);
    if (faces > 0) detections++;
  }
  const main = stopObserving();
  return { ...main, latencies, detectionsPerSecond: latencies.length / (main.spanMs / 1000), facesFound: detections };
}

const peers = {
  async preview({ width, height, seconds }) {
    const t0 = performance.now();
    const { video } = await camera(width, height);
    const startMs = performance.now() - t0;
    const stop = observeMainThread();
    await sleep(seconds * 1000);
    return { startMs, ...stop(), latencies: [], detectionsPerSecond: 0, video: [video.videoWidth, video.videoHeight] };
  },

  /** The element's fallback where workers cannot run the detector (here: no Worker at all). */
  async 'element-main'(options) {
    window.Worker = undefined;
    return peers.element(options);
  },

  async element({ seconds, preload }) {
    const { LivenessCapture } = await import('../dist/index.js');
    // Results from the detector's worker, read off its messages (the page never sees the detection itself).
    const latencies = [];
    // Of each, the integrity frame measurements (src/frame-measure.ts): worker time, never main-thread time.
    const measures = [];
    const Original = window.Worker;
    if (Original) window.Worker = class extends Original {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) => {
          if (e.data?.type !== 'result') return;
          latencies.push(e.data.busyMs);
          measures.push(e.data.measureMs);
        });
      }
    };
    if (preload) await LivenessCapture.preload();
    const el = document.createElement('liveness-capture');
    el.setAttribute('endpoint', '/backend/antispoofing');
    el.setAttribute('capture-mode', 'manual');
    document.body.append(el);
    await el.updateComplete;
    const t0 = performance.now();
    await el.start();
    const startMs = performance.now() - t0;
    if (el.status !== 'detecting') throw new Error(`element status ${el.status}`);
    latencies.length = 0;
    measures.length = 0;
    const stop = observeMainThread();
    await sleep(seconds * 1000);
    const main = stop();
    const video = el.shadowRoot.querySelector('video');
    const out = { startMs, ...main, latencies: [...latencies], measures: [...measures], detectionsPerSecond: latencies.length / (main.spanMs / 1000), video: [video.videoWidth, video.videoHeight] };
    el.stop();
    return out;
  },

  async mediapipe({ width, height, seconds }) {
    const t0 = performance.now();
    const { FaceDetector, FilesetResolver } = await import('@mediapipe/tasks-vision');
    const vision = await FilesetResolver.forVisionTasks('/node_modules/@mediapipe/tasks-vision/wasm');
    const detector = await FaceDetector.createFromOptions(vision, {
      baseOptions: { modelAssetPath: '/src/assets/face_detection_short_range.tflite', delegate: 'CPU' },
      runningMode: 'VIDEO',
    });
    const { video } = await camera(width, height);
    const startMs = performance.now() - t0;
    const r = await perFrameLoop(video, (v, t) => detector.detectForVideo(v, t).detections.length, seconds);
    return { startMs, ...r, video: [video.videoWidth, video.videoHeight] };
  },

  async human({ width, height, seconds }) {
    const t0 = performance.now();
    const { Human } = await import('../node_modules/@vladmandic/human/dist/human.esm.js');
    const human = new Human({
      backend: 'wasm', wasmPath: WASM_TFJS, modelBasePath: '/node_modules/@vladmandic/human/models/',
      debug: false, async: true, warmup: 'none', cacheSensitivity: 0, filter: { enabled: false },
      face: { enabled: true, detector: { rotation: false, maxDetected: 1 }, mesh: { enabled: false }, iris: { enabled: false },
        description: { enabled: false }, emotion: { enabled: false }, antispoof: { enabled: false }, liveness: { enabled: false } },
      body: { enabled: false }, hand: { enabled: false }, object: { enabled: false }, gesture: { enabled: false }, segmentation: { enabled: false },
    });
    await human.load();
    const { video } = await camera(width, height);
    const startMs = performance.now() - t0;
    const r = await perFrameLoop(video, async (v) => (await human.detect(v)).face.length, seconds);
    return { startMs, ...r, video: [video.videoWidth, video.videoHeight], backend: human.tf.getBackend() };
  },

  async faceapi({ width, height, seconds }) {
    const t0 = performance.now();
    const faceapi = await import('../node_modules/@vladmandic/face-api/dist/face-api.esm.js');
    faceapi.tf.setWasmPaths?.(WASM_TFJS);
    await faceapi.tf.setBackend('wasm');
    await faceapi.tf.ready();
    await faceapi.nets.tinyFaceDetector.loadFromUri('/node_modules/@vladmandic/face-api/model');
    const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 });
    const { video } = await camera(width, height);
    const startMs = performance.now() - t0;
    const r = await perFrameLoop(video, async (v) => (await faceapi.detectAllFaces(v, options)).length, seconds);
    return { startMs, ...r, video: [video.videoWidth, video.videoHeight], backend: faceapi.tf.getBackend() };
  },
};

/** Full-resolution against 320 px detection on still photos: the error of the downscaled box. */
async function boxError(urls) {
  const { FaceDetector, FilesetResolver } = await import('@mediapipe/tasks-vision');
  const { samplePlanes, detectionSize } = await import('../dist/pixels.js');
  const vision = await FilesetResolver.forVisionTasks('/node_modules/@mediapipe/tasks-vision/wasm');
  const detector = await FaceDetector.createFromOptions(vision, {
    baseOptions: { modelAssetPath: '/src/assets/face_detection_short_range.tflite', delegate: 'CPU' }, runningMode: 'IMAGE',
  });
  const rows = [];
  for (const url of urls) {
    const img = new Image();
    img.src = url;
    await img.decode();
    // Each photo as a camera frame shows a face the guidance accepts: the face box scaled to 42% of the frame
    // height and centred (the photo's own face box found by the same detector on the photo itself).
    const own = detector.detect(img).detections;
    if (own.length !== 1) {
      rows.push({ url: url.split('/').pop(), frame: 'photo (no single face, skipped)', full: own.length, scaled: '—' });
      continue;
    }
    const fb = own[0].boundingBox;
    for (const [W, H] of [[1280, 720], [1920, 1080]]) {
      const canvas = new OffscreenCanvas(W, H);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      ctx.fillStyle = '#808080';
      ctx.fillRect(0, 0, W, H);
      const s = (0.42 * H) / fb.height;
      const cx = (fb.originX + fb.width / 2) * s;
      const cy = (fb.originY + fb.height / 2) * s;
      ctx.drawImage(img, W / 2 - cx, H / 2 - cy, img.naturalWidth * s, img.naturalHeight * s);
      const full = ctx.getImageData(0, 0, W, H);
      const a = detector.detect(full).detections;
      const size = detectionSize(W, H, 320);
      const planes = { format: 'RGBA', width: W, height: H, data: new Uint8Array(full.data.buffer), layout: [{ offset: 0, stride: W * 4 }], fullRange: true };
      const small = samplePlanes(planes, 0, 0, W, H, size.width, size.height, 'nearest');
      const b = detector.detect(new ImageData(small.data, size.width, size.height)).detections;
      const k = W / size.width;
      const row = { url: url.split('/').pop(), frame: `${W}x${H}`, full: a.length, scaled: b.length };
      if (a.length === 1 && b.length === 1) {
        const fa = a[0].boundingBox;
        const fb = b[0].boundingBox;
        const diffs = [fb.originX * k - fa.originX, fb.originY * k - fa.originY, fb.width * k - fa.width, fb.height * k - fa.height].map(Math.abs);
        row.box = fa.width;
        row.maxPx = Math.max(...diffs);
        row.share = row.maxPx / fa.width;
      }
      rows.push(row);
    }
  }
  detector.close();
  return rows;
}

/** The long-session check: one element detecting, its worker's messages counted, its frames asked for. */
const soak = {
  el: null,
  worker: null,
  results: 0,
  verdicts: 0,
  async start() {
    const { LivenessCapture } = await import('../dist/index.js');
    const Original = window.Worker;
    window.Worker = class extends Original {
      constructor(...args) {
        super(...args);
        soak.worker = this;
        this.addEventListener('message', (e) => { if (e.data?.type === 'result') soak.results++; });
        const post = this.postMessage.bind(this);
        this.postMessage = (m, t) => {
          if (m?.type === 'verdict') soak.verdicts++;
          return post(m, t);
        };
      }
    };
    soak.el = document.createElement('liveness-capture');
    soak.el.setAttribute('endpoint', '/backend/antispoofing');
    soak.el.setAttribute('capture-mode', 'manual');
    document.body.append(soak.el);
    await soak.el.updateComplete;
    await soak.el.start();
    void LivenessCapture;
    return soak.el.status;
  },
  /** Frames the worker holds, results awaiting the page's answer, detections so far. */
  async sample() {
    const frames = await new Promise((resolve) => {
      const on = (e) => {
        if (e.data?.type !== 'stats') return;
        soak.worker.removeEventListener('message', on);
        resolve(e.data);
      };
      soak.worker.addEventListener('message', on);
      soak.worker.postMessage({ type: 'stats' });
    });
    return { openFrames: frames.openFrames, heldFrames: frames.heldFrames, inFlight: soak.results - soak.verdicts, detections: soak.results, status: soak.el.status };
  },
  /** One start → detecting → stop cycle. */
  async cycle() {
    soak.el.stop();
    await soak.el.start();
    const status = soak.el.status;
    soak.el.stop();
    return status;
  },
};

window.bench = { peers, boxError, soak };
