// Reading the request body under the size limit, and checking the `{"data": "<base64>"}` payload.

export type BodyResult =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly size: number }
  | {
    readonly ok: false;
    readonly size: number;
    readonly declared: boolean;
    /** Not read whole by the deadline, or (with `slow`) slower than the minimum rate. */
    readonly timedOut?: boolean;
    readonly slow?: boolean;
    /** `pace.take` refused the bytes: the shared budget is spent. */
    readonly overBudget?: boolean;
  };

/** How fast a body must arrive, and where its bytes are counted. */
export interface BodyPace {
  /** After `graceMs`, the body must have averaged at least this many bytes per second since it began. */
  readonly minBytesPerSecond?: number;
  readonly graceMs?: number;
  /** Counts each chunk against a shared budget; false refuses the body (`overBudget`). */
  readonly take?: (bytes: number) => boolean;
}

/**
 * Reads the body while counting bytes, and stops (cancelling the stream) as soon as the count passes `limit`.
 * A declared Content-Length over the limit is refused before a single byte is read. At most `limit` bytes are
 * ever held in memory. With `deadlineMs`, a body not read whole by then is refused too (`timedOut`); with
 * `pace.minBytesPerSecond`, so is one that falls below that average once `pace.graceMs` have passed (`slow`):
 * a client that trickles bytes holds its connection for seconds, not for the whole deadline.
 */
export async function readLimitedBody(
  request: { readonly headers: Headers; readonly body: ReadableStream<Uint8Array> | null },
  limit: number,
  deadlineMs?: number,
  pace: BodyPace = {},
): Promise<BodyResult> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) {
    await request.body?.cancel().catch(() => undefined);
    return { ok: false, size: 0, declared: true };
  }
  const stream = request.body;
  if (!stream) return { ok: true, bytes: new Uint8Array(0), size: 0 };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const started = performance.now();
  const rate = pace.minBytesPerSecond;
  const grace = pace.graceMs ?? 0;
  /** Ms from the start when the body is too late or too slow, unless more bytes arrive first. */
  const wakeAt = (): { at: number; slow: boolean } => {
    const slowAt = rate === undefined ? Infinity : Math.max(grace, (size / rate) * 1000);
    const lateAt = deadlineMs ?? Infinity;
    return slowAt < lateAt ? { at: slowAt, slow: true } : { at: lateAt, slow: false };
  };
  const refuse = async (result: BodyResult): Promise<BodyResult> => {
    await reader.cancel().catch(() => undefined);
    return result;
  };
  for (;;) {
    const wake = wakeAt();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let next: ReadableStreamReadResult<Uint8Array> | 'late';
    try {
      next = Number.isFinite(wake.at)
        ? await Promise.race([
          reader.read(),
          new Promise<'late'>((resolve) => {
            timer = setTimeout(() => resolve('late'), Math.max(0, wake.at - (performance.now() - started)));
          }),
        ])
        : await reader.read();
    } finally {
      clearTimeout(timer); // also when the read fails (the client went away): no timer outlives the request
    }
    if (next === 'late') {
      return refuse({ ok: false, size, declared: false, timedOut: true, ...(wake.slow ? { slow: true } : {}) });
    }
    const { done, value } = next;
    if (done) break;
    size += value.byteLength;
    if (size > limit) return refuse({ ok: false, size, declared: false });
    if (pace.take && !pace.take(value.byteLength)) return refuse({ ok: false, size, declared: false, overBudget: true });
    chunks.push(value);
  }
  if (chunks.length === 1) return { ok: true, bytes: chunks[0]!, size };
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes, size };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const KEY = Buffer.from('"data"', 'latin1');

/** The index of the first byte at or after `at` that is not JSON whitespace. */
function skipSpace(body: Uint8Array, at: number): number {
  let i = at;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  return i;
}

/**
 * The image bytes of a contract request body, or null when the body is not exactly `{"data":"<base64>"}`: one
 * object with the one key `data` (spelled plainly), JSON whitespace between the tokens, and as its value plain,
 * padded, canonical base64, in which `\/` may stand for `/` (some JSON encoders write that). Nothing else: no
 * other key, no second `data`, no `data:` prefix, no whitespace or line breaks in the base64, no URL-safe
 * alphabet. The shape is checked on the bytes, in one pass and without a general JSON parse, so that a body of
 * nested arrays or objects costs no more than any other 10 MB. The base64 is checked by decoding and re-encoding
 * (Node's decoder alone silently skips what it cannot read). Whether the bytes are a decodable image is for the
 * model to say. Returns the bytes and the `data` text, which is all that goes upstream.
 */
export function parseImagePayload(body: Uint8Array): { readonly image: Uint8Array; readonly data: string } | null {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let i = skipSpace(buffer, 0);
  if (buffer[i] !== 0x7b) return null; // {
  i = skipSpace(buffer, i + 1);
  if (!buffer.subarray(i, i + KEY.length).equals(KEY)) return null;
  i = skipSpace(buffer, i + KEY.length);
  if (buffer[i] !== 0x3a) return null; // :
  i = skipSpace(buffer, i + 1);
  if (buffer[i] !== QUOTE) return null;
  const start = i + 1;
  const end = buffer.indexOf(QUOTE, start);
  if (end < 0) return null;
  i = skipSpace(buffer, end + 1);
  if (buffer[i] !== 0x7d || skipSpace(buffer, i + 1) !== buffer.length) return null; // } and nothing after
  let text = buffer.subarray(start, end);
  if (text.includes(BACKSLASH)) {
    const unescaped = Buffer.alloc(text.length);
    let n = 0;
    for (let j = 0; j < text.length; j++) {
      if (text[j] === BACKSLASH) {
        if (text[j + 1] !== SLASH) return null;
        j++;
      }
      unescaped[n++] = text[j]!;
    }
    text = unescaped.subarray(0, n);
  }
  const data = text.toString('latin1');
  if (data.length === 0 || data.length % 4 !== 0) return null;
  const bytes = Buffer.from(data, 'base64');
  if (bytes.byteLength === 0 || bytes.toString('base64') !== data) return null;
  return { image: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), data };
}
