// The state the handler shares between requests (and between instances): sessions, verdict nonces, image
// hashes and rate-limit counters. One small key-value interface with two implementations: in memory (one
// process) and Redis (several instances, serverless).

/**
 * Three operations, each atomic on its own. Keys are short ASCII strings; values are strings. Every key has a
 * time to live and is gone after it.
 */
export interface LivenessStore {
  /**
   * Sets `key` to `value` for `ttlMs` only if it does not exist. True when this call set it (`SET NX PX`).
   * An `evictable` key may be dropped before its time to make room for keys that are not (a store that never
   * evicts may ignore the hint); a store too full for an evictable key throws `StoreFullError` rather than
   * evicting anything for it.
   */
  add(key: string, value: string, ttlMs: number, hints?: { readonly evictable?: boolean }): Promise<boolean>;
  /** The value of `key`, or null when absent or expired. */
  get(key: string): Promise<string | null>;
  /**
   * Adds 1 to the counter `key` and returns the new value. A counter that does not exist starts at 1 and
   * lives `ttlMs` from then; later increments do not extend it.
   */
  increment(key: string, ttlMs: number): Promise<number>;
  // Evidence, audit images and perceptual replay records.
  /** Deletes these keys (absent ones are ignored). */
  remove(keys: readonly string[]): Promise<void>;
  /**
   * In one atomic step: appends `value` to the list `key`, keeps only its `keep` newest items, and returns the
   * items before `value`, oldest first. Pushes are ordered, so each caller sees exactly the pushes before its own.
   * The list lives `ttlMs` from this push.
   */
  push(key: string, value: string, ttlMs: number, keep: number): Promise<string[]>;
}

function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs < 1) throw new RangeError(`store TTL must be a finite number >= 1 ms, got ${String(ttlMs)}`);
}

/**
 * Thrown by a store that cannot be reached (connection refused or lost, a command not answered in time); the
 * handler and the session routes answer it with 503 `STORE_UNAVAILABLE` and `Retry-After`, and nothing passes.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Thrown by a store with no room left for a key; the handler and the session routes answer it with 503. */
export class StoreFullError extends Error {
  readonly code = 'SESSION_STORE_FULL';
  constructor(message: string) {
    super(message);
    this.name = 'StoreFullError';
  }
}

export interface MemoryStoreOptions {
  /**
   * Most keys kept. When full, expired keys are dropped, then evictable keys (sessions never used), oldest
   * first, to make room for any other key; an evictable key that finds no room throws `StoreFullError`, and so
   * does any key when only keys that are not evictable are left. Default 100 000.
   */
  maxEntries?: number;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** The default store: one process, nothing shared. Fails closed when full (throws rather than forgets state in use). */
export function createMemoryStore(options: MemoryStoreOptions = {}): LivenessStore {
  const maxEntries = options.maxEntries ?? 100_000;
  const clock = options.now ?? Date.now;
  const entries = new Map<string, { value: string; expiresAt: number; items?: string[] }>();
  /** Evictable keys, oldest first. */
  const evictable = new Set<string>();

  const drop = (key: string): void => {
    entries.delete(key);
    evictable.delete(key);
  };
  const live = (key: string, now: number): { value: string; expiresAt: number; items?: string[] } | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now) {
      drop(key);
      return undefined;
    }
    return entry;
  };
  const room = (now: number, forEvictable: boolean): void => {
    if (entries.size < maxEntries) return;
    for (const [key, entry] of entries) if (entry.expiresAt <= now) drop(key);
    if (!forEvictable) {
      for (const key of evictable) {
        if (entries.size < maxEntries) break;
        drop(key);
      }
    }
    if (entries.size >= maxEntries) throw new StoreFullError(`liveness memory store is full (${maxEntries} entries)`);
  };

  return {
    async add(key, value, ttlMs, hints) {
      checkTtl(ttlMs);
      const now = clock();
      if (live(key, now)) return false;
      room(now, hints?.evictable === true);
      entries.set(key, { value, expiresAt: now + ttlMs });
      if (hints?.evictable) evictable.add(key);
      return true;
    },
    async get(key) {
      return live(key, clock())?.value ?? null;
    },
    async increment(key, ttlMs) {
      checkTtl(ttlMs);
      const now = clock();
      const entry = live(key, now);
      if (entry) {
        const next = Number(entry.value) + 1;
        entry.value = String(next);
        return next;
      }
      room(now, false);
      entries.set(key, { value: '1', expiresAt: now + ttlMs });
      return 1;
    },
    // A list is one entry whose items are kept beside its (empty) value.
    async remove(keys) {
      for (const key of keys) drop(key);
    },
    async push(key, value, ttlMs, keep) {
      checkTtl(ttlMs);
      const now = clock();
      const entry = live(key, now);
      const items = entry?.items ?? [];
      const before = keep > 1 ? items.slice(-(keep - 1)) : [];
      items.push(value);
      if (items.length > keep) items.splice(0, items.length - keep);
      if (!entry) room(now, false);
      entries.set(key, { value: '', items, expiresAt: now + ttlMs });
      return before;
    },
  };
}

/** The part of an `ioredis` client this store uses (`new Redis(url)` or a `Cluster`). */
export interface RedisClientLike {
  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<'OK' | null>;
  get(key: string): Promise<string | null>;
  eval(script: string, keys: number, ...args: Array<string | number>): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
}

/** INCR, and set the TTL when the counter was just created: one atomic step. */
const INCREMENT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** RPUSH, trim to the newest ARGV[3], (re)set the TTL, and return the items before the new one: one atomic step. */
const PUSH = `local keep = tonumber(ARGV[3])
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -keep, -1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if keep < 2 then return {} end
return redis.call('LRANGE', KEYS[1], -keep, -2)`;

export interface RedisStoreOptions {
  /** Prefixed to every key. Default `liveness:`. */
  prefix?: string;
  /**
   * When Redis has answered nothing at all for this many milliseconds (gone, or hung), a command waiting fails
   * with `StoreUnavailableError` and the request gets 503 instead of waiting on. A busy Redis that keeps answering
   * other commands is not unavailable. Default 2000. A command that failed so may still reach Redis later (every
   * write is single-use or a counter: at worst an attempt is counted that never ran, or a session is decided
   * though its check was answered 503; the session result is the truth).
   */
  commandTimeoutMs?: number;
}

/** Redis answers that mean "not now" rather than "wrong command": loading, failing over, a cluster slot moving. */
const TRANSIENT_REPLY = /^(?:LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY)\b/;

/**
 * A Redis reply error (a command Redis refused) is thrown as it is: a bug or a misconfiguration. Anything else
 * (connection refused or closed, retries exhausted, the offline queue off) and transient replies mean the store
 * is unreachable.
 */
function unavailable(error: unknown, op: string): unknown {
  if (error instanceof StoreUnavailableError || error instanceof StoreFullError) return error;
  const e = error as { name?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (e?.name === 'ReplyError' && !TRANSIENT_REPLY.test(message)) return error;
  return new StoreUnavailableError(`Redis ${op} failed: ${message.slice(0, 200)}`, { cause: error });
}

/**
 * A store on Redis through an `ioredis` client (an optional peer dependency): `SET NX PX` for single-use keys,
 * a Lua `INCR` + `PEXPIRE` for counters, TTLs kept by Redis. Instances that share one Redis share sessions,
 * nonces, replay records and rate limits. The caller owns the client (and quits it).
 */
export function createRedisStore(client: RedisClientLike, options: RedisStoreOptions = {}): LivenessStore {
  if (!client || typeof client.set !== 'function' || typeof client.eval !== 'function') {
    throw new TypeError('createRedisStore needs an ioredis client (new Redis(url))');
  }
  const prefix = options.prefix ?? 'liveness:';
  const timeoutMs = options.commandTimeoutMs ?? 2000;
  if (!Number.isFinite(timeoutMs) || !(timeoutMs > 0)) throw new RangeError('commandTimeoutMs must be a finite number > 0');
  /** When Redis last answered a command of this store (a reply or a reply error), from `performance.now()`. */
  let lastAnswer = performance.now();
  /**
   * One command, its failures sorted into unreachable and refused. It fails as unreachable once Redis has answered
   * nothing at all for `timeoutMs`: a Redis that is gone or hangs, not one that is busy (while other commands get
   * their answers, a slow one waits on, in order behind them).
   */
  const run = <T>(op: string, command: () => Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let immediate: ReturnType<typeof setImmediate> | undefined;
    const late = new Promise<never>((_, reject) => {
      const check = (): void => {
        const quiet = performance.now() - lastAnswer;
        if (quiet < timeoutMs) {
          timer = setTimeout(check, timeoutMs - quiet);
          return;
        }
        // Rejected after the next poll phase, not at once: an answer already received while the event loop was
        // busy (a loaded process runs its timers late) is read first and wins.
        immediate = setImmediate(() => reject(new StoreUnavailableError(`Redis answered nothing for ${timeoutMs} ms (${op})`)));
      };
      timer = setTimeout(check, timeoutMs);
    });
    let pending: Promise<T>;
    try {
      pending = command();
    } catch (error) {
      pending = Promise.reject(error);
    }
    const answered = pending.then(
      (value) => {
        lastAnswer = performance.now();
        return value;
      },
      (error: unknown) => {
        if ((error as { name?: unknown } | null)?.name === 'ReplyError') lastAnswer = performance.now();
        throw error;
      },
    );
    return Promise.race([answered, late])
      .catch((error: unknown) => {
        throw unavailable(error, op);
      })
      .finally(() => {
        clearTimeout(timer);
        if (immediate) clearImmediate(immediate);
      });
  };
  return {
    async add(key, value, ttlMs) {
      checkTtl(ttlMs);
      return (await run('SET', () => client.set(prefix + key, value, 'PX', Math.ceil(ttlMs), 'NX'))) === 'OK';
    },
    async get(key) {
      return run('GET', () => client.get(prefix + key));
    },
    async increment(key, ttlMs) {
      checkTtl(ttlMs);
      const n = Number(await run('EVAL', () => client.eval(INCREMENT, 1, prefix + key, Math.ceil(ttlMs))));
      if (!Number.isSafeInteger(n)) throw new Error('Redis answered a counter that is not an integer');
      return n;
    },
    async remove(keys) {
      if (keys.length > 0) await run('DEL', () => client.del(...keys.map((key) => prefix + key)));
    },
    async push(key, value, ttlMs, keep) {
      checkTtl(ttlMs);
      const items = await run('EVAL', () => client.eval(PUSH, 1, prefix + key, value, Math.ceil(ttlMs), keep));
      return Array.isArray(items) ? items.map(String) : [];
    },
  };
}

export interface StoreRateLimitOptions {
  /** Sustained rate per client, requests per minute. */
  requestsPerMinute: number;
  /** How many requests a client may make in one window. Default `requestsPerMinute` (a one-minute window). */
  burst?: number;
}

/**
 * A fixed-window limit on counters in `store`: at most `burst` requests per window of
 * `burst / requestsPerMinute` minutes. Shared by every instance that shares the store.
 */
export function createStoreRateLimiter(
  store: LivenessStore,
  options: StoreRateLimitOptions,
  now: () => number = Date.now,
): { take(key: string): Promise<number> } {
  const burst = options.burst ?? options.requestsPerMinute;
  if (!(options.requestsPerMinute > 0) || !Number.isFinite(options.requestsPerMinute) || !(burst >= 1) || !Number.isFinite(burst)) {
    throw new Error('rateLimit needs requestsPerMinute > 0 and burst >= 1');
  }
  const windowMs = Math.max(1000, Math.round((burst / options.requestsPerMinute) * 60_000));
  return {
    async take(key) {
      const t = now();
      const window = Math.floor(t / windowMs);
      const count = await store.increment(`rl:${window}:${key}`, windowMs);
      if (count <= burst) return 0;
      return Math.max(1, Math.ceil(((window + 1) * windowMs - t) / 1000));
    },
  };
}
