// The server's first run, as a new user has it: the packed tarball installed into an empty folder, then the
// README's quick start. Without the local mode's optional peers the command must stop with the exact install
// line; after the README's install line it must serve.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, tarball, workdir } from '../../support/apps.mjs';
import { LOCAL_PEERS } from '../../../dist/server/backends/local.js';

const work = workdir('first-run');
const app = join(work.dir, 'app');
const children = new Set();

/** The README's quick start: the ```sh block that follows "Quick start, local mode". */
function quickStart() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /Quick start, local mode[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'README.md has the quick start block');
  return block.trim().split('\n');
}

/** `npx liveness-capture-server …` in the app on a free port; resolves on exit or once it listens. */
function serverCommand(line) {
  const args = line.replace(/^npx liveness-capture-server\s*/, '').split(/\s+/).filter(Boolean);
  const child = spawn('npx', ['--no-install', 'liveness-capture-server', ...args, '--port', '0'], {
    cwd: app, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  children.add(child);
  let stderr = '';
  return new Promise((resolve) => {
    child.stderr.on('data', (c) => {
      stderr += c;
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve({ child, url: m[1], stderr });
    });
    child.on('exit', (code) => {
      children.delete(child);
      resolve({ code, stderr });
    });
  });
}

/** Runs an npm command in the app; returns what it printed (warnings included). */
function npm(line) {
  const args = line.replace(/^npm /, '').split(/\s+/);
  const result = spawnSync('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, encoding: 'utf8' });
  assert.equal(result.status, 0, `${line}:\n${result.stdout}${result.stderr}`);
  return `${result.stdout}${result.stderr}`;
}

before(() => {
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'first-run', private: true }, null, 2));
});

after(() => {
  for (const child of children) process.kill(-child.pid, 'SIGKILL');
  work.cleanup();
});

test("the local mode's peers in the install line are the package's own peerDependencies", () => {
  const peers = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).peerDependencies;
  for (const [name, range] of Object.entries(LOCAL_PEERS)) assert.equal(peers[name], range, name);
});

test('the README quick start from the tarball: without the peers the command prints their install line; with them it serves', async () => {
  const [install, peers, start] = quickStart();
  assert.equal(install, 'npm install liveness-capture');
  assert.match(start, /^npx liveness-capture-server /);
  // The tarball has no install-time script left to warn about (npm warns of any it has not been allowed to run).
  const installed = npm(`npm install ${tarball(work.dir)}`);
  assert.doesNotMatch(installed, /install-scripts|prepare/, installed);

  const first = await serverCommand(start);
  assert.equal(first.code, 1, first.stderr);
  assert.doesNotMatch(first.stderr, /Cannot find package/);
  assert.ok(first.stderr.includes(`\n  ${peers}\n`), `the exact install line (the README's):\n${first.stderr}`);
  assert.match(first.stderr, /SPOOFSENSE_API_KEY/);

  npm(peers);
  const served = await serverCommand(start);
  assert.ok(served.url, served.stderr);
  try {
    assert.deepEqual(await (await fetch(`${served.url}/healthz`)).json(), { ok: true, mode: 'local', variant: 'antispoofing' });
    const preflight = await fetch(served.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-example' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    assert.match(preflight.headers.get('access-control-allow-headers'), /\bx-example\b/);
  } finally {
    const exited = new Promise((resolve) => served.child.once('exit', resolve));
    process.kill(-served.child.pid, 'SIGTERM');
    await exited;
  }
});
