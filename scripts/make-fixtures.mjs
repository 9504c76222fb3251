#!/usr/bin/env node
// Makes the fake-camera videos the browser tests feed to Chromium's fake capture device.
// Every video is built with ffmpeg from a committed real photograph (test/fixtures/*.png, public domain,
// from scikit-image's data set). Output goes to test/fixtures/video/ (not committed; rebuilt when missing
// or older than this script). Usage: node scripts/make-fixtures.mjs [--force]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'test', 'fixtures');
const out = join(fixtures, 'video');
const astronaut = join(fixtures, 'astronaut.png');
const coffee = join(fixtures, 'coffee.png');

// Astronaut's face sits near (225, 125) in the 512x512 photo and is about 100 px wide.
// Cropping 250x240 around it and scaling by 3 gives a face of about 300 px in a 1280x720 frame.
const faceCrop = 'crop=250:240:100:0,scale=750:720';
const pad = (x = '(ow-iw)/2', y = '(oh-ih)/2', colour = '0x808080') => `pad=1280:720:${x}:${y}:color=${colour}`;

/** name -> ffmpeg filter graph (single input unless `inputs` is given). */
export const VIDEOS = {
  // One face, about 300 px, centred: the happy path.
  face: { input: astronaut, filter: `${faceCrop},${pad()}` },
  // No face at all: a cup of coffee.
  noface: { input: coffee, filter: 'scale=1280:-2,crop=1280:720' },
  // A face too small for guidance (about 195 px): still found by the detector, which loses faces under ~175 px.
  small: { input: astronaut, filter: `crop=250:240:100:0,scale=500:480,${pad()}` },
  // One face of full size, well away from the centre (left third of the frame), still wholly inside it.
  offcentre: { input: astronaut, filter: `${faceCrop},${pad('0')}` },
  // A big face cut by the left edge of the frame.
  edge: { input: astronaut, filter: `${faceCrop},crop=450:720:300:0,${pad('0')}` },
  // Two faces side by side, each about 250 px.
  two: { input: astronaut, filter: `crop=250:240:100:0,scale=625:600,split[a][b];[a][b]hstack,${pad()}` },
  // The same framing as `face`, far too dark.
  dark: { input: astronaut, filter: `${faceCrop},${pad()},eq=brightness=-0.42:contrast=0.35` },
  // The same framing as `face`, strongly blurred.
  blurred: { input: astronaut, filter: `${faceCrop},${pad()},gblur=sigma=9` },
  // A phone's front camera held upright: 720x1280, one face of about 290 px in the middle.
  portrait: { input: astronaut, filter: 'crop=250:240:100:0,scale=720:691,pad=720:1280:(ow-iw)/2:(oh-ih)/2:color=0x808080' },
};

function fresh(file) {
  return existsSync(file) && statSync(file).mtimeMs >= statSync(fileURLToPath(import.meta.url)).mtimeMs;
}

export function makeFixtures({ force = false } = {}) {
  mkdirSync(out, { recursive: true });
  const made = {};
  for (const [name, { input, filter }] of Object.entries(VIDEOS)) {
    const file = join(out, `${name}.mjpeg`);
    made[name] = file;
    if (!force && fresh(file)) continue;
    // A still photo looped into 2 s at 15 fps; Chromium's fake device loops the file again.
    const args = ['-y', '-loglevel', 'error', '-loop', '1', '-i', input, '-filter_complex', `${filter},format=yuvj420p`,
      '-t', '2', '-r', '15', '-q:v', '3', '-f', 'mjpeg', file];
    const r = spawnSync('ffmpeg', args, { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`ffmpeg failed for ${name} (exit ${r.status}); is ffmpeg installed?`);
  }
  return made;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const made = makeFixtures({ force: process.argv.includes('--force') });
  for (const [name, file] of Object.entries(made)) console.log(`${name}: ${file}`);
}
