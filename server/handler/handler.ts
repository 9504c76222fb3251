// createLivenessHandler: a web-standard `(request) => Promise<Response>` liveness endpoint that speaks the
// backend contract, in proxy mode (hosted API, server-held key) or local mode (in-process reference models).

import { parseImagePayload, readLimitedBody, type BodyResult } from './body.js';
import { CAPTURE_HEADER, parseCaptureHeader, refusesCapture } from '../contract/capture-header.js';
import {
  BODY_LIMIT_BYTES,
  DEFAULT_THRESHOLDS,
  HOSTED_BASE_URL,
  MIN_FACE_SIZE,
  VARIANTS,
  failure,
  invalidImage,
  isProbability,
  json,
  refusal,
  tooLarge,
  type RefusalCode,
  type Variant,
} from '../contract/contract.js';
import {
  checkOrigin,
  corsHeaders,
  createRateLimiter,
  normaliseAllowedHeaders,
  preflightHeaders,
  type RateLimitOptions,
  type RateLimiter,
} from './guard.js';
import { answerLocally, localBackendSource } from '../backends/local.js';
import type { LocalBackend } from '../backends/local-backend.js';
import { consoleLogger, type LivenessLogger, type LivenessLogRecord, type Mode, type Outcome } from './log.js';
import { attemptEntry, evidenceSource, type AttemptAnswer, type EvidenceSigner } from '../stores/evidence.js';
import { forward } from '../backends/proxy.js';
import { fingerprint } from '../stores/replay.js';
import { createLivenessSessions, type LivenessSessions, type LivenessSessionsOptions, type SessionRecord } from '../stores/sessions.js';
import { StoreFullError, StoreUnavailableError, createMemoryStore, createStoreRateLimiter, type LivenessStore } from '../stores/store.js';
import { createLivenessMetrics, type LivenessMetrics, type MetricsRoute } from './metrics.js';
import type { Registry } from 'prom-client';
import { redactUrl } from './redact.js';
import { createUploadGate, uploadLimits, type UploadLimits } from './uploads.js';
import { assertSecret, decideVerdict, sha256Hex, type Decision, type Secret, type VerdictField } from '../stores/verdict.js';

/** The request header that names the liveness session. */
export const SESSION_HEADER = 'x-liveness-session';
/** Seconds a client is told to wait when the store cannot be reached (a Redis restart or failover). */
const STORE_RETRY_AFTER = '5';
/** Where the handler serves the evidence records' public key set. */
const JWKS_PATH = '/.well-known/jwks.json';

export interface LivenessHandlerOptions {
  /** Default: `proxy` when an API key is configured, else `local`. */
  mode?: Mode;
  /** The hosted API's key (proxy mode). Default `env.SPOOFSENSE_API_KEY`. Never logged, never sent to browsers. */
  apiKey?: string;
  /** Default `env.SPOOFSENSE_BASE_URL`, else the hosted base URL of the contract. */
  baseUrl?: string;
  /** The model a POST to the mount path itself uses. Default `antispoofing`. */
  variant?: Variant;
  /**
   * Pass threshold (`prob_real > threshold`). A number applies to both models. Default 0.55 for
   * `antispoofing`, 0.50 for `robust`.
   */
  threshold?: number | Partial<Record<Variant, number>>;
  /** Signs verdicts when set. Default `env.LIVENESS_VERDICT_SECRET`. At least 32 bytes (a string is trimmed). */
  verdictSecret?: Secret;
  /**
   * Where sessions, verdict nonces, image hashes and (when `rateLimit` is options) rate-limit counters live.
   * Default in memory. Give every instance the same `createRedisStore(client)` to run several.
   */
  store?: LivenessStore;
  /**
   * Liveness sessions: every check must name an open session (`x-liveness-session`), which fixes its model and
   * threshold. On by default when a `store` or a verdict secret is configured; `'off'` only when asked. Pass
   * options (`ttlSeconds`, `maxAttempts`) or a `createLivenessSessions()` result to share with your routes.
   */
  sessions?: 'off' | 'on' | LivenessSessions | Omit<LivenessSessionsOptions, 'store' | 'variant' | 'thresholds'>;
  /**
   * Signs the evidence record of each decided session: a private Ed25519 key (PKCS#8 PEM or JWK) or a signer.
   * Default `env.LIVENESS_EVIDENCE_KEY`, else an ephemeral key (development only). Used when the handler makes
   * its sessions; sessions passed in bring their own.
   */
  evidenceKey?: string | EvidenceSigner;
  /** How long evidence records (and kept images) stay in the store. Default 30 days. */
  evidenceTtlSeconds?: number;
  /** Keep each attempt's image with its evidence record. Biometric data: off by default. */
  keepImages?: boolean;
  /**
   * Host names (`host[:port]` as in the `Host` header; without a port, any port) this handler answers for; others
   * get 421. Default any.
   */
  allowedHosts?: readonly string[];
  /** Checks running at once; more get a fast 503 with `Retry-After`. Default 4 in local mode, 32 in proxy mode. */
  maxConcurrent?: number;
  /** The whole body must arrive within this many milliseconds, else 408. Default 15 000. */
  bodyTimeoutMs?: number;
  /**
   * Bodies are read before a check slot is taken; these bound the uploads in flight (per client address, per
   * session, bytes held) and their minimum pace. See `UploadLimits` for the defaults.
   */
  uploads?: Partial<UploadLimits>;
  /** Cross-origin browser origins allowed to call (exact `scheme://host[:port]`, or `"*"`). Default none. */
  allowedOrigins?: readonly string[];
  /**
   * Header names a page on an allowed origin may send besides `content-type`, `authorization` and
   * `x-liveness-session` (the element's `headers` property), answered in the preflight's
   * `Access-Control-Allow-Headers`. Default none. The handler reads none of them: they are for a proxy or
   * middleware in front of it.
   */
  allowedHeaders?: readonly string[];
  /**
   * Per-client rate limit. Default off. Options: a token bucket per instance, or, with a `store`, a fixed window
   * shared by every instance on that store. Without `key`, every request must come with a client address
   * (the Node adapter gives it); one without is refused rather than put in a shared bucket.
   */
  rateLimit?: RateLimitOptions | RateLimiter;
  /** Upstream call timeout in proxy mode. Default 20 000 ms. */
  upstreamTimeoutMs?: number;
  /**
   * When set (e.g. `/api/liveness`), only `basePath`, `basePath/antispoofing`, `basePath/robust` and
   * `basePath/healthz` are served; other paths get 404. When unset, any path is served and its last segment
   * picks the model (`…/antispoofing`, `…/robust`) or the health check (`…/healthz`).
   */
  basePath?: string;
  /** Local mode: a backend to use instead of loading `./local-backend.js` (shared across handlers; not closed). */
  localBackend?: LocalBackend | Promise<LocalBackend>;
  /** Local mode: face-size floor in pixels. Default 128 (the contract's). */
  minFaceSize?: number;
  /** One record per request. Default: a JSON line on the console. `false` turns logging off. */
  log?: LivenessLogger | false;
  /** Where the `SPOOFSENSE_*` / `LIVENESS_*` defaults come from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The fetch used for upstream calls. Default the global fetch. */
  fetch?: typeof fetch;
  /**
   * Where the handler registers its metrics (`handler.metrics`). Default a new prom-client `Registry` of its
   * own, never the global one. The handler does not serve them: see the command's `/metrics`.
   */
  metrics?: Registry;
}

/** What an adapter knows about the connection that a `Request` does not carry. */
export interface RequestContext {
  /** The client's IP address, used as the default rate-limit key. */
  clientAddress?: string;
}

export interface LivenessHandler {
  (request: Request, context?: RequestContext): Promise<Response>;
  readonly mode: Mode;
  /** The effective configuration, without secrets. */
  readonly config: Readonly<{
    mode: Mode;
    variant: Variant;
    thresholds: Readonly<Record<Variant, number>>;
    /** The upstream base URL, with its user-info and query redacted. */
    upstream?: string;
    verdict: boolean;
    allowedOrigins: readonly string[];
    allowedHeaders: readonly string[];
    rateLimit: boolean;
    basePath?: string;
    upstreamTimeoutMs: number;
    sessions: boolean;
    maxConcurrent: number;
    /** `configured` with a key, `ephemeral` with a key made at start-up; absent without sessions. */
    evidence?: 'configured' | 'ephemeral';
  }>;
  /** The sessions this handler checks requests against (absent with `sessions: 'off'`). */
  readonly sessions?: LivenessSessions;
  /** The prom-client registry holding this handler's metrics. */
  readonly metrics: Registry;
  /** True once `drain()` was called. */
  readonly draining: boolean;
  /**
   * From now on every request but `healthz` (`readyz` included) is answered 503 `SHUTTING_DOWN`; requests
   * already in flight go on. For a graceful shutdown; there is no way back.
   */
  drain(): void;
  /** Local mode: loads the models now instead of on the first request. No-op in proxy mode. */
  warmUp(): Promise<void>;
  /** Frees the local backend if this handler loaded it. */
  close(): Promise<void>;
}

interface Answer {
  response: Response;
  outcome: Outcome;
  level?: 'info' | 'warn' | 'error' | undefined;
  detail?: string | undefined;
  variant?: Variant | undefined;
  bodyBytes?: number;
  upstreamStatus?: number | undefined;
  upstreamMs?: number | undefined;
  decision?: Decision | undefined;
  errorCode?: string | undefined;
}

function refused(code: RefusalCode, outcome: Outcome, detail?: string, headers?: Record<string, string>): Answer {
  return { response: refusal(code, headers), outcome, level: 'warn', errorCode: code, ...(detail ? { detail } : {}) };
}

function isSessions(value: unknown): value is LivenessSessions {
  return typeof (value as LivenessSessions | undefined)?.createSession === 'function';
}

/** `application/json`, with or without parameters such as `charset`. */
function isJson(contentType: string | null): boolean {
  return contentType !== null && contentType.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function checkThreshold(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new Error(`${name} must be a number in [0, 1], got ${String(value)}`);
  }
  return value;
}

function normalizePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

function isRateLimiter(value: RateLimitOptions | RateLimiter): value is RateLimiter {
  return typeof (value as RateLimiter).take === 'function';
}

export function createLivenessHandler(options: LivenessHandlerOptions = {}): LivenessHandler {
  const env = options.env ?? process.env;
  const apiKey = nonEmpty(options.apiKey) ?? nonEmpty(env['SPOOFSENSE_API_KEY']);
  const mode: Mode = options.mode ?? (apiKey ? 'proxy' : 'local');
  if (mode !== 'proxy' && mode !== 'local') throw new Error(`mode must be "proxy" or "local", got ${String(mode)}`);
  if (mode === 'proxy' && !apiKey) throw new Error('proxy mode needs an API key (apiKey or SPOOFSENSE_API_KEY)');

  const baseUrl = (nonEmpty(options.baseUrl) ?? nonEmpty(env['SPOOFSENSE_BASE_URL']) ?? HOSTED_BASE_URL).replace(/\/+$/, '');
  if (mode === 'proxy') {
    const protocol = new URL(baseUrl).protocol;
    if (protocol !== 'https:' && protocol !== 'http:') throw new Error(`baseUrl must be http(s), got ${redactUrl(baseUrl)}`);
  }

  const variant = options.variant ?? 'antispoofing';
  if (!VARIANTS.includes(variant)) throw new Error(`variant must be "antispoofing" or "robust", got ${String(variant)}`);
  const given = options.threshold;
  const thresholds: Record<Variant, number> = { ...DEFAULT_THRESHOLDS };
  for (const v of VARIANTS) {
    const t = typeof given === 'number' ? given : given?.[v];
    if (t !== undefined) thresholds[v] = checkThreshold(t, `threshold (${v})`);
  }

  const secret = options.verdictSecret ?? nonEmpty(env['LIVENESS_VERDICT_SECRET']);
  if (secret !== undefined) assertSecret(secret);

  const allowedOrigins = [...(options.allowedOrigins ?? [])];
  const allowedHeaders = normaliseAllowedHeaders(options.allowedHeaders ?? []);
  const allowedHosts = options.allowedHosts?.map((h) => h.trim().toLowerCase());
  const metrics: LivenessMetrics = createLivenessMetrics(options.metrics);
  const store = options.store ? metrics.instrument(options.store) : undefined;
  const evidenceKey = options.evidenceKey ?? nonEmpty(env['LIVENESS_EVIDENCE_KEY']);
  const sessionsOption = options.sessions ?? (store !== undefined || secret !== undefined ? 'on' : 'off');
  const made: LivenessSessions | undefined =
    sessionsOption === 'off'
      ? undefined
      : isSessions(sessionsOption)
        ? sessionsOption
        : createLivenessSessions({
          ...(sessionsOption === 'on' ? {} : sessionsOption),
          store: store ?? metrics.instrument(createMemoryStore()),
          ...(evidenceKey !== undefined ? { evidenceKey } : {}),
          ...(options.evidenceTtlSeconds !== undefined ? { evidenceTtlSeconds: options.evidenceTtlSeconds } : {}),
          ...(options.keepImages !== undefined ? { keepImages: options.keepImages } : {}),
          variant: options.variant ?? 'antispoofing',
          thresholds,
        });
  // Sessions opened through `handler.sessions` (the session routes) are counted.
  const sessions: LivenessSessions | undefined = made && {
    ...made,
    async createSession(input) {
      const created = await made.createSession(input);
      metrics.sessionsOpened.inc();
      return created;
    },
  };
  const limiter = options.rateLimit
    ? isRateLimiter(options.rateLimit)
      ? options.rateLimit
      : store
        ? createStoreRateLimiter(store, options.rateLimit)
        : createRateLimiter(options.rateLimit)
    : undefined;
  const maxConcurrent = options.maxConcurrent ?? (mode === 'local' ? 4 : 32);
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw new Error('maxConcurrent must be an integer >= 1');
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 15_000;
  if (!Number.isFinite(bodyTimeoutMs) || !(bodyTimeoutMs > 0)) throw new Error('bodyTimeoutMs must be a finite number > 0');
  let running = 0;
  let draining = false;
  const uploads = createUploadGate(uploadLimits(options.uploads, maxConcurrent));
  const keyOf = options.rateLimit && !isRateLimiter(options.rateLimit) ? options.rateLimit.key : undefined;
  const timeoutMs = options.upstreamTimeoutMs ?? 20_000;
  if (!(timeoutMs > 0)) throw new Error('upstreamTimeoutMs must be > 0');
  const basePath = options.basePath === undefined ? undefined : normalizePath(options.basePath);
  const minFaceSize = options.minFaceSize ?? MIN_FACE_SIZE;
  const log = options.log === false ? undefined : (options.log ?? consoleLogger);
  const fetchFn = options.fetch ?? globalThis.fetch;
  const local = mode === 'local' ? localBackendSource(options.localBackend, options.minFaceSize) : undefined;

  /** The verdict of a scored answer: signed when a secret is set, bound to the session and the page origin. */
  const verdictOf = (
    v: Variant,
    threshold: number,
    imageSha256: string,
    session: SessionRecord | undefined,
    audience: string | undefined,
  ) =>
    (probReal: unknown): VerdictField => {
      if (secret !== undefined) {
        return decideVerdict(
          { probReal, threshold, variant: v, imageSha256, session: session?.id, subject: session?.subject, audience },
          secret,
        );
      }
      return { decision: isProbability(probReal) && probReal > threshold ? 'pass' : 'fail', threshold };
    };

  const isJwksPath = (pathname: string): boolean =>
    pathname === JWKS_PATH || (basePath !== undefined && normalizePath(pathname) === normalizePath(`${basePath}${JWKS_PATH}`));
  const source = mode === 'proxy' ? evidenceSource({ mode, baseUrl }) : evidenceSource({ mode });

  /** The route a path names, or null when it is outside `basePath`. */
  function route(pathname: string): { kind: 'health' } | { kind: 'ready' } | { kind: 'check'; variant: Variant } | null {
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

  async function answer(request: Request, context: RequestContext | undefined, url: URL): Promise<Answer> {
    if (allowedHosts && !allowedHosts.includes(url.host.toLowerCase()) && !allowedHosts.includes(url.hostname.toLowerCase())) {
      return refused('HOST_NOT_ALLOWED', 'host-rejected', `host ${url.host.slice(0, 200)} is not in allowedHosts`);
    }
    const target = route(url.pathname);
    // Stopping: every request but the liveness probe is refused, whatever its path.
    if (draining && target?.kind !== 'health') return refused('SHUTTING_DOWN', 'shutting-down', undefined, { 'retry-after': '1' });
    // --- evidence: the public key of the records, at the site's well-known path (or below basePath) ---
    if (sessions && isJwksPath(url.pathname) && (request.method === 'GET' || request.method === 'HEAD')) {
      return { response: json(200, await sessions.evidence.jwks(), { 'cache-control': 'public, max-age=300' }), outcome: 'jwks' };
    }
    if (!target) return { response: failure(404, 'Not found', 'NOT_FOUND'), outcome: 'not-found' };
    if (target.kind === 'health' || target.kind === 'ready') {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return {
          response: failure(405, 'Method not allowed', 'METHOD_NOT_ALLOWED', { allow: 'GET, HEAD' }),
          outcome: 'method-not-allowed',
        };
      }
      if (target.kind === 'health') return { response: json(200, { ok: true, mode, variant }), outcome: 'health' };
      // --- readiness: the store answers (a read of a key that is never written) ---
      if (store) {
        try {
          await store.get('readyz');
        } catch (error) {
          const detail = error instanceof Error ? error.message : String(error);
          return { ...refused('STORE_UNAVAILABLE', 'not-ready', detail, { 'retry-after': STORE_RETRY_AFTER }), level: 'error' };
        }
      }
      return { response: json(200, { ok: true, store: store ? 'up' : 'memory' }), outcome: 'ready' };
    }

    const origin = checkOrigin(request, allowedOrigins);
    if (origin.kind === 'rejected') {
      return {
        response: failure(403, 'This origin may not call the liveness endpoint', 'ORIGIN_NOT_ALLOWED'),
        outcome: 'origin-rejected',
        level: 'warn',
        detail: `origin ${origin.origin.slice(0, 200)} is neither same-origin nor in allowedOrigins`,
      };
    }
    if (request.method === 'OPTIONS') {
      return { response: new Response(null, { status: 204, headers: preflightHeaders(origin, allowedHeaders) }), outcome: 'preflight' };
    }
    if (request.method !== 'POST') {
      return {
        response: failure(405, 'Method not allowed', 'METHOD_NOT_ALLOWED', { allow: 'POST, OPTIONS' }),
        outcome: 'method-not-allowed',
      };
    }
    // A browser sends application/json cross-origin only after a preflight: no simple-request side door.
    if (!isJson(request.headers.get('content-type'))) {
      return refused('UNSUPPORTED_MEDIA_TYPE', 'unsupported-media-type');
    }

    if (limiter) {
      const key = keyOf?.(request, context?.clientAddress) ?? context?.clientAddress;
      if (key === undefined) {
        throw new Error('rate limit without a client key: pass rateLimit.key(request) or serve through an adapter that gives clientAddress');
      }
      const wait = await limiter.take(key);
      if (wait > 0) {
        return {
          response: failure(429, 'Too many requests; try again later', 'RATE_LIMITED', {
            'retry-after': String(wait),
          }),
          outcome: 'rate-limited',
          level: 'warn',
          variant: target.variant,
        };
      }
    }

    let session: SessionRecord | undefined;
    if (sessions) {
      const opened = await sessions.open(request.headers.get(SESSION_HEADER));
      if (!opened.ok) {
        if (opened.code === 'SESSION_EXPIRED') metrics.sessionsExpired.inc();
        return refused(opened.code, 'session-refused');
      }
      session = opened.session;
    }
    const v = session?.variant ?? target.variant;
    const threshold = session?.threshold ?? thresholds[v];

    // The body is read before a slot is taken: a slow upload holds an upload place, never a check slot.
    const admitted = uploads.admit(context?.clientAddress, session?.id);
    if (!admitted.ok) return { ...refused('TOO_MANY_UPLOADS', 'too-many-uploads', admitted.detail, { 'retry-after': '1' }), variant: v };
    const { ticket } = admitted;
    try {
      let body: BodyResult;
      try {
        body = await readLimitedBody(request, BODY_LIMIT_BYTES, bodyTimeoutMs, { ...uploads.pace, take: ticket.take });
      } finally {
        ticket.endUpload();
      }
      if (!body.ok) return { ...bodyRefusal(body), variant: v };
      if (running >= maxConcurrent) {
        return { ...refused('BUSY', 'busy', `${running} checks running`, { 'retry-after': '1' }), variant: v, bodyBytes: body.size };
      }
      running += 1;
      metrics.inFlight.inc();
      try {
        return await check(request, body, v, threshold, session, origin.kind === 'none' ? undefined : request.headers.get('origin') ?? undefined);
      } finally {
        running -= 1;
        metrics.inFlight.dec();
      }
    } finally {
      ticket.release();
    }
  }

  function bodyRefusal(body: Extract<BodyResult, { ok: false }>): Answer {
    const read = { bodyBytes: body.size };
    if (body.overBudget) return { ...refused('BUSY', 'busy', 'body bytes held by all requests at the limit', { 'retry-after': '1' }), ...read };
    if (body.timedOut) {
      const detail = body.slow ? `body slower than ${uploads.pace.minBytesPerSecond} bytes/s` : `body not read whole in ${bodyTimeoutMs} ms`;
      return { ...refused('REQUEST_TIMEOUT', 'body-timeout', detail, { connection: 'close' }), ...read };
    }
    return {
      response: tooLarge(),
      outcome: 'too-large',
      ...read,
      detail: body.declared ? 'declared Content-Length over the limit' : 'body over the limit while reading',
    };
  }

  async function check(
    request: Request,
    body: Extract<BodyResult, { ok: true }>,
    v: Variant,
    threshold: number,
    session: SessionRecord | undefined,
    audience: string | undefined,
  ): Promise<Answer> {
    const payload = parseImagePayload(body.bytes);
    const common = { variant: v, bodyBytes: body.size };
    if (!payload) {
      return { ...common, response: invalidImage(), outcome: 'invalid-image-payload', detail: 'refused before any model or upstream call' };
    }
    const imageSha256 = sha256Hex(payload.image);
    // --- evidence: the client's capture report, and the attempt's record entry once it is answered ---
    const capture = parseCaptureHeader(request.headers.get(CAPTURE_HEADER));
    const entryOf = async (answered: AttemptAnswer) =>
      attemptEntry({ request, image: payload.image, imageSha256, capture, source: await source }, answered);

    let attempt = 0;
    if (session && sessions) {
      // --- replay: the image is recorded as the attempt begins, for every session, whatever its subject ---
      if ((await sessions.claimImage(session, imageSha256, await fingerprint(payload.image))) === 'replayed') {
        return { ...common, ...refused('IMAGE_REPLAYED', 'image-replayed', 'image already used in another session') };
      }
      const n = await sessions.beginAttempt(session);
      if (n === null) return { ...common, ...refused('SESSION_CLOSED', 'session-refused', 'no attempts left') };
      attempt = n;
      // --- camera policy: a refused capture counts as an attempt and is recorded, with no model call ---
      const why = refusesCapture(session.camera, capture);
      if (why !== null) {
        const rejected = { ...common, ...refused('CAPTURE_REJECTED', 'capture-rejected', `camera policy ${session.camera}: ${why}`) };
        const counted = await sessions.finishAttempt(session, attempt, {}, {
          entry: await entryOf({ outcome: 'capture-rejected', errorCode: 'CAPTURE_REJECTED' }),
          image: payload.image,
        });
        if (counted && attempt >= sessions.maxAttempts) metrics.sessionsDecided.inc({ decision: 'fail' });
        return counted ? rejected : { ...common, ...refused('SESSION_CLOSED', 'session-refused', 'another attempt decided the session first') };
      }
    }
    const verdict = secret !== undefined || session ? verdictOf(v, threshold, imageSha256, session, audience) : undefined;

    let result: Answer & { probReal?: number | undefined };
    const called = performance.now();
    if (mode === 'local') {
      result = { ...common, ...(await answerLocally(payload.image, local!, minFaceSize, verdict, request.signal)) };
    } else {
      result = {
        ...common,
        ...(await forward(
          JSON.stringify({ data: payload.data }),
          { url: `${baseUrl}/${v}`, apiKey: apiKey!, timeoutMs, fetch: fetchFn },
          request.signal,
          verdict,
        )),
      };
    }
    metrics.backend(mode, v, (performance.now() - called) / 1000);

    if (session && sessions) {
      const counted = await sessions.finishAttempt(session, attempt, {
        ...(result.decision ? { decision: result.decision } : {}),
        ...(result.errorCode ? { errorCode: result.errorCode } : {}),
        ...(result.probReal !== undefined ? { probReal: result.probReal } : {}),
        ...(result.decision ? { imageSha256 } : {}),
      }, { entry: await entryOf(result), image: payload.image });
      if (!counted) {
        return { ...common, ...refused('SESSION_CLOSED', 'session-refused', 'another attempt decided the session first') };
      }
      if (result.decision === 'pass' || attempt >= sessions.maxAttempts) {
        metrics.sessionsDecided.inc({ decision: result.decision === 'pass' ? 'pass' : 'fail' });
      }
    }
    return result;
  }

  const handler = async (request: Request, context?: RequestContext): Promise<Response> => {
    const started = performance.now();
    let url = new URL('http://invalid/');
    try {
      url = new URL(request.url);
    } catch {
      // keep the placeholder: no route matches a path of '/' with a wrong host only when allowedHosts is set
    }
    const pathname = url.pathname;
    let result: Answer;
    try {
      result = await answer(request, context, url);
    } catch (error) {
      const aborted = request.signal.aborted;
      result = error instanceof StoreFullError ? { ...refused('SESSION_STORE_FULL', 'store-full', error.message), level: 'error' } :
        error instanceof StoreUnavailableError && !aborted ? {
          ...refused('STORE_UNAVAILABLE', 'store-unavailable', error.message, { 'retry-after': STORE_RETRY_AFTER }),
          level: 'error',
        } : {
        response: aborted
          ? failure(499, 'Client closed the request', 'CLIENT_ABORTED')
          : failure(500, 'The liveness endpoint failed', 'INTERNAL_ERROR'),
        outcome: aborted ? 'client-aborted' : 'internal-error',
        level: aborted ? 'info' : 'error',
        detail: error instanceof Error ? error.message : String(error),
      };
    }

    const target = isJwksPath(pathname) ? null : route(pathname);
    const metricsRoute: MetricsRoute = isJwksPath(pathname)
      ? 'jwks'
      : target === null
        ? 'other'
        : target.kind === 'check'
          ? target.variant
          : target.kind === 'health'
            ? 'healthz'
            : 'readyz';
    const seconds = (performance.now() - started) / 1000;
    metrics.request(
      metricsRoute,
      result.outcome,
      result.errorCode ?? result.decision,
      target?.kind === 'check' && request.method === 'POST' ? seconds : undefined,
    );

    // Every answer to an allowed cross-origin request carries its CORS headers, errors included.
    const cors = corsHeaders(checkOrigin(request, allowedOrigins));
    for (const [name, value] of Object.entries(cors)) result.response.headers.set(name, value);

    if (log) {
      const record: LivenessLogRecord = {
        time: new Date().toISOString(),
        level: result.level ?? (result.response.status >= 500 ? 'error' : 'info'),
        event: 'liveness-request',
        mode,
        method: request.method,
        path: pathname.slice(0, 200),
        ...(result.variant ? { variant: result.variant } : {}),
        status: result.response.status,
        outcome: result.outcome,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
        bodyBytes: result.bodyBytes ?? 0,
        ...(result.decision ? { decision: result.decision } : {}),
        ...(result.errorCode ? { errorCode: result.errorCode } : {}),
        ...(result.upstreamStatus !== undefined ? { upstreamStatus: result.upstreamStatus } : {}),
        ...(result.upstreamMs !== undefined ? { upstreamMs: result.upstreamMs } : {}),
        ...(result.detail ? { detail: result.detail } : {}),
      };
      try {
        log(record);
      } catch {
        // A failing logger must not fail the request.
      }
    }
    return result.response;
  };

  const config: LivenessHandler['config'] = {
    mode,
    variant,
    thresholds,
    ...(mode === 'proxy' ? { upstream: redactUrl(baseUrl) } : {}),
    verdict: secret !== undefined,
    allowedOrigins,
    allowedHeaders,
    rateLimit: limiter !== undefined,
    ...(basePath !== undefined ? { basePath } : {}),
    upstreamTimeoutMs: timeoutMs,
    sessions: sessions !== undefined,
    maxConcurrent,
    ...(sessions ? { evidence: sessions.evidence.ephemeral ? ('ephemeral' as const) : ('configured' as const) } : {}),
  };

  return Object.assign(handler, {
    mode,
    config,
    ...(sessions ? { sessions } : {}),
    metrics: metrics.registry,
    get draining() {
      return draining;
    },
    drain() {
      draining = true;
    },
    async warmUp() {
      if (local) await local.get();
    },
    async close() {
      await local?.close();
    },
  });
}
