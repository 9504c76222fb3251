/**
 * In-process reference liveness backend for Node (development and evaluation only).
 *
 * Runs `@vladmandic/human` on the TensorFlow.js **wasm** backend inside this process:
 * BlazeFace finds the faces, then human's `antispoof` and `liveness` models score the largest one.
 * Nothing is fetched from the network: the wasm binaries are read from the installed
 * `@tensorflow/tfjs-backend-wasm` package and the model files from the installed
 * `@vladmandic/human` package, through a tfjs load router bound to a private URL scheme
 * (no global `fetch` patch). See `server/backends/LOCAL-BACKEND.md`.
 *
 * This is NOT a certified presentation-attack-detection (PAD) decision. The models are small
 * open models of unknown provenance, evaluated by no one against ISO 30107-3.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import type { Config, FaceResult, Human } from '@vladmandic/human';

/** A face box in image pixels of the upright (EXIF-oriented) image: x, y = top-left corner. */
export interface FaceBox { x: number; y: number; width: number; height: number }

export type LocalAnalysis =
  | { kind: 'invalid-image' }
  | { kind: 'no-face' }
  | { kind: 'too-small'; box: FaceBox }
  | {
    kind: 'scored';
    /** `min(antispoof, liveness)`: finite, in [0, 1]. See {@link combineScores}. */
    probReal: number;
    box: FaceBox;
    /** How many faces the detector found (up to {@link MAX_FACES}); the largest one was scored. */
    faces: number;
    scores: { antispoof: number; liveness: number };
  };

export interface LocalBackendOptions {
  /** A face whose box is under this many pixels in width or height is `too-small`. Default 128. */
  minFaceSize?: number;
  /** BlazeFace confidence a detection needs to count as a face, in (0, 1). Default 0.7. */
  minDetectionConfidence?: number;
}

export interface AnalyzeOptions {
  /** Aborting stops the work at the next step (after decoding, before inference) with the abort reason. */
  signal?: AbortSignal;
}

export interface LocalBackend {
  analyze(image: Uint8Array, options?: AnalyzeOptions): Promise<LocalAnalysis>;
  close(): Promise<void>;
}

export const DEFAULT_MIN_FACE_SIZE = 128;
/**
 * BlazeFace confidence floor. Above MediaPipe's 0.5 default on purpose: a false face would be
 * scored, and a spoof score on a coffee cup is not a verdict anyone wants. On the fixtures the
 * coffee photo's best false detection lies between 0.3 and 0.5, the astronaut's real face
 * between 0.85 and 0.95.
 */
export const DEFAULT_MIN_DETECTION_CONFIDENCE = 0.7;
/**
 * Face-mesh confidence a detection needs to count as a human face. BlazeFace alone finds "faces" in animals
 * (the cat in `test/fixtures/chelsea.png` scores 0.71); the 468-point face mesh, a separate model, scores a
 * human face near 1 and the cat 0. A detection must pass both. Only faces that pass are measured and scored.
 */
export const MIN_MESH_CONFIDENCE = 0.5;
/** The detector reports at most this many faces. */
export const MAX_FACES = 5;
/**
 * Images with more pixels than this (width x height, read from the header before anything is decoded) are
 * `invalid-image`: decoding a 40 Mpx PNG takes seconds of CPU.
 */
export const MAX_INPUT_PIXELS = 25_000_000;
/**
 * Longer side of the image the models see. Larger images are shrunk to this before detection
 * (boxes are mapped back to the original pixels), which bounds tensor memory at about
 * 2048 x 2048 x 3 float32 = 48 MiB per call.
 */
export const MAX_WORKING_SIDE = 2048;
/** Image formats accepted (sharp's `metadata().format` names). */
export const ACCEPTED_FORMATS: readonly string[] = ['jpeg', 'png', 'webp'];

/**
 * Combine the two model outputs into `probReal`: the minimum of the two real-ness scores.
 *
 * Why the minimum: each model is an independent check and either may be the one that notices a
 * spoof. With the mean, a confident "real" from one model would hide a "spoof" from the other;
 * with the minimum, a face is only as live as the more doubtful model says, so adding the second
 * model can only make the backend stricter (fail closed). It is also what human's own `faceid`
 * demo does: it requires both `real` and `live` to pass the same threshold.
 * Anything not a finite number counts as 0 (no verdict can pass); the result is clamped to [0, 1].
 */
export function combineScores(antispoof: number, liveness: number): number {
  const a = Number.isFinite(antispoof) ? antispoof : 0;
  const l = Number.isFinite(liveness) ? liveness : 0;
  return Math.min(1, Math.max(0, Math.min(a, l)));
}

// ---------------------------------------------------------------------------------------------
// Installed package files (never the network)

const require = createRequire(import.meta.url);

/** `@vladmandic/human`'s package root. Its `exports` hide both `package.json` and the node-wasm build. */
function humanRoot(): string {
  const entry = require.resolve('@vladmandic/human'); // the "node"/"require" condition: dist/human.node.js
  return path.resolve(path.dirname(entry), '..');
}

/** tfjs-backend-wasm's `dist/` folder, with a trailing separator as `setWasmPaths` needs. */
function wasmDir(): string {
  const entry = require.resolve('@tensorflow/tfjs-backend-wasm'); // main: dist/tf-backend-wasm.node.js
  return path.dirname(entry) + path.sep;
}

/** Private URL scheme under which human's model loader finds the model files. */
const MODEL_SCHEME = 'liveness-capture-models://';
const MODEL_FILE = /^[A-Za-z0-9_-]+\.(json|bin)$/;

// ---------------------------------------------------------------------------------------------
// The minimal tfjs surface this module uses (human exposes its tfjs namespace as `human.tf: any`)

interface TensorLike { dispose(): void }
interface WeightsGroup { paths: string[]; weights: unknown[] }
interface ModelHandler { load(): Promise<unknown> }
interface Tf {
  io: {
    registerLoadRouter(router: (url: unknown) => ModelHandler | null): void;
    getModelArtifactsForJSON(
      json: unknown,
      loadWeights: (manifest: WeightsGroup[]) => Promise<[unknown[], ArrayBuffer]>,
    ): Promise<unknown>;
  };
  tensor4d(values: Float32Array, shape: [number, number, number, number], dtype: 'float32'): TensorLike;
  memory(): { numTensors: number; numBytes: number };
}
interface DisposableModel { dispose(): void }

// ---------------------------------------------------------------------------------------------
// One engine per process: human keeps its models in module-level state, so two Human instances
// would share (and fight over) them. Every handle shares this engine and one work queue.

interface Engine { human: Human; tf: Tf }

let humanInstance: Promise<{ human: Human; tf: Tf }> | null = null;
let shared: { engine: Promise<Engine>; refs: number } | null = null;
let queueTail: Promise<unknown> = Promise.resolve();
/** Tasks queued and not started yet, and who waits for that number to change (see {@link holdQueue}). */
let waiting = 0;
const waitingWatchers = new Set<() => void>();

/** Run `task` after every task queued before it (human is not re-entrant). */
function enqueue<T>(task: () => Promise<T>): Promise<T> {
  waiting += 1;
  for (const watch of waitingWatchers) watch();
  const result = queueTail.then(() => {
    waiting -= 1;
    return task();
  });
  queueTail = result.then(() => undefined, () => undefined);
  return result;
}

/** A hold on the model queue: see {@link holdQueue}. */
export interface QueueHold {
  /** Resolves once at least `count` tasks wait in the queue. */
  waiting(count: number): Promise<void>;
  /** Lets the queue run again. */
  release(): void;
}

/**
 * For tests: holds the process's model queue, so that what reaches it waits (work already running finishes
 * first). Lets a test put images in line, act on them (abort a request) and then release the queue, instead of
 * racing the models. Not part of the package's API (`liveness-capture/server` does not export this module).
 * @internal
 */
export function holdQueue(): QueueHold {
  let release!: () => void;
  const released = new Promise<void>((resolve) => { release = resolve; });
  void enqueue(() => released);
  return {
    waiting(count) {
      return new Promise((resolve) => {
        const watch = (): void => {
          if (waiting < count) return;
          waitingWatchers.delete(watch);
          resolve();
        };
        waitingWatchers.add(watch);
        watch();
      });
    },
    release,
  };
}

function humanConfig(minDetectionConfidence: number): Partial<Config> {
  const off = { enabled: false };
  // Caching across calls is off (cacheSensitivity 0, skip* 0): every image is analysed afresh.
  return {
    backend: 'wasm',
    wasmPath: wasmDir(),
    wasmPlatformFetch: false,
    modelBasePath: MODEL_SCHEME,
    cacheModels: false,
    cacheSensitivity: 0,
    debug: false,
    async: false,
    warmup: 'none',
    filter: { enabled: false } as Config['filter'],
    face: {
      enabled: true,
      detector: {
        modelPath: 'blazeface.json',
        rotation: false,
        // human's own `square` padding maps boxes back wrongly on non-square images (its source
        // says "TODO fix this math"); this module pads to a square itself (see toSquareTensor).
        square: false,
        maxDetected: MAX_FACES,
        minConfidence: minDetectionConfidence,
        iouThreshold: 0.1,
        scale: DETECTOR_CROP_SCALE,
        skipFrames: 0,
        skipTime: 0,
        return: false,
      },
      // The face mesh is the second, independent check that a detection is a human face (see
      // MIN_MESH_CONFIDENCE); invalid faces are kept so that this module decides, not human.
      mesh: { enabled: true, modelPath: 'facemesh.json', keepInvalid: true },
      attention: off,
      iris: off,
      emotion: off,
      description: off,
      gear: off,
      antispoof: { enabled: true, modelPath: 'antispoof.json', skipFrames: 0, skipTime: 0 },
      liveness: { enabled: true, modelPath: 'liveness.json', skipFrames: 0, skipTime: 0 },
    } as unknown as Config['face'],
    body: off as Config['body'],
    hand: off as Config['hand'],
    object: off as Config['object'],
    gesture: off,
    segmentation: off as Config['segmentation'],
  };
}

/** human enlarges the BlazeFace box by this factor (its default) to cut the crop the models see. */
const DETECTOR_CROP_SCALE = 1.4;

let routerRegistered = false;

function registerModelRouter(tf: Tf, modelsDir: string): void {
  if (routerRegistered) return;
  routerRegistered = true;
  const readModelFile = (name: string): Promise<Buffer> => {
    if (!MODEL_FILE.test(name)) throw new Error(`local backend: refusing model file name ${JSON.stringify(name)}`);
    return readFile(path.join(modelsDir, name));
  };
  tf.io.registerLoadRouter((url) => {
    if (typeof url !== 'string' || !url.startsWith(MODEL_SCHEME)) return null;
    const name = url.slice(MODEL_SCHEME.length);
    return {
      async load() {
        const json: unknown = JSON.parse((await readModelFile(name)).toString('utf8'));
        return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
          const specs: unknown[] = [];
          const parts: Buffer[] = [];
          for (const group of manifest) {
            specs.push(...group.weights);
            for (const file of group.paths) parts.push(await readModelFile(file));
          }
          const all = Buffer.concat(parts);
          return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer];
        });
      },
    };
  });
}

async function importHuman(): Promise<{ human: Human; tf: Tf }> {
  const root = humanRoot();
  const file = path.join(root, 'dist', 'human.node-wasm.js');
  let mod: { Human: new (config?: Partial<Config>) => Human };
  try {
    mod = await import(pathToFileURL(file).href) as typeof mod;
  } catch (err) {
    if (err instanceof Error && /tfjs-converter/.test(err.message)) {
      throw new Error(
        'local backend: @vladmandic/human\'s node-wasm build needs @tensorflow/tfjs-converter ' +
        '(same version as @tensorflow/tfjs-core, 4.22.0); install it as a devDependency',
        { cause: err },
      );
    }
    throw err;
  }
  const human = new mod.Human(humanConfig(DEFAULT_MIN_DETECTION_CONFIDENCE));
  const tf = human.tf as Tf;
  registerModelRouter(tf, path.join(root, 'models'));
  return { human, tf };
}

async function loadEngine(): Promise<Engine> {
  humanInstance ??= importHuman();
  let instance: { human: Human; tf: Tf };
  try {
    instance = await humanInstance;
  } catch (err) {
    humanInstance = null; // let a later call try again
    throw err;
  }
  const { human } = instance;
  await human.load();
  const loaded = human.models.loaded();
  const missing = ['blazeface', 'facemesh', 'antispoof', 'liveness'].filter((name) => !loaded.includes(name));
  if (human.tf.getBackend() !== 'wasm') throw new Error(`local backend: tfjs backend is ${String(human.tf.getBackend())}, not wasm`);
  if (missing.length > 0) throw new Error(`local backend: models failed to load: ${missing.join(', ')}`);
  return instance;
}

/** Dispose the model weights and make the next load start afresh. Runs on the queue. */
function unloadEngine(engine: Engine): void {
  const { human } = engine;
  for (const model of Object.values(human.models.models) as Array<DisposableModel | null>) model?.dispose();
  human.models.reset();
  human.env.initial = true; // human's model modules reload (not reuse their disposed models) on next load()
}

// ---------------------------------------------------------------------------------------------
// Decoding

interface Decoded {
  /** RGB, 8-bit, row-major, `width * height * 3` bytes, at working size. */
  data: Buffer;
  width: number;
  height: number;
  /** Upright (EXIF-oriented) size of the original image. */
  originalWidth: number;
  originalHeight: number;
}

/** Decode JPEG/PNG/WebP bytes to upright RGB at most {@link MAX_WORKING_SIDE} on its longer side. */
async function decode(bytes: Uint8Array): Promise<Decoded | null> {
  const options = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'warning' as const };
  try {
    const meta = await sharp(bytes, options).metadata();
    if (!meta.format || !ACCEPTED_FORMATS.includes(meta.format)) return null;
    if (!(meta.width > 0 && meta.height > 0) || meta.width * meta.height > MAX_INPUT_PIXELS) return null;
    const originalWidth = meta.autoOrient?.width ?? meta.width;
    const originalHeight = meta.autoOrient?.height ?? meta.height;
    if (!(originalWidth > 0 && originalHeight > 0)) return null;
    const { data, info } = await sharp(bytes, options)
      .autoOrient()
      .resize({ width: MAX_WORKING_SIDE, height: MAX_WORKING_SIDE, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) return null;
    return { data, width: info.width, height: info.height, originalWidth, originalHeight };
  } catch {
    return null; // not an image sharp can decode, truncated, or over the pixel limit
  }
}

// ---------------------------------------------------------------------------------------------
// Analysis

/**
 * The BlazeFace box in original-image pixels. human reports the box it crops for the models: the
 * detector box enlarged by {@link DETECTOR_CROP_SCALE} and squared. Undo that: same centre,
 * sides divided by the scale, clamped to the image. This is the tight box the browser gate
 * (MediaPipe's BlazeFace) measures against the same 128 px floor.
 */
function tightBox(face: FaceResult, decoded: Decoded): FaceBox {
  const [rx, ry, rw, rh] = face.boxRaw; // normalised to the padded square, not clamped
  const W = decoded.originalWidth;
  const H = decoded.originalHeight;
  // padded square side, in original pixels (the working image is the original scaled uniformly)
  const side = Math.max(decoded.width, decoded.height) * (W / decoded.width);
  const cx = (rx + rw / 2) * side;
  const cy = (ry + rh / 2) * side;
  const w = (rw * side) / DETECTOR_CROP_SCALE;
  const h = (rh * side) / DETECTOR_CROP_SCALE;
  const x0 = Math.max(0, Math.round(cx - w / 2));
  const y0 = Math.max(0, Math.round(cy - h / 2));
  const x1 = Math.min(W, Math.round(cx + w / 2));
  const y1 = Math.min(H, Math.round(cy + h / 2));
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/**
 * The working image as a float32 `[1, side, side, 3]` tensor, padded with black on the right or
 * bottom to a square. BlazeFace takes a square input: a non-square frame squashed into it distorts
 * the face (and its box); padding at the far edges keeps pixel coordinates unchanged.
 */
function toSquareTensor(tf: Tf, decoded: Decoded): TensorLike {
  const { data, width, height } = decoded;
  const side = Math.max(width, height);
  const values = new Float32Array(side * side * 3); // zero-filled: black padding
  const rowLength = width * 3;
  for (let y = 0; y < height; y += 1) {
    const from = y * rowLength;
    const to = y * side * 3;
    for (let i = 0; i < rowLength; i += 1) values[to + i] = data[from + i]!;
  }
  return tf.tensor4d(values, [1, side, side, 3], 'float32');
}

async function detect(engine: Engine, decoded: Decoded): Promise<FaceResult[]> {
  const { human, tf } = engine;
  const input = toSquareTensor(tf, decoded);
  try {
    const result = await human.detect(input as never);
    if (result.error) throw new Error(`local backend: detection failed: ${result.error}`);
    return result.face;
  } finally {
    input.dispose();
  }
}

function analyzeFaces(detected: FaceResult[], decoded: Decoded, minFaceSize: number): LocalAnalysis {
  const faces = detected.filter((face) => Number.isFinite(face.faceScore) && face.faceScore >= MIN_MESH_CONFIDENCE);
  if (faces.length === 0) return { kind: 'no-face' };
  let largest: { face: FaceResult; box: FaceBox } | null = null;
  for (const face of faces) {
    const box = tightBox(face, decoded);
    if (!largest || box.width * box.height > largest.box.width * largest.box.height) largest = { face, box };
  }
  if (!largest) return { kind: 'no-face' };
  const { face, box } = largest;
  if (box.width < minFaceSize || box.height < minFaceSize) return { kind: 'too-small', box };
  // human leaves `real`/`live` unset when the model output rounds to 0: that is a score of 0.
  const antispoof = typeof face.real === 'number' && Number.isFinite(face.real) ? face.real : 0;
  const liveness = typeof face.live === 'number' && Number.isFinite(face.live) ? face.live : 0;
  return {
    kind: 'scored',
    probReal: combineScores(antispoof, liveness),
    box,
    faces: faces.length,
    scores: { antispoof, liveness },
  };
}

function acquireEngine(): Promise<Engine> {
  if (shared) {
    shared.refs += 1;
    return shared.engine;
  }
  const entry = { engine: enqueue(loadEngine), refs: 1 };
  shared = entry;
  entry.engine.catch(() => {
    if (shared === entry) shared = null; // a failed load is not cached
  });
  return entry.engine;
}

function releaseEngine(engine: Engine): Promise<void> {
  if (!shared) return Promise.resolve();
  shared.refs -= 1;
  if (shared.refs > 0) return Promise.resolve();
  shared = null;
  return enqueue(async () => unloadEngine(engine));
}

/**
 * Load the models (once per process; handles share them) and return a backend handle.
 * `analyze` calls may overlap: decoding runs in parallel, inference runs one image at a time.
 */
export async function createLocalBackend(options: LocalBackendOptions = {}): Promise<LocalBackend> {
  const minFaceSize = options.minFaceSize ?? DEFAULT_MIN_FACE_SIZE;
  if (!Number.isFinite(minFaceSize) || minFaceSize < 1) {
    throw new RangeError(`minFaceSize must be a number >= 1, got ${String(options.minFaceSize)}`);
  }
  const minConfidence = options.minDetectionConfidence ?? DEFAULT_MIN_DETECTION_CONFIDENCE;
  if (!Number.isFinite(minConfidence) || minConfidence <= 0 || minConfidence >= 1) {
    throw new RangeError(`minDetectionConfidence must be in (0, 1), got ${String(options.minDetectionConfidence)}`);
  }
  const engine = await acquireEngine();
  const pending = new Set<Promise<LocalAnalysis>>();
  let closed: Promise<void> | null = null;

  const run = async (image: Uint8Array, signal: AbortSignal | undefined): Promise<LocalAnalysis> => {
    signal?.throwIfAborted();
    const decoded = await decode(image);
    if (!decoded) return { kind: 'invalid-image' };
    signal?.throwIfAborted();
    return enqueue(async () => {
      signal?.throwIfAborted(); // the client went away while this image waited for the models
      const detector = engine.human.config.face.detector;
      if (detector) detector.minConfidence = minConfidence; // per handle; the queue makes this safe
      return analyzeFaces(await detect(engine, decoded), decoded, minFaceSize);
    });
  };

  return {
    analyze(image: Uint8Array, options: AnalyzeOptions = {}): Promise<LocalAnalysis> {
      if (closed) return Promise.reject(new Error('local backend is closed'));
      if (!(image instanceof Uint8Array)) {
        return Promise.reject(new TypeError('analyze() needs the image file bytes as a Uint8Array'));
      }
      const job = run(image, options.signal);
      pending.add(job);
      const forget = (): void => { pending.delete(job); };
      job.then(forget, forget);
      return job;
    },
    /** Waits for this handle's analyses already started, then releases the shared models. */
    close(): Promise<void> {
      closed ??= Promise.allSettled([...pending]).then(() => releaseEngine(engine));
      return closed;
    },
  };
}
