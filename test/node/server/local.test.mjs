// Local mode: every contract row answered by the in-process reference backend, from real photos.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createLocalBackend, verifyVerdict } from '../../../dist/server/index.js';
// The module local mode loads (the same instance): its model queue, held from the test.
import { holdQueue } from '../../../dist/server/backends/local-backend.js';
import { postJson, startHandler } from './support.mjs';

const fixture = (name) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
const SECRET = 'verdict-secret-0123456789abcdef-0123456789';

/** The astronaut's face (about 100 px in the 512 px photo) cropped and scaled 3x into a 1280x720 JPEG. */
async function largeFaceJpeg() {
  const face = await sharp(fixture('astronaut.png')).extract({ left: 100, top: 0, width: 250, height: 240 }).resize(750, 720).toBuffer();
  return sharp({ create: { width: 1280, height: 720, channels: 3, background: '#808080' } })
    .composite([{ input: face, left: 265, top: 0 }])
    .jpeg({ quality: 92 })
    .toBuffer();
}

const body = (bytes) => JSON.stringify({ data: bytes.toString('base64') });

describe('local mode', () => {
  let app;
  let face;
  before(async () => {
    face = await largeFaceJpeg();
    app = await startHandler({ verdictSecret: SECRET, sessions: 'off', maxConcurrent: 8 });
    await app.handler.warmUp();
  });
  after(async () => {
    await app.close();
  });

  it('is the default without a key', () => {
    assert.equal(app.handler.mode, 'local');
  });

  it('scores a real face: success, pred_idx, prob_real in [0, 1], and a verdict token over the image', async () => {
    const res = await postJson(app.url, body(face));
    assert.equal(res.status, 200);
    const json = await res.json();
    assert.equal(json.success, true, JSON.stringify(json));
    assert.equal(json.message, 'Process finished successfully');
    const p = json.model_output.prob_real;
    assert.equal(typeof p, 'number');
    assert.ok(p >= 0 && p <= 1, `prob_real ${p}`);
    assert.equal(json.model_output.pred_idx, p > 0.5 ? 'real' : 'spoof');
    assert.deepEqual(Object.keys(json.model_output).sort(), ['pred_idx', 'prob_real']);

    assert.equal(json.verdict.threshold, 0.55);
    assert.equal(json.verdict.decision, p > 0.55 ? 'pass' : 'fail');
    const verified = await verifyVerdict(json.verdict.token, SECRET, { session: null, decision: 'any' });
    assert.equal(verified.valid, true);
    assert.equal(verified.probReal, p);
    assert.equal(verified.imageSha256, createHash('sha256').update(face).digest('hex'));

    const [record] = app.logs.slice(-1);
    assert.equal(record.mode, 'local');
    assert.equal(record.outcome, 'scored');
    assert.equal(record.decision, json.verdict.decision);
  });

  it('also scores a PNG, and on /robust with its threshold', async () => {
    const png = await sharp(face).png().toBuffer();
    const json = await (await postJson(`${app.url}/robust`, body(png))).json();
    assert.equal(json.success, true);
    assert.equal(json.verdict.threshold, 0.5);
  });

  it('answers FACE_NOT_DETECTED for a photo with no face', async () => {
    const coffee = await readFile(fixture('coffee.png'));
    const res = await postJson(app.url, body(coffee));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { success: false, message: 'Face detection failed', error_code: 'FACE_NOT_DETECTED' });
  });

  // Real photographs of no human face (test/fixtures/README.md): BlazeFace alone calls the cat a face.
  for (const [name, prepare] of [
    ['chelsea.png (a cat, whole frame)', (bytes) => bytes],
    ['chelsea.png (the cat, scaled to 1280 px)', (bytes) => sharp(bytes).resize(1280).jpeg({ quality: 92 }).toBuffer()],
    ['horse.png (a drawing)', (bytes) => sharp(bytes).flatten({ background: '#ffffff' }).resize(1024).png().toBuffer()],
  ]) {
    it(`answers FACE_NOT_DETECTED for ${name}`, async () => {
      const bytes = await prepare(await readFile(fixture(name.split(' ')[0])));
      const json = await (await postJson(app.url, body(bytes))).json();
      assert.deepEqual(json, { success: false, message: 'Face detection failed', error_code: 'FACE_NOT_DETECTED' });
    });
  }

  it('refuses an image over 25 megapixels from its header, as INVALID_IMAGE_PAYLOAD', async () => {
    // 6000 x 4500 = 27 Mpx of one colour: a small file that would take seconds to decode.
    const huge = await sharp({ create: { width: 6000, height: 4500, channels: 3, background: '#808080' } }).png({ compressionLevel: 9 }).toBuffer();
    assert.ok(huge.length < 1024 * 1024);
    const json = await (await postJson(app.url, body(huge))).json();
    assert.equal(json.error_code, 'INVALID_IMAGE_PAYLOAD');
  });

  it('stops the work of clients that went away instead of analysing for nobody', async () => {
    app.logs.length = 0;
    // The test holds the model queue: the four images wait in line while three of their clients leave, and only
    // then does the queue run.
    const hold = holdQueue();
    // The adapter aborts a request's signal on its response's 'close'; this listener, added after the adapter's,
    // runs after it: once it has counted three, their signals are aborted.
    let left;
    const allLeft = new Promise((resolve) => (left = resolve));
    let gone = 0;
    const watch = (req, res) => res.once('close', () => !res.writableFinished && ++gone === 3 && left());
    app.server.on('request', watch);
    try {
      const controllers = [0, 1, 2, 3].map(() => new AbortController());
      const requests = controllers.map((c) =>
        fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(face), signal: c.signal }).then(
          (res) => res.status,
          () => 'aborted',
        ),
      );
      await hold.waiting(4);
      for (const c of controllers.slice(1)) c.abort();
      await allLeft;
      hold.release();
      assert.deepEqual(await Promise.all(requests), [200, 'aborted', 'aborted', 'aborted']);
      while (app.logs.length < 4) await new Promise((r) => setTimeout(r, 10)); // the aborted ones log as they stop
      // The one client still there is scored; the three that left cost no model work.
      assert.deepEqual(app.logs.map((r) => r.outcome).sort(), ['client-aborted', 'client-aborted', 'client-aborted', 'scored']);
    } finally {
      hold.release();
      app.server.off('request', watch);
    }
  });

  it('answers FACE_TOO_SMALL with the measured box for a small face', async () => {
    // The photo as it is: the astronaut's face is about 100 px.
    const small = await readFile(fixture('astronaut.png'));
    const res = await postJson(app.url, body(small));
    assert.equal(res.status, 200);
    const json = await res.json();
    assert.equal(json.success, false);
    assert.equal(json.error_code, 'FACE_TOO_SMALL');
    const m = /^Detected face box: (\d+)x(\d+) smaller than minimum required size: 128x128$/.exec(json.message);
    assert.ok(m, json.message);
    const [height, width] = [Number(m[1]), Number(m[2])];
    assert.ok(height > 40 && width > 40, `a real face box, got ${height}x${width}`);
    assert.ok(Math.min(height, width) < 128, `smaller than the floor, got ${height}x${width}`);
  });

  it('answers INVALID_IMAGE_PAYLOAD for every kind of bad body', async () => {
    const jpegPrefix = `data:image/jpeg;base64,${face.toString('base64')}`;
    const bodies = [
      JSON.stringify({ data: randomBytes(4096).toString('base64') }), // base64, but not an image
      JSON.stringify({ data: face.subarray(0, 600).toString('base64') }), // a JPEG cut short
      JSON.stringify({ data: jpegPrefix }), // a data: URL, which the real API refuses
      JSON.stringify({ data: face.toString('base64url') }), // the URL-safe alphabet
      JSON.stringify({ data: face.toString('base64').replace(/(.{76})/g, '$1\n') }), // MIME line breaks
      JSON.stringify({ image: face.toString('base64') }), // wrong field
      JSON.stringify({ data: 12 }),
      JSON.stringify({ data: '' }),
      'not json at all',
      '',
    ];
    for (const b of bodies) {
      const res = await postJson(app.url, b);
      assert.equal(res.status, 200);
      assert.deepEqual(
        await res.json(),
        { success: false, message: 'Invalid input image payload', error_code: 'INVALID_IMAGE_PAYLOAD' },
        b.slice(0, 40),
      );
    }
  });

  it('answers requests arriving together', async () => {
    const coffee = await readFile(fixture('coffee.png'));
    const answers = await Promise.all([face, coffee, face].map(async (img) => (await postJson(app.url, body(img))).json()));
    assert.equal(answers[0].success, true);
    assert.equal(answers[1].error_code, 'FACE_NOT_DETECTED');
    assert.equal(answers[2].success, true);
    assert.equal(answers[2].model_output.prob_real, answers[0].model_output.prob_real, 'same image, same score');
  });

  it('shares one injected backend between handlers', async () => {
    const backend = await createLocalBackend();
    const a = await startHandler({ localBackend: backend });
    const b = await startHandler({ localBackend: backend });
    try {
      const [ja, jb] = await Promise.all([a, b].map(async (h) => (await postJson(h.url, body(face))).json()));
      assert.equal(ja.success, true);
      assert.equal(jb.model_output.prob_real, ja.model_output.prob_real);
      assert.equal(ja.verdict, undefined, 'no secret, no verdict');
    } finally {
      await a.close();
      await b.close();
      await backend.close();
    }
  });
});
