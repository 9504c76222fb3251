// A backend SIMULATOR for previewing every state of the element: it answers each POST with the contract response
// the visitor picked, whatever the image shows. It decides nothing. The demo labels it as such; the default demo
// backend is the real handler (liveness-capture/server) in local mode.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SimulatedAnswer {
  status: number;
  contentType: string;
  body: string;
}

const ok = (predIdx: string, probReal: number) => JSON.stringify({
  success: true,
  message: 'Process finished successfully',
  model_output: { pred_idx: predIdx, prob_real: probReal },
});

/** Every row of the backend contract, by a short name the demo's picker uses. */
export const SIMULATED: Record<string, SimulatedAnswer> = {
  live: { status: 200, contentType: 'application/json', body: ok('real', 0.9997915625572205) },
  spoof: { status: 200, contentType: 'application/json', body: ok('spoof', 0.00045343424235454) },
  'no-face': { status: 200, contentType: 'application/json', body: JSON.stringify({ success: false, message: 'Face detection failed', error_code: 'FACE_NOT_DETECTED' }) },
  'invalid-image': { status: 200, contentType: 'application/json', body: JSON.stringify({ success: false, message: 'Invalid input image payload', error_code: 'INVALID_IMAGE_PAYLOAD' }) },
  'too-small': { status: 200, contentType: 'application/json', body: JSON.stringify({ success: false, message: 'Detected face box: 100x96 smaller than minimum required size: 128x128', error_code: 'FACE_TOO_SMALL' }) },
  'too-large': { status: 413, contentType: 'text/plain', body: 'HTTP content length exceeded 10485760 bytes.' },
  forbidden: { status: 403, contentType: 'application/json', body: JSON.stringify({ message: 'Forbidden' }) },
  throttled: { status: 429, contentType: 'application/json', body: JSON.stringify({ message: 'Too Many Requests' }) },
  'server-error': { status: 502, contentType: 'application/json', body: JSON.stringify({ message: 'Internal server error' }) },
  garbage: { status: 200, contentType: 'text/html', body: '<html>not an answer</html>' },
};

/** Connect middleware for `/api/simulate/<case>`. */
export function simulatorMiddleware() {
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const match = /^\/api\/simulate\/([\w-]+)\/?$/.exec(req.url?.split('?')[0] ?? '');
    if (!match) return next();
    const answer = SIMULATED[match[1]!];
    // Drain the body (the image) without keeping it.
    req.resume();
    req.on('end', () => {
      if (!answer || req.method !== 'POST') {
        res.statusCode = answer ? 405 : 404;
        res.end();
        return;
      }
      res.statusCode = answer.status;
      res.setHeader('content-type', answer.contentType);
      res.end(answer.body);
    });
  };
}
