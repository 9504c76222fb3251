// Quality checks on the face before capture: brightness, sharpness and a roughly frontal pose. Pure functions on
// numbers and RGBA pixel arrays, no DOM.
import type { FaceBox } from './events.js';
import type { FaceDetection } from './gate.js';

/** RGBA pixels, row by row, like `ImageData`. */
export interface PixelRegion {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** The face region is drawn scaled to a square of this many pixels before it is measured. */
export const REGION_SIZE = 128;
/** The face box is grown by this fraction of its size on each side for the region. */
export const REGION_EXPAND = 0.1;

/**
 * The source rectangle for the face region: the face box grown by 10% on each side, clamped to the frame. Draw it
 * with `ctx.drawImage(source, sx, sy, sw, sh, 0, 0, REGION_SIZE, REGION_SIZE)`.
 */
export function faceRegionRect(
  box: FaceBox,
  frameW: number,
  frameH: number,
): { sx: number; sy: number; sw: number; sh: number } {
  const mx = box.width * REGION_EXPAND;
  const my = box.height * REGION_EXPAND;
  const sx = Math.max(0, Math.floor(box.x - mx));
  const sy = Math.max(0, Math.floor(box.y - my));
  const ex = Math.min(frameW, Math.ceil(box.x + box.width + mx));
  const ey = Math.min(frameH, Math.ceil(box.y + box.height + my));
  return { sx, sy, sw: Math.max(1, ex - sx), sh: Math.max(1, ey - sy) };
}

/** Rec. 601 luma of every pixel, 0-255 (alpha is ignored). */
export function luma(img: PixelRegion): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const d = img.data;
  for (let i = 0, j = 0; i < n; i++, j += 4) out[i] = 0.299 * d[j]! + 0.587 * d[j + 1]! + 0.114 * d[j + 2]!;
  return out;
}

/** Mean Rec. 601 luma of the region, 0-255. NaN for an empty region. */
export function meanLuminance(img: PixelRegion): number {
  return meanOf(luma(img));
}

function meanOf(y: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += y[i]!;
  return y.length ? sum / y.length : Number.NaN;
}

/**
 * Variance of the 3x3 Laplacian (4-neighbour kernel) of the luma, over the interior pixels. Higher is sharper;
 * measure it on the REGION_SIZE square so that values compare across camera resolutions. NaN below 3x3.
 */
export function sharpness(img: PixelRegion): number {
  return laplacianVariance(luma(img), img.width, img.height);
}

function laplacianVariance(y: Float32Array, w: number, h: number): number {
  if (w < 3 || h < 3) return Number.NaN;
  let sum = 0;
  let sumSq = 0;
  for (let r = 1; r < h - 1; r++) {
    for (let c = 1; c < w - 1; c++) {
      const i = r * w + c;
      const lap = y[i - w]! + y[i + w]! + y[i - 1]! + y[i + 1]! - 4 * y[i]!;
      sum += lap;
      sumSq += lap * lap;
    }
  }
  const n = (w - 2) * (h - 2);
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

export interface PoseLimits {
  /** Largest allowed tilt of the eye line, degrees. */
  maxRoll?: number;
  /** Largest allowed |yaw| (see `estimatePose`). */
  maxYaw?: number;
}

export interface Pose {
  /**
   * Tilt of the line from the subject's right eye to the left eye against the horizontal, degrees, in image
   * coordinates (y down): positive when the subject's left eye is lower in the image.
   */
  roll: number;
  /**
   * Offset of the nose tip from the eye midpoint along the eye line, divided by the eye distance, clamped to -1..1.
   * About 0 for a frontal face; positive when the nose is towards the subject's left eye (larger x unmirrored).
   * About 0.5 * tan(turn angle) for an adult face (nose tip about half the eye distance in front of the eyes), so
   * the default limit 0.35 is a turn of about 35 degrees (see docs/calibration.md for the measured faces).
   */
  yaw: number;
  /** Both within the limits. False when the keypoints are missing (the pose cannot be verified). */
  frontal: boolean;
}

/**
 * Default limits, chosen from measurements on real photos (test/unit/quality.test.ts prints them). Face region of
 * the astronaut photo at every scale and in the fake-camera frames: brightness 142-146, sharpness 216-440,
 * |roll| <= 11.2 deg, |yaw| <= 0.05. Rejected: the `dark` camera frame (brightness 18), the photo at canvas
 * `brightness(0.25)` (36) and `brightness(2)` (212-218), the `blurred` camera frame (sharpness 12) and `blur(8px)`
 * (<= 5). Sensor noise raises the sharpness of a blurred face (Gaussian noise of 2 levels on the `blurred` frame
 * gives 47), so a noisy camera can defeat the blur check; raise `minSharpness` for such cameras. On the calibration
 * set (eight people, four cameras, docs/calibration.md): brightness 96-151, sharpness 92-2854, roll -16.1 to 16.5
 * deg, |yaw| up to 0.31 for faces looking at the camera with the head a little turned; a face turned about 40 deg
 * measures 0.42-0.48, hence `maxYaw` 0.35.
 */
export const QUALITY_DEFAULTS = {
  minBrightness: 50,
  maxBrightness: 205,
  minSharpness: 30,
  maxRoll: 20,
  maxYaw: 0.35,
} as const;

/**
 * Roll and yaw of the head from the detector's eye and nose keypoints (indices 0, 1, 2). Without them the pose is
 * reported as not frontal with NaN angles: a pose that cannot be checked does not pass.
 */
export function estimatePose(face: FaceDetection, limits: PoseLimits = {}): Pose {
  const maxRoll = limits.maxRoll ?? QUALITY_DEFAULTS.maxRoll;
  const maxYaw = limits.maxYaw ?? QUALITY_DEFAULTS.maxYaw;
  const [right, left, nose] = face.keypoints;
  if (!right || !left || !nose) return { roll: Number.NaN, yaw: Number.NaN, frontal: false };
  const vx = left.x - right.x;
  const vy = left.y - right.y;
  const eyeDistance = Math.hypot(vx, vy);
  if (!(eyeDistance > 0)) return { roll: Number.NaN, yaw: Number.NaN, frontal: false };
  const roll = (Math.atan2(vy, vx) * 180) / Math.PI;
  const mx = (left.x + right.x) / 2;
  const my = (left.y + right.y) / 2;
  // Projection of (nose - midpoint) on the unit eye line, relative to the eye distance.
  const along = ((nose.x - mx) * vx + (nose.y - my) * vy) / (eyeDistance * eyeDistance);
  const yaw = Math.max(-1, Math.min(1, along));
  const frontal = Math.abs(roll) <= maxRoll && Math.abs(yaw) <= maxYaw;
  return { roll, yaw, frontal };
}

export interface QualityOptions {
  /** Mean face luma below this is too dark (0-255). */
  minBrightness?: number;
  /** Mean face luma above this is too bright (0-255). */
  maxBrightness?: number;
  /** Laplacian variance on the REGION_SIZE face square below this is too blurry. */
  minSharpness?: number;
  /** Largest eye-line tilt, degrees. */
  maxRoll?: number;
  /** Largest |yaw| (nose offset from the eye midpoint / eye distance). */
  maxYaw?: number;
  /** Switches: `false` turns that check off. All on by default. */
  brightness?: boolean;
  sharpness?: boolean;
  pose?: boolean;
}

export type QualityIssue = 'too-dark' | 'too-bright' | 'too-blurry' | 'face-turned';

export interface QualityAssessment {
  /** Failed checks, in hint priority order: too-dark / too-bright, too-blurry, face-turned. */
  issues: QualityIssue[];
  /** Mean luma of the region (NaN without a region). */
  brightness: number;
  /** Laplacian variance of the region (NaN without a region). */
  sharpness: number;
  roll: number;
  yaw: number;
}

/**
 * Runs every switched-on check. `region` is the face square (see `faceRegionRect`); with `null` the pixel checks
 * (brightness, sharpness) are not run and only the pose is checked. A measurement that is NaN fails its check.
 */
export function assessQuality(
  region: PixelRegion | null,
  face: FaceDetection,
  options: QualityOptions = {},
): QualityAssessment {
  const issues: QualityIssue[] = [];
  const y = region ? luma(region) : null;
  const brightness = y ? meanOf(y) : Number.NaN;
  const sharp = y && region ? laplacianVariance(y, region.width, region.height) : Number.NaN;
  const pose = estimatePose(face, options);
  if (region && options.brightness !== false) {
    if (!(brightness >= (options.minBrightness ?? QUALITY_DEFAULTS.minBrightness))) issues.push('too-dark');
    else if (!(brightness <= (options.maxBrightness ?? QUALITY_DEFAULTS.maxBrightness))) issues.push('too-bright');
  }
  if (region && options.sharpness !== false) {
    if (!(sharp >= (options.minSharpness ?? QUALITY_DEFAULTS.minSharpness))) issues.push('too-blurry');
  }
  if (options.pose !== false && !pose.frontal) issues.push('face-turned');
  return { issues, brightness, sharpness: sharp, roll: pose.roll, yaw: pose.yaw };
}
