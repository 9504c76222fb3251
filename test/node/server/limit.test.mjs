// The 10,485,760-byte body limit: enforced while reading, answered with the contract's plain text before any
// upstream call, and without waiting for (or holding) the whole body.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import { BODY_LIMIT_BYTES, TOO_LARGE_TEXT } from '../../../dist/server/index.js';
import { postJson, startHandler, startUpstream } from './support.mjs';

const LIMIT = 10_485_760;

/**
 * Streams a chunked body (no Content-Length) a chunk at a time until the server answers, and never ends it:
 * stops writing as soon as more than LIMIT bytes are out. Resolves to the answer and what was sent.
 * A server that waited for the whole body would never answer (the test would hit its timeout and fail).
 */
async function streamUntilAnswered(url) {
  const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false });
  req.on('error', () => undefined); // the server may close the connection after answering
  // Its own connection, owned until closed: an 'error' listener from the start, and awaited below.
  const closed = new Promise((resolve) => req.once('socket', (socket) => {
    socket.on('error', () => undefined);
    socket.once('close', resolve);
  }));
  const answered = new Promise((resolve) => req.on('response', resolve));
  const chunk = Buffer.alloc(64 * 1024, 0x20); // JSON whitespace
  let sent = 0;
  let res;
  req.write('{"data":"');
  sent += 9;
  while (sent <= LIMIT) {
    const ok = req.write(chunk);
    sent += chunk.length;
    if (!ok) {
      res = await Promise.race([once(req, 'drain').then(() => undefined), answered]);
      if (res) break;
    }
  }
  res ??= await answered;
  const chunks = [];
  for await (const c of res) chunks.push(c);
  const ended = req.writableEnded;
  req.destroy();
  await closed;
  return { status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString(), sent, ended };
}

for (const mode of ['proxy', 'local']) {
  describe(`body limit (${mode} mode)`, () => {
    let upstream;
    let app;
    before(async () => {
      upstream = await startUpstream();
      app = await startHandler(mode === 'proxy' ? { apiKey: 'k'.repeat(20), baseUrl: upstream.url } : { mode: 'local' });
    });
    after(async () => {
      await app.close();
      await upstream.close();
    });
    beforeEach(() => {
      app.logs.length = 0;
    });

    it('exports the contract numbers', () => {
      assert.equal(BODY_LIMIT_BYTES, LIMIT);
      assert.equal(TOO_LARGE_TEXT, 'HTTP content length exceeded 10485760 bytes.');
    });

    // The timeout only turns a hang (a server waiting for the whole body) into a failure; it times nothing.
    it('answers 413 while the body is still arriving, having read only just over the limit', { timeout: 120_000 }, async () => {
      const result = await streamUntilAnswered(app.url);
      assert.equal(result.status, 413);
      assert.equal(result.text, 'HTTP content length exceeded 10485760 bytes.');
      assert.match(result.headers['content-type'], /^text\/plain/);
      assert.equal(result.ended, false, 'the client never finished its body');
      assert.equal(app.logs.length, 1);
      const [record] = app.logs;
      assert.equal(record.outcome, 'too-large');
      assert.ok(record.bodyBytes > LIMIT, 'counted past the limit');
      assert.ok(record.bodyBytes <= result.sent, 'never read more than was sent');
      assert.ok(record.bodyBytes < LIMIT + 1024 * 1024, 'stopped right after the limit');
      assert.equal(upstream.state.requests.length, 0, 'upstream never contacted');
    });

    it('logs a client that goes away mid-body as client-aborted, without contacting upstream', { timeout: 60_000 }, async () => {
      const req = request(app.url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000000' }, agent: false });
      req.on('error', () => undefined);
      const closed = new Promise((resolve) => req.once('close', resolve));
      await new Promise((resolve) => req.write(`{"data":"${'A'.repeat(100_000)}`, resolve));
      req.destroy(); // 100 kB of a declared 1 MB sent
      await closed;
      while (app.logs.length === 0) await new Promise((resolve) => setTimeout(resolve, 10)); // wait for the log line
      assert.equal(app.logs[0].outcome, 'client-aborted');
      assert.equal(app.logs[0].status, 499);
      assert.equal(upstream.state.requests.length, 0);
    });

    it('refuses a declared Content-Length over the limit without reading the body', async () => {
      const body = JSON.stringify({ data: 'A'.repeat(11 * 1024 * 1024) });
      const res = await postJson(app.url, body);
      assert.equal(res.status, 413);
      assert.equal(await res.text(), TOO_LARGE_TEXT);
      assert.equal(app.logs[0].bodyBytes, 0);
      assert.equal(upstream.state.requests.length, 0);
    });

    it('refuses an 11 MB streamed fetch body (no Content-Length)', async () => {
      const body = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 11; i++) controller.enqueue(new Uint8Array(1024 * 1024).fill(0x20));
          controller.close();
        },
      });
      const res = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' });
      assert.equal(res.status, 413);
      assert.equal(await res.text(), TOO_LARGE_TEXT);
    });
  });
}

describe('body limit boundary (proxy mode)', () => {
  let upstream;
  let app;
  before(async () => {
    upstream = await startUpstream();
    app = await startHandler({ apiKey: 'k'.repeat(20), baseUrl: upstream.url });
  });
  after(async () => {
    await app.close();
    await upstream.close();
  });

  /** A valid contract body padded with JSON whitespace to exactly `size` bytes. */
  const bodyOf = (size) => {
    const core = JSON.stringify({ data: Buffer.from('image bytes').toString('base64') });
    return core + ' '.repeat(size - core.length);
  };

  it('accepts exactly 10,485,760 bytes and forwards the data rebuilt as {"data":"..."}', async () => {
    const res = await postJson(app.url, bodyOf(LIMIT));
    assert.equal(res.status, 200);
    assert.equal(upstream.state.requests.at(-1).body.toString(), JSON.stringify({ data: Buffer.from('image bytes').toString('base64') }));
  });

  it('refuses 10,485,761 bytes', async () => {
    const before = upstream.state.requests.length;
    const res = await postJson(app.url, bodyOf(LIMIT + 1));
    assert.equal(res.status, 413);
    assert.equal(upstream.state.requests.length, before);
  });
});
