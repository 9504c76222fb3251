// Reading the request body under the size limit, and checking the `{"data": "<base64>"}` payload.

export type BodyResult =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly size: number }
  | { readonly ok: false; readonly size: number; readonly declared: boolean; readonly timedOut?: boolean };

/**
 * Reads the body while counting bytes, and stops (cancelling the stream) as soon as the count passes `limit`.
 * A declared Content-Length over the limit is refused before a single byte is read. At most `limit` bytes are
 * ever held in memory. With `deadlineMs`, a body not read whole by then is refused too (`timedOut`), so a client
 * that trickles bytes cannot hold a slot.
 */
export async function readLimitedBody(
  request: { readonly headers: Headers; readonly body: ReadableStream<Uint8Array> | null },
  limit: number,
  deadlineMs?: number,
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
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = deadlineMs === undefined
    ? undefined
    : new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deadlineMs);
    });
  try {
    for (;;) {
      const next = late ? await Promise.race([reader.read(), late]) : await reader.read();
      if (next === 'late') {
        await reader.cancel().catch(() => undefined);
        return { ok: false, size, declared: false, timedOut: true };
      }
      const { done, value } = next;
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, size, declared: false };
      }
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
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

/**
 * The image bytes of a contract request body, or null when the body is not a JSON object whose `data` is plain,
 * padded, canonical base64: no `data:` prefix, no whitespace or line breaks, no URL-safe alphabet. Checked by
 * decoding and re-encoding (Node's decoder alone silently skips what it cannot read), which is also faster
 * than a regular expression over megabytes. Whether the bytes are a decodable image is for the model to say.
 * Returns the bytes and the `data` text: what goes upstream is rebuilt from that text alone, so a duplicate
 * `data` key or an extra key never reaches the API.
 */
export function parseImagePayload(body: Uint8Array): { readonly image: Uint8Array; readonly data: string } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const data = (parsed as { data?: unknown }).data;
  if (typeof data !== 'string' || data.length === 0 || data.length % 4 !== 0) return null;
  const bytes = Buffer.from(data, 'base64');
  if (bytes.byteLength === 0 || bytes.toString('base64') !== data) return null;
  return { image: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), data };
}
