// The signed verdict: round trip through the real handler, tampering, wrong secret, expiry, future dates,
// replay, the strict greater-than decision, the bindings, and verifyVerdict failing closed when misconfigured.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { createLivenessHandler, createMemoryStore, createNonceStore, verifyVerdict } from '../../../dist/server/index.js';
import { SAMPLE_BODY, postJson, startHandler, startUpstream } from './support.mjs';

const SECRET = 'verdict-secret-0123456789abcdef-0123456789';
/** A handler with sessions off signs tokens bound to no session: `session: null` verifies them. */
const PASS = { session: null };
const ANY = { session: null, decision: 'any' };

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

const GOOD = { v: 1, d: 'pass', p: 0.9, t: 0.55, m: 'antispoofing', iat: Date.now(), n: 'AAAAAAAAAAAAAAAAAAAAAA', h: 'a'.repeat(64) };

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
    app = await startHandler({ apiKey: 'k'.repeat(20), baseUrl: upstream.url, verdictSecret: SECRET, sessions: 'off' });
  });
  after(async () => {
    await app.close();
    await upstream.close();
  });

  it('round-trips: what the handler signs, verifyVerdict accepts', async () => {
    const verdict = await verdictFor(0.97);
    assert.equal(verdict.decision, 'pass');
    const result = await verifyVerdict(verdict.token, SECRET, PASS);
    assert.equal(result.valid, true);
    assert.equal(result.decision, 'pass');
    assert.equal(result.probReal, 0.97);
    assert.equal(result.threshold, 0.55);
    assert.match(result.nonce, /^[A-Za-z0-9_-]{22}$/);
    assert.match(result.imageSha256, /^[0-9a-f]{64}$/);
    assert.ok(Math.abs(result.issuedAt - Date.now()) < 60_000);
  });

  it('decides strictly greater-than; a fail token is not valid unless asked for', async () => {
    const verdict = await verdictFor(0.55);
    assert.equal(verdict.decision, 'fail');
    assert.deepEqual(await verifyVerdict(verdict.token, SECRET, PASS), { valid: false, reason: 'not-passed' });
    const result = await verifyVerdict(verdict.token, SECRET, ANY);
    assert.equal(result.valid, true);
    assert.equal(result.decision, 'fail');
  });

  it('records no nonce for a fail token, so fail tokens cannot fill the store', async () => {
    const nonceStore = createNonceStore();
    const store = createMemoryStore();
    const { token } = await verdictFor(0.1);
    assert.equal((await verifyVerdict(token, SECRET, { ...PASS, nonceStore, store })).valid, false);
    assert.equal(nonceStore.size, 0);
    assert.equal(await store.get(`n:${decodeClaims(token).n}`), null);
  });

  it('gives every token its own nonce', async () => {
    const a = await verifyVerdict((await verdictFor(0.9)).token, SECRET, PASS);
    const b = await verifyVerdict((await verdictFor(0.9)).token, SECRET, PASS);
    assert.notEqual(a.nonce, b.nonce);
  });

  it('rejects a tampered payload or signature', async () => {
    const { token } = await verdictFor(0.2);
    const [payload, mac] = token.split('.');
    assert.deepEqual(await verifyVerdict(`${flip(payload, 5)}.${mac}`, SECRET, ANY), { valid: false, reason: 'bad-signature' });
    assert.deepEqual(await verifyVerdict(`${payload}.${flip(mac, 3)}`, SECRET, ANY), { valid: false, reason: 'bad-signature' });
    // The obvious forgery: turn the fail into a pass and keep the signature.
    const claims = decodeClaims(token);
    const forged = Buffer.from(JSON.stringify({ ...claims, d: 'pass', p: 0.99 })).toString('base64url');
    assert.deepEqual(await verifyVerdict(`${forged}.${mac}`, SECRET, ANY), { valid: false, reason: 'bad-signature' });
    assert.deepEqual(await verifyVerdict(`${payload}.${mac.slice(0, -2)}`, SECRET, ANY), { valid: false, reason: 'bad-signature' });
  });

  it('accepts only the canonical spelling of the signature', async () => {
    const { token } = await verdictFor(0.9);
    const [payload, mac] = token.split('.');
    assert.equal(mac.length, 43);
    // The last of 43 base64url characters carries 2 unused bits: three other letters decode to the same bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(mac.at(-1));
    const spellings = [1, 2, 3].map((d) => mac.slice(0, -1) + alphabet[(last & ~3) | ((last + d) & 3)]);
    assert.equal(spellings.length, 3);
    for (const other of spellings) {
      assert.deepEqual(Buffer.from(other, 'base64url'), Buffer.from(mac, 'base64url'), 'same bytes');
      assert.deepEqual(await verifyVerdict(`${payload}.${other}`, SECRET, PASS), { valid: false, reason: 'bad-signature' });
    }
    assert.equal((await verifyVerdict(token, SECRET, PASS)).valid, true);
  });

  it('rejects a token signed with another secret', async () => {
    const { token } = await verdictFor(0.9);
    assert.deepEqual(await verifyVerdict(token, 'another-secret-0123456789abcdef-0123456789', PASS), { valid: false, reason: 'bad-signature' });
  });

  it('trims a string secret exactly as the signer does', async () => {
    const { token } = await verdictFor(0.9);
    assert.equal((await verifyVerdict(token, `  ${SECRET}\n`, PASS)).valid, true);
    const env = createLivenessHandler({ env: { LIVENESS_VERDICT_SECRET: `${SECRET}\n` }, apiKey: 'k', log: false });
    assert.equal(env.config.verdict, true);
  });

  it('rejects malformed tokens', async () => {
    for (const token of [undefined, null, 42, '', 'abc', 'a.b.c', '.', 'a.', '.b', 'a b.c', 'x'.repeat(5000) + '.y']) {
      assert.deepEqual(await verifyVerdict(token, SECRET, PASS), { valid: false, reason: 'malformed' }, String(token));
    }
  });

  it('rejects signed claims that are not a verdict of this code', async () => {
    assert.equal((await verifyVerdict(sign({ ...GOOD, iat: Date.now() }), SECRET, PASS)).valid, true);
    for (const bad of [
      { ...GOOD, d: 'pass', p: 0.5 }, // pass below the threshold
      { ...GOOD, d: 'fail', p: 0.9 }, // fail above it
      { ...GOOD, p: 1.2 },
      { ...GOOD, t: 'x' },
      { ...GOOD, m: 'other' },
      { ...GOOD, v: 2 },
      { ...GOOD, h: 'xyz' },
      { ...GOOD, iat: 1.5 },
      { ...GOOD, s: 42 },
    ]) {
      assert.deepEqual(await verifyVerdict(sign(bad), SECRET, ANY), { valid: false, reason: 'invalid-claims' }, JSON.stringify(bad));
    }
    const notJson = Buffer.from('not json').toString('base64url');
    const mac = createHmac('sha256', SECRET).update(`lcv1.${notJson}`).digest('base64url');
    assert.deepEqual(await verifyVerdict(`${notJson}.${mac}`, SECRET, PASS), { valid: false, reason: 'invalid-claims' });
  });

  it('rejects expired tokens (default 300 s, or maxAgeSeconds)', async () => {
    const { token } = await verdictFor(0.9);
    const issuedAt = decodeClaims(token).iat;
    assert.equal((await verifyVerdict(token, SECRET, { ...PASS, now: issuedAt + 300_000 })).valid, true);
    assert.deepEqual(await verifyVerdict(token, SECRET, { ...PASS, now: issuedAt + 300_001 }), { valid: false, reason: 'expired' });
    assert.deepEqual(await verifyVerdict(token, SECRET, { ...PASS, now: issuedAt + 31_000, maxAgeSeconds: 30 }), { valid: false, reason: 'expired' });
    assert.equal((await verifyVerdict(token, SECRET, { ...PASS, now: new Date(issuedAt + 29_000), maxAgeSeconds: 30 })).valid, true);
  });

  it('rejects future-dated tokens beyond the clock skew', async () => {
    const { token } = await verdictFor(0.9);
    const issuedAt = decodeClaims(token).iat;
    assert.equal((await verifyVerdict(token, SECRET, { ...PASS, now: issuedAt - 5_000 })).valid, true, 'within the default 5 s skew');
    assert.deepEqual(await verifyVerdict(token, SECRET, { ...PASS, now: issuedAt - 60_000 }), { valid: false, reason: 'future' });
    assert.deepEqual(await verifyVerdict(token, SECRET, { ...PASS, now: issuedAt - 1_000, clockSkewSeconds: 0 }), { valid: false, reason: 'future' });
  });

  it('with a nonce store or a store, accepts a token once', async () => {
    const { token } = await verdictFor(0.9);
    const nonceStore = createNonceStore();
    assert.equal((await verifyVerdict(token, SECRET, { ...PASS, nonceStore })).valid, true);
    assert.deepEqual(await verifyVerdict(token, SECRET, { ...PASS, nonceStore }), { valid: false, reason: 'replayed' });
    assert.equal(nonceStore.size, 1);
    const store = createMemoryStore();
    assert.equal((await verifyVerdict(token, SECRET, { ...PASS, store })).valid, true);
    assert.deepEqual(await verifyVerdict(token, SECRET, { ...PASS, store }), { valid: false, reason: 'replayed' });
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

  it('gives no verdict without a secret, and refuses a secret under 32 bytes', () => {
    assert.equal(createLivenessHandler({ env: {}, apiKey: 'k', log: false }).config.verdict, false);
    assert.equal(createLivenessHandler({ env: { LIVENESS_VERDICT_SECRET: SECRET }, apiKey: 'k', log: false }).config.verdict, true);
    assert.throws(() => createLivenessHandler({ env: {}, apiKey: 'k', verdictSecret: 'x'.repeat(31) }), /at least 32 bytes/);
  });
});

describe('verifyVerdict fails closed when misconfigured', () => {
  const token = sign({ ...GOOD, iat: Date.now() });
  const emptyKeyToken = sign({ ...GOOD, iat: Date.now() }, '');

  it('throws on an empty or short secret instead of verifying a token forged with it', async () => {
    for (const secret of ['', '   ', new Uint8Array(0), 'x'.repeat(31), new Uint8Array(31), undefined, null, 42]) {
      await assert.rejects(verifyVerdict(emptyKeyToken, secret, PASS), /secret/, String(secret));
    }
  });

  it('throws on a non-finite or non-positive maxAgeSeconds / clockSkewSeconds and an invalid now', async () => {
    for (const maxAgeSeconds of [NaN, Infinity, -Infinity, 0, -1, '300', null]) {
      await assert.rejects(verifyVerdict(token, SECRET, { ...PASS, maxAgeSeconds }), RangeError, String(maxAgeSeconds));
    }
    for (const clockSkewSeconds of [NaN, Infinity, -1, '5']) {
      await assert.rejects(verifyVerdict(token, SECRET, { ...PASS, clockSkewSeconds }), RangeError, String(clockSkewSeconds));
    }
    for (const now of [NaN, Infinity, new Date('nope'), '2026-01-01']) {
      await assert.rejects(verifyVerdict(token, SECRET, { ...PASS, now }), RangeError, String(now));
    }
  });

  it('throws without a session option', async () => {
    await assert.rejects(verifyVerdict(token, SECRET, {}), /session/);
    await assert.rejects(verifyVerdict(token, SECRET), /session/);
    await assert.rejects(verifyVerdict(token, SECRET, { session: '' }), /session/);
  });

  it('checks every binding it is given', async () => {
    const bound = sign({ ...GOOD, iat: Date.now(), s: 'S'.repeat(22), sub: 'user-1', aud: 'https://app.example' });
    const session = 'S'.repeat(22);
    assert.equal((await verifyVerdict(bound, SECRET, { session, subject: 'user-1', audience: 'https://app.example', variant: 'antispoofing' })).valid, true);
    assert.deepEqual(await verifyVerdict(bound, SECRET, { session: 'T'.repeat(22) }), { valid: false, reason: 'wrong-session' });
    assert.deepEqual(await verifyVerdict(bound, SECRET, PASS), { valid: false, reason: 'wrong-session' });
    assert.deepEqual(await verifyVerdict(token, SECRET, { session }), { valid: false, reason: 'wrong-session' });
    assert.deepEqual(await verifyVerdict(bound, SECRET, { session, subject: 'user-2' }), { valid: false, reason: 'wrong-subject' });
    assert.deepEqual(await verifyVerdict(bound, SECRET, { session, audience: 'https://evil.example' }), { valid: false, reason: 'wrong-audience' });
    assert.deepEqual(await verifyVerdict(bound, SECRET, { session, variant: 'robust' }), { valid: false, reason: 'wrong-variant' });
  });

  it('fuzz: no mutation of a signed token, and no random token, verifies', async () => {
    const session = 'S'.repeat(22);
    const real = sign({ ...GOOD, iat: Date.now(), s: session });
    assert.equal((await verifyVerdict(real, SECRET, { session })).valid, true);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const r = randomBytes(4);
      let candidate;
      switch (r[0] % 4) {
        case 0: { // one character replaced
          const at = r.readUInt16LE(1) % real.length;
          candidate = real.slice(0, at) + alphabet[r[3] % alphabet.length] + real.slice(at + 1);
          break;
        }
        case 1: // truncated or extended
          candidate = r[1] % 2 ? real.slice(0, r.readUInt16LE(2) % real.length) : real + alphabet[r[3] % alphabet.length];
          break;
        case 2: // random base64url garbage around a dot
          candidate = `${randomBytes(r[1] + 1).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
          break;
        default: // a real payload with a random signature
          candidate = `${real.split('.')[0]}.${randomBytes(32).toString('base64url')}`;
      }
      if (candidate === real) continue;
      checked++;
      const result = await verifyVerdict(candidate, SECRET, { session, decision: 'any' });
      assert.equal(result.valid, false, candidate);
    }
    assert.ok(checked > 2900);
  });
});
