// Must not type-check: every line marked "rejected" misuses the wrapper.
import { LivenessCapture } from 'liveness-capture/react';

export const threshold = <LivenessCapture threshold="high" />; // rejected
export const mode = <LivenessCapture captureMode="sometimes" />; // rejected
export const headers = <LivenessCapture headers={{ retries: 3 }} />; // rejected
export const handler = <LivenessCapture onLivenessPass={(e: KeyboardEvent) => e.key} />; // rejected
export const detail = <LivenessCapture onLivenessError={(e) => e.detail.probReal} />; // rejected
export const unknown = <LivenessCapture treshold={0.5} />; // rejected
