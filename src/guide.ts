// The guide drawn over the preview: where a face that passes the size and position rules sits, for the camera's
// actual resolution and the part of it the stage shows. Pure geometry, no DOM.
import { faceSizeRange, type GuidanceOptions } from './guidance.js';

export type GuideRules = Pick<
  GuidanceOptions,
  'minFaceSize' | 'closerMargin' | 'minFaceFraction' | 'maxFaceFraction' | 'centerTolerance'
>;

export interface GuideInput {
  /** The video's intrinsic size (the frames the rules are checked on). */
  videoWidth: number;
  videoHeight: number;
  /** The stage's rendered size, CSS pixels; the video covers it (`object-fit: cover`, centred). */
  stageWidth: number;
  stageHeight: number;
  rules: GuideRules;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface GuideGeometry {
  /** The oval in stage pixels. */
  px: Rect;
  /** The oval in per cent of the stage's width (left, width) and height (top, height). */
  percent: Rect;
  /** Face box sides in video pixels: the one the oval is drawn for, and the accepted range. */
  face: { target: number; min: number; max: number };
  /** Stage pixels per video pixel. */
  scale: number;
}

/**
 * The head around a face box of side 1, as BlazeFace draws the box (brows to chin, cheek to cheek): the head with
 * its hair is about this wide and tall, and its centre this far above the box centre. Measured on the calibration
 * photos (docs/calibration.md).
 */
export const HEAD = { width: 1.3, height: 1.75, lift: 0.12 } as const;

/** The oval never takes more than this share of the stage's width or height. */
const MAX_SHARE = 0.96;

/**
 * Where the oval goes. The face box the oval is drawn for is the geometric middle of the accepted sizes
 * (`faceSizeRange`), so a face that fills the oval passes with room either way, and "move closer" / "move back"
 * mean a face visibly smaller / larger than the oval. The box centre sits at the frame centre (the centring rule's
 * target), which is the stage centre since `object-fit: cover` centres the video. Null until both sizes are known.
 */
export function guideGeometry(input: GuideInput): GuideGeometry | null {
  const { videoWidth: vw, videoHeight: vh, stageWidth: sw, stageHeight: sh, rules } = input;
  if (!(vw > 0 && vh > 0 && sw > 0 && sh > 0)) return null;
  const range = faceSizeRange(vw, vh, rules);
  const max = Math.min(range.maxWidth, range.maxHeight);
  const target = range.min < max ? Math.sqrt(range.min * max) : range.min;
  const scale = Math.max(sw / vw, sh / vh);
  let width = target * HEAD.width * scale;
  let height = target * HEAD.height * scale;
  const fit = Math.min(1, (MAX_SHARE * sw) / width, (MAX_SHARE * sh) / height);
  width *= fit;
  height *= fit;
  const centreY = sh / 2 - target * HEAD.lift * scale * fit;
  const top = Math.max(0, Math.min(sh - height, centreY - height / 2));
  const px = { left: (sw - width) / 2, top, width, height };
  const percent = {
    left: (px.left / sw) * 100,
    top: (px.top / sh) * 100,
    width: (px.width / sw) * 100,
    height: (px.height / sh) * 100,
  };
  return { px, percent, face: { target, min: range.min, max }, scale };
}

/**
 * The stage's aspect ratio for a stream: a portrait stream gets a portrait stage (3 / 4) unless the page chose a
 * ratio of its own, so a phone's upright camera is not shown as a thin landscape strip of the face.
 */
export function stageAspectRatio(videoWidth: number, videoHeight: number, pageRatio: string): string | null {
  const chosen = pageRatio.trim();
  if (chosen && chosen.replace(/\s+/g, '') !== DEFAULT_ASPECT_RATIO.replace(/\s+/g, '')) return null;
  return videoHeight > videoWidth ? '3 / 4' : null;
}

/** The stage's aspect ratio when the page sets none (`--liveness-aspect-ratio`). */
export const DEFAULT_ASPECT_RATIO = '4 / 3';
