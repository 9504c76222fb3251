#!/usr/bin/env node
// The whole test suite, as `npm test` runs it:
//   1. build (tsc for the element and the server, assets into dist/), type-check the tests and lint (eslint),
//   2. project checks: the model asset rebuilds byte for byte, custom-elements.json and the framework typings are current,
//   3. Node tests (node:test): model asset, server handler, local backend, consumer package check (in each engine
//      run), no third-party URL in what the page loads, no request leaving the page (Chromium watched from outside),
//      SSR, and the example apps of examples/ (one framework after another, each installed from the registry with
//      the packed package),
//   4. browser tests (@web/test-runner, fake camera groups) in each engine in turn: Debian's Chromium, Firefox ESR
//      and WebKitGTK (the last two headed under Xvfb, see web-test-runner.config.mjs); `--engine` picks one,
// then prints the counts per engine, every skipped test with its reason, and one closing line for everything:
// `N passed, N failed` (also written to .cache/test-summary.txt).
// Usage: node scripts/test.mjs [--engine chromium|firefox|webkit|all] [--only node|browser|checks] [--file F] [wtr args...]
//   --file test/camera/face/a11y.test.ts: only that browser test file (with --only browser).
//        node scripts/test.mjs --group server|node [--repeat N] [--no-build]
//   --group: only the Node tests of test/node/server (server) or of test/node (node), built and packed once, then
//   run N times in a row (default 1) as the suite runs them; stops at the first failing run and prints its output,
//   else ends with `N/N green`. For finding flaky tests: run it on a loaded machine too.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache');
mkdirSync(cache, { recursive: true });
const args = process.argv.slice(2);
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : null;
const ENGINES = ['chromium', 'firefox', 'webkit'];
const engineIndex = args.indexOf('--engine');
const fileIndex = args.indexOf('--file');
// All three by default (what CI runs); one engine on request.
const engineArg = engineIndex >= 0 ? args[engineIndex + 1] : 'all';
const engines = engineArg === 'all' ? ENGINES : [engineArg];
if (!engines.every((e) => ENGINES.includes(e))) {
  console.error(`--engine must be one of ${ENGINES.join(', ')}`);
  process.exit(2);
}
/** Firefox runs headed (its headless mode has no WebGL) and WebKitGTK has no headless mode: both need a display. */
const needsDisplay = engines.some((e) => e !== 'chromium') && !process.env.DISPLAY;
const xvfb = (cmd, cmdArgs) => (needsDisplay ? ['xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', cmd, ...cmdArgs]] : [cmd, cmdArgs]);
const groupIndex = args.indexOf('--group');
if (groupIndex >= 0) process.exit(repeatGroup(args[groupIndex + 1]));
const perEngine = [];
const total = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(cmd, cmdArgs, options = {}) {
  console.log(`\n$ ${cmd} ${cmdArgs.join(' ')}`);
  return spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...options });
}

function check(name, ok, detail = '') {
  if (ok) total.passed++;
  else {
    total.failed++;
    failures.push(`${name}${detail ? `: ${detail}` : ''}`);
  }
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${!ok && detail ? ` (${detail})` : ''}`);
}

function addCounts(file, label) {
  if (!existsSync(file)) {
    check(`${label} produced results`, false, 'the runner wrote no counts (crashed?)');
    return null;
  }
  const lines = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
  const counts = JSON.parse(lines.at(-1));
  total.passed += counts.passed;
  total.failed += counts.failed + (counts.errors ?? 0);
  total.skipped += counts.skipped ?? 0;
  if (counts.failed || counts.errors) failures.push(`${label}: ${counts.failed} failed${counts.errors ? `, ${counts.errors} files errored` : ''}`);
  if (counts.passed + counts.failed === 0) check(`${label} ran tests`, false, 'no test executed');
  return counts;
}

function listTests(dir, pattern) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) out.push(...listTests(file, pattern));
    else if (pattern.test(name)) out.push(relative(root, file));
  }
  return out.sort();
}

// 1. Build and type-check.
if (only !== 'browser' || !existsSync(join(root, 'dist'))) {
  check('build (npm run build)', run('npm', ['run', '--silent', 'build']).status === 0);
}
if (!only || only === 'checks') {
  check('type-check (tsc, strict)', run('npm', ['run', '--silent', 'typecheck']).status === 0);
  check('lint (eslint: typescript, lit, web components)', run('npm', ['run', '--silent', 'lint']).status === 0);

  // 2. Project checks.
  check('model asset rebuilds byte for byte from @mediapipe/face_detection',
    run('node', ['scripts/build-model.mjs', '--check']).status === 0);
  // Same configuration as `npm run analyze`; the analyzer takes --outdir relative to the working directory.
  const tmp = join(cache, 'cem');
  rmSync(tmp, { recursive: true, force: true });
  const analyzed = run('npx', ['--no-install', 'cem', 'analyze', '--config', 'custom-elements-manifest.config.mjs', '--outdir', relative(root, tmp)]);
  const fresh = analyzed.status === 0 && existsSync(join(tmp, 'custom-elements.json'))
    ? readFileSync(join(tmp, 'custom-elements.json'), 'utf8') : null;
  const committed = existsSync(join(root, 'custom-elements.json')) ? readFileSync(join(root, 'custom-elements.json'), 'utf8') : '';
  check('custom-elements.json is current (npm run analyze)', fresh !== null && fresh === committed,
    fresh === null ? 'analyzer failed' : 'stale: run npm run analyze and commit it');
  rmSync(tmp, { recursive: true, force: true });
  check('framework typings and React wrapper match custom-elements.json (npm run analyze)',
    run('node', ['scripts/framework-types.mjs', '--check']).status === 0);
}

// 3. Node tests.
if (!only || only === 'node') {
  const files = listTests(join(root, 'test'), /\.test\.mjs$/);
  const countsFile = join(cache, 'node-counts.json');
  rmSync(countsFile, { force: true });
  // The example apps (test/frameworks/) install the package as npm would publish it: packed once, from this build.
  const packDir = join(cache, 'pack');
  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  const packed = run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', packDir], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  check('npm pack', packed.status === 0);
  process.env.LIVENESS_TARBALL = join(packDir, packed.stdout.trim().split('\n').at(-1));
  run(...xvfb('node', ['--test', '--test-concurrency=1', '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts', 'count-reporter.mjs')}`, `--test-reporter-destination=${countsFile}`, ...files]), { env: { ...process.env, LIVENESS_ENGINES: engines.join(',') } });
  addCounts(countsFile, 'node tests');
}

// 4. Browser tests, one engine after another.
if (!only || only === 'browser') {
  const ours = [onlyIndex, engineIndex, fileIndex].filter((i) => i >= 0).flatMap((i) => [i, i + 1]);
  const extra = only === 'browser' ? args.filter((a, i) => !ours.includes(i)) : [];
  for (const engine of engines) {
    const countsFile = join(cache, `wtr-counts-${engine}.json`);
    rmSync(countsFile, { force: true });
    run(...xvfb('npx', ['--no-install', 'wtr', ...extra]), { env: { ...process.env, WTR_ENGINE: engine, WTR_COUNTS_FILE: countsFile, ...(fileIndex >= 0 ? { WTR_FILE: args[fileIndex + 1] } : {}) } });
    const counts = addCounts(countsFile, `browser tests (${engine})`);
    if (counts) perEngine.push({ engine, ...counts });
  }
}

/**
 * `--group`: the Node test files of one folder, run `--repeat` times in a row with the suite's own flags (one file
 * at a time). Returns the exit code: 0 when every run was green.
 */
function repeatGroup(group) {
  const GROUPS = { server: join('test', 'node', 'server'), node: join('test', 'node') };
  const repeatIndex = args.indexOf('--repeat');
  const times = repeatIndex >= 0 ? Number(args[repeatIndex + 1]) : 1;
  if (!(group in GROUPS) || !Number.isInteger(times) || times < 1) {
    console.error(`--group must be one of ${Object.keys(GROUPS).join(', ')}; --repeat a whole number >= 1`);
    return 2;
  }
  if (!args.includes('--no-build') && run('npm', ['run', '--silent', 'build']).status !== 0) return 1;
  // The tests that install the package take it packed, as the suite does (packing per run would build per run).
  const packDir = join(cache, 'pack');
  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  const packed = run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', packDir], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (packed.status !== 0) return 1;
  const env = { ...process.env, LIVENESS_TARBALL: join(packDir, packed.stdout.trim().split('\n').at(-1)) };
  const files = listTests(join(root, GROUPS[group]), /\.test\.mjs$/);
  const log = join(cache, `repeat-${group}.log`);
  const started = Date.now();
  for (let i = 1; i <= times; i++) {
    const runStarted = Date.now();
    const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
      cwd: root, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
    });
    const output = `${result.stdout}${result.stderr}`;
    writeFileSync(log, output);
    const seconds = ((Date.now() - runStarted) / 1000).toFixed(0);
    if (result.status !== 0) {
      console.log(output);
      console.log(`run ${i}/${times} FAILED after ${seconds} s (its output above, and in ${relative(root, log)}); ${i - 1} green before it`);
      return 1;
    }
    const tests = /^ℹ tests (\d+)/m.exec(output)?.[1] ?? '?';
    console.log(`run ${i}/${times} green: ${files.length} files, ${tests} tests, ${seconds} s`);
  }
  console.log(`${times}/${times} green (${group}: ${files.length} files, ${((Date.now() - started) / 60_000).toFixed(1)} min)`);
  return 0;
}

if (perEngine.length) {
  console.log('\nBrowser tests per engine:');
  for (const c of perEngine) {
    console.log(`  ${c.engine.padEnd(8)} ${c.passed} passed, ${c.failed + (c.errors ?? 0)} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`);
    for (const s of c.skips ?? []) console.log(`    skipped: ${s}`);
  }
}
if (failures.length) console.log(`\nFailures:\n${failures.map((f) => `- ${f}`).join('\n')}`);
if (total.skipped) console.log(`\n${total.skipped} skipped (listed above with their reasons)`);
const summary = `${total.passed} passed, ${total.failed} failed`;
writeFileSync(join(cache, 'test-summary.txt'), `${summary}\n`);
console.log(`\n${summary}`);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
