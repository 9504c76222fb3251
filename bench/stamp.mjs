#!/usr/bin/env node
// The line each section of bench/RESULTS.md starts with: when, on which commit and on which machine it was
// measured, so that no number outlives the tree it describes unnoticed. `node bench/stamp.mjs` prints it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** The Chromium the benchmarks drive (CHROME_PATH or Debian's), as it names itself. */
export function chromiumVersion() {
  try {
    return execFileSync(process.env.CHROME_PATH ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'no Chromium found';
  }
}

/** `Measured 2026-12-03 on commit abc1234 (+ uncommitted changes); 2 cores (model), 23 GiB RAM; Node v20.x; load average 3.1`. */
export function stamp({ browser = false } = {}) {
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  // Changes to what is measured (not to the results being written) make the commit alone untrue.
  const measured = ['src', 'server', 'scripts', 'bench', 'package.json', 'package-lock.json', ':(exclude)bench/RESULTS.md', ':(exclude)bench/peers.svg'];
  const dirty = git('status', '--porcelain', '--untracked-files=no', '--', ...measured) ? ' (+ uncommitted changes)' : '';
  const cpu = cpus();
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  return `Measured ${new Date().toISOString().slice(0, 10)} on commit ${commit}${dirty}; ${cpu.length} cores (${cpu[0]?.model.trim() ?? '?'}), ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB RAM; Node ${process.version}${browser ? `; ${chromiumVersion()}` : ''}; load average ${load} at the start.`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(stamp({ browser: process.argv.includes('--browser') }));
