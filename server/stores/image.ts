// Reading images on the server without the local models: `sharp` (an optional peer dependency, loaded on first
// use) reads pixel sizes from headers and decodes with shrink-on-load for replay fingerprints. Without it, both
// answer nothing and the server falls back to what the bytes alone tell.

type Sharp = typeof import('sharp').default;

let loading: Promise<Sharp | null> | undefined;

/** `sharp`, or null when it is not installed. */
export function loadSharp(): Promise<Sharp | null> {
  loading ??= import('sharp').then(
    (module) => module.default,
    () => null,
  );
  return loading;
}

/** Largest image (width x height, from its header) the server decodes. */
export const MAX_DECODE_PIXELS = 25_000_000;

/** The pixel size the image's header states, or nothing when it cannot be read. Decodes no pixels. */
export async function imageSize(bytes: Uint8Array): Promise<{ width?: number; height?: number }> {
  const sharp = await loadSharp();
  if (!sharp) return {};
  try {
    const { width, height } = await sharp(bytes, { limitInputPixels: MAX_DECODE_PIXELS }).metadata();
    return width && height ? { width, height } : {};
  } catch {
    return {};
  }
}
