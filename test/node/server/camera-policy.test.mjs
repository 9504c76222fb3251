// The camera policy of a session: each policy refuses exactly what it should with CAPTURE_REJECTED (422), before
// any upstream call; a refusal counts as an attempt and is in the evidence record.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSessionRoutes, verifyEvidence } from '../../../dist/server/index.js';
import { postJson, startHandler, startUpstream } from './support.mjs';

const ADMIN = 'admin-token-0123456789';
let counter = 0;
const freshBody = () => JSON.stringify({ data: Buffer.from(`\xff\xd8\xff\xe0 policy image ${counter++}`, 'latin1').toString('base64') });
const header = (flags) => Buffer.from(JSON.stringify({ version: '0.2.0', integrity: { v: 1, flags }, quality: {} })).toString('base64url');

/** What each policy must do with each capture report: true = refused. */
const CASES = {
  'no header': [undefined, { any: false, 'no-virtual': false, strict: true }],
  malformed: ['%%%', { any: false, 'no-virtual': false, strict: true }],
  'no flags': [header([]), { any: false, 'no-virtual': false, strict: false }],
  'virtual-camera': [header(['virtual-camera']), { any: false, 'no-virtual': true, strict: true }],
  'still-image': [header(['still-image']), { any: false, 'no-virtual': false, strict: true }],
  'looped-video': [header(['looped-video']), { any: false, 'no-virtual': false, strict: true }],
  frozen: [header(['frozen']), { any: false, 'no-virtual': false, strict: true }],
  'infrared-camera': [header(['infrared-camera']), { any: false, 'no-virtual': false, strict: false }],
  'track-interrupted': [header(['track-interrupted']), { any: false, 'no-virtual': false, strict: false }],
};

describe('camera policy per session', () => {
  let upstream;
  let app;
  let routes;
  before(async () => {
    upstream = await startUpstream();
    app = await startHandler({ apiKey: 'k'.repeat(20), baseUrl: upstream.url, sessions: 'on' });
    routes = createSessionRoutes(app.handler.sessions, { adminToken: ADMIN });
  });
  after(async () => {
    await app?.close();
    await upstream?.close();
  });

  for (const policy of ['any', 'no-virtual', 'strict']) {
    it(`${policy} refuses what it should and nothing else`, async () => {
      for (const [name, [value, expected]] of Object.entries(CASES)) {
        const { id } = await app.handler.sessions.createSession({ camera: policy });
        const before = upstream.state.requests.length;
        const res = await postJson(app.url, freshBody(), { 'x-liveness-session': id, ...(value ? { 'x-liveness-capture': value } : {}) });
        const body = await res.json();
        const result = await app.handler.sessions.getSessionResult(id);
        assert.equal(result.camera, policy);
        assert.equal(result.attempts, 1, `${policy} / ${name}: one attempt counted either way`);
        if (expected[policy]) {
          assert.equal(res.status, 422, `${policy} / ${name}`);
          assert.equal(body.error_code, 'CAPTURE_REJECTED');
          assert.equal(upstream.state.requests.length, before, `${policy} / ${name}: no upstream call`);
          assert.equal(app.logs.at(-1).outcome, 'capture-rejected');
          assert.match(app.logs.at(-1).detail, new RegExp(`camera policy ${policy}`));
        } else {
          assert.equal(res.status, 200, `${policy} / ${name}`);
          assert.equal(body.success, true);
          assert.equal(upstream.state.requests.length, before + 1);
        }
      }
    });
  }

  it('a refusal on the last attempt decides the session as failed, and the record shows every refusal', async () => {
    const { id } = await app.handler.sessions.createSession({ camera: 'strict', subject: 'policy-user' });
    for (let i = 0; i < 3; i++) {
      const res = await postJson(app.url, freshBody(), { 'x-liveness-session': id, 'x-liveness-capture': header(['frozen']) });
      assert.equal(res.status, 422);
    }
    const refusedAgain = await postJson(app.url, freshBody(), { 'x-liveness-session': id, 'x-liveness-capture': header([]) });
    assert.equal((await refusedAgain.json()).error_code, 'SESSION_CLOSED');
    const result = await app.handler.sessions.getSessionResult(id);
    assert.equal(result.state, 'failed');
    const verified = await verifyEvidence(await app.handler.sessions.getEvidence(id), { jwks: await app.handler.sessions.evidence.jwks() });
    assert.equal(verified.valid, true);
    assert.equal(verified.evidence.decision, 'fail');
    assert.equal(verified.evidence.camera, 'strict');
    assert.deepEqual(verified.evidence.attempts.map((a) => a.outcome), ['CAPTURE_REJECTED', 'CAPTURE_REJECTED', 'CAPTURE_REJECTED']);
    assert.deepEqual(verified.evidence.attempts.map((a) => a.capture.integrity.flags), [['frozen'], ['frozen'], ['frozen']]);
  });

  it('POST /sessions takes the camera field and refuses an unknown one; createSession too', async () => {
    const post = (body) =>
      routes(new Request(new URL('/sessions', app.url), { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    const created = await post({ camera: 'no-virtual' });
    assert.equal(created.status, 201);
    const { id } = await created.json();
    assert.equal((await app.handler.sessions.getSessionResult(id)).camera, 'no-virtual');
    const bad = await post({ camera: 'physical' });
    assert.equal(bad.status, 400);
    assert.equal((await post({})).status, 201);
    const { id: plain } = await (await post({})).json();
    assert.equal((await app.handler.sessions.getSessionResult(plain)).camera, 'any', 'default any');
    await assert.rejects(app.handler.sessions.createSession({ camera: 'physical' }), /camera must be/);
  });
});
