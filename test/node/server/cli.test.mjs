// The liveness-capture-server command: flags, environment, start-up notes, and serving on a port.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { SAMPLE_BODY, postJson, startUpstream } from './support.mjs';

const CLI = fileURLToPath(new URL('../../../dist/server/adapters/cli.js', import.meta.url));

/** Starts the CLI; resolves once it listens, with its URL and everything it wrote so far. */
function startCli(args, env) {
  const child = spawn(process.execPath, [CLI, '--port', '0', ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c) => (out.stdout += c));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (c) => {
      out.stderr += c;
      const m = /listening on (http:\/\/\S+)/.exec(out.stderr);
      if (m) resolve({ child, url: m[1], out });
    });
    child.on('exit', (code) => reject(new Error(`CLI exited with ${code}:\n${out.stderr}`)));
  });
}

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A POST with an exact Host header (fetch cannot set one). Resolves to status and error code. */
function postWithHost(url, host, body = SAMPLE_BODY) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { host, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode, code: JSON.parse(Buffer.concat(chunks).toString()).error_code });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.end(body);
  });
}

/** Runs the command with `env` until it exits on its own, or stops it once it listens (a start it should refuse). */
function runWith(env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '--port', '0'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
      if (stderr.includes('listening on')) child.kill('SIGTERM');
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

describe('liveness-capture-server', () => {
  let upstream;
  before(async () => {
    upstream = await startUpstream();
  });
  after(async () => {
    await upstream.close();
  });

  it('prints help', async () => {
    const { code, stdout } = await run(['--help']);
    assert.equal(code, 0);
    for (const word of ['LIVENESS_ADMIN_TOKEN', 'POST /sessions', 'x-liveness-session', 'SPOOFSENSE_API_KEY', 'SPOOFSENSE_BASE_URL', 'LIVENESS_VERDICT_SECRET', '--variant', '--threshold', '--allowed-origins', '--rate-limit', '--port', '/healthz']) {
      assert.ok(stdout.includes(word), word);
    }
  });

  it('refuses unknown flags and bad values', async () => {
    assert.equal((await run(['--api-key', 'x'])).code, 2);
    assert.equal((await run(['--variant', 'fast'])).code, 2);
    const bad = await run(['--threshold', '2', '--mode', 'local']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /threshold/);
  });

  it('runs in proxy mode from the environment, with the key from the environment only', async () => {
    const cli = await startCli(['--variant', 'robust', '--allowed-origins', 'http://page.example'], {
      SPOOFSENSE_API_KEY: 'cli-key-0123456789',
      SPOOFSENSE_BASE_URL: `${upstream.url}/stage`,
      LIVENESS_VERDICT_SECRET: 'cli-secret-0123456789abcdef-0123456789',
    });
    try {
      assert.match(cli.out.stderr, /proxy mode/);
      assert.match(cli.out.stderr, /WARNING: sessions off .*verdicts are NOT bound to sessions/);
      assert.match(cli.out.stderr, /verdict tokens on/);
      assert.match(cli.out.stderr, /http:\/\/page\.example/);
      assert.ok(!cli.out.stderr.includes('cli-key-0123456789'), 'the key is never printed');

      const res = await postJson(cli.url, SAMPLE_BODY, { origin: 'http://page.example' });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), 'http://page.example');
      const json = await res.json();
      assert.equal(json.verdict.threshold, 0.5, 'robust threshold');
      const seen = upstream.state.requests.at(-1);
      assert.equal(seen.path, '/stage/robust');
      assert.equal(seen.headers['x-api-key'], 'cli-key-0123456789');

      assert.deepEqual(await (await fetch(`${cli.url}/healthz`)).json(), { ok: true, mode: 'proxy', variant: 'robust' });
      assert.equal((await postJson(`${cli.url}/elsewhere`, SAMPLE_BODY)).status, 404);
      assert.equal((await postJson(cli.url, SAMPLE_BODY, { origin: 'http://evil.example' })).status, 403);

      const lines = cli.out.stdout.trim().split('\n').map((l) => JSON.parse(l));
      assert.ok(lines.length >= 2);
      assert.equal(lines[0].event, 'liveness-request');
      assert.equal(lines[0].mode, 'proxy');
    } finally {
      await stop(cli.child);
    }
  });

  it('with LIVENESS_ADMIN_TOKEN: opens sessions for the app server and needs one for every check', async () => {
    const token = 'admin-token-0123456789abcdef';
    const cli = await startCli([], {
      SPOOFSENSE_API_KEY: 'cli-key-0123456789',
      SPOOFSENSE_BASE_URL: upstream.url,
      LIVENESS_VERDICT_SECRET: 'cli-secret-0123456789abcdef-0123456789',
      LIVENESS_ADMIN_TOKEN: token,
    });
    try {
      assert.match(cli.out.stderr, /sessions on/);
      assert.doesNotMatch(cli.out.stderr, /WARNING/);
      const admin = (path, init = {}, auth = `Bearer ${token}`) =>
        fetch(`${cli.url}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}), ...init.headers } });
      for (const auth of ['', 'Bearer wrong-token-0123456789abc', `Basic ${token}`, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`]) {
        const res = await admin('/sessions', { method: 'POST', body: '{}' }, auth);
        assert.equal(res.status, 401, String(auth));
        assert.equal(res.headers.get('www-authenticate'), 'Bearer');
      }
      const before = upstream.state.requests.length;
      const refused = await postJson(cli.url, SAMPLE_BODY);
      assert.equal(refused.status, 401);
      assert.equal((await refused.json()).error_code, 'SESSION_REQUIRED');
      assert.equal(upstream.state.requests.length, before);

      upstream.state.script = { status: 200, headers: {}, body: '{"success":true,"model_output":{"pred_idx":"real","prob_real":0.93}}' };
      const created = await admin('/sessions', { method: 'POST', body: JSON.stringify({ subject: 'user-9', variant: 'robust' }) });
      assert.equal(created.status, 201);
      const { id, expiresAt } = await created.json();
      assert.match(id, /^[A-Za-z0-9_-]{22}$/);
      assert.ok(Date.parse(expiresAt) > Date.now());
      assert.equal((await (await admin(`/sessions/${id}`)).json()).state, 'open');
      const res = await postJson(cli.url, SAMPLE_BODY, { 'x-liveness-session': id });
      assert.equal((await res.json()).verdict.decision, 'pass');
      assert.equal(upstream.state.requests.at(-1).path, '/robust', 'the session chose the model');
      const result = await (await admin(`/sessions/${id}`)).json();
      assert.equal(result.state, 'passed');
      assert.equal(result.subject, 'user-9');
      assert.equal(result.probReal, 0.93);
      assert.equal((await admin(`/sessions/${id}/consume`, { method: 'POST' })).status, 200);
      assert.equal((await admin(`/sessions/${id}/consume`, { method: 'POST' })).status, 409);
      assert.equal((await admin('/sessions/AAAAAAAAAAAAAAAAAAAAAA')).status, 404);
      assert.equal((await admin('/sessions', { method: 'POST', body: '{"variant":"fast"}' })).status, 400);
    } finally {
      await stop(cli.child);
    }
  });

  it('answers only its own Host names by default (DNS rebinding gets 421), and those of --allowed-hosts', async () => {
    const env = { SPOOFSENSE_API_KEY: 'cli-key-0123456789', SPOOFSENSE_BASE_URL: upstream.url };
    const cli = await startCli([], env);
    try {
      const port = new URL(cli.url).port;
      assert.match(cli.out.stderr, /Host names served: localhost, 127\.0\.0\.1, \[::1\]/);
      const before = upstream.state.requests.length;
      for (const host of [`attacker.example:${port}`, 'attacker.example', `127.0.0.1.attacker.example:${port}`]) {
        assert.deepEqual(await postWithHost(cli.url, host), { status: 421, code: 'HOST_NOT_ALLOWED' }, host);
      }
      assert.equal(upstream.state.requests.length, before);
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
        assert.equal((await postWithHost(cli.url, host)).status, 200, host);
      }
    } finally {
      await stop(cli.child);
    }
    const named = await startCli(['--allowed-hosts', 'liveness.example, other.example:443'], env);
    try {
      const port = new URL(named.url).port;
      assert.equal((await postWithHost(named.url, `liveness.example:${port}`)).status, 200);
      assert.equal((await postWithHost(named.url, 'other.example:443')).status, 200);
      assert.equal((await postWithHost(named.url, `other.example:${port}`)).status, 421);
      assert.equal((await postWithHost(named.url, `127.0.0.1:${port}`)).status, 421);
    } finally {
      await stop(named.child);
    }
  });

  for (const [name, token, message] of [
    ['blank', '', /LIVENESS_ADMIN_TOKEN is set but blank/],
    ['spaces only', '   ', /LIVENESS_ADMIN_TOKEN is set but blank/],
    ['with whitespace inside', 'admin token 0123456789 abcdef', /must not contain whitespace/],
    ['with a tab inside', 'admin-token-0123456789\tabcdef', /must not contain whitespace/],
  ]) {
    it(`refuses to start with an admin token that is ${name}`, async () => {
      const { code, stderr } = await runWith({ SPOOFSENSE_API_KEY: 'cli-key-0123456789', LIVENESS_ADMIN_TOKEN: token });
      assert.equal(code, 2);
      assert.match(stderr, message);
      assert.doesNotMatch(stderr, /listening on/);
    });
  }

  it('warns about a low-entropy admin token, and not about a random one', async () => {
    const env = { SPOOFSENSE_API_KEY: 'cli-key-0123456789', SPOOFSENSE_BASE_URL: upstream.url };
    for (const [token, weak] of [['a'.repeat(16), true], ['abcdabcdabcdabcd', true], ['q3J9vX2LmZ8tR1wKpB6yHd0sNf4C', false]]) {
      const cli = await startCli([], { ...env, LIVENESS_ADMIN_TOKEN: token });
      try {
        assert.match(cli.out.stderr, /sessions on/);
        if (weak) assert.match(cli.out.stderr, /WARNING: LIVENESS_ADMIN_TOKEN looks weak/, token);
        else assert.doesNotMatch(cli.out.stderr, /looks weak/, token);
        assert.ok(!cli.out.stderr.includes(token), 'the token is never printed');
      } finally {
        await stop(cli.child);
      }
    }
  });

  it('logs every admin request with its outcome, never the token or a session id, and limits failed ones per address', async () => {
    const token = 'admin-token-0123456789abcdef';
    const cli = await startCli(['--trust-proxy'], { SPOOFSENSE_API_KEY: 'cli-key-0123456789', SPOOFSENSE_BASE_URL: upstream.url, LIVENESS_ADMIN_TOKEN: token });
    const admin = (path, from, auth, init = {}) =>
      fetch(`${cli.url}${path}`, { ...init, headers: { 'x-forwarded-for': from, ...(auth ? { authorization: `Bearer ${auth}` } : {}) } });
    const adminLines = () =>
      `${cli.out.stdout}\n${cli.out.stderr}`.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((r) => r.event === 'liveness-admin');
    try {
      const statuses = [];
      for (let i = 0; i < 10; i++) statuses.push((await admin('/sessions', '198.51.100.9', `wrong-token-${i}-0123456789`, { method: 'POST' })).status);
      assert.deepEqual(statuses, Array(10).fill(401));
      const blocked = await admin('/sessions', '198.51.100.9', token, { method: 'POST' });
      assert.equal(blocked.status, 429, 'the right token from a blocked address is not even compared');
      assert.equal((await blocked.json()).error_code, 'RATE_LIMITED');
      assert.ok(Number(blocked.headers.get('retry-after')) >= 1);
      const created = await admin('/sessions', '198.51.100.10', token, { method: 'POST' });
      assert.equal(created.status, 201, 'another address is not limited');
      const { id } = await created.json();
      assert.equal((await admin(`/sessions/${id}`, '198.51.100.10', token)).status, 200);
      assert.equal((await admin(`/sessions/${id}/consume`, '198.51.100.10', 'nope-0123456789abcdef', { method: 'POST' })).status, 401);

      while (adminLines().length < 14) await new Promise((r) => setTimeout(r, 10));
      const lines = adminLines();
      assert.equal(lines.length, 14);
      // Info lines go to stdout, warnings to stderr: compare them in a fixed order, not the order they were read.
      const seen = lines.map((r) => `${r.status} ${r.outcome} ${r.level} ${r.method} ${r.path} ${r.clientAddress}`).sort();
      assert.deepEqual(seen, [
        '200 read info GET /sessions/{id} 198.51.100.10',
        '201 created info POST /sessions 198.51.100.10',
        ...Array(10).fill('401 unauthorized warn POST /sessions 198.51.100.9'),
        '401 unauthorized warn POST /sessions/{id}/consume 198.51.100.10',
        '429 rate-limited warn POST /sessions 198.51.100.9',
      ]);
      const all = cli.out.stdout + cli.out.stderr;
      for (const secret of [token, id, 'wrong-token-0']) assert.ok(!all.includes(secret), `${secret} is never logged`);
    } finally {
      await stop(cli.child);
    }
  });

  it('never prints the user-info or query of a base URL, from the environment or --base-url', async () => {
    const port = new URL(upstream.url).port;
    for (const [args, env] of [
      [[], { SPOOFSENSE_BASE_URL: `http://base-user:base-pass@127.0.0.1:${port}/stage?api_key=query-secret` }],
      [['--base-url', `http://127.0.0.1:${port}/stage?api_key=query-secret#frag-secret`], {}],
    ]) {
      const cli = await startCli(args, { SPOOFSENSE_API_KEY: 'cli-key-0123456789', ...env });
      try {
        await postJson(cli.url, SAMPLE_BODY);
        await fetch(cli.url, { method: 'TRACE' }).catch(() => undefined);
        assert.match(cli.out.stderr, new RegExp(`proxy mode: forwarding to http://(\\*\\*\\*@)?127\\.0\\.0\\.1:${port}/stage\\?\\*\\*\\*`));
        const all = cli.out.stdout + cli.out.stderr;
        for (const secret of ['base-user', 'base-pass', 'query-secret', 'frag-secret', 'api_key']) assert.ok(!all.includes(secret), secret);
      } finally {
        await stop(cli.child);
      }
    }
  });

  it('answers TRACE with a logged 405 (a method a web Request cannot carry)', async () => {
    const cli = await startCli([], { SPOOFSENSE_API_KEY: 'cli-key-0123456789', SPOOFSENSE_BASE_URL: upstream.url });
    try {
      const res = await new Promise((resolve, reject) => {
        const req = request(cli.url, { method: 'TRACE' });
        req.on('error', reject);
        req.on('response', (r) => {
          r.resume();
          resolve(r);
        });
        req.end();
      });
      assert.equal(res.statusCode, 405);
      const logged = () => `${cli.out.stdout}${cli.out.stderr}`.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      while (logged().length === 0) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(
        logged().map((r) => [r.method, r.status, r.outcome]),
        [['TRACE', 405, 'method-not-allowed']],
      );
    } finally {
      await stop(cli.child);
    }
  });

  it('--allowed-headers: the preflight allows the page its own headers, after the element\'s', async () => {
    const preflight = (url, headers) => fetch(url, {
      method: 'OPTIONS',
      headers: { origin: 'http://page.example', 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
    });
    const plain = await startCli(['--allowed-origins', 'http://page.example'], { SPOOFSENSE_API_KEY: 'k', SPOOFSENSE_BASE_URL: upstream.url });
    try {
      const res = await preflight(plain.url, 'content-type,x-example');
      assert.equal(res.headers.get('access-control-allow-headers'), 'content-type, authorization, x-liveness-session, x-liveness-capture');
      assert.match(plain.out.stderr, /a page that sends others needs --allowed-headers/);
    } finally {
      await stop(plain.child);
    }
    const cli = await startCli(['--allowed-origins', 'http://page.example', '--allowed-headers', 'X-Example, x-request-id,content-type'], { SPOOFSENSE_API_KEY: 'k', SPOOFSENSE_BASE_URL: upstream.url });
    try {
      const res = await preflight(cli.url, 'content-type,x-example');
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), 'http://page.example');
      assert.equal(res.headers.get('access-control-allow-headers'), 'content-type, authorization, x-liveness-session, x-liveness-capture, x-example, x-request-id');
      assert.match(cli.out.stderr, /cross-origin request headers allowed: content-type, authorization, x-liveness-session, x-liveness-capture, x-example, x-request-id/);
    } finally {
      await stop(cli.child);
    }
    const bad = await run(['--allowed-origins', 'http://page.example', '--allowed-headers', 'x bad']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"x bad" is not an HTTP header name/);
  });

  it('refuses a short admin token', async () => {
    const child = spawn(process.execPath, [CLI, '--port', '0'], {
      env: { PATH: process.env.PATH, SPOOFSENSE_API_KEY: 'k', LIVENESS_ADMIN_TOKEN: 'short' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /admin token must be at least 16/);
  });

  it('says what is missing in local mode', async () => {
    const cli = await startCli([], {});
    try {
      assert.match(cli.out.stderr, /local mode: no SPOOFSENSE_API_KEY set/);
      assert.match(cli.out.stderr, /verdict tokens off: LIVENESS_VERDICT_SECRET not set/);
      assert.match(cli.out.stderr, /not a certified/);
      assert.deepEqual(await (await fetch(`${cli.url}/healthz`)).json(), { ok: true, mode: 'local', variant: 'antispoofing' });
    } finally {
      await stop(cli.child);
    }
  });
});
