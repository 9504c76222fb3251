// Evidence records: one signed record per decided session, readable from every instance on a shared real Redis,
// verified with the served JWKS; any tampering, another algorithm or another key fails closed. The
// `x-liveness-capture` header is parsed into the record defensively and never reaches the upstream.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, generateKeyPairSync } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  createEvidenceSigner,
  createSessionRoutes,
  verifyEvidence,
} from '../../../dist/server/index.js';
import { postJson, startRedisPair } from './support.mjs';

const KEY = 'k'.repeat(20);
const ADMIN = 'admin-token-0123456789';
const pem = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' });
const scoreAnswer = (p) => JSON.stringify({ success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: p } });
const imageOf = (text) => Buffer.from(`\xff\xd8\xff\xe0${text}`, 'latin1');
const bodyOf = (image) => JSON.stringify({ data: image.toString('base64') });
const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');
/** An `x-liveness-capture` header as the element sends it. */
export const captureHeader = (flags = [], extra = {}) =>
  Buffer.from(JSON.stringify({ version: '0.2.0', integrity: { v: 1, camera: { label: 'Integrated Camera', kind: 'physical' }, flags }, quality: { brightness: 0.5, sharpness: 0.8 }, ...extra })).toString('base64url');

describe('evidence records on two instances sharing one Redis', () => {
  let pair;
  let upstream;
  let a;
  let b;
  let routes;
  before(async () => {
    pair = await startRedisPair({ env: { LIVENESS_EVIDENCE_KEY: pem() } }, { body: scoreAnswer(0.9) });
    ({ upstream, a, b } = pair);
    routes = createSessionRoutes(a.handler.sessions, { adminToken: ADMIN });
  });
  after(() => pair?.close());
  const admin = (path, method = 'GET') =>
    routes(new Request(new URL(path, a.url), { method, headers: { authorization: `Bearer ${ADMIN}` } }));

  it('a session opened on one and decided on the other has one record that verifies with the JWKS', async () => {
    assert.equal(a.handler.config.evidence, 'configured');
    const { id } = await a.handler.sessions.createSession({ subject: 'user-42' });
    upstream.state.script.body = scoreAnswer(0.2);
    const first = imageOf('first attempt');
    assert.equal((await postJson(b.url, bodyOf(first), { 'x-liveness-session': id })).status, 200);
    assert.equal(await a.handler.sessions.getEvidence(id), null, 'no record while the session is open');
    upstream.state.script.body = scoreAnswer(0.9);
    const second = imageOf('second attempt');
    const res = await postJson(b.url, bodyOf(second), {
      'x-liveness-session': id,
      'x-liveness-capture': captureHeader(['track-interrupted']),
      origin: b.url,
      'user-agent': 'evidence-test/1',
    });
    assert.equal((await res.json()).verdict.decision, 'pass');

    const answer = await admin(`/sessions/${id}/evidence`);
    assert.equal(answer.status, 200);
    const { evidence } = await answer.json();
    assert.equal(evidence, await b.handler.sessions.getEvidence(id), 'the same single record on both instances');
    const jwks = await (await fetch(new URL('/.well-known/jwks.json', a.url))).json();
    assert.deepEqual(jwks, await (await fetch(new URL('/.well-known/jwks.json', b.url))).json());
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0].crv, 'Ed25519');
    assert.equal(jwks.keys[0].d, undefined, 'no private part in the JWKS');

    const verified = await verifyEvidence(evidence, { jwks });
    assert.equal(verified.valid, true);
    const record = verified.evidence;
    assert.equal(record.session, id);
    assert.equal(record.subject, 'user-42');
    assert.equal(record.decision, 'pass');
    assert.equal(record.probReal, 0.9);
    assert.equal(record.threshold, 0.55);
    assert.equal(record.variant, 'antispoofing');
    assert.equal(record.camera, 'any');
    assert.deepEqual(record.source, { mode: 'proxy', baseUrl: upstream.url });
    assert.equal(record.attempts.length, 2);
    const [one, two] = record.attempts;
    assert.equal(one.n, 1);
    assert.equal(one.decision, 'fail');
    assert.equal(one.probReal, 0.2);
    assert.equal(one.imageSha256, sha(first));
    assert.deepEqual(one.capture, { status: 'absent' });
    assert.equal(two.imageSha256, sha(second));
    assert.equal(two.bytes, second.length);
    assert.equal(two.outcome, 'scored');
    assert.equal(two.origin, b.url);
    assert.equal(two.userAgent, 'evidence-test/1');
    assert.equal(two.capture.status, 'ok');
    assert.deepEqual(two.capture.integrity.flags, ['track-interrupted']);
    assert.equal(two.capture.version, '0.2.0');
    assert.equal(two.capture.quality.sharpness, 0.8);
    assert.ok(Date.parse(record.openedAt) <= Date.parse(record.decidedAt));

    // The header went nowhere but the record.
    assert.ok(upstream.state.requests.length >= 2);
    for (const r of upstream.state.requests) assert.equal(r.headers['x-liveness-capture'], undefined);
  });

  it('fails closed on every changed character, alg none, HS256 with the public key, and another key', async () => {
    const { id } = await a.handler.sessions.createSession();
    await postJson(a.url, bodyOf(imageOf('tamper me')), { 'x-liveness-session': id });
    const jws = await a.handler.sessions.getEvidence(id);
    const jwks = await a.handler.sessions.evidence.jwks();
    assert.equal((await verifyEvidence(jws, { jwks })).valid, true);
    assert.equal((await verifyEvidence(jws, { publicKey: jwks.keys[0] })).valid, true);

    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let checked = 0;
    for (let i = 0; i < jws.length; i++) {
      if (jws[i] === '.') continue;
      const changed = alphabet[(alphabet.indexOf(jws[i]) + 1) % 64];
      const result = await verifyEvidence(jws.slice(0, i) + changed + jws.slice(i + 1), { jwks });
      assert.equal(result.valid, false, `character ${i} changed`);
      checked += 1;
    }
    assert.ok(checked > 200);

    const [, payload] = jws.split('.');
    const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${enc({ alg: 'none', typ: 'liveness-evidence+jws' })}.${payload}.`;
    assert.deepEqual(await verifyEvidence(none, { jwks }), { valid: false, reason: 'algorithm' });
    const hsHead = enc({ alg: 'HS256', typ: 'liveness-evidence+jws', kid: jwks.keys[0].kid });
    const hs = `${hsHead}.${payload}.${createHmac('sha256', Buffer.from(jwks.keys[0].x, 'base64url')).update(`${hsHead}.${payload}`).digest('base64url')}`;
    assert.equal((await verifyEvidence(hs, { jwks })).valid, false);
    assert.equal((await verifyEvidence(hs, { publicKey: jwks.keys[0] })).valid, false);

    // Another key: refused by kid, and refused by signature when it claims the right kid.
    const other = createEvidenceSigner(pem());
    const record = (await verifyEvidence(jws, { jwks })).evidence;
    const forged = await other.sign({ ...record, decision: 'pass' });
    assert.deepEqual(await verifyEvidence(forged, { jwks }), { valid: false, reason: 'unknown-key' });
    const otherKid = (await other.jwks()).keys[0].kid;
    const [forgedHead, forgedBody, forgedSig] = forged.split('.');
    const relabelled = enc({ ...JSON.parse(Buffer.from(forgedHead, 'base64url')), kid: jwks.keys[0].kid });
    assert.notEqual(otherKid, jwks.keys[0].kid);
    assert.equal((await verifyEvidence(`${relabelled}.${forgedBody}.${forgedSig}`, { jwks })).valid, false);
    assert.equal((await verifyEvidence(forged, { publicKey: jwks.keys[0] })).valid, false);
    assert.equal((await verifyEvidence('not a jws', { jwks })).valid, false);
    assert.equal((await verifyEvidence(42, { jwks })).valid, false);
  });

  it('records a malformed header as malformed and trusts nothing in it', async () => {
    const big = Buffer.from(JSON.stringify({ integrity: { flags: [] }, pad: 'x'.repeat(5000) })).toString('base64url');
    const cases = [
      ['not base64url!', 'not base64url'],
      [Buffer.from('{"integrity":').toString('base64url'), 'not JSON'],
      [Buffer.from('[1,2]').toString('base64url'), 'not a JSON object'],
      [Buffer.from('{"integrity":{"flags":"virtual-camera"}}').toString('base64url'), 'integrity.flags is not a list of flag names'],
      [big, 'over 4096 bytes'],
    ];
    const jwks = await a.handler.sessions.evidence.jwks();
    for (const [i, [header, reason]] of cases.entries()) {
      const { id } = await a.handler.sessions.createSession();
      const res = await postJson(a.url, bodyOf(imageOf(`malformed ${i}`)), { 'x-liveness-session': id, 'x-liveness-capture': header });
      assert.equal(res.status, 200, `case ${i} is scored: policy any`);
      const record = (await verifyEvidence(await a.handler.sessions.getEvidence(id), { jwks })).evidence;
      assert.deepEqual(record.attempts.map((x) => x.capture), [{ status: 'malformed', reason }], `case ${i}`);
    }
  });

  it('serves the record only with the admin token, and 404 for an undecided session', async () => {
    const { id } = await a.handler.sessions.createSession();
    assert.equal((await admin(`/sessions/${id}/evidence`)).status, 404);
    const anonymous = await routes(new Request(new URL(`/sessions/${id}/evidence`, a.url)));
    assert.equal(anonymous.status, 401);
  });
});

describe('evidence key', () => {
  it('loads PKCS#8 PEM and JWK, refuses other keys, and makes an ephemeral key without one', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const fromPem = createEvidenceSigner(privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const fromJwk = createEvidenceSigner(JSON.stringify(privateKey.export({ format: 'jwk' })));
    assert.deepEqual(await fromPem.jwks(), await fromJwk.jwks());
    assert.equal(fromPem.ephemeral, false);
    assert.equal(createEvidenceSigner().ephemeral, true);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' });
    assert.throws(() => createEvidenceSigner(rsa), /Ed25519/);
    assert.throws(() => createEvidenceSigner('not a key'), /PKCS#8 PEM/);
    const publicJwk = JSON.stringify((await fromPem.jwks()).keys[0]);
    assert.throws(() => createEvidenceSigner(publicJwk), /private|PKCS#8/);
  });

  const CLI = fileURLToPath(new URL('../../../dist/server/adapters/cli.js', import.meta.url));
  /** Runs the command until it listens (then stops it) or exits; resolves with its stderr and exit code. */
  const startUp = (env, args = []) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, '--port', '0', '--quiet', ...args], {
        env: { PATH: process.env.PATH, SPOOFSENSE_API_KEY: KEY, SPOOFSENSE_BASE_URL: 'http://127.0.0.1:9', LIVENESS_ADMIN_TOKEN: ADMIN, ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      let jwks;
      child.stderr.on('data', (c) => {
        stderr += c;
        const listening = /listening on (http:\/\/\S+)/.exec(stderr);
        if (listening && jwks === undefined) {
          jwks = fetch(`${listening[1]}/.well-known/jwks.json`)
            .then((r) => r.json())
            .finally(() => child.kill('SIGTERM'));
        }
      });
      child.on('exit', async (code) => resolve({ code, stderr, jwks: await jwks?.catch((error) => error) }));
    });

  it('the command says at start-up whether its key is configured or ephemeral, and refuses a bad one', async () => {
    assert.match((await startUp({})).stderr, /EPHEMERAL key \(LIVENESS_EVIDENCE_KEY not set\)/);
    const key = pem();
    const configured = await startUp({ LIVENESS_EVIDENCE_KEY: key });
    assert.match(configured.stderr, /signed with LIVENESS_EVIDENCE_KEY/);
    assert.deepEqual(configured.jwks, await createEvidenceSigner(key).jwks(), 'the command serves the key set');
    assert.doesNotMatch(configured.stderr, /EPHEMERAL/);
    assert.doesNotMatch(configured.stderr, /--keep-images/);
    assert.match((await startUp({}, ['--keep-images'])).stderr, /--keep-images: attempt images are kept .*biometric/);
    const bad = await startUp({ LIVENESS_EVIDENCE_KEY: 'garbage' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /evidence key/);
  });
});
