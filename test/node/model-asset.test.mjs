// The committed face-detection model is exactly what scripts/build-model.mjs makes from the npm package, and its
// sha256 is the one recorded here and in src/assets/MODEL.md. Run: node --test test/node/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ByteBuffer } from 'flatbuffers';
import { METADATA_NAME, OUTPUT, SOURCE, buildMetadata, buildModel, sha256 } from '../../scripts/build-model.mjs';

/** sha256 of src/assets/face_detection_short_range.tflite; also in src/assets/MODEL.md. */
const MODEL_SHA256 = '53155647faddddab915d370dea8564e5fd251d418f7a45951c31ee4da3564e16';
/** sha256 of face_detection_short_range.tflite in @mediapipe/face_detection 0.4.1657300184. */
const SOURCE_SHA256 = '3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Tiny flatbuffer reader for the checks below (field ids from TFLite schema.fbs).
function field(bb, table, id) {
  const rel = bb.__offset(table, 4 + 2 * id);
  return rel ? table + rel : 0;
}
function deref(bb, pos) {
  return pos + bb.readUint32(pos);
}
function tables(bb, vectorPos) {
  const out = [];
  for (let i = 0, n = bb.readUint32(vectorPos); i < n; i++) out.push(deref(bb, vectorPos + 4 + 4 * i));
  return out;
}

test('the committed model has the recorded sha256', () => {
  assert.equal(sha256(readFileSync(OUTPUT)), MODEL_SHA256);
});

test('MODEL.md records the same sha256', () => {
  assert.match(readFileSync(join(root, 'src', 'assets', 'MODEL.md'), 'utf8'), new RegExp(MODEL_SHA256));
});

test('a fresh in-memory build from the npm package equals the committed model', () => {
  const built = buildModel();
  assert.equal(sha256(built), MODEL_SHA256);
  assert.ok(Buffer.from(built).equals(readFileSync(OUTPUT)));
});

test('the build is deterministic', () => {
  assert.equal(sha256(buildModel()), sha256(buildModel()));
});

test('the committed model is a TFLite model whose TFLITE_METADATA buffer holds the M001 metadata', () => {
  const bytes = new Uint8Array(readFileSync(OUTPUT));
  const source = new Uint8Array(readFileSync(SOURCE));
  const bb = new ByteBuffer(bytes);
  assert.equal(bb.getBufferIdentifier(), 'TFL3');
  const model = deref(bb, 0);
  const buffers = tables(bb, deref(bb, field(bb, model, 4)));
  const metadata = tables(bb, deref(bb, field(bb, model, 6)));
  const entry = metadata.find((m) => bb.__string(field(bb, m, 0)) === METADATA_NAME);
  assert.ok(entry, 'no TFLITE_METADATA entry');
  const index = bb.readUint32(field(bb, entry, 1));
  const data = deref(bb, field(bb, buffers[index], 0));
  const meta = bytes.subarray(data + 4, data + 4 + bb.readUint32(data));
  assert.equal(String.fromCharCode(...meta.subarray(4, 8)), 'M001');
  assert.deepEqual([...meta], [...buildMetadata()]);
  // Every original buffer is still there, in order, and the original bytes are kept whole at a 16-byte boundary.
  const sourceBb = new ByteBuffer(source);
  const sourceBuffers = tables(sourceBb, deref(sourceBb, field(sourceBb, deref(sourceBb, 0), 4)));
  assert.equal(buffers.length, sourceBuffers.length + 1);
  const shift = bytes.length - source.length - ((16 - (source.length % 16)) % 16);
  assert.equal(shift % 16, 0);
  assert.deepEqual(buffers.slice(0, -1), sourceBuffers.map((p) => p + shift));
  assert.ok(Buffer.from(bytes.subarray(shift, shift + source.length)).equals(Buffer.from(source)));
});

test('the source model is the expected npm package file', () => {
  assert.equal(sha256(readFileSync(SOURCE)), SOURCE_SHA256);
});
