// Attacks on the endpoint, each refused before any upstream call: another host named in the request target,
// a text/plain body (a CORS simple request), a full house, a trickled body, a Host not served, no client
// address for the rate limit, and a body over the limit that must arrive as a 413 at a real client.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { createServer } from 'node:http';
import { createLivenessHandler, toNodeMiddleware, TOO_LARGE_TEXT } from '../../../dist/server/index.js';
import { SAMPLE_BODY, close, listen, postJson, startHandler, startUpstream } from './support.mjs';

const KEY = 'k'.repeat(20);

/**
 * A raw HTTP/1.1 request with an exact request target (fetch would normalise it), on a connection of its own.
 * The client owns that connection until it is closed: its socket has an 'error' listener from the moment it is
 * made (a server that answers before reading a whole body may reset it while the body is still being written),
 * and the promise settles only once the socket has closed, so nothing of it outlives the test.
 */
async function raw(url, path, { method = 'POST', headers = {}, body } = {}) {
  const { hostname, port } = new URL(url);
  let closed;
  const answered = new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      path,
      headers: { ...(body ? { 'content-length': Buffer.byteLength(body) } : {}), ...headers },
      createConnection: () => {
        const socket = connect(Number(port), hostname);
        socket.on('error', () => undefined); // reported through the request, or moot once the answer is read
        closed = new Promise((done) => socket.once('close', done));
        return socket;
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() });
        req.destroy(); // the answer is read; the rest of the body need not go out
      });
      res.on('close', () => reject(new Error('the connection closed before the whole answer was read')));
    });
    req.end(body);
  });
  const [result] = await Promise.allSettled([answered]);
  await closed;
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/**
 * As a browser busy uploading: writes the whole request (head and `body`) before reading anything, then reads
 * until `until` appears or the connection closes. Returns what was read (latin1), with the write error if any.
 * Owns its socket: an 'error' listener from the start, and it returns only once the socket has closed.
 */
async function sendAllThenRead(url, body, headers, until) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.pause();
  const failures = [];
  const failed = new Promise((resolve) => socket.on('error', (error) => {
    failures.push(error);
    resolve(error);
  }));
  const closed = new Promise((resolve) => socket.once('close', resolve));
  try {
    await Promise.race([new Promise((resolve) => socket.once('connect', resolve)), failed]);
    if (failures.length) return `(connect failed: ${failures[0].code})`;
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    const head = `POST / HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\n${extra}Content-Length: ${body.length}\r\n\r\n`;
    const payload = Buffer.from(head + body);
    let error = null;
    for (let at = 0; at < payload.length && !error; at += 256 * 1024) {
      if (!socket.write(payload.subarray(at, at + 256 * 1024))) {
        error = await Promise.race([new Promise((resolve) => socket.once('drain', () => resolve(null))), failed]);
      }
    }
    const received = [];
    const answered = new Promise((resolve) => {
      socket.on('data', (c) => {
        received.push(c);
        if (Buffer.concat(received).includes(until)) resolve();
      });
      closed.then(resolve);
    });
    socket.resume();
    if (!error) error = await Promise.race([answered.then(() => null), failed]);
    const text = Buffer.concat(received).toString('latin1');
    return error ? `${text} (write failed: ${error.code})` : text;
  } finally {
    socket.destroy();
    await closed;
  }
}

describe('hardening (proxy mode)', () => {
  let upstream;
  let app;
  before(async () => {
    upstream = await startUpstream();
    app = await startHandler({ apiKey: KEY, baseUrl: upstream.url, allowedHosts: undefined });
  });
  after(async () => {
    await app.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.state.requests.length = 0;
    upstream.state.script = { ...upstream.state.script, hang: false };
  });

  for (const target of ['//evil.example/antispoofing', '/\\evil.example/antispoofing', '//evil.example', 'http://evil.example/robust']) {
    it(`refuses the request target ${target} (it names another host), without an upstream call`, async () => {
      const res = await raw(app.url, target, {
        headers: { origin: 'http://evil.example', 'content-type': 'text/plain' },
        body: SAMPLE_BODY,
      });
      assert.equal(res.status, 400);
      assert.equal(JSON.parse(res.text).error_code, 'BAD_REQUEST');
      assert.equal(upstream.state.requests.length, 0);
    });
  }

  it('refuses the same through toNodeMiddleware without a path', async () => {
    const handler = createLivenessHandler({ env: {}, apiKey: KEY, baseUrl: upstream.url, log: false });
    const server = createServer(toNodeMiddleware(handler));
    const url = await listen(server);
    try {
      const res = await raw(url, '//evil.example/antispoofing', {
        headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
        body: SAMPLE_BODY,
      });
      assert.equal(res.status, 400);
      assert.equal(upstream.state.requests.length, 0);
    } finally {
      await close(server);
    }
  });

  it('refuses a Host header that is not a host name', async () => {
    const res = await raw(app.url, '/', { headers: { host: 'evil.example/x', 'content-type': 'application/json' }, body: SAMPLE_BODY });
    assert.equal(res.status, 400);
    assert.equal(upstream.state.requests.length, 0);
  });

  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', null]) {
    it(`refuses a POST with Content-Type ${type} (415), without an upstream call`, async () => {
      const res = await raw(app.url, '/', { headers: type ? { 'content-type': type } : {}, body: SAMPLE_BODY });
      assert.equal(res.status, 415);
      assert.equal(JSON.parse(res.text).error_code, 'UNSUPPORTED_MEDIA_TYPE');
      assert.equal(upstream.state.requests.length, 0);
    });
  }

  // (TRACK and CONNECT never reach a request handler: Node's parser answers the first, the 'connect' event takes the second.)
  for (const method of ['TRACE', 'PUT', 'DELETE', 'PATCH']) {
    it(`answers ${method} with a logged 405, without an upstream call`, async () => {
      app.logs.length = 0;
      const res = await raw(app.url, '/', { method, headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 405);
      assert.equal(JSON.parse(res.text).error_code, 'METHOD_NOT_ALLOWED');
      assert.ok(res.headers.allow);
      assert.equal(app.logs.length, 1);
      assert.equal(app.logs[0].status, 405);
      assert.equal(app.logs[0].outcome, 'method-not-allowed');
      assert.equal(app.logs[0].method, method);
      assert.equal(upstream.state.requests.length, 0);
    });
  }

  it('accepts application/json with a charset', async () => {
    const res = await postJson(app.url, SAMPLE_BODY, { 'content-type': 'Application/JSON; charset=utf-8' });
    assert.equal(res.status, 200);
  });
});

describe('concurrency cap', () => {
  let upstream;
  let app;
  before(async () => {
    upstream = await startUpstream({ hang: true });
    app = await startHandler({ apiKey: KEY, baseUrl: upstream.url, maxConcurrent: 1 });
  });
  after(async () => {
    await app.close();
    await upstream.close();
  });

  it('answers a fast 503 with Retry-After when full, and serves again once a slot is free', async () => {
    const first = new AbortController();
    const held = fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: SAMPLE_BODY, signal: first.signal }).catch((e) => e);
    while (upstream.state.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    const busy = await postJson(app.url, SAMPLE_BODY);
    assert.equal(busy.status, 503);
    assert.equal(busy.headers.get('retry-after'), '1');
    assert.equal((await busy.json()).error_code, 'BUSY');
    assert.equal(upstream.state.requests.length, 1, 'the refused request never reached upstream');
    first.abort();
    await held;
    while (!app.logs.some((r) => r.outcome === 'client-aborted')) await new Promise((r) => setTimeout(r, 10));
    upstream.state.script = { ...upstream.state.script, hang: false };
    assert.equal((await postJson(app.url, SAMPLE_BODY)).status, 200);
  });
});

describe('body read deadline', () => {
  let upstream;
  let app;
  before(async () => {
    upstream = await startUpstream();
    app = await startHandler({ apiKey: KEY, baseUrl: upstream.url, bodyTimeoutMs: 300 });
  });
  after(async () => {
    await app.close();
    await upstream.close();
  });

  // The test's own timeout only turns a hang (no deadline) into a failure.
  it('answers 408 to a body that trickles and never ends, and closes the connection', { timeout: 30_000 }, async () => {
    const req = request(app.url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '100000' }, agent: false });
    req.on('error', () => undefined);
    const closed = new Promise((resolve) => req.once('close', resolve));
    req.write('{"data":"');
    const res = await new Promise((resolve) => req.on('response', resolve));
    const chunks = [];
    for await (const c of res) chunks.push(c);
    req.destroy();
    await closed;
    assert.equal(res.statusCode, 408);
    assert.equal(res.headers.connection, 'close');
    assert.equal(JSON.parse(Buffer.concat(chunks).toString()).error_code, 'REQUEST_TIMEOUT');
    assert.equal(upstream.state.requests.length, 0);
  });
});

describe('allowedHosts', () => {
  let upstream;
  let app;
  before(async () => {
    upstream = await startUpstream();
    app = await startHandler({ apiKey: KEY, baseUrl: upstream.url, allowedHosts: ['liveness.example'] });
  });
  after(async () => {
    await app.close();
    await upstream.close();
  });

  it('answers 421 to a Host it does not serve (DNS rebinding), and serves a listed one', async () => {
    const json = { 'content-type': 'application/json' };
    const port = new URL(app.url).port;
    const rebound = await raw(app.url, '/', { headers: { ...json, host: `127.0.0.1:${port}` }, body: SAMPLE_BODY });
    assert.equal(rebound.status, 421);
    assert.equal(JSON.parse(rebound.text).error_code, 'HOST_NOT_ALLOWED');
    assert.equal(upstream.state.requests.length, 0);
    const served = await raw(app.url, '/', { headers: { ...json, host: 'liveness.example' }, body: SAMPLE_BODY });
    assert.equal(served.status, 200);
  });
});

describe('rate limit without a client address', () => {
  it('refuses rather than putting every caller in one shared bucket', async () => {
    const handler = createLivenessHandler({ env: {}, apiKey: KEY, baseUrl: 'http://127.0.0.1:9', log: false, rateLimit: { requestsPerMinute: 60 } });
    const res = await handler(new Request('http://app.example/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: SAMPLE_BODY }));
    assert.equal(res.status, 500);
    assert.equal((await res.json()).error_code, 'INTERNAL_ERROR');
  });

  it('uses key(request) when the adapter has no address', async () => {
    const upstream = await startUpstream();
    try {
      const handler = createLivenessHandler({
        env: {}, apiKey: KEY, baseUrl: upstream.url, log: false,
        rateLimit: { requestsPerMinute: 60, burst: 1, key: (request) => request.headers.get('x-user') ?? undefined },
      });
      const send = (user) => handler(new Request('http://app.example/', { method: 'POST', headers: { 'content-type': 'application/json', 'x-user': user }, body: SAMPLE_BODY }));
      assert.equal((await send('a')).status, 200);
      assert.equal((await send('a')).status, 429);
      assert.equal((await send('b')).status, 200);
    } finally {
      await upstream.close();
    }
  });
});

describe('413 reaches a real client', () => {
  let upstream;
  let app;
  before(async () => {
    upstream = await startUpstream();
    app = await startHandler({ apiKey: KEY, baseUrl: upstream.url });
  });
  after(async () => {
    await app.close();
    await upstream.close();
  });

  const big = JSON.stringify({ data: 'A'.repeat(12 * 1024 * 1024) });

  it('fetch sending a whole 12 MB body (declared length) reads the 413, ten times over one agent', async () => {
    const statuses = [];
    for (let i = 0; i < 10; i++) {
      const res = await postJson(app.url, big);
      statuses.push(res.status);
      assert.equal(await res.text(), TOO_LARGE_TEXT);
    }
    assert.deepEqual(statuses, Array(10).fill(413));
    assert.equal(upstream.state.requests.length, 0);
  });

  // A browser busy uploading reads nothing until its body is out. If the server closed the connection with the
  // rest of the body unread, its reset would throw away the 413 waiting in the client's receive buffer.
  it('a client that reads only after sending all 12 MB still reads the 413', { timeout: 60_000 }, async () => {
    for (let i = 0; i < 3; i++) {
      const text = await sendAllThenRead(app.url, big, {}, TOO_LARGE_TEXT);
      assert.match(text, /^HTTP\/1\.1 413 /, `run ${i}`);
    }
  });

  // Firefox does that: an answer decided from the headers alone (no session) left the unread body stream paused,
  // the drain stalled, and the reset came as a NetworkError instead of the 401.
  it('a client that reads only after sending all 12 MB reads a refusal made before the body was read', { timeout: 60_000 }, async () => {
    const withSessions = await startHandler({ apiKey: KEY, baseUrl: upstream.url, verdictSecret: 's'.repeat(48), sessions: 'on' });
    try {
      for (let i = 0; i < 3; i++) {
        const text = await sendAllThenRead(withSessions.url, big, {}, 'SESSION_REQUIRED');
        assert.match(text, /^HTTP\/1\.1 401 /, `run ${i}`);
      }
    } finally {
      await withSessions.close();
    }
  });

  it('a raw HTTP client that writes the whole body before reading reads the 413', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await raw(app.url, '/', { headers: { 'content-type': 'application/json' }, body: big });
      assert.equal(res.status, 413);
      assert.equal(res.text, TOO_LARGE_TEXT);
    }
  });
});
