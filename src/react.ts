// Generated from custom-elements.json by scripts/framework-types.mjs (npm run analyze). Do not edit.
// `liveness-capture/react`: <LivenessCapture> for React 18 and 19. Every prop is set as a property (objects such
// as `headers` and `messages` too), `onLivenessPass`-style props listen for the element's events, and a
// ref reaches the element.
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { LivenessCapture as LivenessCaptureElement } from './liveness-capture.js';
import './define.js';
import type { LivenessCameraEvent, LivenessCaptureEvent, LivenessErrorEvent, LivenessFailEvent, LivenessPassEvent, LivenessProgressEvent } from './events.js';

export const LivenessCapture = createComponent({
  tagName: 'liveness-capture',
  elementClass: LivenessCaptureElement,
  react: React,
  events: {
    /** The hint or the steady-hold progress changed. */
    onLivenessProgress: 'liveness-progress' as EventName<LivenessProgressEvent>,
    /** A camera opened (at start, on a switch, after a pause or an unplugged camera). */
    onLivenessCamera: 'liveness-camera' as EventName<LivenessCameraEvent>,
    /** A frame was captured and is about to be sent. */
    onLivenessCapture: 'liveness-capture' as EventName<LivenessCaptureEvent>,
    /** The backend returned a valid `prob_real` strictly above `threshold`. */
    onLivenessPass: 'liveness-pass' as EventName<LivenessPassEvent>,
    /** The backend returned a valid `prob_real` at or below `threshold`. */
    onLivenessFail: 'liveness-fail' as EventName<LivenessFailEvent>,
    /** Anything else; `detail.code` is stable. */
    onLivenessError: 'liveness-error' as EventName<LivenessErrorEvent>,
  },
  displayName: 'LivenessCapture',
});

export type LivenessCaptureProps = React.ComponentProps<typeof LivenessCapture>;
