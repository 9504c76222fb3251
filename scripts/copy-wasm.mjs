#!/usr/bin/env node
// Copies MediaPipe's vision wasm (loader + binary) from the installed @mediapipe/tasks-vision into src/assets/,
// so the element serves it from its own origin, next to its own module (no CDN). The copies are not committed:
// they come from the exact pinned package version, and `npm run build` copies src/assets/ into dist/assets/.
//
// The loader is MediaPipe's ES-module build made into a file that is valid both as a classic script and as a
// module (`scriptLoader`), saved as `.js`:
// - `.js` is what every static server knows: Debian's nginx serves `.mjs` as application/octet-stream, which a
//   browser refuses to run as a module.
// - webpack 5 emits a `new URL(…, import.meta.url)` file as an asset and then minifies every `.js` asset as a classic
//   script (terser), which fails on `export` and `import.meta`. The loader has neither: it announces its factory on
//   `globalThis.ModuleFactory` (MediaPipe's build does so already), reads its own URL from the document or worker,
//   and is strict, so the minified script is still a valid module.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
export const LOADER_SOURCE = require.resolve('@mediapipe/tasks-vision/vision_wasm_module_internal.js');

/**
 * MediaPipe's ES-module loader as a file that parses as a script too. Throws when the source is not the shape this
 * was written for (another MediaPipe release), so a change cannot ship unnoticed.
 */
export function scriptLoader(source) {
  const uses = source.split('import.meta.url').length - 1;
  const exports = source.match(/^export\b.*$/gm) ?? [];
  const tail = 'globalThis.ModuleFactory = ModuleFactory; globalThis.custom_dbg = console.warn.bind(console); export default ModuleFactory;';
  if (uses !== 4 || exports.length !== 0 || !source.trimEnd().endsWith(tail)) {
    throw new Error(`unexpected shape of ${LOADER_SOURCE} (${uses} import.meta.url, ${exports.length} export lines): check scripts/copy-wasm.mjs against this @mediapipe/tasks-vision release`);
  }
  const self = '(globalThis.document?.currentScript?.src ?? globalThis.location?.href ?? "")';
  // Strict as a script too: a minifier that takes the file for a sloppy script may otherwise emit code (a function
  // declared in an `if`) that is valid only outside strict mode, and a module is always strict.
  return "'use strict';\n".concat(source)
    .trimEnd()
    .replace(/ export default ModuleFactory;$/, '')
    .replaceAll('import.meta.url', self)
    .concat('\n');
}

function copy() {
  const target = join(root, 'src', 'assets');
  mkdirSync(target, { recursive: true });
  // The earlier name of the loader; a leftover would be copied into dist/ with the rest.
  rmSync(join(target, 'vision_wasm_module_internal.mjs'), { force: true });
  const loader = join(target, 'vision_wasm_loader.js');
  const script = scriptLoader(readFileSync(LOADER_SOURCE, 'utf8'));
  if (!existsSync(loader) || readFileSync(loader, 'utf8') !== script) writeFileSync(loader, script);
  const from = require.resolve('@mediapipe/tasks-vision/vision_wasm_module_internal.wasm');
  const to = join(target, 'vision_wasm_module_internal.wasm');
  // Compared by content: npm gives every installed file the same old mtime, so a copy left by another version of
  // the package could otherwise pass for current.
  if (!existsSync(to) || !readFileSync(to).equals(readFileSync(from))) copyFileSync(from, to);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) copy();
