#!/usr/bin/env node
// Makes the fake-camera videos the browser tests feed to Chromium's fake capture device.
// Every video is built with ffmpeg from a committed real photograph (test/fixtures/*.png, public domain,
// from scikit-image's data set; the calibration set's people in test/fixtures/faces/, see SOURCES.md there).
// Output goes to test/fixtures/video/ (not committed; rebuilt when missing or older than this script).
// Usage: node scripts/make-fixtures.mjs [--force] [--calibration]
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

/** True when `file` exists and is newer than this script and every file in `inputs`. */
function fresh(file, inputs = []) {
  if (!existsSync(file)) return false;
  const made = statSync(file).mtimeMs;
  return [fileURLToPath(import.meta.url), ...inputs].every((f) => made >= statSync(f).mtimeMs);
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


/**
 * The calibration videos (test/calibration/placements.mjs): each photo scaled so that its face box has the
 * placement's size, moved to the placement's spot on a grey frame of the resolution, 1 s at 15 fps. Output:
 * test/fixtures/video/calibration/<name>.mjpeg. Returns name -> file.
 */
export async function makeCalibrationFixtures({ force = false, placements } = {}) {
  const { PEOPLE: people, TURNED, NEGATIVES, RESOLUTIONS, goodPlacements, badPlacements } = await import('../test/calibration/placements.mjs');
  const PEOPLE = { ...people, ...TURNED };
  const dir = join(out, 'calibration');
  const spec = fileURLToPath(new URL('../test/calibration/placements.mjs', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const made = {};
  for (const p of placements ?? [...goodPlacements(), ...badPlacements()]) {
    const file = join(dir, `${p.name}.mjpeg`);
    made[p.name] = file;
    if (!force && fresh(file, [spec])) continue;
    const [w, h] = RESOLUTIONS[p.res];
    const m = Math.min(w, h);
    const inputs = ['-f', 'lavfi', '-i', `color=c=0x808080:s=${w}x${h}:r=15:d=1`];
    const graph = [];
    let last = '0';
    const place = (person, at, i) => {
      const { file: photo, box: [bx, by, bs] } = PEOPLE[person];
      inputs.push('-loop', '1', '-i', join(fixtures, photo));
      const side = at.size * m;
      const k = side / bs;
      const x = Math.round(w / 2 + at.dx * m - (bx + bs / 2) * k);
      const y = Math.round(h / 2 + at.dy * m - (by + bs / 2) * k);
      graph.push(`[${i}]scale=trunc(iw*${k.toFixed(4)}/2)*2:-2[p${i}]`, `[${last}][p${i}]overlay=${x}:${y}:shortest=1[o${i}]`);
      last = `o${i}`;
    };
    if (p.negative) {
      inputs.push('-loop', '1', '-i', join(fixtures, NEGATIVES[p.negative]));
      graph.push(`[1]scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h}[o1]`);
      last = 'o1';
    } else {
      place(p.person, p.place, 1);
      if (p.second) place(p.second.person, p.second, 2);
    }
    const args = ['-y', '-loglevel', 'error', ...inputs, '-filter_complex', `${graph.join(';')};[${last}]format=yuvj420p[v]`,
      '-map', '[v]', '-frames:v', '15', '-r', '15', '-q:v', '3', '-f', 'mjpeg', file];
    const r = spawnSync('ffmpeg', args, { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`ffmpeg failed for ${p.name} (exit ${r.status})`);
  }
  return made;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes('--force');
  const made = { ...makeFixtures({ force }), ...(process.argv.includes('--calibration') ? await makeCalibrationFixtures({ force }) : {}) };
  for (const [name, file] of Object.entries(made)) console.log(`${name}: ${file}`);
}
