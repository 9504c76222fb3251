// Replay: an image used by one session is IMAGE_REPLAYED in every other, whatever its subject, byte for byte and
// after re-encoding, resizing, metadata changes or appended bytes; a frame of the same real recording one second
// later is not. The image is recorded atomically when the attempt begins: five sessions racing with one fresh
// image get exactly one score, on one instance and across two sharing a real Redis.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { postJson, startHandler, startRedisPair, startUpstream } from './support.mjs';

const KEY = 'k'.repeat(20);
const frame = (name) => readFileSync(new URL(`../../fixtures/recording/${name}.jpg`, import.meta.url));
/** Frames of three real recordings, each with the frame one second later. */
const PAIRS = [
  ['cap12-20s', 'cap12-21s'],
  ['cap13-08s', 'cap13-09s'],
  ['franck-150s', 'franck-151s'],
];
const bodyOf = (image) => JSON.stringify({ data: Buffer.from(image).toString('base64') });

/** The JPEG without its APPn and COM segments: the same entropy-coded pixels, no metadata. */
function stripMetadata(jpeg) {
  const parts = [jpeg.subarray(0, 2)];
  let i = 2;
  while (jpeg[i] === 0xff && jpeg[i + 1] !== 0xda) {
    const length = jpeg.readUInt16BE(i + 2);
    const marker = jpeg[i + 1];
    if (!((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe)) parts.push(jpeg.subarray(i, i + 2 + length));
    i += 2 + length;
  }
  parts.push(jpeg.subarray(i));
  return Buffer.concat(parts);
}

/** The JPEG with a comment segment added after its start: the same pixels, more metadata. */
function addComment(jpeg, text) {
  const body = Buffer.from(text);
  const segment = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from([(body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/** What an attacker does to one capture to get it scored again. */
async function attacks(jpeg) {
  const { width } = await sharp(jpeg).metadata();
  return {
    'byte-identical': jpeg,
    'quality 70': await sharp(jpeg).jpeg({ quality: 70 }).toBuffer(),
    'quality 40': await sharp(jpeg).jpeg({ quality: 40 }).toBuffer(),
    'resized -10%': await sharp(jpeg).resize({ width: Math.round(width * 0.9) }).jpeg({ quality: 85 }).toBuffer(),
    'resized +10%': await sharp(jpeg).resize({ width: Math.round(width * 1.1) }).jpeg({ quality: 95 }).toBuffer(),
    'metadata stripped': stripMetadata(jpeg),
    'comment added': addComment(jpeg, 'edited with something'),
    'EXIF added': await sharp(jpeg).withExif({ IFD0: { Copyright: 'someone', Software: 'an editor' } }).jpeg({ quality: 92 }).toBuffer(),
    '16 bytes appended': Buffer.concat([jpeg, Buffer.from('0123456789abcdef')]),
    'as PNG': await sharp(jpeg).png().toBuffer(),
  };
}

describe('replay on one instance', () => {
  let upstream;
  let app;
  before(async () => {
    upstream = await startUpstream();
    app = await startHandler({ apiKey: KEY, baseUrl: upstream.url, sessions: 'on' });
  });
  after(async () => {
    await app?.close();
    await upstream?.close();
  });
  beforeEach(() => {
    upstream.state.requests.length = 0;
  });
  const check = async (image, subject) => {
    const { id } = await app.handler.sessions.createSession(subject === undefined ? {} : { subject });
    const res = await postJson(app.url, bodyOf(image), { 'x-liveness-session': id });
    return { status: res.status, body: await res.json(), id };
  };

  for (const [first, later] of PAIRS) {
    it(`${first}: every altered copy is IMAGE_REPLAYED in another session; the frame 1 s later is scored`, async () => {
      const original = frame(first);
      assert.equal((await check(original, 'owner')).status, 200);
      for (const [name, copy] of Object.entries(await attacks(original))) {
        const before = upstream.state.requests.length;
        const answer = await check(copy, `attacker-${name}`);
        assert.equal(answer.status, 409, `${first} ${name}`);
        assert.equal(answer.body.error_code, 'IMAGE_REPLAYED', `${first} ${name}`);
        assert.equal(upstream.state.requests.length, before, `${first} ${name}: no upstream call`);
        assert.equal((await app.handler.sessions.getSessionResult(answer.id)).attempts, 0);
      }
      const next = await check(frame(later), 'owner');
      assert.equal(next.status, 200, `${later} is another frame`);
      assert.equal(next.body.success, true);
    });
  }

  it('refuses the same bytes across subjects and without one', async () => {
    const image = await sharp(frame('cap13-08s')).flop().jpeg({ quality: 88 }).toBuffer();
    assert.equal((await check(image, 'alice')).status, 200);
    assert.equal((await check(image, 'bob')).body.error_code, 'IMAGE_REPLAYED');
    assert.equal((await check(image)).body.error_code, 'IMAGE_REPLAYED');
  });

  it('lets a session retry its own image', async () => {
    upstream.state.script.body = JSON.stringify({ success: true, message: 'ok', model_output: { pred_idx: 'spoof', prob_real: 0.1 } });
    try {
      const image = await sharp(frame('cap12-21s')).flip().jpeg({ quality: 90 }).toBuffer();
      const { id } = await app.handler.sessions.createSession();
      for (let i = 0; i < 2; i++) assert.equal((await postJson(app.url, bodyOf(image), { 'x-liveness-session': id })).status, 200);
      assert.equal(upstream.state.requests.length, 2);
    } finally {
      upstream.state.script.body = JSON.stringify({ success: true, message: 'ok', model_output: { pred_idx: 'real', prob_real: 0.9 } });
    }
  });

  it('five sessions racing with one fresh image: exactly one is scored', async () => {
    const image = await sharp(frame('franck-151s')).flop().jpeg({ quality: 80 }).toBuffer();
    const ids = await Promise.all(Array.from({ length: 5 }, (_, i) => app.handler.sessions.createSession({ subject: `racer-${i}` })));
    const answers = await Promise.all(ids.map(({ id }) => postJson(app.url, bodyOf(image), { 'x-liveness-session': id })));
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 409, 409, 409, 409]);
    assert.equal(upstream.state.requests.length, 1);
  });

  it('five sessions racing with five re-encodes of one fresh image: at most one is scored', async () => {
    const base = await sharp(frame('cap13-09s')).flop().toBuffer();
    const copies = await Promise.all([95, 85, 75, 65, 55].map((quality) => sharp(base).jpeg({ quality }).toBuffer()));
    const ids = await Promise.all(copies.map(() => app.handler.sessions.createSession()));
    const answers = await Promise.all(ids.map(({ id }, i) => postJson(app.url, bodyOf(copies[i]), { 'x-liveness-session': id })));
    const scored = answers.filter((r) => r.status === 200).length;
    assert.ok(scored <= 1, `${scored} scored`);
    assert.equal(answers.filter((r) => r.status === 409).length, 5 - scored);
    assert.equal(upstream.state.requests.length, scored);
  });
});

describe('replay across two instances sharing one Redis', () => {
  let pair;
  before(async () => {
    pair = await startRedisPair();
  });
  after(() => pair?.close());

  it('five sessions racing on both instances with one fresh image: exactly one is scored', async () => {
    const { a, b, upstream } = pair;
    const image = await sharp(frame('cap12-20s')).flop().jpeg({ quality: 83 }).toBuffer();
    const ids = await Promise.all(Array.from({ length: 5 }, (_, i) => a.handler.sessions.createSession({ subject: `r-${i}` })));
    const answers = await Promise.all(ids.map(({ id }, i) => postJson((i % 2 ? a : b).url, bodyOf(image), { 'x-liveness-session': id })));
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 409, 409, 409, 409]);
    assert.equal(upstream.state.requests.length, 1);
  });

  it('a re-encoded copy checked on the other instance is IMAGE_REPLAYED, the next frame is scored', async () => {
    const { a, b, redis } = pair;
    const original = frame('franck-150s');
    const { id } = await a.handler.sessions.createSession();
    assert.equal((await postJson(a.url, bodyOf(original), { 'x-liveness-session': id })).status, 200);
    const copy = await sharp(original).resize({ width: 330 }).jpeg({ quality: 60 }).toBuffer();
    const { id: other } = await b.handler.sessions.createSession();
    const res = await postJson(b.url, bodyOf(copy), { 'x-liveness-session': other });
    assert.equal((await res.json()).error_code, 'IMAGE_REPLAYED');
    const { id: third } = await b.handler.sessions.createSession();
    assert.equal((await postJson(b.url, bodyOf(frame('franck-151s')), { 'x-liveness-session': third })).status, 200);
    // Kept for the evidence TTL (30 days by default), in Redis.
    const ttl = await redis.client().pttl('liveness:fp:0:' + (await redis.client().keys('liveness:fp:0:*'))[0].slice('liveness:fp:0:'.length));
    assert.ok(ttl > 29 * 24 * 3600 * 1000, `ttl ${ttl}`);
  });
});

describe('replay in local mode', () => {
  let app;
  after(() => app?.close());

  it('refuses a re-encoded copy of a scored photo before the models run, and the record names the models', async () => {
    app = await startHandler({ mode: 'local', sessions: 'on' });
    await app.handler.warmUp();
    const photo = readFileSync(new URL('../../fixtures/faces/hopper.jpg', import.meta.url));
    // Threshold 0: any score decides the session, so the record exists whatever the models say of this photo.
    const { id } = await app.handler.sessions.createSession({ threshold: 0 });
    const scored = await postJson(app.url, bodyOf(photo), { 'x-liveness-session': id });
    assert.equal(scored.status, 200);
    assert.equal((await scored.json()).success, true);
    const { id: other } = await app.handler.sessions.createSession();
    const copy = await sharp(photo).resize({ width: 400 }).jpeg({ quality: 75 }).toBuffer();
    const res = await postJson(app.url, bodyOf(copy), { 'x-liveness-session': other });
    assert.equal(res.status, 409);
    assert.equal((await res.json()).error_code, 'IMAGE_REPLAYED');
    assert.equal(app.logs.at(-1).outcome, 'image-replayed');
    const jws = await app.handler.sessions.getEvidence(id);
    const [, payload] = jws.split('.');
    const source = JSON.parse(Buffer.from(payload, 'base64url')).source;
    assert.equal(source.mode, 'local');
    assert.match(source.model, /@vladmandic\/human/);
    assert.match(source.version, /^\d+\.\d+\.\d+/);
  });
});
