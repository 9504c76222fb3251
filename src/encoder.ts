import { LivenessError } from './errors.js';
import type { FaceBox } from './events.js';

/** The backend's limit on the whole HTTP body, in bytes. */
export const BODY_LIMIT = 10_485_760;

/** JPEG qualities tried in order at each scale. */
export const DEFAULT_QUALITIES: readonly number[] = [0.92, 0.85, 0.75, 0.65, 0.5, 0.4];

/** Exact size in bytes of `{"data":"<base64 of imageBytes bytes>"}` (base64 and the wrapper are ASCII). */
export function requestBodyBytes(imageBytes: number): number {
  return '{"data":""}'.length + 4 * Math.ceil(imageBytes / 3);
}

export interface EncodeOptions {
  /** The face in the source's pixels; scaling down stops before it falls under `minFaceSize`. */
  faceBox: FaceBox;
  minFaceSize: number;
  /** Body limit in bytes (default BODY_LIMIT). */
  limit?: number;
  /** First quality (default 0.92); lower qualities from `qualities` follow. */
  startQuality?: number;
  qualities?: readonly number[];
  /** Factor applied to the size at each scale step (default 0.8). */
  scaleStep?: number;
  signal?: AbortSignal;
}

export interface EncodedImage {
  blob: Blob;
  width: number;
  height: number;
  quality: number;
  /** 1 for the full frame. */
  scale: number;
  /** The face box in the encoded image's pixels. */
  faceBox: FaceBox;
}

type Source = HTMLCanvasElement | OffscreenCanvas | ImageBitmap | HTMLVideoElement;

/**
 * Encodes the whole frame (never cropped, never mirrored) as JPEG so that the JSON request body fits `limit`:
 * quality first, step by step, then size, only while the face stays at least `minFaceSize`. Throws
 * LivenessError('IMAGE_TOO_LARGE') when nothing fits.
 */
export async function encodeWithinBudget(source: Source, width: number, height: number, options: EncodeOptions): Promise<EncodedImage> {
  const limit = options.limit ?? BODY_LIMIT;
  const start = options.startQuality ?? 0.92;
  const qualities = [start, ...(options.qualities ?? DEFAULT_QUALITIES).filter((q) => q < start)];
  const step = options.scaleStep ?? 0.8;
  const { faceBox, minFaceSize } = options;
  const smallestSide = Math.min(faceBox.width, faceBox.height);

  for (let scale = 1; ; scale *= step) {
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    if (scale < 1 && smallestSide * (w / width) < minFaceSize) break;
    const canvas = scale === 1 && isCanvas(source) && source.width === width && source.height === height
      ? source
      : draw(source, width, height, w, h);
    for (const quality of qualities) {
      options.signal?.throwIfAborted();
      const blob = await toJpeg(canvas, quality);
      if (requestBodyBytes(blob.size) <= limit) {
        const k = w / width;
        return {
          blob,
          width: w,
          height: h,
          quality,
          scale: k,
          faceBox: { x: faceBox.x * k, y: faceBox.y * k, width: faceBox.width * k, height: faceBox.height * k },
        };
      }
    }
    if (step >= 1 || step <= 0) break;
  }
  throw new LivenessError('IMAGE_TOO_LARGE');
}

function isCanvas(source: Source): source is HTMLCanvasElement | OffscreenCanvas {
  return (typeof HTMLCanvasElement !== 'undefined' && source instanceof HTMLCanvasElement) ||
    (typeof OffscreenCanvas !== 'undefined' && source instanceof OffscreenCanvas);
}

function draw(source: Source, sw: number, sh: number, w: number, h: number): HTMLCanvasElement | OffscreenCanvas {
  const canvas = typeof OffscreenCanvas === 'function'
    ? new OffscreenCanvas(w, h)
    : Object.assign(document.createElement('canvas'), { width: w, height: h });
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new LivenessError('IMAGE_TOO_LARGE', 'The browser could not create a canvas to encode the image.');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, sw, sh, 0, 0, w, h);
  return canvas;
}

async function toJpeg(canvas: HTMLCanvasElement | OffscreenCanvas, quality: number): Promise<Blob> {
  const blob = 'convertToBlob' in canvas
    ? await canvas.convertToBlob({ type: 'image/jpeg', quality })
    : await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  if (!blob || blob.type !== 'image/jpeg') {
    throw new LivenessError('IMAGE_TOO_LARGE', 'The browser could not encode the image as JPEG.');
  }
  return blob;
}

/** Plain base64 of a blob's bytes (no `data:` prefix). */
export async function blobToBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const fromBytes = (Uint8Array.prototype as { toBase64?: () => string }).toBase64;
  if (fromBytes) return fromBytes.call(bytes);
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + chunk) as unknown as number[]);
  }
  return btoa(binary);
}
