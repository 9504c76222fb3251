// What a camera is, from what the browser says about it: its label and what its track reports. Pure: no DOM
// globals. A label is the operating system's name for the device, so it can be wrong (a virtual camera can name
// itself anything); the kind says what the label and the track show, never that a camera is proven physical.

/** `physical`: a named camera that is neither virtual nor infrared; `unknown`: no label (no permission yet). */
export type CameraKind = 'physical' | 'virtual' | 'infrared' | 'unknown';

/** A camera as the element lists and opens it. */
export interface CameraInfo {
  /** The browser's id for the camera on this origin: the value of the `camera` attribute that opens it. */
  readonly deviceId: string;
  /** The operating system's name for it (empty until the person allowed a camera). */
  readonly label: string;
  readonly kind: CameraKind;
  /** `user` (front), `environment` (back) or `null` when neither the label nor the browser says. */
  readonly facing: 'user' | 'environment' | null;
}

/** What a camera's track or device reports beyond its label (each may be missing). */
export interface CameraFacts {
  /** `facingMode` from the track's settings or the device's capabilities. */
  readonly facingMode?: string | readonly string[] | undefined;
}

/**
 * Virtual cameras: software that presents a picture of its own making as a camera. Each entry names the product
 * and matches the device label(s) it registers under on Windows, macOS and Linux. Kept in one list, documented in
 * docs/cameras.md; add a product here, with a test in test/unit/camera-kind.test.ts.
 */
export const VIRTUAL_CAMERAS: readonly { readonly product: string; readonly label: RegExp }[] = [
  { product: 'OBS Studio', label: /\bOBS\b.*\b(virtual|cam)/i },
  { product: 'Snap Camera', label: /\bsnap\s*camera\b/i },
  { product: 'ManyCam', label: /\bmanycam\b/i },
  { product: 'XSplit VCam', label: /\bxsplit\b/i },
  { product: 'mmhmm', label: /\bmmhmm\b/i },
  { product: 'Microsoft Teams', label: /\bteams\b.*\bvirtual|\bvirtual\b.*\bteams\b/i },
  { product: 'Zoom', label: /\bzoom\b.*\bvirtual|\bvirtual\b.*\bzoom\b/i },
  { product: 'NVIDIA Broadcast', label: /\bnvidia\s+broadcast\b/i },
  { product: 'Logi Capture', label: /\blogi(tech)?\s+capture\b/i },
  { product: 'CamTwist', label: /\bcamtwist\b/i },
  { product: 'v4l2loopback', label: /\bdummy\s+video\s+device\b|\bv4l2\s*loopback\b/i },
  { product: 'Streamlabs', label: /\bstreamlabs\b/i },
  { product: 'vMix', label: /\bvmix\b/i },
  { product: 'NDI Virtual Input', label: /\bndi\b/i },
  { product: 'Camo', label: /\breincubate\s+camo\b|^camo\b/i },
  { product: 'DroidCam', label: /\bdroidcam\b/i },
  { product: 'iVCam', label: /\bivcam\b/i },
  { product: 'e2eSoft VCam', label: /\be2esoft\b|\bvcam\b/i },
  { product: 'EpocCam', label: /\bepoccam\b/i },
  { product: 'Iriun Webcam', label: /\biriun\b/i },
  { product: 'YouCam', label: /\byoucam\b/i },
  { product: 'SplitCam', label: /\bsplitcam\b/i },
  { product: 'AlterCam', label: /\baltercam\b/i },
  { product: 'FaceRig / Animaze', label: /\bfacerig\b|\banimaze\b/i },
  { product: 'ChromaCam', label: /\bchromacam\b/i },
  { product: 'Any other that says so', label: /\bvirtual\b/i },
];

/** Infrared cameras (Windows Hello face sign-in and the like): a grey near-infrared picture, no use for liveness. */
export const INFRARED_CAMERAS: readonly RegExp[] = [/\bIR\b/, /\binfra-?red\b/i, /\bwindows\s+hello\b/i];

const FRONT = /\bfront\b|\bfacing\s+front\b|\bselfie\b|\bfacetime\b/i;
const BACK = /\bback\b|\brear\b|\bfacing\s+back\b|\benvironment\b/i;

/** The product whose virtual camera this label names, or null. */
export function virtualCameraProduct(label: string): string | null {
  return VIRTUAL_CAMERAS.find((v) => v.label.test(label))?.product ?? null;
}

/** The kind of a camera from its label, and from its track where the label says nothing. */
export function cameraKind(label: string, facts: CameraFacts = {}): CameraKind {
  const name = label.trim();
  if (INFRARED_CAMERAS.some((p) => p.test(name))) return 'infrared';
  if (virtualCameraProduct(name)) return 'virtual';
  if (name) return 'physical';
  // No label: a browser that reports which way the camera faces is describing a built-in camera.
  return facing('', facts) ? 'physical' : 'unknown';
}

/** Which way the camera faces, from the browser's `facingMode` or else the label (phones name them "front"/"back"). */
export function facing(label: string, facts: CameraFacts = {}): 'user' | 'environment' | null {
  const modes = facts.facingMode === undefined ? [] : typeof facts.facingMode === 'string' ? [facts.facingMode] : facts.facingMode;
  if (modes.includes('user')) return 'user';
  if (modes.includes('environment')) return 'environment';
  if (BACK.test(label)) return 'environment';
  if (FRONT.test(label)) return 'user';
  return null;
}

/** Describes a camera from its id, label and what it reports. */
export function describeCamera(deviceId: string, label: string, facts: CameraFacts = {}): CameraInfo {
  return { deviceId, label, kind: cameraKind(label, facts), facing: facing(label, facts) };
}

/** Lower is better: a physical front camera first, one of unknown facing next, back cameras, then virtual, then IR. */
export function cameraRank(camera: Pick<CameraInfo, 'kind' | 'facing'>): number {
  const kind = { physical: 0, unknown: 1, virtual: 6, infrared: 9 }[camera.kind];
  const side = camera.facing === 'user' ? 0 : camera.facing === null ? 1 : 2;
  return kind + side;
}

/**
 * The element's own order of preference (stable for equal ranks: the browser lists its default first). An infrared
 * camera comes last: it is chosen only when it is the only camera.
 */
export function rankCameras<T extends Pick<CameraInfo, 'kind' | 'facing'>>(cameras: readonly T[]): T[] {
  return cameras.map((c, i) => ({ c, i })).sort((a, b) => cameraRank(a.c) - cameraRank(b.c) || a.i - b.i).map(({ c }) => c);
}

/**
 * The cameras a person may use: every named camera except infrared ones, unless only infrared ones exist. A
 * camera without an id or a label (no permission yet) is left out: it cannot be told apart or opened by id.
 */
export function usableCameras<T extends Pick<CameraInfo, 'deviceId' | 'label' | 'kind'>>(cameras: readonly T[]): T[] {
  const named = cameras.filter((c) => c.deviceId !== '' && c.label !== '');
  const visible = named.filter((c) => c.kind !== 'infrared');
  return visible.length > 0 ? visible : named;
}
