// Running the command in production: a store outage answers 503 and heals by itself, /readyz follows the store,
// SIGTERM lets checks in flight finish, and /metrics can be scraped. Real child processes, a real redis-server
// that the test kills and restarts, a loopback upstream the test holds.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startRedis } from '../../../scripts/redis.mjs';
import { createRedisStore } from '../../../dist/server/index.js';
import { SAMPLE_BODY, close, listen, startHandler, startUpstream } from './support.mjs';

const CLI = fileURLToPath(new URL('../../../dist/server/adapters/cli.js', import.meta.url));
const TOKEN = 'ops-admin-token-0123456789abcdef';
const KEY = 'ops-key-0123456789';

/**
 * Starts the command; resolves once it listens. `waitFor(re)` resolves when its stderr has matched `re` (now or
 * later); `exited` resolves with its exit code.
 */
function startCli(args, env) {
  const child = spawn(process.execPath, [CLI, '--port', '0', ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const waiting = [];
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr.on('data', (c) => {
    stderr += c;
    for (const w of [...waiting]) {
      if (w.re.test(stderr.slice(w.from))) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  /** Resolves once stderr written after this call (or after `from`) matches `re`; rejects if the command exits first. */
  const waitFor = (re, from = stderr.length) =>
    re.test(stderr.slice(from))
      ? Promise.resolve()
      : Promise.race([
        new Promise((resolve) => waiting.push({ re, from, resolve })),
        exited.then((code) => {
          throw new Error(`the command exited (${code}) before ${re}:\n${stderr}`);
        }),
      ]);
  const cli = { child, exited, waitFor, get stderr() { return stderr; } };
  return waitFor(/listening on (http:\/\/\S+)/, 0).then(() => {
    cli.url = /listening on (http:\/\/\S+)/.exec(stderr)[1];
    return cli;
  });
}

/** Stops the command with SIGTERM (if still running) and resolves with its exit code. */
async function stopCli(cli) {
  if (cli && cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGTERM');
  return cli?.exited;
}

/** One request on a connection of its own. Resolves to { status, headers, body (parsed JSON or text) }. */
function call(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers } });
    req.on('error', reject);
    req.on('response', async (res) => {
      const chunks = [];
      try {
        for await (const c of res) chunks.push(c);
      } catch (error) {
        reject(error);
        return;
      }
      const text = Buffer.concat(chunks).toString();
      let parsed = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      resolve({ status: res.statusCode, headers: res.headers, body: parsed });
    });
    req.end(body);
  });
}

const admin = (url, path, init = {}) => call(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...init.headers } });
const openSession = (url) => admin(url, '/sessions', { method: 'POST', body: '{}' });
const check = (url, session, body = SAMPLE_BODY) => call(url, { method: 'POST', body, headers: session ? { 'x-liveness-session': session } : {} });
/** Another image: the same one in a second session is a replay. */
const OTHER_BODY = JSON.stringify({ data: Buffer.from('another image, base64 all the same').toString('base64') });

/**
 * A strict reader of the Prometheus text format (0.0.4): every line is a HELP, a TYPE or a sample of a declared
 * family; anything else fails. Returns `value(name, labels)`: the sample with exactly these labels.
 */
function parseMetrics(text) {
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const types = new Map();
  const samples = [];
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue; // empty lines are ignored
    let m = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line);
    if (m) continue;
    m = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (m) {
      assert.ok(!types.has(m[1]), `${m[1]} declared once`);
      types.set(m[1], m[2]);
      continue;
    }
    m = new RegExp(`^(${NAME})(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\.)*",?)*)\\})? (\\S+)$`).exec(line);
    assert.ok(m, `a sample line: ${JSON.stringify(line)}`);
    const [, name, rawLabels = '', rawValue] = m;
    const value = rawValue === '+Inf' ? Infinity : rawValue === '-Inf' ? -Infinity : Number(rawValue);
    assert.ok(rawValue === 'NaN' || !Number.isNaN(value), `a number: ${line}`);
    const family = types.has(name) ? name : name.replace(/_(?:bucket|sum|count)$/, '');
    assert.ok(types.has(family), `${name} belongs to a declared family`);
    const labels = Object.fromEntries([...rawLabels.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    samples.push({ name, labels, value });
  }
  return {
    types,
    value(name, labels = {}) {
      const want = JSON.stringify(Object.entries(labels).sort());
      const found = samples.filter((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want);
      assert.equal(found.length, 1, `one sample ${name}${JSON.stringify(labels)}`);
      return found[0].value;
    },
  };
}

async function scrape(url) {
  const res = await call(url);
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  return parseMetrics(res.body);
}

describe('a store outage: two instances on one redis-server that stops and comes back', () => {
  let redis;
  let upstream;
  const instances = [];
  before(async () => {
    redis = await startRedis();
    upstream = await startUpstream();
    for (let i = 0; i < 2; i++) {
      instances.push(await startCli(['--quiet', '--metrics-port', '0'], {
        SPOOFSENSE_API_KEY: KEY,
        SPOOFSENSE_BASE_URL: upstream.url,
        LIVENESS_ADMIN_TOKEN: TOKEN,
        LIVENESS_REDIS_URL: redis.url,
      }));
    }
  });
  after(async () => {
    for (const cli of instances) await stopCli(cli);
    await upstream?.close();
    await redis?.stop();
  });

  it('answers 503 STORE_UNAVAILABLE with Retry-After while Redis is gone, never exits, and heals when it is back', async () => {
    const [a, b] = instances;
    for (const cli of instances) assert.equal((await call(`${cli.url}/readyz`)).status, 200);
    // Shared state before: a session opened on one instance is checked on the other.
    const opened = await openSession(a.url);
    assert.equal(opened.status, 201);
    const passed = await check(b.url, opened.body.id);
    assert.equal(passed.status, 200);
    assert.equal(passed.body.verdict.decision, 'pass');
    const pending = (await openSession(b.url)).body.id;

    const lost = instances.map((cli) => cli.waitFor(/Redis (?:connection lost|unreachable)/));
    await redis.kill();
    const calls = upstream.state.requests.length;
    for (const cli of instances) {
      const session = await openSession(cli.url);
      assert.equal(session.status, 503, 'POST /sessions');
      assert.equal(session.body.error_code, 'STORE_UNAVAILABLE');
      assert.equal(session.headers['retry-after'], '5');
      const checked = await check(cli.url, pending);
      assert.equal(checked.status, 503, 'a check');
      assert.equal(checked.body.error_code, 'STORE_UNAVAILABLE');
      assert.equal(checked.headers['retry-after'], '5');
      const ready = await call(`${cli.url}/readyz`);
      assert.equal(ready.status, 503, '/readyz');
      assert.equal(ready.body.error_code, 'STORE_UNAVAILABLE');
      assert.deepEqual((await call(`${cli.url}/healthz`)).body, { ok: true, mode: 'proxy', variant: 'antispoofing' });
    }
    assert.equal(upstream.state.requests.length, calls, 'no upstream call without the store');
    await Promise.all(lost);

    const back = instances.map((cli) => cli.waitFor(/Redis reachable again/));
    await redis.restart();
    await Promise.all(back);
    for (const cli of instances) assert.equal((await call(`${cli.url}/readyz`)).status, 200, '/readyz once Redis is back');
    // The restarted Redis is empty: the session opened before is gone (refused, never passed); new ones work.
    assert.equal((await check(a.url, pending)).body.error_code, 'SESSION_UNKNOWN');
    const fresh = await openSession(b.url);
    assert.equal(fresh.status, 201);
    assert.equal((await check(a.url, fresh.body.id, OTHER_BODY)).body.verdict.decision, 'pass');
    for (const cli of instances) assert.equal(cli.child.exitCode, null, 'still running');

    await a.waitFor(/metrics on http/, 0);
    const metrics = await scrape(/metrics on (http:\/\/\S+)/.exec(a.stderr)[1]);
    assert.ok(metrics.value('liveness_store_errors_total', { op: 'get', kind: 'unavailable' }) >= 2);
    assert.equal(metrics.value('liveness_refusals_total', { reason: 'store-unavailable' }), 1);
    assert.equal(metrics.value('liveness_requests_total', { route: 'readyz', outcome: 'not-ready', code: 'STORE_UNAVAILABLE' }), 1);
  });
});

describe('a Redis that stops answering (SIGSTOP): connections open, nothing answered', () => {
  let redis;
  let upstream;
  let app;
  before(async () => {
    redis = await startRedis();
    upstream = await startUpstream();
    // The timeout must also pass every command answered while Redis runs: under a CPU hog a healthy Redis took over
    // 300 ms to answer this test's first SET (run 5 of 30 with two busy loops on the two cores).
    app = await startHandler({ apiKey: KEY, baseUrl: upstream.url, store: createRedisStore(redis.client(), { commandTimeoutMs: 3000 }) });
  });
  after(async () => {
    redis?.resume();
    await app?.close();
    await upstream?.close();
    await redis?.stop();
  });

  it('a check and /readyz answer 503 STORE_UNAVAILABLE after the command timeout; the same session passes once Redis answers', async () => {
    const { id } = await app.handler.sessions.createSession();
    redis.pause();
    const checked = await check(app.url, id);
    assert.equal(checked.status, 503);
    assert.equal(checked.body.error_code, 'STORE_UNAVAILABLE');
    assert.equal(checked.headers['retry-after'], '5');
    assert.equal((await call(`${app.url}/readyz`)).status, 503);
    assert.equal(upstream.state.requests.length, 0);
    assert.ok(app.logs.some((r) => r.outcome === 'store-unavailable' && /answered nothing for 3000 ms/.test(r.detail)));
    redis.resume();
    assert.equal((await call(`${app.url}/readyz`)).status, 200);
    assert.equal((await check(app.url, id)).body.verdict.decision, 'pass');
  });
});

/** An upstream that holds every request until the test answers it; `next()` resolves with the next one held. */
async function heldUpstream() {
  const held = [];
  const waiting = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const w = waiting.shift();
      if (w) w(res);
      else held.push(res);
    });
  });
  const url = await listen(server);
  return {
    url,
    next: () => (held.length ? Promise.resolve(held.shift()) : new Promise((resolve) => waiting.push(resolve))),
    close: () => close(server),
  };
}

/** Reads HTTP/1.1 responses with a Content-Length from a raw socket until it ends. */
function readResponses(socket) {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    socket.on('data', (c) => (data = Buffer.concat([data, c])));
    socket.on('error', reject);
    socket.on('end', () => {
      const responses = [];
      let rest = data;
      while (rest.length > 0) {
        const end = rest.indexOf('\r\n\r\n');
        assert.ok(end > 0, 'a whole header block');
        const head = rest.subarray(0, end).toString('latin1').split('\r\n');
        const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(head[0])[1]);
        const headers = Object.fromEntries(head.slice(1).map((h) => [h.slice(0, h.indexOf(':')).toLowerCase(), h.slice(h.indexOf(':') + 1).trim()]));
        const length = Number(headers['content-length']);
        assert.ok(Number.isInteger(length), 'a Content-Length');
        responses.push({ status, headers, body: JSON.parse(rest.subarray(end + 4, end + 4 + length).toString()) });
        rest = rest.subarray(end + 4 + length);
      }
      resolve(responses);
    });
  });
}

describe('graceful shutdown of the command', () => {
  let upstream;
  let cli;
  before(async () => {
    upstream = await heldUpstream();
  });
  after(async () => {
    await stopCli(cli);
    await upstream?.close();
  });

  it('on SIGTERM: the check in flight gets its answer, a new request gets 503 SHUTTING_DOWN, then it exits 0', async () => {
    cli = await startCli(['--quiet', '--shutdown-timeout', '60000'], { SPOOFSENSE_API_KEY: KEY, SPOOFSENSE_BASE_URL: upstream.url });
    const { port } = new URL(cli.url);
    const socket = connect(Number(port), '127.0.0.1');
    const responses = readResponses(socket);
    await once(socket, 'connect');
    socket.write(`POST / HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(SAMPLE_BODY)}\r\n\r\n${SAMPLE_BODY}`);
    const inFlight = await upstream.next();

    cli.child.kill('SIGTERM');
    await cli.waitFor(/SIGTERM: shutting down/, 0);
    // The port is closed: no new connection.
    await assert.rejects(call(`${cli.url}/healthz`), (error) => ['ECONNREFUSED', 'ECONNRESET'].includes(error.code));
    // A request on the connection still open is refused.
    socket.write(`GET /readyz HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n\r\n`);

    inFlight.writeHead(200, { 'content-type': 'application/json' });
    inFlight.end('{"success":true,"message":"Process finished successfully","model_output":{"pred_idx":"real","prob_real":0.9}}');
    const [answered, refused, ...none] = await responses;
    assert.equal(answered.status, 200);
    assert.equal(answered.body.model_output.prob_real, 0.9);
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error_code, 'SHUTTING_DOWN');
    assert.equal(refused.headers['retry-after'], '1');
    assert.deepEqual(none, []);
    assert.equal(await cli.exited, 0);
    assert.match(cli.stderr, /stopped/);
    assert.doesNotMatch(cli.stderr, /cut \d+ request/);
  });
});

describe('metrics', () => {
  let upstream;
  let cli;
  before(async () => {
    upstream = await startUpstream();
  });
  after(async () => {
    await stopCli(cli);
    await upstream?.close();
  });

  it('GET /metrics needs the admin token, and counts checks, refusals, sessions, the upstream and the store', async () => {
    cli = await startCli(['--quiet', '--allowed-origins', 'http://page.example'], {
      SPOOFSENSE_API_KEY: KEY,
      SPOOFSENSE_BASE_URL: upstream.url,
      LIVENESS_ADMIN_TOKEN: TOKEN,
    });
    assert.equal((await call(`${cli.url}/metrics`)).status, 401, 'never public');
    assert.equal((await call(`${cli.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, 401);

    const first = (await openSession(cli.url)).body.id;
    assert.equal((await check(cli.url, first)).body.verdict.decision, 'pass');
    upstream.state.script.body = '{"success":true,"message":"Process finished successfully","model_output":{"pred_idx":"spoof","prob_real":0.1}}';
    const second = (await openSession(cli.url)).body.id;
    assert.equal((await check(cli.url, second, OTHER_BODY)).body.verdict.decision, 'fail');
    assert.equal((await check(cli.url)).body.error_code, 'SESSION_REQUIRED');
    assert.equal((await check(cli.url, first)).body.error_code, 'SESSION_CLOSED');
    assert.equal((await call(cli.url, { method: 'POST', body: SAMPLE_BODY, headers: { origin: 'http://evil.example' } })).status, 403);

    const res = await admin(cli.url, '/metrics');
    assert.equal(res.status, 200);
    const m = parseMetrics(res.body);
    assert.equal(m.types.get('liveness_requests_total'), 'counter');
    assert.equal(m.types.get('liveness_check_duration_seconds'), 'histogram');
    assert.equal(m.value('liveness_requests_total', { route: 'antispoofing', outcome: 'scored', code: 'pass' }), 1);
    assert.equal(m.value('liveness_requests_total', { route: 'antispoofing', outcome: 'scored', code: 'fail' }), 1);
    assert.equal(m.value('liveness_requests_total', { route: 'antispoofing', outcome: 'session-refused', code: 'SESSION_REQUIRED' }), 1);
    assert.equal(m.value('liveness_requests_total', { route: 'antispoofing', outcome: 'session-refused', code: 'SESSION_CLOSED' }), 1);
    assert.equal(m.value('liveness_refusals_total', { reason: 'session' }), 2);
    assert.equal(m.value('liveness_refusals_total', { reason: 'origin' }), 1);
    assert.equal(m.value('liveness_check_duration_seconds_count', { route: 'antispoofing' }), 5);
    assert.equal(m.value('liveness_check_duration_seconds_bucket', { route: 'antispoofing', le: '+Inf' }), 5);
    assert.equal(m.value('liveness_backend_duration_seconds_count', { mode: 'proxy', variant: 'antispoofing' }), 2);
    assert.equal(m.value('liveness_sessions_opened_total'), 2);
    // One attempt per session (the default allows 3): the pass decides its session, the fail does not yet.
    assert.equal(m.value('liveness_sessions_decided_total', { decision: 'pass' }), 1);
    assert.equal(m.value('liveness_sessions_decided_total', { decision: 'fail' }), 0);
    assert.equal(m.value('liveness_checks_in_flight'), 0);
    assert.ok(m.value('liveness_store_duration_seconds_count', { op: 'get' }) > 0);
    assert.equal(m.value('liveness_store_errors_total', { op: 'get', kind: 'unavailable' }), 0);
    assert.ok(m.value('process_resident_memory_bytes') > 0, 'process metrics');
  });

  it('without the admin token and without --metrics-port, /metrics is not served', async () => {
    await stopCli(cli);
    cli = await startCli(['--quiet'], { SPOOFSENSE_API_KEY: KEY, SPOOFSENSE_BASE_URL: upstream.url });
    assert.match(cli.stderr, /metrics not served/);
    assert.equal((await call(`${cli.url}/metrics`)).status, 404);
  });
});

describe('metrics of several handlers in one process', () => {
  let upstream;
  const apps = [];
  before(async () => {
    upstream = await startUpstream();
    for (let i = 0; i < 2; i++) apps.push(await startHandler({ apiKey: KEY, baseUrl: upstream.url }));
  });
  after(async () => {
    for (const app of apps) await app.close();
    await upstream?.close();
  });

  it('each handler counts in a registry of its own, and nothing in the global one', async () => {
    const [a, b] = apps;
    assert.notEqual(a.handler.metrics, b.handler.metrics);
    assert.equal((await check(a.url)).status, 200);
    // Without sessions or a verdict secret the answer carries no decision: code "none".
    const count = async (app) => parseMetrics(await app.handler.metrics.metrics()).value('liveness_requests_total', { route: 'antispoofing', outcome: 'scored', code: 'none' });
    assert.equal(await count(a), 1);
    await assert.rejects(count(b), /one sample/, 'no series before the first check');
    const { register } = await import('prom-client');
    assert.doesNotMatch(await register.metrics(), /liveness_/);
  });
});
