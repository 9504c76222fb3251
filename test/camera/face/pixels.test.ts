// The detector's worker reads camera frames by sampling their planes (src/pixels.ts) instead of drawing them on a
// canvas. On real frames of the fake camera (the astronaut photo), the sampled images must match what a canvas
// draws: the quality thresholds were measured on drawn regions, and the detector must see the same face.
import { expect } from '@open-wc/testing';
import { detectionSize, isSampledFormat, samplePlanes, type FramePlanes } from '../../../src/pixels.js';
import { faceRegionRect, meanLuminance, REGION_SIZE, sharpness, type PixelRegion } from '../../../src/quality.js';

declare class MediaStreamTrackProcessor {
  constructor(init: { track: MediaStreamTrack });
  readonly readable: ReadableStream<VideoFrame>;
}

/**
 * One camera frame as the worker gets it: read from the track (Chromium's MediaStreamTrackProcessor), or, in
 * engines without it (Firefox, WebKit), made from the playing preview with `new VideoFrame(video)` as the element does.
 */
async function cameraFrame(): Promise<{ frame: VideoFrame; source: CanvasImageSource; stop: () => void }> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 } });
  const track = stream.getVideoTracks()[0]!;
  if (typeof (globalThis as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor === 'function') {
    const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
    const { value } = await reader.read();
    return { frame: value!, source: value!, stop: () => { void reader.cancel(); track.stop(); } };
  }
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  await video.play();
  // A frame with the camera's picture, not the empty one before the first is decoded.
  await new Promise<void>((resolve) => {
    const check = () => (video.videoWidth > 0 && video.readyState >= 2 ? resolve() : requestAnimationFrame(check));
    check();
  });
  const frame = new VideoFrame(video, { timestamp: 0 });
  return { frame, source: video, stop: () => { video.srcObject = null; track.stop(); } };
}

/**
 * A region as a canvas draws it from `source`: the frame where the worker reads the track, else the preview the
 * frame was made from (the picture is a still photo, so both hold the same one). Not the VideoFrame there:
 * WebKit draws a VideoFrame with a source rectangle wrongly (a 4x sharper, shifted region), though it draws the
 * whole frame, and the video, right.
 */
function drawn(source: CanvasImageSource, sx: number, sy: number, sw: number, sh: number, dw: number, dh: number): PixelRegion {
  const ctx = new OffscreenCanvas(dw, dh).getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(source, sx, sy, sw, sh, 0, 0, dw, dh);
  return ctx.getImageData(0, 0, dw, dh);
}

async function planesOf(frame: VideoFrame): Promise<FramePlanes> {
  const format = frame.format;
  if (!isSampledFormat(format)) throw new Error(`unexpected camera format ${format}`);
  const data = new Uint8Array(frame.allocationSize());
  const layout = await frame.copyTo(data);
  return { format, width: frame.displayWidth, height: frame.displayHeight, data, layout, fullRange: frame.colorSpace.fullRange ?? false };
}

describe('sampling camera planes (src/pixels.ts) on real frames', () => {
  let cam: { frame: VideoFrame; source: CanvasImageSource; stop: () => void } | undefined;
  afterEach(() => {
    cam?.frame.close();
    cam?.stop();
    cam = undefined;
  });

  it('the face region measures as a canvas draws it: luminance within 3 levels, sharpness within a quarter', async () => {
    cam = await cameraFrame();
    const { frame, source } = cam;
    const planes = await planesOf(frame);
    // The astronaut's face box in the 1280x720 fixture is about 305 px, centred.
    const { sx, sy, sw, sh } = faceRegionRect({ x: 488, y: 220, width: 304, height: 304 }, frame.displayWidth, frame.displayHeight);
    const sampled = samplePlanes(planes, sx, sy, sw, sh, REGION_SIZE, REGION_SIZE, 'area');
    const reference = drawn(source, sx, sy, sw, sh, REGION_SIZE, REGION_SIZE);
    for (const filter of ['nearest', 'bilinear', 'area'] as const) {
      const v = samplePlanes(planes, sx, sy, sw, sh, REGION_SIZE, REGION_SIZE, filter);
      console.log(`${filter}: sharpness ${sharpness(v).toFixed(1)} vs drawn ${sharpness(reference).toFixed(1)}`);
    }
    const l = [meanLuminance(sampled), meanLuminance(reference)];
    const s = [sharpness(sampled), sharpness(reference)];
    console.log(`${planes.format} ${frame.displayWidth}x${frame.displayHeight} region luminance sampled/drawn ${l.map((v) => v.toFixed(1)).join('/')}, sharpness ${s.map((v) => v.toFixed(1)).join('/')}`);
    expect(Math.abs(l[0]! - l[1]!)).to.be.below(3);
    // The canvas's downscale filter is the engine's own: Chromium's is close to an area average (sampled/drawn
    // 1.13 here); Firefox's and WebKit's are bilinear, which keeps more edge energy (0.80; our 'bilinear' matches
    // WebKit's exactly).
    expect(s[0]! / s[1]!).to.be.within(0.75, 1.33);
  });

  it('the downscaled detector input matches a drawn downscale (mean absolute difference under 6 levels)', async () => {
    cam = await cameraFrame();
    const { frame, source } = cam;
    const planes = await planesOf(frame);
    const size = detectionSize(frame.displayWidth, frame.displayHeight, 320);
    expect(size).to.deep.equal({ width: 320, height: 180 });
    const sampled = samplePlanes(planes, 0, 0, frame.displayWidth, frame.displayHeight, size.width, size.height, 'nearest');
    const reference = drawn(source, 0, 0, frame.displayWidth, frame.displayHeight, size.width, size.height);
    let diff = 0;
    for (let i = 0; i < sampled.data.length; i += 4) {
      for (let c = 0; c < 3; c++) diff += Math.abs(sampled.data[i + c]! - reference.data[i + c]!);
    }
    const mad = diff / (size.width * size.height * 3);
    console.log(`detector input ${size.width}x${size.height}: mean absolute difference to a drawn downscale ${mad.toFixed(2)}`);
    expect(mad).to.be.below(6);
  });

  it('sizes: the longer side becomes maxSide, never enlarged', () => {
    expect(detectionSize(1920, 1080, 320)).to.deep.equal({ width: 320, height: 180 });
    expect(detectionSize(480, 640, 320)).to.deep.equal({ width: 240, height: 320 });
    expect(detectionSize(200, 100, 320)).to.deep.equal({ width: 200, height: 100 });
    expect(detectionSize(1280, 720, 0)).to.deep.equal({ width: 1280, height: 720 });
  });
});
