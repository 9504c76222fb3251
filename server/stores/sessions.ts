// Liveness sessions: the app's server opens one for a user before the page shows the element; the handler
// binds every check to it; the app's server reads the result by id. A session decides once.

import { randomBytes } from 'node:crypto';
import { CAMERA_POLICIES, type CameraPolicy } from '../contract/capture-header.js';
import { DEFAULT_THRESHOLDS, VARIANTS, type Variant } from '../contract/contract.js';
import {
  DEFAULT_EVIDENCE_TTL_SECONDS,
  createEvidenceSigner,
  type EvidenceAttempt,
  type EvidenceRecord,
  type EvidenceSigner,
} from './evidence.js';
import { claimImage } from './replay.js';
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
  readonly camera: CameraPolicy;
  /** ISO 8601. */
  readonly expiresAt: string;
}

export interface SessionInput {
  /** The app's user id (or any opaque string up to 200 characters): binds tokens and names the evidence record. */
  subject?: string;
  /** The model this session uses. Default: the sessions' (or handler's) default variant. */
  variant?: Variant;
  /** Pass threshold in [0, 1]. Default: the threshold configured for the variant. */
  threshold?: number;
  /**
   * Which captures the session refuses (`CAPTURE_REJECTED`), from the element's `x-liveness-capture` report:
   * `no-virtual` refuses a virtual camera; `strict` also a still image, a looped video, a frozen stream and a
   * missing or malformed report. Default `any`. Client-reported signals: they stop naive injection, no more.
   */
  camera?: CameraPolicy;
}

/** What the handler knows about an open session. */
export interface SessionRecord {
  readonly id: string;
  readonly subject?: string;
  readonly variant: Variant;
  readonly threshold: number;
  readonly camera: CameraPolicy;
  /** ms since the epoch. */
  readonly openedAt: number;
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
  /**
   * Signs evidence records: a private Ed25519 key (PKCS#8 PEM or JWK), or a signer. Default: an ephemeral key made
   * now, whose records no one can verify once the process is gone.
   */
  evidenceKey?: string | EvidenceSigner;
  /** How long evidence records (and kept images) stay in the store. Default 30 days. */
  evidenceTtlSeconds?: number;
  /** Keep each attempt's image with the record (biometric data: off by default). */
  keepImages?: boolean;
}

/** Why a request's session cannot be used, as the handler answers it. */
export type SessionRefusal = 'SESSION_REQUIRED' | 'SESSION_UNKNOWN' | 'SESSION_EXPIRED' | 'SESSION_CLOSED';

export type SessionOpen = { ok: true; session: SessionRecord } | { ok: false; code: SessionRefusal };

export interface LivenessSessions {
  readonly store: LivenessStore;
  readonly ttlSeconds: number;
  readonly maxAttempts: number;
  readonly evidence: EvidenceSigner;
  readonly evidenceTtlSeconds: number;
  readonly keepImages: boolean;
  /** The signed evidence record (compact JWS) of a decided session, or null. */
  getEvidence(id: string): Promise<string | null>;
  /** Attempt `n`'s image (1-based) when `keepImages` kept it, byte for byte, or null. */
  getImage(id: string, n: number): Promise<Uint8Array | null>;
  /** Deletes a session with its record and images. True when the session or its record existed. */
  deleteSession(id: string): Promise<boolean>;
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
  /**
   * @internal Records the image of an attempt that begins (by hash, and by fingerprint when there is one), for
   * every session of any subject, atomically: 'replayed' when another session recorded it first.
   */
  claimImage(session: SessionRecord, imageSha256: string, fingerprint: Uint8Array | null): Promise<'fresh' | 'replayed'>;
  /**
   * @internal Records an attempt's end. A pass, or any end of the last attempt, decides the session. False
   * when another attempt decided it first (this answer must not count).
   */
  finishAttempt(
    session: SessionRecord,
    attempt: number,
    result: { decision?: 'pass' | 'fail'; probReal?: number; imageSha256?: string },
    evidence?: { entry: Omit<EvidenceAttempt, 'n' | 'imageKept'>; image?: Uint8Array },
  ): Promise<boolean>;
}

const ID = /^[A-Za-z0-9_-]{22}$/;

interface StoredSession {
  s?: string;
  m: Variant;
  t: number;
  c?: CameraPolicy;
  o?: number;
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
  const evidenceTtlSeconds = positive(options.evidenceTtlSeconds ?? DEFAULT_EVIDENCE_TTL_SECONDS, 'evidenceTtlSeconds');
  const evidenceTtlMs = evidenceTtlSeconds * 1000;
  const keepImages = options.keepImages === true;
  const signer =
    typeof options.evidenceKey === 'object' ? options.evidenceKey : createEvidenceSigner(options.evidenceKey);

  // A session's record lives `ttlMs` under `session`, evictable: one never used is gone when it can no longer be
  // used, and a full store drops it before anything in use. Its first attempt copies it to `kept` for `keepMs`,
  // so that the result stays readable.
  const keys = (id: string) => ({
    session: `s:${id}`,
    kept: `s:${id}:k`,
    attempts: `s:${id}:a`,
    decision: `s:${id}:d`,
    consumed: `s:${id}:c`,
    entry: (n: number) => `s:${id}:e:${n}`,
    image: (n: number) => `s:${id}:i:${n}`,
    evidence: `ev:${id}`,
  });

  async function load(id: string): Promise<SessionRecord | null> {
    if (typeof id !== 'string' || !ID.test(id)) return null;
    const raw = (await store.get(keys(id).session)) ?? (await store.get(keys(id).kept));
    if (raw === null) return null;
    const s = JSON.parse(raw) as StoredSession;
    return {
      id,
      ...(s.s !== undefined ? { subject: s.s } : {}),
      variant: s.m,
      threshold: s.t,
      camera: s.c ?? 'any',
      openedAt: s.o ?? s.e - ttlMs,
      expiresAt: s.e,
    };
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
      camera: session.camera,
      expiresAt: new Date(session.expiresAt).toISOString(),
    };
  }

  /** Signs and stores the record of a session just decided, from the attempt entries written so far. */
  async function writeEvidence(session: SessionRecord, decision: StoredDecision): Promise<void> {
    const k = keys(session.id);
    const raw = await Promise.all(Array.from({ length: maxAttempts }, (_, i) => store.get(k.entry(i + 1))));
    const attempts = raw.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as EvidenceAttempt);
    const deciding = [...attempts].reverse().find((a) => a.decision !== undefined) ?? attempts.at(-1);
    const record: EvidenceRecord = {
      v: 1,
      session: session.id,
      ...(session.subject !== undefined ? { subject: session.subject } : {}),
      decision: decision.d,
      ...(decision.p !== undefined ? { probReal: decision.p } : {}),
      threshold: session.threshold,
      variant: session.variant,
      camera: session.camera,
      ...(deciding ? { source: deciding.source } : {}),
      openedAt: new Date(session.openedAt).toISOString(),
      expiresAt: new Date(session.expiresAt).toISOString(),
      decidedAt: new Date(decision.at).toISOString(),
      attempts,
    };
    await store.add(k.evidence, await signer.sign(record), evidenceTtlMs);
  }

  return {
    store,
    ttlSeconds,
    maxAttempts,
    evidence: signer,
    evidenceTtlSeconds,
    keepImages,

    async getEvidence(id) {
      if (typeof id !== 'string' || !ID.test(id)) return null;
      return store.get(keys(id).evidence);
    },

    async getImage(id, n) {
      if (typeof id !== 'string' || !ID.test(id) || !Number.isInteger(n) || n < 1 || n > maxAttempts) return null;
      const raw = await store.get(keys(id).image(n));
      return raw === null ? null : new Uint8Array(Buffer.from(raw, 'base64'));
    },

    async deleteSession(id) {
      if (typeof id !== 'string' || !ID.test(id)) return false;
      const k = keys(id);
      const found = await Promise.all([store.get(k.session), store.get(k.kept), store.get(k.evidence)]);
      const numbered = Array.from({ length: maxAttempts }, (_, i) => [k.entry(i + 1), k.image(i + 1)]).flat();
      await store.remove([k.evidence, ...numbered, k.session, k.kept, k.attempts, k.decision, k.consumed]);
      return found.some((value) => value !== null);
    },

    async createSession(input = {}) {
      const subject = input.subject;
      if (subject !== undefined && (typeof subject !== 'string' || subject.length === 0 || subject.length > 200)) {
        throw new TypeError('subject must be a string of 1 to 200 characters');
      }
      const variant = input.variant ?? defaultVariant;
      if (!VARIANTS.includes(variant)) throw new TypeError(`variant must be "antispoofing" or "robust", got ${String(variant)}`);
      const camera = input.camera ?? 'any';
      if (!CAMERA_POLICIES.includes(camera)) throw new TypeError(`camera must be "any", "no-virtual" or "strict", got ${String(camera)}`);
      const threshold = input.threshold ?? thresholds[variant];
      if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
        throw new RangeError(`threshold must be a number in [0, 1], got ${String(threshold)}`);
      }
      const openedAt = clock();
      const expiresAt = openedAt + ttlMs;
      const record: StoredSession = {
        ...(subject !== undefined ? { s: subject } : {}),
        m: variant,
        t: threshold,
        ...(camera !== 'any' ? { c: camera } : {}),
        o: openedAt,
        e: expiresAt,
      };
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

    claimImage(session, sha, fp) {
      return claimImage(store, session.id, sha, fp, evidenceTtlMs);
    },

    async finishAttempt(session, attempt, outcome, evidence) {
      const k = keys(session.id);
      if (evidence) {
        const kept = keepImages && evidence.image !== undefined;
        if (kept) await store.add(k.image(attempt), Buffer.from(evidence.image!).toString('base64'), evidenceTtlMs);
        const entry: EvidenceAttempt = { n: attempt, ...evidence.entry, ...(kept ? { imageKept: true } : {}) };
        await store.add(k.entry(attempt), JSON.stringify(entry), keepMs);
      }
      const sha = outcome.imageSha256;
      const decides = outcome.decision === 'pass' || attempt >= maxAttempts;
      if (!decides) return (await store.get(k.decision)) === null;
      const decision: StoredDecision = {
        d: outcome.decision === 'pass' ? 'pass' : 'fail',
        ...(outcome.probReal !== undefined ? { p: outcome.probReal } : {}),
        ...(sha !== undefined ? { h: sha } : {}),
        at: clock(),
      };
      if (!(await store.add(k.decision, JSON.stringify(decision), keepMs))) return false;
      await writeEvidence(session, decision);
      return true;
    },
  };
}
