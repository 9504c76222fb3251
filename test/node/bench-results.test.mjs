// bench/RESULTS.md describes the current tree: every section says when, on which commit and on which machine it
// was measured (bench/stamp.mjs), and no section names a package at a version the lock file no longer has (a
// table measured with a dependency the project has since replaced is stale, whatever its numbers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const results = readFileSync(join(root, 'bench', 'RESULTS.md'), 'utf8');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Every package of the lock file (package.json's own included) with the versions it is locked at. */
function lockedVersions() {
  const versions = new Map();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.includes('node_modules/') || !entry.version) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    versions.set(name, new Set([...(versions.get(name) ?? []), entry.version]));
  }
  for (const deps of [manifest.dependencies, manifest.devDependencies, manifest.peerDependencies]) {
    for (const name of Object.keys(deps ?? {})) if (!versions.has(name)) versions.set(name, new Set());
  }
  return versions;
}

/** `## ` sections of a Markdown text: { title, text }. */
function sections(markdown) {
  return markdown.split(/^(?=## )/m).filter((s) => s.startsWith('## ')).map((s) => ({ title: s.split('\n')[0].slice(3), text: s }));
}

// A package name (scoped or not, in backticks or not), then `@`, a space, or " version ", then x.y.z.
const MENTION = /`?((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*)`?(?:@| version | v?)(\d+\.\d+\.\d+(?:-[\w.]+)?)/gi;

/**
 * The package versions `markdown` names that the lock file does not have, one line each. A scoped name the lock
 * does not know at all is a dependency the project dropped; an unscoped word it does not know is not a package
 * ("Node v20.20.2", "Chromium 156.0.8078.114").
 */
export function stalePackageVersions(markdown, versions = lockedVersions()) {
  const problems = [];
  for (const { title, text } of sections(markdown)) {
    for (const [, name, version] of text.matchAll(MENTION)) {
      const known = versions.get(name);
      if (!known && !name.startsWith('@')) continue;
      if (!known?.has(version)) {
        const now = known?.size ? `the lock has ${[...known].join(', ')}` : 'not a dependency any more';
        problems.push(`"${title}" names ${name} ${version}: ${now}`);
      }
    }
  }
  return [...new Set(problems)];
}

test('the check finds a package version the lock no longer has, and passes the locked ones', () => {
  const versions = lockedVersions();
  const esbuild = [...versions.get('esbuild')][0];
  const vision = [...versions.get('@mediapipe/tasks-vision')][0];
  const stale = `## Speed\n\nMeasured with \`@mediapipe/tasks-vision\` 1.1.0, bundled by esbuild 0.1.0; ` +
    `@example-gone/detector@2.0.0. On Node v20.20.2, Chromium 156.0.8078.114.\n`;
  assert.deepEqual(stalePackageVersions(stale, versions), [
    `"Speed" names @mediapipe/tasks-vision 1.1.0: the lock has ${vision}`,
    `"Speed" names esbuild 0.1.0: the lock has ${esbuild}`,
    '"Speed" names @example-gone/detector 2.0.0: not a dependency any more',
  ]);
  assert.deepEqual(stalePackageVersions(`## Now\n\n\`@mediapipe/tasks-vision\` ${vision}, esbuild ${esbuild}\n`, versions), []);
});

test('bench/RESULTS.md names no package version that package-lock.json no longer has', () => {
  assert.deepEqual(stalePackageVersions(results), []);
});

test('every section of bench/RESULTS.md says when, on which commit and machine it was measured, or that it was not', () => {
  const all = sections(results);
  assert.ok(all.length >= 3, `${all.length} sections`);
  const STAMP = /Measured \d{4}-\d{2}-\d{2} on commit [0-9a-f]{7,}[^;]*; \d+ cores/;
  const unstamped = all.filter(({ text }) => !STAMP.test(text) && !/^Not re-measured/m.test(text)).map(({ title }) => title);
  assert.deepEqual(unstamped, []);
});
