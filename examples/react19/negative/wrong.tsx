// Must not type-check: every line marked "rejected" misuses the element.
import 'liveness-capture';
import type {} from 'liveness-capture/jsx';

export const threshold = <liveness-capture threshold="high" />; // rejected
export const mode = <liveness-capture captureMode="sometimes" />; // rejected
export const headers = <liveness-capture headers={{ retries: 3 }} />; // rejected
export const handler = <liveness-capture onliveness-pass={(e: KeyboardEvent) => e.key} />; // rejected
export const detail = <liveness-capture onliveness-error={(e) => e.detail.probReal} />; // rejected
export const unknown = <liveness-capture treshold={0.5} />; // rejected
