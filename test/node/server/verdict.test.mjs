// The signed verdict: round trip through the real handler, tampering, wrong secret, expiry, future dates,
// replay, and the strict greater-than decision.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createLivenessHandler, createNonceStore, verifyVerdict } from '../../../dist/server/index.js';
import { SAMPLE_BODY, postJson, startHandler, startUpstream } from './support.mjs';

const SECRET = 'verdict-secret-0123456789abcdef';

/** Flips one base64url character at `index` into another valid one. */
function flip(text, index) {
  const c = text[index];
  return text.slice(0, index) + (c === 'A' ? 'B' : 'A') + text.slice(index + 1);
}

function decodeClaims(token) {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
}

/** Signs arbitrary claims the way the handler does: a token a forger who knew the secret could make. */
function sign(claims, secret = SECRET) {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const mac = createHmac('sha256', secret).update(`lcv1.${payload}`).digest('base64url');
  return `${payload}.${mac}`;
}

describe('verdict tokens', () => {
  let upstream;
  let app;
  /** Asks the real handler (proxy mode, fake upstream) for a verdict on `probReal`. */
  const verdictFor = async (probReal, path = '/') => {
    upstream.state.script = {
      status: 200,
      body: JSON.stringify({ success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: probReal } }),
      headers: {},
    };
    const res = await postJson(new URL(path, app.url), SAMPLE_BODY);
    return (await res.json()).verdict;
  };

  before(async () => {
    upstream = await startUpstream();
    app = await startHandler({ apiKey: 'k'.repeat(20), baseUrl: upstream.url, verdictSecret: SECRET });
  });
  after(async () => {
    await app.close();
    await upstream.close();
  });

  it('round-trips: what the handler signs, verifyVerdict accepts', async () => {
    const verdict = await verdictFor(0.97);
    assert.equal(verdict.decision, 'pass');
    const result = verifyVerdict(verdict.token, SECRET);
    assert.equal(result.valid, true);
    assert.equal(result.decision, 'pass');
    assert.equal(result.probReal, 0.97);
    assert.equal(result.threshold, 0.55);
    assert.match(result.nonce, /^[A-Za-z0-9_-]{22}$/);
    assert.match(result.imageSha256, /^[0-9a-f]{64}$/);
    assert.ok(Math.abs(result.issuedAt - Date.now()) < 60_000);
  });

  it('decides strictly greater-than: prob_real equal to the threshold fails, with a token', async () => {
    const verdict = await verdictFor(0.55);
    assert.equal(verdict.decision, 'fail');
    const result = verifyVerdict(verdict.token, SECRET);
    assert.equal(result.valid, true);
    assert.equal(result.decision, 'fail');
  });

  it('gives every token its own nonce', async () => {
    const a = verifyVerdict((await verdictFor(0.9)).token, SECRET);
    const b = verifyVerdict((await verdictFor(0.9)).token, SECRET);
    assert.notEqual(a.nonce, b.nonce);
  });

  it('rejects a tampered payload or signature', async () => {
    const { token } = await verdictFor(0.2);
    const [payload, mac] = token.split('.');
    assert.deepEqual(verifyVerdict(`${flip(payload, 5)}.${mac}`, SECRET), { valid: false, reason: 'bad-signature' });
    assert.deepEqual(verifyVerdict(`${payload}.${flip(mac, 3)}`, SECRET), { valid: false, reason: 'bad-signature' });
    // The obvious forgery: turn the fail into a pass and keep the signature.
    const claims = decodeClaims(token);
    const forged = Buffer.from(JSON.stringify({ ...claims, d: 'pass', p: 0.99 })).toString('base64url');
    assert.deepEqual(verifyVerdict(`${forged}.${mac}`, SECRET), { valid: false, reason: 'bad-signature' });
    assert.deepEqual(verifyVerdict(`${payload}.${mac.slice(0, -2)}`, SECRET), { valid: false, reason: 'bad-signature' });
  });

  it('rejects a token signed with another secret', async () => {
    const { token } = await verdictFor(0.9);
    assert.deepEqual(verifyVerdict(token, 'another-secret-0123456789abcdef'), { valid: false, reason: 'bad-signature' });
  });

  it('rejects malformed tokens', () => {
    for (const token of [undefined, null, 42, '', 'abc', 'a.b.c', '.', 'a.', '.b', 'a b.c', 'x'.repeat(5000) + '.y']) {
      assert.deepEqual(verifyVerdict(token, SECRET), { valid: false, reason: 'malformed' }, String(token));
    }
  });

  it('rejects signed claims that are not a verdict of this code', () => {
    const good = { v: 1, d: 'pass', p: 0.9, t: 0.55, m: 'antispoofing', iat: Date.now(), n: 'AAAAAAAAAAAAAAAAAAAAAA', h: 'a'.repeat(64) };
    assert.equal(verifyVerdict(sign(good), SECRET).valid, true);
    for (const bad of [
      { ...good, d: 'pass', p: 0.5 }, // pass below the threshold
      { ...good, d: 'fail', p: 0.9 }, // fail above it
      { ...good, p: 1.2 },
      { ...good, t: 'x' },
      { ...good, m: 'other' },
      { ...good, v: 2 },
      { ...good, h: 'xyz' },
      { ...good, iat: 1.5 },
    ]) {
      assert.deepEqual(verifyVerdict(sign(bad), SECRET), { valid: false, reason: 'invalid-claims' }, JSON.stringify(bad));
    }
    const notJson = Buffer.from('not json').toString('base64url');
    const mac = createHmac('sha256', SECRET).update(`lcv1.${notJson}`).digest('base64url');
    assert.deepEqual(verifyVerdict(`${notJson}.${mac}`, SECRET), { valid: false, reason: 'invalid-claims' });
  });

  it('rejects expired tokens (default 300 s, or maxAgeSeconds)', async () => {
    const { token } = await verdictFor(0.9);
    const issuedAt = decodeClaims(token).iat;
    assert.equal(verifyVerdict(token, SECRET, { now: issuedAt + 300_000 }).valid, true);
    assert.deepEqual(verifyVerdict(token, SECRET, { now: issuedAt + 300_001 }), { valid: false, reason: 'expired' });
    assert.deepEqual(verifyVerdict(token, SECRET, { now: issuedAt + 31_000, maxAgeSeconds: 30 }), { valid: false, reason: 'expired' });
    assert.equal(verifyVerdict(token, SECRET, { now: new Date(issuedAt + 29_000), maxAgeSeconds: 30 }).valid, true);
  });

  it('rejects future-dated tokens beyond the clock skew', async () => {
    const { token } = await verdictFor(0.9);
    const issuedAt = decodeClaims(token).iat;
    assert.equal(verifyVerdict(token, SECRET, { now: issuedAt - 5_000 }).valid, true, 'within the default 5 s skew');
    assert.deepEqual(verifyVerdict(token, SECRET, { now: issuedAt - 60_000 }), { valid: false, reason: 'future' });
    assert.deepEqual(verifyVerdict(token, SECRET, { now: issuedAt - 1_000, clockSkewSeconds: 0 }), { valid: false, reason: 'future' });
  });

  it('with a nonce store, accepts a token once', async () => {
    const { token } = await verdictFor(0.9);
    const nonceStore = createNonceStore();
    assert.equal(verifyVerdict(token, SECRET, { nonceStore }).valid, true);
    assert.deepEqual(verifyVerdict(token, SECRET, { nonceStore }), { valid: false, reason: 'replayed' });
    assert.equal(nonceStore.size, 1);
  });

  it('nonce store forgets expired nonces and fails closed when full', () => {
    let now = 1_000;
    const store = createNonceStore({ maxEntries: 2, now: () => now });
    assert.equal(store.use('a', 2_000), true);
    assert.equal(store.use('a', 2_000), false);
    assert.equal(store.use('b', 5_000), true);
    assert.equal(store.use('c', 5_000), false, 'full of live nonces: refuse rather than forget');
    now = 3_000; // 'a' expired
    assert.equal(store.use('c', 5_000), true);
    assert.equal(store.use('b', 5_000), false);
  });

  it('gives no verdict without a secret, and refuses a short secret', () => {
    assert.equal(createLivenessHandler({ env: {}, apiKey: 'k', log: false }).config.verdict, false);
    assert.equal(createLivenessHandler({ env: { LIVENESS_VERDICT_SECRET: SECRET }, apiKey: 'k', log: false }).config.verdict, true);
    assert.throws(() => createLivenessHandler({ env: {}, apiKey: 'k', verdictSecret: 'short' }), /at least 16 bytes/);
  });
});
