// Sessions through the real handler on loopback (proxy mode against a fake upstream): every refusal comes
// before any upstream call, the session fixes model and threshold, tokens are bound to it, a replayed image is
// refused, and two instances sharing one real Redis share sessions and rate limits.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLivenessSessions, createRedisStore, verifyVerdict } from '../../../dist/server/index.js';
import { SAMPLE_BODY, postJson, startHandler, startUpstream } from './support.mjs';
import { startRedis } from '../../../scripts/redis.mjs';

const SECRET = 'session-secret-0123456789abcdef-0123456789';
const KEY = 'k'.repeat(20);
const bodyOf = (text) => JSON.stringify({ data: Buffer.from(text).toString('base64') });
const scoreAnswer = (p) => JSON.stringify({ success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: p } });

describe('sessions in the handler', () => {
  let upstream;
  let app;
  before(async () => {
    upstream = await startUpstream();
    app = await startHandler({ apiKey: KEY, baseUrl: upstream.url, verdictSecret: SECRET, sessions: { maxAttempts: 2 } });
  });
  after(async () => {
    await app.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.state.requests.length = 0;
    upstream.state.script = { status: 200, body: scoreAnswer(0.9), headers: {} };
  });
  const post = (id, body = SAMPLE_BODY, path = '/') =>
    postJson(new URL(path, app.url), body, id === undefined ? {} : { 'x-liveness-session': id });

  it('is on by default once a verdict secret is configured', () => {
    assert.equal(app.handler.config.sessions, true);
    assert.equal(typeof app.handler.sessions.createSession, 'function');
  });

  it('refuses a missing, unknown, expired or closed session before any upstream call', async () => {
    const expectRefusal = async (res, status, code) => {
      assert.equal(res.status, status);
      assert.equal((await res.json()).error_code, code);
    };
    await expectRefusal(await post(undefined), 401, 'SESSION_REQUIRED');
    await expectRefusal(await post('A'.repeat(22)), 401, 'SESSION_UNKNOWN');
    await expectRefusal(await post('not a session id'), 401, 'SESSION_UNKNOWN');
    // A session never used is forgotten when its time is up (SESSION_EXPIRED is for one that was used).
    const short = createLivenessSessions({ store: app.handler.sessions.store, ttlSeconds: 0.001 });
    const { id: expired, expiresAt } = await short.createSession();
    while (Date.now() < Date.parse(expiresAt)) await new Promise((r) => setTimeout(r, 5));
    await expectRefusal(await post(expired), 401, 'SESSION_UNKNOWN');
    const { id } = await app.handler.sessions.createSession();
    assert.equal((await post(id, bodyOf('first image'))).status, 200);
    await expectRefusal(await post(id, bodyOf('second image')), 409, 'SESSION_CLOSED');
    assert.equal(upstream.state.requests.length, 1, 'only the one valid request reached upstream');
    assert.equal(app.logs.at(-1).outcome, 'session-refused');
    assert.equal(app.logs.at(-1).errorCode, 'SESSION_CLOSED');
  });

  it('takes model and threshold from the session, never from the path', async () => {
    const { id } = await app.handler.sessions.createSession({ variant: 'antispoofing', threshold: 0.95 });
    const json = await (await post(id, bodyOf('robust try'), '/robust')).json();
    assert.equal(upstream.state.requests.at(-1).path, '/antispoofing');
    assert.equal(json.verdict.decision, 'fail', '0.9 is not above the session threshold 0.95');
    assert.equal(json.verdict.threshold, 0.95);
    const verified = await verifyVerdict(json.verdict.token, SECRET, { session: id, decision: 'any' });
    assert.equal(verified.valid, true);
    assert.equal(verified.threshold, 0.95);
  });

  it('binds the token to session, subject and audience, and the result reads server-side', async () => {
    const { id } = await app.handler.sessions.createSession({ subject: 'user-7' });
    const json = await (await post(id, bodyOf('bound image'))).json();
    assert.equal(json.verdict.decision, 'pass');
    const token = json.verdict.token;
    const ok = await verifyVerdict(token, SECRET, { session: id, subject: 'user-7', store: app.handler.sessions.store });
    assert.equal(ok.valid, true);
    assert.equal(ok.session, id);
    assert.equal(ok.subject, 'user-7');
    assert.deepEqual(await verifyVerdict(token, SECRET, { session: id, store: app.handler.sessions.store }), { valid: false, reason: 'replayed' });
    const { id: other } = await app.handler.sessions.createSession({ subject: 'user-7' });
    assert.deepEqual(await verifyVerdict(token, SECRET, { session: other }), { valid: false, reason: 'wrong-session' });
    const result = await app.handler.sessions.getSessionResult(id);
    assert.equal(result.state, 'passed');
    assert.equal(result.probReal, 0.9);
    assert.equal(result.attempts, 1);
    assert.equal((await app.handler.sessions.consumeSessionResult(id)).state, 'passed');
    assert.equal(await app.handler.sessions.consumeSessionResult(id), null);
  });

  it('carries the page origin as the audience', async () => {
    const { id } = await app.handler.sessions.createSession();
    const json = await (await postJson(app.url, bodyOf('origin image'), { 'x-liveness-session': id, origin: app.url })).json();
    assert.equal((await verifyVerdict(json.verdict.token, SECRET, { session: id, audience: app.url })).valid, true);
    assert.deepEqual(await verifyVerdict(json.verdict.token, SECRET, { session: id, audience: 'http://other.example' }), { valid: false, reason: 'wrong-audience' });
  });

  it('refuses a byte-identical image in another session with IMAGE_REPLAYED, before any upstream call', async () => {
    const body = bodyOf('one good picture');
    const { id: first } = await app.handler.sessions.createSession();
    assert.equal((await post(first, body)).status, 200);
    const { id: second } = await app.handler.sessions.createSession();
    const before = upstream.state.requests.length;
    const res = await post(second, body);
    assert.equal(res.status, 409);
    assert.equal((await res.json()).error_code, 'IMAGE_REPLAYED');
    assert.equal(upstream.state.requests.length, before);
    assert.equal((await app.handler.sessions.getSessionResult(second)).attempts, 0, 'a refused replay costs no attempt');
  });

  it('a failing attempt leaves the session open until the last one', async () => {
    upstream.state.script = { status: 200, body: scoreAnswer(0.2), headers: {} };
    const { id } = await app.handler.sessions.createSession();
    assert.equal((await (await post(id, bodyOf('try 1'))).json()).verdict.decision, 'fail');
    assert.equal((await app.handler.sessions.getSessionResult(id)).state, 'open');
    assert.equal((await (await post(id, bodyOf('try 2'))).json()).verdict.decision, 'fail');
    const result = await app.handler.sessions.getSessionResult(id);
    assert.equal(result.state, 'failed');
    assert.equal(result.attempts, 2);
    assert.equal((await post(id, bodyOf('try 3'))).status, 409);
  });

  it('lets the session header through CORS preflight', async () => {
    const res = await fetch(app.url, { method: 'OPTIONS', headers: { origin: app.url, 'access-control-request-method': 'POST' } });
    assert.match(res.headers.get('access-control-allow-headers'), /x-liveness-session/);
  });
});

describe('two instances sharing one Redis', () => {
  let redis;
  let upstream;
  let a;
  let b;
  before(async () => {
    redis = await startRedis();
    upstream = await startUpstream({ body: scoreAnswer(0.9) });
    const options = { apiKey: KEY, baseUrl: upstream.url, verdictSecret: SECRET, rateLimit: { requestsPerMinute: 5, burst: 5, key: (request) => request.headers.get('x-client') ?? undefined } };
    a = await startHandler({ ...options, store: createRedisStore(redis.client()) });
    b = await startHandler({ ...options, store: createRedisStore(redis.client()) });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await upstream?.close();
    await redis?.stop();
  });

  it('a session opened on one and decided on the other is closed on both and consumed once', async () => {
    const { id } = await a.handler.sessions.createSession({ subject: 'shared-user' });
    const res = await postJson(b.url, bodyOf('shared image'), { 'x-liveness-session': id });
    assert.equal((await res.json()).verdict.decision, 'pass');
    assert.equal((await a.handler.sessions.getSessionResult(id)).state, 'passed');
    const again = await postJson(a.url, bodyOf('shared image 2'), { 'x-liveness-session': id });
    assert.equal(again.status, 409);
    assert.equal((await again.json()).error_code, 'SESSION_CLOSED');
    const consumed = await Promise.all([a, b, a, b].map((x) => x.handler.sessions.consumeSessionResult(id)));
    assert.equal(consumed.filter(Boolean).length, 1);
    // A replayed image is recognised by the other instance too.
    const { id: next } = await b.handler.sessions.createSession({ subject: 'shared-user' });
    const replay = await postJson(a.url, bodyOf('shared image'), { 'x-liveness-session': next });
    assert.equal((await replay.json()).error_code, 'IMAGE_REPLAYED');
  });

  it('shares one rate limit: the sixth request within the window is limited, whichever instance gets it', async () => {
    // The limit counts in fixed one-minute windows: a run that straddles a window boundary is run again.
    const windowOf = () => Math.floor(Date.now() / 60_000);
    let statuses;
    for (let run = 0; run < 3; run++) {
      const start = windowOf();
      const client = `client-${run}-${Math.random()}`;
      statuses = [];
      for (let i = 0; i < 8; i++) {
        const target = i % 2 ? a : b;
        // No session: refused with 401 once the rate limit has let the request through.
        statuses.push((await postJson(target.url, SAMPLE_BODY, { 'x-client': client })).status);
      }
      if (windowOf() === start) break;
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
  });
});
