// Plays every calibration placement (placements.mjs) to the built element, two Chromiums at a time, and sums up
// each run: captured or not, after how many frames, and what the guidance measured on the face.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCalibrationFixtures } from '../../scripts/make-fixtures.mjs';
import { badPlacements, goodPlacements } from './placements.mjs';
import { CAPTURE_WITHIN_FRAMES, playPlacement, pool, startServer, WATCH_FRAMES } from './harness.mjs';

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};
const spread = (xs) => {
  const s = xs.filter(Number.isFinite);
  return s.length ? Math.max(...s) - Math.min(...s) : null;
};

/** One run's summary: the outcome and the measurements on the frames where one face was seen. */
export function summarise(placement, run) {
  const faces = run.frames.filter((f) => f.faces === 1 && f.box);
  const q = faces.map((f) => f.quality).filter(Boolean);
  const widths = faces.map((f) => f.box.width);
  const frame = run.frames[0] ? `${run.frames[0].w}x${run.frames[0].h}` : '';
  const passed = run.events.some((e) => e.type === 'liveness-pass');
  return {
    name: placement.name,
    person: placement.person ?? placement.negative,
    res: placement.res,
    good: placement.good,
    why: placement.why ?? null,
    frame,
    started: run.status === 'detecting',
    captured: run.capturedAt >= 0,
    capturedAt: run.capturedAt,
    passed,
    watched: run.frames.length,
    hints: [...new Set(run.frames.map((f) => f.hint))],
    box: median(widths),
    boxJitter: spread(widths),
    boxFraction: faces.length ? median(faces.map((f) => f.box.width / Math.min(f.w, f.h))) : null,
    brightness: median(q.map((x) => x.brightness)),
    sharpness: median(q.map((x) => x.sharpness)),
    roll: median(q.map((x) => x.roll)),
    yaw: median(q.map((x) => x.yaw)),
    maxYaw: q.length ? Math.max(...q.map((x) => Math.abs(x.yaw))) : null,
    guide: run.guide,
    inOval: inOval(run),
  };
}

/**
 * Where the captured face's box centre sat in the oval shown at the capture: 0 at the oval's centre, 1 on its
 * edge (the preview is mirrored and covers the stage, as the element draws it). Null without a capture.
 */
function inOval(run) {
  const f = run.capturedAt > 0 ? run.frames[run.capturedAt - 1] : null;
  const g = run.guide;
  if (!f?.box || !g) return null;
  const s = Math.max(g.stageWidth / f.w, g.stageHeight / f.h);
  const cx = g.stageWidth / 2 - (f.box.x + f.box.width / 2 - f.w / 2) * s;
  const cy = g.stageHeight / 2 + (f.box.y + f.box.height / 2 - f.h / 2) * s;
  const ex = (cx - (g.x + g.width / 2)) / (g.width / 2);
  const ey = (cy - (g.y + g.height / 2)) / (g.height / 2);
  return Math.hypot(ex, ey);
}

/** True when the run behaved as its placement requires. */
export function asExpected(r) {
  return r.good
    ? r.started && r.captured && r.capturedAt <= CAPTURE_WITHIN_FRAMES && r.passed
    : r.started && !r.captured && r.watched >= WATCH_FRAMES;
}

export async function runCalibration({ only, concurrency = 2, log = () => {} } = {}) {
  let placements = [...goodPlacements(), ...badPlacements()];
  if (only) placements = placements.filter((p) => only.test(p.name));
  const files = await makeCalibrationFixtures({ placements });
  const server = await startServer();
  const profiles = mkdtempSync(join(tmpdir(), 'liveness-calibration-'));
  try {
    return await pool(placements, concurrency, async (p, slot) => {
      const run = await playPlacement(server, files[p.name], {
        frames: p.good ? CAPTURE_WITHIN_FRAMES + 1 : WATCH_FRAMES,
        profile: join(profiles, String(slot)),
      });
      const r = summarise(p, run);
      log(r);
      return r;
    });
  } finally {
    await server.close();
    rmSync(profiles, { recursive: true, force: true });
  }
}
