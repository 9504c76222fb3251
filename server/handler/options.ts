// The handler's options, checked and completed once: `normalizeOptions` throws on a bad value and fills in every
// default (the `SPOOFSENSE_*` / `LIVENESS_*` environment included), so the request steps read plain settings.

import type { Registry } from 'prom-client';
import { DEFAULT_THRESHOLDS, HOSTED_BASE_URL, MIN_FACE_SIZE, VARIANTS, type Variant } from '../contract/contract.js';
import type { LocalBackend } from '../backends/local-backend.js';
import type { EvidenceSigner } from '../stores/evidence.js';
import type { LivenessSessions, LivenessSessionsOptions } from '../stores/sessions.js';
import type { LivenessStore } from '../stores/store.js';
import { assertSecret, type Secret } from '../stores/verdict.js';
import { normaliseAllowedHeaders, type RateLimitOptions, type RateLimiter } from './guard.js';
import { consoleLogger, type LivenessLogger, type Mode } from './log.js';
import { redactUrl } from './redact.js';
import { uploadLimits, type UploadLimits } from './uploads.js';

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

/** `LivenessHandlerOptions` checked, with every default applied. */
export interface HandlerSettings {
  readonly mode: Mode;
  /** Set in proxy mode (never logged). */
  readonly apiKey?: string;
  /** Without a trailing slash. */
  readonly baseUrl: string;
  readonly variant: Variant;
  readonly thresholds: Readonly<Record<Variant, number>>;
  readonly secret?: Secret;
  readonly store?: LivenessStore;
  readonly sessions: NonNullable<LivenessHandlerOptions['sessions']>;
  readonly evidenceKey?: string | EvidenceSigner;
  readonly evidenceTtlSeconds?: number;
  readonly keepImages?: boolean;
  /** Lower-cased. */
  readonly allowedHosts?: readonly string[];
  readonly maxConcurrent: number;
  readonly bodyTimeoutMs: number;
  readonly uploads: UploadLimits;
  readonly allowedOrigins: readonly string[];
  readonly allowedHeaders: readonly string[];
  readonly rateLimit?: RateLimitOptions | RateLimiter;
  readonly upstreamTimeoutMs: number;
  /** Normalised as `normalizePath` does. */
  readonly basePath?: string;
  readonly localBackend?: LocalBackend | Promise<LocalBackend>;
  /** The floor the handler applies; the backend it loads is given only a floor that was configured. */
  readonly minFaceSize: number;
  readonly localMinFaceSize?: number;
  readonly log?: LivenessLogger;
  readonly fetch: typeof fetch;
  readonly metrics?: Registry;
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

/** `/a/b` for `a/b/`, `/a/b//` or `/a/b`; `/` for an empty path. */
export function normalizePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** Checks `options` and applies the defaults. Pure: it reads `options.env` (default `process.env`) and makes nothing. */
export function normalizeOptions(options: LivenessHandlerOptions = {}): HandlerSettings {
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

  const maxConcurrent = options.maxConcurrent ?? (mode === 'local' ? 4 : 32);
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw new Error('maxConcurrent must be an integer >= 1');
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 15_000;
  if (!Number.isFinite(bodyTimeoutMs) || !(bodyTimeoutMs > 0)) throw new Error('bodyTimeoutMs must be a finite number > 0');
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 20_000;
  if (!(upstreamTimeoutMs > 0)) throw new Error('upstreamTimeoutMs must be > 0');
  const evidenceKey = options.evidenceKey ?? nonEmpty(env['LIVENESS_EVIDENCE_KEY']);
  const log = options.log === false ? undefined : (options.log ?? consoleLogger);

  return {
    mode,
    ...(mode === 'proxy' ? { apiKey: apiKey! } : {}),
    baseUrl,
    variant,
    thresholds,
    ...(secret !== undefined ? { secret } : {}),
    ...(options.store ? { store: options.store } : {}),
    sessions: options.sessions ?? (options.store !== undefined || secret !== undefined ? 'on' : 'off'),
    ...(evidenceKey !== undefined ? { evidenceKey } : {}),
    ...(options.evidenceTtlSeconds !== undefined ? { evidenceTtlSeconds: options.evidenceTtlSeconds } : {}),
    ...(options.keepImages !== undefined ? { keepImages: options.keepImages } : {}),
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts.map((h) => h.trim().toLowerCase()) } : {}),
    maxConcurrent,
    bodyTimeoutMs,
    uploads: uploadLimits(options.uploads, maxConcurrent),
    allowedOrigins: [...(options.allowedOrigins ?? [])],
    allowedHeaders: normaliseAllowedHeaders(options.allowedHeaders ?? []),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    upstreamTimeoutMs,
    ...(options.basePath !== undefined ? { basePath: normalizePath(options.basePath) } : {}),
    ...(options.localBackend ? { localBackend: options.localBackend } : {}),
    minFaceSize: options.minFaceSize ?? MIN_FACE_SIZE,
    ...(options.minFaceSize !== undefined ? { localMinFaceSize: options.minFaceSize } : {}),
    ...(log ? { log } : {}),
    fetch: options.fetch ?? globalThis.fetch,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  };
}
