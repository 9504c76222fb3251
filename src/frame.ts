import type { FaceBox } from './events.js';
import { faceRegionRect, REGION_SIZE, type PixelRegion } from './quality.js';

/**
 * How early, in milliseconds, a frame may arrive and still be due for detection: frame callbacks jitter around the
 * camera's period, and a strict `>= intervalMs` would skip every other frame when the camera runs near `max-fps`.
 */
export const FRAME_SLACK_MS = 3;

/** Whether a frame `elapsedMs` after the last detection is due, at one detection per `intervalMs`. */
export function frameDue(elapsedMs: number, intervalMs: number): boolean {
  return elapsedMs >= intervalMs - FRAME_SLACK_MS;
}

/** Draws the video's current frame at its full intrinsic size: never cropped, never mirrored. */
export function grabFrame(video: HTMLVideoElement): HTMLCanvasElement {
  return drawn(video, video.videoWidth, video.videoHeight);
}

/** Draws a VideoFrame at its full visible size on a new canvas (the caller closes the frame). */
export function frameToCanvas(frame: VideoFrame): HTMLCanvasElement {
  return drawn(frame, frame.displayWidth, frame.displayHeight);
}

function drawn(source: CanvasImageSource, width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas is not available');
  ctx.drawImage(source, 0, 0, width, height);
  return canvas;
}

/** Samples the face region (plus a margin) into a small reusable canvas for the quality checks. */
export class RegionSampler {
  #ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null = null;

  sample(video: HTMLVideoElement, box: FaceBox): PixelRegion | null {
    this.#ctx ??= scratchCanvas(REGION_SIZE, REGION_SIZE, { willReadFrequently: true })[1];
    const ctx = this.#ctx;
    if (!ctx) return null;
    const { sx, sy, sw, sh } = faceRegionRect(box, video.videoWidth, video.videoHeight);
    if (sw <= 0 || sh <= 0) return null;
    ctx.drawImage(video, sx, sy, sw, sh, 0, 0, REGION_SIZE, REGION_SIZE);
    return ctx.getImageData(0, 0, REGION_SIZE, REGION_SIZE);
  }
}

/**
 * The video's current frame drawn at exactly `videoWidth` x `videoHeight`, for the detector. When the browser
 * scales the camera's frames to the requested size (a 1920x1080 camera asked for 1280x720), the frame handed to
 * WebGL can keep the camera's own size while `videoWidth` reports the scaled one, and the detector's pixel boxes
 * come out in the wrong scale. `drawImage` always draws the frame at its reported size, so boxes, keypoints,
 * `videoWidth` and the captured image agree. WebKit, besides, uploads a camera `<video>` to WebGL unreliably (blank or
 * stale frames, seconds per upload) but a canvas at once.
 */
export class FrameCopier {
  #canvas: HTMLCanvasElement | OffscreenCanvas | null = null;
  #ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null = null;

  copy(video: HTMLVideoElement): HTMLCanvasElement | OffscreenCanvas | null {
    const { videoWidth: w, videoHeight: h } = video;
    if (!this.#ctx || !this.#canvas) {
      [this.#canvas, this.#ctx] = scratchCanvas(w, h);
      if (!this.#ctx) return null;
    }
    if (this.#canvas.width !== w || this.#canvas.height !== h) {
      this.#canvas.width = w;
      this.#canvas.height = h;
    }
    this.#ctx.drawImage(video, 0, 0, w, h);
    return this.#canvas;
  }
}

/** A reusable drawing surface: an OffscreenCanvas where there is one, else a detached canvas, with its 2D context. */
function scratchCanvas(
  width: number,
  height: number,
  settings?: CanvasRenderingContext2DSettings,
): [HTMLCanvasElement | OffscreenCanvas, CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null] {
  const canvas = typeof OffscreenCanvas === 'function'
    ? new OffscreenCanvas(width, height)
    : Object.assign(document.createElement('canvas'), { width, height });
  return [canvas, canvas.getContext('2d', settings) as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null];
}
