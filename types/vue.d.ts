// Generated from custom-elements.json by scripts/framework-types.mjs (npm run analyze). Do not edit.
// Vue 3 templates (vue-tsc, strictTemplates): `import type {} from 'liveness-capture/vue'`; compile
// <liveness-capture> as a custom element (`isCustomElement: (tag) => tag === 'liveness-capture'`).
import type { DefineComponent } from 'vue';
import type { LivenessCameraEvent, LivenessCaptureEvent, LivenessErrorEvent, LivenessFailEvent, LivenessPassEvent, LivenessProgressEvent } from '../dist/index.js';
import type { LivenessCaptureProperties } from './properties.js';

/** Properties of <liveness-capture> and its events as `@liveness-pass` handlers. */
export interface LivenessCaptureVueProps extends LivenessCaptureProperties {
  /** The hint or the steady-hold progress changed. */
  onLivenessProgress?: (event: LivenessProgressEvent) => void;
  /** A camera opened (at start, on a switch, after a pause or an unplugged camera). */
  onLivenessCamera?: (event: LivenessCameraEvent) => void;
  /** A frame was captured and is about to be sent. */
  onLivenessCapture?: (event: LivenessCaptureEvent) => void;
  /** The backend returned a valid `prob_real` strictly above `threshold`. */
  onLivenessPass?: (event: LivenessPassEvent) => void;
  /** The backend returned a valid `prob_real` at or below `threshold`. */
  onLivenessFail?: (event: LivenessFailEvent) => void;
  /** Anything else; `detail.code` is stable. */
  onLivenessError?: (event: LivenessErrorEvent) => void;
}

declare module 'vue' {
  interface GlobalComponents {
    'liveness-capture': DefineComponent<LivenessCaptureVueProps>;
  }
}
