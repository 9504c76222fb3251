// React 19 (Vite react-ts) uses <liveness-capture> directly: `import type {} from 'liveness-capture/jsx'` types
// its properties and `onliveness-*` handlers; React sets the props as properties and listens for the events.
// The wrapper that React 18 needs works in React 19 too (the same app at `?wrapper`).
import { test } from 'node:test';
import { checkPassAndDenied, exampleTests } from '../support/apps.mjs';

const ctx = exampleTests('react19', { title: 'React 19', checker: 'tsc', negative: 'negative/wrong.tsx' });

test('React 19 with the wrapper (liveness-capture/react): a face passes and a blocked camera errors', async () => {
  await checkPassAndDenied('react19 wrapper', ctx.server.origin, ctx.server.received, { path: '/?wrapper', header: 'react19' });
});
