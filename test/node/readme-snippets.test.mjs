// The README's snippets are code. Each one in a section that links an example app (examples/<name>/) must be a
// verbatim run of lines of one of that app's files: the app's own test type-checks, builds and runs it from the
// packed tarball (test/frameworks/). Every other JavaScript, TypeScript and HTML module snippet is type-checked here
// with tsc against this package's own types, with only the free names its prose gives (PRELUDES) declared.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../support/apps.mjs';

const README = readFileSync(join(root, 'README.md'), 'utf8');
const CODE = new Set(['js', 'ts', 'tsx', 'vue', 'svelte', 'html', 'json']);

/** Fenced blocks with their language, first line and section (the `##`/`###` heading above them). */
function blocks(markdown) {
  const out = [];
  const lines = markdown.split('\n');
  let section = { title: '', text: '' };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^#{2,3} /.test(line)) section = { title: line, text: '' };
    const open = /^```(\w*)\s*$/.exec(line);
    if (!open) {
      section.text += `${line}\n`;
      continue;
    }
    const start = i;
    const body = [];
    while (++i < lines.length && !/^```\s*$/.test(lines[i])) body.push(lines[i]);
    out.push({ lang: open[1], line: start + 1, code: body.join('\n'), section });
  }
  return out;
}

/** The example apps a section links to. */
function exampleDirs(section) {
  return [...new Set([...section.text.matchAll(/\]\((examples\/[\w-]+)\//g)].map((m) => m[1]))];
}

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (/^(node_modules|dist|negative|\.angular|\.next)$/.test(name)) return [];
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const significant = (text) => text.split('\n').map((l) => l.trim()).filter(Boolean);

/** True when the snippet's lines (indentation aside) are consecutive lines of `file`. */
function isRunOf(code, file) {
  const want = significant(code);
  const have = significant(readFileSync(file, 'utf8'));
  for (let i = 0; i + want.length <= have.length; i++) if (want.every((l, j) => have[i + j] === l)) return true;
  return false;
}

/** Names a snippet uses that its prose defines elsewhere (your app, your Redis client, your signup code). */
const PRELUDES = [
  [/submitSignup\(/, 'declare function submitSignup(data: { livenessToken: string | undefined }): void;'],
  // The page's element, as the usage snippet above it finds it.
  [/^el\.sessionProvider = /m, "declare const el: import('liveness-capture').LivenessCapture;"],
  // The evidence record, as `GET /sessions/{id}/evidence` returns it.
  [/verifyEvidence\(jws\b/, 'declare const jws: string;'],
  [/app\.use\(/, `
interface Req { user: { id: string }; body: { session: string } }
interface Res { render(view: string, data: object): void; status(code: number): { end(): void } }
declare const app: {
  use(path: string, handler: unknown): void;
  get(path: string, handler: (req: Req, res: Res) => unknown): void;
  post(path: string, parser: unknown, handler: (req: Req, res: Res) => unknown): void;
};
declare const express: { json(): unknown };
declare const redis: import('ioredis').Redis;`],
];

const all = blocks(README);
const work = join(root, '.cache', 'readme-snippets');
after(() => rmSync(work, { recursive: true, force: true }));

test('README: every snippet in a section with an example app is a verbatim run of lines of one of its files', () => {
  const checked = [];
  for (const block of all.filter((b) => CODE.has(b.lang))) {
    const dirs = exampleDirs(block.section);
    if (!dirs.length) continue;
    const candidates = dirs.flatMap((d) => files(join(root, d)));
    const source = candidates.find((f) => isRunOf(block.code, f));
    assert.ok(source, `README.md:${block.line} (${block.lang}, ${block.section.title}) is not a run of lines of any file of ${dirs.join(', ')}`);
    checked.push(block.line);
  }
  // Vue, Svelte, both Reacts, Next.js (client component and page), Angular (component and angular.json), the
  // no-bundler page, script and import map.
  assert.ok(checked.length >= 12, `only ${checked.length} snippets checked`);
});

test('README: every other JavaScript, TypeScript and module-script snippet type-checks with tsc', () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const written = [];
  for (const block of all) {
    if (exampleDirs(block.section).length) continue;
    let code = block.code;
    let ext = block.lang;
    if (block.lang === 'html') {
      const scripts = [...code.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
      if (!scripts.length) continue;
      code = scripts.join('\n');
      ext = 'js';
    } else if (!['js', 'ts', 'tsx'].includes(block.lang)) {
      continue;
    }
    const prelude = PRELUDES.filter(([re]) => re.test(code)).map(([, text]) => text);
    const name = `line-${block.line}`;
    if (prelude.length) writeFileSync(join(work, `${name}.context.d.ts`), `${prelude.join('\n')}\n`);
    writeFileSync(join(work, `${name}.${ext}`), `${code}\nexport {};\n`);
    written.push(`${name}.${ext}`);
  }
  // The usage page's script, registering the class yourself, the server.
  assert.ok(written.length >= 3, written.join(' '));
  // TypeScript strictly; plain JavaScript (a page's script, which has no `!`) strictly but for null checks.
  const options = {
    target: 'es2022', module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom', 'dom.iterable'], jsx: 'react-jsx',
    strict: true, noEmit: true, allowJs: true, checkJs: true, skipLibCheck: true, types: ['node'],
  };
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, include: ['*.ts', '*.tsx'] }));
  writeFileSync(join(work, 'tsconfig.js.json'), JSON.stringify({ compilerOptions: { ...options, strictNullChecks: false }, include: ['*.js', '*.d.ts'] }));
  // The package resolves its own name from inside its folder (package self-reference through `exports`).
  for (const config of ['tsconfig.json', 'tsconfig.js.json']) {
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(work, config)], { encoding: 'utf8' });
    assert.equal(tsc.status, 0, `tsc -p ${config} on ${written.join(', ')} (README line numbers):\n${tsc.stdout}${tsc.stderr}`);
  }
});
