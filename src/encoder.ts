import { LivenessError } from './errors.js';
import type { FaceBox } from './events.js';

/** The backend's limit on the whole HTTP body, in bytes (backend contract: more is refused with 413). */
export const BODY_LIMIT = 10_485_760;

/** JPEG qualities tried in order, highest first. */
export const DEFAULT_QUALITIES: readonly number[] = [0.92, 0.85, 0.75, 0.65, 0.5, 0.4];

/** Default factor applied to the image's sides at each scale step. */
export const DEFAULT_SCALE_STEP = 0.85;

/** `{"data":""}`: the JSON wrapper around the base64 string. */
const WRAPPER_BYTES = 11;

/**
 * Exact size in bytes of the request body `JSON.stringify({ data: base64 })` for an image of `imageBytes` bytes.
 * Base64 (with `=` padding) and the wrapper are ASCII and need no JSON escaping, so characters equal UTF-8 bytes.
 */
export function requestBodyBytes(imageBytes: number): number {
  if (!Number.isSafeInteger(imageBytes) || imageBytes < 0) {
    throw new RangeError(`imageBytes must be a non-negative integer, got ${String(imageBytes)}`);
  }
  return WRAPPER_BYTES + 4 * Math.ceil(imageBytes / 3);
}

export interface EncodeOptions {
  /** The face in the source's pixels; scaling down stops before it falls under `minFaceSize`. */
  faceBox: FaceBox;
  /** Smallest face width and height, in the encoded image's pixels, that scaling may produce. */
  minFaceSize: number;
  /** Limit on the whole JSON body in bytes (default BODY_LIMIT). */
  limit?: number;
  /** First quality (default 0.92); the lower qualities of `qualities` follow. */
  startQuality?: number;
  /** Qualities to try, highest first (default DEFAULT_QUALITIES). */
  qualities?: readonly number[];
  /** Factor applied to the sides at each scale step, in (0, 1) (default DEFAULT_SCALE_STEP). */
  scaleStep?: number;
  /** Aborting rejects with the signal's reason (an AbortError) between encodes. */
  signal?: AbortSignal;
}

export interface EncodedImage {
  /** The JPEG (`image/jpeg`). */
  blob: Blob;
  /** Width of the encoded image in pixels. */
  width: number;
  /** Height of the encoded image in pixels. */
  height: number;
  /** The JPEG quality that fit. */
  quality: number;
  /** Encoded width / source width; 1 for the full-size frame. */
  scale: number;
  /** The face box in the encoded image's pixels. */
  faceBox: FaceBox;
}

type Source = HTMLCanvasElement | OffscreenCanvas | ImageBitmap | HTMLVideoElement;
type Canvas = HTMLCanvasElement | OffscreenCanvas;

/**
 * Encodes the whole frame (never cropped, never mirrored) as JPEG so that the JSON request body
 * `{"data":"<base64>"}` is at most `limit` bytes:
 *
 * 1. at full size, qualities from `startQuality` (0.92) down step by step;
 * 2. then smaller sizes, step by step, but only while the face box stays at least `minFaceSize` wide and high
 *    (the last step lands exactly on the smallest allowed size). At each size the highest quality that fits is
 *    chosen; qualities that the previous size's results predict cannot fit are skipped, the lowest is always tried.
 *
 * Each size is drawn once, from the full-size source, into its own canvas.
 *
 * @param width the source's intrinsic width (for a video: `videoWidth`)
 * @param height the source's intrinsic height
 * @throws LivenessError `IMAGE_TOO_LARGE` when nothing fits; `UNSUPPORTED` when the browser cannot encode JPEG.
 * @throws RangeError for invalid sizes or options; the signal's reason when aborted.
 */
export async function encodeWithinBudget(
  source: Source,
  width: number,
  height: number,
  options: EncodeOptions,
): Promise<EncodedImage> {
  const { faceBox, minFaceSize, signal } = options;
  const limit = options.limit ?? BODY_LIMIT;
  const qualities = qualityList(options.startQuality, options.qualities);
  const step = options.scaleStep ?? DEFAULT_SCALE_STEP;
  checkPositiveInteger('width', width);
  checkPositiveInteger('height', height);
  if (![faceBox.x, faceBox.y, faceBox.width, faceBox.height].every(Number.isFinite) || faceBox.width <= 0 || faceBox.height <= 0) {
    throw new RangeError('faceBox must have finite coordinates and a positive width and height');
  }
  if (!Number.isFinite(minFaceSize) || minFaceSize < 0) throw new RangeError('minFaceSize must be a finite number >= 0');
  if (!Number.isFinite(limit) || limit <= 0) throw new RangeError('limit must be a positive number');
  if (!(step > 0 && step < 1)) throw new RangeError('scaleStep must be in (0, 1)');
  signal?.throwIfAborted();

  /** Body bytes per pixel measured for each quality at the previous size. */
  let measured = new Map<number, number>();
  let smallest: { bytes: number; w: number; h: number; quality: number } | null = null;
  for (const [w, h] of sizes(width, height, faceBox, minFaceSize, step)) {
    signal?.throwIfAborted();
    const canvas = w === width && h === height && isCanvas(source) && source.width === width && source.height === height
      ? source
      : draw(source, width, height, w, h);
    const pixels = w * h;
    const current = new Map<number, number>();
    for (let i = 0; i < qualities.length; i++) {
      const quality = qualities[i]!;
      const last = i === qualities.length - 1;
      const perPixel = measured.get(quality);
      // Predicted from the larger size; JPEG bytes shrink no faster than the area, so this rarely skips a fit.
      if (!last && perPixel !== undefined && perPixel * pixels > limit) continue;
      signal?.throwIfAborted();
      const blob = await toJpeg(canvas, quality);
      const bytes = requestBodyBytes(blob.size);
      current.set(quality, bytes / pixels);
      if (!smallest || bytes < smallest.bytes) smallest = { bytes, w, h, quality };
      if (bytes <= limit) {
        await checkJpegMagic(blob);
        const kx = w / width;
        const ky = h / height;
        return {
          blob,
          width: w,
          height: h,
          quality,
          scale: kx,
          faceBox: { x: faceBox.x * kx, y: faceBox.y * ky, width: faceBox.width * kx, height: faceBox.height * ky },
        };
      }
    }
    measured = current;
  }
  const best = smallest ? ` (smallest body: ${smallest.bytes} bytes at ${smallest.w}x${smallest.h}, quality ${smallest.quality})` : '';
  throw new LivenessError('IMAGE_TOO_LARGE', `The captured image could not be compressed to a request body of at most ${limit} bytes without making the face smaller than ${minFaceSize} px${best}.`);
}

/** `start` followed by the lower entries of `list`, each checked to be in (0, 1]. */
function qualityList(start: number | undefined, list: readonly number[] | undefined): number[] {
  const base = list ?? DEFAULT_QUALITIES;
  const first = start ?? (list ? base[0] : 0.92);
  const all = first === undefined ? [] : [first, ...base.filter((q) => q < first)];
  if (all.length === 0 || !all.every((q) => Number.isFinite(q) && q > 0 && q <= 1)) {
    throw new RangeError('JPEG qualities must be numbers in (0, 1]');
  }
  return all;
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
}

/**
 * Sizes to try, largest first: the full frame, then `step`, `step²`, ... of it while the scaled face box stays at
 * least `minFace` in both sides, then the smallest size that still keeps it (when it differs from the last step).
 */
function* sizes(width: number, height: number, face: FaceBox, minFace: number, step: number): Generator<[number, number]> {
  yield [width, height];
  const keepsFace = (w: number, h: number) => face.width * (w / width) >= minFace && face.height * (h / height) >= minFace;
  const at = (scale: number): [number, number] => [Math.max(1, Math.ceil(width * scale)), Math.max(1, Math.ceil(height * scale))];
  let last: [number, number] = [width, height];
  for (let scale = step; ; scale *= step) {
    const next = at(scale);
    if (!keepsFace(...next) || (next[0] === last[0] && next[1] === last[1])) break;
    yield next;
    last = next;
  }
  // The smallest allowed size, so that the face ends exactly at (or just above) the minimum.
  const minScale = Math.max(minFace / face.width, minFace / face.height);
  if (minScale >= 1) return;
  let smallest = at(minScale);
  if (!keepsFace(...smallest)) smallest = at(minScale * (1 + 1e-9) + 1 / Math.min(width, height));
  if (keepsFace(...smallest) && smallest[0] < last[0] && smallest[1] <= last[1]) yield smallest;
}

function isCanvas(source: Source): source is Canvas {
  return (typeof HTMLCanvasElement !== 'undefined' && source instanceof HTMLCanvasElement) ||
    (typeof OffscreenCanvas !== 'undefined' && source instanceof OffscreenCanvas);
}

/** Draws the whole source, scaled to w x h, into a new canvas. */
function draw(source: Source, sourceWidth: number, sourceHeight: number, w: number, h: number): Canvas {
  const canvas: Canvas = typeof OffscreenCanvas === 'function'
    ? new OffscreenCanvas(w, h)
    : Object.assign(document.createElement('canvas'), { width: w, height: h });
  const ctx = canvas.getContext('2d', { alpha: false }) as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new LivenessError('UNSUPPORTED', 'The browser could not create a canvas to encode the image.');
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, sourceWidth, sourceHeight, 0, 0, w, h);
  return canvas;
}

async function toJpeg(canvas: Canvas, quality: number): Promise<Blob> {
  const blob = 'convertToBlob' in canvas
    ? await canvas.convertToBlob({ type: 'image/jpeg', quality })
    : await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  // A browser without a JPEG encoder silently falls back to PNG; never send that.
  if (!blob || blob.type !== 'image/jpeg') {
    throw new LivenessError('UNSUPPORTED', `The browser could not encode the image as JPEG (got ${blob ? blob.type || 'no type' : 'nothing'}).`);
  }
  return blob;
}

async function checkJpegMagic(blob: Blob): Promise<void> {
  const head = new Uint8Array(await blob.slice(0, 3).arrayBuffer());
  if (head[0] !== 0xff || head[1] !== 0xd8 || head[2] !== 0xff) {
    throw new LivenessError('UNSUPPORTED', 'The browser produced an image that is not a JPEG.');
  }
}

/**
 * Plain base64 of a blob's bytes (standard alphabet with `=` padding, no `data:` prefix). Uses the native
 * `Uint8Array.prototype.toBase64` when present, else the browser's data-URL encoder; both are fast on 8 MB.
 */
export async function blobToBase64(blob: Blob): Promise<string> {
  const native = (Uint8Array.prototype as { toBase64?: (this: Uint8Array) => string }).toBase64;
  if (typeof native === 'function') return native.call(new Uint8Array(await blob.arrayBuffer()));
  const url = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('could not read the image'));
    reader.readAsDataURL(blob);
  });
  return url.slice(url.indexOf(',') + 1);
}
