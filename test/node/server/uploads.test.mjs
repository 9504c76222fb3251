// Slow uploads: a body is read before a check slot is taken, at a minimum pace, with uploads in flight capped per
// client address and per session. Trickling sockets are raw TCP clients on loopback; the client address of each
// is set through X-Forwarded-For (trustProxy), so that one machine plays many attackers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { SAMPLE_BODY, postJson, startHandler, startUpstream } from './support.mjs';

const KEY = 'k'.repeat(20);
/** Upload limits under which a trickling body is never cut for its pace while a test holds it. */
const HELD = { minBytesPerSecond: 1, graceMs: 600_000 };

/**
 * Sends a POST head announcing a 100 000-byte body and its first bytes, and then nothing unless `drip()` is
 * called. `answer` resolves with what the server wrote once it closes the connection or the test does. The socket's
errors are its own (a server may reset it) from the moment it is made.
 */
async function trickle(url, headers = {}) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.write(`POST / HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\n${extra}Content-Length: 100000\r\n\r\n{"data":"`);
  const received = [];
  socket.on('data', (c) => received.push(c));
  const answer = new Promise((resolve) => socket.once('close', () => resolve(Buffer.concat(received).toString('latin1'))));
  return {
    socket,
    answer,
    drip: () => socket.writable && socket.write('A'),
    /** Closes the connection; resolves once it is closed (nothing of it outlives the test). */
    close: () => {
      socket.destroy();
      return answer;
    },
  };
}

/** Resolves once `server` has seen `n` more requests (their heads parsed and handed to the handler). */
function requestsSeen(server, n) {
  let seen = 0;
  return new Promise((resolve) => {
    const on = () => {
      if (++seen === n) {
        server.off('request', on);
        resolve();
      }
    };
    server.on('request', on);
  });
}

describe('slow uploads', () => {
  it('a normal check is answered as usual while 120 clients trickle bodies (sessions off, default limits)', { timeout: 60_000 }, async () => {
    const upstream = await startUpstream();
    const app = await startHandler({ apiKey: KEY, baseUrl: upstream.url }, { trustProxy: true });
    const sockets = [];
    // The attack as measured: one byte every 2 s per socket. A timer of the attack, not a synchronisation.
    const dripping = setInterval(() => sockets.forEach((s) => s.drip()), 2000);
    try {
      const seen = requestsSeen(app.server, 120);
      for (let i = 0; i < 120; i++) {
        sockets.push(await trickle(app.url, { 'x-forwarded-for': `198.51.100.${i + 1}` }));
      }
      await seen;
      const started = performance.now();
      const res = await postJson(app.url, SAMPLE_BODY, { 'x-forwarded-for': '203.0.113.7' });
      const body = await res.json();
      console.log(`normal check answered in ${Math.round(performance.now() - started)} ms beside 120 trickling uploads`);
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(body.success, true);
      assert.equal(body.model_output.prob_real, 0.9);
      assert.equal(upstream.state.requests.length, 1);
    } finally {
      clearInterval(dripping);
      await Promise.all(sockets.map((s) => s.close()));
      await app.close();
      await upstream.close();
    }
  });

  it('answers 408 to a body below the minimum pace, long before the whole-body deadline', { timeout: 30_000 }, async () => {
    const upstream = await startUpstream();
    const app = await startHandler({ apiKey: KEY, baseUrl: upstream.url, bodyTimeoutMs: 600_000, uploads: { minBytesPerSecond: 1000, graceMs: 200 } });
    const slow = await trickle(app.url);
    try {
      const text = await slow.answer;
      assert.match(text, /^HTTP\/1\.1 408 /);
      assert.match(text, /"error_code":"REQUEST_TIMEOUT"/);
      assert.match(app.logs[0].detail, /slower than 1000 bytes\/s/);
      assert.equal(upstream.state.requests.length, 0);
    } finally {
      await slow.close();
      await app.close();
      await upstream.close();
    }
  });

  it('caps uploads in flight per client address (429 TOO_MANY_UPLOADS), not other clients', { timeout: 30_000 }, async () => {
    const upstream = await startUpstream();
    // No pace or deadline can end the held uploads during the test (the default 3 s grace could on a slow machine).
    const app = await startHandler({ apiKey: KEY, baseUrl: upstream.url, bodyTimeoutMs: 600_000, uploads: { perClient: 2, ...HELD } }, { trustProxy: true });
    const from = (address) => ({ 'x-forwarded-for': address });
    const sockets = [];
    try {
      const seen = requestsSeen(app.server, 2);
      sockets.push(await trickle(app.url, from('198.51.100.1')), await trickle(app.url, from('198.51.100.1')));
      await seen;
      const third = await postJson(app.url, SAMPLE_BODY, from('198.51.100.1'));
      assert.equal(third.status, 429);
      assert.equal(third.headers.get('retry-after'), '1');
      assert.equal((await third.json()).error_code, 'TOO_MANY_UPLOADS');
      assert.equal((await postJson(app.url, SAMPLE_BODY, from('198.51.100.2'))).status, 200);
      // Once the slow uploads end, their address may upload again.
      for (const s of sockets) s.socket.destroy();
      while (app.logs.filter((r) => r.outcome === 'client-aborted').length < 2) await new Promise((r) => setImmediate(r));
      assert.equal((await postJson(app.url, SAMPLE_BODY, from('198.51.100.1'))).status, 200);
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
      await app.close();
      await upstream.close();
    }
  });

  it('caps uploads in flight per session; the refused ones count no attempt', { timeout: 30_000 }, async () => {
    const upstream = await startUpstream();
    const app = await startHandler(
      { apiKey: KEY, baseUrl: upstream.url, sessions: 'on', bodyTimeoutMs: 600_000, uploads: { perSession: 1, perClient: 100, ...HELD } },
    );
    const { id } = await app.handler.sessions.createSession();
    const other = await app.handler.sessions.createSession();
    let slow;
    try {
      const seen = requestsSeen(app.server, 1);
      slow = await trickle(app.url, { 'x-liveness-session': id });
      await seen;
      const second = await postJson(app.url, SAMPLE_BODY, { 'x-liveness-session': id });
      assert.equal(second.status, 429);
      assert.equal((await second.json()).error_code, 'TOO_MANY_UPLOADS');
      assert.equal((await app.handler.sessions.getSessionResult(id)).attempts, 0);
      const fine = await postJson(app.url, SAMPLE_BODY, { 'x-liveness-session': other.id });
      assert.equal(fine.status, 200);
      assert.equal(upstream.state.requests.length, 1);
    } finally {
      await slow?.close();
      await app.close();
      await upstream.close();
    }
  });

  it('answers 503 BUSY to a body that would pass the bytes all requests may hold', async () => {
    const upstream = await startUpstream();
    const app = await startHandler({ apiKey: KEY, baseUrl: upstream.url, uploads: { bufferedBytes: 64 } });
    try {
      const res = await postJson(app.url, SAMPLE_BODY);
      assert.equal(res.status, 503);
      assert.equal((await res.json()).error_code, 'BUSY');
      assert.equal(upstream.state.requests.length, 0);
      // The bytes of the refused body were given back: a small body still fits.
      const small = JSON.stringify({ data: Buffer.from('tiny').toString('base64') });
      assert.equal((await postJson(app.url, small)).status, 200);
    } finally {
      await app.close();
      await upstream.close();
    }
  });
});
