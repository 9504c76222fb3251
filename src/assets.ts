/**
 * Where the face detector's files come from. By default they resolve relative to this module, so any bundler
 * (Vite, webpack, Rollup, esbuild with a file loader) or a static host serves them from the page's own origin.
 * Nothing is fetched from a CDN.
 */
export interface DetectorAssets {
  /** MediaPipe's wasm loader (`vision_wasm_loader.js`: a script that also loads as a module, and sets `globalThis.ModuleFactory`). */
  readonly wasmLoaderPath: string;
  /** MediaPipe's wasm binary (`vision_wasm_module_internal.wasm`). */
  readonly wasmBinaryPath: string;
  /** BlazeFace short-range with TFLite metadata (`face_detection_short_range.tflite`). */
  readonly modelAssetPath: string;
}

export const ASSET_FILES = {
  wasmLoaderPath: 'vision_wasm_loader.js',
  wasmBinaryPath: 'vision_wasm_module_internal.wasm',
  modelAssetPath: 'face_detection_short_range.tflite',
} as const;

/** The assets shipped beside this module (`./assets/`). Each URL is a literal so bundlers can see and emit it. */
export function defaultAssets(): DetectorAssets {
  return {
    wasmLoaderPath: new URL('./assets/vision_wasm_loader.js', import.meta.url).href,
    wasmBinaryPath: new URL('./assets/vision_wasm_module_internal.wasm', import.meta.url).href,
    modelAssetPath: new URL('./assets/face_detection_short_range.tflite', import.meta.url).href,
  };
}

/** The same three files under another base URL (e.g. `/static/liveness/`), resolved against the document. */
export function assetsAt(base: string, documentUrl: string): DetectorAssets {
  const dir = new URL(base.endsWith('/') ? base : `${base}/`, documentUrl);
  return {
    wasmLoaderPath: new URL(ASSET_FILES.wasmLoaderPath, dir).href,
    wasmBinaryPath: new URL(ASSET_FILES.wasmBinaryPath, dir).href,
    modelAssetPath: new URL(ASSET_FILES.modelAssetPath, dir).href,
  };
}
