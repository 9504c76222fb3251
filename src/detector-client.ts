// The page's side of the detector's worker: starts it, loads the detector in it, and runs one camera at a time
// through it. The worker script is located the way Vite, webpack 5 and Rollup recognise
// (`new Worker(new URL('./detector-worker.js', import.meta.url), { type: 'module' })`), so a bundler emits it
// beside the element and it loads from the page's own origin.
import type { DetectorAssets } from './assets.js';
import type { FromWorker, ToWorker, WorkerRunOptions } from './detector-protocol.js';

export type RunMessage = Extract<FromWorker, { run: number }>;

/** One camera run through the worker. */
export interface WorkerRun {
  /** True while the worker reads the camera itself; otherwise the page sends frames with `send`. */
  readonly readsTrack: boolean;
  /** True while a frame sent with `send` (or a result awaiting its verdict) is in the worker. */
  readonly busy: boolean;
  /** Transfers one frame (closed here when the worker is busy: never queued). */
  send(frame: VideoFrame): void;
  verdict(seq: number, capture: boolean, confirm: boolean): void;
  stop(): void;
}

declare class MediaStreamTrackProcessor {
  constructor(init: { track: MediaStreamTrack; maxBufferSize?: number });
  readonly readable: ReadableStream<VideoFrame>;
}

/** True where the page can hand the camera's track to the worker as a stream of VideoFrames (Chromium). */
export function canStreamTrack(): boolean {
  return typeof (globalThis as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor === 'function';
}

/** True where the detector can run in a worker: module workers, VideoFrame, OffscreenCanvas (MediaPipe's WebGL). */
export function workersCanDetect(): boolean {
  return typeof Worker === 'function' && typeof VideoFrame === 'function' && typeof OffscreenCanvas === 'function';
}

export class DetectorWorker {
  readonly #worker: Worker;
  #loaded: Promise<void> | null = null;
  #runId = 0;
  #onRun: ((message: RunMessage) => void) | null = null;
  #statsWaiters: ((s: { openFrames: number; heldFrames: number }) => void)[] = [];
  #failed: ((error: Error) => void) | null = null;
  #terminated = false;

  constructor() {
    this.#worker = new Worker(new URL('./detector-worker.js', import.meta.url), { type: 'module', name: 'liveness-detector' });
    this.#worker.addEventListener('message', (event: MessageEvent<FromWorker>) => this.#receive(event.data));
    this.#worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.#failed?.(new Error(event.message || 'The detector worker could not start.'));
    });
    this.#worker.addEventListener('messageerror', () => this.#failed?.(new Error('A message from the detector worker could not be read.')));
  }

  /** Loads wasm and model in the worker; rejects with the worker's error. */
  load(assets: DetectorAssets): Promise<void> {
    this.#loaded ??= new Promise<void>((resolve, reject) => {
      this.#failed = (error) => reject(error);
      this.#loadedResolve = resolve;
      this.#loadedReject = (message) => reject(new Error(message));
      this.#post({ type: 'load', assets });
    });
    return this.#loaded;
  }

  #loadedResolve: (() => void) | null = null;
  #loadedReject: ((message: string) => void) | null = null;

  /**
   * Starts a run on `track` (read by the worker itself where possible). `onMessage` hears the run's results; an
   * error of the worker itself arrives as an `error` message.
   */
  run(track: MediaStreamTrack | null, options: WorkerRunOptions, onMessage: (message: RunMessage) => void): WorkerRun {
    const id = ++this.#runId;
    let busy = false;
    let stopped = false;
    this.#onRun = (message) => {
      if (message.run !== id || stopped) {
        if (message.type === 'captured') message.frame.close();
        return;
      }
      if (message.type === 'skipped') busy = false;
      onMessage(message);
    };
    this.#failed = (error) => this.#onRun?.({ type: 'error', run: id, message: error.message });
    let stream: ReadableStream<VideoFrame> | undefined;
    if (track && canStreamTrack()) {
      stream = new MediaStreamTrackProcessor({ track, maxBufferSize: 1 }).readable;
      this.#post({ type: 'run', run: id, options, stream }, [stream as unknown as Transferable]);
    } else {
      this.#post({ type: 'run', run: id, options });
    }
    const post = (message: ToWorker, transfer?: Transferable[]) => this.#post(message, transfer);
    return {
      readsTrack: !!stream,
      get busy() {
        return busy;
      },
      send(frame) {
        if (busy || stopped) {
          frame.close();
          return;
        }
        busy = true;
        post({ type: 'frame', run: id, frame }, [frame]);
      },
      verdict(seq, capture, confirm) {
        if (stopped) return;
        if (!capture) busy = false;
        post({ type: 'verdict', run: id, seq, capture, confirm });
      },
      stop: () => {
        if (stopped) return;
        stopped = true;
        try {
          if (!this.#terminated) this.#post({ type: 'stop', run: id });
        } catch {
          // A worker that cannot be reached is ended by the detector's owner.
        }
      },
    };
  }

  /** Frames the worker holds right now (for the long-session benchmark). */
  stats(): Promise<{ openFrames: number; heldFrames: number }> {
    return new Promise((resolve) => {
      this.#statsWaiters.push(resolve);
      this.#post({ type: 'stats' });
    });
  }

  terminate(): void {
    this.#terminated = true;
    this.#worker.terminate();
    for (const resolve of this.#statsWaiters.splice(0)) resolve({ openFrames: 0, heldFrames: 0 });
  }

  #post(message: ToWorker, transfer: Transferable[] = []): void {
    this.#worker.postMessage(message, transfer);
  }

  #receive(message: FromWorker): void {
    switch (message.type) {
      case 'loaded':
        this.#loadedResolve?.();
        break;
      case 'load-failed':
        this.#loaded = null;
        this.#loadedReject?.(message.message);
        break;
      case 'stats':
        this.#statsWaiters.shift()?.({ openFrames: message.openFrames, heldFrames: message.heldFrames });
        break;
      default:
        if (this.#onRun) this.#onRun(message);
        else if (message.type === 'captured') message.frame.close();
    }
  }
}
