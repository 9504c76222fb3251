// The liveness-capture-server command: flags, environment, start-up notes, and serving on a port.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SAMPLE_BODY, postJson, startUpstream } from './support.mjs';

const CLI = fileURLToPath(new URL('../../../dist/server/cli.js', import.meta.url));

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

function stop(child) {
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
    for (const word of ['SPOOFSENSE_API_KEY', 'SPOOFSENSE_BASE_URL', 'LIVENESS_VERDICT_SECRET', '--variant', '--threshold', '--allowed-origins', '--rate-limit', '--port', '/healthz']) {
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
      LIVENESS_VERDICT_SECRET: 'cli-secret-0123456789abcdef',
    });
    try {
      assert.match(cli.out.stderr, /proxy mode/);
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
