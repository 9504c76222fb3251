// The `x-liveness-capture` request header: what the element measured about the camera and the capture
// (base64url of a JSON object with `integrity`, `quality` and the element's `version`, at most 4 KB). It comes from
// the client: it is parsed defensively, kept in the evidence as the client said it, and trusted only as far as a
// session's camera policy refuses captures the client itself flagged.

/** The request header the element sends its capture report in. */
export const CAPTURE_HEADER = 'x-liveness-capture';
/** The most bytes the header may have. */
export const CAPTURE_HEADER_LIMIT = 4096;

/** A session's camera policy. `any` refuses nothing; see `refusesCapture`. */
export type CameraPolicy = 'any' | 'no-virtual' | 'strict';
export const CAMERA_POLICIES: readonly CameraPolicy[] = ['any', 'no-virtual', 'strict'];

/** The header as the server understood it. Only `ok` reports carry data, and only after sanitising. */
export type CaptureReport =
  | { readonly status: 'absent' }
  | { readonly status: 'malformed'; readonly reason: string }
  | {
    readonly status: 'ok';
    readonly version?: string;
    readonly integrity: { readonly flags: readonly string[]; readonly [field: string]: unknown };
    readonly quality?: Readonly<Record<string, unknown>>;
  };

const FLAG = /^[a-z][a-z0-9-]{0,39}$/;
const MAX_DEPTH = 4;
const MAX_ITEMS = 32;
const MAX_STRING = 200;

/**
 * A copy of `value` with only JSON scalars, plain objects and arrays, bounded in depth, width and string length;
 * anything else (and anything beyond the bounds) is dropped. The header is already at most 4 KB, so this is
 * about keeping the record's shape tame, not its size.
 */
function tame(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return value.slice(0, MAX_STRING);
  if (depth >= MAX_DEPTH || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    return value.slice(0, MAX_ITEMS).map((item) => tame(item, depth + 1)).filter((item) => item !== undefined);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value).slice(0, MAX_ITEMS)) {
    if (key.length > 40 || key === '__proto__') continue;
    const kept = tame(item, depth + 1);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Parses the header value (null when the request has none). Never throws. */
export function parseCaptureHeader(header: string | null): CaptureReport {
  if (header === null || header.trim() === '') return { status: 'absent' };
  const text = header.trim();
  if (text.length > CAPTURE_HEADER_LIMIT) return { status: 'malformed', reason: `over ${CAPTURE_HEADER_LIMIT} bytes` };
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return { status: 'malformed', reason: 'not base64url' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return { status: 'malformed', reason: 'not JSON' };
  }
  if (!isObject(parsed)) return { status: 'malformed', reason: 'not a JSON object' };
  const integrity = parsed['integrity'];
  if (!isObject(integrity)) return { status: 'malformed', reason: 'no integrity object' };
  const flags = integrity['flags'];
  if (!Array.isArray(flags) || flags.length > MAX_ITEMS || !flags.every((f) => typeof f === 'string' && FLAG.test(f))) {
    return { status: 'malformed', reason: 'integrity.flags is not a list of flag names' };
  }
  const version = parsed['version'];
  if (version !== undefined && (typeof version !== 'string' || version.length > 40)) {
    return { status: 'malformed', reason: 'version is not a short string' };
  }
  const quality = parsed['quality'];
  if (quality !== undefined && !isObject(quality)) return { status: 'malformed', reason: 'quality is not an object' };
  return {
    status: 'ok',
    ...(version !== undefined ? { version } : {}),
    integrity: { ...(tame(integrity) as Record<string, unknown>), flags: [...new Set(flags as string[])] },
    ...(quality !== undefined ? { quality: tame(quality) as Record<string, unknown> } : {}),
  };
}

/** Flags `strict` refuses; `no-virtual` refuses only `virtual-camera`. */
const STRICT_FLAGS = ['virtual-camera', 'still-image', 'looped-video', 'frozen'];

/** Why `policy` refuses this capture, or null when it lets it through. */
export function refusesCapture(policy: CameraPolicy, report: CaptureReport): string | null {
  if (policy === 'any') return null;
  if (report.status !== 'ok') return policy === 'strict' ? `capture header ${report.status}` : null;
  const refused = policy === 'strict' ? STRICT_FLAGS : ['virtual-camera'];
  const hit = report.integrity.flags.filter((flag) => refused.includes(flag));
  return hit.length > 0 ? `flagged ${hit.join(', ')}` : null;
}
