import { expect } from '@open-wc/testing';
import { rejection } from '../support/outcome.js';
import { LivenessError } from '../../src/errors.js';
import {
  BODY_LIMIT,
  DEFAULT_QUALITIES,
  blobToBase64,
  encodeWithinBudget,
  requestBodyBytes,
} from '../../src/encoder.js';
import type { EncodedImage } from '../../src/encoder.js';

/** mulberry32: a small seeded PRNG, so the "random" frames are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A canvas of per-pixel RGB noise: the worst case for JPEG. */
function noiseCanvas(width: number, height: number, seed: number): HTMLCanvasElement {
  const canvas = Object.assign(document.createElement('canvas'), { width, height });
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(width, height);
  const words = new Uint32Array(image.data.buffer);
  const next = prng(seed);
  for (let i = 0; i < words.length; i++) words[i] = next() | 0xff000000; // little-endian: alpha is the top byte
  ctx.putImageData(image, 0, 0);
  return canvas;
}

function randomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  const next = prng(seed);
  for (let i = 0; i < length; i++) bytes[i] = next() & 0xff;
  return bytes;
}

/** Width and height from a JPEG's first SOFn marker (the encoder's own output, decoded by hand). */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(i + 5), width: view.getUint16(i + 7) };
    }
    i += 2 + view.getUint16(i + 2);
  }
  return null;
}

function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Builds the request body the way submit does and checks it against the limit, the JPEG and the result. */
async function proveBody(result: EncodedImage, limit: number): Promise<void> {
  expect(result.blob.type).to.equal('image/jpeg');
  const base64 = await blobToBase64(result.blob);
  const body = JSON.stringify({ data: base64 });
  const bodyBytes = new TextEncoder().encode(body).length;
  expect(bodyBytes).to.equal(requestBodyBytes(result.blob.size));
  expect(bodyBytes).to.be.at.most(limit);
  const bytes = base64ToBytes(base64);
  expect(bytes.length).to.equal(result.blob.size);
  expect([bytes[0], bytes[1], bytes[2]]).to.deep.equal([0xff, 0xd8, 0xff]);
  expect(jpegSize(bytes)).to.deep.equal({ width: result.width, height: result.height });
  const bitmap = await createImageBitmap(result.blob);
  expect([bitmap.width, bitmap.height]).to.deep.equal([result.width, result.height]);
  bitmap.close();
}

async function loadBitmap(url: string): Promise<ImageBitmap> {
  const response = await fetch(url);
  return createImageBitmap(await response.blob());
}


describe('requestBodyBytes', () => {
  it('is exactly the UTF-8 size of JSON.stringify({data: base64}) for every length 0..64 and larger ones', async () => {
    const lengths = [...Array.from({ length: 65 }, (_, i) => i), 1000, 1001, 1002, 65_537, 1_000_003];
    for (const length of lengths) {
      const blob = new Blob([randomBytes(length, length + 1) as BlobPart]);
      const body = JSON.stringify({ data: await blobToBase64(blob) });
      expect(requestBodyBytes(length), `length ${length}`).to.equal(new TextEncoder().encode(body).length);
    }
  });

  it('puts the largest image that fits 10 MiB at about 7.86 MB', () => {
    expect(BODY_LIMIT).to.equal(10_485_760);
    // 4 * ceil(n / 3) + 11 <= 10,485,760  ⇔  n <= 7,864,311
    expect(requestBodyBytes(7_864_311)).to.be.at.most(BODY_LIMIT);
    expect(requestBodyBytes(7_864_312)).to.be.above(BODY_LIMIT);
  });

  it('rejects sizes that are not non-negative integers', () => {
    for (const n of [-1, 1.5, NaN, Infinity]) expect(() => requestBodyBytes(n), String(n)).to.throw(RangeError);
  });
});

describe('blobToBase64', () => {
  it('matches btoa on a small blob of every byte value, without a data: prefix', async () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const base64 = await blobToBase64(new Blob([bytes], { type: 'image/jpeg' }));
    expect(base64).to.equal(btoa(String.fromCharCode(...bytes)));
    expect(base64.startsWith('data:')).to.equal(false);
    expect(base64).to.match(/^[A-Za-z0-9+/]*={0,2}$/);
  });

  it('handles the empty blob and every padding length', async () => {
    expect(await blobToBase64(new Blob([]))).to.equal('');
    for (const text of ['a', 'ab', 'abc', 'abcd']) expect(await blobToBase64(new Blob([text]))).to.equal(btoa(text));
  });

  it('gives the same answer through the FileReader path used when Uint8Array#toBase64 is missing', async () => {
    const proto = Uint8Array.prototype as { toBase64?: unknown };
    const descriptor = Object.getOwnPropertyDescriptor(proto, 'toBase64');
    const bytes = randomBytes(100_001, 21);
    const native = await blobToBase64(new Blob([bytes as BlobPart]));
    if (descriptor) delete proto.toBase64;
    try {
      const viaReader = await blobToBase64(new Blob([bytes as BlobPart], { type: 'image/jpeg' }));
      expect(viaReader).to.equal(native);
      expect(await blobToBase64(new Blob([]))).to.equal('');
    } finally {
      if (descriptor) Object.defineProperty(proto, 'toBase64', descriptor);
    }
  });

  it('round-trips 8 MB of random bytes', async () => {
    const bytes = randomBytes(8 * 1024 * 1024, 7);
    const base64 = await blobToBase64(new Blob([bytes as BlobPart]));
    expect(base64.length).to.equal(4 * Math.ceil(bytes.length / 3));
    const back = base64ToBytes(base64);
    expect(back.length).to.equal(bytes.length);
    let same = true;
    for (let i = 0; i < bytes.length; i++) if (back[i] !== bytes[i]) { same = false; break; }
    expect(same).to.equal(true);
  });
});

describe('encodeWithinBudget', () => {
  it('keeps a normal photo at full size and quality 0.92 (ImageBitmap source)', async () => {
    const bitmap = await loadBitmap('/test/fixtures/astronaut.png');
    const faceBox = { x: 150, y: 100, width: 200, height: 220 };
    const result = await encodeWithinBudget(bitmap, bitmap.width, bitmap.height, { faceBox, minFaceSize: 128 });
    expect(result.quality).to.equal(0.92);
    expect(result.scale).to.equal(1);
    expect([result.width, result.height]).to.deep.equal([512, 512]);
    expect(result.faceBox).to.deep.equal(faceBox);
    await proveBody(result, BODY_LIMIT);
    bitmap.close();
  });

  it('keeps a 1280x720 camera-sized frame of a real photo at full size and 0.92 (canvas source)', async () => {
    const bitmap = await loadBitmap('/test/fixtures/astronaut.png');
    const canvas = Object.assign(document.createElement('canvas'), { width: 1280, height: 720 });
    canvas.getContext('2d')!.drawImage(bitmap, 280, 0, 720, 720);
    const result = await encodeWithinBudget(canvas, 1280, 720, {
      faceBox: { x: 500, y: 150, width: 300, height: 300 },
      minFaceSize: 128,
    });
    expect([result.quality, result.scale, result.width, result.height]).to.deep.equal([0.92, 1, 1280, 720]);
    await proveBody(result, BODY_LIMIT);
    bitmap.close();
  });

  it('fits a 4096x4096 noise frame under 10,485,760 body bytes, keeping the 1000x1000 face >= 128', async function () {
    this.timeout(180_000);
    const canvas = noiseCanvas(4096, 4096, 42);
    const faceBox = { x: 1500, y: 1200, width: 1000, height: 1000 };
    const result = await encodeWithinBudget(canvas, 4096, 4096, { faceBox, minFaceSize: 128 });
    await proveBody(result, BODY_LIMIT);
    console.log(`4096x4096 noise → ${result.width}x${result.height} q${result.quality}, ${requestBodyBytes(result.blob.size)} body bytes`);
    expect(result.width).to.equal(result.height); // the whole frame, same aspect
    expect(result.scale).to.be.within(0, 1);
    expect(result.faceBox.width).to.be.at.least(128);
    expect(result.faceBox.height).to.be.at.least(128);
    expect(result.faceBox.x).to.be.closeTo(1500 * result.width / 4096, 1e-6);
    expect(DEFAULT_QUALITIES).to.include(result.quality);
    // Noise at full size and 0.92 is far over the budget, so something had to give.
    expect(result.scale < 1 || result.quality < 0.92).to.equal(true);
  });

  it('scales a 4096x4096 noise frame down for a 3 MB budget, face still >= 128', async function () {
    this.timeout(180_000);
    const canvas = noiseCanvas(4096, 4096, 43);
    const faceBox = { x: 1000, y: 1000, width: 1000, height: 1000 };
    const limit = 3_000_000;
    const result = await encodeWithinBudget(canvas, 4096, 4096, { faceBox, minFaceSize: 128, limit });
    await proveBody(result, limit);
    expect(result.scale).to.be.below(1);
    expect(result.width).to.equal(result.height);
    expect(result.faceBox.width).to.be.at.least(128);
  });

  it('lowers the quality before scaling down', async () => {
    // A limit between the sizes at 0.92 and 0.4 for a full-size noise frame.
    const canvas = noiseCanvas(640, 480, 3);
    const at = async (quality: number) => (await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', quality)))!.size;
    const high = requestBodyBytes(await at(0.92));
    const low = requestBodyBytes(await at(0.4));
    expect(low).to.be.below(high);
    const result = await encodeWithinBudget(canvas, 640, 480, {
      faceBox: { x: 200, y: 100, width: 240, height: 240 },
      minFaceSize: 128,
      limit: low,
    });
    expect(result.scale).to.equal(1);
    expect([result.width, result.height]).to.deep.equal([640, 480]);
    expect(result.quality).to.be.below(0.92);
    await proveBody(result, low);
  });

  it('scales down only as far as the face stays >= minFaceSize, and fits', async () => {
    const canvas = noiseCanvas(1024, 768, 5);
    const faceBox = { x: 300, y: 200, width: 400, height: 300 };
    const limit = 120_000;
    const result = await encodeWithinBudget(canvas, 1024, 768, { faceBox, minFaceSize: 128, limit });
    expect(result.scale).to.be.below(1);
    expect(result.faceBox.width).to.be.at.least(128);
    expect(result.faceBox.height).to.be.at.least(128);
    expect(result.width / result.height).to.be.closeTo(1024 / 768, 0.01);
    await proveBody(result, limit);
  });

  it('uses the smallest size that keeps the face when only that fits', async () => {
    // Measure the body at the smallest allowed size (face 128 px tall → 437x328) at the lowest quality.
    const faceBox = { x: 300, y: 200, width: 400, height: 300 };
    const canvas = noiseCanvas(1024, 768, 6);
    const w = Math.ceil(1024 * 128 / 300);
    const h = Math.ceil(768 * 128 / 300);
    const small = new OffscreenCanvas(w, h);
    const ctx = small.getContext('2d', { alpha: false })!;
    ctx.imageSmoothingQuality = 'high'; // as the encoder draws
    ctx.drawImage(canvas, 0, 0, 1024, 768, 0, 0, w, h);
    const limit = requestBodyBytes((await small.convertToBlob({ type: 'image/jpeg', quality: 0.4 })).size);
    const result = await encodeWithinBudget(canvas, 1024, 768, { faceBox, minFaceSize: 128, limit });
    expect(result.faceBox.height).to.be.at.least(128);
    expect(result.faceBox.height).to.be.below(129.5);
    await proveBody(result, limit);
  });

  it('throws IMAGE_TOO_LARGE when the face cannot survive scaling and the limit is tiny', async () => {
    const canvas = noiseCanvas(640, 480, 9);
    const error = await rejection(encodeWithinBudget(canvas, 640, 480, {
      faceBox: { x: 200, y: 100, width: 200, height: 200 },
      minFaceSize: 190,
      limit: 5000,
    }));
    expect(error).to.be.instanceOf(LivenessError);
    expect((error as LivenessError).code).to.equal('IMAGE_TOO_LARGE');
    expect((error as LivenessError).recoverable).to.equal(true);
  });

  it('never scales when the face is already at the minimum', async () => {
    const canvas = noiseCanvas(320, 240, 10);
    const error = await rejection(encodeWithinBudget(canvas, 320, 240, {
      faceBox: { x: 100, y: 50, width: 128, height: 128 },
      minFaceSize: 128,
      limit: 2000,
    }));
    expect((error as LivenessError).code).to.equal('IMAGE_TOO_LARGE');
  });

  it('encodes the whole frame, not cropped and not mirrored, also when scaled', async () => {
    // Left half red, right half blue, a green band at the top: any crop or flip shows.
    const canvas = Object.assign(document.createElement('canvas'), { width: 800, height: 600 });
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#ff0000';
    ctx.fillRect(0, 0, 400, 600);
    ctx.fillStyle = '#0000ff';
    ctx.fillRect(400, 0, 400, 600);
    ctx.fillStyle = '#00ff00';
    ctx.fillRect(0, 0, 800, 60);
    const faceBox = { x: 200, y: 150, width: 400, height: 400 };
    const full = await encodeWithinBudget(canvas, 800, 600, { faceBox, minFaceSize: 128 });
    const lowest = await encodeWithinBudget(canvas, 800, 600, { faceBox, minFaceSize: 128, qualities: [0.4] });
    expect(lowest.scale).to.equal(1);
    const limit = requestBodyBytes(lowest.blob.size) - 1;
    const scaled = await encodeWithinBudget(canvas, 800, 600, { faceBox, minFaceSize: 128, qualities: [0.4], limit });
    expect(scaled.scale).to.be.below(1);
    for (const result of [full, scaled]) {
      const bitmap = await createImageBitmap(result.blob);
      const check = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
      check.drawImage(bitmap, 0, 0);
      const pixel = (fx: number, fy: number) =>
        Array.from(check.getImageData(Math.floor(bitmap.width * fx), Math.floor(bitmap.height * fy), 1, 1).data.slice(0, 3));
      const [lr, , lb] = pixel(0.1, 0.5);
      const [rr, , rb] = pixel(0.9, 0.5);
      const [, tg] = pixel(0.5, 0.03);
      expect(lr, 'left is red').to.be.above(200);
      expect(lb).to.be.below(60);
      expect(rb, 'right is blue').to.be.above(200);
      expect(rr).to.be.below(60);
      expect(tg, 'top band is green').to.be.above(200);
      expect(result.width / result.height).to.be.closeTo(800 / 600, 0.01);
      bitmap.close();
    }
  });

  it('accepts an OffscreenCanvas source', async () => {
    const canvas = new OffscreenCanvas(300, 200);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, 300, 200);
    const result = await encodeWithinBudget(canvas, 300, 200, { faceBox: { x: 10, y: 10, width: 150, height: 150 }, minFaceSize: 128 });
    expect([result.width, result.height, result.quality]).to.deep.equal([300, 200, 0.92]);
    await proveBody(result, BODY_LIMIT);
  });

  it('draws a canvas whose size differs from the given intrinsic size to exactly that size', async () => {
    const canvas = noiseCanvas(400, 300, 11);
    const result = await encodeWithinBudget(canvas, 200, 150, { faceBox: { x: 10, y: 10, width: 130, height: 130 }, minFaceSize: 128 });
    expect([result.width, result.height]).to.deep.equal([200, 150]);
    await proveBody(result, BODY_LIMIT);
  });

  it('encodes a live HTMLVideoElement frame at its intrinsic size (Chromium fake camera)', async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    try {
      await video.play();
      if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) {
        await new Promise((resolve) => video.addEventListener('loadeddata', resolve, { once: true }));
      }
      const { videoWidth: w, videoHeight: h } = video;
      expect(w).to.be.above(0);
      const result = await encodeWithinBudget(video, w, h, { faceBox: { x: 0, y: 0, width: 200, height: 200 }, minFaceSize: 128 });
      expect([result.width, result.height, result.scale, result.quality]).to.deep.equal([w, h, 1, 0.92]);
      await proveBody(result, BODY_LIMIT);
    } finally {
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
    }
  });

  it('honours startQuality and custom qualities', async () => {
    const canvas = noiseCanvas(200, 150, 12);
    const faceBox = { x: 10, y: 10, width: 130, height: 130 };
    expect((await encodeWithinBudget(canvas, 200, 150, { faceBox, minFaceSize: 128, startQuality: 0.8 })).quality).to.equal(0.8);
    expect((await encodeWithinBudget(canvas, 200, 150, { faceBox, minFaceSize: 128, qualities: [0.7, 0.3] })).quality).to.equal(0.7);
  });

  it('rejects with the AbortError when the signal is aborted', async () => {
    const canvas = noiseCanvas(200, 150, 13);
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(encodeWithinBudget(canvas, 200, 150, {
      faceBox: { x: 10, y: 10, width: 130, height: 130 },
      minFaceSize: 128,
      signal: controller.signal,
    }));
    expect(error).to.be.instanceOf(DOMException);
    expect((error as DOMException).name).to.equal('AbortError');
  });

  it('rejects invalid sizes and options with RangeError', async () => {
    const canvas = noiseCanvas(20, 20, 14);
    const faceBox = { x: 0, y: 0, width: 10, height: 10 };
    const bad: [number, number, Partial<Parameters<typeof encodeWithinBudget>[3]>][] = [
      [0, 20, {}],
      [20, 1.5, {}],
      [20, 20, { scaleStep: 1 }],
      [20, 20, { scaleStep: 0 }],
      [20, 20, { limit: 0 }],
      [20, 20, { qualities: [] }],
      [20, 20, { startQuality: 1.5 }],
      [20, 20, { minFaceSize: NaN }],
      [20, 20, { faceBox: { x: 0, y: 0, width: 0, height: 10 } }],
    ];
    for (const [w, h, extra] of bad) {
      const error = await rejection(encodeWithinBudget(canvas, w, h, { faceBox, minFaceSize: 8, ...extra }));
      expect(error, JSON.stringify([w, h, extra])).to.be.instanceOf(RangeError);
    }
  });
});
