// createLivenessHandler: a web-standard `(request) => Promise<Response>` liveness endpoint that speaks the
// backend contract, in proxy mode (hosted API, server-held key) or local mode (in-process reference models).
// The options are checked once (`normalizeOptions`); a request then runs through the named steps of `steps.ts`.

import type { Registry } from 'prom-client';
import { localBackendSource } from '../backends/local.js';
import type { Variant } from '../contract/contract.js';
import { evidenceSource } from '../stores/evidence.js';
import { createLivenessSessions, type LivenessSessions } from '../stores/sessions.js';
import { createMemoryStore, createStoreRateLimiter } from '../stores/store.js';
import { createRateLimiter, type RateLimiter, type RateLimitOptions } from './guard.js';
import type { Mode } from './log.js';
import { createLivenessMetrics } from './metrics.js';
import { normalizeOptions, type LivenessHandlerOptions } from './options.js';
import { redactUrl } from './redact.js';
import {
  backendStep,
  bodyStep,
  compose,
  corsStep,
  entryMaker,
  errorStep,
  imageStep,
  isJwksPath,
  logStep,
  originStep,
  rateLimitStep,
  replayStep,
  routeOf,
  routeStep,
  sessionStep,
  slotStep,
  verdictStep,
  type Step,
} from './steps.js';
import { createUploadGate } from './uploads.js';

export type { LivenessHandlerOptions } from './options.js';
export { SESSION_HEADER } from './steps.js';

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

function isSessions(value: unknown): value is LivenessSessions {
  return typeof (value as LivenessSessions | undefined)?.createSession === 'function';
}

function isRateLimiter(value: RateLimitOptions | RateLimiter): value is RateLimiter {
  return typeof (value as RateLimiter).take === 'function';
}

export function createLivenessHandler(options: LivenessHandlerOptions = {}): LivenessHandler {
  const settings = normalizeOptions(options);
  const { mode, variant, thresholds, secret, basePath } = settings;
  const metrics = createLivenessMetrics(settings.metrics);
  const store = settings.store ? metrics.instrument(settings.store) : undefined;
  const wanted = settings.sessions;
  const made: LivenessSessions | undefined =
    wanted === 'off'
      ? undefined
      : isSessions(wanted)
        ? wanted
        : createLivenessSessions({
          ...(wanted === 'on' ? {} : wanted),
          store: store ?? metrics.instrument(createMemoryStore()),
          ...(settings.evidenceKey !== undefined ? { evidenceKey: settings.evidenceKey } : {}),
          ...(settings.evidenceTtlSeconds !== undefined ? { evidenceTtlSeconds: settings.evidenceTtlSeconds } : {}),
          ...(settings.keepImages !== undefined ? { keepImages: settings.keepImages } : {}),
          variant,
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
  const rateLimit = settings.rateLimit;
  const limiter = rateLimit
    ? isRateLimiter(rateLimit)
      ? rateLimit
      : store
        ? createStoreRateLimiter(store, rateLimit)
        : createRateLimiter(rateLimit)
    : undefined;
  const local = mode === 'local' ? localBackendSource(settings.localBackend, settings.localMinFaceSize) : undefined;
  const entryOf = entryMaker(mode === 'proxy' ? evidenceSource({ mode, baseUrl: settings.baseUrl }) : evidenceSource({ mode }));
  let draining = false;

  const steps: Step[] = [
    logStep({ mode, log: settings.log, metrics }),
    corsStep(settings),
    errorStep(),
    routeStep({ mode, variant, allowedHosts: settings.allowedHosts, draining: () => draining, sessions, store }),
    originStep(settings),
    ...(limiter ? [rateLimitStep({ limiter, key: rateLimit && !isRateLimiter(rateLimit) ? rateLimit.key : undefined })] : []),
    sessionStep({ sessions, thresholds, metrics }),
    bodyStep({ uploads: createUploadGate(settings.uploads), bodyTimeoutMs: settings.bodyTimeoutMs }),
    slotStep({ maxConcurrent: settings.maxConcurrent, metrics }),
    imageStep(),
    replayStep({ sessions, metrics, entryOf }),
    verdictStep({ secret, sessions, metrics, entryOf }),
    backendStep({ ...settings, local, metrics }),
  ];
  const run = compose(steps);

  const handler = async (request: Request, context?: RequestContext): Promise<Response> => {
    const started = performance.now();
    let url = new URL('http://invalid/');
    try {
      url = new URL(request.url);
    } catch {
      // keep the placeholder: no route matches a path of '/' with a wrong host only when allowedHosts is set
    }
    const route = routeOf(url.pathname, basePath, variant);
    const answer = await run({ request, context, url, started, route, jwks: isJwksPath(url.pathname, basePath) });
    return answer.response;
  };

  const config: LivenessHandler['config'] = {
    mode,
    variant,
    thresholds,
    ...(mode === 'proxy' ? { upstream: redactUrl(settings.baseUrl) } : {}),
    verdict: secret !== undefined,
    allowedOrigins: settings.allowedOrigins,
    allowedHeaders: settings.allowedHeaders,
    rateLimit: limiter !== undefined,
    ...(basePath !== undefined ? { basePath } : {}),
    upstreamTimeoutMs: settings.upstreamTimeoutMs,
    sessions: sessions !== undefined,
    maxConcurrent: settings.maxConcurrent,
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
