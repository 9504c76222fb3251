import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { whenAborted } from '../abort.js';
import type { FaceDetector } from '@mediapipe/tasks-vision';
import type { DetectorAssets } from '../assets.js';
import { DetectorWorker, workersCanDetect } from '../detector-client.js';
import { LivenessError } from '../errors.js';
import { FrameCopier } from '../frame.js';
import { createFaceDetector, toFaceDetection } from '../face-detector.js';
import type { FaceDetection } from '../gate.js';

/** Where detection runs: in the detector's worker, or (where workers cannot run it) on the page's main thread. */
export type DetectorBackend =
  | { readonly thread: 'worker'; readonly worker: DetectorWorker }
  | { readonly thread: 'main'; readonly detector: FaceDetector };

/** Detectors loaded ahead of any element by `preloadDetector`, by asset URLs: the next element to load takes it. */
const warm = new Map<string, Promise<DetectorBackend>>();

const keyOf = (assets: DetectorAssets) => `${assets.wasmLoaderPath}|${assets.wasmBinaryPath}|${assets.modelAssetPath}`;

/**
 * Fetches and compiles wasm and model (in the worker where possible) before any element needs them; the next
 * element that loads the same assets adopts the ready detector. Rejects with DETECTOR_UNAVAILABLE.
 */
export function preloadDetector(assets: DetectorAssets): Promise<void> {
  const key = keyOf(assets);
  let pending = warm.get(key);
  if (!pending) {
    pending = loadBackend(assets);
    warm.set(key, pending);
    pending.catch(() => {
      if (warm.get(key) === pending) warm.delete(key);
    });
  }
  return pending.then(() => {});
}

/** The worker when it can run the detector, else the main thread. Rejects with DETECTOR_UNAVAILABLE. */
async function loadBackend(assets: DetectorAssets): Promise<DetectorBackend> {
  if (workersCanDetect()) {
    let worker: DetectorWorker | null = null;
    try {
      worker = new DetectorWorker();
      await worker.load(assets);
      return { thread: 'worker', worker };
    } catch (error) {
      // A worker that cannot start or cannot run MediaPipe: the main thread is the fallback.
      worker?.terminate();
      warnMainThread(`the detector's worker failed (${error instanceof Error ? error.message : String(error)})`);
    }
  } else {
    warnMainThread('this browser cannot run the detector in a worker (it needs module workers, VideoFrame and OffscreenCanvas)');
  }
  try {
    // WebKitGTK refuses a new WebGL context while another detector holds one: a detector that an element removed a
    // moment ago (a re-render, a route change) is released first.
    await releasing;
    return { thread: 'main', detector: await createFaceDetector(assets) };
  } catch (error) {
    throw await loadError(assets, error);
  }
}

/**
 * DETECTOR_UNAVAILABLE naming the files that are missing, or the loader's MIME type when the server sends it as
 * something a browser will not run (a failed script load rejects with an Event, not an Error).
 */
async function loadError(assets: DetectorAssets, error: unknown): Promise<LivenessError> {
  const urls = [assets.wasmLoaderPath, assets.wasmBinaryPath, assets.modelAssetPath];
  const failed: string[] = [];
  let loaderType: string | null = null;
  for (const url of urls) {
    const status = await fetch(url, { method: 'HEAD', cache: 'no-store' }).then(
      (r) => {
        if (url === assets.wasmLoaderPath) loaderType = r.headers.get('content-type');
        return r.ok ? null : `HTTP ${r.status}`;
      },
      () => 'unreachable',
    );
    if (status) failed.push(`${url} (${status})`);
  }
  const target = (error as { target?: { src?: unknown } } | null)?.target;
  const reason = error instanceof Error
    ? error.message.replace(/\.$/, '')
    : typeof target?.src === 'string' ? `${target.src} did not load` : 'the detector files did not load';
  let message = reason;
  if (failed.length) {
    message = `not found: ${failed.join(', ')}. Serve the files of the package's dist/assets/ folder and set assets-base to that folder's URL`;
  } else if (loaderType !== null && !isJavaScriptType(loaderType)) {
    message = `${reason}. The server sends ${assets.wasmLoaderPath} with the MIME type "${loaderType}", and browsers run scripts only with a JavaScript MIME type: serve it as text/javascript`;
  }
  return new LivenessError('DETECTOR_UNAVAILABLE', `The face detector could not be loaded: ${message}.`, { cause: error });
}

/** The MIME types a browser runs as a module script (the essence of a JavaScript MIME type, parameters aside). */
export function isJavaScriptType(contentType: string): boolean {
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  return /^(text|application)\/(javascript|ecmascript|x-javascript|x-ecmascript)$/.test(essence) || /^text\/(jscript|livescript|javascript1\.[0-5])$/.test(essence);
}

let warned = false;

/**
 * Says once per page that detection runs on the main thread, and why: it costs the page a second or more of
 * main-thread time per five seconds of guidance. The `liveness-capture` event's `detectorThread` says it too.
 */
function warnMainThread(reason: string): void {
  if (warned) return;
  warned = true;
  console.warn(`liveness-capture: face detection runs on the page's main thread: ${reason}. Serve the package's dist/detector-worker.js beside the element's module (see the README).`);
}

/** Settles once every detector discarded so far is released (a load still in flight is released when it ends). */
let releasing: Promise<void> = Promise.resolve();

function release(backend: DetectorBackend): void {
  if (backend.thread === 'worker') backend.worker.terminate();
  else backend.detector.close();
}

/**
 * Owns the face detector (wasm + model), in its worker or on the main thread. It loads lazily on the first
 * `load()` (or is adopted from `preloadDetector`), is reused across attempts, and is closed (its worker ended)
 * when the host disconnects. The frame loop lives in `FramePipelineController`.
 */
export class DetectorController implements ReactiveController {
  #pending: Promise<DetectorBackend> | null = null;
  #backend: DetectorBackend | null = null;
  #assetsKey = '';
  #lastTimestamp = -1;
  readonly #copier = new FrameCopier();

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** The loaded detector, or null before `load()` resolved. */
  get backend(): DetectorBackend | null {
    return this.#backend;
  }

  /** Loads wasm and model (once per set of asset URLs). Rejects with DETECTOR_UNAVAILABLE, or the signal's reason. */
  async load(assets: DetectorAssets, signal?: AbortSignal): Promise<void> {
    const key = keyOf(assets);
    if (!this.#pending || this.#assetsKey !== key) {
      this.discard();
      this.#assetsKey = key;
      const preloaded = warm.get(key);
      warm.delete(key);
      const pending = preloaded ?? loadBackend(assets);
      this.#pending = pending;
      // A failed load is not cached: the next attempt tries again.
      pending.then(
        (b) => {
          // A load that was discarded meanwhile is released by `discard()`.
          if (this.#pending === pending) this.#backend = b;
        },
        () => {
          if (this.#pending === pending) this.#pending = null;
        },
      );
    }
    await abortable(this.#pending, signal);
  }

  /**
   * Main-thread detection: faces in the video's current frame, in the video's intrinsic pixels (not mirrored).
   * Throws when the detector is not loaded or fails: the caller ends the attempt.
   */
  detect(video: HTMLVideoElement, now: number): FaceDetection[] {
    const backend = this.#backend;
    if (backend?.thread !== 'main') throw new LivenessError('DETECTION_FAILED', 'The face detector is not loaded.');
    // detectForVideo needs strictly increasing timestamps.
    const timestamp = Math.max(now, this.#lastTimestamp + 1);
    this.#lastTimestamp = timestamp;
    // Detected on a copy at the reported size: see FrameCopier.
    const result = backend.detector.detectForVideo(this.#copier.copy(video) ?? video, timestamp);
    return result.detections.map((d) => toFaceDetection(d, video.videoWidth, video.videoHeight));
  }

  /** Closes the detector (ends its worker), so that the next `load()` starts afresh. */
  discard(): void {
    const pending = this.#pending;
    this.#pending = null;
    this.#backend = null;
    this.#assetsKey = '';
    if (pending) {
      const released = pending.then(release, () => {});
      releasing = Promise.all([releasing, released]).then(() => {});
    }
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.discard();
  }
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts. */
function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const unlisten = whenAborted(signal, reject);
    promise.then(resolve, reject).finally(unlisten);
  });
}
