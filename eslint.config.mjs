// ESLint (flat config): JavaScript and typescript-eslint recommended everywhere; the lit and web-component rule
// sets (eslint-plugin-lit recommended, eslint-plugin-wc best-practice) on the browser code.
import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const browserCode = ['src/**/*.ts', 'test/**/*.ts', 'demo/**/*.ts', 'examples/**/*.{js,ts,tsx}'];
const nodeCode = ['server/**/*.ts', 'scripts/**/*.mjs', 'bench/**/*.mjs', 'test/**/*.mjs', '*.config.{mjs,ts}'];

export default tseslint.config(
  {
    ignores: [
      'dist/**', 'dist-demo/**', 'node_modules/**', 'examples/*/node_modules/**', 'examples/*/dist/**', 'examples/*/.angular/**', 'examples/*/.next/**', 'examples/*/next-env.d.ts', '.cache/**', 'bench-results/**', 'custom-elements.json', 'test/fixtures/**',
      // MediaPipe's wasm loader, copied from @mediapipe/tasks-vision by scripts/copy-wasm.mjs (not ours, not committed).
      'src/assets/vision_wasm_*internal.*', 'src/assets/vision_wasm_loader.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: browserCode,
    ...lit.configs['flat/recommended'],
  },
  {
    files: browserCode,
    ...wc.configs['flat/best-practice'],
  },
  {
    files: browserCode,
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: nodeCode,
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['test/**/*.ts'],
    languageOptions: { globals: { ...globals.mocha } },
    rules: {
      // Chai assertions are property reads: expect(x).to.be.true.
      '@typescript-eslint/no-unused-expressions': 'off',
      // Event details of several shapes are read in one helper; the assertions check them.
      '@typescript-eslint/no-explicit-any': 'off',
      // Tests build closed shadow roots on purpose to check the element copes with them.
      'wc/no-closed-shadow-root': 'off',
    },
  },
  {
    // Callbacks passed to puppeteer's page.evaluate/waitForFunction run in the browser.
    files: ['test/consumer/**/*.mjs', 'test/network/**/*.mjs', 'test/frameworks/**/*.mjs', 'test/support/apps.mjs', 'scripts/screenshots.mjs', 'bench/element.mjs', 'bench/peers.mjs', 'bench/soak.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // The benchmark's in-page script, bundled for the browser.
    files: ['bench/peers-page.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Matching ANSI colour codes (ESC, \x1b) in a dev server's output is the point of that regular expression.
    files: ['test/consumer/**/*.mjs', 'test/support/apps.mjs'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    // Unused names are a compile error already (noUnusedLocals/Parameters); a leading underscore marks one on purpose.
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
