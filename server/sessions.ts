// Liveness sessions: the app's server opens one for a user before the page shows the element; the handler
// binds every check to it; the app's server reads the result by id. A session decides once.

import { randomBytes } from 'node:crypto';
import { DEFAULT_THRESHOLDS, VARIANTS, type Variant } from './contract.js';
import { createMemoryStore, type LivenessStore } from './store.js';

export type SessionState = 'open' | 'passed' | 'failed' | 'expired';

export interface SessionResult {
  readonly state: SessionState;
  /** Attempts started (each one a model or upstream call). */
  readonly attempts: number;
  /** The score of the deciding attempt. */
  readonly probReal?: number;
  /** When the session was decided, ISO 8601. */
  readonly decidedAt?: string;
  /** Hex SHA-256 of the image of the deciding attempt. */
  readonly imageSha256?: string;
  readonly subject?: string;
  readonly variant: Variant;
  readonly threshold: number;
  /** ISO 8601. */
  readonly expiresAt: string;
}

export interface SessionInput {
  /** The app's user id (or any opaque string up to 200 characters): binds tokens and image replay records. */
  subject?: string;
  /** The model this session uses. Default: the sessions' (or handler's) default variant. */
  variant?: Variant;
  /** Pass threshold in [0, 1]. Default: the threshold configured for the variant. */
  threshold?: number;
}

/** What the handler knows about an open session. */
export interface SessionRecord {
  readonly id: string;
  readonly subject?: string;
  readonly variant: Variant;
  readonly threshold: number;
  /** ms since the epoch. */
  readonly expiresAt: number;
}

export interface LivenessSessionsOptions {
  /** Where sessions live. Default an in-memory store (one process). */
  store?: LivenessStore;
  /** How long a session may be used after it is opened. Default 300. */
  ttlSeconds?: number;
  /** Attempts a session allows; the last one decides it. Default 3. */
  maxAttempts?: number;
  /** How long a result stays readable after the session expires. Default 3600. */
  resultTtlSeconds?: number;
  /** Default variant. Default `antispoofing`. */
  variant?: Variant;
  /** Default thresholds. Default the contract's. */
  thresholds?: Readonly<Record<Variant, number>>;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** Why a request's session cannot be used, as the handler answers it. */
export type SessionRefusal = 'SESSION_REQUIRED' | 'SESSION_UNKNOWN' | 'SESSION_EXPIRED' | 'SESSION_CLOSED';

export type SessionOpen = { ok: true; session: SessionRecord } | { ok: false; code: SessionRefusal };

export interface LivenessSessions {
  readonly store: LivenessStore;
  readonly ttlSeconds: number;
  readonly maxAttempts: number;
  /** Opens a session. `id` is 128 random bits, base64url (22 characters). */
  createSession(input?: SessionInput): Promise<{ id: string; expiresAt: string }>;
  /** The session's state, or null for an id this store does not know (never opened, or long gone). */
  getSessionResult(id: string): Promise<SessionResult | null>;
  /** The result of a passed session the first time it is asked for; null afterwards and for any other state. */
  consumeSessionResult(id: string): Promise<SessionResult | null>;
  /** @internal The session a request names, if it may still make an attempt. */
  open(id: string | null): Promise<SessionOpen>;
  /** @internal Counts an attempt. Null when the session already had all its attempts. */
  beginAttempt(session: SessionRecord): Promise<number | null>;
  /** @internal The session that already decided on this image, when it is another one. */
  imageSeenElsewhere(session: SessionRecord, imageSha256: string): Promise<boolean>;
  /**
   * @internal Records an attempt's end. A pass, or any end of the last attempt, decides the session. False
   * when another attempt decided it first (this answer must not count).
   */
  finishAttempt(
    session: SessionRecord,
    attempt: number,
    result: { decision?: 'pass' | 'fail'; probReal?: number; imageSha256?: string },
  ): Promise<boolean>;
}

const ID = /^[A-Za-z0-9_-]{22}$/;

interface StoredSession {
  s?: string;
  m: Variant;
  t: number;
  e: number;
}

interface StoredDecision {
  d: 'pass' | 'fail';
  p?: number;
  h?: string;
  at: number;
}

function positive(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

export function createLivenessSessions(options: LivenessSessionsOptions = {}): LivenessSessions {
  const store = options.store ?? createMemoryStore();
  const ttlSeconds = positive(options.ttlSeconds ?? 300, 'ttlSeconds');
  const maxAttempts = positive(options.maxAttempts ?? 3, 'maxAttempts');
  if (!Number.isInteger(maxAttempts)) throw new RangeError(`maxAttempts must be an integer, got ${maxAttempts}`);
  const resultTtlSeconds = positive(options.resultTtlSeconds ?? 3600, 'resultTtlSeconds');
  const defaultVariant = options.variant ?? 'antispoofing';
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const clock = options.now ?? Date.now;
  const ttlMs = ttlSeconds * 1000;
  /** Every key of a session lives this long: its use window plus the time its result stays readable. */
  const keepMs = ttlMs + resultTtlSeconds * 1000;

  // A session's record lives `ttlMs` under `session`, evictable: one never used is gone when it can no longer be
  // used, and a full store drops it before anything in use. Its first attempt copies it to `kept` for `keepMs`,
  // so that the result stays readable.
  const keys = (id: string) => ({
    session: `s:${id}`,
    kept: `s:${id}:k`,
    attempts: `s:${id}:a`,
    decision: `s:${id}:d`,
    consumed: `s:${id}:c`,
  });
  const imageKey = (session: SessionRecord, sha: string) =>
    session.subject === undefined ? `img:${sha}` : `img:${sha}:${Buffer.from(session.subject).toString('base64url')}`;

  async function load(id: string): Promise<SessionRecord | null> {
    if (typeof id !== 'string' || !ID.test(id)) return null;
    const raw = (await store.get(keys(id).session)) ?? (await store.get(keys(id).kept));
    if (raw === null) return null;
    const s = JSON.parse(raw) as StoredSession;
    return { id, ...(s.s !== undefined ? { subject: s.s } : {}), variant: s.m, threshold: s.t, expiresAt: s.e };
  }

  async function decisionOf(id: string): Promise<StoredDecision | null> {
    const raw = await store.get(keys(id).decision);
    return raw === null ? null : (JSON.parse(raw) as StoredDecision);
  }

  async function result(id: string): Promise<SessionResult | null> {
    const session = await load(id);
    if (!session) return null;
    const [decision, attempts] = await Promise.all([decisionOf(id), store.get(keys(id).attempts)]);
    const state: SessionState = decision
      ? decision.d === 'pass'
        ? 'passed'
        : 'failed'
      : clock() >= session.expiresAt
        ? 'expired'
        : 'open';
    return {
      state,
      attempts: Math.min(Number(attempts ?? 0), maxAttempts),
      ...(decision?.p !== undefined ? { probReal: decision.p } : {}),
      ...(decision ? { decidedAt: new Date(decision.at).toISOString() } : {}),
      ...(decision?.h !== undefined ? { imageSha256: decision.h } : {}),
      ...(session.subject !== undefined ? { subject: session.subject } : {}),
      variant: session.variant,
      threshold: session.threshold,
      expiresAt: new Date(session.expiresAt).toISOString(),
    };
  }

  return {
    store,
    ttlSeconds,
    maxAttempts,

    async createSession(input = {}) {
      const subject = input.subject;
      if (subject !== undefined && (typeof subject !== 'string' || subject.length === 0 || subject.length > 200)) {
        throw new TypeError('subject must be a string of 1 to 200 characters');
      }
      const variant = input.variant ?? defaultVariant;
      if (!VARIANTS.includes(variant)) throw new TypeError(`variant must be "antispoofing" or "robust", got ${String(variant)}`);
      const threshold = input.threshold ?? thresholds[variant];
      if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
        throw new RangeError(`threshold must be a number in [0, 1], got ${String(threshold)}`);
      }
      const expiresAt = clock() + ttlMs;
      const record: StoredSession = { ...(subject !== undefined ? { s: subject } : {}), m: variant, t: threshold, e: expiresAt };
      const id = randomBytes(16).toString('base64url');
      if (!(await store.add(keys(id).session, JSON.stringify(record), ttlMs, { evictable: true }))) {
        throw new Error('session id collision'); // 2^-128: a broken random source
      }
      return { id, expiresAt: new Date(expiresAt).toISOString() };
    },

    getSessionResult: result,

    async consumeSessionResult(id) {
      const current = await result(id);
      if (!current || current.state !== 'passed') return null;
      return (await store.add(keys(id).consumed, '1', keepMs)) ? current : null;
    },

    async open(id) {
      if (id === null || id === '') return { ok: false, code: 'SESSION_REQUIRED' };
      const session = await load(id);
      if (!session) return { ok: false, code: 'SESSION_UNKNOWN' };
      if (clock() >= session.expiresAt) return { ok: false, code: 'SESSION_EXPIRED' };
      const [decision, attempts] = await Promise.all([store.get(keys(id).decision), store.get(keys(id).attempts)]);
      if (decision !== null || Number(attempts ?? 0) >= maxAttempts) return { ok: false, code: 'SESSION_CLOSED' };
      return { ok: true, session };
    },

    async beginAttempt(session) {
      const record: StoredSession = {
        ...(session.subject !== undefined ? { s: session.subject } : {}),
        m: session.variant,
        t: session.threshold,
        e: session.expiresAt,
      };
      await store.add(keys(session.id).kept, JSON.stringify(record), keepMs);
      const n = await store.increment(keys(session.id).attempts, keepMs);
      return n <= maxAttempts ? n : null;
    },

    async imageSeenElsewhere(session, sha) {
      const owner = await store.get(imageKey(session, sha));
      return owner !== null && owner !== session.id;
    },

    async finishAttempt(session, attempt, outcome) {
      const k = keys(session.id);
      const sha = outcome.imageSha256;
      if (sha !== undefined && outcome.decision !== undefined) {
        // Remembered for as long as any session opened now could still use it.
        await store.add(imageKey(session, sha), session.id, ttlMs);
      }
      const decides = outcome.decision === 'pass' || attempt >= maxAttempts;
      if (!decides) return (await store.get(k.decision)) === null;
      const decision: StoredDecision = {
        d: outcome.decision === 'pass' ? 'pass' : 'fail',
        ...(outcome.probReal !== undefined ? { p: outcome.probReal } : {}),
        ...(sha !== undefined ? { h: sha } : {}),
        at: clock(),
      };
      return store.add(k.decision, JSON.stringify(decision), keepMs);
    },
  };
}
