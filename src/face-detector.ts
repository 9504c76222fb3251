// Creates MediaPipe's FaceDetector (BlazeFace short-range, CPU, VIDEO mode) from self-hosted files, on the page or
// in the detector's worker. Both load MediaPipe's wasm loader with a native `import()`: it works the same in a
// window, a module worker and a classic worker, and bundlers leave it alone (the file is an asset, not part of the
// bundle). The loader is a `.js` file that is valid as a script too (scripts/copy-wasm.mjs), so any static server
// sends it with a JavaScript MIME type and webpack's minifier accepts it; it hands its factory over on
// `globalThis.ModuleFactory` instead of an export.
import type { FaceDetector } from '@mediapipe/tasks-vision';
import type { DetectorAssets } from './assets.js';
import type { FaceDetection } from './gate.js';

type LoaderScope = typeof globalThis & { ModuleFactory?: unknown };

/** The loader's factory, per loader URL: MediaPipe clears `ModuleFactory` after each use and a module runs once. */
const factories = new Map<string, Promise<unknown>>();

/** Loads wasm and model and returns a ready detector. Rejects with MediaPipe's or the network's error. */
export async function createFaceDetector(assets: DetectorAssets): Promise<FaceDetector> {
  let factory = factories.get(assets.wasmLoaderPath);
  if (!factory) {
    factory = import(/* webpackIgnore: true */ /* @vite-ignore */ assets.wasmLoaderPath).then(() => {
      const loaded = (globalThis as LoaderScope).ModuleFactory;
      if (typeof loaded !== 'function') throw new Error(`${assets.wasmLoaderPath} loaded but is not MediaPipe's wasm loader`);
      return loaded;
    });
    factories.set(assets.wasmLoaderPath, factory);
    factory.catch(() => factories.delete(assets.wasmLoaderPath));
  }
  const [vision, moduleFactory] = await Promise.all([import('@mediapipe/tasks-vision'), factory]);
  // With the factory in place and no loader path, MediaPipe does not load a script itself.
  (globalThis as LoaderScope).ModuleFactory = moduleFactory;
  return vision.FaceDetector.createFromOptions(
    { wasmLoaderPath: '', wasmBinaryPath: assets.wasmBinaryPath },
    {
      baseOptions: { modelAssetPath: assets.modelAssetPath, delegate: 'CPU' },
      runningMode: 'VIDEO',
      minDetectionConfidence: 0.5,
      minSuppressionThreshold: 0.3,
    },
  );
}

interface MediaPipeDetection {
  boundingBox?: { originX: number; originY: number; width: number; height: number };
  categories: { score: number }[];
  keypoints: { x: number; y: number }[];
}

/**
 * MediaPipe's result in the pixels of a `width` x `height` frame. The box comes in the pixels of the image the
 * detector saw (`scale` = frame size / that image's size); keypoints are normalized.
 */
export function toFaceDetection(d: MediaPipeDetection, width: number, height: number, scale = 1): FaceDetection {
  const b = d.boundingBox ?? { originX: 0, originY: 0, width: 0, height: 0 };
  return {
    box: { x: b.originX * scale, y: b.originY * scale, width: b.width * scale, height: b.height * scale },
    score: d.categories[0]?.score ?? 0,
    keypoints: d.keypoints.map((k) => ({ x: k.x * width, y: k.y * height })),
  };
}
