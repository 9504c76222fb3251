// Several cameras on top of the one the test browser has. Chromium's file-fed camera is one device labelled with the
// file's path, and Firefox and WebKit get theirs from fake-camera.ts: either way there is one real stream. This wraps
// `enumerateDevices` and `getUserMedia` to list the cameras a test names and to hand out that real stream dressed as
// the camera asked for (its track's label and `getSettings().deviceId`), so the element's choice, picker and
// unplugging run on real tracks and real frames. As in browsers, names and ids are empty until a camera was allowed.

export interface TestCamera {
  readonly deviceId: string;
  readonly label: string;
  /** What the browser would report as the device's and the track's `facingMode`. */
  readonly facingMode?: 'user' | 'environment';
}

export interface Cameras {
  /** The deviceId of each camera handed out, in order (the browser's default when none was asked for). */
  readonly opened: string[];
  /** The tracks handed out, with the camera each was dressed as. */
  readonly tracks: { deviceId: string; track: MediaStreamTrack }[];
  /** The live track of the camera open last. */
  current(): MediaStreamTrack;
  /**
   * Unplugs a camera: it leaves the list, its live tracks end (as a real unplug: `readyState` "ended" and an
   * `ended` event) unless `ended` is false, and `devicechange` fires unless `devicechange` is false.
   */
  unplug(deviceId: string, how?: { ended?: boolean; devicechange?: boolean }): void;
  restore(): void;
}

/** The deviceId a `video` constraint asks for, and whether exactly. */
function asked(video: MediaTrackConstraints): { id: string; exact: boolean } | null {
  const d = video.deviceId;
  if (d === undefined) return null;
  if (typeof d === 'string') return { id: d, exact: false };
  if (Array.isArray(d)) return d[0] === undefined ? null : { id: d[0], exact: false };
  const c = d as ConstrainDOMStringParameters;
  const exact = Array.isArray(c.exact) ? c.exact[0] : c.exact;
  if (exact !== undefined) return { id: exact, exact: true };
  const ideal = Array.isArray(c.ideal) ? c.ideal[0] : c.ideal;
  return ideal === undefined ? null : { id: ideal, exact: false };
}

/**
 * Installs `list` as the browser's cameras until `restore()`. The browser's default camera (opened when no
 * deviceId is asked for) is the first in the list; `granted` says whether a camera was allowed before.
 */
export function installCameras(list: readonly TestCamera[], options: { granted?: boolean } = {}): Cameras {
  const media = navigator.mediaDevices;
  const getUserMedia = media.getUserMedia;
  const enumerateDevices = media.enumerateDevices;
  const devices = [...list];
  let granted = options.granted ?? false;
  const opened: string[] = [];
  const tracks: { deviceId: string; track: MediaStreamTrack }[] = [];

  media.enumerateDevices = async function () {
    return devices.map((c) => {
      const info = {
        kind: 'videoinput' as const,
        deviceId: granted ? c.deviceId : '',
        label: granted ? c.label : '',
        groupId: granted ? `group-${c.deviceId}` : '',
        getCapabilities: () => (granted && c.facingMode ? { facingMode: [c.facingMode] } : {}),
      };
      return { ...info, toJSON: () => info } as unknown as MediaDeviceInfo;
    });
  };

  media.getUserMedia = async function (this: MediaDevices, constraints?: MediaStreamConstraints) {
    if (!constraints?.video) return getUserMedia.call(this, constraints);
    const video = typeof constraints.video === 'object' ? constraints.video : {};
    const want = asked(video);
    const camera = (want && devices.find((c) => c.deviceId === want.id)) ?? (want?.exact ? undefined : devices[0]);
    if (!camera) {
      throw new DOMException(want ? `No camera ${want.id}.` : 'No camera.', want ? 'OverconstrainedError' : 'NotFoundError');
    }
    const { deviceId: _id, facingMode: _facing, ...rest } = video;
    const stream = await getUserMedia.call(this, { ...constraints, video: Object.keys(rest).length ? rest : true });
    const track = stream.getVideoTracks()[0]!;
    Object.defineProperty(track, 'label', { value: camera.label, configurable: true });
    const settings = track.getSettings.bind(track);
    track.getSettings = () => ({ ...settings(), deviceId: camera.deviceId, groupId: `group-${camera.deviceId}`, ...(camera.facingMode ? { facingMode: camera.facingMode } : {}) });
    granted = true;
    opened.push(camera.deviceId);
    tracks.push({ deviceId: camera.deviceId, track });
    return stream;
  };

  return {
    opened,
    tracks,
    current() {
      const last = tracks.at(-1);
      if (!last || last.track.readyState !== 'live') throw new Error('no camera is open');
      return last.track;
    },
    unplug(deviceId, how = {}) {
      const at = devices.findIndex((c) => c.deviceId === deviceId);
      if (at < 0) throw new Error(`no camera ${deviceId} to unplug`);
      devices.splice(at, 1);
      if (how.ended !== false) {
        for (const { track } of tracks.filter((t) => t.deviceId === deviceId && t.track.readyState === 'live')) {
          track.stop();
          track.dispatchEvent(new Event('ended'));
        }
      }
      if (how.devicechange !== false) media.dispatchEvent(new Event('devicechange'));
    },
    restore() {
      media.getUserMedia = getUserMedia;
      media.enumerateDevices = enumerateDevices;
    },
  };
}
