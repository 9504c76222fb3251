// Tests for the in-process reference liveness backend (server/backends/local-backend.ts), on real photos.
// Build first: npx tsc -p tsconfig.server.json   Run: node --test test/node/local-backend.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

// --- No network: every outbound connection or fetch is recorded and refused. -----------------
// Installed before the backend is imported, so model and wasm loading run under the guard.
const networkAttempts = [];
const realConnect = net.Socket.prototype.connect;
const realFetch = globalThis.fetch;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const target = typeof args[0] === 'object' && args[0] !== null ? args[0] : { port: args[0], host: args[1] };
  networkAttempts.push(`socket ${String(target.path ?? `${target.host}:${target.port}`)}`);
  throw new Error('network access is not allowed in this test');
};
globalThis.fetch = async (input) => {
  networkAttempts.push(`fetch ${String(input instanceof Request ? input.url : input)}`);
  throw new Error('network access is not allowed in this test');
};

const { createLocalBackend, combineScores } = await import('../../dist/server/backends/local-backend.js');
// The tfjs engine human runs on (the CJS build human's node-wasm bundle requires).
const tf = createRequire(import.meta.url)('@tensorflow/tfjs-core');

const fixture = (name) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const ASTRONAUT = fixture('astronaut.png'); // 512x512, a real face about 105 px wide
const COFFEE = fixture('coffee.png'); // a cup of coffee, no face
// The astronaut's face centre in the 512x512 original (BlazeFace's box, for geometry checks).
const FACE_CENTRE = { x: 225, y: 127 };

const centre = (box) => ({ x: box.x + box.width / 2, y: box.y + box.height / 2 });
function assertNear(actual, expected, tolerance, what) {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} not within ${tolerance} of ${expected}`);
}

/** The astronaut upscaled 3x and cut to a 1280x720 frame: one face about 315 px wide. */
async function largeFaceJpeg() {
  return sharp(ASTRONAUT).resize(1536).extract({ left: 32, top: 0, width: 1280, height: 720 })
    .jpeg({ quality: 90 }).toBuffer();
}
const LARGE_CENTRE = { x: FACE_CENTRE.x * 3 - 32, y: FACE_CENTRE.y * 3 };

describe('local backend (human on tfjs wasm, real photos)', () => {
  let backend;
  const images = {};

  before(async () => {
    const started = performance.now();
    backend = await createLocalBackend();
    const loadMs = performance.now() - started;
    images.large = await largeFaceJpeg();
    // Same picture stored rotated 90 degrees counter-clockwise, with EXIF orientation 6 to show it upright.
    images.exif6 = await sharp(await sharp(images.large).rotate(270).toBuffer())
      .withMetadata({ orientation: 6 }).jpeg({ quality: 90 }).toBuffer();
    images.small = await sharp(ASTRONAUT).resize(384).jpeg({ quality: 90 }).toBuffer(); // face about 79 px
    images.coffee = await sharp(COFFEE).jpeg({ quality: 90 }).toBuffer();
    images.png = await sharp(ASTRONAUT).resize(1024).png().toBuffer(); // face about 210 px
    images.webp = await sharp(ASTRONAUT).resize(1024).webp({ quality: 90 }).toBuffer();
    images.portrait = await sharp(ASTRONAUT).resize(1536).extract({ left: 300, top: 20, width: 720, height: 1280 })
      .jpeg({ quality: 90 }).toBuffer();
    console.log(`# local backend cold load: ${loadMs.toFixed(0)} ms`);
  });

  after(async () => {
    await backend?.close();
    net.Socket.prototype.connect = realConnect;
    globalThis.fetch = realFetch;
  });

  it('scores a large real face: probReal in [0, 1], the minimum of the two model scores', async () => {
    const started = performance.now();
    const result = await backend.analyze(images.large);
    console.log(`# large face (1280x720 JPEG): ${(performance.now() - started).toFixed(0)} ms ${JSON.stringify(result)}`);
    assert.equal(result.kind, 'scored');
    assert.ok(Number.isFinite(result.probReal) && result.probReal >= 0 && result.probReal <= 1, `probReal ${result.probReal}`);
    for (const score of [result.scores.antispoof, result.scores.liveness]) {
      assert.ok(Number.isFinite(score) && score >= 0 && score <= 1, `score ${score}`);
    }
    assert.equal(result.probReal, Math.min(result.scores.antispoof, result.scores.liveness));
    assert.equal(result.faces, 1);
    // A plausible box in image pixels: about 315 px square, centred on the face, inside the frame.
    assertNear(result.box.width, 315, 60, 'box width');
    assertNear(result.box.height, 315, 60, 'box height');
    assertNear(centre(result.box).x, LARGE_CENTRE.x, 40, 'box centre x');
    assertNear(centre(result.box).y, LARGE_CENTRE.y, 40, 'box centre y');
    assert.ok(result.box.x >= 0 && result.box.y >= 0);
    assert.ok(result.box.x + result.box.width <= 1280 && result.box.y + result.box.height <= 720);
  });

  it('honours EXIF orientation: the box is in upright image pixels', async () => {
    const upright = await backend.analyze(images.large);
    const rotated = await backend.analyze(images.exif6);
    assert.equal(rotated.kind, 'scored');
    assertNear(rotated.box.x, upright.box.x, 10, 'x');
    assertNear(rotated.box.y, upright.box.y, 10, 'y');
    assertNear(rotated.box.width, upright.box.width, 10, 'width');
  });

  it('finds the face in a portrait frame where it sits off-centre', async () => {
    const result = await backend.analyze(images.portrait);
    assert.equal(result.kind, 'scored');
    assertNear(centre(result.box).x, FACE_CENTRE.x * 3 - 300, 40, 'box centre x');
    assertNear(centre(result.box).y, FACE_CENTRE.y * 3 - 20, 40, 'box centre y');
  });

  it('accepts PNG and WebP as well as JPEG', async () => {
    for (const name of ['png', 'webp']) {
      const result = await backend.analyze(images[name]);
      assert.equal(result.kind, 'scored', name);
      assertNear(centre(result.box).x, FACE_CENTRE.x * 2, 30, `${name} box centre x`);
    }
  });

  it('reports no-face for a photo without a face', async () => {
    assert.deepEqual(await backend.analyze(images.coffee), { kind: 'no-face' });
  });

  it('reports too-small with the box for a face under 128 px', async () => {
    const result = await backend.analyze(images.small);
    assert.equal(result.kind, 'too-small');
    assert.ok(result.box.width < 128 || result.box.height < 128, JSON.stringify(result.box));
    assert.ok(result.box.width > 40 && result.box.height > 40, JSON.stringify(result.box));
    assertNear(centre(result.box).x, FACE_CENTRE.x * 0.75, 20, 'box centre x');
    assertNear(centre(result.box).y, FACE_CENTRE.y * 0.75, 20, 'box centre y');
    assert.equal('probReal' in result, false);
  });

  it('honours minFaceSize', async () => {
    const lenient = await createLocalBackend({ minFaceSize: 64 });
    try {
      assert.equal((await lenient.analyze(images.small)).kind, 'scored');
      assert.equal((await lenient.analyze(images.coffee)).kind, 'no-face');
    } finally {
      await lenient.close();
    }
    const strict = await createLocalBackend({ minFaceSize: 400 });
    try {
      assert.equal((await strict.analyze(images.large)).kind, 'too-small');
    } finally {
      await strict.close();
    }
    await assert.rejects(createLocalBackend({ minFaceSize: 0 }), RangeError);
    await assert.rejects(createLocalBackend({ minFaceSize: Number.NaN }), RangeError);
  });

  it('reports invalid-image for bytes that are not an accepted, whole image', async () => {
    const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff);
    const truncated = images.large.subarray(0, Math.floor(images.large.length / 2));
    const gif = await sharp(ASTRONAUT).gif().toBuffer(); // decodable, but not JPEG/PNG/WebP
    const jpegHeaderOnly = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
    for (const [name, bytes] of Object.entries({ garbage, truncated, gif, jpegHeaderOnly, empty: new Uint8Array(0) })) {
      assert.deepEqual(await backend.analyze(bytes), { kind: 'invalid-image' }, name);
    }
    await assert.rejects(backend.analyze('not bytes'), TypeError);
  });

  it('gives the same answers to concurrent calls as to sequential ones', async () => {
    const order = ['large', 'coffee', 'small', 'png', 'exif6', 'large', 'webp'];
    const sequential = [];
    for (const name of order) sequential.push(await backend.analyze(images[name]));
    const concurrent = await Promise.all(order.map((name) => backend.analyze(images[name])));
    assert.deepEqual(concurrent, sequential);
  });

  it('leaves no tensors behind', async () => {
    await backend.analyze(images.large); // warm
    const before = tf.memory().numTensors;
    await Promise.all(['large', 'coffee', 'small', 'png'].map((name) => backend.analyze(images[name])));
    await backend.analyze(Uint8Array.from([1, 2, 3]));
    assert.equal(tf.memory().numTensors, before);
  });

  it('rejects analyze after close, and loads again for a new handle', async () => {
    const other = await createLocalBackend();
    const inFlight = other.analyze(images.large);
    const closing = other.close();
    await assert.rejects(other.analyze(images.large), /closed/);
    assert.equal((await inFlight).kind, 'scored'); // started before close: completes
    await closing;
    assert.equal((await backend.analyze(images.large)).kind, 'scored'); // the shared engine stays for open handles
  });

  it('unloads when every handle is closed, and loads afresh for the next one', async () => {
    const expected = await backend.analyze(images.large);
    await backend.close();
    backend = await createLocalBackend();
    assert.deepEqual(await backend.analyze(images.large), expected);
  });

  it('combines scores by the minimum, failing closed on non-numbers', () => {
    assert.equal(combineScores(0.9, 0.3), 0.3);
    assert.equal(combineScores(0.2, 0.8), 0.2);
    assert.equal(combineScores(Number.NaN, 0.9), 0);
    assert.equal(combineScores(1.5, 2), 1);
  });

  it('made no network access', () => {
    assert.deepEqual(networkAttempts, []);
  });
});
