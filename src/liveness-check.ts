// Capture → encode → submit for one frame that passed the checks, as one async function. No element state: the
// caller passes everything in and gets the verdict back, or a `LivenessError`.
import { encodeWithinBudget, type EncodedImage } from './encoder.js';
import type { FaceBox } from './events.js';
import type { Outcome } from './response.js';
import { submitImage } from './submit.js';

export interface LivenessCheckInput {
  /** The frame at full size, never cropped or mirrored. */
  frame: HTMLCanvasElement | OffscreenCanvas;
  /** The face in the frame's pixels. */
  faceBox: FaceBox;
  minFaceSize: number;
  endpoint: string;
  threshold: number;
  apiKey?: string | null;
  /** The server's liveness session id, sent as `x-liveness-session`. */
  session?: string | null;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** The attempt's signal: aborting rejects with its reason, whatever step is running. */
  signal: AbortSignal;
  /** Called with the JPEG once it is encoded, before it is sent (the element fires `liveness-capture` here). */
  onEncoded?: (image: EncodedImage) => void;
}

/** A verdict of the backend. */
export type Verdict = Extract<Outcome, { kind: 'verdict' }>;

/**
 * Encodes the frame under the body limit and sends it. Resolves with the backend's verdict; rejects with a
 * `LivenessError` for every expected failure (IMAGE_TOO_LARGE, the backend's errors, NETWORK_ERROR,
 * INVALID_CONFIG), with the signal's reason when aborted, and with anything else only on a bug.
 */
export async function checkLiveness(input: LivenessCheckInput): Promise<Verdict> {
  const { signal } = input;
  const image = await encodeWithinBudget(input.frame, input.frame.width, input.frame.height, {
    faceBox: input.faceBox,
    minFaceSize: input.minFaceSize,
    signal,
  });
  signal.throwIfAborted();
  input.onEncoded?.(image);
  signal.throwIfAborted();
  const outcome = await submitImage({
    endpoint: input.endpoint,
    image: image.blob,
    threshold: input.threshold,
    apiKey: input.apiKey ?? null,
    session: input.session ?? null,
    headers: input.headers ?? {},
    signal,
    ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
  });
  if (outcome.kind === 'error') throw outcome.error;
  return outcome;
}
