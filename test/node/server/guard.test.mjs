// Guarding the paid API: same-origin default, CORS for listed origins (preflight included), the rate limit,
// routing, health check and the Connect-style adapter.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createLivenessHandler, createRateLimiter, toNodeMiddleware } from '../../../dist/server/index.js';
import { SAMPLE_BODY, close, listen, postJson, startHandler, startUpstream } from './support.mjs';

const ALLOWED = 'http://app.example:5173';

describe('origins and CORS', () => {
  let upstream;
  let app;
  before(async () => {
    upstream = await startUpstream();
    app = await startHandler({ apiKey: 'k'.repeat(20), baseUrl: upstream.url, allowedOrigins: [ALLOWED] });
  });
  after(async () => {
    await app.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.state.requests.length = 0;
  });

  it('accepts a same-origin browser request without CORS headers', async () => {
    const res = await postJson(app.url, SAMPLE_BODY, { origin: app.url });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    assert.equal(upstream.state.requests.length, 1);
  });

  it('accepts a request without Origin (not a browser)', async () => {
    const res = await postJson(app.url, SAMPLE_BODY);
    assert.equal(res.status, 200);
  });

  it('rejects a cross-origin request that is not listed, before any upstream call', async () => {
    for (const origin of ['http://evil.example', 'null', 'http://app.example:5174', 'https://app.example:5173']) {
      const res = await postJson(app.url, SAMPLE_BODY, { origin });
      assert.equal(res.status, 403, origin);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      assert.deepEqual(await res.json(), {
        success: false,
        message: 'This origin may not call the liveness endpoint',
        error_code: 'ORIGIN_NOT_ALLOWED',
      });
    }
    assert.equal(upstream.state.requests.length, 0);
    assert.equal(app.logs.at(-1).outcome, 'origin-rejected');
  });

  it('answers the preflight of a listed origin', async () => {
    const res = await fetch(app.url, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), ALLOWED);
    assert.match(res.headers.get('access-control-allow-methods'), /POST/);
    const allowed = res.headers.get('access-control-allow-headers').split(',').map((s) => s.trim());
    assert.ok(allowed.includes('content-type') && allowed.includes('authorization'));
    assert.match(res.headers.get('vary'), /Origin/);
    assert.ok(Number(res.headers.get('access-control-max-age')) > 0);
  });

  it('refuses the preflight of an unlisted origin', async () => {
    const res = await fetch(app.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });

  it('answers a listed origin with CORS headers, errors included', async () => {
    const ok = await postJson(app.url, SAMPLE_BODY, { origin: ALLOWED });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), ALLOWED);
    const bad = await postJson(app.url, 'not json', { origin: ALLOWED });
    assert.equal((await bad.json()).error_code, 'INVALID_IMAGE_PAYLOAD');
    assert.equal(bad.headers.get('access-control-allow-origin'), ALLOWED);
    const big = await fetch(app.url, { method: 'POST', headers: { origin: ALLOWED, 'content-type': 'application/json', 'content-length': '20000000' }, body: 'x'.repeat(20_000_000) });
    assert.equal(big.status, 413);
    assert.equal(big.headers.get('access-control-allow-origin'), ALLOWED);
  });

  it('"*" allows any origin except null', async () => {
    const open = await startHandler({ apiKey: 'k'.repeat(20), baseUrl: upstream.url, allowedOrigins: ['*'] });
    try {
      const res = await postJson(open.url, SAMPLE_BODY, { origin: 'http://anything.example' });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), 'http://anything.example');
      assert.equal((await postJson(open.url, SAMPLE_BODY, { origin: 'null' })).status, 403);
    } finally {
      await open.close();
    }
  });

  it('judges the public origin from X-Forwarded-* only with trustProxy', async () => {
    const headers = { origin: 'https://public.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example' };
    assert.equal((await postJson(app.url, SAMPLE_BODY, headers)).status, 403);
    const behind = await startHandler({ apiKey: 'k'.repeat(20), baseUrl: upstream.url }, { trustProxy: true });
    try {
      assert.equal((await postJson(behind.url, SAMPLE_BODY, headers)).status, 200);
    } finally {
      await behind.close();
    }
  });
});

describe('rate limit', () => {
  let upstream;
  before(async () => {
    upstream = await startUpstream();
  });
  after(async () => {
    await upstream.close();
  });

  it('answers 429 with Retry-After once a client spent its burst, and refills with time', async () => {
    let now = 0;
    const app = await startHandler({
      apiKey: 'k'.repeat(20),
      baseUrl: upstream.url,
      rateLimit: { requestsPerMinute: 6, burst: 2, now: () => now },
    });
    try {
      assert.equal((await postJson(app.url, SAMPLE_BODY)).status, 200);
      assert.equal((await postJson(app.url, SAMPLE_BODY)).status, 200);
      const limited = await postJson(app.url, SAMPLE_BODY);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '10', 'one token per 10 s at 6/min');
      assert.deepEqual(await limited.json(), {
        success: false,
        message: 'Too many requests; try again later',
        error_code: 'RATE_LIMITED',
      });
      assert.equal(app.logs.at(-1).outcome, 'rate-limited');
      now += 10_000;
      assert.equal((await postJson(app.url, SAMPLE_BODY)).status, 200);
      assert.equal((await postJson(app.url, SAMPLE_BODY)).status, 429);
    } finally {
      await app.close();
    }
  });

  it('keys clients separately (here by a key function)', async () => {
    const app = await startHandler({
      apiKey: 'k'.repeat(20),
      baseUrl: upstream.url,
      rateLimit: { requestsPerMinute: 1, key: (request) => request.headers.get('x-user') ?? undefined, now: () => 0 },
    });
    try {
      assert.equal((await postJson(app.url, SAMPLE_BODY, { 'x-user': 'a' })).status, 200);
      assert.equal((await postJson(app.url, SAMPLE_BODY, { 'x-user': 'a' })).status, 429);
      assert.equal((await postJson(app.url, SAMPLE_BODY, { 'x-user': 'b' })).status, 200);
      // No key from the function: the client address is the key.
      assert.equal((await postJson(app.url, SAMPLE_BODY)).status, 200);
      assert.equal((await postJson(app.url, SAMPLE_BODY)).status, 429);
    } finally {
      await app.close();
    }
  });

  it('token bucket arithmetic', () => {
    let now = 0;
    const limiter = createRateLimiter({ requestsPerMinute: 60, burst: 3, now: () => now });
    assert.deepEqual([limiter.take('x'), limiter.take('x'), limiter.take('x')], [0, 0, 0]);
    assert.equal(limiter.take('x'), 1);
    now = 500;
    assert.equal(limiter.take('x'), 1);
    now = 1_000;
    assert.equal(limiter.take('x'), 0);
    assert.equal(limiter.take('y'), 0);
  });
});

describe('routing and adapters', () => {
  it('serves /healthz, refuses other methods, and honours basePath', async () => {
    const app = await startHandler({ apiKey: 'k'.repeat(20), baseUrl: 'http://127.0.0.1:9', basePath: '/api/liveness' });
    try {
      const health = await fetch(`${app.url}/api/liveness/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { ok: true, mode: 'proxy', variant: 'antispoofing' });
      assert.equal((await fetch(`${app.url}/api/liveness`)).status, 405);
      assert.equal((await fetch(`${app.url}/api/liveness`, { method: 'PUT', body: 'x' })).headers.get('allow'), 'POST, OPTIONS');
      assert.equal((await postJson(`${app.url}/api/liveness/healthz`, '{}')).status, 405);
      assert.equal((await postJson(`${app.url}/api/other`, SAMPLE_BODY)).status, 404);
      assert.equal((await postJson(`${app.url}/api/liveness/other`, SAMPLE_BODY)).status, 404);
    } finally {
      await app.close();
    }
  });

  it('mounts as Connect-style middleware at a path and calls next() for the rest', async () => {
    const upstream = await startUpstream();
    const handler = createLivenessHandler({ env: {}, apiKey: 'k'.repeat(20), baseUrl: upstream.url, log: false });
    const middleware = toNodeMiddleware(handler, { path: '/api/liveness' });
    // A minimal Connect-like app: Express and Vite's `server.middlewares` call middleware the same way.
    const server = createServer((req, res) => {
      middleware(req, res, (error) => {
        res.statusCode = error ? 500 : 200;
        res.end(error ? 'error' : 'next page handler');
      });
    });
    const url = await listen(server);
    try {
      const res = await postJson(`${url}/api/liveness/robust`, SAMPLE_BODY);
      assert.equal(res.status, 200);
      assert.equal(upstream.state.requests.at(-1).path, '/robust');
      const other = await fetch(`${url}/index.html`);
      assert.equal(await other.text(), 'next page handler');
    } finally {
      await close(server);
      await upstream.close();
    }
  });

  it('refuses a bad configuration loudly', () => {
    assert.throws(() => createLivenessHandler({ env: {}, mode: 'proxy' }), /API key/);
    assert.throws(() => createLivenessHandler({ env: {}, threshold: 1.5 }), /threshold/);
    assert.throws(() => createLivenessHandler({ env: {}, variant: 'fast' }), /variant/);
    assert.equal(createLivenessHandler({ env: {} }).mode, 'local');
    assert.equal(createLivenessHandler({ env: { SPOOFSENSE_API_KEY: 'abc' }, log: false }).mode, 'proxy');
  });
});
