#!/usr/bin/env node
// Builds src/assets/face_detection_short_range.tflite: MediaPipe's BlazeFace short-range model, taken from the
// @mediapipe/face_detection npm package, with the TFLite metadata that @mediapipe/tasks-vision's FaceDetector
// requires (the package's copy has none, and the Tasks API rejects it: "requires specifying NormalizationOptions
// metadata"). Nothing is downloaded; the output is the same bytes on every run.
//
// Usage:
//   node scripts/build-model.mjs           write the asset
//   node scripts/build-model.mjs --check   exit 1 if the committed asset differs from a fresh build
//
// How the metadata goes in: a TFLite model is a flatbuffer whose root `Model` table lists `buffers` and
// `metadata` ({name, buffer index}). Flatbuffer references (uoffset) only point forward, so the original file is
// kept byte for byte at the END of the new file (at an offset that keeps its 16-byte alignment), and a new root
// `Model` table is written in front of it. The new Model points at the original operator codes, subgraphs,
// description and buffer tables, plus one new Buffer holding a `ModelMetadata` flatbuffer (identifier M001,
// tensorflow/tflite-support metadata_schema.fbs) and a `Metadata` entry named TFLITE_METADATA that names it.
// The original root table is left unreferenced inside the file; every tensor keeps its buffer index.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Builder } from 'flatbuffers';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SOURCE = join(root, 'node_modules', '@mediapipe', 'face_detection', 'face_detection_short_range.tflite');
export const OUTPUT = join(root, 'src', 'assets', 'face_detection_short_range.tflite');

/** Name of the Model.metadata entry the TFLite metadata extractor looks for. */
export const METADATA_NAME = 'TFLITE_METADATA';
/** Alignment kept for the original model bytes (TFLite's Buffer.data asks for 16). */
const ALIGN = 16;

// TFLite schema.fbs field ids.
const MODEL = { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4, metadataBuffer: 5, metadata: 6, signatureDefs: 7 };
const MODEL_FIELDS = 8;

// metadata_schema.fbs union type ids.
const CONTENT_IMAGE_PROPERTIES = 2;
const PROCESS_UNIT_NORMALIZATION = 1;
const COLOR_SPACE_RGB = 1;

/** sha256 hex digest of some bytes. */
export function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A `ModelMetadata` flatbuffer (identifier M001) for BlazeFace short-range: one RGB image input of 128x128,
 * normalised as (x - 127.5) / 127.5 into [-1, 1], and the two outputs named as in the model.
 */
export function buildMetadata() {
  const b = new Builder(1024);
  const floats = (values) => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]);
    return b.endVector();
  };
  const offsets = (values) => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addOffset(values[i]);
    return b.endVector();
  };
  const table = (fields) => {
    // fields: [id, kind, value] with kind 'offset' | 'int8' | 'int32'; absent values are skipped.
    b.startObject(Math.max(...fields.map(([id]) => id)) + 1);
    for (const [id, kind, value] of fields) {
      if (kind === 'offset') b.addFieldOffset(id, value, 0);
      else if (kind === 'int8') b.addFieldInt8(id, value, 0);
      else b.addFieldInt32(id, value, 0);
    }
    return b.endObject();
  };

  // Input tensor: ImageProperties{color_space RGB, default_size 128x128}, NormalizationOptions, Stats.
  const imageSize = table([[0, 'int32', 128], [1, 'int32', 128]]);
  const imageProperties = table([[0, 'int8', COLOR_SPACE_RGB], [1, 'offset', imageSize]]);
  const content = table([[0, 'int8', CONTENT_IMAGE_PROPERTIES], [1, 'offset', imageProperties]]);
  const normalization = table([[0, 'offset', floats([127.5])], [1, 'offset', floats([127.5])]]);
  const processUnit = table([[0, 'int8', PROCESS_UNIT_NORMALIZATION], [1, 'offset', normalization]]);
  const stats = table([[0, 'offset', floats([1])], [1, 'offset', floats([-1])]]);
  const input = table([
    [0, 'offset', b.createString('image')],
    [1, 'offset', b.createString('RGB image, 128x128, values normalised to [-1, 1].')],
    [3, 'offset', content],
    [4, 'offset', offsets([processUnit])],
    [5, 'offset', stats],
  ]);
  const regressors = table([
    [0, 'offset', b.createString('regressors')],
    [1, 'offset', b.createString('896 anchors x 16: box centre offset and size, then 6 keypoints, in input pixels.')],
  ]);
  const classificators = table([
    [0, 'offset', b.createString('classificators')],
    [1, 'offset', b.createString('896 anchors x 1: face score logit.')],
  ]);
  const subgraph = table([
    [0, 'offset', b.createString('BlazeFace short-range')],
    [2, 'offset', offsets([input])],
    [3, 'offset', offsets([regressors, classificators])],
  ]);
  const model = table([
    [0, 'offset', b.createString('BlazeFace short-range')],
    [1, 'offset', b.createString('MediaPipe face detection for faces within about 2 m of the camera (front camera).')],
    [3, 'offset', offsets([subgraph])],
    [4, 'offset', b.createString('Google LLC (MediaPipe)')],
    [5, 'offset', b.createString('Apache License, Version 2.0. http://www.apache.org/licenses/LICENSE-2.0')],
    [7, 'offset', b.createString('1.0.0')],
  ]);
  b.finish(model, 'M001');
  return b.asUint8Array().slice();
}

/** A minimal reader for the original model's root table. Positions are byte offsets into `bytes`. */
function reader(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (pos) => view.getUint32(pos, true);
  const table = (pos) => {
    const vtable = pos - view.getInt32(pos, true);
    const vtableSize = view.getUint16(vtable, true);
    /** Position of field `id`'s value inside the table, or 0 when absent. */
    const slot = (id) => {
      const at = 4 + 2 * id;
      if (at >= vtableSize) return 0;
      const rel = view.getUint16(vtable + at, true);
      return rel ? pos + rel : 0;
    };
    return {
      slot,
      /** Position of the object (vector, string or table) field `id` refers to, or 0 when absent. */
      target: (id) => {
        const s = slot(id);
        return s ? s + u32(s) : 0;
      },
    };
  };
  /** Positions of the tables a vector of tables at `pos` refers to. */
  const tableVector = (pos) => {
    const out = [];
    for (let i = 0, n = u32(pos); i < n; i++) {
      const e = pos + 4 + 4 * i;
      out.push(e + u32(e));
    }
    return out;
  };
  const string = (pos) => new TextDecoder().decode(bytes.subarray(pos + 4, pos + 4 + u32(pos)));
  return { u32, table, tableVector, string, root: u32(0) };
}

/** Returns a copy of the TFLite model `model` with `metadata` added as its TFLITE_METADATA entry. */
export function addMetadata(model, metadata) {
  if (String.fromCharCode(...model.subarray(4, 8)) !== 'TFL3') throw new Error('not a TFLite model (no TFL3 identifier)');
  const r = reader(model);
  const old = r.table(r.root);
  const oldBuffers = r.tableVector(old.target(MODEL.buffers));
  const oldMetadata = old.target(MODEL.metadata) ? r.tableVector(old.target(MODEL.metadata)) : [];
  for (const m of oldMetadata) {
    if (r.string(r.table(m).target(0)) === METADATA_NAME) throw new Error(`model already has ${METADATA_NAME}`);
  }

  const b = new Builder(model.length + metadata.length + 1024);
  // The original bytes go at the very end, followed by zero padding that makes their length a multiple of ALIGN;
  // finish() pads the whole file to a multiple of ALIGN too, so the original start stays 16-byte aligned.
  const tail = (ALIGN - (model.length % ALIGN)) % ALIGN;
  const span = model.length + tail;
  b.prep(ALIGN, span);
  b.pad(tail);
  for (let i = model.length - 1; i >= 0; i--) b.writeInt8(model[i]);
  /** Builder offset (distance from the end) of the object at position `pos` of the original file. */
  const ref = (pos) => span - pos;

  b.startVector(1, metadata.length, ALIGN);
  for (let i = metadata.length - 1; i >= 0; i--) b.addInt8(metadata[i]);
  const data = b.endVector();
  b.startObject(1);
  b.addFieldOffset(0, data, 0);
  const buffer = b.endObject();

  const name = b.createString(METADATA_NAME);
  b.startObject(2);
  b.addFieldOffset(0, name, 0);
  b.addFieldInt32(1, oldBuffers.length, 0);
  const entry = b.endObject();

  const vector = (items) => {
    b.startVector(4, items.length, 4);
    for (let i = items.length - 1; i >= 0; i--) b.addOffset(items[i]);
    return b.endVector();
  };
  const buffers = vector([...oldBuffers.map(ref), buffer]);
  const metadataVector = vector([...oldMetadata.map(ref), entry]);

  b.startObject(MODEL_FIELDS);
  const versionSlot = old.slot(MODEL.version);
  if (versionSlot) b.addFieldInt32(MODEL.version, r.u32(versionSlot), 0);
  for (const id of [MODEL.operatorCodes, MODEL.subgraphs, MODEL.description, MODEL.metadataBuffer, MODEL.signatureDefs]) {
    const target = old.target(id);
    if (target) b.addFieldOffset(id, ref(target), 0);
  }
  b.addFieldOffset(MODEL.buffers, buffers, 0);
  b.addFieldOffset(MODEL.metadata, metadataVector, 0);
  b.finish(b.endObject(), 'TFL3');
  return b.asUint8Array().slice();
}

/** Builds the asset in memory from the npm package's model (or the given bytes). */
export function buildModel(source = readFileSync(SOURCE)) {
  return addMetadata(new Uint8Array(source), buildMetadata());
}

function main(args) {
  const built = buildModel();
  if (args.includes('--check')) {
    let committed;
    try {
      committed = readFileSync(OUTPUT);
    } catch {
      console.error(`build-model: ${OUTPUT} is missing; run node scripts/build-model.mjs`);
      return 1;
    }
    if (!Buffer.from(built).equals(committed)) {
      console.error(`build-model: ${OUTPUT} (sha256 ${sha256(committed)}) differs from a fresh build (sha256 ${sha256(built)})`);
      return 1;
    }
    console.log(`build-model: ${OUTPUT} is up to date (sha256 ${sha256(built)})`);
    return 0;
  }
  mkdirSync(dirname(OUTPUT), { recursive: true });
  writeFileSync(OUTPUT, built);
  console.log(`build-model: wrote ${OUTPUT} (${built.length} bytes, sha256 ${sha256(built)})`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
