#!/usr/bin/env node
// Framework typings and the React wrapper, generated from custom-elements.json:
//   types/properties.d.ts  the element's settable properties, which the three below extend
//   types/jsx.d.ts     React 19 JSX (`liveness-capture/jsx`): properties and `onliveness-*` handlers
//   types/vue.d.ts     Vue 3 GlobalComponents (`liveness-capture/vue`), checked by vue-tsc
//   types/svelte.d.ts  Svelte 5 SvelteHTMLElements (`liveness-capture/svelte`), checked by svelte-check
//   src/react.ts       `liveness-capture/react`: the @lit/react wrapper with `onLivenessPass`-style props
// The manifest names the properties and events; their types come from the element class itself, so a typing can
// never disagree with the code. `--check` exits 1 when a committed file differs from what the manifest gives.
// Usage: node scripts/framework-types.mjs [--check] [--manifest custom-elements.json]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TAG = 'liveness-capture';
const HEADER = '// Generated from custom-elements.json by scripts/framework-types.mjs (npm run analyze). Do not edit.';

/** The element's public API as the manifest describes it. */
export function describeElement(manifest, tagName = TAG) {
  const declarations = manifest.modules.flatMap((m) => (m.declarations ?? []).map((d) => ({ ...d, module: m.path })));
  const byRef = (ref) => declarations.find((d) => d.name === ref?.name && (!ref.module || d.module === ref.module));
  const element = declarations.find((d) => d.tagName === tagName);
  if (!element) throw new Error(`custom-elements.json declares no <${tagName}>`);
  // A subclass registered under the tag inherits the documented API of its superclass.
  const chain = [];
  for (let d = element; d; d = byRef(d.superclass)) {
    if (chain.includes(d)) break;
    chain.push(d);
  }
  const className = element.name;
  const isPublic = (m) => m.name && !m.name.startsWith('_') && !m.name.startsWith('#') && (m.privacy ?? 'public') === 'public';
  const properties = [];
  const events = [];
  for (const d of chain) {
    for (const m of d.members ?? []) {
      if (m.kind !== 'field' || !isPublic(m) || m.static || m.readonly) continue;
      if (!properties.some((p) => p.name === m.name)) properties.push({ name: m.name, attribute: m.attribute ?? null, description: m.description ?? '' });
    }
    for (const e of d.events ?? []) {
      if (!e.name || e.name.startsWith('_') || !/^[a-z][a-z0-9-]*$/.test(e.name)) continue;
      const type = e.type?.text && /^[A-Z]\w*$/.test(e.type.text) ? e.type.text : null;
      if (!events.some((x) => x.name === e.name)) events.push({ name: e.name, type, description: e.description ?? '' });
    }
  }
  if (properties.length === 0) throw new Error(`custom-elements.json lists no public properties for <${tagName}>`);
  return { tagName, className, properties, events };
}

const camel = (name) => name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const pascal = (name) => camel(name).replace(/^./, (c) => c.toUpperCase());
const doc = (text, indent = '  ') => (text ? `${indent}/** ${text.replace(/\*\//g, '*\\/').replace(/\s*\n\s*/g, ' ')} */\n` : '');
const eventType = (e) => e.type ?? 'CustomEvent';
/** The event used in examples inside the generated comments. */
const sample = (api) => (api.events.find((e) => e.name.endsWith('-pass')) ?? api.events[0])?.name ?? 'event';

function imports(api, from, withClass = true) {
  const names = [...new Set([...(withClass ? [api.className] : []), ...api.events.map((e) => e.type).filter(Boolean)])].sort();
  return `import type { ${names.join(', ')} } from '${from}';`;
}

/** The element's settable properties, shared by every framework's typing. */
function properties(api) {
  const lines = api.properties.map((p) => `${doc(p.description)}  ${p.name}?: ${api.className}['${p.name}'];`).join('\n');
  return `${HEADER}
import type { ${api.className} } from '../dist/index.js';

/** The settable properties of <${api.tagName}>, each typed as the element declares it. */
export interface ${api.className}Properties {
${lines}
}
`;
}

/**
 * A framework's typing: its props interface (the shared properties plus one handler per event, named by
 * `handler`), the module it augments and how.
 */
function framework(api, { intro, imports: extra, suffix, handler, doc: summary, augment }) {
  const handlers = api.events.map((e) => `${doc(e.description)}  ${handler(e.name)}?: (event: ${eventType(e)}) => void;`).join('\n');
  const props = `${api.className}${suffix}Props`;
  return `${HEADER}
${intro}
${extra}
${imports(api, '../dist/index.js', augment(props).includes(`<${api.className}>`))}
import type { ${api.className}Properties } from './properties.js';

/** ${summary} */
export interface ${props} extends ${api.className}Properties {
${handlers}
}

${augment(props)}
`;
}

const jsx = (api) => framework(api, {
  intro: "// React 19 sets these as properties and listens for the events: `import type {} from 'liveness-capture/jsx'`.",
  imports: "import type { DetailedHTMLProps, HTMLAttributes } from 'react';",
  suffix: 'Jsx',
  handler: (name) => `'on${name}'`,
  doc: `Properties and event handlers of <${api.tagName}> in JSX.`,
  augment: (props) => `export type ${api.className}IntrinsicProps = Omit<DetailedHTMLProps<HTMLAttributes<${api.className}>, ${api.className}>, keyof ${props}> &
  ${props};

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      '${api.tagName}': ${api.className}IntrinsicProps;
    }
  }
}`,
});

const vue = (api) => framework(api, {
  intro: `// Vue 3 templates (vue-tsc, strictTemplates): \`import type {} from 'liveness-capture/vue'\`; compile
// <${api.tagName}> as a custom element (\`isCustomElement: (tag) => tag === '${api.tagName}'\`).`,
  imports: "import type { DefineComponent } from 'vue';",
  suffix: 'Vue',
  handler: (name) => `on${pascal(name)}`,
  doc: `Properties of <${api.tagName}> and its events as \`@${sample(api)}\` handlers.`,
  augment: (props) => `declare module 'vue' {
  interface GlobalComponents {
    '${api.tagName}': DefineComponent<${props}>;
  }
}`,
});

const svelte = (api) => framework(api, {
  intro: `// Svelte 5 (svelte-check): \`import type {} from 'liveness-capture/svelte'\`. Svelte sets these as properties and
// listens for \`on${sample(api)}\` and the other events.`,
  imports: "import type { HTMLAttributes } from 'svelte/elements';",
  suffix: 'Svelte',
  handler: (name) => `'on${name}'`,
  doc: `Properties and event handlers of <${api.tagName}> in Svelte markup.`,
  augment: (props) => `declare module 'svelte/elements' {
  interface SvelteHTMLElements {
    '${api.tagName}': Omit<HTMLAttributes<${api.className}>, keyof ${props}> & ${props};
  }
}`,
});

function react(api) {
  const typed = api.events.filter((e) => e.type);
  const lines = api.events.map((e) => `${doc(e.description, '    ')}    on${pascal(e.name)}: '${e.name}' as EventName<${eventType(e)}>,`).join('\n');
  return `${HEADER}
// \`liveness-capture/react\`: <${api.className}> for React 18 and 19. Every prop is set as a property (objects such
// as \`headers\` and \`messages\` too), \`on${pascal(sample(api))}\`-style props listen for the element's events, and a
// ref reaches the element.
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { ${api.className} as ${api.className}Element } from './liveness-capture.js';
import './define.js';
${typed.length ? `import type { ${[...new Set(typed.map((e) => e.type))].sort().join(', ')} } from './events.js';\n` : ''}
export const ${api.className} = createComponent({
  tagName: '${api.tagName}',
  elementClass: ${api.className}Element,
  react: React,
  events: {
${lines}
  },
  displayName: '${api.className}',
});

export type ${api.className}Props = React.ComponentProps<typeof ${api.className}>;
`;
}

export function generate(manifest) {
  const api = describeElement(manifest);
  return {
    'types/properties.d.ts': properties(api),
    'types/jsx.d.ts': jsx(api),
    'types/vue.d.ts': vue(api),
    'types/svelte.d.ts': svelte(api),
    'src/react.ts': react(api),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const mi = args.indexOf('--manifest');
  const manifestPath = join(root, mi >= 0 ? args[mi + 1] : 'custom-elements.json');
  const files = generate(JSON.parse(readFileSync(manifestPath, 'utf8')));
  const stale = [];
  for (const [name, text] of Object.entries(files)) {
    const file = join(root, name);
    const current = existsSync(file) ? readFileSync(file, 'utf8') : null;
    if (current === text) continue;
    if (check) stale.push(name);
    else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      console.log(`wrote ${relative(root, file)}`);
    }
  }
  if (stale.length) {
    console.error(`stale (run npm run analyze): ${stale.join(', ')}`);
    process.exit(1);
  }
}
