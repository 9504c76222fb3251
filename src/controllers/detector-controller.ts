import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { FaceDetector } from '@mediapipe/tasks-vision';
import type { DetectorAssets } from '../assets.js';
import { LivenessError } from '../errors.js';
import { FrameCopier } from '../frame.js';
import type { FaceDetection } from '../gate.js';

/**
 * Owns the MediaPipe FaceDetector (wasm + model). It loads lazily on the first `load()`, is reused across
 * attempts, and is closed when the host disconnects. The frame loop that calls `detect()` lives in
 * `FramePipelineController`.
 */
export class DetectorController implements ReactiveController {
  #detector: Promise<FaceDetector> | null = null;
  #ready: FaceDetector | null = null;
  #assetsKey = '';
  #lastTimestamp = -1;
  readonly #copier = new FrameCopier();

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Loads wasm and model (once per set of asset URLs). Rejects with DETECTOR_UNAVAILABLE, or the signal's reason. */
  async load(assets: DetectorAssets, signal?: AbortSignal): Promise<void> {
    const key = `${assets.wasmLoaderPath}|${assets.wasmBinaryPath}|${assets.modelAssetPath}`;
    if (!this.#detector || this.#assetsKey !== key) {
      this.#closeDetector();
      this.#assetsKey = key;
      const pending = createDetector(assets);
      this.#detector = pending;
      // A failed load is not cached: the next attempt tries again.
      pending.then(
        (d) => {
          if (this.#detector === pending) this.#ready = d;
        },
        () => {
          if (this.#detector === pending) this.#detector = null;
        },
      );
    }
    const pending = this.#detector;
    await abortable(pending, signal);
  }

  /**
   * Faces in the video's current frame, in the video's intrinsic pixels (not mirrored). Throws when the detector
   * is not loaded or fails: the caller ends the attempt.
   */
  detect(video: HTMLVideoElement, now: number): FaceDetection[] {
    const detector = this.#ready;
    if (!detector) throw new LivenessError('DETECTION_FAILED', 'The face detector is not loaded.');
    // detectForVideo needs strictly increasing timestamps.
    const timestamp = Math.max(now, this.#lastTimestamp + 1);
    this.#lastTimestamp = timestamp;
    // Detected on a copy at the reported size: see FrameCopier.
    const result = detector.detectForVideo(this.#copier.copy(video) ?? video, timestamp);
    return result.detections.map((d) => toFaceDetection(d, video.videoWidth, video.videoHeight));
  }

  /** Closes the detector, so that the next `load()` starts afresh (after it failed on a frame, say). */
  discard(): void {
    this.#closeDetector();
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.#closeDetector();
  }

  #closeDetector(): void {
    const pending = this.#detector;
    this.#detector = null;
    this.#ready = null;
    this.#assetsKey = '';
    pending?.then((d) => d.close()).catch(() => {});
  }
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts. */
function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function createDetector(assets: DetectorAssets): Promise<FaceDetector> {
  try {
    const vision = await import('@mediapipe/tasks-vision');
    return await vision.FaceDetector.createFromOptions(
      { wasmLoaderPath: assets.wasmLoaderPath, wasmBinaryPath: assets.wasmBinaryPath },
      {
        baseOptions: { modelAssetPath: assets.modelAssetPath, delegate: 'CPU' },
        runningMode: 'VIDEO',
        minDetectionConfidence: 0.5,
        minSuppressionThreshold: 0.3,
      },
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LivenessError('DETECTOR_UNAVAILABLE', `The face detector could not be loaded: ${reason}`, { cause: error });
  }
}

interface MediaPipeDetection {
  boundingBox?: { originX: number; originY: number; width: number; height: number };
  categories: { score: number }[];
  keypoints: { x: number; y: number }[];
}

/** MediaPipe's result in video pixels: the box is already in pixels, keypoints are normalized. */
export function toFaceDetection(d: MediaPipeDetection, width: number, height: number): FaceDetection {
  const b = d.boundingBox ?? { originX: 0, originY: 0, width: 0, height: 0 };
  return {
    box: { x: b.originX, y: b.originY, width: b.width, height: b.height },
    score: d.categories[0]?.score ?? 0,
    keypoints: d.keypoints.map((k) => ({ x: k.x * width, y: k.y * height })),
  };
}
