#!/usr/bin/env node
// After tsc: copies the runtime assets (model + MediaPipe wasm) into dist/assets/, beside dist/assets.js.
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'src', 'assets');
const to = join(root, 'dist', 'assets');
const wanted = ['face_detection_short_range.tflite', 'vision_wasm_loader.js', 'vision_wasm_module_internal.wasm'];
const present = new Set(readdirSync(from));
// Emptied first: a file a release no longer ships must not be packed from an old build.
rmSync(to, { recursive: true, force: true });
for (const name of wanted) {
  if (!present.has(name)) throw new Error(`missing asset src/assets/${name} (run npm install / node scripts/build-model.mjs)`);
  cpSync(join(from, name), join(to, name));
}
