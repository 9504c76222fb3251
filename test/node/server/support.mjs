// Shared pieces of the server tests: the real handler on a loopback port, and a fake upstream API on loopback
// that records what reaches it and answers as each test scripts.
import { createServer } from 'node:http';
import { after, before } from 'node:test';
import { createNodeServer } from '../../../dist/server/index.js';

/** Listens on an ephemeral loopback port; resolves to the base URL. */
export function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}

export function close(server) {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

/**
 * The real handler behind the real Node adapter. Log records are collected in `logs`.
 * `options` go to createLivenessHandler (env defaults to {} so the machine's environment never leaks in).
 */
export async function startHandler(options = {}, adapterOptions = {}) {
  const logs = [];
  const server = createNodeServer({ env: {}, log: (record) => logs.push(record), ...options }, adapterOptions);
  const url = await listen(server);
  return { url, server, logs, handler: server.handler, close: () => close(server) };
}

/**
 * A fake upstream API. `script` is mutable: { status, body, headers, hang }. `hang: true` never answers.
 * Every request is recorded with its method, path, headers and exact body bytes.
 */
export async function startUpstream(script = {}) {
  const state = {
    script: { status: 200, body: '{"success": true, "message": "Process finished successfully", "model_output": {"pred_idx": "real", "prob_real": 0.9}}', headers: {}, ...script },
    requests: [],
  };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      state.requests.push({ method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      const { status, body, headers, hang } = state.script;
      if (hang) return; // never answers; the handler's timeout must act
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    });
  });
  const url = await listen(server);
  return { url, state, server, close: () => close(server) };
}

export function postJson(url, body, headers = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
}

/** A small valid request body: plain base64 of some bytes (proxy mode does not decode images). */
export const SAMPLE_IMAGE = Buffer.from('\xff\xd8\xff\xe0 not really a jpeg but base64 all the same', 'latin1');
export const SAMPLE_BODY = JSON.stringify({ data: SAMPLE_IMAGE.toString('base64') });

/**
 * A real redis-server, a fake upstream and two proxy-mode handler instances sharing that Redis (`options` go to
 * both). `close()` stops all of them, whatever was started.
 */
export async function startRedisPair(options = {}, script = {}) {
  const [{ startRedis }, { createRedisStore }] = await Promise.all([import('../../../scripts/redis.mjs'), import('../../../dist/server/index.js')]);
  const pair = {};
  pair.close = async () => {
    await pair.a?.close();
    await pair.b?.close();
    await pair.upstream?.close();
    await pair.redis?.stop();
  };
  try {
    pair.redis = await startRedis();
    pair.upstream = await startUpstream(script);
    const make = () => startHandler({ apiKey: 'k'.repeat(20), baseUrl: pair.upstream.url, ...options, store: createRedisStore(pair.redis.client()) });
    pair.a = await make();
    pair.b = await make();
  } catch (error) {
    await pair.close();
    throw error;
  }
  return pair;
}

/**
 * For a describe block: a fake upstream and the handler in proxy mode in front of it, started before its tests
 * and closed after them. Read `fixture.app` and `fixture.upstream` inside the tests.
 */
export function proxyFixture(options = {}, adapterOptions = {}) {
  const fixture = {};
  before(async () => {
    fixture.upstream = await startUpstream();
    fixture.app = await startHandler({ apiKey: 'k'.repeat(20), baseUrl: fixture.upstream.url, ...options }, adapterOptions);
  });
  after(async () => {
    await fixture.app.close();
    await fixture.upstream.close();
  });
  return fixture;
}
