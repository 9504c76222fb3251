import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { whenAborted } from '../abort.js';

/**
 * The page's visibility (tab switched, app sent to the background, screen locked). Calls `onHidden` when the page
 * is hidden while the host is connected, and lets an attempt wait for the page to be shown again.
 */
export class VisibilityController implements ReactiveController {
  readonly #onHidden: () => void;
  readonly #waiting = new Set<() => void>();

  constructor(host: ReactiveControllerHost, onHidden: () => void) {
    this.#onHidden = onHidden;
    host.addController(this);
  }

  get hidden(): boolean {
    return globalThis.document?.visibilityState === 'hidden';
  }

  /** Resolves when the page is visible (at once if it is), rejects with the signal's reason when it aborts. */
  shown(signal: AbortSignal): Promise<void> {
    if (!this.hidden) return Promise.resolve();
    signal.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        this.#waiting.delete(done);
        unlisten();
        resolve();
      };
      const unlisten = whenAborted(signal, (reason) => {
        this.#waiting.delete(done);
        reject(reason);
      });
      this.#waiting.add(done);
    });
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#onChange);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#onChange);
  }

  readonly #onChange = (): void => {
    if (this.hidden) this.#onHidden();
    else for (const done of [...this.#waiting]) done();
  };
}
