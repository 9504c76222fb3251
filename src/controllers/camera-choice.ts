import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { cameraRank, rankCameras, usableCameras, type CameraInfo } from '../camera-kind.js';
import { allCameras, listCameras, trackCamera } from '../cameras.js';
import { LivenessError } from '../errors.js';
import { DEFAULT_VIDEO_CONSTRAINTS, type CameraController } from './camera-controller.js';

/** A camera that opened, and whether it is not the one the page asked for. */
export interface OpenedCamera extends CameraInfo {
  /** The page's `camera` was not available, so the element opened its own choice instead. */
  readonly fellBack: boolean;
}

/** What the page asked for. */
export interface CameraRequest {
  /** The page's `camera` attribute: a deviceId to open exactly. */
  readonly camera: string | null;
  /** Use (and keep) the person's last choice on this origin; ignored when `camera` is set. */
  readonly remember: boolean;
}

/** Where the person's last choice is kept (per origin, as `localStorage` is). */
export const REMEMBERED_CAMERA_KEY = 'liveness-capture.camera';

interface Remembered {
  deviceId: string;
  label: string;
}

/** The camera's own picture, by id: no `facingMode`, which could contradict the chosen device. */
function exactly(deviceId: string): MediaTrackConstraints {
  const { facingMode: _ignored, ...rest } = DEFAULT_VIDEO_CONSTRAINTS;
  return { ...rest, deviceId: { exact: deviceId } };
}

/** A device that is not there (gone, or never was): `getUserMedia` says OverconstrainedError or NotFoundError. */
function isMissing(error: unknown): boolean {
  return error instanceof LivenessError && error.code === 'NO_CAMERA';
}

function readRemembered(): Remembered | null {
  try {
    const value: unknown = JSON.parse(globalThis.localStorage?.getItem(REMEMBERED_CAMERA_KEY) ?? 'null');
    if (value && typeof value === 'object' && typeof (value as Remembered).deviceId === 'string') {
      const { deviceId, label } = value as Remembered;
      return { deviceId, label: typeof label === 'string' ? label : '' };
    }
  } catch {
    // Storage refused (sandboxed frame, private mode) or holds something else: nothing remembered.
  }
  return null;
}

function writeRemembered(value: Remembered | null): void {
  try {
    if (value) globalThis.localStorage?.setItem(REMEMBERED_CAMERA_KEY, JSON.stringify(value));
    else globalThis.localStorage?.removeItem(REMEMBERED_CAMERA_KEY);
  } catch {
    // Storage refused: the choice holds for this attempt only.
  }
}

/**
 * Chooses the camera and opens it through the `CameraController`: the page's `camera` when set (its own choice
 * when that camera is gone, with `fellBack`), else the person's remembered choice, else the element's own choice
 * (a front camera; virtual ones after physical ones; an infrared one only when it is the only camera). Lists the
 * cameras a person may switch to once a camera is open, and tells the host when the open one goes away.
 */
export class CameraChoiceController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #camera: CameraController;
  readonly #onGone: () => void;
  #cameras: readonly CameraInfo[] = [];
  #current: CameraInfo | null = null;
  /** Cameras that went away during this attempt: never chosen again in it. */
  readonly #lost = new Set<string>();
  #media: MediaDevices | null = null;

  /** `onGone` is called when the open camera leaves the browser's list of devices (unplugged). */
  constructor(host: ReactiveControllerHost, camera: CameraController, onGone: () => void) {
    this.#host = host;
    this.#camera = camera;
    this.#onGone = onGone;
    host.addController(this);
  }

  /** The cameras the person may switch between (known once a camera is open). */
  get cameras(): readonly CameraInfo[] {
    return this.#cameras;
  }

  /** The open camera, or null. */
  get current(): CameraInfo | null {
    return this.#current;
  }

  /** Opens the camera the page, the person or the element chooses (see the class comment). */
  async open(video: HTMLVideoElement, signal: AbortSignal, request: CameraRequest): Promise<OpenedCamera> {
    const remembered = request.camera ? null : request.remember ? readRemembered() : null;
    const wanted = request.camera ?? remembered?.deviceId ?? null;
    if (wanted && !this.#lost.has(wanted)) {
      try {
        return await this.#openId(video, signal, wanted, false);
      } catch (error) {
        if (signal.aborted || !isMissing(error)) throw error;
      }
      // A remembered camera may come back under a new id (Safari changes them): the same name is the same camera.
      const same = remembered?.label ? (await listCameras()).find((c) => c.label === remembered.label && c.deviceId !== wanted) : undefined;
      signal.throwIfAborted();
      if (same) {
        writeRemembered({ deviceId: same.deviceId, label: same.label });
        return await this.#openId(video, signal, same.deviceId, false);
      }
      if (remembered) writeRemembered(null);
    }
    return this.#ownChoice(video, signal, request.camera !== null);
  }

  /** Opens the camera the person picked, and remembers it when `remember`. */
  async choose(video: HTMLVideoElement, signal: AbortSignal, deviceId: string, remember: boolean): Promise<OpenedCamera> {
    const opened = await this.#openId(video, signal, deviceId, false);
    if (remember) writeRemembered({ deviceId: opened.deviceId, label: opened.label });
    return opened;
  }

  /** Reopens the camera that was open (after a pause), or the element's own choice when it is gone. */
  async reopen(video: HTMLVideoElement, signal: AbortSignal): Promise<OpenedCamera> {
    const last = this.#current;
    if (last?.deviceId && !this.#lost.has(last.deviceId)) {
      try {
        return await this.#openId(video, signal, last.deviceId, false);
      } catch (error) {
        if (signal.aborted || !isMissing(error)) throw error;
      }
    }
    return this.#ownChoice(video, signal, false);
  }

  /**
   * The open camera was lost (its track ended or it left the device list): opens the best other camera, or rejects
   * with CAMERA_LOST when there is none. A camera whose id the browser does not report cannot be told from the
   * others, so it has no replacement.
   */
  async replace(video: HTMLVideoElement, signal: AbortSignal, cause: unknown): Promise<OpenedCamera> {
    const lost = this.#current?.deviceId ?? '';
    this.#camera.close();
    this.#current = null;
    if (lost) this.#lost.add(lost);
    const others = lost ? (await listCameras()).filter((c) => !this.#lost.has(c.deviceId)) : [];
    signal.throwIfAborted();
    const next = rankCameras(others)[0];
    if (!next) {
      throw cause instanceof LivenessError && cause.code === 'CAMERA_LOST'
        ? cause
        : new LivenessError('CAMERA_LOST', 'The camera was unplugged and no other camera is available.', { cause });
    }
    return this.#openId(video, signal, next.deviceId, false);
  }

  /** Whether the open camera's track has ended (unplugged, or taken by the system). */
  get ended(): boolean {
    return this.#camera.stream?.getVideoTracks()[0]?.readyState === 'ended';
  }

  /** The attempt is over: forget the open camera and the lost ones. */
  release(): void {
    this.#current = null;
    this.#lost.clear();
  }

  hostConnected(): void {
    this.#media = globalThis.navigator?.mediaDevices ?? null;
    this.#media?.addEventListener?.('devicechange', this.#onDeviceChange);
  }

  hostDisconnected(): void {
    this.#media?.removeEventListener?.('devicechange', this.#onDeviceChange);
    this.#media = null;
    this.release();
  }

  readonly #onDeviceChange = async (): Promise<void> => {
    const current = this.#current;
    if (!current) return;
    const all = await allCameras();
    if (this.#current !== current) return;
    this.#cameras = usableCameras(all);
    this.#host.requestUpdate();
    // Ids are empty in a list made without permission: nothing can be said about the open camera then.
    if (current.deviceId && all.some((c) => c.deviceId) && !all.some((c) => c.deviceId === current.deviceId)) this.#onGone();
  };

  /** The element's own choice: the best-ranked camera, learning the cameras' names by opening one first if need be. */
  async #ownChoice(video: HTMLVideoElement, signal: AbortSignal, fellBack: boolean): Promise<OpenedCamera> {
    const known = (await listCameras()).filter((c) => !this.#lost.has(c.deviceId));
    signal.throwIfAborted();
    for (const camera of rankCameras(known)) {
      try {
        return await this.#openId(video, signal, camera.deviceId, fellBack);
      } catch (error) {
        if (signal.aborted || !isMissing(error)) throw error;
      }
    }
    // No names yet (no permission): the browser's front camera first, which is also the permission prompt.
    await this.#camera.open(video, DEFAULT_VIDEO_CONSTRAINTS, signal);
    const opened = await this.#opened(signal, '', fellBack);
    const best = rankCameras(this.#cameras.filter((c) => !this.#lost.has(c.deviceId)))[0];
    // The browser knows which way a camera faces better than a name does; it is overruled only for a virtual or
    // infrared camera when a better kind exists.
    const poor = opened.kind === 'virtual' || opened.kind === 'infrared';
    if (best && poor && best.deviceId !== opened.deviceId && cameraRank(best) < cameraRank(opened)) {
      return this.#openId(video, signal, best.deviceId, fellBack);
    }
    return opened;
  }

  async #openId(video: HTMLVideoElement, signal: AbortSignal, deviceId: string, fellBack: boolean): Promise<OpenedCamera> {
    await this.#camera.open(video, exactly(deviceId), signal);
    return this.#opened(signal, deviceId, fellBack);
  }

  /** Describes the camera that just opened and refreshes the list the picker shows (there is permission now). */
  async #opened(signal: AbortSignal, asked: string, fellBack: boolean): Promise<OpenedCamera> {
    const track = this.#camera.stream?.getVideoTracks()[0];
    if (!track) throw new LivenessError('CAMERA_LOST', 'The camera closed as it opened.');
    const described = trackCamera(track);
    // Opened by id, it is that camera (a track made by a page script may report none).
    const camera: CameraInfo = asked ? { ...described, deviceId: asked } : described;
    this.#current = camera;
    const all = await allCameras();
    signal.throwIfAborted();
    this.#cameras = usableCameras(all);
    this.#host.requestUpdate();
    return { ...camera, fellBack };
  }
}
