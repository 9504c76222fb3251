// The fake camera for engines without a file-backed capture device (Firefox's fake camera is a synthetic pattern,
// WebKit's mock camera a test card). `getUserMedia({ video })` returns `canvas.captureStream()` of a canvas that
// replays the same fixture video Chromium's `--use-file-for-fake-video-capture` plays: the .mjpeg made by
// scripts/make-fixtures.mjs, frame by frame at its 15 fps, looping. Installed by the test page before the test
// framework loads (web-test-runner.config.mjs), so tests see it as the browser's own camera.

const FPS = 15;

interface Video {
  frames: Blob[];
  width: number;
  height: number;
}

/** Splits a Motion-JPEG stream (JPEG images back to back) into one Blob per image. */
export function splitMjpeg(bytes: Uint8Array<ArrayBuffer>): Blob[] {
  const starts: number[] = [];
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd8 && bytes[i + 2] === 0xff) starts.push(i);
  }
  return starts.map((start, n) => new Blob([bytes.subarray(start, starts[n + 1] ?? bytes.length)], { type: 'image/jpeg' }));
}

async function loadVideo(url: string): Promise<Video> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fake camera: ${url} answered ${res.status}`);
  const frames = splitMjpeg(new Uint8Array(await res.arrayBuffer()));
  if (frames.length === 0) throw new Error(`fake camera: ${url} holds no JPEG frame`);
  const first = await createImageBitmap(frames[0]!);
  const video = { frames, width: first.width, height: first.height };
  first.close();
  return video;
}

/** One camera stream: draws the video's frames in turn until every track of the stream is stopped. */
async function openStream(video: Video): Promise<MediaStream> {
  const canvas = document.createElement('canvas');
  canvas.width = video.width;
  canvas.height = video.height;
  const ctx = canvas.getContext('2d')!;
  let index = 0;
  const draw = async () => {
    const bitmap = await createImageBitmap(video.frames[index]!);
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    index = (index + 1) % video.frames.length;
  };
  await draw();
  const stream = canvas.captureStream(FPS);
  const live = () => stream.getTracks().some((t) => t.readyState === 'live');
  const loop = () => {
    if (!live()) return;
    void draw().then(() => setTimeout(loop, 1000 / FPS));
  };
  setTimeout(loop, 1000 / FPS);
  return stream;
}

/**
 * Replaces `getUserMedia` for video with a camera that plays `url` (an .mjpeg). It is replaced on the prototype:
 * WebKit may collect the `navigator.mediaDevices` wrapper, and a property set on it, when nothing holds it.
 */
export function installFakeCamera(url: string): void {
  if (typeof MediaDevices !== 'function') return;
  const proto = MediaDevices.prototype;
  const original = proto.getUserMedia;
  let video: Promise<Video> | null = null;
  proto.getUserMedia = async function (this: MediaDevices, constraints?: MediaStreamConstraints) {
    if (!constraints?.video) return original.call(this, constraints);
    video ??= loadVideo(url);
    return openStream(await video);
  };
}
