// The face gate: the issue-2 rules that decide when a frame may be captured. Pure logic, no DOM.
import type { FaceBox } from './events.js';

/** A point in the video's intrinsic pixels (not mirrored). */
export interface Point {
  x: number;
  y: number;
}

/**
 * One face as the detector saw it, in the video's intrinsic pixels (not mirrored).
 *
 * `keypoints` follow MediaPipe BlazeFace order: 0 right eye, 1 left eye, 2 nose tip, 3 mouth centre,
 * 4 right ear tragion, 5 left ear tragion. Right and left are the subject's: in the unmirrored image the subject's
 * right eye has the smaller x. The list may be empty.
 */
export interface FaceDetection {
  box: FaceBox;
  score: number;
  keypoints: Point[];
}

/** Why a frame does not pass the gate. */
export type GateReason = 'no-face' | 'multiple-faces' | 'out-of-frame' | 'too-small';

export type FrameCheck =
  | { ok: true; face: FaceDetection }
  | { ok: false; reason: GateReason; face?: FaceDetection };

/**
 * Pixels a face box must keep from every frame edge, by default. MediaPipe clamps (or shifts) the box of a face cut
 * by the frame edge so that it starts exactly at 0, so a box touching the edge is a cut face: 1 px tells them apart.
 */
export const DEFAULT_EDGE_MARGIN = 1;

/**
 * True when the face lies wholly inside a `frameWidth` x `frameHeight` frame: the box keeps `edgeMargin` pixels
 * from every edge and no keypoint (eyes, nose, mouth, ears) falls outside the frame.
 */
export function faceInsideFrame(
  face: FaceDetection,
  frameWidth: number,
  frameHeight: number,
  edgeMargin = DEFAULT_EDGE_MARGIN,
): boolean {
  const { box } = face;
  const boxInside =
    box.x >= edgeMargin &&
    box.y >= edgeMargin &&
    box.x + box.width <= frameWidth - edgeMargin &&
    box.y + box.height <= frameHeight - edgeMargin;
  return boxInside && face.keypoints.every((p) => p.x >= 0 && p.y >= 0 && p.x <= frameWidth && p.y <= frameHeight);
}

/**
 * Checks one frame against the gate rules: exactly one face, wholly inside the frame (see `faceInsideFrame`), with
 * a box at least `minFaceSize` pixels wide and high. The checks run in that order and the first failure is reported.
 */
export function checkFrame(
  detections: readonly FaceDetection[],
  frameWidth: number,
  frameHeight: number,
  minFaceSize: number,
  edgeMargin = DEFAULT_EDGE_MARGIN,
): FrameCheck {
  if (detections.length === 0) return { ok: false, reason: 'no-face' };
  if (detections.length > 1) return { ok: false, reason: 'multiple-faces' };
  const face = detections[0]!;
  const { box } = face;
  // Comparisons are written so that NaN fails them (fail closed on garbage input).
  if (!faceInsideFrame(face, frameWidth, frameHeight, edgeMargin)) return { ok: false, reason: 'out-of-frame', face };
  if (!(box.width >= minFaceSize && box.height >= minFaceSize)) return { ok: false, reason: 'too-small', face };
  return { ok: true, face };
}

export interface GateOptions {
  /** Minimum face width and height in the video's intrinsic pixels. */
  minFaceSize: number;
  /** Consecutive passing frames needed before the gate is ready. Default 5. */
  stableFrames?: number;
  /**
   * How far the box centre may move, or its width change, between two consecutive frames, as a fraction of the
   * face width, before the streak starts again (the face is moving, not held). Default 0.25: normal detector jitter is a few per cent.
   * `Infinity` switches the check off.
   */
  maxShift?: number;
  /** Pixels the box must keep from the frame edges. Default 1 (see `DEFAULT_EDGE_MARGIN`). */
  edgeMargin?: number;
}

export interface GateUpdate {
  check: FrameCheck;
  /** Consecutive passing frames so far, this one included. */
  streak: number;
  /** True once `streak` reaches `stableFrames`. */
  ready: boolean;
}

export const DEFAULT_STABLE_FRAMES = 5;
export const DEFAULT_MAX_SHIFT = 0.25;

/**
 * Counts consecutive frames that pass `checkFrame`; ready after `stableFrames` of them. Any failing frame resets
 * the streak; a jump of the face box larger than `maxShift` starts a new streak at this frame.
 */
export class FaceGate {
  readonly minFaceSize: number;
  readonly stableFrames: number;
  readonly maxShift: number;
  readonly edgeMargin: number;
  #streak = 0;
  #last: FaceBox | null = null;

  constructor(options: GateOptions) {
    this.minFaceSize = options.minFaceSize;
    this.stableFrames = Math.max(1, Math.round(options.stableFrames ?? DEFAULT_STABLE_FRAMES));
    this.maxShift = options.maxShift ?? DEFAULT_MAX_SHIFT;
    this.edgeMargin = options.edgeMargin ?? DEFAULT_EDGE_MARGIN;
  }

  update(detections: readonly FaceDetection[], frameWidth: number, frameHeight: number): GateUpdate {
    const check = checkFrame(detections, frameWidth, frameHeight, this.minFaceSize, this.edgeMargin);
    if (!check.ok) {
      this.reset();
      return { check, streak: 0, ready: false };
    }
    const box = check.face.box;
    this.#streak = this.#last && jumped(this.#last, box, this.maxShift) ? 1 : this.#streak + 1;
    this.#last = box;
    return { check, streak: this.#streak, ready: this.#streak >= this.stableFrames };
  }

  reset(): void {
    this.#streak = 0;
    this.#last = null;
  }
}

function jumped(previous: FaceBox, box: FaceBox, maxShift: number): boolean {
  const dx = box.x + box.width / 2 - (previous.x + previous.width / 2);
  const dy = box.y + box.height / 2 - (previous.y + previous.height / 2);
  const size = Math.max(previous.width, box.width);
  return Math.hypot(dx, dy) > maxShift * size || Math.abs(box.width - previous.width) > maxShift * size;
}
