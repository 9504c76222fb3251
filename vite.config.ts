// `npm start`: serves demo/ with Vite, with the server companion mounted in the dev server:
//   POST /api/liveness        liveness-capture/server: local mode (real models, no account) by default,
//                             proxy mode to SpoofSense when SPOOFSENSE_API_KEY is set
//   POST /api/verify          verifies a verdict token, as the page's own server would
//   POST /api/simulate/<case> a simulator that answers the contract row the visitor picks (labelled in the UI)
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defineConfig, type Plugin } from 'vite';
import { simulatorMiddleware } from './demo/simulator.js';
import { createLivenessHandler, toNodeMiddleware, verifyVerdict, createNonceStore } from './server/index.js';

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
      const nonceStore = createNonceStore();
      server.config.logger.info(
        `\n  liveness backend: ${apiKey ? 'proxy mode (SPOOFSENSE_API_KEY set)' : 'local mode (no SPOOFSENSE_API_KEY: built-in development backend)'}` +
          `; verdict tokens on${process.env.LIVENESS_VERDICT_SECRET ? '' : ' (random secret for this run)'}\n`,
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
      server.middlewares.use('/api/verify', (req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          let token = '';
          try {
            token = String(JSON.parse(Buffer.concat(chunks).toString('utf8')).token ?? '');
          } catch {
            /* an empty token is rejected below */
          }
          const result = verifyVerdict(token, secret, { maxAgeSeconds: 120, nonceStore });
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(result));
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
