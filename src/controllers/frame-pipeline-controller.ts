import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { whenAborted } from '../abort.js';
import type { DetectorAssets } from '../assets.js';
import { LivenessError } from '../errors.js';
import type { HintCode } from '../events.js';
import { frameDue, frameToCanvas, grabFrame, RegionSampler } from '../frame.js';
import type { FrameReport } from '../frame-measure.js';
import { checkFrame, DEFAULT_EDGE_MARGIN, type FaceDetection } from '../gate.js';
import { Guidance, type GuidanceOptions } from '../guidance.js';
import { DEFAULT_DETECT_SIZE, DEFAULT_MAX_FPS } from '../pacing.js';
import type { PixelRegion, QualityAssessment } from '../quality.js';
import { DetectorController, type DetectorBackend } from './detector-controller.js';

/** What the pipeline shows while it looks for a face: the steadied hint, the hold progress and readiness. */
export interface PipelineState {
  readonly hint: HintCode | null;
  /** 0..1, rounded to hundredths. */
  readonly progress: number;
  readonly ready: boolean;
}

/** The frame that passed every check, drawn at full size before the pipeline returned it. */
export interface PassedFrame {
  readonly canvas: HTMLCanvasElement;
  readonly face: FaceDetection;
  /** The quality measured on the frame that made the face ready (brightness and sharpness are NaN when not sampled). */
  readonly quality?: QualityAssessment;
  /** What the camera's frames said, measured in the detector's worker (absent when detection ran on the main thread). */
  readonly frames?: FrameReport;
}

export interface PipelineRun {
  video: HTMLVideoElement;
  /** The camera's video track: its `ended` event ends the run with CAMERA_LOST; the worker reads it where it can. */
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
  /** Detections per second at most; frames in between are skipped (0: every frame). Default `DEFAULT_MAX_FPS`. */
  maxFps?: number;
  /**
   * Longer side, in pixels, of the image the detector sees while guiding (0: the full frame). The frame about to
   * be captured is detected again at full size and must pass the size rule there. Default `DEFAULT_DETECT_SIZE`.
   */
  detectSize?: number;
}

/** Default for `PipelineRun.frameTimeoutMs`: generous against slow first detections, short against a frozen camera. */
export const FRAME_TIMEOUT_MS = 10_000;

const IDLE: PipelineState = { hint: null, progress: 0, ready: false };

type VideoWithFrames = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: (now: number, meta: { mediaTime: number }) => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/** What a frame loop needs from the run around it. */
interface RunContext {
  readonly video: VideoWithFrames;
  readonly track: MediaStreamTrack | null;
  readonly options: PipelineRun;
  readonly intervalMs: number;
  readonly detectSize: number;
  /** A new camera frame arrived (the watchdog's heartbeat). */
  sawFrame(): void;
  /** Runs guidance on one frame's detections; returns the face when this frame is the one to capture. */
  evaluate(faces: FaceDetection[], width: number, height: number, region: PixelRegion | null, time: number): FaceDetection | null;
  /** The captured frame passed its full-size check too: forget the current hold. */
  rejectCapture(): void;
  finish(canvas: HTMLCanvasElement, face: FaceDetection, frames?: FrameReport): void;
  fail(error: unknown): void;
  readonly done: boolean;
}

/**
 * The frame pipeline: for new camera frames (at most `maxFps` a second), detect faces and sample the face's
 * pixels (in the detector's worker, or on the main thread where workers cannot run the detector), run guidance,
 * and when a frame passes (and, in manual mode, a capture was asked for) return that exact frame. Its state is
 * `value`, like Lit's ResizeController; the host re-renders when it changes and `onChange` hears about it.
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

  /** Where detection runs once loaded: `worker`, `main`, or null before the detector loaded. */
  get thread(): 'worker' | 'main' | null {
    return this.#detector.backend?.thread ?? null;
  }

  /** Frames held by the detector's worker right now (0 without a worker): for the long-session benchmark. */
  async framesInWorker(): Promise<number> {
    const backend = this.#detector.backend;
    if (backend?.thread !== 'worker') return 0;
    const s = await backend.worker.stats();
    return s.openFrames;
  }

  /**
   * In manual mode: the next passing frame is returned, however many frames that do not pass come first (a press
   * while the face is not right yet is kept, not lost).
   */
  requestCapture(): void {
    if (this.#running) this.#captureRequested = true;
  }

  /** Looks at new frames of `video` until one passes; see the class comment for how a run ends otherwise. */
  run(options: PipelineRun): Promise<PassedFrame> {
    this.stop();
    const { signal, manual } = options;
    const video = options.video as VideoWithFrames;
    const track = options.track ?? null;
    const timeout = options.frameTimeoutMs ?? FRAME_TIMEOUT_MS;
    const maxFps = options.maxFps ?? DEFAULT_MAX_FPS;
    const guidance = new Guidance(options.guidance);
    this.#running = true;
    this.#captureRequested = false;
    this.#set(IDLE);

    return new Promise<PassedFrame>((resolve, reject) => {
      let lastFrameAt = performance.now();
      let done = false;
      let stopLoop: (() => void) | null = null;
      let quality: QualityAssessment | undefined;

      const end = (settle: () => void) => {
        if (done) return;
        done = true;
        this.#running = false;
        this.#captureRequested = false;
        this.#end = null;
        stopLoop?.();
        clearInterval(watchdog);
        unlistenAbort();
        track?.removeEventListener('ended', onEnded);
        document.removeEventListener('visibilitychange', onVisibility);
        settle();
      };
      const fail = (error: unknown) => end(() => reject(error));
      let unlistenAbort = () => {};
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

      const context: RunContext = {
        video,
        track,
        options,
        intervalMs: maxFps > 0 ? 1000 / maxFps : 0,
        detectSize: Math.max(0, Math.round(options.detectSize ?? DEFAULT_DETECT_SIZE)),
        get done() {
          return done;
        },
        sawFrame: () => {
          lastFrameAt = performance.now();
        },
        evaluate: (faces, width, height, region, time) => {
          const state = guidance.update(faces, width, height, region, time);
          quality = state.quality;
          this.#set({ hint: state.hint, progress: Math.floor(state.progress * 100) / 100, ready: state.ready });
          return state.ready && state.face && (!manual || this.#captureRequested) ? state.face : null;
        },
        rejectCapture: () => {
          guidance.reset();
          this.#captureRequested = false;
        },
        finish: (canvas, face, frames) => end(() => resolve({ canvas, face, ...(quality ? { quality } : {}), ...(frames ? { frames } : {}) })),
        fail: (error) => {
          // A detector that threw may be broken: the next attempt loads a fresh one.
          if (!(error instanceof LivenessError)) this.#detector.discard();
          fail(error instanceof LivenessError
            ? error
            : new LivenessError('DETECTION_FAILED', `Face detection failed on a camera frame: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
        },
      };

      if (signal.aborted) {
        fail(signal.reason);
        return;
      }
      unlistenAbort = whenAborted(signal, fail);
      track?.addEventListener('ended', onEnded);
      document.addEventListener('visibilitychange', onVisibility);
      this.#end = () => fail(new DOMException('The frame pipeline was stopped.', 'AbortError'));
      const backend = this.#detector.backend;
      if (!backend) {
        context.fail(new LivenessError('DETECTION_FAILED', 'The face detector is not loaded.'));
        return;
      }
      if (track?.readyState === 'ended') {
        onEnded();
        return;
      }
      try {
        stopLoop = backend.thread === 'worker' ? workerLoop(backend, context) : this.#mainLoop(context);
      } catch (error) {
        context.fail(error);
      }
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

  /** Main-thread detection on video frames, at most one per `intervalMs`. */
  #mainLoop(ctx: RunContext): () => void {
    const { video, options } = ctx;
    const usesVideoFrames = typeof video.requestVideoFrameCallback === 'function';
    let handle = 0;
    let lastMediaTime = -1;
    let lastDetection = -Infinity;
    const tick = (now: number, meta?: { mediaTime: number }) => {
      handle = 0;
      if (ctx.done) return;
      try {
        // The requestAnimationFrame fallback skips frames the video has not advanced past.
        const mediaTime = meta?.mediaTime ?? video.currentTime;
        if ((meta || mediaTime !== lastMediaTime) && video.videoWidth > 0) {
          lastMediaTime = mediaTime;
          ctx.sawFrame();
          if (frameDue(now - lastDetection, ctx.intervalMs)) {
            lastDetection = now;
            const faces = this.#detector.detect(video, now);
            const region = options.regionChecks && faces.length === 1 ? this.#sampler.sample(video, faces[0]!.box) : null;
            const face = ctx.evaluate(faces, video.videoWidth, video.videoHeight, region, now);
            if (face) {
              ctx.finish(grabFrame(video), face);
              return;
            }
          }
        }
      } catch (error) {
        ctx.fail(error);
        return;
      }
      schedule();
    };
    const schedule = () => {
      handle = usesVideoFrames
        ? video.requestVideoFrameCallback!((now, meta) => tick(now, meta))
        : requestAnimationFrame((now) => tick(now));
    };
    schedule();
    return () => {
      if (!handle) return;
      if (usesVideoFrames) video.cancelVideoFrameCallback?.(handle);
      else cancelAnimationFrame(handle);
      handle = 0;
    };
  }

  #set(state: PipelineState): void {
    const v = this.value;
    if (v.hint === state.hint && v.progress === state.progress && v.ready === state.ready) return;
    this.value = state;
    this.#host.requestUpdate();
    this.#onChange(state);
  }
}

/**
 * Detection in the worker. The worker reads the camera track itself where it can; elsewhere each video frame
 * due is transferred to it as a VideoFrame while it is idle (never queued). The page answers each result at once
 * (capture this frame or not), and a frame to capture comes back whole, checked again at full size when the
 * detector saw it scaled down.
 */
function workerLoop(backend: Extract<DetectorBackend, { thread: 'worker' }>, ctx: RunContext): () => void {
  const { video, track, options } = ctx;
  let captureFace: FaceDetection | null = null;
  const run = backend.worker.run(
    track,
    { intervalMs: ctx.intervalMs, detectSize: ctx.detectSize, regionChecks: options.regionChecks },
    (message) => {
      if (ctx.done) {
        if (message.type === 'captured') message.frame.close();
        return;
      }
      try {
        switch (message.type) {
          case 'result': {
            ctx.sawFrame();
            const face = captureFace ? null : ctx.evaluate(message.faces, message.width, message.height, message.region, message.time);
            if (face) captureFace = face;
            const scaled = ctx.detectSize > 0 && Math.max(message.width, message.height) > ctx.detectSize;
            run.verdict(message.seq, !!face, scaled);
            break;
          }
          case 'captured': {
            const { frame } = message;
            try {
              let face = captureFace!;
              captureFace = null;
              if (message.faces) {
                const g = options.guidance;
                const check = checkFrame(message.faces, frame.displayWidth, frame.displayHeight, g.minFaceSize, g.edgeMargin ?? DEFAULT_EDGE_MARGIN);
                if (!check.ok) {
                  ctx.rejectCapture();
                  return;
                }
                face = check.face;
              }
              ctx.finish(frameToCanvas(frame), face, message.frames);
            } finally {
              frame.close();
            }
            break;
          }
          case 'error':
            throw new Error(message.message);
          case 'ended':
          case 'skipped':
            // An ended track ends the run through its own `ended` event (or the watchdog).
            break;
        }
      } catch (error) {
        ctx.fail(error);
      }
    },
  );
  if (run.readsTrack) return () => run.stop();

  let handle = 0;
  let lastSent = -Infinity;
  const onFrame = (now: number) => {
    handle = 0;
    if (ctx.done) return;
    try {
      if (video.videoWidth > 0) {
        ctx.sawFrame();
        if (!run.busy && frameDue(now - lastSent, ctx.intervalMs)) {
          lastSent = now;
          run.send(new VideoFrame(video, { timestamp: Math.round(now * 1000) }));
        }
      }
    } catch (error) {
      ctx.fail(error);
      return;
    }
    handle = video.requestVideoFrameCallback
      ? video.requestVideoFrameCallback((t) => onFrame(t))
      : requestAnimationFrame((t) => onFrame(t));
  };
  onFrame(performance.now());
  return () => {
    run.stop();
    if (handle && video.cancelVideoFrameCallback) video.cancelVideoFrameCallback(handle);
    else if (handle) cancelAnimationFrame(handle);
  };
}
