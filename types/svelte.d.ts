// Generated from custom-elements.json by scripts/framework-types.mjs (npm run analyze). Do not edit.
// Svelte 5 (svelte-check): `import type {} from 'liveness-capture/svelte'`. Svelte sets these as properties and
// listens for `onliveness-pass` and the other events.
import type { HTMLAttributes } from 'svelte/elements';
import type { LivenessCameraEvent, LivenessCapture, LivenessCaptureEvent, LivenessErrorEvent, LivenessFailEvent, LivenessPassEvent, LivenessProgressEvent } from '../dist/index.js';
import type { LivenessCaptureProperties } from './properties.js';

/** Properties and event handlers of <liveness-capture> in Svelte markup. */
export interface LivenessCaptureSvelteProps extends LivenessCaptureProperties {
  /** The hint or the steady-hold progress changed. */
  'onliveness-progress'?: (event: LivenessProgressEvent) => void;
  /** A camera opened (at start, on a switch, after a pause or an unplugged camera). */
  'onliveness-camera'?: (event: LivenessCameraEvent) => void;
  /** A frame was captured and is about to be sent. */
  'onliveness-capture'?: (event: LivenessCaptureEvent) => void;
  /** The backend returned a valid `prob_real` strictly above `threshold`. */
  'onliveness-pass'?: (event: LivenessPassEvent) => void;
  /** The backend returned a valid `prob_real` at or below `threshold`. */
  'onliveness-fail'?: (event: LivenessFailEvent) => void;
  /** Anything else; `detail.code` is stable. */
  'onliveness-error'?: (event: LivenessErrorEvent) => void;
}

declare module 'svelte/elements' {
  interface SvelteHTMLElements {
    'liveness-capture': Omit<HTMLAttributes<LivenessCapture>, keyof LivenessCaptureSvelteProps> & LivenessCaptureSvelteProps;
  }
}
