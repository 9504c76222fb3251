// Generated from custom-elements.json by scripts/framework-types.mjs (npm run analyze). Do not edit.
// React 19 sets these as properties and listens for the events: `import type {} from 'liveness-capture/jsx'`.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { LivenessCameraEvent, LivenessCapture, LivenessCaptureEvent, LivenessErrorEvent, LivenessFailEvent, LivenessPassEvent, LivenessProgressEvent } from '../dist/index.js';
import type { LivenessCaptureProperties } from './properties.js';

/** Properties and event handlers of <liveness-capture> in JSX. */
export interface LivenessCaptureJsxProps extends LivenessCaptureProperties {
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

export type LivenessCaptureIntrinsicProps = Omit<DetailedHTMLProps<HTMLAttributes<LivenessCapture>, LivenessCapture>, keyof LivenessCaptureJsxProps> &
  LivenessCaptureJsxProps;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'liveness-capture': LivenessCaptureIntrinsicProps;
    }
  }
}
