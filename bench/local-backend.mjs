// Speed print for the in-process reference backend (no assertions; numbers vary by machine).
// Build first: npx tsc -p tsconfig.server.json   Run: node bench/local-backend.mjs [runs=10]
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const runs = Number(process.argv[2] ?? 10);
const astronaut = fileURLToPath(new URL('../test/fixtures/astronaut.png', import.meta.url));

let started = performance.now();
const { createLocalBackend } = await import('../dist/server/backends/local-backend.js');
const backend = await createLocalBackend();
console.log(`cold load (import + wasm + models): ${(performance.now() - started).toFixed(0)} ms`);

// The astronaut scaled so the frame has the given size (face about 0.2 of the frame's width).
async function frame(width, height) {
  const side = Math.max(width, height);
  return sharp(astronaut).resize(side).extract({ left: 0, top: 0, width, height }).jpeg({ quality: 90 }).toBuffer();
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const [width, height] of [[640, 480], [1280, 720], [1920, 1080], [4000, 3000]]) {
  const image = await frame(width, height);
  started = performance.now();
  const first = await backend.analyze(image);
  const firstMs = performance.now() - started;
  const times = [];
  for (let i = 0; i < runs; i += 1) {
    started = performance.now();
    await backend.analyze(image);
    times.push(performance.now() - started);
  }
  console.log(`${width}x${height} JPEG (${(image.length / 1024).toFixed(0)} KiB): first ${firstMs.toFixed(0)} ms, ` +
    `median of ${runs} ${median(times).toFixed(0)} ms -> ${first.kind}`);
}
await backend.close();
