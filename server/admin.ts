// Session routes for an app server on another host: open a session and read its result over HTTP, with a
// bearer token. The command (`liveness-capture-server`) serves them when LIVENESS_ADMIN_TOKEN is set.

import { createHash, timingSafeEqual } from 'node:crypto';
import { readLimitedBody } from './body.js';
import { CAMERA_POLICIES, type CameraPolicy } from './capture-header.js';
import { VARIANTS, failure, json, type Variant } from './contract.js';
import type { LivenessSessions } from './sessions.js';

export interface SessionRoutesOptions {
  /** The bearer token the app server sends (`Authorization: Bearer <token>`). At least 16 characters. */
  adminToken: string;
  /** Where the routes live. Default `/sessions`. */
  path?: string;
}

/** Most bytes a session request body may have. */
const ADMIN_BODY_LIMIT = 4096;
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** The media type the image's first bytes name (JPEG, PNG, WebP), else octet-stream. */
function imageType(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (Buffer.from(bytes.subarray(8, 12)).toString('latin1') === 'WEBP') return 'image/webp';
  return 'application/octet-stream';
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * `POST {path}` (JSON `{"subject"?, "variant"?, "camera"?}`) → 201 `{"id", "expiresAt"}`; `GET {path}/{id}` → the
 * session result (404 when unknown); `POST {path}/{id}/consume` → a passed result once, else 409;
 * `GET {path}/{id}/evidence` → `{"evidence": "<jws>"}`; `GET {path}/{id}/images/{n}` → attempt n's kept image;
 * `DELETE {path}/{id}` → 204, the session, its record and its images gone. Every route needs the
 * bearer token (compared in constant time; 401 otherwise). Resolves null for a request outside `path`.
 */
export function createSessionRoutes(
  sessions: LivenessSessions,
  options: SessionRoutesOptions,
): (request: Request) => Promise<Response | null> {
  const token = options.adminToken?.trim() ?? '';
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new Error(`the admin token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters; use e.g. \`openssl rand -base64 32\``);
  }
  const expected = digest(token);
  const base = (options.path ?? '/sessions').replace(/\/+$/, '');

  const authorized = (request: Request): boolean => {
    const header = request.headers.get('authorization') ?? '';
    const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
    // Digests have one length: the comparison takes the same time whatever was sent.
    return timingSafeEqual(digest(match?.[1] ?? ''), expected) && match !== null;
  };

  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname !== base && !pathname.startsWith(`${base}/`)) return null;
    if (!authorized(request)) {
      return failure(401, 'A valid admin bearer token is required', 'UNAUTHORIZED', { 'www-authenticate': 'Bearer' });
    }
    const rest = pathname.slice(base.length).split('/').filter(Boolean);

    if (rest.length === 0) {
      if (request.method !== 'POST') return failure(405, 'Method not allowed', 'METHOD_NOT_ALLOWED', { allow: 'POST' });
      const body = await readLimitedBody(request, ADMIN_BODY_LIMIT, 5000);
      if (!body.ok) return failure(413, 'The session request is too large', 'PAYLOAD_TOO_LARGE');
      let input: { subject?: unknown; variant?: unknown; camera?: unknown } = {};
      if (body.size > 0) {
        try {
          input = JSON.parse(new TextDecoder().decode(body.bytes)) as typeof input;
        } catch {
          return failure(400, 'The session request must be JSON', 'BAD_REQUEST');
        }
        if (input === null || typeof input !== 'object' || Array.isArray(input)) {
          return failure(400, 'The session request must be a JSON object', 'BAD_REQUEST');
        }
      }
      const { subject, variant, camera } = input;
      if (camera !== undefined && !(CAMERA_POLICIES as readonly unknown[]).includes(camera)) {
        return failure(400, 'camera must be "any", "no-virtual" or "strict"', 'BAD_REQUEST');
      }
      if (subject !== undefined && (typeof subject !== 'string' || subject.length === 0 || subject.length > 200)) {
        return failure(400, 'subject must be a string of 1 to 200 characters', 'BAD_REQUEST');
      }
      if (variant !== undefined && !(VARIANTS as readonly unknown[]).includes(variant)) {
        return failure(400, 'variant must be "antispoofing" or "robust"', 'BAD_REQUEST');
      }
      const created = await sessions.createSession({
        ...(subject !== undefined ? { subject } : {}),
        ...(variant !== undefined ? { variant: variant as Variant } : {}),
        ...(camera !== undefined ? { camera: camera as CameraPolicy } : {}),
      });
      return json(201, created);
    }

    const [id, action] = rest;
    if (rest.length === 1 && (request.method === 'GET' || request.method === 'HEAD')) {
      const result = await sessions.getSessionResult(id!);
      return result ? json(200, result) : failure(404, 'Unknown liveness session', 'SESSION_UNKNOWN');
    }
    // --- evidence: the signed record, kept images, and deletion of both ---
    if (rest.length === 1 && request.method === 'DELETE') {
      return (await sessions.deleteSession(id!)) ? new Response(null, { status: 204 }) : failure(404, 'Unknown liveness session', 'SESSION_UNKNOWN');
    }
    if (rest.length === 2 && action === 'evidence' && (request.method === 'GET' || request.method === 'HEAD')) {
      const evidence = await sessions.getEvidence(id!);
      return evidence ? json(200, { evidence }) : failure(404, 'No evidence record for this session', 'NO_EVIDENCE');
    }
    if (rest.length === 3 && action === 'images' && (request.method === 'GET' || request.method === 'HEAD')) {
      const image = /^[1-9]\d{0,2}$/.test(rest[2]!) ? await sessions.getImage(id!, Number(rest[2])) : null;
      if (!image) return failure(404, 'No kept image for this attempt', 'NO_IMAGE');
      return new Response(image as Uint8Array<ArrayBuffer>, {
        status: 200,
        headers: { 'content-type': imageType(image), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
      });
    }
    if (rest.length === 2 && action === 'consume' && request.method === 'POST') {
      const result = await sessions.consumeSessionResult(id!);
      return result ? json(200, result) : failure(409, 'No unconsumed pass in this session', 'NOT_PASSED');
    }
    return failure(404, 'Not found', 'NOT_FOUND');
  };
}
