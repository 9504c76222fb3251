// Reading a camera frame's pixels without converting the whole frame: the planes of a VideoFrame (as
// `VideoFrame.copyTo` lays them out) are sampled directly into small RGBA images, one for the detector and one
// for the quality checks. Pure functions on typed arrays, no DOM.
import type { PixelRegion } from './quality.js';

/** Pixel formats whose planes `samplePlanes` reads (what cameras deliver in Chromium, Firefox and Safari). */
export const SAMPLED_FORMATS = ['I420', 'I420A', 'NV12', 'RGBA', 'RGBX', 'BGRA', 'BGRX'] as const;
export type SampledFormat = (typeof SAMPLED_FORMATS)[number];

export interface PlaneLayoutLike {
  offset: number;
  stride: number;
}

/** A frame's pixels as `VideoFrame.copyTo` wrote them, with the layout it returned. */
export interface FramePlanes {
  format: SampledFormat;
  width: number;
  height: number;
  data: Uint8Array;
  layout: readonly PlaneLayoutLike[];
  /** Full-range (JPEG) YUV rather than studio range (the VideoFrame's `colorSpace.fullRange`). */
  fullRange: boolean;
}

export function isSampledFormat(format: string | null | undefined): format is SampledFormat {
  return (SAMPLED_FORMATS as readonly string[]).includes(format ?? '');
}

/** The size a frame is scaled to for detection: its longer side `maxSide` (never enlarged), aspect kept. */
export function detectionSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = maxSide > 0 ? Math.min(1, maxSide / Math.max(width, height)) : 1;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export type SampleFilter = 'nearest' | 'bilinear' | 'area';

/**
 * Samples the rectangle (sx, sy, sw, sh) of the frame into a `dw` x `dh` RGBA image. `filter` 'nearest' takes one
 * source pixel per output pixel (the detector's input: fast); 'bilinear' interpolates the four neighbours;
 * 'area' averages the source pixels under each output pixel, as a canvas `drawImage` downscale does (the quality
 * checks' input, whose thresholds were measured on drawn regions).
 */
export function samplePlanes(
  planes: FramePlanes,
  sx: number,
  sy: number,
  sw: number,
  sh: number,
  dw: number,
  dh: number,
  filter: SampleFilter,
  out: Uint8ClampedArray = new Uint8ClampedArray(dw * dh * 4),
): PixelRegion {
  const read = reader(planes);
  const stepX = sw / dw;
  const stepY = sh / dh;
  const maxX = planes.width - 1;
  const maxY = planes.height - 1;
  const kx = Math.max(1, Math.ceil(stepX));
  const ky = Math.max(1, Math.ceil(stepY));
  const px = new Float64Array(3);
  const acc = new Float64Array(3);
  let o = 0;
  for (let j = 0; j < dh; j++) {
    const fy = sy + (j + 0.5) * stepY - 0.5;
    for (let i = 0; i < dw; i++) {
      const fx = sx + (i + 0.5) * stepX - 0.5;
      if (filter === 'area') {
        // The mean of a grid of samples over the output pixel's footprint (a box filter, as a canvas downscale).
        acc.fill(0);
        for (let b = 0; b < ky; b++) {
          const y = clamp(Math.floor(sy + (j + (b + 0.5) / ky) * stepY), 0, maxY);
          for (let a = 0; a < kx; a++) {
            read(clamp(Math.floor(sx + (i + (a + 0.5) / kx) * stepX), 0, maxX), y, px);
            acc[0] += px[0]!;
            acc[1] += px[1]!;
            acc[2] += px[2]!;
          }
        }
        const n = kx * ky;
        out[o] = acc[0]! / n;
        out[o + 1] = acc[1]! / n;
        out[o + 2] = acc[2]! / n;
      } else if (filter === 'nearest') {
        read(clamp(Math.round(fx), 0, maxX), clamp(Math.round(fy), 0, maxY), px);
        out[o] = px[0]!;
        out[o + 1] = px[1]!;
        out[o + 2] = px[2]!;
      } else {
        const x0 = clamp(Math.floor(fx), 0, maxX);
        const y0 = clamp(Math.floor(fy), 0, maxY);
        const x1 = Math.min(x0 + 1, maxX);
        const y1 = Math.min(y0 + 1, maxY);
        const ax = clamp(fx - x0, 0, 1);
        const ay = clamp(fy - y0, 0, 1);
        acc.fill(0);
        addWeighted(read, x0, y0, (1 - ax) * (1 - ay), px, acc);
        addWeighted(read, x1, y0, ax * (1 - ay), px, acc);
        addWeighted(read, x0, y1, (1 - ax) * ay, px, acc);
        addWeighted(read, x1, y1, ax * ay, px, acc);
        out[o] = acc[0]!;
        out[o + 1] = acc[1]!;
        out[o + 2] = acc[2]!;
      }
      out[o + 3] = 255;
      o += 4;
    }
  }
  return { data: out, width: dw, height: dh };
}

type PixelReader = (x: number, y: number, rgb: Float64Array) => void;

function addWeighted(read: PixelReader, x: number, y: number, w: number, px: Float64Array, acc: Float64Array): void {
  if (w === 0) return;
  read(x, y, px);
  acc[0] += w * px[0]!;
  acc[1] += w * px[1]!;
  acc[2] += w * px[2]!;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** A function reading the RGB of one pixel, for the frame's format (BT.601 for YUV). */
function reader(p: FramePlanes): PixelReader {
  const d = p.data;
  const [l0, l1, l2] = p.layout;
  switch (p.format) {
    case 'I420':
    case 'I420A':
      return (x, y, rgb) => {
        const c = (y >> 1) * l1!.stride + (x >> 1);
        yuv(d[l0!.offset + y * l0!.stride + x]!, d[l1!.offset + c]!, d[l2!.offset + (y >> 1) * l2!.stride + (x >> 1)]!, p.fullRange, rgb);
      };
    case 'NV12':
      return (x, y, rgb) => {
        const c = l1!.offset + (y >> 1) * l1!.stride + (x >> 1) * 2;
        yuv(d[l0!.offset + y * l0!.stride + x]!, d[c]!, d[c + 1]!, p.fullRange, rgb);
      };
    case 'RGBA':
    case 'RGBX':
      return (x, y, rgb) => {
        const i = l0!.offset + y * l0!.stride + x * 4;
        rgb[0] = d[i]!;
        rgb[1] = d[i + 1]!;
        rgb[2] = d[i + 2]!;
      };
    case 'BGRA':
    case 'BGRX':
      return (x, y, rgb) => {
        const i = l0!.offset + y * l0!.stride + x * 4;
        rgb[0] = d[i + 2]!;
        rgb[1] = d[i + 1]!;
        rgb[2] = d[i]!;
      };
  }
}

/** BT.601 YUV to RGB (0-255, not clamped: the output array clamps). */
function yuv(y: number, u: number, v: number, fullRange: boolean, rgb: Float64Array): void {
  const c = fullRange ? y : 1.164 * (y - 16);
  const du = u - 128;
  const dv = v - 128;
  const ku = fullRange ? 1 : 1.138;
  rgb[0] = c + 1.402 * ku * dv;
  rgb[1] = c - ku * (0.344136 * du + 0.714136 * dv);
  rgb[2] = c + 1.772 * ku * du;
}
