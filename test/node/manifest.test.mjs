// custom-elements.json is the API that editors, framework type generators and Storybook read: it must name the
// element and tag, and agree with the README's tables in both directions (attributes, properties, methods,
// events, parts, slots, custom properties with their defaults) and with the defaults the stylesheet really uses.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('../../', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');
const manifest = JSON.parse(read('custom-elements.json'));
const readme = read('README.md');
const pkg = JSON.parse(read('package.json'));

const elements = manifest.modules.flatMap((m) => (m.declarations ?? []).filter((d) => d.customElement).map((d) => ({ module: m, decl: d })));
const element = elements[0]?.decl;

/** The README text from `heading` to the next heading of the same or a higher level. */
function section(heading) {
  const start = readme.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `README has no "${heading}" section`);
  const level = heading.match(/^#+/)[0].length;
  const rest = readme.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`\\n#{1,${level}} `));
  return end < 0 ? rest : rest.slice(0, end);
}

/** The rows of the first markdown table in `text`, as arrays of cells (header and separator dropped). */
function tableRows(text) {
  const lines = text.split('\n').filter((l) => l.startsWith('|'));
  assert.ok(lines.length > 2, 'expected a markdown table');
  // An escaped pipe (`auto \| manual`) stays inside its cell.
  return lines.slice(2).map((line) => line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.replace(/\\\|/g, '|').trim()));
}

/** The `code` spans of a cell or sentence. */
const codes = (text) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

const sorted = (values) => [...new Set(values)].sort();

function sameSet(actual, expected, what) {
  assert.ok(expected.length > 0, `README documents no ${what}`);
  assert.deepEqual(sorted(actual), sorted(expected), `${what}: manifest (actual) vs README (expected)`);
}

test('exactly one element: class LivenessCapture, tag liveness-capture, registered as such', () => {
  assert.equal(elements.length, 1);
  assert.equal(element.name, 'LivenessCapture');
  assert.equal(element.tagName, 'liveness-capture');
  assert.equal(elements[0].module.path, 'src/liveness-capture.ts');
  const definitions = manifest.modules.flatMap((m) => (m.exports ?? []).filter((e) => e.kind === 'custom-element-definition'));
  assert.deepEqual(definitions.map((d) => [d.name, d.declaration.name, d.declaration.module]), [
    ['liveness-capture', 'LivenessCapture', '/src/liveness-capture.js'],
  ]);
  assert.equal(pkg.customElements, 'custom-elements.json');
});

test('attributes and their properties match the README table, both ways', () => {
  const rows = tableRows(section('### Attributes and properties'));
  const attributes = rows.flatMap(([attribute]) => codes(attribute));
  sameSet(element.attributes.map((a) => a.name), attributes, 'attributes');
  // Where both columns name something, they pair up in order, and the manifest links them the same way.
  let pairs = 0;
  for (const [attributeCell, propertyCell] of rows) {
    const names = codes(attributeCell);
    const fields = codes(propertyCell);
    if (!names.length || !fields.length) continue;
    assert.equal(names.length, fields.length, `README row ${attributeCell} | ${propertyCell}`);
    names.forEach((name, i) => {
      const attribute = element.attributes.find((a) => a.name === name);
      if (attribute.fieldName !== undefined) {
        assert.equal(attribute.fieldName, fields[i], `attribute ${name}`);
        pairs++;
      }
    });
  }
  assert.ok(pairs >= 15, `only ${pairs} attribute/property pairs checked`);
  // No internal state leaks into the attribute list.
  assert.ok(element.attributes.every((a) => /^[a-z]+(-[a-z]+)*$/.test(a.name)));
});

test('public properties and methods match the README, both ways; nothing private is listed', () => {
  const rows = tableRows(section('### Attributes and properties'));
  const properties = rows.flatMap(([, property]) => codes(property));
  const fields = element.members.filter((m) => m.kind === 'field' && !m.static);
  sameSet(fields.map((m) => m.name), properties, 'properties');
  const methods = [...section('### Methods').matchAll(/^- `([a-zA-Z]+)\(\)`/gm)].map((m) => m[1]);
  sameSet(element.members.filter((m) => m.kind === 'method' && !m.static).map((m) => m.name), methods, 'methods');
  for (const m of element.members) {
    assert.ok(!m.name.startsWith('_') && !m.name.startsWith('#'), `member ${m.name} is internal`);
    assert.ok(m.privacy === undefined || m.privacy === 'public', `member ${m.name} is ${m.privacy}`);
  }
});

test('every event is named and typed, and the events match the README table, both ways', () => {
  for (const event of element.events) {
    assert.match(event.name ?? '', /^liveness-[a-z]+$/, JSON.stringify(event));
    assert.match(event.type?.text ?? '', /^Liveness[A-Za-z]+Event$/, JSON.stringify(event));
    assert.ok(event.description, `event ${event.name} has no description`);
  }
  const documented = tableRows(section('### Events')).flatMap(([name]) => codes(name));
  sameSet(element.events.map((e) => e.name), documented, 'events');
});

test('parts and slots match the README, both ways', () => {
  const styling = section('### Styling');
  const partsText = styling.slice(styling.indexOf('Parts:'), styling.indexOf('Slots:'));
  const slotsText = styling.slice(styling.indexOf('Slots:'), styling.indexOf('\n\n', styling.indexOf('Slots:')));
  sameSet(element.cssParts.map((p) => p.name), codes(partsText), 'parts');
  sameSet(element.slots.map((s) => s.name), codes(slotsText).filter((c) => /^[a-z-]+$/.test(c)), 'slots');
});

test('custom properties and their defaults match the README table, both ways', () => {
  const rows = tableRows(section('### Styling')).filter(([name]) => name.startsWith('`--liveness-'));
  const readmeDefaults = Object.fromEntries(rows.map(([name, value]) => [codes(name)[0], codes(value)[0]]));
  sameSet(element.cssProperties.map((p) => p.name), Object.keys(readmeDefaults), 'custom properties');
  for (const prop of element.cssProperties) assert.equal(prop.default, readmeDefaults[prop.name], prop.name);
});

/** Every `var(--liveness-x, fallback)` in the stylesheet, with the fallback read up to its closing parenthesis. */
function usesIn(css) {
  const uses = [];
  for (const match of css.matchAll(/var\((--liveness-[a-z-]+)\s*,\s*/g)) {
    let depth = 1;
    let i = match.index + match[0].length;
    const start = i;
    for (; i < css.length && depth > 0; i++) {
      if (css[i] === '(') depth++;
      else if (css[i] === ')') depth--;
    }
    uses.push({ name: match[1], fallback: css.slice(start, i - 1).trim() });
  }
  return uses;
}

test('the stylesheet reads every custom property with its documented default and never declares one', () => {
  const css = read('src/styles.ts');
  assert.doesNotMatch(css, /^\s*--liveness-[a-z-]+\s*:/m, 'a custom property is declared in the stylesheet');
  assert.doesNotMatch(css, /var\(--liveness-[a-z-]+\)/, 'a custom property is read without a default');
  const uses = usesIn(css);
  const documented = Object.fromEntries(element.cssProperties.map((p) => [p.name, p.default]));
  const norm = (value) => value.replace(/\s+/g, '');
  for (const use of uses) {
    assert.ok(use.name in documented, `${use.name} is used but not documented`);
    assert.equal(norm(use.fallback), norm(documented[use.name]), `default of ${use.name}`);
  }
  sameSet(uses.map((u) => u.name), Object.keys(documented), 'custom properties used by the stylesheet');
});

test('liveness-capture/element (and ./liveness-capture.js) is the class module, without side effects', () => {
  const entry = pkg.exports['./element'];
  assert.deepEqual(entry, pkg.exports['./liveness-capture.js']);
  assert.equal(entry.default, './dist/liveness-capture.js');
  assert.ok(!pkg.sideEffects.includes(entry.default), 'the class module is marked as having side effects');
  // Built by `npm run build` (scripts/test.mjs builds before the Node tests).
  for (const file of [entry.default, entry.types]) assert.ok(existsSync(new URL(file, root)), `${file} is missing: npm run build`);
  assert.doesNotMatch(read(entry.default), /customElements\.define/);
  assert.doesNotMatch(read('src/liveness-capture.ts'), /customElements\.define/);
  // The registering modules are the ones marked as having side effects.
  assert.match(read('src/define.ts'), /if \(!customElements\.get\('liveness-capture'\)\) customElements\.define\('liveness-capture', LivenessCapture\);/);
  assert.ok(pkg.sideEffects.includes('./dist/define.js'));
});

test('every setting with a default shows it, including those written as CONFIG_DEFAULTS.<key>', () => {
  const byName = new Map(element.members.map((m) => [m.name, m]));
  const attributes = new Map(element.attributes.map((a) => [a.fieldName, a]));
  for (const [name, value] of [['threshold', '0.55'], ['minFaceSize', '128'], ['captureMode', "'auto'"], ['politeness', "'polite'"], ['requestTimeout', '30_000'], ['virtualCamera', "'flag'"]]) {
    assert.equal(byName.get(name)?.default, value, name);
    assert.equal(attributes.get(name)?.default, value, name);
  }
  for (const name of ['holdMs', 'maxFps']) assert.match(byName.get(name)?.default ?? '', /^\d+$/, name);
});

test('the analyzer plugin drops what is not API and refuses a manifest that is wrong', async () => {
  const { default: config } = await import(new URL('custom-elements-manifest.config.mjs', root).href);
  const plugin = config.plugins.find((p) => p.name === 'liveness-public-api');
  const element = (extra = {}) => ({
    kind: 'class',
    name: 'LivenessCapture',
    tagName: 'liveness-capture',
    customElement: true,
    members: [
      { kind: 'field', name: 'threshold', attribute: 'threshold' },
      { kind: 'field', name: '_view', privacy: 'public', attribute: '_view' },
      { kind: 'field', name: '#run', privacy: 'private' },
    ],
    attributes: [{ name: 'threshold', fieldName: 'threshold' }, { name: '_view', fieldName: '_view' }],
    events: [
      { type: { text: 'LivenessProgressEvent' } },
      { name: 'detail', type: { text: 'LivenessErrorEvent' } },
      { name: 'liveness-error', type: { text: 'LivenessErrorEvent' }, description: 'Anything else.' },
    ],
    ...extra,
  });
  const definition = (name) => ({ kind: 'custom-element-definition', name, declaration: { name: 'LivenessCapture', module: '/src/liveness-capture.js' } });
  const run = (declarations, exports = [definition('liveness-capture')]) => {
    const customElementsManifest = { modules: [{ kind: 'javascript-module', path: 'src/liveness-capture.ts', declarations, exports }] };
    plugin.packageLinkPhase({ customElementsManifest });
    return customElementsManifest.modules[0];
  };

  const cleaned = run([element()]).declarations[0];
  assert.deepEqual(cleaned.members.map((m) => m.name), ['threshold']);
  assert.deepEqual(cleaned.attributes.map((a) => a.name), ['threshold']);
  assert.deepEqual(cleaned.events.map((e) => e.name), ['liveness-error']);
  // A registration under a run-time name is dropped; the literal one stays.
  assert.deepEqual(run([element()], [definition('tagName'), definition('liveness-capture')]).exports.map((e) => e.name), ['liveness-capture']);

  assert.throws(() => run([element({ tagName: undefined })]), /has tag undefined/);
  assert.throws(() => run([element(), element()]), /exactly one custom element, found 2/);
  assert.throws(() => run([element({ name: 'anonymous_0' })]), /element class is anonymous_0/);
  assert.throws(() => run([element({ events: [{ name: 'progress', type: { text: 'LivenessProgressEvent' }, description: 'x' }] })]), /not named liveness-\*/);
  assert.throws(() => run([element({ events: [{ name: 'liveness-error', description: 'x' }] })]), /has no type/);
  assert.throws(() => run([element()], []), /one registration of liveness-capture/);
});
