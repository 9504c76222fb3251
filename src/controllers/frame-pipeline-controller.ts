import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { DetectorAssets } from '../assets.js';
import { LivenessError } from '../errors.js';
import type { HintCode } from '../events.js';
import { grabFrame, RegionSampler } from '../frame.js';
import type { FaceDetection } from '../gate.js';
import { Guidance, type GuidanceOptions } from '../guidance.js';
import { DetectorController } from './detector-controller.js';

/** What the pipeline shows while it looks for a face: the steadied hint, the hold progress and readiness. */
export interface PipelineState {
  readonly hint: HintCode | null;
  /** 0..1, rounded to hundredths. */
  readonly progress: number;
  readonly ready: boolean;
}

/** The frame that passed every check, drawn from the video at full size before the pipeline returned it. */
export interface PassedFrame {
  readonly canvas: HTMLCanvasElement;
  readonly face: FaceDetection;
}

export interface PipelineRun {
  video: HTMLVideoElement;
  /** The camera's video track: its `ended` event ends the run with CAMERA_LOST. */
  track?: MediaStreamTrack | null;
  guidance: GuidanceOptions;
  /** Sample the face's pixels for the brightness and sharpness checks (the pose check needs only keypoints). */
  regionChecks: boolean;
  /** Wait for `requestCapture()` before returning a passing frame. */
  manual: boolean;
  /** Ends the run: the returned promise rejects with the signal's reason. */
  signal: AbortSignal;
  /** A visible page whose camera delivers no new frame for this long ends the run with CAMERA_LOST. */
  frameTimeoutMs?: number;
}

/** Default for `PipelineRun.frameTimeoutMs`: generous against slow first detections, short against a frozen camera. */
export const FRAME_TIMEOUT_MS = 10_000;

const IDLE: PipelineState = { hint: null, progress: 0, ready: false };

type VideoWithFrames = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: (now: number, meta: { mediaTime: number }) => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/**
 * The frame pipeline: for every new camera frame, detect faces, sample the face's pixels, run guidance, and when a
 * frame passes (and, in manual mode, a capture was asked for) return that exact frame. Its state is `value`, like
 * Lit's ResizeController; the host re-renders when it changes and `onChange` hears about it.
 *
 * A run never hangs: an exception anywhere in a frame ends it with a typed error, and so does a camera that stops
 * delivering frames (`frameTimeoutMs`, paused while the page is hidden) or whose track ends.
 */
export class FramePipelineController implements ReactiveController {
  value: PipelineState = IDLE;
  readonly #host: ReactiveControllerHost;
  readonly #detector: DetectorController;
  readonly #onChange: (state: PipelineState) => void;
  readonly #sampler = new RegionSampler();
  #captureRequested = false;
  #running = false;
  #end: ((reason: unknown) => void) | null = null;

  constructor(host: ReactiveControllerHost, onChange: (state: PipelineState) => void = () => {}) {
    this.#host = host;
    this.#onChange = onChange;
    this.#detector = new DetectorController(host);
    host.addController(this);
  }

  /** Loads the detector (wasm + model) ahead of `run()`; see `DetectorController.load`. */
  load(assets: DetectorAssets, signal?: AbortSignal): Promise<void> {
    return this.#detector.load(assets, signal);
  }

  /** In manual mode: the next passing frame is returned. A frame that does not pass clears the request. */
  requestCapture(): void {
    if (this.#running) this.#captureRequested = true;
  }

  /** Looks at every new frame of `video` until one passes; see the class comment for how a run ends otherwise. */
  run(options: PipelineRun): Promise<PassedFrame> {
    this.stop();
    const { signal, manual, regionChecks } = options;
    const video = options.video as VideoWithFrames;
    const track = options.track ?? null;
    const timeout = options.frameTimeoutMs ?? FRAME_TIMEOUT_MS;
    const guidance = new Guidance(options.guidance);
    const usesVideoFrames = typeof video.requestVideoFrameCallback === 'function';
    this.#running = true;
    this.#captureRequested = false;
    this.#set(IDLE);

    return new Promise<PassedFrame>((resolve, reject) => {
      let handle = 0;
      let lastMediaTime = -1;
      let lastFrameAt = performance.now();
      let done = false;

      const end = (settle: () => void) => {
        if (done) return;
        done = true;
        this.#running = false;
        this.#captureRequested = false;
        this.#end = null;
        if (handle) {
          if (usesVideoFrames) video.cancelVideoFrameCallback?.(handle);
          else cancelAnimationFrame(handle);
          handle = 0;
        }
        clearInterval(watchdog);
        signal.removeEventListener('abort', onAbort);
        track?.removeEventListener('ended', onEnded);
        document.removeEventListener('visibilitychange', onVisibility);
        settle();
      };
      const fail = (error: unknown) => end(() => reject(error));
      const onAbort = () => fail(signal.reason);
      const onEnded = () => fail(new LivenessError('CAMERA_LOST', 'The camera stopped: it was unplugged, turned off or taken by another application.'));
      // A hidden page gets no frames; the wait starts again when it is shown.
      const onVisibility = () => {
        lastFrameAt = performance.now();
      };
      const watchdog = setInterval(() => {
        if (track?.readyState === 'ended') onEnded();
        else if (document.visibilityState === 'hidden') lastFrameAt = performance.now();
        else if (performance.now() - lastFrameAt > timeout) {
          fail(new LivenessError('CAMERA_LOST', `The camera delivered no picture for ${Math.round(timeout / 1000)} seconds.`));
        }
      }, Math.min(1000, Math.max(50, timeout / 4)));

      const tick = (now: number, meta?: { mediaTime: number }) => {
        handle = 0;
        if (done) return;
        try {
          // The requestAnimationFrame fallback skips frames the video has not advanced past.
          const mediaTime = meta?.mediaTime ?? video.currentTime;
          if ((meta || mediaTime !== lastMediaTime) && video.videoWidth > 0) {
            lastMediaTime = mediaTime;
            lastFrameAt = performance.now();
            const faces = this.#detector.detect(video, now);
            const region = regionChecks && faces.length === 1 ? this.#sampler.sample(video, faces[0]!.box) : null;
            const state = guidance.update(faces, video.videoWidth, video.videoHeight, region);
            this.#set({ hint: state.hint, progress: Math.round(state.progress * 100) / 100, ready: state.ready });
            if (state.ready && state.face && (!manual || this.#captureRequested)) {
              const canvas = grabFrame(video);
              const face = state.face;
              end(() => resolve({ canvas, face }));
              return;
            }
            // A manual capture applies to the frame right after the request, never to a later one.
            if (!state.ready) this.#captureRequested = false;
          }
        } catch (error) {
          // A detector that threw may be broken: the next attempt loads a fresh one.
          if (!(error instanceof LivenessError)) this.#detector.discard();
          fail(error instanceof LivenessError
            ? error
            : new LivenessError('DETECTION_FAILED', `Face detection failed on a camera frame: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
          return;
        }
        schedule();
      };
      const schedule = () => {
        handle = usesVideoFrames
          ? video.requestVideoFrameCallback!((now, meta) => tick(now, meta))
          : requestAnimationFrame((now) => tick(now));
      };

      if (signal.aborted) {
        fail(signal.reason);
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      track?.addEventListener('ended', onEnded);
      document.addEventListener('visibilitychange', onVisibility);
      this.#end = () => fail(new DOMException('The frame pipeline was stopped.', 'AbortError'));
      schedule();
    });
  }

  /** Ends a run in progress (its promise rejects with an AbortError) and clears the state. */
  stop(): void {
    this.#end?.(undefined);
    this.#set(IDLE);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.stop();
  }

  #set(state: PipelineState): void {
    const v = this.value;
    if (v.hint === state.hint && v.progress === state.progress && v.ready === state.ready) return;
    this.value = state;
    this.#host.requestUpdate();
    this.#onChange(state);
  }
}
