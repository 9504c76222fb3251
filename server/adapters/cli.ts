#!/usr/bin/env node
// liveness-capture-server: serves the liveness handler on a port. See --help.

import { parseArgs } from 'node:util';
import { HOSTED_BASE_URL, VARIANTS, type Variant } from '../contract/contract.js';
import { WEAK_ADMIN_TOKEN_BITS, createSessionRoutes, estimateTokenBits } from '../handler/admin.js';
import { createLivenessHandler, type LivenessHandler, type LivenessHandlerOptions } from '../handler/handler.js';
import { allowedHostsFor } from './hosts.js';
import { CORS_ALLOWED_HEADERS } from '../handler/guard.js';
import { createServer as createHttpServer } from 'node:http';
import { collectDefaultMetrics } from 'prom-client';
import { createNodeServer } from './node.js';
import { createRedisStore, type LivenessStore, type RedisClientLike } from '../stores/store.js';

const HELP = `Usage: liveness-capture-server [options]

Serves a SpoofSense-compatible liveness endpoint for <liveness-capture>:
  POST /              the default model (--variant)
  POST /antispoofing  POST /robust   that model
  GET  /healthz       {"ok":true,"mode":...}: the process is alive (liveness probe)
  GET  /readyz        200 when the store answers, else 503 STORE_UNAVAILABLE; 503 SHUTTING_DOWN once
                      stopping (readiness probe)
With LIVENESS_ADMIN_TOKEN set, liveness sessions are on (every POST above needs an open session in the
x-liveness-session header) and the app server opens and reads them with Authorization: Bearer <token>:
  POST /sessions                {"subject"?, "variant"?}  ->  201 {"id","expiresAt"}
  GET  /sessions/<id>           {"state":"open|passed|failed|expired","attempts",...}
  POST /sessions/<id>/consume   the passed result, once (409 afterwards)
  GET  /sessions/<id>/evidence  {"evidence":"<jws>"}: the signed record of a decided session
  GET  /sessions/<id>/images/<n> attempt n's image (with --keep-images)
  DELETE /sessions/<id>         the session, its record and its images
  GET  /.well-known/jwks.json   the public key that verifies evidence records (no token)
  GET  /metrics                 Prometheus metrics (the same bearer token; or see --metrics-port)
Every request is logged as one JSON line on stdout (errors on stderr); start-up notes go to stderr.

Modes
  proxy   when SPOOFSENSE_API_KEY is set: forwards to the hosted API with that key
  local   otherwise: in-process reference models (development and evaluation only,
          not a certified presentation-attack-detection decision)

Options (environment variable in brackets)
  --port <n>               port to listen on [PORT] (default 8787)
  --host <addr>            address to bind [HOST] (default 127.0.0.1; 0.0.0.0 in a container)
  --mode <proxy|local>     force a mode (default: proxy when a key is set)
  --variant <name>         antispoofing | robust, the model of POST / (default antispoofing)
  --base-url <url>         upstream base URL [SPOOFSENSE_BASE_URL]
                           (default ${HOSTED_BASE_URL})
  --threshold <x>          pass threshold in [0, 1] for both models
                           (default 0.55 antispoofing, 0.50 robust; prob_real > x passes)
  --allowed-origins <list> comma-separated origins allowed cross-origin, e.g. http://localhost:5173
                           (default none: same-origin browser requests only)
  --allowed-hosts <list>   comma-separated Host names served, e.g. liveness.example.com (any port unless
                           one is given; * for any); others get 421, against DNS rebinding
                           (default: the --host name; localhost, 127.0.0.1 and [::1] on loopback;
                           any when listening on 0.0.0.0 or ::)
  --allowed-headers <list> comma-separated request headers those pages may send besides content-type,
                           authorization and x-liveness-session (the element's headers property), e.g. x-example
  --rate-limit <n>         requests per minute per client address, per instance (default off)
  --timeout <ms>           upstream timeout in proxy mode (default 20000)
  --max-concurrent <n>     checks running at once; more get 503 BUSY (default 4 local, 32 proxy)
  --trust-proxy            client address and public origin from X-Forwarded-* headers
  --keep-images            keep each attempt's image with its evidence record (biometric data;
                           kept as long as the record, 30 days)
  --metrics-port <n>       also serve GET /metrics without a token on 127.0.0.1:<n> (default off;
                           with LIVENESS_ADMIN_TOKEN set, /metrics on the main port needs the token)
  --shutdown-timeout <ms>  on SIGTERM/SIGINT, how long checks in flight may take to finish before
                           their connections are cut (default 10000); new requests get 503 meanwhile
  --quiet                  no per-request log lines
  -h, --help               this text

Secrets come only from the environment, never from flags (flags show up in process lists):
  SPOOFSENSE_API_KEY       the hosted API key (proxy mode)
  LIVENESS_VERDICT_SECRET  signs verdict tokens (at least 32 bytes; e.g. \`openssl rand -base64 32\`)
  LIVENESS_ADMIN_TOKEN     turns sessions on and guards /sessions (at least 16 characters, no whitespace;
                           set but blank is an error; a low-entropy token is warned about)
  LIVENESS_EVIDENCE_KEY    signs evidence records: a private Ed25519 key, PKCS#8 PEM or JWK
                           (\`openssl genpkey -algorithm ed25519\`); default an ephemeral key
  LIVENESS_REDIS_URL       keep sessions, nonces and rate limits in Redis (needs the ioredis package),
                           so that several instances share them; default: in memory, this process only
`;

function fail(message: string): never {
  process.stderr.write(`liveness-capture-server: ${message}\nTry --help.\n`);
  process.exit(2);
}

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) fail(`${name} must be a number, got "${value}"`);
  return n;
}

interface RedisClient extends RedisClientLike {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready' | 'close', listener: () => void): unknown;
  disconnect(): void;
}

function note(line: string): void {
  process.stderr.write(`liveness-capture-server: ${line}\n`);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        mode: { type: 'string' },
        variant: { type: 'string' },
        'base-url': { type: 'string' },
        threshold: { type: 'string' },
        'allowed-origins': { type: 'string' },
        'allowed-hosts': { type: 'string' },
        'allowed-headers': { type: 'string' },
        'rate-limit': { type: 'string' },
        timeout: { type: 'string' },
        'max-concurrent': { type: 'string' },
        'trust-proxy': { type: 'boolean' },
        quiet: { type: 'boolean' },
        'keep-images': { type: 'boolean' },
        'metrics-port': { type: 'string' },
        'shutdown-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (values['help']) {
    process.stdout.write(HELP);
    return;
  }
  const str = (name: string): string | undefined => values[name] as string | undefined;
  const env = process.env;

  const port = number(str('port') ?? env['PORT'], '--port') ?? 8787;
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got ${port}`);
  const host = str('host') ?? env['HOST'] ?? '127.0.0.1';
  const mode = str('mode');
  if (mode !== undefined && mode !== 'proxy' && mode !== 'local') fail(`--mode must be proxy or local, got "${mode}"`);
  const variant = str('variant');
  if (variant !== undefined && !(VARIANTS as readonly string[]).includes(variant)) {
    fail(`--variant must be antispoofing or robust, got "${variant}"`);
  }
  const threshold = number(str('threshold'), '--threshold');
  const origins = (str('allowed-origins') ?? '')
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  let allowedHosts: string[] | undefined;
  try {
    allowedHosts = allowedHostsFor(host, str('allowed-hosts'));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const allowedHeaders = (str('allowed-headers') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const perMinute = number(str('rate-limit'), '--rate-limit');
  if (perMinute !== undefined && !(perMinute > 0)) fail('--rate-limit must be > 0');
  const timeout = number(str('timeout'), '--timeout');
  const maxConcurrent = number(str('max-concurrent'), '--max-concurrent');
  const metricsPort = number(str('metrics-port'), '--metrics-port');
  if (metricsPort !== undefined && (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535)) {
    fail(`--metrics-port must be 0..65535, got ${metricsPort}`);
  }
  const shutdownTimeout = number(str('shutdown-timeout'), '--shutdown-timeout') ?? 10_000;
  if (!(shutdownTimeout >= 0)) fail('--shutdown-timeout must be >= 0');

  // Set but blank is a mistake, not a choice: running with sessions off would issue pass tokens for any image.
  const givenToken = env['LIVENESS_ADMIN_TOKEN'];
  if (givenToken !== undefined && givenToken.trim() === '') {
    fail('LIVENESS_ADMIN_TOKEN is set but blank; set a token (e.g. `openssl rand -base64 32`) or unset it to run without sessions');
  }
  const adminToken = givenToken?.trim();
  const redisUrl = env['LIVENESS_REDIS_URL']?.trim() || undefined;
  let store: LivenessStore | undefined;
  let redis: RedisClient | undefined;
  if (redisUrl) {
    let Redis: new (url: string, options: object) => RedisClient;
    try {
      ({ Redis } = (await import('ioredis')) as unknown as { Redis: typeof Redis });
    } catch (error) {
      fail(`LIVENESS_REDIS_URL is set but the ioredis package could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
    // A command waits for at most one reconnection attempt, so that a request during an outage gets 503 at
    // once; the client reconnects by itself for as long as it takes.
    const client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    redis = client;
    store = createRedisStore(client);
    let down = false;
    client.on('error', (error: Error) => {
      if (!down) note(`Redis unreachable (${error.message}): checks and /sessions answer 503 STORE_UNAVAILABLE until it is back`);
      down = true;
    });
    client.on('close', () => {
      if (!down) note('Redis connection lost: checks and /sessions answer 503 STORE_UNAVAILABLE until it is back');
      down = true;
    });
    client.on('ready', () => {
      if (down) note('Redis reachable again');
      down = false;
    });
  }

  const options: LivenessHandlerOptions = {
    ...(mode ? { mode: mode as 'proxy' | 'local' } : {}),
    ...(variant ? { variant: variant as Variant } : {}),
    ...(str('base-url') ? { baseUrl: str('base-url') } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    allowedOrigins: origins,
    ...(allowedHosts ? { allowedHosts } : {}),
    allowedHeaders,
    ...(perMinute !== undefined ? { rateLimit: { requestsPerMinute: perMinute } } : {}),
    ...(timeout !== undefined ? { upstreamTimeoutMs: timeout } : {}),
    ...(maxConcurrent !== undefined ? { maxConcurrent } : {}),
    basePath: '/',
    ...(values['quiet'] ? { log: false as const } : {}),
    ...(store ? { store } : {}),
    sessions: adminToken ? 'on' : 'off',
    ...(values['keep-images'] ? { keepImages: true } : {}),
  };

  let handler: LivenessHandler;
  let routes: ReturnType<typeof createSessionRoutes> | undefined;
  try {
    handler = createLivenessHandler(options);
    if (adminToken) {
      routes = createSessionRoutes(handler.sessions!, {
        adminToken,
        metrics: handler.metrics,
        ...(values['quiet'] ? { log: false as const } : {}),
      });
    }
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const { config } = handler;
  collectDefaultMetrics({ register: handler.metrics });

  if (config.mode === 'proxy') {
    note(`proxy mode: forwarding to ${config.upstream}/{antispoofing,robust} with the server's SPOOFSENSE_API_KEY`);
  } else if (env['SPOOFSENSE_API_KEY']?.trim()) {
    note('local mode (forced by --mode local; SPOOFSENSE_API_KEY is set but unused)');
  } else {
    note('local mode: no SPOOFSENSE_API_KEY set; answering with the in-process reference models');
    note('  (for development and evaluation only, not a certified presentation-attack-detection decision)');
  }
  const t = config.thresholds;
  note(
    config.verdict
      ? `verdict tokens on: prob_real > ${t.antispoofing} (antispoofing), > ${t.robust} (robust) passes`
      : 'verdict tokens off: LIVENESS_VERDICT_SECRET not set',
  );
  note(
    config.allowedOrigins.length > 0
      ? `cross-origin browsers allowed from: ${config.allowedOrigins.join(', ')}`
      : 'same-origin browser requests only: pages on other origins need --allowed-origins',
  );
  if (config.allowedOrigins.length > 0) {
    note(`cross-origin request headers allowed: ${[CORS_ALLOWED_HEADERS, ...config.allowedHeaders].join(', ')}` +
      (config.allowedHeaders.length ? '' : ' (a page that sends others needs --allowed-headers)'));
  }
  note(
    allowedHosts
      ? `Host names served: ${allowedHosts.join(', ')} (others get 421; --allowed-hosts)`
      : 'any Host name served: set --allowed-hosts to the public name(s) against DNS rebinding',
  );
  note(
    config.rateLimit
      ? `rate limit: ${perMinute} requests/minute per client address (${store ? 'shared through Redis' : 'this instance'})`
      : 'rate limit off',
  );
  if (adminToken && estimateTokenBits(adminToken) < WEAK_ADMIN_TOKEN_BITS) {
    note(`!!! WARNING: LIVENESS_ADMIN_TOKEN looks weak (about ${Math.floor(estimateTokenBits(adminToken))} bits of entropy); use e.g. \`openssl rand -base64 32\``);
  }
  if (config.sessions) {
    note(`sessions on: POST /sessions and GET /sessions/<id> with the LIVENESS_ADMIN_TOKEN bearer token; every check needs x-liveness-session`);
    note(store ? 'sessions, nonces and limits kept in Redis (LIVENESS_REDIS_URL)' : 'sessions kept in memory: this process only');
    note(
      config.evidence === 'ephemeral'
        ? 'evidence records signed with an EPHEMERAL key (LIVENESS_EVIDENCE_KEY not set): no one can verify them once this process is gone'
        : 'evidence records signed with LIVENESS_EVIDENCE_KEY; public key at /.well-known/jwks.json',
    );
    if (values['keep-images']) note('--keep-images: attempt images are kept with the records (biometric data: mind your retention duties)');
  } else {
    note('!!! WARNING: sessions off (LIVENESS_ADMIN_TOKEN not set): verdicts are NOT bound to sessions.');
    note('!!! Anyone who can reach this endpoint can get a score (and a pass token) for an image of their choice.');
    note('!!! Set LIVENESS_ADMIN_TOKEN and open a session per user from your app server before trusting a verdict.');
  }

  if (config.mode === 'local') {
    note('loading the local models...');
    const started = performance.now();
    try {
      await handler.warmUp();
    } catch (error) {
      note(`the local models failed to load: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
    note(`models ready in ${Math.round(performance.now() - started)} ms`);
  }

  // Once draining, the handler answers everything (503 SHUTTING_DOWN), the session routes included.
  const served: LivenessHandler = routes
    ? Object.assign(
      async (request: Request, context?: Parameters<LivenessHandler>[1]) =>
        (handler.draining ? null : await routes(request, context)) ?? handler(request, context),
      {
        mode: handler.mode,
        config: handler.config,
        metrics: handler.metrics,
        get draining() {
          return handler.draining;
        },
        drain: () => handler.drain(),
        warmUp: () => handler.warmUp(),
        close: () => handler.close(),
      },
    )
    : handler;
  const server = createNodeServer(served, { trustProxy: values['trust-proxy'] === true, ...(values['quiet'] ? { log: false as const } : {}) });
  server.on('error', (error) => {
    note(`cannot listen on ${host}:${port}: ${error.message}`);
    process.exit(1);
  });
  server.listen(port, host, () => {
    const address = server.address();
    const shown = typeof address === 'object' && address ? `${host.includes(':') ? `[${host}]` : host}:${address.port}` : `${host}:${port}`;
    note(`listening on http://${shown}  (POST / = ${config.variant}, /antispoofing, /robust; GET /healthz, /readyz)`);
  });

  // --- metrics: on the main port behind the admin token (above), or on a loopback port of their own ---
  const metricsServer = metricsPort === undefined ? undefined : createHttpServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    void handler.metrics.metrics().then((text) => {
      res.writeHead(200, { 'content-type': handler.metrics.contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text);
    }, (error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  if (metricsServer) {
    metricsServer.on('error', (error) => {
      note(`cannot listen on 127.0.0.1:${metricsPort} for metrics: ${error.message}`);
      process.exit(1);
    });
    metricsServer.listen(metricsPort, '127.0.0.1', () => {
      const address = metricsServer.address();
      const shown = `127.0.0.1:${typeof address === 'object' && address ? address.port : metricsPort}`;
      note(`metrics on http://${shown}/metrics (loopback only, no token)`);
    });
  } else if (!routes) {
    note('metrics not served: set LIVENESS_ADMIN_TOKEN (GET /metrics with the token) or --metrics-port');
  }

  // --- graceful shutdown: stop accepting, let checks in flight finish, answer new ones 503, close the store ---
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      note(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    metricsServer?.close();
    metricsServer?.closeAllConnections();
    const closed = server.shutdown(shutdownTimeout);
    // Written once the port is closed and the handler drains.
    note(`${signal}: shutting down (new requests get 503 SHUTTING_DOWN; requests in flight have ${shutdownTimeout} ms)`);
    void closed.then(async ({ cut }) => {
      if (cut > 0) note(`cut ${cut} request(s) still running after ${shutdownTimeout} ms`);
      await handler.close();
      redis?.disconnect();
      note('stopped');
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`liveness-capture-server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
