/** The element's one explicit status, reflected as the `status` attribute. */
export type LivenessStatus =
  | 'idle'
  | 'starting'
  | 'detecting'
  | 'capturing'
  | 'submitting'
  | 'passed'
  | 'failed'
  | 'error';

const NEXT: Record<LivenessStatus, readonly LivenessStatus[]> = {
  idle: ['starting'],
  starting: ['detecting', 'error', 'idle'],
  detecting: ['capturing', 'error', 'idle'],
  capturing: ['submitting', 'detecting', 'error', 'idle'],
  submitting: ['passed', 'failed', 'error', 'idle'],
  passed: ['idle'],
  failed: ['idle'],
  error: ['idle'],
};

/** Whether the status machine allows going from `from` to `to`. */
export function canTransition(from: LivenessStatus, to: LivenessStatus): boolean {
  return from === to || NEXT[from].includes(to);
}

/** Final statuses: the check is over and the camera is off until `reset()` or `start()`. */
export function isFinal(status: LivenessStatus): boolean {
  return status === 'passed' || status === 'failed' || status === 'error';
}
