/**
 * Calls `listener` with the signal's reason when it aborts, at most once. The function returned stops listening: a
 * step calls it when it ends, so a signal that lives as long as the attempt keeps no listener of a finished step.
 */
export function whenAborted(signal: AbortSignal | undefined, listener: (reason: unknown) => void): () => void {
  if (!signal) return () => {};
  const onAbort = () => listener(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
