// Audit images (opt-in): kept byte for byte with the record, served to the admin only, gone after DELETE and after
// the evidence TTL (an injected clock for the memory store; the TTL Redis holds for the Redis store).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createLivenessSessions,
  createMemoryStore,
  createSessionRoutes,
  verifyEvidence,
} from '../../../dist/server/index.js';
import { postJson, startHandler, startRedisPair, startUpstream } from './support.mjs';

const KEY = 'k'.repeat(20);
const ADMIN = 'admin-token-0123456789';
const photo = (name) => readFileSync(new URL(`../../fixtures/faces/${name}.jpg`, import.meta.url));
const bodyOf = (image) => JSON.stringify({ data: Buffer.from(image).toString('base64') });
const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');
const score = (p) => JSON.stringify({ success: true, message: 'ok', model_output: { pred_idx: 'real', prob_real: p } });
const HOUR = 3600;

function adminOf(sessions, url) {
  const routes = createSessionRoutes(sessions, { adminToken: ADMIN });
  return async (path, method = 'GET') => routes(new Request(new URL(path, url), { method, headers: { authorization: `Bearer ${ADMIN}` } }));
}

describe('audit images in the memory store (injected clock)', () => {
  let upstream;
  let app;
  let admin;
  let now = Date.now();
  const clock = () => now;
  before(async () => {
    upstream = await startUpstream();
    const sessions = createLivenessSessions({ store: createMemoryStore({ now: clock }), now: clock, evidenceTtlSeconds: 2 * HOUR, keepImages: true });
    app = await startHandler({ apiKey: KEY, baseUrl: upstream.url, sessions });
    admin = adminOf(sessions, app.url);
  });
  after(async () => {
    await app?.close();
    await upstream?.close();
  });

  const decide = async (images) => {
    const { id } = await app.handler.sessions.createSession();
    for (const [i, image] of images.entries()) {
      upstream.state.script.body = score(i === images.length - 1 ? 0.9 : 0.2);
      assert.equal((await postJson(app.url, bodyOf(image), { 'x-liveness-session': id })).status, 200);
    }
    return id;
  };

  it('serves each attempt image byte for byte, whose SHA-256 is the record\'s, to the admin only', async () => {
    const images = [photo('hopper'), photo('obama')];
    const id = await decide(images);
    const record = (await verifyEvidence(await app.handler.sessions.getEvidence(id), { jwks: await app.handler.sessions.evidence.jwks() })).evidence;
    assert.equal(record.attempts.length, 2);
    for (const [i, image] of images.entries()) {
      const res = await admin(`/sessions/${id}/images/${i + 1}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/jpeg');
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.ok(bytes.equals(image), `image ${i + 1} byte for byte`);
      assert.equal(sha(bytes), record.attempts[i].imageSha256);
      assert.equal(record.attempts[i].imageKept, true);
      assert.equal(record.attempts[i].width > 0 && record.attempts[i].height > 0, true, 'pixel size from the header');
    }
    for (const n of ['3', '0', 'x', '01']) assert.equal((await admin(`/sessions/${id}/images/${n}`)).status, 404, n);
    const routes = createSessionRoutes(app.handler.sessions, { adminToken: ADMIN });
    assert.equal((await routes(new Request(new URL(`/sessions/${id}/images/1`, app.url)))).status, 401);
  });

  it('DELETE removes the session, its record and its images at once', async () => {
    const id = await decide([photo('franck')]);
    assert.equal((await admin(`/sessions/${id}/images/1`)).status, 200);
    assert.equal((await admin(`/sessions/${id}`, 'DELETE')).status, 204);
    assert.equal((await admin(`/sessions/${id}/images/1`)).status, 404);
    assert.equal((await admin(`/sessions/${id}/evidence`)).status, 404);
    assert.equal((await admin(`/sessions/${id}`)).status, 404);
    assert.equal(await app.handler.sessions.getEvidence(id), null);
    assert.equal((await admin(`/sessions/${id}`, 'DELETE')).status, 404);
  });

  it('record and images are gone after the evidence TTL, and not before', async () => {
    const id = await decide([photo('fa6-mid')]);
    now += 2 * HOUR * 1000 - 1000;
    assert.notEqual(await app.handler.sessions.getEvidence(id), null);
    assert.notEqual(await app.handler.sessions.getImage(id, 1), null);
    now += 2000;
    assert.equal(await app.handler.sessions.getEvidence(id), null);
    assert.equal(await app.handler.sessions.getImage(id, 1), null);
    assert.equal((await admin(`/sessions/${id}/images/1`)).status, 404);
  });
});

describe('audit images off by default', () => {
  it('keeps no image and says so in the record', async () => {
    const upstream = await startUpstream();
    const app = await startHandler({ apiKey: KEY, baseUrl: upstream.url, sessions: 'on' });
    try {
      const { id } = await app.handler.sessions.createSession();
      assert.equal((await postJson(app.url, bodyOf(photo('fa3-right')), { 'x-liveness-session': id })).status, 200);
      assert.equal(await app.handler.sessions.getImage(id, 1), null);
      const record = (await verifyEvidence(await app.handler.sessions.getEvidence(id), { jwks: await app.handler.sessions.evidence.jwks() })).evidence;
      assert.equal(record.attempts[0].imageKept, undefined);
      assert.equal(app.handler.sessions.keepImages, false);
    } finally {
      await app.close();
      await upstream.close();
    }
  });
});

describe('audit images in Redis, two instances', () => {
  let pair;
  before(async () => {
    pair = await startRedisPair({ keepImages: true, evidenceTtlSeconds: 7 * 24 * HOUR });
  });
  after(() => pair?.close());

  it('kept with the evidence TTL, read on the other instance, deleted from there', async () => {
    const { a, b, redis } = pair;
    const image = photo('fa6-left');
    const { id } = await a.handler.sessions.createSession();
    assert.equal((await postJson(a.url, bodyOf(image), { 'x-liveness-session': id })).status, 200);
    const client = redis.client();
    const ttl = 7 * 24 * HOUR * 1000;
    for (const key of [`liveness:ev:${id}`, `liveness:s:${id}:i:1`]) {
      const left = await client.pttl(key);
      assert.ok(left > ttl - 60_000 && left <= ttl, `${key}: ${left}`);
    }
    const adminB = adminOf(b.handler.sessions, b.url);
    assert.ok(Buffer.from(await (await adminB(`/sessions/${id}/images/1`)).arrayBuffer()).equals(image));
    assert.equal((await adminB(`/sessions/${id}`, 'DELETE')).status, 204);
    assert.deepEqual(await client.keys(`liveness:*${id}*`), []);
  });
});
