// The handler's parts alone: `normalizeOptions` (checks and defaults, nothing made) and the request steps, each run
// with a `next` of the test's own, on real `Request`s, a real memory store and real sessions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { normalizeOptions } from '../../../dist/server/handler/options.js';
import { bodyStep, imageStep, originStep, replayStep, sessionStep } from '../../../dist/server/handler/steps.js';
import { createUploadGate, uploadLimits } from '../../../dist/server/handler/uploads.js';
import { consoleLogger } from '../../../dist/server/handler/log.js';
import { BODY_LIMIT_BYTES, DEFAULT_THRESHOLDS, HOSTED_BASE_URL, createLivenessSessions, createMemoryStore } from '../../../dist/server/index.js';

const URL_ = 'http://api.example/liveness';
const PHOTO = await readFile(new URL('../../fixtures/recording/cap13-08s.jpg', import.meta.url));
const body = (image = PHOTO) => JSON.stringify({ data: image.toString('base64') });

function post(headers = {}, payload = body(), method = 'POST') {
  return new Request(URL_, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(method === 'POST' ? { body: payload } : {}),
  });
}

/** A check as the handler makes it, for a POST to the default model. */
function check(request, extra = {}) {
  return {
    request,
    context: { clientAddress: '192.0.2.1' },
    url: new URL(request.url),
    started: 0,
    route: { kind: 'check', variant: 'antispoofing' },
    jwks: false,
    ...extra,
  };
}

/** A `next` that records its calls and answers a marker. */
function spyNext() {
  const marker = { response: new Response('next'), outcome: 'scored' };
  const next = async () => {
    next.calls += 1;
    return marker;
  };
  next.calls = 0;
  next.marker = marker;
  return next;
}

async function errorCode(answer) {
  return (await answer.response.clone().json()).error_code;
}

describe('normalizeOptions', () => {
  it('applies every default from an empty environment, in local mode', () => {
    const s = normalizeOptions({ env: {} });
    assert.equal(s.mode, 'local');
    assert.equal(s.apiKey, undefined);
    assert.equal(s.baseUrl, HOSTED_BASE_URL);
    assert.equal(s.variant, 'antispoofing');
    assert.deepEqual(s.thresholds, DEFAULT_THRESHOLDS);
    assert.equal(s.secret, undefined);
    assert.equal(s.sessions, 'off');
    assert.equal(s.maxConcurrent, 4);
    assert.equal(s.bodyTimeoutMs, 15_000);
    assert.equal(s.upstreamTimeoutMs, 20_000);
    assert.equal(s.minFaceSize, 128);
    assert.equal(s.localMinFaceSize, undefined, 'the backend gets a floor only when one was configured');
    assert.equal(s.log, consoleLogger);
    assert.equal(s.fetch, globalThis.fetch);
    assert.deepEqual(s.allowedOrigins, []);
    assert.deepEqual(s.allowedHeaders, []);
    assert.equal(s.allowedHosts, undefined);
    assert.equal(s.basePath, undefined);
    assert.equal(s.uploads.perClient, 8);
    assert.equal(s.uploads.bufferedBytes, (4 + 16) * BODY_LIMIT_BYTES);
  });

  it('takes the key, base URL and secrets from the environment, trimmed; a key means proxy mode', () => {
    const secret = 's'.repeat(40);
    const s = normalizeOptions({
      env: { SPOOFSENSE_API_KEY: '  key  ', SPOOFSENSE_BASE_URL: 'https://up.example/prod//', LIVENESS_VERDICT_SECRET: ` ${secret} ` },
    });
    assert.equal(s.mode, 'proxy');
    assert.equal(s.apiKey, 'key');
    assert.equal(s.baseUrl, 'https://up.example/prod');
    assert.equal(s.secret, secret);
    assert.equal(s.maxConcurrent, 32);
    assert.equal(s.sessions, 'on', 'a verdict secret turns sessions on');
  });

  it('normalises paths, hosts and thresholds, and turns sessions on with a store unless told off', () => {
    const store = createMemoryStore();
    const s = normalizeOptions({
      env: {},
      basePath: 'api/liveness/',
      allowedHosts: [' App.Example:8080 '],
      threshold: { robust: 0.7 },
      minFaceSize: 96,
      store,
      log: false,
    });
    assert.equal(s.basePath, '/api/liveness');
    assert.deepEqual(s.allowedHosts, ['app.example:8080']);
    assert.deepEqual(s.thresholds, { antispoofing: 0.55, robust: 0.7 });
    assert.equal(s.localMinFaceSize, 96);
    assert.equal(s.minFaceSize, 96);
    assert.equal(s.sessions, 'on');
    assert.equal(s.log, undefined);
    assert.equal(normalizeOptions({ env: {}, store, sessions: 'off' }).sessions, 'off');
  });

  it('refuses each bad value with a message naming it', () => {
    const bad = [
      [{ mode: 'remote' }, /mode must be/],
      [{ mode: 'proxy' }, /proxy mode needs an API key/],
      [{ apiKey: 'k', baseUrl: 'ftp://up.example' }, /baseUrl must be http\(s\)/],
      [{ variant: 'fast' }, /variant must be/],
      [{ threshold: 1.5 }, /threshold \(antispoofing\) must be a number in \[0, 1\]/],
      [{ threshold: { robust: Number.NaN } }, /threshold \(robust\)/],
      [{ verdictSecret: 'short' }, /./],
      [{ maxConcurrent: 0 }, /maxConcurrent must be an integer >= 1/],
      [{ bodyTimeoutMs: Number.POSITIVE_INFINITY }, /bodyTimeoutMs/],
      [{ upstreamTimeoutMs: 0 }, /upstreamTimeoutMs must be > 0/],
      [{ uploads: { perClient: 0 } }, /uploads.perClient/],
    ];
    for (const [options, message] of bad) {
      assert.throws(() => normalizeOptions({ env: {}, ...options }), message, JSON.stringify(options));
    }
  });

  it('is pure: the options are left as given and two calls agree', () => {
    const options = { env: {}, allowedOrigins: ['http://a.example'], threshold: { robust: 0.6 }, log: false };
    const copy = structuredClone(options);
    const first = normalizeOptions(options);
    assert.deepEqual(options, copy);
    assert.deepEqual(normalizeOptions(options), first);
    assert.notEqual(first.allowedOrigins, options.allowedOrigins, 'the settings hold their own list');
  });
});

describe('the origin step', () => {
  const step = originStep({ allowedOrigins: ['http://app.example'], allowedHeaders: ['x-trace'] });

  it('refuses a cross-origin page that is not listed, without going on', async () => {
    const next = spyNext();
    const answer = await step(check(post({ origin: 'http://evil.example' })), next);
    assert.equal(answer.response.status, 403);
    assert.equal(await errorCode(answer), 'ORIGIN_NOT_ALLOWED');
    assert.equal(answer.outcome, 'origin-rejected');
    assert.equal(next.calls, 0);
  });

  it('answers a listed preflight itself, with the extra allowed header', async () => {
    const next = spyNext();
    const answer = await step(check(post({ origin: 'http://app.example' }, undefined, 'OPTIONS')), next);
    assert.equal(answer.response.status, 204);
    assert.equal(answer.outcome, 'preflight');
    assert.equal(answer.response.headers.get('access-control-allow-origin'), 'http://app.example');
    assert.match(answer.response.headers.get('access-control-allow-headers'), /x-trace/);
    assert.equal(next.calls, 0);
  });

  it('refuses another method (405) and another content type (415)', async () => {
    const next = spyNext();
    const get = await step(check(post({}, undefined, 'GET')), next);
    assert.equal(get.response.status, 405);
    assert.equal(get.response.headers.get('allow'), 'POST, OPTIONS');
    const text = await step(check(post({ 'content-type': 'text/plain' })), next);
    assert.equal(text.response.status, 415);
    assert.equal(await errorCode(text), 'UNSUPPORTED_MEDIA_TYPE');
    assert.equal(next.calls, 0);
  });

  it('goes on for a JSON POST, with the page origin as the verdict audience (none without Origin)', async () => {
    const next = spyNext();
    const listed = check(post({ origin: 'http://app.example', 'content-type': 'application/json; charset=utf-8' }));
    assert.equal(await step(listed, next), next.marker);
    assert.equal(listed.audience, 'http://app.example');
    const plain = check(post());
    assert.equal(await step(plain, next), next.marker);
    assert.equal(plain.audience, undefined);
    assert.equal(next.calls, 2);
  });
});

describe('the body step', () => {
  const gate = (limits = {}) => createUploadGate(uploadLimits(limits, 4));

  it('reads the whole body, then frees the upload place once the answer is back', async () => {
    const uploads = gate({ perClient: 1 });
    const step = bodyStep({ uploads, bodyTimeoutMs: 15_000 });
    const next = spyNext();
    const c = check(post());
    assert.equal(await step(c, next), next.marker);
    assert.equal(next.calls, 1);
    assert.deepEqual(Buffer.from(c.body), Buffer.from(body()));
    assert.equal(c.bodyBytes, Buffer.byteLength(body()));
    const again = uploads.admit('192.0.2.1', undefined);
    assert.equal(again.ok, true, 'the one place of this client is free again');
    again.ticket.release();
  });

  it('refuses a body over the contract limit with its 413 text, counting what was read', async () => {
    const step = bodyStep({ uploads: gate(), bodyTimeoutMs: 15_000 });
    const next = spyNext();
    const c = check(post({}, 'x'.repeat(BODY_LIMIT_BYTES + 1)));
    const answer = await step(c, next);
    assert.equal(answer.response.status, 413);
    assert.equal(answer.outcome, 'too-large');
    assert.equal(next.calls, 0);
    assert.ok(c.bodyBytes > 0);
  });

  it('refuses an upload past the per-client cap before reading it', async () => {
    const uploads = gate({ perClient: 1 });
    const held = uploads.admit('192.0.2.1', undefined);
    assert.equal(held.ok, true);
    try {
      const next = spyNext();
      const c = check(post());
      const answer = await bodyStep({ uploads, bodyTimeoutMs: 15_000 })(c, next);
      assert.equal(answer.response.status, 429);
      assert.equal(await errorCode(answer), 'TOO_MANY_UPLOADS');
      assert.equal(answer.response.headers.get('retry-after'), '1');
      assert.equal(c.bodyBytes, undefined);
      assert.equal(next.calls, 0);
    } finally {
      held.ticket.release();
    }
  });
});

describe('the image step', () => {
  it('refuses a body that is not the contract payload, and hashes one that is', async () => {
    const next = spyNext();
    const bad = await imageStep()(check(post(), { body: new TextEncoder().encode('{"data":"not base64!"}') }), next);
    assert.equal(bad.outcome, 'invalid-image-payload');
    assert.equal(await errorCode(bad), 'INVALID_IMAGE_PAYLOAD');
    assert.equal(next.calls, 0);
    const c = check(post(), { body: new TextEncoder().encode(body()) });
    assert.equal(await imageStep()(c, next), next.marker);
    assert.deepEqual(Buffer.from(c.image.bytes), PHOTO);
    assert.match(c.image.sha256, /^[0-9a-f]{64}$/);
  });
});

describe('the session and replay steps', () => {
  const metrics = () => {
    const counts = { expired: 0, decided: [] };
    return {
      counts,
      sessionsExpired: { inc: () => (counts.expired += 1) },
      sessionsDecided: { inc: (labels) => counts.decided.push(labels.decision) },
    };
  };
  const noEntry = async () => ({ at: new Date().toISOString(), imageSha256: '', bytes: 0, outcome: 'x', capture: {}, source: { mode: 'local', model: 'test' } });

  it('needs an open session; the session fixes the model and threshold', async () => {
    const sessions = createLivenessSessions({ store: createMemoryStore() });
    const step = sessionStep({ sessions, thresholds: DEFAULT_THRESHOLDS, metrics: metrics() });
    const next = spyNext();
    const none = await step(check(post()), next);
    assert.equal(none.response.status, 401);
    assert.equal(await errorCode(none), 'SESSION_REQUIRED');
    const unknown = await step(check(post({ 'x-liveness-session': 'A'.repeat(22) })), next);
    assert.equal(await errorCode(unknown), 'SESSION_UNKNOWN');
    assert.equal(next.calls, 0);

    const { id } = await sessions.createSession({ variant: 'robust', threshold: 0.8 });
    const c = check(post({ 'x-liveness-session': id }));
    assert.equal(await step(c, next), next.marker);
    assert.equal(c.session.id, id);
    assert.equal(c.variant, 'robust', "the session's model, not the route's");
    assert.equal(c.threshold, 0.8);
  });

  it("without sessions, takes the route's model and its configured threshold", async () => {
    const step = sessionStep({ sessions: undefined, thresholds: { antispoofing: 0.6, robust: 0.5 }, metrics: metrics() });
    const next = spyNext();
    const c = check(post());
    assert.equal(await step(c, next), next.marker);
    assert.equal(c.session, undefined);
    assert.equal(c.variant, 'antispoofing');
    assert.equal(c.threshold, 0.6);
  });

  it('refuses an image already checked in another session, and counts the attempt of a fresh one', async () => {
    const sessions = createLivenessSessions({ store: createMemoryStore() });
    const opened = async () => {
      const { id } = await sessions.createSession();
      const c = check(post({ 'x-liveness-session': id }));
      await sessionStep({ sessions, thresholds: DEFAULT_THRESHOLDS, metrics: metrics() })(c, async () => undefined);
      return c;
    };
    const step = replayStep({ sessions, metrics: metrics(), entryOf: noEntry });

    const first = await opened();
    first.body = new TextEncoder().encode(body());
    await imageStep()(first, async () => undefined);
    const next = spyNext();
    assert.equal(await step(first, next), next.marker);
    assert.equal(first.attempt, 1);
    assert.equal((await sessions.getSessionResult(first.session.id)).attempts, 1);

    const second = await opened();
    second.body = new TextEncoder().encode(body());
    await imageStep()(second, async () => undefined);
    const replayed = await step(second, next);
    assert.equal(replayed.response.status, 409);
    assert.equal(await errorCode(replayed), 'IMAGE_REPLAYED');
    assert.equal(replayed.outcome, 'image-replayed');
    assert.equal(next.calls, 1, 'the replayed image reaches no backend');
    assert.equal((await sessions.getSessionResult(second.session.id)).attempts, 0);
  });
});
