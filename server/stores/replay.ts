// Replay: an image already used by one session is refused in every other (IMAGE_REPLAYED), whatever its subject,
// byte for byte and also after re-encoding, resizing, metadata changes or bytes appended after its end.
//
// Each attempt records its image when it begins, in the store, so every instance sees it:
// - exact: `img:<sha256>` set-if-absent (SET NX): of concurrent attempts with the same bytes exactly one owns it.
// - perceptual: a fingerprint (the image decoded with shrink-on-load to 128x128 grey, averaged down to 32x32) is
//   compared with the earlier fingerprints that share a bucket with it. Buckets: a 64-bit average hash of the
//   fingerprint (8x8 cells, each above or below their mean), cut into 4 bands of 16 bits; the fingerprint is
//   pushed onto the list of each of its 4 band values. A re-encoded or resized copy flips at most a few hash bits,
//   so it shares at least one band with its original (measured: at least 2 of 4 on the fixtures' photos and
//   recording frames). Pushes are ordered and return the entries before them in one atomic step, so each attempt
//   compares itself only with earlier ones: of two concurrent near-copies that share a band, the later is refused.
//
// Limits: a copy cropped, rotated, mirrored or shifted is another image here; a copy whose hash changed in every
// band is missed; a list keeps only its last `WINDOW` + 1 entries, so in a crowded bucket an older original is
// only found through its other bands. Near-copies racing with no band in common are
// both let through (each is then compared with later attempts). Images `sharp` cannot decode (or any image
// without `sharp`) are only compared byte for byte.

import { loadSharp, MAX_DECODE_PIXELS } from './image.js';
import type { LivenessStore } from './store.js';

/** Side of the fingerprint, in pixels. */
const SIDE = 32;
/** Side of the decoded image it is averaged from. */
const DECODED = 128;
/**
 * Mean absolute difference (fraction of full scale) at or below which two fingerprints are one image. Measured
 * on frames of real webcam recordings and photos: re-encodes at quality 40 to 95 and resizes by ±10% stay below
 * 0.3%; the same recording one second later differs by 0.9% or more.
 */
export const REPLAY_DISTANCE = 0.005;
/** Entries compared before one's own in each band list (and kept in it). */
const WINDOW = 64;
const BANDS = 4;

/** The 32x32 grey fingerprint of an image, or null when it cannot be decoded. */
export async function fingerprint(bytes: Uint8Array): Promise<Uint8Array | null> {
  const sharp = await loadSharp();
  if (!sharp) return null;
  let pixels: Buffer;
  try {
    pixels = await sharp(bytes, { limitInputPixels: MAX_DECODE_PIXELS, failOn: 'none' })
      .greyscale()
      .resize(DECODED, DECODED, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
  } catch {
    return null;
  }
  if (pixels.length !== DECODED * DECODED) return null;
  // A box average after the resample: sub-pixel differences of a resized copy wash out.
  const k = DECODED / SIDE;
  const out = new Uint8Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      let sum = 0;
      for (let dy = 0; dy < k; dy++) {
        const row = (y * k + dy) * DECODED + x * k;
        for (let dx = 0; dx < k; dx++) sum += pixels[row + dx]!;
      }
      out[y * SIDE + x] = Math.round(sum / (k * k));
    }
  }
  return out;
}

/** Mean absolute difference of two fingerprints, as a fraction of full scale. */
export function distance(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return 1;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / (a.length * 255);
}

/** The fingerprint's bucket keys: its 8x8 average hash, one key per 16-bit band. */
export function bands(fp: Uint8Array): string[] {
  const cells = new Array<number>(64).fill(0);
  const k = SIDE / 8;
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) cells[Math.floor(y / k) * 8 + Math.floor(x / k)]! += fp[y * SIDE + x]!;
  const mean = cells.reduce((s, v) => s + v, 0) / 64;
  const keys: string[] = [];
  for (let band = 0; band < BANDS; band++) {
    let bits = 0;
    for (let i = 0; i < 16; i++) bits = (bits << 1) | (cells[band * 16 + i]! > mean ? 1 : 0);
    keys.push(`fp:${band}:${bits.toString(16).padStart(4, '0')}`);
  }
  return keys;
}

/**
 * Records `session`'s image (by hash, and by fingerprint when there is one) for `ttlMs`, and tells whether another
 * session recorded the same image first.
 */
export async function claimImage(
  store: LivenessStore,
  sessionId: string,
  sha256: string,
  fp: Uint8Array | null,
  ttlMs: number,
): Promise<'fresh' | 'replayed'> {
  const exact = `img:${sha256}`;
  if (!(await store.add(exact, sessionId, ttlMs)) && (await store.get(exact)) !== sessionId) return 'replayed';
  if (!fp) return 'fresh';
  const entry = `${sessionId}:${Buffer.from(fp).toString('base64')}`;
  const earlier = await Promise.all(bands(fp).map((key) => store.push(key, entry, ttlMs, WINDOW + 1)));
  for (const item of earlier.flat()) {
    const colon = item.indexOf(':');
    if (colon < 0 || item.slice(0, colon) === sessionId) continue;
    if (distance(fp, new Uint8Array(Buffer.from(item.slice(colon + 1), 'base64'))) <= REPLAY_DISTANCE) return 'replayed';
  }
  return 'fresh';
}
