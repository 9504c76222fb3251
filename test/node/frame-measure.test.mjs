// The frame meter on its own (src/frame-measure.ts, built into dist/): grids made here stand for frames. A real
// sensor is imitated by noise on every point of every frame; the attacks are a grid repeated (a photo), a stream
// that stops changing, and a short sequence repeated (a looped clip). Each flag is checked both ways, and at its
// threshold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FRAME_LIMITS, FrameMeter, gridHash, lumaGrid, maxDiff } from '../../dist/frame-measure.js';

const N = FRAME_LIMITS.grid * FRAME_LIMITS.grid;

/** A deterministic pseudo-random source (mulberry32), so the noise is the same on every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const scene = (seed) => {
  const r = random(seed);
  return Uint8Array.from({ length: N }, () => 40 + Math.floor(r() * 170));
};
/** The scene as a sensor delivers it: every point off by up to ±4 levels of noise, new on each frame. */
const sensor = (base, r) => base.map((v) => Math.max(0, Math.min(255, v + Math.round((r() - 0.5) * 8))));

function run(grids, interval = 1000 / 15) {
  const meter = new FrameMeter();
  grids.forEach((grid, i) => {
    meter.arrived(i * interval);
    meter.compare(grid);
  });
  return meter.report();
}

test('lumaGrid samples the nearest pixel of each cell centre as BT.601-like luma; gridHash and maxDiff compare grids', () => {
  const width = 32;
  const height = 32;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([255, 255, 255, 255], i * 4);
  const white = lumaGrid(rgba, width, height);
  assert.equal(white.length, N);
  assert.ok(white.every((v) => v === 255));
  rgba.set([0, 0, 0, 255], (1 * width + 1) * 4); // the centre of cell (0, 0) at 2 px a cell
  const dot = lumaGrid(rgba, width, height);
  assert.equal(dot[0], 0);
  assert.equal(maxDiff(white, dot), 255);
  assert.notEqual(gridHash(white), gridHash(dot));
  assert.equal(gridHash(white), gridHash(lumaGrid(new Uint8ClampedArray(rgba.length).fill(255), width, height)));
  assert.equal(maxDiff(white, new Uint8Array(4)), Infinity);
});

test('a sensor-like stream raises no flag; count, interval mean and jitter come from the timestamps', () => {
  const base = scene(1);
  const r = random(2);
  const report = run(Array.from({ length: 60 }, () => sensor(base, r)));
  assert.deepEqual(report.flags, []);
  assert.equal(report.frames.count, 60);
  assert.equal(report.frames.intervalMean, 66.7);
  assert.equal(report.frames.intervalJitter, 0);
  assert.equal(report.frames.duplicates, 0);
  assert.ok(report.frames.stillScore < 0.1, `still score ${report.frames.stillScore}`);
});

test('interval jitter is the standard deviation of the intervals; a timestamp going back adds none', () => {
  const meter = new FrameMeter();
  for (const t of [0, 30, 70, 100, 140, 0, 30]) meter.arrived(t);
  const { frames } = meter.report();
  assert.equal(frames.count, 7);
  assert.equal(frames.intervalMean, 34); // 30, 40, 30, 40, then 140 -> 0 adds none, 0 -> 30
  assert.equal(frames.intervalJitter, 5.5); // sample standard deviation
});

test('still-image: a photo played as the camera (every frame the same) is flagged once enough pairs were compared', () => {
  const photo = scene(3);
  const flagged = run(Array.from({ length: FRAME_LIMITS.minPairs + 1 }, () => photo));
  assert.deepEqual(flagged.flags, ['still-image']);
  assert.equal(flagged.frames.duplicates, FRAME_LIMITS.minPairs);
  assert.equal(flagged.frames.stillScore, 1);
  // One pair short of the minimum: not judged yet.
  assert.deepEqual(run(Array.from({ length: FRAME_LIMITS.minPairs }, () => photo)).flags, []);
  // Nearly identical (every point within nearDiff) counts as still, without being a duplicate.
  const r = random(4);
  const wobble = Array.from({ length: 20 }, () => photo.map((v) => v + Math.floor(r() * (FRAME_LIMITS.nearDiff + 1))));
  const near = run(wobble);
  assert.ok(near.flags.includes('still-image'));
  assert.ok(near.frames.duplicates < 19);
});

test('frozen: a stream that stops changing after it changed is flagged at frozenRun still pairs, not before', () => {
  const base = scene(5);
  const r = random(6);
  const moving = Array.from({ length: 20 }, () => sensor(base, r));
  const last = moving.at(-1);
  const frozen = run([...moving, ...Array.from({ length: FRAME_LIMITS.frozenRun }, () => last)]);
  assert.deepEqual(frozen.flags, ['frozen']);
  const short = run([...moving, ...Array.from({ length: FRAME_LIMITS.frozenRun - 1 }, () => last)]);
  assert.deepEqual(short.flags, []);
  // A freeze that ends still counts: the stream stopped mid-attempt.
  const resumed = run([...moving, ...Array.from({ length: FRAME_LIMITS.frozenRun }, () => last), ...moving]);
  assert.ok(resumed.flags.includes('frozen'));
});

test('looped-video: the same changing frames recurring are flagged at loopRecurrences, not before', () => {
  const base = scene(7);
  const r = random(8);
  const clip = Array.from({ length: 10 }, () => sensor(base, r));
  // The clip, then its first frames again: each recurring frame differs from the one before it.
  const once = run([...clip, clip[0], clip[1]]);
  assert.deepEqual(once.flags, ['looped-video']);
  assert.deepEqual(run([...clip, clip[0]]).flags, []);
  // Looped three times: flagged, and no duplicates (the frames differ from their predecessors).
  const looped = run([...clip, ...clip, ...clip]);
  assert.deepEqual(looped.flags, ['looped-video']);
  assert.equal(looped.frames.duplicates, 0);
});

test('the hash history is bounded: a frame older than `history` compared frames does not count as recurring', () => {
  const base = scene(9);
  const r = random(10);
  const first = sensor(base, r);
  const filler = Array.from({ length: FRAME_LIMITS.history + 1 }, () => sensor(base, r));
  const report = run([first, ...filler, first, filler[0], filler[1]]);
  // filler[0] and filler[1] are too old too; only the bound keeps memory constant.
  assert.deepEqual(report.flags, []);
});
