// The cameras the browser lists, described. `navigator` is read only when called, never at import time.
import { describeCamera, usableCameras, type CameraInfo } from './camera-kind.js';

type DeviceWithCapabilities = MediaDeviceInfo & { getCapabilities?: () => { facingMode?: string[] } };

/** Every camera the browser lists, described; ids and labels are empty until the person allowed a camera. */
export async function allCameras(): Promise<CameraInfo[]> {
  const media = globalThis.navigator?.mediaDevices;
  if (!media?.enumerateDevices) return [];
  let devices: MediaDeviceInfo[];
  try {
    devices = await media.enumerateDevices();
  } catch {
    return [];
  }
  return devices
    .filter((d) => d.kind === 'videoinput')
    .map((d) => {
      let facingMode: string[] | undefined;
      try {
        facingMode = (d as DeviceWithCapabilities).getCapabilities?.().facingMode;
      } catch {
        facingMode = undefined;
      }
      return describeCamera(d.deviceId, d.label, { facingMode });
    });
}

/** The cameras a person may choose from (see `usableCameras`): empty until the person allowed a camera. */
export async function listCameras(): Promise<CameraInfo[]> {
  return usableCameras(await allCameras());
}

/** The camera a video track comes from, as its track describes it. */
export function trackCamera(track: MediaStreamTrack): CameraInfo {
  const settings = track.getSettings();
  return describeCamera(settings.deviceId ?? '', track.label, { facingMode: settings.facingMode });
}
