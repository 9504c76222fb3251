import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { whenAborted } from '../abort.js';
import { LivenessError } from '../errors.js';

/**
 * Front camera, 1280x720 or better when the device has it, in the camera's own framing: `resizeMode: 'none'` keeps
 * Chromium from cropping an upright phone's 720x1280 picture to fit the landscape ideal (Firefox and Safari ignore it
 * and never crop).
 */
export const DEFAULT_VIDEO_CONSTRAINTS: MediaTrackConstraints & { resizeMode?: ConstrainDOMString } = {
  facingMode: 'user',
  width: { ideal: 1280 },
  height: { ideal: 720 },
  resizeMode: 'none',
};

/** Maps a getUserMedia rejection to a stable error code. */
export function cameraError(error: unknown): LivenessError {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new LivenessError('CAMERA_DENIED', undefined, { cause: error });
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new LivenessError('NO_CAMERA', undefined, { cause: error });
    case 'NotReadableError':
    case 'AbortError':
      return new LivenessError('CAMERA_IN_USE', undefined, { cause: error });
    default:
      return new LivenessError('UNSUPPORTED', undefined, { cause: error });
  }
}

/**
 * Owns the camera stream. Every track is stopped on `close()` and when the host disconnects; a stream that arrives
 * after `close()` (or after disconnect) is stopped at once.
 */
export class CameraController implements ReactiveController {
  #stream: MediaStream | null = null;
  #video: HTMLVideoElement | null = null;
  #generation = 0;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  get stream(): MediaStream | null {
    return this.#stream;
  }

  /**
   * Opens the camera into `video` and resolves once the first frame's size is known. Aborting `signal` closes the
   * camera (a stream that arrives later is stopped at once) and rejects with the signal's reason.
   */
  async open(
    video: HTMLVideoElement,
    constraints: MediaTrackConstraints = DEFAULT_VIDEO_CONSTRAINTS,
    signal?: AbortSignal,
  ): Promise<void> {
    this.close();
    signal?.throwIfAborted();
    const generation = ++this.#generation;
    const unlisten = whenAborted(signal, () => {
      if (generation === this.#generation) this.close();
    });
    try {
      await this.#open(video, constraints, generation);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw error;
    } finally {
      unlisten();
    }
  }

  async #open(video: HTMLVideoElement, constraints: MediaTrackConstraints, generation: number): Promise<void> {
    const media = globalThis.navigator?.mediaDevices;
    if (!media?.getUserMedia) {
      throw new LivenessError('UNSUPPORTED', globalThis.isSecureContext === false
        ? 'The camera needs a secure (https) page.'
        : undefined);
    }
    let stream: MediaStream;
    try {
      stream = await media.getUserMedia({ video: constraints, audio: false });
    } catch (error) {
      throw cameraError(error);
    }
    if (generation !== this.#generation) {
      stopTracks(stream);
      throw new DOMException('The camera was closed while it was opening.', 'AbortError');
    }
    this.#stream = stream;
    this.#video = video;
    // iOS plays a camera preview inline and without a tap only when it is muted and playsinline (the properties
    // reflect to the attributes that older WebKit reads).
    video.muted = true;
    video.defaultMuted = true;
    video.playsInline = true;
    video.autoplay = true;
    video.srcObject = stream;
    await waitForFrame(video);
    if (generation !== this.#generation) throw new DOMException('The camera was closed.', 'AbortError');
    try {
      await video.play();
    } catch (error) {
      if (generation !== this.#generation) throw new DOMException('The camera was closed.', 'AbortError');
      throw cameraError(error);
    }
  }

  /** Stops every track and detaches the stream. Safe to call at any time. */
  close(): void {
    this.#generation++;
    if (this.#stream) stopTracks(this.#stream);
    this.#stream = null;
    if (this.#video) {
      this.#video.pause();
      this.#video.srcObject = null;
    }
    this.#video = null;
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.close();
  }
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

function waitForFrame(video: HTMLVideoElement): Promise<void> {
  if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    // `emptied` fires when close() detaches the stream: the caller's generation check then ends the wait.
    const events = ['loadeddata', 'emptied', 'error'] as const;
    const settle = (event: Event) => {
      for (const name of events) video.removeEventListener(name, settle);
      if (event.type === 'error') reject(new LivenessError('CAMERA_IN_USE', 'The camera stream produced no video.'));
      else resolve();
    };
    for (const name of events) video.addEventListener(name, settle);
  });
}
