// Guided capture: one hint at a time from what the detector sees, and the steady hold before capture. Pure logic.
import {
  checkFrame,
  DEFAULT_EDGE_MARGIN,
  DEFAULT_STABLE_FRAMES,
  FaceGate,
  type FaceDetection,
} from './gate.js';
import { assessQuality, type PixelRegion, type QualityAssessment, type QualityOptions } from './quality.js';

import type { HintCode } from './events.js';

export type { HintCode };

export interface GuidanceOptions extends QualityOptions {
  /** Minimum face width and height in intrinsic pixels (the gate's floor). */
  minFaceSize: number;
  /** Consecutive good frames before `ready`. Default 5. */
  stableFrames?: number;
  /**
   * Largest offset of the face box centre from the frame centre on each axis, as a fraction of the frame's shorter
   * side (so the same share of what the stage shows, whatever the camera's aspect ratio).
   */
  centerTolerance?: number;
  /** A face box wider or taller than this fraction of the frame is too close: move back. */
  maxFaceFraction?: number;
  /** Ask to move closer until the face box is at least `minFaceSize * closerMargin` wide and high. */
  closerMargin?: number;
  /**
   * Ask to move closer until the box's larger side is at least this fraction of the frame's larger side. The
   * detector's keypoints (and so the pose check) are unreliable on faces smaller than this, and the backend asks
   * for a face of at least 20% of the image. 0 switches it off.
   */
  minFaceFraction?: number;
  /** A new hint must be seen on this many consecutive frames before it is shown (hold-still to a problem is immediate). */
  hintFrames?: number;
  /** Passed to the gate: see `GateOptions.maxShift`. */
  maxShift?: number;
  /** Passed to the gate: see `GateOptions.edgeMargin`. */
  edgeMargin?: number;
}

/**
 * Defaults, calibrated on eight real people on 640x480, 1280x720, 1920x1080 and 720x1280 cameras
 * (docs/calibration.md, test/calibration/). Faces that fill the view measure 149-372 px (0.31-0.52 of the frame's
 * shorter side) and are all accepted; `closerMargin` 1.05 keeps a 150 px face on a 640x480 camera above the floor
 * (128 * 1.05 = 134 px). The short-range detector finds no face smaller than about 175 px in 1280x720 and gives
 * unsteady keypoints below about 220 px (yaw up to 0.23 on a frontal face), hence `minFaceFraction` 0.18 of the
 * longer side. `centerTolerance` 0.2 of the shorter side is 144 px at 1280x720: the `offcentre` camera face, 254 px
 * off, is asked to centre.
 */
export const GUIDANCE_DEFAULTS = {
  stableFrames: DEFAULT_STABLE_FRAMES,
  centerTolerance: 0.2,
  maxFaceFraction: 0.7,
  closerMargin: 1.05,
  minFaceFraction: 0.18,
  hintFrames: 3,
} as const;

export interface GuidanceState {
  /** The hint to show (steadied: see `hintFrames`). */
  hint: HintCode;
  /** This frame's own hint, before steadying. */
  observed: HintCode;
  /** True when the face has been good for `stableFrames` frames: capture now. Implies the gate is satisfied. */
  ready: boolean;
  /** 0..1: how much of the steady hold is done. 0 whenever this frame is not good. */
  progress: number;
  /** The one face, when exactly one was detected. */
  face?: FaceDetection;
  /** The quality measurements, when the face got as far as the quality checks. */
  quality?: QualityAssessment;
}

/** The face box sizes the guidance accepts in a frame, intrinsic pixels. */
export interface FaceSizeRange {
  /** Smallest width and height: `minFaceSize * closerMargin`, and `minFaceFraction` of the frame's longer side. */
  min: number;
  /** Largest width and height: `maxFaceFraction` of the frame's width and height. */
  maxWidth: number;
  maxHeight: number;
}

/**
 * The size rule, written once for the hints and for the guide drawn on screen (guide.ts): a face box between `min`
 * and `maxWidth` x `maxHeight` is neither "move closer" nor "move back".
 */
export function faceSizeRange(
  frameWidth: number,
  frameHeight: number,
  options: Pick<GuidanceOptions, 'minFaceSize' | 'closerMargin' | 'minFaceFraction' | 'maxFaceFraction'>,
): FaceSizeRange {
  const o = { ...GUIDANCE_DEFAULTS, ...definedOnly(options) };
  const min = Math.max(options.minFaceSize * Math.max(1, o.closerMargin), o.minFaceFraction * Math.max(frameWidth, frameHeight));
  return { min, maxWidth: o.maxFaceFraction * frameWidth, maxHeight: o.maxFaceFraction * frameHeight };
}

/** One frame's hint, without memory: the checks in priority order, the first failure wins. */
export function frameHint(
  detections: readonly FaceDetection[],
  frameWidth: number,
  frameHeight: number,
  region: PixelRegion | null | undefined,
  options: GuidanceOptions,
): { hint: HintCode; face?: FaceDetection; quality?: QualityAssessment } {
  const o = { ...GUIDANCE_DEFAULTS, ...definedOnly(options) };
  // The size floor is applied below, with its margin; checkFrame handles count and frame edges.
  const check = checkFrame(detections, frameWidth, frameHeight, 0, o.edgeMargin ?? DEFAULT_EDGE_MARGIN);
  if (!check.ok && check.reason === 'no-face') return { hint: 'no-face' };
  if (!check.ok && check.reason === 'multiple-faces') return { hint: 'multiple-faces' };
  const face = check.face!;
  const { box } = face;
  if (!check.ok) return { hint: 'move-back', face };
  const range = faceSizeRange(frameWidth, frameHeight, options);
  if (box.width > range.maxWidth || box.height > range.maxHeight) return { hint: 'move-back', face };
  if (!(box.width >= range.min && box.height >= range.min)) return { hint: 'move-closer', face };
  const reach = o.centerTolerance * Math.min(frameWidth, frameHeight);
  const dx = Math.abs(box.x + box.width / 2 - frameWidth / 2);
  const dy = Math.abs(box.y + box.height / 2 - frameHeight / 2);
  if (!(dx <= reach && dy <= reach)) return { hint: 'center-face', face };
  const quality = assessQuality(region ?? null, face, options);
  return { hint: quality.issues[0] ?? 'hold-still', face, quality };
}

/**
 * Turns detector results, frame by frame, into one steady hint, a progress of the steady hold, and `ready`.
 * Priority: no-face, multiple-faces, move-back, move-closer, center-face, too-dark / too-bright, too-blurry,
 * face-turned, hold-still. `region` is the face square for the pixel checks (`faceRegionRect`), or null when they
 * are off; the pose check needs only the keypoints.
 */
export class Guidance {
  readonly options: GuidanceOptions;
  readonly #gate: FaceGate;
  readonly #stableFrames: number;
  readonly #hintFrames: number;
  #shown: HintCode | null = null;
  #differing = 0;

  constructor(options: GuidanceOptions) {
    this.options = options;
    const gateOptions = {
      minFaceSize: options.minFaceSize,
      stableFrames: options.stableFrames ?? GUIDANCE_DEFAULTS.stableFrames,
      ...(options.maxShift !== undefined ? { maxShift: options.maxShift } : {}),
      ...(options.edgeMargin !== undefined ? { edgeMargin: options.edgeMargin } : {}),
    };
    this.#gate = new FaceGate(gateOptions);
    this.#stableFrames = this.#gate.stableFrames;
    this.#hintFrames = Math.max(1, Math.round(options.hintFrames ?? GUIDANCE_DEFAULTS.hintFrames));
  }

  update(
    detections: readonly FaceDetection[],
    frameWidth: number,
    frameHeight: number,
    region?: PixelRegion | null,
  ): GuidanceState {
    const seen = frameHint(detections, frameWidth, frameHeight, region, this.options);
    let observed = seen.hint;
    let progress = 0;
    let ready = false;
    if (observed === 'hold-still') {
      const gate = this.#gate.update(detections, frameWidth, frameHeight);
      if (gate.check.ok) {
        progress = Math.min(1, gate.streak / this.#stableFrames);
        ready = gate.ready;
      } else {
        // Unreachable while frameHint is stricter than the gate; fail closed all the same.
        observed = gate.check.reason === 'too-small' ? 'move-closer' : 'move-back';
      }
    } else {
      this.#gate.reset();
    }
    const hint = this.#steady(observed, ready);
    const state: GuidanceState = { hint, observed, ready, progress };
    if (seen.face) state.face = seen.face;
    if (seen.quality) state.quality = seen.quality;
    return state;
  }

  reset(): void {
    this.#gate.reset();
    this.#shown = null;
    this.#differing = 0;
  }

  /** The hint to show: a change must persist `hintFrames` frames, except a problem after hold-still, or ready. */
  #steady(observed: HintCode, ready: boolean): HintCode {
    if (this.#shown === null || observed === this.#shown || ready || this.#shown === 'hold-still') {
      this.#shown = observed;
      this.#differing = 0;
      return observed;
    }
    this.#differing++;
    if (this.#differing >= this.#hintFrames) {
      this.#shown = observed;
      this.#differing = 0;
    }
    return this.#shown;
  }
}

/** Drops keys whose value is undefined, so that `{ ...defaults, ...definedOnly(options) }` keeps the defaults. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
