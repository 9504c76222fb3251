// Metrics an operator can scrape: one prom-client Registry per handler (never the global default, so several
// handlers in one process do not clash), filled by the handler and its store as requests are answered.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestOutcome } from './log.js';
import { StoreFullError, StoreUnavailableError, type LivenessStore } from '../stores/store.js';

/** The `route` label: the model a check asked for, or the other paths the handler serves. */
export type MetricsRoute = 'antispoofing' | 'robust' | 'healthz' | 'readyz' | 'jwks' | 'other';

/** Refusals before any model or upstream call, by the `reason` label. */
const REFUSAL_REASONS: Partial<Record<RequestOutcome, string>> = {
  'origin-rejected': 'origin',
  'host-rejected': 'host',
  'rate-limited': 'rate-limit',
  busy: 'busy',
  'too-many-uploads': 'uploads',
  'image-replayed': 'replay',
  'session-refused': 'session',
  'capture-rejected': 'capture',
  'store-full': 'store-full',
  'store-unavailable': 'store-unavailable',
  'shutting-down': 'shutting-down',
  'unsupported-media-type': 'media-type',
  'body-timeout': 'body-timeout',
  'too-large': 'too-large',
};

/** Seconds: from a few milliseconds of overhead to the upstream's 20 s timeout. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];
/** Seconds: a store command on loopback takes well under a millisecond; 2 s is its timeout. */
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2];

export interface LivenessMetrics {
  readonly registry: Registry;
  /** Records one answered request. `checkSeconds` is given for a POST to a check route. */
  request(route: MetricsRoute, outcome: RequestOutcome, code: string | undefined, checkSeconds?: number): void;
  /** Records the time of one upstream call (proxy mode) or one local model run (local mode). */
  backend(mode: 'proxy' | 'local', variant: string, seconds: number): void;
  readonly inFlight: Gauge;
  readonly sessionsOpened: Counter;
  readonly sessionsDecided: Counter<'decision'>;
  readonly sessionsExpired: Counter;
  /** The store with every operation timed and every failure counted. */
  instrument(store: LivenessStore): LivenessStore;
}

/** Registers the handler's metrics in `registry` (a new one by default). */
export function createLivenessMetrics(registry: Registry = new Registry()): LivenessMetrics {
  const registers = [registry];
  const requests = new Counter({
    name: 'liveness_requests_total',
    help: 'Requests answered by the liveness handler, by route, outcome and error code (or decision)',
    labelNames: ['route', 'outcome', 'code'] as const,
    registers,
  });
  const refusals = new Counter({
    name: 'liveness_refusals_total',
    help: 'Requests refused before any model or upstream call, by reason',
    labelNames: ['reason'] as const,
    registers,
  });
  const checkDuration = new Histogram({
    name: 'liveness_check_duration_seconds',
    help: 'Whole check (POST to a check route), from receiving the request to having the answer',
    labelNames: ['route'] as const,
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const backendDuration = new Histogram({
    name: 'liveness_backend_duration_seconds',
    help: 'One upstream call (proxy mode) or one local model run (local mode)',
    labelNames: ['mode', 'variant'] as const,
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const storeDuration = new Histogram({
    name: 'liveness_store_duration_seconds',
    help: 'One store operation, answered or failed',
    labelNames: ['op'] as const,
    buckets: STORE_BUCKETS,
    registers,
  });
  const storeErrors = new Counter({
    name: 'liveness_store_errors_total',
    help: 'Store operations that failed: unavailable (unreachable or too slow), full, or other',
    labelNames: ['op', 'kind'] as const,
    registers,
  });
  const inFlight = new Gauge({ name: 'liveness_checks_in_flight', help: 'Checks holding a check slot now', registers });
  const sessionsOpened = new Counter({ name: 'liveness_sessions_opened_total', help: 'Sessions opened', registers });
  const sessionsDecided = new Counter({
    name: 'liveness_sessions_decided_total',
    help: 'Sessions decided, by decision',
    labelNames: ['decision'] as const,
    registers,
  });
  const sessionsExpired = new Counter({
    name: 'liveness_sessions_expired_total',
    help: 'Checks that found their session expired (a session that expires unused is not seen)',
    registers,
  });
  // Every series a dashboard needs exists from the start, at 0.
  for (const op of ['add', 'get', 'increment', 'remove', 'push']) {
    for (const kind of ['unavailable', 'full', 'other']) storeErrors.inc({ op, kind }, 0);
  }
  for (const decision of ['pass', 'fail']) sessionsDecided.inc({ decision }, 0);

  const timed = <T>(op: string, run: () => Promise<T>): Promise<T> => {
    const end = storeDuration.startTimer({ op });
    return run().then(
      (value) => {
        end();
        return value;
      },
      (error: unknown) => {
        end();
        const kind = error instanceof StoreUnavailableError ? 'unavailable' : error instanceof StoreFullError ? 'full' : 'other';
        storeErrors.inc({ op, kind });
        throw error;
      },
    );
  };

  return {
    registry,
    request(route, outcome, code, checkSeconds) {
      requests.inc({ route, outcome, code: code ?? 'none' });
      const reason = REFUSAL_REASONS[outcome];
      if (reason) refusals.inc({ reason });
      if (checkSeconds !== undefined) checkDuration.observe({ route }, checkSeconds);
    },
    backend(mode, variant, seconds) {
      backendDuration.observe({ mode, variant }, seconds);
    },
    inFlight,
    sessionsOpened,
    sessionsDecided,
    sessionsExpired,
    instrument(store) {
      return {
        add: (key, value, ttlMs, hints) => timed('add', () => store.add(key, value, ttlMs, hints)),
        get: (key) => timed('get', () => store.get(key)),
        increment: (key, ttlMs) => timed('increment', () => store.increment(key, ttlMs)),
        remove: (keys) => timed('remove', () => store.remove(keys)),
        push: (key, value, ttlMs, keep) => timed('push', () => store.push(key, value, ttlMs, keep)),
      };
    },
  };
}

/** `registry` in the Prometheus text format, as an HTTP answer. */
export async function metricsResponse(registry: Registry): Promise<Response> {
  return new Response(await registry.metrics(), {
    status: 200,
    headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' },
  });
}
