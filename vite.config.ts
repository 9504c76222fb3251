// `npm start`: serves demo/ with Vite, with the server companion mounted in the dev server:
//   POST /api/liveness        liveness-capture/server: local mode (real models, no account) by default,
//                             proxy mode to SpoofSense when SPOOFSENSE_API_KEY is set
//   POST /api/session         opens a liveness session, as the page's own server does before showing the element
//   GET  /api/session/<id>    reads the session result server-side (the trusted answer)
//   POST /api/verify          verifies a verdict token bound to a session (the stateless alternative)
//   POST /api/simulate/<case> a simulator that answers the contract row the visitor picks (labelled in the UI)
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defineConfig, type Plugin } from 'vite';
import { simulatorMiddleware } from './demo/simulator.js';
import { createLivenessHandler, toNodeMiddleware, verifyVerdict } from './server/index.js';

function demoBackend(): Plugin {
  return {
    name: 'liveness-demo-backend',
    configureServer(server) {
      const secret = process.env.LIVENESS_VERDICT_SECRET ?? randomBytes(32).toString('hex');
      const apiKey = process.env.SPOOFSENSE_API_KEY;
      const handler = createLivenessHandler({
        apiKey,
        baseUrl: process.env.SPOOFSENSE_BASE_URL,
        variant: process.env.SPOOFSENSE_VARIANT === 'robust' ? 'robust' : 'antispoofing',
        verdictSecret: secret,
      });
      const sessions = handler.sessions!;
      const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
        res.statusCode = status;
        res.setHeader('content-type', 'application/json');
        res.setHeader('cache-control', 'no-store');
        res.end(JSON.stringify(body));
      };
      server.config.logger.info(
        `\n  liveness backend: ${apiKey ? 'proxy mode (SPOOFSENSE_API_KEY set)' : 'local mode (no SPOOFSENSE_API_KEY: built-in development backend)'}` +
          `; sessions and verdict tokens on${process.env.LIVENESS_VERDICT_SECRET ? '' : ' (random secret for this run)'}\n`,
      );
      server.middlewares.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
        if (req.url === '/' || req.url === '/index.html') {
          res.statusCode = 302;
          res.setHeader('location', '/demo/');
          res.end();
          return;
        }
        next();
      });
      server.middlewares.use('/api/liveness', toNodeMiddleware(handler));
      server.middlewares.use('/api/session', (req: IncomingMessage, res: ServerResponse) => {
        const id = (req.url ?? '/').split('?')[0]!.replace(/^\/+/, '');
        const work = req.method === 'POST' && id === ''
          ? sessions.createSession({ subject: 'demo-visitor' }).then((created) => sendJson(res, 201, created))
          : req.method === 'GET' && id !== ''
            ? sessions.getSessionResult(id).then((result) => sendJson(res, result ? 200 : 404, result ?? { error: 'unknown session' }))
            : Promise.resolve(sendJson(res, 405, { error: 'method not allowed' }));
        work.catch(() => sendJson(res, 500, { error: 'session store failed' }));
      });
      server.middlewares.use('/api/verify', (req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          let token = '';
          let session = '';
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { token?: unknown; session?: unknown };
            token = String(body.token ?? '');
            session = String(body.session ?? '');
          } catch {
            /* an empty token is rejected below */
          }
          verifyVerdict(token, secret, { session: session || null, decision: 'any', maxAgeSeconds: 120, store: sessions.store })
            .then((result) => sendJson(res, 200, result))
            .catch(() => sendJson(res, 500, { error: 'verification failed' }));
        });
      });
      server.middlewares.use(simulatorMiddleware());
    },
  };
}

export default defineConfig({
  root: '.',
  server: { port: 5173, strictPort: false },
  preview: { port: 4173 },
  plugins: [demoBackend()],
  build: { outDir: 'dist-demo', rollupOptions: { input: 'demo/index.html' } },
});
