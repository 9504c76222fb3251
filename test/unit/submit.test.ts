// submitImage against the real HTTP handler mounted on the test server (test/support/mock-backend.mjs),
// which speaks the backend contract with an answer scripted per session.
import { expect } from '@open-wc/testing';
import { error, rejection, verdict } from '../support/outcome.js';
import { LivenessError, type LivenessErrorCode } from '../../src/errors.js';
import { BODY_LIMIT, encodeWithinBudget, requestBodyBytes } from '../../src/encoder.js';
import { crossOriginHint, submitImage } from '../../src/submit.js';

interface RecordedRequest {
  path: string;
  headers: Record<string, string>;
  bodyBytes: number;
  aborted: boolean;
  json?: boolean;
  keys?: string[];
  base64?: boolean;
  prefixed?: boolean;
  jpeg?: { width: number; height: number } | null;
  imageBytes?: number;
}

interface Script {
  status?: number;
  body?: unknown;
  contentType?: string;
  hang?: boolean;
}

/** A fresh backend session: its own script and request log. */
function backend() {
  const base = `/__backend/${crypto.randomUUID()}`;
  return {
    endpoint: `${base}/antispoofing`,
    async script(script: Script): Promise<void> {
      const response = await fetch(`${base}/script`, { method: 'POST', body: JSON.stringify(script) });
      expect(response.status).to.equal(204);
    },
    async requests(): Promise<RecordedRequest[]> {
      return (await fetch(`${base}/requests`, { cache: 'no-store' })).json();
    },
    /** Polls the request log until `done` holds (bounded; the assertion is on the state, not on time). */
    async until(done: (requests: RecordedRequest[]) => boolean): Promise<RecordedRequest[]> {
      for (let i = 0; i < 400; i++) {
        const requests = await this.requests();
        if (done(requests)) return requests;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('the backend never reached the expected state');
    },
  };
}

let jpeg: { blob: Blob; width: number; height: number };

before(async () => {
  // A real JPEG of a real face photo, made by the encoder, at a camera-like 1280x720.
  const bitmap = await createImageBitmap(await (await fetch('/test/fixtures/astronaut.png')).blob());
  const canvas = Object.assign(document.createElement('canvas'), { width: 1280, height: 720 });
  canvas.getContext('2d')!.drawImage(bitmap, 280, 0, 720, 720);
  bitmap.close();
  const encoded = await encodeWithinBudget(canvas, 1280, 720, { faceBox: { x: 500, y: 150, width: 300, height: 300 }, minFaceSize: 128 });
  jpeg = { blob: encoded.blob, width: encoded.width, height: encoded.height };
});


const LIVE = { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.9997915625572205 } };
const SPOOF = { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'spoof', prob_real: 0.00045343424235454 } };

describe('submitImage against the real handler', () => {
  it('sends exactly {"data":"<base64 JPEG>"} with the headers, and passes a live answer', async () => {
    const b = backend();
    await b.script({ status: 200, body: LIVE });
    const outcome = verdict(await submitImage({
      endpoint: b.endpoint,
      image: jpeg.blob,
      threshold: 0.55,
      apiKey: 'test-key-123',
      headers: { 'X-Custom': 'custom-value', Authorization: 'Bearer page-token' },
    }));
    expect(outcome.passed).to.equal(true);
    expect(outcome.detail.probReal).to.equal(0.9997915625572205);
    expect(outcome.detail.predIdx).to.equal('real');
    expect(outcome.detail.response).to.deep.equal(LIVE);

    const [request, ...more] = await b.requests();
    expect(more).to.have.length(0);
    expect(request!.path).to.equal('antispoofing');
    expect(request!.headers['x-api-key']).to.equal('test-key-123');
    expect(request!.headers['content-type']).to.equal('application/json');
    expect(request!.headers['x-custom']).to.equal('custom-value');
    expect(request!.headers['authorization']).to.equal('Bearer page-token');
    expect(request!.json).to.equal(true);
    expect(request!.keys).to.deep.equal(['data']);
    expect(request!.base64).to.equal(true);
    expect(request!.prefixed).to.equal(false);
    expect(request!.imageBytes).to.equal(jpeg.blob.size);
    expect(request!.jpeg).to.deep.equal({ width: 1280, height: 720 });
    expect(request!.bodyBytes).to.equal(requestBodyBytes(jpeg.blob.size));
    expect(request!.bodyBytes).to.be.at.most(BODY_LIMIT);
    // Not asserting `aborted === false` here: the handler marks it from the request stream's 'close', which
    // Node 20 emits after every fully read body (see the report on test/support/mock-backend.mjs).
  });

  it('fails a spoof answer', async () => {
    const b = backend();
    await b.script({ status: 200, body: SPOOF });
    const outcome = verdict(await submitImage({ endpoint: b.endpoint, image: jpeg.blob, threshold: 0.55 }));
    expect(outcome.passed).to.equal(false);
    expect(outcome.detail.predIdx).to.equal('spoof');
  });

  it('fails a value exactly at the threshold', async () => {
    const b = backend();
    await b.script({ status: 200, body: { success: true, model_output: { pred_idx: 'real', prob_real: 0.55 } } });
    expect(verdict(await submitImage({ endpoint: b.endpoint, image: jpeg.blob, threshold: 0.55 })).passed).to.equal(false);
  });

  it('sends no x-api-key without an api key, and Content-Type cannot be overridden', async () => {
    const b = backend();
    await b.script({ status: 200, body: LIVE });
    await submitImage({
      endpoint: b.endpoint,
      image: jpeg.blob,
      threshold: 0.55,
      apiKey: null,
      headers: { 'Content-Type': 'text/plain', 'X-Other': '1' },
    });
    await submitImage({ endpoint: b.endpoint, image: jpeg.blob, threshold: 0.55, apiKey: '' });
    const requests = await b.requests();
    expect(requests).to.have.length(2);
    for (const request of requests) {
      expect(request.headers).to.not.have.property('x-api-key');
      expect(request.headers['content-type']).to.equal('application/json');
      expect(request.keys).to.deep.equal(['data']);
    }
    expect(requests[0]!.headers['x-other']).to.equal('1');
  });

  it('sends the session as x-liveness-session, and none without one; the body stays {"data"}', async () => {
    const b = backend();
    await b.script({ status: 200, body: LIVE });
    await submitImage({ endpoint: b.endpoint, image: jpeg.blob, threshold: 0.55, session: 'AbCdEfGhIjKlMnOpQrStUv' });
    await submitImage({ endpoint: b.endpoint, image: jpeg.blob, threshold: 0.55, session: null });
    const requests = await b.requests();
    expect(requests).to.have.length(2);
    expect(requests[0]!.headers['x-liveness-session']).to.equal('AbCdEfGhIjKlMnOpQrStUv');
    expect(requests[0]!.keys).to.deep.equal(['data']);
    expect(requests[1]!.headers).to.not.have.property('x-liveness-session');
  });

  it('the api key wins over an x-api-key in headers', async () => {
    const b = backend();
    await b.script({ status: 200, body: LIVE });
    await submitImage({ endpoint: b.endpoint, image: jpeg.blob, threshold: 0.55, apiKey: 'key', headers: { 'x-api-key': 'other' } });
    const [request] = await b.requests();
    expect(request!.headers['x-api-key']).to.equal('key');
  });

  it('carries the server companion token', async () => {
    const b = backend();
    await b.script({ status: 200, body: { ...LIVE, verdict: { passed: true, token: 'signed.token.value' } } });
    const outcome = verdict(await submitImage({ endpoint: b.endpoint, image: jpeg.blob, threshold: 0.55 }));
    expect(outcome.detail.token).to.equal('signed.token.value');
  });

  const errorRows: [string, Script, LivenessErrorCode, number][] = [
    ['no face', { status: 200, body: { success: false, message: 'Face detection failed', error_code: 'FACE_NOT_DETECTED' } }, 'FACE_NOT_DETECTED', 200],
    ['bad input', { status: 200, body: { success: false, message: 'Invalid input image payload', error_code: 'INVALID_IMAGE_PAYLOAD' } }, 'INVALID_IMAGE_PAYLOAD', 200],
    ['face too small', { status: 200, body: { success: false, message: 'Detected face box: 100x96 smaller than minimum required size: 128x128', error_code: 'FACE_TOO_SMALL' } }, 'FACE_TOO_SMALL', 200],
    ['legacy no face', { status: 200, body: { success: false, message: 'face not detected' } }, 'FACE_NOT_DETECTED', 200],
    ['legacy bad base64', { status: 200, body: { success: false, message: 'Invalid base64 string' } }, 'INVALID_IMAGE_PAYLOAD', 200],
    ['403 Forbidden', { status: 403, body: { message: 'Forbidden' } }, 'UNAUTHORIZED', 403],
    ['401', { status: 401, body: { message: 'Unauthorized' } }, 'UNAUTHORIZED', 401],
    ['429', { status: 429, body: { message: 'Too Many Requests' } }, 'RATE_LIMITED', 429],
    ['500', { status: 500, body: { message: 'Internal server error' } }, 'SERVER_ERROR', 500],
    ['502', { status: 502, body: { message: 'Bad Gateway' } }, 'SERVER_ERROR', 502],
    ['504', { status: 504, body: { message: 'Endpoint request timed out' } }, 'SERVER_ERROR', 504],
    ['413 scripted', { status: 413, body: 'HTTP content length exceeded 10485760 bytes.', contentType: 'text/plain' }, 'PAYLOAD_TOO_LARGE', 413],
    ['non-JSON 200', { status: 200, body: 'OK', contentType: 'text/plain' }, 'INVALID_RESPONSE', 200],
    ['prob_real missing', { status: 200, body: { success: true, model_output: { pred_idx: 'real' } } }, 'INVALID_RESPONSE', 200],
    ['prob_real out of range', { status: 200, body: { success: true, model_output: { pred_idx: 'real', prob_real: 1.5 } } }, 'INVALID_RESPONSE', 200],
    ['prob_real string', { status: 200, body: { success: true, model_output: { pred_idx: 'real', prob_real: '0.99' } } }, 'INVALID_RESPONSE', 200],
  ];
  for (const [name, script, code, status] of errorRows) {
    it(`${name} → ${code}`, async () => {
      const b = backend();
      await b.script(script);
      const e = error(await submitImage({ endpoint: b.endpoint, image: jpeg.blob, threshold: 0.55 }), code);
      expect(e.httpStatus).to.equal(status);
      expect(e.response).to.deep.equal(script.body);
      expect(await b.requests()).to.have.length(1);
    });
  }

  it('a body over 10 MiB gets the real handler\'s 413 → PAYLOAD_TOO_LARGE', async () => {
    const b = backend();
    await b.script({ status: 200, body: LIVE });
    const bytes = new Uint8Array(7_864_312); // one byte more than fits: the body is 10,485,763 bytes
    expect(requestBodyBytes(bytes.length)).to.be.above(BODY_LIMIT);
    const e = error(await submitImage({ endpoint: b.endpoint, image: new Blob([bytes], { type: 'image/jpeg' }), threshold: 0.55 }), 'PAYLOAD_TOO_LARGE');
    expect(e.httpStatus).to.equal(413);
    expect(e.response).to.equal('HTTP content length exceeded 10485760 bytes.');
    const [request] = await b.requests();
    expect(request!.bodyBytes).to.equal(requestBodyBytes(bytes.length));
  });

  it('a closed port → NETWORK_ERROR', async () => {
    const e = error(await submitImage({ endpoint: 'http://127.0.0.1:9/x', image: jpeg.blob, threshold: 0.55 }), 'NETWORK_ERROR');
    expect(e.recoverable).to.equal(true);
  });

  it('a cross-origin endpoint that refuses CORS → NETWORK_ERROR naming CORS, the origins and the headers sent', async () => {
    // The same test server under its other loopback name: another origin, which answers without CORS headers.
    const b = backend();
    const other = location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1';
    const endpoint = `${location.protocol}//${other}:${location.port}${b.endpoint}`;
    const e = error(await submitImage({ endpoint, image: jpeg.blob, threshold: 0.55, headers: { 'x-example': 'secret-value' } }), 'NETWORK_ERROR');
    expect(e.message).to.contain(`${new URL(endpoint).origin} refused this page's cross-origin request (CORS)`);
    expect(e.message).to.contain(`allow the origin ${location.origin} and the request headers content-type, x-example`);
    expect(e.message).not.to.contain('secret-value');
    // Same-origin: the plain message, CORS cannot be the cause.
    expect(crossOriginHint(`${location.origin}${b.endpoint}`, new Headers({ 'x-example': 'v' }))).to.equal(undefined);
  });

  it('an endpoint that is not an http(s) URL → NETWORK_ERROR without a request', async () => {
    for (const endpoint of ['', 'http://[bad', 'ftp://example.test/x', 'javascript:alert(1)']) {
      error(await submitImage({ endpoint, image: jpeg.blob, threshold: 0.55 }), 'NETWORK_ERROR');
    }
  });

  it('a bad threshold or header throws INVALID_CONFIG before any request', async () => {
    const b = backend();
    await b.script({ status: 200, body: LIVE });
    const bad: Partial<Parameters<typeof submitImage>[0]>[] = [
      ...[NaN, -0.1, 1.1, Infinity, '' as unknown as number, '0.9' as unknown as number].map((threshold) => ({ threshold })),
      { headers: { 'X Bad': '1' } },
      { headers: { 'X-Ok': 'line\nbreak' } },
      { apiKey: 'key\nInjected: 1' },
    ];
    for (const options of bad) {
      const e = await rejection(submitImage({ endpoint: b.endpoint, image: jpeg.blob, threshold: 0.55, ...options }));
      expect(e).to.be.instanceOf(LivenessError);
      expect((e as LivenessError).code).to.equal('INVALID_CONFIG');
    }
    expect(await b.requests()).to.have.length(0);
  });

  it('aborting rejects with the AbortError and the server sees the request aborted', async () => {
    const b = backend();
    await b.script({ hang: true });
    const controller = new AbortController();
    const pending = submitImage({ endpoint: b.endpoint, image: jpeg.blob, threshold: 0.55, signal: controller.signal });
    const settled = rejection(pending);
    // The whole body arrived (the handler records its JPEG) and the handler is hanging.
    await b.until((requests) => requests.length === 1 && requests[0]!.jpeg != null);
    controller.abort();
    const e = await settled;
    expect(e).to.be.instanceOf(DOMException);
    expect((e as DOMException).name).to.equal('AbortError');
    const [request] = await b.until((requests) => requests[0]?.aborted === true);
    expect(request!.aborted).to.equal(true);
  });

  it('an already aborted signal rejects without a request', async () => {
    const b = backend();
    await b.script({ status: 200, body: LIVE });
    const controller = new AbortController();
    controller.abort();
    const e = await rejection(submitImage({ endpoint: b.endpoint, image: jpeg.blob, threshold: 0.55, signal: controller.signal }));
    expect((e as DOMException).name).to.equal('AbortError');
    expect(await b.requests()).to.have.length(0);
  });

  it('a request that outlives timeoutMs → NETWORK_ERROR, and the request is aborted', async () => {
    const b = backend();
    await b.script({ hang: true });
    const e = error(await submitImage({ endpoint: b.endpoint, image: jpeg.blob, threshold: 0.55, timeoutMs: 300 }), 'NETWORK_ERROR');
    expect(e.message).to.contain('300 ms');
    await b.until((requests) => requests[0]?.aborted === true);
  });

  it('a timeoutMs that does not expire changes nothing', async () => {
    const b = backend();
    await b.script({ status: 200, body: LIVE });
    expect(verdict(await submitImage({ endpoint: b.endpoint, image: jpeg.blob, threshold: 0.55, timeoutMs: 60_000 })).passed).to.equal(true);
  });
});
