// The framework typings and the React wrapper come from custom-elements.json (scripts/framework-types.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeElement, generate } from '../../scripts/framework-types.mjs';
import { root } from '../support/apps.mjs';

const manifest = () => JSON.parse(readFileSync(join(root, 'custom-elements.json'), 'utf8'));
const element = (m) => m.modules.flatMap((mod) => mod.declarations ?? []).find((d) => d.tagName === 'liveness-capture');

test('every public property and every named event of the manifest is typed, with its handler names', () => {
  const m = manifest();
  const api = describeElement(m);
  const files = generate(m);
  const fields = element(m).members.filter((x) => x.kind === 'field' && !x.readonly && !x.static);
  assert.ok(fields.length >= 10);
  assert.deepEqual(api.properties.map((p) => p.name), fields.map((f) => f.name));
  assert.ok(api.events.length >= 5 && api.events.every((e) => e.name.startsWith('liveness-') && e.type));
  for (const e of api.events) {
    assert.ok(files['types/jsx.d.ts'].includes(`'on${e.name}'?: (event: ${e.type}) => void;`), e.name);
    assert.ok(files['types/svelte.d.ts'].includes(`'on${e.name}'?: (event: ${e.type}) => void;`), e.name);
    const camel = e.name.replace(/-([a-z])/g, (_, c) => c.toUpperCase()).replace(/^./, (c) => c.toUpperCase());
    assert.ok(files['types/vue.d.ts'].includes(`on${camel}?: (event: ${e.type}) => void;`), e.name);
    assert.ok(files['src/react.ts'].includes(`on${camel}: '${e.name}' as EventName<${e.type}>,`), e.name);
  }
});

test('private and underscore members, static and read-only fields and unnamed events stay out', () => {
  const clean = generate(manifest());
  const m = manifest();
  const el = element(m);
  el.members.push(
    { kind: 'field', name: '_view', privacy: 'public', type: { text: 'object' } },
    { kind: 'field', name: 'secret', privacy: 'private' },
    { kind: 'field', name: '#run', privacy: 'private' },
    { kind: 'field', name: 'styles', static: true },
    { kind: 'field', name: 'status', readonly: true },
  );
  el.events.push({ type: { text: 'LivenessErrorEvent' } }, { name: '', type: { text: 'Event' } });
  assert.deepEqual(generate(m), clean);
});

test('a manifest without the element is refused', () => {
  assert.throws(() => generate({ schemaVersion: '1.0.0', modules: [] }), /declares no <liveness-capture>/);
});
