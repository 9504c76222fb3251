#!/usr/bin/env node
// Runs the calibration set (test/calibration/) against the built element (run `npm run build` first), prints one
// line per placement and writes docs/calibration.md from the results, then takes the guide screenshots
// (docs/screenshots/guide-*.png) in capture-mode="manual" so the oval and the face stay on screen.
// Usage: node scripts/calibrate.mjs [regex]   (with a regex: only the matching placements, no files written)
//        node scripts/calibrate.mjs --report   (rewrites docs/calibration.md from the last full run)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCalibrationFixtures } from './make-fixtures.mjs';
import { GUIDANCE_DEFAULTS } from '../dist/guidance.js';
import { DEFAULT_EDGE_MARGIN, DEFAULT_MAX_SHIFT } from '../dist/gate.js';
import { QUALITY_DEFAULTS } from '../dist/quality.js';
import { playPlacement, startServer } from '../test/calibration/harness.mjs';
import { FIELD, GOOD } from '../test/calibration/placements.mjs';
import { asExpected, runCalibration } from '../test/calibration/run.mjs';
import { calibrationDoc } from '../test/calibration/report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const thresholds = { minFaceSize: 128, ...GUIDANCE_DEFAULTS, ...QUALITY_DEFAULTS, edgeMargin: DEFAULT_EDGE_MARGIN, maxShift: DEFAULT_MAX_SHIFT };
const last = join(root, '.cache', 'calibration.json');
if (process.argv[2] === '--report') {
  const { results, seconds } = JSON.parse(readFileSync(last, 'utf8'));
  writeFileSync(join(root, 'docs', 'calibration.md'), calibrationDoc(results, { seconds, thresholds }));
  console.log('wrote docs/calibration.md');
  process.exit(0);
}
const pattern = process.argv[2] ? new RegExp(process.argv[2]) : undefined;
const started = Date.now();
const results = await runCalibration({
  only: pattern,
  log: (r) => console.log(`${asExpected(r) ? 'ok  ' : 'FAIL'} ${r.name.padEnd(36)} ${r.frame.padEnd(9)} ` +
    `${r.captured ? `captured at frame ${r.capturedAt}` : `not captured in ${r.watched} frames`}; box ${r.box ?? '-'} ` +
    `yaw ${r.yaw?.toFixed(2) ?? '-'} roll ${r.roll?.toFixed(1) ?? '-'} light ${r.brightness?.toFixed(0) ?? '-'} sharp ${r.sharpness?.toFixed(0) ?? '-'} ` +
    `hints ${r.hints.join(',')}`),
});
const seconds = Math.round((Date.now() - started) / 1000);
console.log(`${results.filter(asExpected).length}/${results.length} as expected in ${seconds} s`);
mkdirSync(join(root, '.cache'), { recursive: true });
if (!pattern) writeFileSync(last, JSON.stringify({ seconds, results }, null, 2));
if (!pattern) {
  writeFileSync(join(root, 'docs', 'calibration.md'), calibrationDoc(results, { seconds, thresholds }));
  console.log('wrote docs/calibration.md');
  const shots = [
    { ...FIELD[0], shot: 'guide-480p' },
    { ...FIELD[1], shot: 'guide-1080p' },
    { name: 'hopper-portrait-mid', person: 'hopper', res: 'portrait', place: GOOD.mid, shot: 'guide-portrait' },
  ];
  const files = await makeCalibrationFixtures({ placements: shots });
  const server = await startServer();
  for (const s of shots) {
    await playPlacement(server, files[s.name], { manual: true, frames: 15, screenshot: join(root, 'docs', 'screenshots', `${s.shot}.png`) });
  }
  await server.close();
  console.log('wrote docs/screenshots/guide-*.png');
}
