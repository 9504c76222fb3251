// Messages between the page and the detector's worker (src/detector-worker.ts). Types only.
import type { DetectorAssets } from './assets.js';
import type { FrameReport } from './frame-measure.js';
import type { FaceDetection } from './gate.js';
import type { PixelRegion } from './quality.js';

export interface WorkerRunOptions {
  /** Frames that arrive sooner than this after the last detected one are closed unread (0: every frame). */
  intervalMs: number;
  /** The detector sees the frame scaled so that its longer side is this many pixels (0: full size). */
  detectSize: number;
  /** Sample the face region for the brightness and sharpness checks. */
  regionChecks: boolean;
}

export type ToWorker =
  | { type: 'load'; assets: DetectorAssets }
  /** Start a run; with `stream`, the worker reads the camera itself (Chromium's MediaStreamTrackProcessor). */
  | { type: 'run'; run: number; options: WorkerRunOptions; stream?: ReadableStream<VideoFrame> }
  /** One frame for the run, transferred (where the worker cannot read the camera itself). */
  | { type: 'frame'; run: number; frame: VideoFrame }
  /**
   * The page's decision on the frame of result `seq`: `capture` transfers it back (detected again at full size
   * first when `confirm`), otherwise it is closed.
   */
  | { type: 'verdict'; run: number; seq: number; capture: boolean; confirm: boolean }
  | { type: 'stop'; run: number }
  | { type: 'stats' };

export type FromWorker =
  | { type: 'loaded' }
  | { type: 'load-failed'; message: string }
  | {
    type: 'result';
    run: number;
    seq: number;
    faces: FaceDetection[];
    width: number;
    height: number;
    region: PixelRegion | null;
    /** The frame's capture time, in milliseconds. */
    time: number;
    /** Time the worker spent on this frame (pixels + detection), in milliseconds. */
    busyMs: number;
    /** Of `busyMs`, the frame measurements (src/frame-measure.ts), in milliseconds. */
    measureMs: number;
  }
  /**
   * The frame of result `seq`, with the faces the detector found in it at full size when confirmation was asked,
   * and what the run's frames said about the camera up to it.
   */
  | { type: 'captured'; run: number; seq: number; frame: VideoFrame; faces: FaceDetection[] | null; frames: FrameReport }
  /** A transferred frame was closed unread (`frame` messages only): the page may send the next one. */
  | { type: 'skipped'; run: number }
  | { type: 'ended'; run: number }
  | { type: 'error'; run: number; message: string }
  | { type: 'stats'; openFrames: number; heldFrames: number };
