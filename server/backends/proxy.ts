// Proxy mode: forwards the browser's body to the hosted API with the server's key, and maps upstream failures
// to JSON errors that say what happened without blaming the user.

import { failure, isProbability, tooLarge } from '../contract/contract.js';
import { readLimitedBody } from '../handler/body.js';
import type { Answer } from '../handler/answer.js';
import type { RequestOutcome } from '../handler/log.js';
import type { Decision, VerdictField } from '../stores/verdict.js';

export interface ProxyConfig {
  readonly url: string;
  readonly apiKey: string;
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
}

/** Upstream answers larger than this are not a liveness result. */
const UPSTREAM_BODY_LIMIT = 1_048_576;

const MESSAGES = {
  UPSTREAM_AUTH: "Liveness service rejected the server's credentials",
  UPSTREAM_THROTTLED: 'Liveness service is busy; try again shortly',
  UPSTREAM_ERROR: 'Liveness service failed to answer',
  UPSTREAM_TIMEOUT: 'Liveness service did not answer in time',
  UPSTREAM_UNREACHABLE: 'Liveness service could not be reached',
  UPSTREAM_BAD_RESPONSE: 'Liveness service answered with an invalid response',
} as const;

type UpstreamCode = keyof typeof MESSAGES;

const upstreamFailure = (status: number, code: UpstreamCode, headers?: Record<string, string>): Response =>
  failure(status, MESSAGES[code], code, headers);

function outcomeOf(parsed: Record<string, unknown>): RequestOutcome {
  if (parsed['success'] === true) return 'scored';
  switch (parsed['error_code']) {
    case 'FACE_NOT_DETECTED':
      return 'face-not-detected';
    case 'FACE_TOO_SMALL':
      return 'face-too-small';
    case 'INVALID_IMAGE_PAYLOAD':
      return 'invalid-image-payload';
    default:
      return 'unscored';
  }
}

function isTimeout(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'TimeoutError' || (error.cause instanceof Error && error.cause.name === 'TimeoutError');
}

/**
 * Sends `body` (rebuilt by the handler from the validated `data`: exactly `{"data":"..."}`) upstream. `verdict` is called with `prob_real` of a success
 * answer; its field is appended to the upstream JSON, whose other bytes pass through untouched.
 */
export async function forward(
  body: string,
  config: ProxyConfig,
  clientSignal: AbortSignal,
  verdict?: (probReal: unknown) => VerdictField,
): Promise<Answer> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const timeout = AbortSignal.timeout(config.timeoutMs);
  const signal = AbortSignal.any([timeout, clientSignal]);

  let upstream: Response;
  let text: string;
  try {
    upstream = await config.fetch(config.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': config.apiKey },
      body,
      redirect: 'manual',
      signal,
    });
    const read = await readLimitedBody(upstream, UPSTREAM_BODY_LIMIT);
    if (!read.ok) {
      return {
        response: upstreamFailure(502, 'UPSTREAM_BAD_RESPONSE'),
        outcome: 'upstream-bad-response',
        level: 'error',
        detail: `upstream answer over ${UPSTREAM_BODY_LIMIT} bytes`,
        upstreamStatus: upstream.status,
        upstreamMs: elapsed(),
      };
    }
    text = new TextDecoder().decode(read.bytes);
  } catch (error) {
    if (clientSignal.aborted) throw error;
    if (timeout.aborted || isTimeout(error)) {
      return {
        response: upstreamFailure(504, 'UPSTREAM_TIMEOUT'),
        outcome: 'upstream-timeout',
        level: 'error',
        detail: `no upstream answer within ${config.timeoutMs} ms`,
        upstreamMs: elapsed(),
      };
    }
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return {
      response: upstreamFailure(502, 'UPSTREAM_UNREACHABLE'),
      outcome: 'upstream-unreachable',
      level: 'error',
      detail: `upstream request failed${cause}`,
      upstreamMs: elapsed(),
    };
  }

  const status = upstream.status;
  const base = { upstreamStatus: status, upstreamMs: elapsed() };

  if (status === 200) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return {
        ...base,
        response: upstreamFailure(502, 'UPSTREAM_BAD_RESPONSE'),
        outcome: 'upstream-bad-response',
        level: 'error',
        detail: 'upstream 200 answer is not a JSON object',
      };
    }
    const record = parsed as Record<string, unknown>;
    let out = text;
    let decision: Decision | undefined;
    let scored: number | undefined;
    let level: 'warn' | undefined;
    let detail: string | undefined;
    if (verdict && record['success'] === true) {
      const output = record['model_output'];
      const probReal =
        output !== null && typeof output === 'object' ? (output as Record<string, unknown>)['prob_real'] : undefined;
      const field = verdict(probReal);
      decision = field.decision;
      if (isProbability(probReal)) scored = probReal;
      // Append the field before the closing brace; every upstream byte before it stays as it was.
      const end = text.lastIndexOf('}');
      const head = text.slice(0, end);
      const empty = Object.keys(record).length === 0;
      out = `${head}${empty ? '' : ','}"verdict":${JSON.stringify(field)}}`;
      if (!isProbability(probReal)) {
        level = 'warn';
        detail = 'upstream success answer without a valid prob_real: verdict fail, no token';
      }
    }
    return {
      ...base,
      response: new Response(out, {
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      }),
      outcome: outcomeOf(record),
      decision,
      probReal: scored,
      ...(level ? { level, detail } : {}),
    };
  }

  if (status === 413) return { ...base, response: tooLarge(), outcome: 'too-large' };
  if (status === 401 || status === 403) {
    return {
      ...base,
      response: upstreamFailure(502, 'UPSTREAM_AUTH'),
      outcome: 'upstream-auth',
      level: 'error',
      detail: `upstream refused the server's API key (HTTP ${status}): check SPOOFSENSE_API_KEY`,
    };
  }
  if (status === 429) {
    const retryAfter = upstream.headers.get('retry-after');
    const pass = retryAfter !== null && /^[\w ,:+-]{1,64}$/.test(retryAfter);
    return {
      ...base,
      response: upstreamFailure(429, 'UPSTREAM_THROTTLED', pass ? { 'retry-after': retryAfter } : undefined),
      outcome: 'upstream-throttled',
      level: 'warn',
      detail: 'upstream throttled the request',
    };
  }
  if (status === 504) {
    return {
      ...base,
      response: upstreamFailure(504, 'UPSTREAM_TIMEOUT'),
      outcome: 'upstream-timeout',
      level: 'error',
      detail: 'upstream answered 504',
    };
  }
  return {
    ...base,
    response: upstreamFailure(502, 'UPSTREAM_ERROR'),
    outcome: 'upstream-error',
    level: 'error',
    detail: `upstream answered HTTP ${status}`,
  };
}
