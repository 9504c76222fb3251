import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { FaceDetector } from '@mediapipe/tasks-vision';
import type { DetectorAssets } from '../assets.js';
import { LivenessError } from '../errors.js';
import { FrameCopier } from '../frame.js';
import type { FaceDetection } from '../gate.js';

/** Called once per new video frame with the faces found in it (video intrinsic pixels, not mirrored). */
export type FrameCallback = (detections: FaceDetection[], video: HTMLVideoElement) => void;

type VideoWithFrames = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: (now: number, meta: { mediaTime: number }) => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/**
 * Owns the MediaPipe FaceDetector and the per-frame loop. The detector (wasm + model) loads lazily on the first
 * `start()`, is reused across runs, and is closed when the host disconnects.
 */
export class DetectorController implements ReactiveController {
  #detector: Promise<FaceDetector> | null = null;
  #assetsKey = '';
  #video: VideoWithFrames | null = null;
  #handle = 0;
  #usesVideoFrames = false;
  #lastTimestamp = -1;
  #lastMediaTime = -1;
  #onFrame: FrameCallback | null = null;
  readonly #copier = new FrameCopier();

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Loads wasm and model (once per set of asset URLs). Rejects with DETECTOR_UNAVAILABLE. */
  load(assets: DetectorAssets): Promise<FaceDetector> {
    const key = `${assets.wasmLoaderPath}|${assets.wasmBinaryPath}|${assets.modelAssetPath}`;
    if (this.#detector && this.#assetsKey === key) return this.#detector;
    this.#closeDetector();
    this.#assetsKey = key;
    const pending = createDetector(assets);
    this.#detector = pending;
    // A failed load is not cached: the next start() tries again.
    pending.catch(() => {
      if (this.#detector === pending) this.#detector = null;
    });
    return pending;
  }

  /** Runs `onFrame` for every new frame of `video` until `stop()`. */
  async start(video: HTMLVideoElement, assets: DetectorAssets, onFrame: FrameCallback): Promise<void> {
    this.stop();
    const detector = await this.load(assets);
    this.#video = video as VideoWithFrames;
    this.#onFrame = onFrame;
    this.#usesVideoFrames = typeof this.#video.requestVideoFrameCallback === 'function';
    this.#schedule(detector);
  }

  stop(): void {
    const video = this.#video;
    if (video && this.#handle) {
      if (this.#usesVideoFrames) video.cancelVideoFrameCallback?.(this.#handle);
      else cancelAnimationFrame(this.#handle);
    }
    this.#handle = 0;
    this.#video = null;
    this.#onFrame = null;
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.stop();
    this.#closeDetector();
  }

  #schedule(detector: FaceDetector): void {
    const video = this.#video;
    if (!video) return;
    const tick = (now: number, meta?: { mediaTime: number }) => {
      if (this.#video !== video) return;
      this.#handle = 0;
      // requestAnimationFrame fallback: skip frames the video has not advanced past.
      const mediaTime = meta?.mediaTime ?? video.currentTime;
      if ((meta || mediaTime !== this.#lastMediaTime) && video.videoWidth > 0) {
        this.#lastMediaTime = mediaTime;
        // detectForVideo needs strictly increasing timestamps.
        const timestamp = Math.max(now, this.#lastTimestamp + 1);
        this.#lastTimestamp = timestamp;
        // Detected on a copy at the reported size: see FrameCopier.
        const result = detector.detectForVideo(this.#copier.copy(video) ?? video, timestamp);
        const faces = result.detections.map((d) => toFaceDetection(d, video.videoWidth, video.videoHeight));
        this.#onFrame?.(faces, video);
      }
      if (this.#video === video) this.#schedule(detector);
    };
    this.#handle = this.#usesVideoFrames
      ? video.requestVideoFrameCallback!((now, meta) => tick(now, meta))
      : requestAnimationFrame((now) => tick(now));
  }

  #closeDetector(): void {
    const pending = this.#detector;
    this.#detector = null;
    this.#assetsKey = '';
    pending?.then((d) => d.close()).catch(() => {});
  }
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
