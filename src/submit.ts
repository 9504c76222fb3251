import { LivenessError } from './errors.js';
import { blobToBase64 } from './encoder.js';
import { interpretResponse, type Outcome } from './response.js';

export interface SubmitOptions {
  endpoint: string;
  image: Blob;
  threshold: number;
  /** Sent as `x-api-key` when set. */
  apiKey?: string | null;
  /** Extra headers (e.g. Authorization). They cannot replace `Content-Type`. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * POSTs `{"data": "<base64>"}` to the endpoint and interprets the answer. A network failure is a NETWORK_ERROR
 * outcome; an abort rethrows the AbortError (the caller drops it). Redirects are refused (`redirect: 'error'`)
 * so a misconfigured endpoint cannot send the face image somewhere else; cookies go only to the same origin.
 */
export async function submitImage(options: SubmitOptions): Promise<Outcome> {
  const headers = new Headers(options.headers ?? {});
  headers.set('Content-Type', 'application/json');
  if (options.apiKey) headers.set('x-api-key', options.apiKey);
  const body = `{"data":"${await blobToBase64(options.image)}"}`;
  options.signal?.throwIfAborted();
  let response: Response;
  let text: string;
  try {
    response = await fetch(options.endpoint, {
      method: 'POST',
      headers,
      body,
      signal: options.signal ?? null,
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
    });
    text = await response.text();
  } catch (cause) {
    if (options.signal?.aborted) throw options.signal.reason ?? new DOMException('Aborted', 'AbortError');
    return { kind: 'error', error: new LivenessError('NETWORK_ERROR', undefined, { cause }) };
  }
  return interpretResponse(
    { status: response.status, contentType: response.headers.get('content-type'), text, retryAfter: response.headers.get('retry-after') },
    options.threshold,
  );
}
