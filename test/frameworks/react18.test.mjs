// React 18 cannot pass objects or listen for custom events on a custom element: it uses the package's wrapper,
// `liveness-capture/react` (@lit/react), with `onLivenessPass`-style props, properties and a forwarded ref.
import assert from 'node:assert/strict';
import { exampleTests } from '../support/apps.mjs';

exampleTests('react18', {
  title: 'React 18',
  checker: 'tsc',
  negative: 'negative/wrong.tsx',
  extra: async (page) => assert.equal(await page.$eval('#ref', (el) => el.textContent), 'liveness-capture', 'the ref reaches the element'),
});
