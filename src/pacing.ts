// Defaults of the detection pace and the steady hold: read by the element (in its first chunk) and by the frame
// pipeline (loaded on start), so they live apart from both.

/** Detections per second at most: guidance needs no more (hints change every few frames, the hold is a duration). */
export const DEFAULT_MAX_FPS = 15;
/**
 * Longer side, in pixels, of the image the detector sees while guiding. At 320 px the face boxes stay within about
 * 1% of full-resolution detection on the real-face fixtures (bench/RESULTS.md) for a fraction of the cost; the
 * frame about to be captured is detected again at full size.
 */
export const DEFAULT_DETECT_SIZE = 320;
/** How long the face must stay right before capture, in milliseconds. */
export const DEFAULT_HOLD_MS = 500;
