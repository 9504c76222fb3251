// The frame flags of the integrity report (`detail.integrity.frames`, still-image, frozen, looped-video), each
// raised and not raised, on whole attempts of the element. The sources:
// - this group's camera: the `face` fixture, a photo played as the camera (scripts/make-fixtures.mjs: every frame
//   the same), which is exactly the still-image attack;
// - canvas streams handed out by a replaced getUserMedia (the `canvas.captureStream()` injection): the same photo
//   with new sensor-like noise on every frame (what a real sensor gives: never two identical frames), the photo
//   alone, a short noisy clip looped, and a noisy stream that freezes on one frame.
// Attempts run in manual mode and capture after a number of the preview's frames, so the worker has compared
// enough frames (FRAME_LIMITS.minPairs and frozenRun) whatever the machine's load: no assertion depends on time.
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import type { LivenessCaptureDetail, LivenessProgressEvent } from '../../../src/events.js';
import { FRAME_LIMITS } from '../../../src/frame-measure.js';
import type { LivenessCapture } from '../../../src/liveness-capture.js';
import { Backend, createElement, elementPerTest, frames, nextResult } from '../../support/helpers.js';

const LIVE = { body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.99 } } };
const FPS = 15;
const FIREFOX = navigator.userAgent.includes('Firefox/');
/** Preview frames waited for before capturing: well above what the flags need at 15 compared frames a second. */
const SETTLE = 3 * Math.max(FRAME_LIMITS.minPairs, FRAME_LIMITS.frozenRun) + 6;

/** The astronaut's face framed as the `face` fixture frames it (1280x720, face about 300 px, grey around). */
async function facePhoto(): Promise<ImageBitmap> {
  const res = await fetch('/test/fixtures/astronaut.png');
  const source = await createImageBitmap(await res.blob());
  const canvas = new OffscreenCanvas(1280, 720);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#808080';
  ctx.fillRect(0, 0, 1280, 720);
  ctx.drawImage(source, 100, 0, 250, 240, (1280 - 750) / 2, 0, 750, 720);
  source.close();
  return canvas.transferToImageBitmap();
}

/** The photo with new noise: each 40x40 block lightened or darkened by a few levels, as a sensor's noise would. */
function noisy(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, photo: ImageBitmap): void {
  ctx.drawImage(photo, 0, 0);
  for (let y = 0; y < 720; y += 40) {
    for (let x = 0; x < 1280; x += 40) {
      const v = Math.random() < 0.5 ? 0 : 255;
      ctx.fillStyle = `rgba(${v},${v},${v},${0.02 + Math.random() * 0.03})`;
      ctx.fillRect(x, y, 40, 40);
    }
  }
}

type Draw = (ctx: CanvasRenderingContext2D, frame: number) => void;

/**
 * getUserMedia answers with `canvas.captureStream()` of a canvas drawn by `draw` FPS times a second (until the
 * test ends). Each drawing is delivered as exactly one frame (`requestFrame`), so a frame repeats only when `draw`
 * repeats it: a stream captured at a fixed rate would repeat a frame whenever a timer ran late.
 */
function canvasCamera(t: ReturnType<typeof elementPerTest>, draw: Draw): void {
  const canvas = document.createElement('canvas');
  canvas.width = 1280;
  canvas.height = 720;
  const ctx = canvas.getContext('2d')!;
  let drawn = 0;
  type CanvasTrack = MediaStreamTrack & { requestFrame?: () => void };
  const handedOut: CanvasTrack[] = [];
  const frame = () => {
    draw(ctx, drawn++);
    if (!FIREFOX) for (const track of handedOut) if (track.readyState === 'live') track.requestFrame?.();
  };
  frame();
  const timer = setInterval(frame, 1000 / FPS);
  const media = navigator.mediaDevices;
  const original = media.getUserMedia;
  media.getUserMedia = async (constraints?: MediaStreamConstraints) => {
    if (!constraints?.video) return original.call(media, constraints);
    // A new capture of the canvas per call, like a camera opened again. Firefox never delivered a requested frame
    // (its attempts waited for frames until the runner's limit); it captures a canvas only when drawn, at most FPS
    // times a second, which is one frame per drawing too.
    const stream = canvas.captureStream(FIREFOX ? FPS : 0);
    handedOut.push(stream.getVideoTracks()[0]!);
    return stream;
  };
  t.restores.push(() => {
    clearInterval(timer);
    media.getUserMedia = original;
    for (const track of handedOut) track.stop();
  });
}

/** One attempt in manual mode: ready, then `before()`, then SETTLE preview frames, then capture. */
async function attempt(el: LivenessCapture, before: () => void = () => {}) {
  let capture: LivenessCaptureDetail | undefined;
  el.addEventListener('liveness-capture', (e) => (capture = e.detail), { once: true });
  const ready = new Promise<void>((resolve) => el.addEventListener('liveness-progress', (e: LivenessProgressEvent) => e.detail.ready && resolve()));
  const result = nextResult(el);
  await el.start();
  await ready;
  before();
  await frames(el, SETTLE);
  el.capture();
  return { result: await result, capture: capture! };
}

const FRAME_FLAGS = ['still-image', 'frozen', 'looped-video'];
const frameFlags = (flags: readonly string[]) => flags.filter((f) => FRAME_FLAGS.includes(f));

describe('<liveness-capture> frame flags', () => {
  const t = elementPerTest();
  let photo: ImageBitmap;
  before(async function () {
    photo = await facePhoto();
  });

  async function element() {
    const backend = await new Backend().script(LIVE);
    t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual' });
    return t.el;
  }

  it('the photo played as this group\'s camera is still-image: every compared pair identical', async function () {
    const el = await element();
    const { result, capture } = await attempt(el);
    measuredInWorker(capture, this);
    expect(result.type).to.equal('liveness-pass');
    const f = capture.integrity.frames!;
    expect(f.stillScore).to.equal(1);
    expect(f.duplicates).to.be.at.least(FRAME_LIMITS.minPairs);
    expect(f.count).to.be.above(f.duplicates);
    expect(f.intervalMean).to.be.above(0);
    expect(frameFlags(capture.integrity.flags)).to.deep.equal(['still-image']);
  });

  it('a canvas stream of the photo with new noise on every frame (sensor-like) raises no frame flag', async function () {
    canvasCamera(t, (ctx) => noisy(ctx, photo));
    const el = await element();
    const { capture } = await attempt(el);
    measuredInWorker(capture, this);
    const f = capture.integrity.frames!;
    expect(f.duplicates).to.equal(0);
    expect(f.stillScore).to.be.below(FRAME_LIMITS.stillShare);
    expect(frameFlags(capture.integrity.flags)).to.deep.equal([]);
  });

  it('a canvas stream of the photo alone (canvas.captureStream injection) is still-image', async function () {
    canvasCamera(t, (ctx) => ctx.drawImage(photo, 0, 0));
    const el = await element();
    const { capture } = await attempt(el);
    measuredInWorker(capture, this);
    expect(capture.integrity.frames!.stillScore).to.equal(1);
    expect(frameFlags(capture.integrity.flags)).to.deep.equal(['still-image']);
  });

  it('a short clip looped (eight noisy frames, over and over) is looped-video, with no duplicates', async function () {
    const clip = await Promise.all(Array.from({ length: 8 }, () => {
      const c = new OffscreenCanvas(1280, 720);
      noisy(c.getContext('2d')!, photo);
      return c.transferToImageBitmap();
    }));
    canvasCamera(t, (ctx, n) => ctx.drawImage(clip[n % clip.length]!, 0, 0));
    const el = await element();
    const { capture } = await attempt(el);
    measuredInWorker(capture, this);
    expect(capture.integrity.frames!.duplicates).to.equal(0);
    expect(frameFlags(capture.integrity.flags)).to.deep.equal(['looped-video']);
  });

  it('a stream that freezes on one frame once the face is ready is frozen (and not still-image: it had changed)', async function () {
    let frozen = false;
    const still = new OffscreenCanvas(1280, 720);
    noisy(still.getContext('2d')!, photo);
    const last = still.transferToImageBitmap();
    canvasCamera(t, (ctx) => (frozen ? ctx.drawImage(last, 0, 0) : noisy(ctx, photo)));
    const el = await element();
    const { capture } = await attempt(el, () => {
      frozen = true;
    });
    measuredInWorker(capture, this);
    expect(capture.integrity.frames!.duplicates).to.be.at.least(FRAME_LIMITS.frozenRun);
    expect(frameFlags(capture.integrity.flags)).to.include('frozen');
  });
});

/**
 * Frames are measured in the detector's worker only: where the engine detects on the main thread the report has no
 * `frames` (docs/integrity.md), which is checked, and the test ends there.
 */
function measuredInWorker(capture: LivenessCaptureDetail, test: Mocha.Context): void {
  if (capture.detectorThread === 'main') {
    expect(capture.integrity.frames).to.equal(undefined);
    test.skip();
  }
}
