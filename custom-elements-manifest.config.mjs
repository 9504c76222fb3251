// @custom-elements-manifest/analyzer configuration: `npm run analyze` writes custom-elements.json, and the test
// suite regenerates it with this same file to check that the committed one is current.
//
// The manifest describes the public API only: the element, its registration, the package root and the modules
// whose exports the root re-exports. Editors, framework type generators and Storybook read exactly this file, so
// the plugin below removes what the analyzer cannot tell apart from the API (private and `_`-prefixed members,
// Lit's internal reactive state, events it found in code without a resolvable name) and refuses to write a
// manifest that does not describe exactly one element, `<liveness-capture>`, with every event named and typed.

import { readFileSync } from 'node:fs';
import ts from 'typescript';

const TAG = 'liveness-capture';
const CLASS = 'LivenessCapture';

/** Members that are not part of the API: ECMAScript private (`#x`), TypeScript private/protected, `_x` state. */
const isInternal = (member) =>
  member.name.startsWith('#') || member.name.startsWith('_') || member.privacy === 'private' || member.privacy === 'protected';

function publicApiOnly() {
  return {
    name: 'liveness-public-api',
    packageLinkPhase({ customElementsManifest }) {
      const elements = [];
      for (const mod of customElementsManifest.modules) {
        for (const decl of mod.declarations ?? []) {
          if (!decl.customElement) continue;
          elements.push({ mod, decl });
          const internal = new Set((decl.members ?? []).filter(isInternal).map((m) => m.name));
          decl.members = (decl.members ?? []).filter((m) => !internal.has(m.name));
          decl.attributes = (decl.attributes ?? []).filter((a) => !internal.has(a.fieldName) && !a.name.startsWith('_'));
          // Events documented with @fires carry a description; the analyzer also reports each dispatchEvent() call,
          // where it cannot read the name from an event class (`new LivenessErrorEvent(detail)` gives `detail`).
          // Those copies are dropped when a documented event has the same type, and unnamed ones always.
          const documented = new Set((decl.events ?? []).filter((e) => e.name && e.description).map((e) => e.type?.text));
          const seen = new Set();
          decl.events = (decl.events ?? []).filter((e) => {
            if (!e.name) return false;
            if (!e.description && documented.has(e.type?.text)) return false;
            if (seen.has(e.name)) return false;
            seen.add(e.name);
            return true;
          });
        }
        // Registrations the analyzer could not resolve to a literal tag (a name chosen at run time).
        mod.exports = (mod.exports ?? []).filter((e) => e.kind !== 'custom-element-definition' || e.name === TAG);
      }
      validate(customElementsManifest, elements);
    },
  };
}

/**
 * The element's constructor writes a setting's default once, as `CONFIG_DEFAULTS.<key>` (the value its attribute
 * converter returns to when the attribute is removed); the analyzer keeps only literal defaults. This plugin
 * writes the value behind it into the manifest, e.g. `0.55` for `this.threshold = CONFIG_DEFAULTS.threshold`.
 */
function configDefaults() {
  /** Top-level `const NAME = <initializer>` of a source file, by name. */
  const constants = (path) => {
    const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const found = new Map();
    for (const statement of file.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const d of statement.declarationList.declarations) if (d.initializer) found.set(d.name.getText(), d.initializer);
    }
    return found;
  };
  const known = new Map([...constants('src/pacing.ts'), ...constants('src/config-attributes.ts')]);
  const unwrap = (node) => (ts.isAsExpression(node) ? node.expression : node);
  const defaults = new Map();
  for (const property of unwrap(known.get('CONFIG_DEFAULTS')).properties) {
    let value = property.initializer;
    if (ts.isIdentifier(value)) value = known.get(value.text);
    if (!value) throw new Error(`CONFIG_DEFAULTS.${property.name.getText()} cannot be resolved to a value`);
    defaults.set(property.name.getText(), unwrap(value).getText());
  }
  /** `object` with `default` set, placed before `before` as the analyzer places it. */
  const withDefault = (object, value, before) => {
    const out = {};
    for (const [key, v] of Object.entries(object)) {
      if (key === 'default') continue;
      if (key === before) out.default = value;
      out[key] = v;
    }
    out.default ??= value;
    return out;
  };
  const assigned = new Map();
  return {
    name: 'liveness-config-defaults',
    // The analyzer's own TypeScript parses the sources: its node kinds are read with the `ts` it passes.
    analyzePhase({ ts, node }) {
      if (!ts.isConstructorDeclaration(node) || node.parent?.name?.text !== CLASS) return;
      for (const statement of node.body?.statements ?? []) {
        const e = ts.isExpressionStatement(statement) ? statement.expression : null;
        if (!e || !ts.isBinaryExpression(e) || !ts.isPropertyAccessExpression(e.left) || !ts.isPropertyAccessExpression(e.right)) continue;
        if (e.right.expression.getText() !== 'CONFIG_DEFAULTS') continue;
        const value = defaults.get(e.right.name.text);
        if (value === undefined) throw new Error(`${e.getText()}: no such default`);
        assigned.set(e.left.name.text, value);
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const decl of mod.declarations ?? []) {
          if (decl.name !== CLASS) continue;
          decl.members = decl.members.map((m) => (assigned.has(m.name) ? withDefault(m, assigned.get(m.name), 'attribute') : m));
          decl.attributes = decl.attributes.map((a) => (assigned.has(a.fieldName) ? withDefault(a, assigned.get(a.fieldName), 'fieldName') : a));
        }
      }
    },
  };
}

function validate(manifest, elements) {
  const problems = [];
  if (elements.length !== 1) problems.push(`expected exactly one custom element, found ${elements.length}`);
  for (const { mod, decl } of elements) {
    if (decl.name !== CLASS) problems.push(`element class is ${decl.name}, expected ${CLASS}`);
    if (decl.tagName !== TAG) problems.push(`${decl.name} has tag ${JSON.stringify(decl.tagName)}, expected ${TAG}`);
    for (const e of decl.events ?? []) {
      if (!/^liveness-[a-z]+(-[a-z]+)*$/.test(e.name ?? '')) problems.push(`event ${JSON.stringify(e.name)} is not named liveness-*`);
      if (!e.type?.text) problems.push(`event ${e.name} has no type`);
    }
    if (!decl.events?.length) problems.push(`${decl.name} documents no events`);
    for (const a of decl.attributes ?? []) if (a.name.startsWith('_')) problems.push(`attribute ${a.name} is internal`);
    for (const m of decl.members ?? []) if (isInternal(m)) problems.push(`member ${m.name} is internal`);
    if (!mod.path) problems.push('element module has no path');
  }
  const definitions = manifest.modules.flatMap((m) => (m.exports ?? []).filter((e) => e.kind === 'custom-element-definition'));
  if (definitions.length !== 1 || definitions[0].name !== TAG || definitions[0].declaration?.name !== CLASS) {
    problems.push(`expected one registration of ${TAG} as ${CLASS}, found ${JSON.stringify(definitions)}`);
  }
  if (problems.length) throw new Error(`custom-elements.json would be wrong:\n- ${problems.join('\n- ')}`);
}

export default {
  globs: ['src/**/*.ts'],
  exclude: [
    // Registration under a run-time tag name: not an element of its own.
    'src/define-subclass.ts',
    // The React wrapper is generated from this manifest (scripts/framework-types.mjs).
    'src/react.ts',
    // Internals: the pure logic, the controllers, the view, the styles and the message catalog.
    'src/abort.ts',
    'src/config.ts',
    'src/controllers/**',
    'src/encoder.ts',
    'src/frame.ts',
    'src/frame-measure.ts',
    'src/gate.ts',
    'src/guidance.ts',
    'src/i18n/**',
    'src/liveness-check.ts',
    'src/quality.ts',
    'src/response.ts',
    'src/styles.ts',
    'src/submit.ts',
    'src/view.ts',
  ],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [configDefaults(), publicApiOnly()],
};
