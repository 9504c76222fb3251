// Debian's nginx on a free loopback port, configured the way a site would start: its stock /etc/nginx/mime.types
// and nothing else about types. The test gives the server blocks' locations; everything else (pid, logs, temp
// files) lives in a temp prefix that `stop()` removes.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/redis.mjs';

/**
 * Starts nginx in the foreground serving `root`, with `locations` (nginx config text) in its server block, and
 * resolves when it accepts connections. Returns { origin, stop() }.
 */
export async function startNginx({ root, locations = '' }) {
  const prefix = mkdtempSync(join(tmpdir(), 'liveness-nginx-'));
  const port = await freePort();
  const conf = join(prefix, 'nginx.conf');
  // Run as root, the user the tests run as, so the workers can read the temp directories (mode 0700).
  writeFileSync(conf, `user root;
daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log ${prefix}/access.log;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  client_max_body_size 20m;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    ${locations}
  }
}
`);
  const child = spawn('nginx', ['-p', prefix, '-c', conf, '-e', join(prefix, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`nginx exited (${code}) before it was ready:\n${output}`);
  });
  let waiting = true;
  const ready = (async () => {
    while (waiting) {
      const ok = await new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    await Promise.race([ready, exited]);
  } catch (error) {
    waiting = false;
    rmSync(prefix, { recursive: true, force: true });
    throw error;
  }
  exited.catch(() => undefined);
  return {
    origin: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        const gone = once(child, 'exit');
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
