// Svelte 5 (Vite, @sveltejs/vite-plugin-svelte) uses <liveness-capture> directly; `import type {} from
// 'liveness-capture/svelte'` types its properties and `onliveness-*` handlers for svelte-check. Svelte sets the
// attributes as properties (`headers` is an object) and listens for the events.
import { exampleTests } from '../support/apps.mjs';

exampleTests('svelte', { title: 'Svelte 5', checker: 'svelte-check', negative: 'negative/Wrong.svelte' });
