#!/usr/bin/env node
// Copies MediaPipe's vision wasm (loader + binary) from the installed @mediapipe/tasks-vision into src/assets/,
// so the element serves it from its own origin, next to its own module (no CDN). The copies are not committed:
// they come from the exact pinned package version, and `npm run build` copies src/assets/ into dist/assets/.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const target = join(root, 'src', 'assets');
mkdirSync(target, { recursive: true });
for (const name of ['vision_wasm_internal.js', 'vision_wasm_internal.wasm']) {
  const from = require.resolve(`@mediapipe/tasks-vision/${name}`);
  const to = join(target, name);
  // Compared by content: npm gives every installed file the same old mtime, so a copy left by another version of
  // the package could otherwise pass for current.
  if (existsSync(to) && readFileSync(to).equals(readFileSync(from))) continue;
  copyFileSync(from, to);
}
