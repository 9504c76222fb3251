// Nothing in what the page loads names another host. Scanned, after `npm run build`:
//   - every module of the element as a bundler builds it: dist/index.js bundled by esbuild for the browser, with and
//     without the `development` condition (Lit's two builds), @mediapipe/tasks-vision and lit included;
//   - every JavaScript file and wasm binary that `npm pack` would ship (the file list of `npm pack --dry-run`);
//   - every JavaScript file and wasm binary of the installed @mediapipe/tasks-vision (any of its builds can be
//     picked by a bundler) and the wasm loader copied to src/assets/.
// Comments are stripped first (esbuild's parser), so only code that runs is judged: any `scheme://` in it
// (http, https, ws, wss, with or without a host), or a protocol-relative `'//host'` string, must match an entry of
// ALLOWED below, each with the reason it is never requested. `odml.pa.googleapis.com` (the usage logger of
// @mediapipe/tasks-vision 1.x) is refused anywhere, comments included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { scriptLoader } from '../../scripts/copy-wasm.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const visionDir = join(root, 'node_modules', '@mediapipe', 'tasks-vision');

/** The usage-log endpoint of @mediapipe/tasks-vision 1.x. */
const LOGGER_HOST = 'odml.pa.googleapis.com';

/**
 * Every URL allowed in code that runs, with where it may appear and why it is never fetched. Nothing else is:
 * a new entry needs a reason of the same kind. Each entry must still be needed (checked below).
 */
const ALLOWED = [
  {
    files: /\/(lit-html|lit-element|@lit\/reactive-element)\/development\//,
    url: /^https:\/\/(lit\.dev\/(msg|docs)\/|github\.com\/lit\/lit\/issues\/new\?|github\.com\/microsoft\/TypeScript\/issues\/338$|developer\.mozilla\.org\/en-US\/docs\/Web\/API\/Web_components\/)/,
    why: "Lit's development build: links in console warnings and error messages (the production build has none)",
  },
  {
    files: /vision_wasm(_nosimd|_module)?_internal\.wasm$/,
    url: /^(https:\/\/www\.tensorflow\.org\/lite\/guide\/ops_(custom|select)|https:\/\/github\.com\/opencv\/opencv\/issues\/16739|http:\/\/go\/lsc_proto3_utf8|http:\/\/goto\/weakfields)$/,
    why: 'text of native error messages inside the wasm binary; the binary has no network access of its own (its only I/O is the functions the loader imports)',
  },
  {
    files: /dist\/server\/contract\/contract\.js$/,
    url: /^https:\/\/[a-z0-9]+\.execute-api\.ap-south-1\.amazonaws\.com\/prod$/,
    why: 'the server half (Node, never loaded by the page): the default upstream of proxy mode, called by the server, not the browser',
  },
  {
    files: /dist\/server\/(adapters\/(node|cli)|handler\/handler)\.js$/,
    url: /^http:\/\/(localhost(:5173)?|\$\{shown\}(\/metrics)?|invalid\/)$/,
    why: "the server half (Node, never loaded by the page): a base for parsing request paths (`http://invalid/`, a reserved name) and the CLI's own listening addresses (checks, metrics) in its messages",
  },
];

const URL_IN_CODE = /\b(?:https?|wss?):\/\/[^\s'"`)<>\\]*/gi;
const PROTOCOL_RELATIVE = /(?<=['"`])\/\/[a-z0-9-]+(?:\.[a-z0-9-]+)+(?=[/:'"`])/gi;

/** The source with its comments removed by esbuild's parser (strings, template literals and regexps kept). */
function codeOf(source, name = 'input.js') {
  return esbuild.transformSync(source, { loader: 'js', legalComments: 'none', sourcefile: name }).code;
}

/** URL-looking strings in code that runs (comments already stripped). */
function urlsIn(code) {
  return [...new Set([...(code.match(URL_IN_CODE) ?? []), ...(code.match(PROTOCOL_RELATIVE) ?? [])])];
}

/** Printable ASCII runs of a binary (as `strings` prints them), joined by newlines. */
function stringsOf(bytes) {
  return (bytes.toString('latin1').match(/[\x20-\x7e]{6,}/g) ?? []).join('\n');
}

const used = new Set();

/** Problems in one file: the logger host anywhere, and any URL in its code that ALLOWED does not name. */
function problemsIn(file, bytes) {
  const label = relative(root, file);
  const problems = [];
  const text = file.endsWith('.wasm') ? stringsOf(bytes) : bytes.toString('utf8');
  if (text.includes(LOGGER_HOST)) problems.push(`${label}: contains ${LOGGER_HOST}`);
  const code = file.endsWith('.wasm') ? text : codeOf(text, label);
  for (const url of urlsIn(code)) {
    const entry = ALLOWED.find((a) => a.files.test(file) && a.url.test(url));
    if (entry) used.add(entry);
    else problems.push(`${label}: ${url}`);
  }
  return problems;
}

function walk(dir, pattern) {
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => pattern.test(f)).map((f) => join(dir, f));
}

const RUNS = /\.(m?js|cjs|wasm)$/;

function packedFiles() {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--silent'], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out)[0].files.map((f) => f.path);
}

async function bundle(conditions) {
  return esbuild.build({
    absWorkingDir: root,
    entryPoints: ['dist/index.js'],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    conditions,
    write: false,
    metafile: true,
    outdir: join(root, '.cache', 'no-third-party'),
    legalComments: 'none',
    logLevel: 'silent',
  });
}

test('the scanner finds what it is for: the 1.x logger call, a dynamic host, a protocol-relative URL', () => {
  // The shape of the call in @mediapipe/tasks-vision 1.1.0's vision_bundle.mjs.
  const logger = 'this.o.send({url:"https://odml.pa.googleapis.com/v1/log",cb:"POST",ma:1e4,body:r});';
  assert.deepEqual(problemsIn(join(visionDir, 'vision_bundle.mjs'), Buffer.from(logger)), [
    `node_modules/@mediapipe/tasks-vision/vision_bundle.mjs: contains ${LOGGER_HOST}`,
    'node_modules/@mediapipe/tasks-vision/vision_bundle.mjs: https://odml.pa.googleapis.com/v1/log',
  ]);
  assert.deepEqual(urlsIn(codeOf('fetch("https://" + host + "/x"); new WebSocket(`wss://${h}`);')), ['https://', 'wss://${h}']);
  assert.deepEqual(urlsIn(codeOf('navigator.sendBeacon("//collector.example.com/b", data);')), ['//collector.example.com']);
  // A lit development URL is allowed only in Lit's development files, not in the element's own code.
  assert.equal(problemsIn(join(root, 'dist', 'x.js'), Buffer.from('console.warn("https://lit.dev/msg/x")')).length, 1);
});

test('comments are not code: a URL only in a comment passes, the same URL in a string does not', () => {
  assert.deepEqual(urlsIn(codeOf('// see https://example.com/docs\n/* http://www.apache.org/licenses/ */ let a = 1;')), []);
  assert.deepEqual(urlsIn(codeOf('let a = "https://example.com/docs"; // x')), ['https://example.com/docs']);
  // A regular expression or division is not mistaken for a comment.
  assert.deepEqual(urlsIn(codeOf('let r = /a\\/\\/b/; let s = 1 / 2; fetch("http://h.example/")')), ['http://h.example/']);
});

test('the element as a bundler builds it (dist/ + lit + @mediapipe/tasks-vision) names no third-party host', async () => {
  assert.ok(existsSync(join(root, 'dist', 'index.js')), 'dist/index.js is missing: run npm run build');
  const problems = [];
  const inputs = new Set();
  for (const conditions of [[], ['development']]) {
    const result = await bundle(conditions);
    for (const input of Object.keys(result.metafile.inputs)) inputs.add(input);
    // The output is the inputs joined (less what tree-shaking drops), so each input is judged under its own path;
    // the production output is judged too and, with Lit's production build, must name no URL at all.
    if (!conditions.length) for (const out of result.outputFiles) problems.push(...problemsIn(out.path, Buffer.from(out.contents)));
  }
  const list = [...inputs];
  for (const input of list) problems.push(...problemsIn(join(root, input), readFileSync(join(root, input))));
  // What was scanned is what the page loads: the element, lit (both builds) and the detector module, no server.
  assert.ok(list.includes('dist/controllers/detector-controller.js'), list.join('\n'));
  assert.ok(list.includes('node_modules/@mediapipe/tasks-vision/vision_bundle.mjs'), list.join('\n'));
  assert.ok(list.some((i) => i.includes('lit-html/development/')) && list.some((i) => /lit-html\/lit-html\.js$/.test(i)), list.join('\n'));
  assert.deepEqual(list.filter((i) => i.startsWith('dist/server/')), [], 'the page never loads the server half');
  assert.deepEqual(problems, []);
});

test('what npm pack would ship (every script and wasm binary) names no third-party host outside the server half', () => {
  const files = packedFiles().filter((f) => RUNS.test(f));
  assert.ok(files.includes('dist/assets/vision_wasm_loader.js') && files.includes('dist/assets/vision_wasm_module_internal.wasm'), files.join('\n'));
  assert.ok(files.includes('dist/index.js') && files.some((f) => f.startsWith('dist/server/')), files.join('\n'));
  const problems = files.flatMap((f) => problemsIn(join(root, f), readFileSync(join(root, f))));
  assert.deepEqual(problems, []);
});

test('@mediapipe/tasks-vision is pinned to one exact release, the one installed', () => {
  // A range could let an install pick up another release; every release is vetted by the scans in this file.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const installed = JSON.parse(readFileSync(join(visionDir, 'package.json'), 'utf8')).version;
  assert.match(pkg.dependencies['@mediapipe/tasks-vision'], /^\d+\.\d+\.\d+$/);
  assert.equal(pkg.dependencies['@mediapipe/tasks-vision'], installed);
});

test('every build in the installed @mediapipe/tasks-vision and the copied wasm loader name no third-party host', () => {
  const files = walk(visionDir, RUNS);
  const version = JSON.parse(readFileSync(join(visionDir, 'package.json'), 'utf8')).version;
  assert.ok(files.length >= 8, `only ${files.length} files in @mediapipe/tasks-vision ${version}`);
  const copy = join(root, 'src', 'assets', 'vision_wasm_loader.js');
  assert.equal(readFileSync(copy, 'utf8'), scriptLoader(readFileSync(join(visionDir, 'wasm', 'vision_wasm_module_internal.js'), 'utf8')), 'src/assets/ holds another version: run npm run build');
  const problems = [...files, copy].flatMap((f) => problemsIn(f, readFileSync(f)));
  assert.deepEqual(problems, [], `@mediapipe/tasks-vision ${version}`);
});

test('every allow-list entry is still needed', { concurrency: false }, () => {
  // Runs last in this file: the scans above mark the entries they used.
  const stale = ALLOWED.filter((a) => !used.has(a)).map((a) => a.why);
  assert.deepEqual(stale, []);
});
