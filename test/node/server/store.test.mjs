// The store contract, run against the in-memory store and a real redis-server on loopback; sessions on both.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLivenessSessions, createMemoryStore, createRedisStore } from '../../../dist/server/index.js';
import { startRedis } from '../../../scripts/redis.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let redis;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis?.stop();
});

/** Each kind makes a fresh, empty store (Redis: a fresh key prefix on the shared server). */
const clocks = new WeakMap();
const prefixes = new WeakMap();
const kinds = {
  memory: () => {
    const clock = { offset: 0 }; // the real time, moved forward only by ttlLeft
    const store = createMemoryStore({ now: () => Date.now() + clock.offset });
    clocks.set(store, clock);
    return store;
  },
  redis: () => {
    const prefix = `t${Math.random().toString(36).slice(2)}:`;
    const store = createRedisStore(redis.client(), { prefix });
    prefixes.set(store, prefix);
    return store;
  },
};

/**
 * How long `key` has left, in ms, read without waiting: Redis's own PTTL, or for the memory store how far its
 * clock must be moved (from 59 s on, 1 s at a time) for the key to be gone.
 */
const ttlLeft = {
  memory: async (store, key) => {
    const clock = clocks.get(store);
    clock.offset = 59_000;
    while ((await store.get(key)) !== null) clock.offset += 1_000;
    return clock.offset;
  },
  redis: (store, key) => redis.client().pttl(prefixes.get(store) + key),
};

for (const [kind, make] of Object.entries(kinds)) {
  describe(`store contract (${kind})`, () => {
    it('add sets a key only when absent', async () => {
      const store = make();
      assert.equal(await store.add('k', 'a', 60_000), true);
      assert.equal(await store.add('k', 'b', 60_000), false);
      assert.equal(await store.get('k'), 'a');
      assert.equal(await store.get('missing'), null);
    });

    it('add is atomic: of 50 concurrent adds exactly one wins', async () => {
      const store = make();
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.add('race', String(i), 60_000)));
      assert.equal(results.length, 50);
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('increment counts atomically from 1', async () => {
      const store = make();
      const values = await Promise.all(Array.from({ length: 50 }, () => store.increment('c', 60_000)));
      assert.deepEqual([...values].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
      assert.equal(await store.get('c'), '50');
    });

    it('keys expire after their TTL', async () => {
      const store = make();
      assert.equal(await store.add('short', 'x', 50), true);
      assert.equal(await store.increment('count', 50), 1);
      // Bounds in polls, not in time: wait until the keys are gone, never assert how fast.
      while ((await store.get('short')) !== null) await sleep(20);
      assert.equal(await store.add('short', 'y', 60_000), true, 'an expired key can be set again');
      while ((await store.get('count')) !== null) await sleep(20);
      assert.equal(await store.increment('count', 60_000), 1, 'an expired counter starts again from 1');
    });

    it('an increment does not extend the TTL of the first', async () => {
      const store = make();
      // TTLs far longer than the test: no key can expire between two calls, however slow the machine.
      assert.equal(await store.increment('count', 60_000), 1);
      assert.equal(await store.increment('count', 3_600_000), 2);
      const left = await ttlLeft[kind](store, 'count');
      assert.ok(left > 0 && left <= 60_000, `${left} ms left`);
    });

    it('refuses a TTL that is not a finite number >= 1 ms', async () => {
      const store = make();
      for (const ttl of [0, -1, NaN, Infinity]) {
        await assert.rejects(store.add('k', 'v', ttl), RangeError);
        await assert.rejects(store.increment('k', ttl), RangeError);
      }
    });
  });

  describe(`sessions (${kind} store)`, () => {
    it('opens a session with a 128-bit URL-safe id and reads it back open', async () => {
      const sessions = createLivenessSessions({ store: make() });
      const { id, expiresAt } = await sessions.createSession({ subject: 'user-1' });
      assert.match(id, /^[A-Za-z0-9_-]{22}$/);
      assert.equal(Buffer.from(id, 'base64url').length, 16);
      assert.ok(Date.parse(expiresAt) > Date.now());
      const result = await sessions.getSessionResult(id);
      assert.equal(result.state, 'open');
      assert.equal(result.attempts, 0);
      assert.equal(result.subject, 'user-1');
      assert.equal(result.variant, 'antispoofing');
      assert.equal(result.threshold, 0.55);
      assert.equal(await sessions.getSessionResult('A'.repeat(22)), null);
      assert.equal(await sessions.getSessionResult('../../etc'), null);
    });

    it('decides once: a pass closes it, and the pass is consumed exactly once', async () => {
      const sessions = createLivenessSessions({ store: make() });
      const { id } = await sessions.createSession();
      const opened = await sessions.open(id);
      assert.equal(opened.ok, true);
      const n = await sessions.beginAttempt(opened.session);
      assert.equal(n, 1);
      assert.equal(await sessions.finishAttempt(opened.session, n, { decision: 'pass', probReal: 0.9, imageSha256: 'a'.repeat(64) }), true);
      const result = await sessions.getSessionResult(id);
      assert.equal(result.state, 'passed');
      assert.equal(result.probReal, 0.9);
      assert.equal(result.imageSha256, 'a'.repeat(64));
      assert.ok(Date.parse(result.decidedAt) > 0);
      assert.deepEqual(await sessions.open(id), { ok: false, code: 'SESSION_CLOSED' });
      const consumed = await Promise.all([1, 2, 3, 4].map(() => sessions.consumeSessionResult(id)));
      assert.equal(consumed.filter((r) => r?.state === 'passed').length, 1);
      assert.equal(consumed.filter((r) => r === null).length, 3);
    });

    it('the last allowed attempt closes the session as failed; no more attempts', async () => {
      const sessions = createLivenessSessions({ store: make(), maxAttempts: 2 });
      const { id } = await sessions.createSession();
      const { session } = await sessions.open(id);
      assert.equal(await sessions.finishAttempt(session, await sessions.beginAttempt(session), { decision: 'fail', probReal: 0.1 }), true);
      assert.equal((await sessions.getSessionResult(id)).state, 'open');
      assert.equal(await sessions.finishAttempt(session, await sessions.beginAttempt(session), {}), true);
      const result = await sessions.getSessionResult(id);
      assert.equal(result.state, 'failed');
      assert.equal(result.attempts, 2);
      assert.equal(await sessions.beginAttempt(session), null);
      assert.deepEqual(await sessions.open(id), { ok: false, code: 'SESSION_CLOSED' });
      assert.equal(await sessions.consumeSessionResult(id), null);
    });

    it('counts attempts atomically: of 10 concurrent attempts on 3 allowed, 3 start', async () => {
      const sessions = createLivenessSessions({ store: make(), maxAttempts: 3 });
      const { id } = await sessions.createSession();
      const { session } = await sessions.open(id);
      const started = await Promise.all(Array.from({ length: 10 }, () => sessions.beginAttempt(session)));
      assert.deepEqual(started.filter((n) => n !== null).sort(), [1, 2, 3]);
    });

    it('expires: open turns into expired and refuses with SESSION_EXPIRED; unknown ids are refused', async () => {
      let now = Date.now();
      const sessions = createLivenessSessions({ store: make(), ttlSeconds: 60, now: () => now });
      const { id } = await sessions.createSession();
      now += 60_000;
      assert.equal((await sessions.getSessionResult(id)).state, 'expired');
      assert.deepEqual(await sessions.open(id), { ok: false, code: 'SESSION_EXPIRED' });
      assert.deepEqual(await sessions.open('B'.repeat(22)), { ok: false, code: 'SESSION_UNKNOWN' });
      assert.deepEqual(await sessions.open(null), { ok: false, code: 'SESSION_REQUIRED' });
    });

    it('records an image once for every subject as its attempt begins: the first session owns it', async () => {
      const sessions = createLivenessSessions({ store: make() });
      const sha = 'c'.repeat(64);
      const a = (await sessions.open((await sessions.createSession({ subject: 'u1' })).id)).session;
      const b = (await sessions.open((await sessions.createSession({ subject: 'u1' })).id)).session;
      const other = (await sessions.open((await sessions.createSession({ subject: 'u2' })).id)).session;
      const none = (await sessions.open((await sessions.createSession()).id)).session;
      assert.equal(await sessions.claimImage(a, sha, null), 'fresh');
      assert.equal(await sessions.claimImage(a, sha, null), 'fresh', 'the same session may send it again');
      assert.equal(await sessions.claimImage(b, sha, null), 'replayed');
      assert.equal(await sessions.claimImage(other, sha, null), 'replayed', 'whatever the subject');
      assert.equal(await sessions.claimImage(none, sha, null), 'replayed', 'or none');
    });

    it('pushes onto lists in order, keeping the newest, returns what came before, and removes keys', async () => {
      const store = make();
      assert.deepEqual(await store.push('list', 'one', 60_000, 3), []);
      assert.deepEqual(await store.push('list', 'two', 60_000, 3), ['one']);
      assert.deepEqual(await store.push('list', 'three', 60_000, 3), ['one', 'two']);
      assert.deepEqual(await store.push('list', 'four', 60_000, 3), ['two', 'three'], 'kept the 3 newest');
      assert.deepEqual(await store.push('list', 'five', 60_000, 1), [], 'keep 1: nothing before');
      assert.deepEqual(await store.push('list', 'six', 60_000, 3), ['five']);
      const racing = await Promise.all(['a', 'b', 'c', 'd'].map((v) => store.push('race', v, 60_000, 10)));
      assert.deepEqual(racing.map((r) => r.length).sort(), [0, 1, 2, 3], 'each push sees exactly the ones before it');
      await store.add('plain', 'x', 60_000);
      await store.remove(['list', 'plain', 'absent']);
      assert.deepEqual(await store.push('list', 'again', 60_000, 3), []);
      assert.equal(await store.get('plain'), null);
    });

    it('refuses bad session input and options', async () => {
      const sessions = createLivenessSessions({ store: make() });
      await assert.rejects(sessions.createSession({ variant: 'other' }), TypeError);
      await assert.rejects(sessions.createSession({ threshold: 2 }), RangeError);
      await assert.rejects(sessions.createSession({ subject: '' }), TypeError);
      for (const bad of [{ ttlSeconds: 0 }, { ttlSeconds: NaN }, { maxAttempts: 1.5 }, { maxAttempts: Infinity }]) {
        assert.throws(() => createLivenessSessions({ store: make(), ...bad }), RangeError, JSON.stringify(bad));
      }
    });
  });
}

describe('memory store', () => {
  it('fails closed when full: throws rather than forgets', async () => {
    const store = createMemoryStore({ maxEntries: 2 });
    await store.add('a', '1', 60_000);
    await store.add('b', '1', 60_000);
    await assert.rejects(store.add('c', '1', 60_000), /full/);
    assert.equal(await store.get('a'), '1');
  });
});
