// The face detector's worker: MediaPipe's wasm and model live here, so the page's main thread never runs a
// detection. It reads camera frames (from a transferred MediaStreamTrackProcessor stream, or frames the page
// transfers one at a time), samples each into a small image for the detector and the face region for the quality
// checks, and holds the frame until the page says whether it is the one to capture. Every VideoFrame it receives
// is closed or transferred exactly once.
import type { FaceDetector } from '@mediapipe/tasks-vision';
import type { FromWorker, ToWorker, WorkerRunOptions } from './detector-protocol.js';
import { createFaceDetector, toFaceDetection } from './face-detector.js';
import { FrameMeter, lumaGrid } from './frame-measure.js';
import { frameDue } from './frame.js';
import type { FaceDetection } from './gate.js';
import { detectionSize, isSampledFormat, samplePlanes, type FramePlanes } from './pixels.js';
import { faceRegionRect, REGION_SIZE, type PixelRegion } from './quality.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}
const scope = self as unknown as WorkerScope;

let detector: FaceDetector | null = null;
let loading: Promise<void> | null = null;
let lastTimestamp = -1;
/** Frames received and not yet closed or transferred. */
let openFrames = 0;
let buffer = new Uint8Array(0);

interface Run {
  id: number;
  options: WorkerRunOptions;
  reader: ReadableStreamDefaultReader<VideoFrame> | null;
  stopped: boolean;
  seq: number;
  lastTime: number;
  held: { seq: number; frame: VideoFrame } | null;
  verdict: ((v: { capture: boolean; confirm: boolean } | null) => void) | null;
  /** What the run's frames say about the camera (src/frame-measure.ts). */
  meter: FrameMeter;
}
let current: Run | null = null;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function close(frame: VideoFrame): void {
  frame.close();
  openFrames--;
}

scope.addEventListener('message', (event) => {
  const msg = event.data;
  switch (msg.type) {
    case 'load':
      loading ??= createFaceDetector(msg.assets).then((d) => {
        detector = d;
      });
      loading.then(
        () => post({ type: 'loaded' }),
        (error: unknown) => {
          loading = null;
          post({ type: 'load-failed', message: error instanceof Error ? error.message : String(error) });
        },
      );
      break;
    case 'run':
      stop();
      current = { id: msg.run, options: msg.options, reader: msg.stream?.getReader() ?? null, stopped: false, seq: 0, lastTime: -Infinity, held: null, verdict: null, meter: new FrameMeter() };
      if (current.reader) void readLoop(current);
      break;
    case 'frame':
      openFrames++;
      if (current?.id === msg.run && !current.stopped) current.meter.arrived(msg.frame.timestamp / 1000);
      if (current?.id !== msg.run || current.stopped || current.held) {
        close(msg.frame);
        post({ type: 'skipped', run: msg.run });
      } else {
        void handle(current, msg.frame).catch((error: unknown) => fail(current, error));
      }
      break;
    case 'verdict':
      if (current?.id === msg.run && current.held?.seq === msg.seq) current.verdict?.({ capture: msg.capture, confirm: msg.confirm });
      break;
    case 'stop':
      if (current?.id === msg.run) stop();
      break;
    case 'stats':
      post({ type: 'stats', openFrames, heldFrames: current?.held ? 1 : 0 });
      break;
  }
});

function stop(): void {
  const run = current;
  current = null;
  if (!run) return;
  run.stopped = true;
  run.reader?.cancel().catch(() => {});
  run.verdict?.(null);
}

function fail(run: Run | null, error: unknown): void {
  if (!run || run.stopped) return;
  post({ type: 'error', run: run.id, message: error instanceof Error ? error.message : String(error) });
  if (current === run) stop();
}

/** Reads the camera stream: a frame is detected when the last detection is `intervalMs` old, else closed unread. */
async function readLoop(run: Run): Promise<void> {
  try {
    while (!run.stopped) {
      const { value: frame, done } = await run.reader!.read();
      if (done) {
        if (!run.stopped) post({ type: 'ended', run: run.id });
        return;
      }
      openFrames++;
      const time = frame.timestamp / 1000;
      run.meter.arrived(time);
      // A timestamp going back (a looping source) starts the pacing again.
      if (run.stopped || (!frameDue(time - run.lastTime, run.options.intervalMs) && time >= run.lastTime)) {
        close(frame);
        continue;
      }
      run.lastTime = time;
      await handle(run, frame);
    }
  } catch (error) {
    fail(run, error);
  }
}

/** Detects on one frame, reports, and waits for the page's verdict before the frame is closed or handed over. */
async function handle(run: Run, frame: VideoFrame): Promise<void> {
  let owned = true;
  try {
    if (!detector) throw new Error('The face detector is not loaded.');
    const started = performance.now();
    const width = frame.displayWidth;
    const height = frame.displayHeight;
    const pixels = await readPixels(frame);
    const size = run.options.detectSize > 0 ? detectionSize(width, height, run.options.detectSize) : { width, height };
    const image = pixels.sample(0, 0, width, height, size.width, size.height, 'nearest');
    const measuring = performance.now();
    run.meter.compare(lumaGrid(image.data, image.width, image.height));
    const measureMs = performance.now() - measuring;
    const faces = detect(image, width, height);
    const region = run.options.regionChecks && faces.length === 1 ? regionOf(pixels, faces[0]!, width, height) : null;
    if (run.stopped) return;
    const seq = ++run.seq;
    run.held = { seq, frame };
    const verdict = new Promise<{ capture: boolean; confirm: boolean } | null>((resolve) => {
      run.verdict = resolve;
    });
    post(
      { type: 'result', run: run.id, seq, faces, width, height, region, time: frame.timestamp / 1000, busyMs: performance.now() - started, measureMs },
      region ? [region.data.buffer] : [],
    );
    const decision = await verdict;
    run.verdict = null;
    run.held = null;
    if (!decision?.capture || run.stopped) return;
    // The size rule is confirmed on the frame itself at full resolution before it is captured.
    const full = decision.confirm ? detect(pixels.sample(0, 0, width, height, width, height, 'nearest'), width, height) : null;
    if (run.stopped) return;
    owned = false;
    openFrames--;
    post({ type: 'captured', run: run.id, seq, frame, faces: full, frames: run.meter.report() }, [frame]);
  } finally {
    if (owned) close(frame);
  }
}

function detect(image: PixelRegion, width: number, height: number): FaceDetection[] {
  // detectForVideo needs strictly increasing timestamps.
  const timestamp = Math.max(performance.now(), lastTimestamp + 1);
  lastTimestamp = timestamp;
  const data = new ImageData(image.data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height);
  const result = detector!.detectForVideo(data, timestamp);
  return result.detections.map((d) => toFaceDetection(d, width, height, width / image.width));
}

function regionOf(pixels: FramePixels, face: FaceDetection, width: number, height: number): PixelRegion | null {
  const { sx, sy, sw, sh } = faceRegionRect(face.box, width, height);
  if (sw <= 0 || sh <= 0) return null;
  return pixels.sample(sx, sy, sw, sh, REGION_SIZE, REGION_SIZE, 'bilinear');
}

interface FramePixels {
  sample(sx: number, sy: number, sw: number, sh: number, dw: number, dh: number, filter: 'nearest' | 'bilinear'): PixelRegion;
}

/** The frame's planes copied once (a fast copy, no conversion); other formats are drawn on a canvas instead. */
async function readPixels(frame: VideoFrame): Promise<FramePixels> {
  if (isSampledFormat(frame.format)) {
    const size = frame.allocationSize();
    if (buffer.byteLength < size) buffer = new Uint8Array(size);
    const data = buffer.subarray(0, size);
    const layout = await frame.copyTo(data);
    const planes: FramePlanes = {
      format: frame.format,
      width: frame.displayWidth,
      height: frame.displayHeight,
      data,
      layout,
      fullRange: frame.colorSpace.fullRange ?? false,
    };
    return { sample: (sx, sy, sw, sh, dw, dh, filter) => samplePlanes(planes, sx, sy, sw, sh, dw, dh, filter) };
  }
  return {
    sample(sx, sy, sw, sh, dw, dh) {
      const canvas = new OffscreenCanvas(dw, dh);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('2D canvas is not available in the worker');
      ctx.drawImage(frame, sx, sy, sw, sh, 0, 0, dw, dh);
      return ctx.getImageData(0, 0, dw, dh);
    },
  };
}
