import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How long a line stays in the live region before another hint or status replaces it: long enough to be heard. */
export const HOLD_MS = 1500;
/** A status (starting, looking, taking the photo, checking) is said only if it is still current after this long. */
export const SETTLE_MS = 1000;

/** What a line is: a hint (said at once, then held), a passing status (said only if it lasts), a result or nothing. */
export type LineKind = 'hint' | 'status' | 'result' | 'clear';

/** The timers the announcer uses; a test passes its own to step time by hand. */
export interface AnnouncerClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: AnnouncerClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Paces the element's one live region so that what it says can be heard: each line is held for {@link HOLD_MS}
 * before a hint or status replaces it (the newest waiting line wins, the ones in between are skipped), and a status
 * replaced within {@link SETTLE_MS} is never said. A result and the return to idle are said at once. The element
 * tells it the current line on every update; it owns its one timer and clears it when the host disconnects.
 */
export class AnnouncerController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #clock: AnnouncerClock;
  #text = '';
  #shownAt = Number.NEGATIVE_INFINITY;
  #pending: { text: string; at: number } | null = null;
  #timer: unknown = null;

  constructor(host: ReactiveControllerHost, clock: AnnouncerClock = systemClock) {
    this.#host = host;
    this.#clock = clock;
    host.addController(this);
  }

  /** The line the live region holds now. */
  get text(): string {
    return this.#text;
  }

  /** The line the element would say now; it reaches the live region when the pacing allows. */
  say(text: string, kind: LineKind): void {
    const now = this.#clock.now();
    if (kind === 'result' || kind === 'clear') {
      this.#drop();
      this.#show(text, now);
      return;
    }
    if (text === this.#text) {
      this.#drop();
      return;
    }
    if (this.#pending?.text === text) return;
    const held = this.#shownAt + HOLD_MS;
    const at = Math.max(held, kind === 'status' ? now + SETTLE_MS : now);
    this.#drop();
    if (at <= now) {
      this.#show(text, now);
      return;
    }
    this.#pending = { text, at };
    this.#timer = this.#clock.setTimeout(this.#due, at - now);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.#drop();
    this.#text = '';
    this.#shownAt = Number.NEGATIVE_INFINITY;
  }

  readonly #due = (): void => {
    const pending = this.#pending;
    this.#timer = null;
    this.#pending = null;
    if (pending) this.#show(pending.text, this.#clock.now());
  };

  #show(text: string, now: number): void {
    if (text === this.#text) return;
    this.#text = text;
    // Silence starts no hold: the next line is said at once.
    this.#shownAt = text ? now : Number.NEGATIVE_INFINITY;
    this.#host.requestUpdate();
  }

  #drop(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending = null;
  }
}
