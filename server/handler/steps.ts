// The request steps of `createLivenessHandler`, in the order they run. A step is `(c, next) => Promise<Answer>`,
// as a Hono middleware: it answers (a refusal, a health check) or hands on to `next()`, and it may act on the
// answer on its way back (a slot freed, an attempt recorded). Each takes only what it needs, so a test can run one
// alone with a `next` of its own.

import { answerLocally, type LocalBackendSource } from '../backends/local.js';
import { forward } from '../backends/proxy.js';
import { CAPTURE_HEADER, parseCaptureHeader, refusesCapture, type CaptureReport } from '../contract/capture-header.js';
import { BODY_LIMIT_BYTES, failure, invalidImage, isProbability, json, tooLarge, type Variant } from '../contract/contract.js';
import { attemptEntry, type AttemptAnswer, type EvidenceSource } from '../stores/evidence.js';
import { fingerprint } from '../stores/replay.js';
import type { LivenessSessions, SessionRecord } from '../stores/sessions.js';
import { StoreFullError, StoreUnavailableError, type LivenessStore } from '../stores/store.js';
import { decideVerdict, sha256Hex, type Secret, type VerdictField } from '../stores/verdict.js';
import { refused, type Answer } from './answer.js';
import { parseImagePayload, readLimitedBody, type BodyResult } from './body.js';
import { checkOrigin, corsHeaders, preflightHeaders, type OriginCheck, type RateLimitOptions, type RateLimiter } from './guard.js';
import type { RequestContext } from './handler.js';
import type { LivenessLogger, LivenessLogRecord, Mode } from './log.js';
import type { LivenessMetrics, MetricsRoute } from './metrics.js';
import { normalizePath } from './options.js';
import type { UploadGate } from './uploads.js';

/** The request header that names the liveness session. */
export const SESSION_HEADER = 'x-liveness-session';
/** Seconds a client is told to wait when the store cannot be reached (a Redis restart or failover). */
const STORE_RETRY_AFTER = '5';
/** Where the handler serves the evidence records' public key set. */
const JWKS_PATH = '/.well-known/jwks.json';

export type Route = { kind: 'health' } | { kind: 'ready' } | { kind: 'check'; variant: Variant };

/** One request on its way through the steps: what the earlier steps found out. */
export interface Check {
  readonly request: Request;
  readonly context: RequestContext | undefined;
  readonly url: URL;
  /** `performance.now()` when the request arrived. */
  readonly started: number;
  /** Null outside `basePath`. */
  readonly route: Route | null;
  /** The path is the evidence key set's (served only with sessions, to GET and HEAD). */
  readonly jwks: boolean;
  /** The origin check, once the origin step made it (the CORS step reuses it). */
  origin?: OriginCheck;
  /** The page's origin, when the browser sent one: what a verdict is bound to. */
  audience?: string | undefined;
  session?: SessionRecord | undefined;
  /** The model and threshold of a check: the session's, else the route's. */
  variant?: Variant;
  threshold?: number;
  /** Body bytes read, counted even for a refused body. */
  bodyBytes?: number;
  /** The whole body, once read within the limits. */
  body?: Uint8Array;
  image?: { readonly bytes: Uint8Array; readonly data: string; readonly sha256: string; readonly capture: CaptureReport };
  /** The session's attempt number, once one began. */
  attempt?: number;
  /** Makes the verdict field of a scored answer. */
  verdict?: (probReal: unknown) => VerdictField;
}

export type Step = (c: Check, next: () => Promise<Answer>) => Promise<Answer>;

/** Runs `steps` in order; the last one must answer. */
export function compose(steps: readonly Step[]): (c: Check) => Promise<Answer> {
  return (c) => {
    const at = (i: number): Promise<Answer> => {
      const step = steps[i];
      return step ? step(c, () => at(i + 1)) : Promise.reject(new Error('no request step answered'));
    };
    return at(0);
  };
}

/** The evidence key set's path: the site's well-known one, or the same below `basePath`. */
export function isJwksPath(pathname: string, basePath: string | undefined): boolean {
  return pathname === JWKS_PATH || (basePath !== undefined && normalizePath(pathname) === normalizePath(`${basePath}${JWKS_PATH}`));
}

/** The route a path names: health, readiness or a check of one model; null outside `basePath`. */
export function routeOf(pathname: string, basePath: string | undefined, variant: Variant): Route | null {
  const path = normalizePath(pathname);
  const last = path.slice(path.lastIndexOf('/') + 1);
  if (basePath !== undefined) {
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    if (path === basePath) return { kind: 'check', variant };
    if (parent !== basePath) return null;
  }
  if (last === 'healthz') return { kind: 'health' };
  if (last === 'readyz') return { kind: 'ready' };
  if (last === 'antispoofing' || last === 'robust') return { kind: 'check', variant: last };
  return basePath === undefined ? { kind: 'check', variant } : null;
}

function metricsRoute({ route, jwks }: Check): MetricsRoute {
  if (jwks) return 'jwks';
  if (route === null) return 'other';
  if (route.kind === 'check') return route.variant;
  return route.kind === 'health' ? 'healthz' : 'readyz';
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Around everything: counts the answer in the metrics and writes its log line. A failing logger fails nothing. */
export function logStep(deps: { mode: Mode; log: LivenessLogger | undefined; metrics: LivenessMetrics }): Step {
  return async (c, next) => {
    const answer = await next();
    const { request, route } = c;
    const seconds = (performance.now() - c.started) / 1000;
    deps.metrics.request(
      metricsRoute(c),
      answer.outcome,
      answer.errorCode ?? answer.decision,
      !c.jwks && route?.kind === 'check' && request.method === 'POST' ? seconds : undefined,
    );
    if (!deps.log) return answer;
    const record: LivenessLogRecord = {
      time: new Date().toISOString(),
      level: answer.level ?? (answer.response.status >= 500 ? 'error' : 'info'),
      event: 'liveness-request',
      mode: deps.mode,
      method: request.method,
      path: c.url.pathname.slice(0, 200),
      ...(answer.variant ? { variant: answer.variant } : {}),
      status: answer.response.status,
      outcome: answer.outcome,
      latencyMs: Math.round((performance.now() - c.started) * 10) / 10,
      bodyBytes: answer.bodyBytes ?? 0,
      ...(answer.decision ? { decision: answer.decision } : {}),
      ...(answer.errorCode ? { errorCode: answer.errorCode } : {}),
      ...(answer.upstreamStatus !== undefined ? { upstreamStatus: answer.upstreamStatus } : {}),
      ...(answer.upstreamMs !== undefined ? { upstreamMs: answer.upstreamMs } : {}),
      ...(answer.detail ? { detail: answer.detail } : {}),
    };
    try {
      deps.log(record);
    } catch {
      // A failing logger must not fail the request.
    }
    return answer;
  };
}

/** Every answer to an allowed cross-origin request carries its CORS headers, errors included. */
export function corsStep(deps: { allowedOrigins: readonly string[] }): Step {
  return async (c, next) => {
    const answer = await next();
    // Answers given before the origin step (a health check, a refused host) are checked here.
    const cors = corsHeaders(c.origin ?? checkOrigin(c.request, deps.allowedOrigins));
    for (const [name, value] of Object.entries(cors)) answer.response.headers.set(name, value);
    return answer;
  };
}

/**
 * A throw becomes an answer: a full or unreachable store a 503, a client gone a 499, anything else a 500. An answer
 * of a check is given the model and body size the steps found.
 */
export function errorStep(): Step {
  return async (c, next) => {
    try {
      const answer = await next();
      return { ...answer, variant: answer.variant ?? c.variant, bodyBytes: answer.bodyBytes ?? c.bodyBytes };
    } catch (error) {
      const aborted = c.request.signal.aborted;
      if (error instanceof StoreFullError) return { ...refused('SESSION_STORE_FULL', 'store-full', error.message), level: 'error' };
      if (error instanceof StoreUnavailableError && !aborted) {
        return { ...refused('STORE_UNAVAILABLE', 'store-unavailable', error.message, { 'retry-after': STORE_RETRY_AFTER }), level: 'error' };
      }
      return {
        response: aborted
          ? failure(499, 'Client closed the request', 'CLIENT_ABORTED')
          : failure(500, 'The liveness endpoint failed', 'INTERNAL_ERROR'),
        outcome: aborted ? 'client-aborted' : 'internal-error',
        level: aborted ? 'info' : 'error',
        detail: message(error),
      };
    }
  };
}

/**
 * The routes that are not a check: a host not served (421), a draining instance (503 but for `healthz`), the key
 * set, health, readiness (the store answers a read of a key never written) and paths outside `basePath`.
 */
export function routeStep(deps: {
  mode: Mode;
  variant: Variant;
  allowedHosts: readonly string[] | undefined;
  draining: () => boolean;
  sessions: LivenessSessions | undefined;
  store: LivenessStore | undefined;
}): Step {
  return async (c, next) => {
    const { request, url, route } = c;
    const { allowedHosts, store } = deps;
    if (allowedHosts && !allowedHosts.includes(url.host.toLowerCase()) && !allowedHosts.includes(url.hostname.toLowerCase())) {
      return refused('HOST_NOT_ALLOWED', 'host-rejected', `host ${url.host.slice(0, 200)} is not in allowedHosts`);
    }
    const reading = request.method === 'GET' || request.method === 'HEAD';
    if (deps.draining() && route?.kind !== 'health') return refused('SHUTTING_DOWN', 'shutting-down', undefined, { 'retry-after': '1' });
    if (c.jwks && deps.sessions && reading) {
      return { response: json(200, await deps.sessions.evidence.jwks(), { 'cache-control': 'public, max-age=300' }), outcome: 'jwks' };
    }
    // Without sessions (or not a read) the key set's path is routed as any other path.
    if (!route) return { response: failure(404, 'Not found', 'NOT_FOUND'), outcome: 'not-found' };
    if (route.kind === 'check') return next();
    if (!reading) {
      return { response: failure(405, 'Method not allowed', 'METHOD_NOT_ALLOWED', { allow: 'GET, HEAD' }), outcome: 'method-not-allowed' };
    }
    if (route.kind === 'health') return { response: json(200, { ok: true, mode: deps.mode, variant: deps.variant }), outcome: 'health' };
    if (store) {
      try {
        await store.get('readyz');
      } catch (error) {
        return { ...refused('STORE_UNAVAILABLE', 'not-ready', message(error), { 'retry-after': STORE_RETRY_AFTER }), level: 'error' };
      }
    }
    return { response: json(200, { ok: true, store: store ? 'up' : 'memory' }), outcome: 'ready' };
  };
}

/** `application/json`, with or without parameters such as `charset`. */
function isJson(contentType: string | null): boolean {
  return contentType !== null && contentType.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/**
 * Who may call, and how: a cross-origin page must be listed (403), a preflight is answered here, a check is a POST
 * of `application/json` (a browser sends that cross-origin only after a preflight: no simple-request side door).
 */
export function originStep(deps: { allowedOrigins: readonly string[]; allowedHeaders: readonly string[] }): Step {
  return async (c, next) => {
    const { request } = c;
    const origin = checkOrigin(request, deps.allowedOrigins);
    c.origin = origin;
    if (origin.kind === 'rejected') {
      return {
        response: failure(403, 'This origin may not call the liveness endpoint', 'ORIGIN_NOT_ALLOWED'),
        outcome: 'origin-rejected',
        level: 'warn',
        detail: `origin ${origin.origin.slice(0, 200)} is neither same-origin nor in allowedOrigins`,
      };
    }
    if (request.method === 'OPTIONS') {
      return { response: new Response(null, { status: 204, headers: preflightHeaders(origin, deps.allowedHeaders) }), outcome: 'preflight' };
    }
    if (request.method !== 'POST') {
      return { response: failure(405, 'Method not allowed', 'METHOD_NOT_ALLOWED', { allow: 'POST, OPTIONS' }), outcome: 'method-not-allowed' };
    }
    if (!isJson(request.headers.get('content-type'))) return refused('UNSUPPORTED_MEDIA_TYPE', 'unsupported-media-type');
    c.audience = origin.kind === 'none' ? undefined : (request.headers.get('origin') ?? undefined);
    return next();
  };
}

/** One bucket per client: by `key(request)`, else the adapter's client address; a request with neither is a bug (500). */
export function rateLimitStep(deps: { limiter: RateLimiter; key: RateLimitOptions['key'] }): Step {
  return async (c, next) => {
    const address = c.context?.clientAddress;
    const key = deps.key?.(c.request, address) ?? address;
    if (key === undefined) {
      throw new Error('rate limit without a client key: pass rateLimit.key(request) or serve through an adapter that gives clientAddress');
    }
    const wait = await deps.limiter.take(key);
    if (wait > 0) {
      return {
        response: failure(429, 'Too many requests; try again later', 'RATE_LIMITED', { 'retry-after': String(wait) }),
        outcome: 'rate-limited',
        level: 'warn',
        variant: c.route?.kind === 'check' ? c.route.variant : undefined,
      };
    }
    return next();
  };
}

/** The session the request names must be open; it fixes the model and threshold. Without sessions, the route's. */
export function sessionStep(deps: {
  sessions: LivenessSessions | undefined;
  thresholds: Readonly<Record<Variant, number>>;
  metrics: Pick<LivenessMetrics, 'sessionsExpired'>;
}): Step {
  return async (c, next) => {
    if (deps.sessions) {
      const opened = await deps.sessions.open(c.request.headers.get(SESSION_HEADER));
      if (!opened.ok) {
        if (opened.code === 'SESSION_EXPIRED') deps.metrics.sessionsExpired.inc();
        return refused(opened.code, 'session-refused');
      }
      c.session = opened.session;
    }
    const variant = c.session?.variant ?? (c.route?.kind === 'check' ? c.route.variant : undefined);
    if (variant === undefined) throw new Error('the session step runs only for a check');
    c.variant = variant;
    c.threshold = c.session?.threshold ?? deps.thresholds[variant];
    return next();
  };
}

/**
 * Reads the body before a check slot is taken (a slow upload holds an upload place, never a slot), within the
 * contract's limit, the time limit and the pace; the upload place is held until the answer.
 */
export function bodyStep(deps: { uploads: UploadGate; bodyTimeoutMs: number }): Step {
  const { uploads, bodyTimeoutMs } = deps;
  const refusal = (body: Extract<BodyResult, { ok: false }>): Answer => {
    if (body.overBudget) return refused('BUSY', 'busy', 'body bytes held by all requests at the limit', { 'retry-after': '1' });
    if (body.timedOut) {
      const detail = body.slow ? `body slower than ${uploads.pace.minBytesPerSecond} bytes/s` : `body not read whole in ${bodyTimeoutMs} ms`;
      return refused('REQUEST_TIMEOUT', 'body-timeout', detail, { connection: 'close' });
    }
    return {
      response: tooLarge(),
      outcome: 'too-large',
      detail: body.declared ? 'declared Content-Length over the limit' : 'body over the limit while reading',
    };
  };
  return async (c, next) => {
    const admitted = uploads.admit(c.context?.clientAddress, c.session?.id);
    if (!admitted.ok) return refused('TOO_MANY_UPLOADS', 'too-many-uploads', admitted.detail, { 'retry-after': '1' });
    const { ticket } = admitted;
    try {
      let body: BodyResult;
      try {
        body = await readLimitedBody(c.request, BODY_LIMIT_BYTES, bodyTimeoutMs, { ...uploads.pace, take: ticket.take });
      } finally {
        ticket.endUpload();
      }
      c.bodyBytes = body.size;
      if (!body.ok) return refusal(body);
      c.body = body.bytes;
      return await next();
    } finally {
      ticket.release();
    }
  };
}

/** At most `maxConcurrent` checks at once; one more gets a fast 503 `BUSY` rather than a queue. */
export function slotStep(deps: { maxConcurrent: number; metrics: Pick<LivenessMetrics, 'inFlight'> }): Step {
  let running = 0;
  return async (_c, next) => {
    if (running >= deps.maxConcurrent) return refused('BUSY', 'busy', `${running} checks running`, { 'retry-after': '1' });
    running += 1;
    deps.metrics.inFlight.inc();
    try {
      return await next();
    } finally {
      running -= 1;
      deps.metrics.inFlight.dec();
    }
  };
}

/** The body must be the contract's `{"data": base64 image}`; refused before any model or upstream call. */
export function imageStep(): Step {
  return async (c, next) => {
    const payload = c.body && parseImagePayload(c.body);
    if (!payload) {
      return { response: invalidImage(), outcome: 'invalid-image-payload', detail: 'refused before any model or upstream call' };
    }
    c.image = {
      bytes: payload.image,
      data: payload.data,
      sha256: sha256Hex(payload.image),
      capture: parseCaptureHeader(c.request.headers.get(CAPTURE_HEADER)),
    };
    return next();
  };
}

/** An attempt's evidence entry: its image, headers and answer, with the source the records name. */
export type EntryOf = (c: Check, answered: AttemptAnswer) => ReturnType<typeof attemptEntry>;

export function entryMaker(source: Promise<EvidenceSource>): EntryOf {
  return async (c, answered) => {
    const image = c.image!;
    return attemptEntry({ request: c.request, image: image.bytes, imageSha256: image.sha256, capture: image.capture, source: await source }, answered);
  };
}

const decidedFirst = (): Answer => refused('SESSION_CLOSED', 'session-refused', 'another attempt decided the session first');

/**
 * With a session: the image is recorded as the attempt begins, for every session whatever its subject (an image
 * seen in another session is refused), the attempt is counted, and a capture the session's camera policy refuses
 * is recorded as a failed attempt with no model call.
 */
export function replayStep(deps: {
  sessions: LivenessSessions | undefined;
  metrics: Pick<LivenessMetrics, 'sessionsDecided'>;
  entryOf: EntryOf;
}): Step {
  return async (c, next) => {
    const { sessions } = deps;
    const { session, image } = c;
    if (!session || !sessions || !image) return next();
    if ((await sessions.claimImage(session, image.sha256, await fingerprint(image.bytes))) === 'replayed') {
      return refused('IMAGE_REPLAYED', 'image-replayed', 'image already used in another session');
    }
    const attempt = await sessions.beginAttempt(session);
    if (attempt === null) return refused('SESSION_CLOSED', 'session-refused', 'no attempts left');
    c.attempt = attempt;
    const why = refusesCapture(session.camera, image.capture);
    if (why === null) return next();
    const counted = await sessions.finishAttempt(session, attempt, {}, {
      entry: await deps.entryOf(c, { outcome: 'capture-rejected', errorCode: 'CAPTURE_REJECTED' }),
      image: image.bytes,
    });
    if (!counted) return decidedFirst();
    if (attempt >= sessions.maxAttempts) deps.metrics.sessionsDecided.inc({ decision: 'fail' });
    return refused('CAPTURE_REJECTED', 'capture-rejected', `camera policy ${session.camera}: ${why}`);
  };
}

/**
 * The verdict of a scored answer (`prob_real > threshold`), signed when a secret is set and bound to the session
 * and the page's origin; after the backend answered, the attempt and its evidence are recorded in the session.
 */
export function verdictStep(deps: {
  secret: Secret | undefined;
  sessions: LivenessSessions | undefined;
  metrics: Pick<LivenessMetrics, 'sessionsDecided'>;
  entryOf: EntryOf;
}): Step {
  const { secret, sessions } = deps;
  return async (c, next) => {
    const { session, image } = c;
    const variant = c.variant!;
    const threshold = c.threshold!;
    if (secret !== undefined || session) {
      c.verdict = (probReal) =>
        secret !== undefined
          ? decideVerdict(
            { probReal, threshold, variant, imageSha256: image!.sha256, session: session?.id, subject: session?.subject, audience: c.audience },
            secret,
          )
          : { decision: isProbability(probReal) && probReal > threshold ? 'pass' : 'fail', threshold };
    }
    const answer = await next();
    if (!session || !sessions || c.attempt === undefined || !image) return answer;
    const counted = await sessions.finishAttempt(session, c.attempt, {
      ...(answer.decision ? { decision: answer.decision } : {}),
      ...(answer.errorCode ? { errorCode: answer.errorCode } : {}),
      ...(answer.probReal !== undefined ? { probReal: answer.probReal } : {}),
      ...(answer.decision ? { imageSha256: image.sha256 } : {}),
    }, { entry: await deps.entryOf(c, answer), image: image.bytes });
    if (!counted) return decidedFirst();
    if (answer.decision === 'pass' || c.attempt >= sessions.maxAttempts) {
      deps.metrics.sessionsDecided.inc({ decision: answer.decision === 'pass' ? 'pass' : 'fail' });
    }
    return answer;
  };
}

/** The answer of the backend: the in-process models (local mode) or the hosted API with the server's key (proxy). */
export function backendStep(deps: {
  mode: Mode;
  local: LocalBackendSource | undefined;
  minFaceSize: number;
  baseUrl: string;
  apiKey?: string | undefined;
  upstreamTimeoutMs: number;
  fetch: typeof fetch;
  metrics: Pick<LivenessMetrics, 'backend'>;
}): Step {
  return async (c) => {
    const variant = c.variant!;
    const image = c.image!;
    const called = performance.now();
    const answer =
      deps.mode === 'local'
        ? await answerLocally(image.bytes, deps.local!, deps.minFaceSize, c.verdict, c.request.signal)
        : await forward(
          JSON.stringify({ data: image.data }),
          { url: `${deps.baseUrl}/${variant}`, apiKey: deps.apiKey!, timeoutMs: deps.upstreamTimeoutMs, fetch: deps.fetch },
          c.request.signal,
          c.verdict,
        );
    deps.metrics.backend(deps.mode, variant, (performance.now() - called) / 1000);
    return answer;
  };
}
