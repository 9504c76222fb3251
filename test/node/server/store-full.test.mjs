// A memory store filled with sessions: sessions never used go at their TTL and are evicted before anything in
// use; a full store refuses new sessions with 503 SESSION_STORE_FULL (logged) and keeps serving the sessions in
// use. Through the real handler and session routes on loopback, as the command serves them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  StoreFullError,
  createLivenessHandler,
  createLivenessSessions,
  createMemoryStore,
  createSessionRoutes,
  toNodeMiddleware,
} from '../../../dist/server/index.js';
import { close, listen, postJson, startUpstream } from './support.mjs';

const KEY = 'k'.repeat(20);
const TOKEN = 'admin-token-0123456789abcdef';
const bodyOf = (text) => JSON.stringify({ data: Buffer.from(text).toString('base64') });
const scoreAnswer = (p) => JSON.stringify({ success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: p } });

describe('memory store eviction', () => {
  it('evicts evictable keys, oldest first, for keys in use; refuses an evictable key when full', async () => {
    const store = createMemoryStore({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) assert.equal(await store.add(key, '1', 60_000, { evictable: true }), true);
    await assert.rejects(store.add('d', '1', 60_000, { evictable: true }), StoreFullError);
    assert.equal(await store.add('used', '1', 60_000), true);
    assert.equal(await store.increment('count', 60_000), 1);
    assert.deepEqual(await Promise.all(['a', 'b', 'c'].map((k) => store.get(k))), [null, null, '1']);
    assert.equal(await store.add('more', '1', 60_000), true);
    await assert.rejects(store.add('full', '1', 60_000), StoreFullError, 'nothing evictable is left');
    assert.equal(await store.get('used'), '1');
  });

  it('a session never used does not outlive its TTL; a used one stays readable', async () => {
    // One clock for the sessions and their store, moved by the test: nothing expires before the test says so.
    let now = Date.now();
    const clock = () => now;
    const sessions = createLivenessSessions({ store: createMemoryStore({ now: clock }), ttlSeconds: 60, now: clock });
    const unused = await sessions.createSession();
    const used = await sessions.createSession();
    const opened = await sessions.open(used.id);
    assert.equal(await sessions.beginAttempt(opened.session), 1);
    now = Date.parse(used.expiresAt) + 1;
    assert.equal(await sessions.getSessionResult(unused.id), null);
    assert.equal((await sessions.getSessionResult(used.id)).state, 'expired');
    assert.deepEqual(await sessions.open(used.id), { ok: false, code: 'SESSION_EXPIRED' });
  });
});

describe('a full memory store behind the session routes', () => {
  let upstream;
  let server;
  let url;
  const logs = [];
  before(async () => {
    upstream = await startUpstream({ body: scoreAnswer(0.2) });
    const log = (record) => logs.push(record);
    const handler = createLivenessHandler({ env: {}, apiKey: KEY, baseUrl: upstream.url, log, store: createMemoryStore({ maxEntries: 40 }) });
    const routes = createSessionRoutes(handler.sessions, { adminToken: TOKEN, log });
    server = createServer(toNodeMiddleware(async (request, context) => (await routes(request, context)) ?? handler(request, context)));
    url = await listen(server);
  });
  after(async () => {
    await close(server);
    await upstream.close();
  });
  const admin = { authorization: `Bearer ${TOKEN}` };
  const check = (id, text) => postJson(url, bodyOf(text), { 'x-liveness-session': id });

  it('refuses new sessions with a logged 503 and keeps serving the session in use', async () => {
    const open = await postJson(`${url}/sessions`, {}, admin);
    assert.equal(open.status, 201);
    const { id } = await open.json();
    const first = await check(id, 'first image');
    assert.equal(first.status, 200);
    assert.equal((await first.json()).model_output.prob_real, 0.2);

    const flood = [];
    let refused;
    for (let i = 0; i < 100 && !refused; i++) {
      const res = await postJson(`${url}/sessions`, {}, admin);
      if (res.status === 201) flood.push((await res.json()).id);
      else refused = res;
    }
    assert.ok(refused, 'the store filled up');
    assert.equal(refused.status, 503);
    assert.equal((await refused.json()).error_code, 'SESSION_STORE_FULL');
    const logged = logs.filter((r) => r.event === 'liveness-admin' && r.outcome === 'store-full');
    assert.equal(logged.length, 1);
    assert.equal(logged[0].status, 503);
    assert.equal(logged[0].level, 'error');

    // The session in use makes more attempts: room is made by dropping sessions never used, oldest first.
    for (const text of ['second image', 'third image']) {
      const res = await check(id, text);
      assert.equal(res.status, 200, text);
      assert.equal((await res.json()).model_output.prob_real, 0.2);
    }
    const result = await (await fetch(`${url}/sessions/${id}`, { headers: admin })).json();
    assert.equal(result.state, 'failed');
    assert.equal(result.attempts, 3);
    assert.equal((await fetch(`${url}/sessions/${flood[0]}`, { headers: admin })).status, 404, 'the oldest unused session made room');
    assert.equal((await fetch(`${url}/sessions/${flood.at(-1)}`, { headers: admin })).status, 200, 'the newest is still there');
    assert.equal((await postJson(`${url}/sessions`, {}, admin)).status, 503, 'still full for new sessions');
    assert.equal(logs.filter((r) => r.status >= 500 && r.outcome !== 'store-full').length, 0);
  });
});
