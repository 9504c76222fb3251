import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { MAX_EVENTS, type IntegrityEvent } from '../integrity.js';

const TRACK_EVENTS = ['mute', 'unmute', 'ended'] as const;

/**
 * Records what happens to the camera during an attempt, from events only (no per-frame work): the open track's
 * `mute`, `unmute` and `ended`, a camera reopened with other settings, and the page being hidden. Listeners are
 * removed when the attempt ends or the host disconnects.
 */
export class IntegrityRecorder implements ReactiveController {
  #started = 0;
  #events: IntegrityEvent[] = [];
  #track: MediaStreamTrack | null = null;
  #settings: string | null = null;
  #recording = false;
  /** The watched track's end is recorded (by its event or by `lost()`), once. */
  #ended = false;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** What was recorded since `begin()`. */
  get events(): readonly IntegrityEvent[] {
    return this.#events;
  }

  /** A new attempt: forget the last one and start listening to the page. */
  begin(): void {
    this.end();
    this.#started = performance.now();
    this.#events = [];
    this.#settings = null;
    this.#recording = true;
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  /** A camera opened in this attempt: listen to its track; a second camera with other settings is a `settings` event. */
  watch(track: MediaStreamTrack): void {
    if (!this.#recording) return;
    this.#unwatch();
    this.#track = track;
    this.#ended = false;
    for (const type of TRACK_EVENTS) track.addEventListener(type, this.#onTrack);
    const { width, height, frameRate } = track.getSettings();
    const settings = JSON.stringify([width, height, frameRate]);
    if (this.#settings !== null && this.#settings !== settings) this.#record('settings');
    this.#settings = settings;
  }

  /**
   * The open camera was lost (unplugged: its track ended, or it left the device list without an `ended` event):
   * recorded as `ended` unless its event was.
   */
  lost(): void {
    if (this.#recording && !this.#ended) this.#record('ended');
    this.#ended = true;
  }

  /** The attempt is over (or captured): stop listening; the events stay readable until the next `begin()`. */
  end(): void {
    this.#recording = false;
    this.#unwatch();
    document.removeEventListener('visibilitychange', this.#onVisibility);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.end();
  }

  #unwatch(): void {
    for (const type of TRACK_EVENTS) this.#track?.removeEventListener(type, this.#onTrack);
    this.#track = null;
  }

  #record(type: IntegrityEvent['type']): void {
    // The report keeps the first MAX_EVENTS; a flapping track must not grow this without end.
    if (this.#events.length < MAX_EVENTS) this.#events.push({ type, t: performance.now() - this.#started });
  }

  readonly #onTrack = (event: Event): void => {
    if (event.type === 'ended') {
      this.lost();
      return;
    }
    this.#record(event.type as 'mute' | 'unmute');
  };

  readonly #onVisibility = (): void => {
    if (document.visibilityState === 'hidden') this.#record('hidden');
  };
}
