// What the camera's frames say about the camera: measured in the detector's worker on the image it already made for
// the detector (no new pixel reads, nothing on the page's main thread). Pure: no DOM globals.
//
// A real sensor never delivers two identical frames: its noise alone changes every pixel a little from one frame to
// the next. A photo played as a camera does (every frame the same), so does a stream that stopped changing, and a
// short clip played in a loop delivers the very same frames again at its period. See docs/integrity.md for how the
// thresholds below were measured and what defeats them.

/** The frame measurements of `detail.integrity.frames`. */
export interface FrameMeasures {
  /** Frames the worker received from the camera during the attempt. */
  readonly count: number;
  /** Mean interval between those frames' timestamps, in milliseconds (0 with fewer than two). */
  readonly intervalMean: number;
  /** Standard deviation of those intervals, in milliseconds. */
  readonly intervalJitter: number;
  /** Consecutive compared frames that were exactly identical. */
  readonly duplicates: number;
  /** Share (0..1) of consecutive compared frames that were identical or nearly so (0 with none compared). */
  readonly stillScore: number;
}

export type FrameFlag = 'still-image' | 'frozen' | 'looped-video';

/** The thresholds of the frame flags (docs/integrity.md: how they were chosen). */
export const FRAME_LIMITS = {
  /** The compared grid: this many points a side, sampled from the detector's image. */
  grid: 16,
  /** A pair is nearly identical when no grid point's luma differs by more than this (0..255). */
  nearDiff: 2,
  /** Compared pairs needed before `still-image` is judged (about half a second at 15 detections a second). */
  minPairs: 8,
  /** `still-image`: at least this share of the compared pairs identical or nearly so. */
  stillShare: 0.9,
  /** `frozen`: this many consecutive still pairs after the stream had changed. */
  frozenRun: 6,
  /** `looped-video`: this many changed frames that equal an earlier frame exactly (not the one just before). */
  loopRecurrences: 2,
  /** Frame hashes remembered for `looped-video` (about 34 s at 15 detections a second). */
  history: 512,
} as const;

export interface FrameReport {
  readonly frames: FrameMeasures;
  readonly flags: readonly FrameFlag[];
}

/**
 * The luma of `grid` x `grid` points of an RGBA image (the nearest pixel to each cell's centre): what the meter
 * compares. About 256 reads per frame.
 */
export function lumaGrid(data: ArrayLike<number>, width: number, height: number, grid: number = FRAME_LIMITS.grid): Uint8Array {
  const out = new Uint8Array(grid * grid);
  if (width <= 0 || height <= 0) return out;
  for (let gy = 0; gy < grid; gy++) {
    const y = Math.min(height - 1, Math.floor(((gy + 0.5) * height) / grid));
    for (let gx = 0; gx < grid; gx++) {
      const x = Math.min(width - 1, Math.floor(((gx + 0.5) * width) / grid));
      const i = (y * width + x) * 4;
      out[gy * grid + gx] = (77 * data[i]! + 150 * data[i + 1]! + 29 * data[i + 2]!) >> 8;
    }
  }
  return out;
}

/** 32-bit FNV-1a of the grid. */
export function gridHash(grid: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < grid.length; i++) {
    h ^= grid[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Largest difference between two grids' points (Infinity when their sizes differ). */
export function maxDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > max) max = d;
  }
  return max;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Measures one camera's frames: `arrived` for every frame the worker receives (its timestamp), `compare` for each
 * frame whose detector image was made (its luma grid). Constant memory (the hash history is bounded).
 */
export class FrameMeter {
  #count = 0;
  #lastTime = NaN;
  #intervals = 0;
  #mean = 0;
  #m2 = 0;
  #prev: Uint8Array | null = null;
  #pairs = 0;
  #duplicates = 0;
  #still = 0;
  #changed = false;
  #run = 0;
  #frozenRun = 0;
  #index = 0;
  readonly #seen = new Map<number, number>();
  #recurrences = 0;

  /** A frame arrived, captured at `timeMs`. A timestamp going back (a source starting over) adds no interval. */
  arrived(timeMs: number): void {
    this.#count++;
    if (Number.isFinite(this.#lastTime) && timeMs > this.#lastTime) {
      // Welford's running mean and variance.
      const d = timeMs - this.#lastTime;
      this.#intervals++;
      const delta = d - this.#mean;
      this.#mean += delta / this.#intervals;
      this.#m2 += delta * (d - this.#mean);
    }
    if (Number.isFinite(timeMs)) this.#lastTime = timeMs;
  }

  /** A frame's luma grid (see {@link lumaGrid}), compared with the last one and with the frames seen before. */
  compare(grid: Uint8Array): void {
    const index = this.#index++;
    const hash = gridHash(grid);
    const prev = this.#prev;
    this.#prev = grid;
    if (prev) {
      this.#pairs++;
      const diff = maxDiff(prev, grid);
      if (diff === 0) this.#duplicates++;
      if (diff <= FRAME_LIMITS.nearDiff) {
        this.#still++;
        if (this.#changed) this.#run++;
        this.#frozenRun = Math.max(this.#frozenRun, this.#run);
      } else {
        this.#changed = true;
        this.#run = 0;
        const before = this.#seen.get(hash);
        if (before !== undefined && before < index - 1) this.#recurrences++;
      }
    }
    this.#seen.delete(hash);
    this.#seen.set(hash, index);
    if (this.#seen.size > FRAME_LIMITS.history) this.#seen.delete(this.#seen.keys().next().value!);
  }

  /** The measurements so far and the flags they raise. */
  report(): FrameReport {
    const stillScore = this.#pairs > 0 ? this.#still / this.#pairs : 0;
    const flags: FrameFlag[] = [];
    if (this.#pairs >= FRAME_LIMITS.minPairs && stillScore >= FRAME_LIMITS.stillShare) flags.push('still-image');
    if (this.#frozenRun >= FRAME_LIMITS.frozenRun) flags.push('frozen');
    if (this.#recurrences >= FRAME_LIMITS.loopRecurrences) flags.push('looped-video');
    return {
      frames: {
        count: this.#count,
        intervalMean: round(this.#mean, 1),
        intervalJitter: this.#intervals > 1 ? round(Math.sqrt(this.#m2 / (this.#intervals - 1)), 1) : 0,
        duplicates: this.#duplicates,
        stillScore: round(stillScore, 3),
      },
      flags,
    };
  }
}
