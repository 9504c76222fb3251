// A real redis-server (Debian's package) on a free loopback port, for the tests and the server benchmark.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import Redis from 'ioredis';

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Spawns `redis-server` on `port` and resolves with the child once it accepts connections. */
async function launch(port) {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`redis-server exited (${code}) before it was ready:\n${output}`);
  });
  const ready = (async () => {
    while (!/Ready to accept connections/.test(output)) await new Promise((r) => setTimeout(r, 20));
  })();
  await Promise.race([ready, exited]);
  exited.catch(() => undefined);
  return child;
}

/**
 * Starts `redis-server` with no persistence on 127.0.0.1 and resolves when it accepts connections.
 * Returns { url, client(), kill(), restart(), pause(), resume(), stop() }; every client made by `client()` is quit
 * by `stop()`. `kill()` ends the server abruptly (an outage: the clients stay); `restart()` starts it again on the
 * same port, empty; `pause()` stops the process (SIGSTOP: connections stay open, nothing is answered) until
 * `resume()`.
 */
export async function startRedis() {
  const port = await freePort();
  let child = await launch(port);
  const url = `redis://127.0.0.1:${port}`;
  const clients = [];
  let paused = false;
  const end = async (signal) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    if (paused) child.kill('SIGCONT');
    paused = false;
    await exited;
  };
  return {
    url,
    port,
    client() {
      const c = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
      clients.push(c);
      return c;
    },
    kill: () => end('SIGKILL'),
    pause() {
      child.kill('SIGSTOP');
      paused = true;
    },
    resume() {
      child.kill('SIGCONT');
      paused = false;
    },
    async restart() {
      await end('SIGKILL');
      child = await launch(port);
    },
    async stop() {
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
      await end('SIGTERM');
    },
  };
}
