// Vue 3 (Vite, @vitejs/plugin-vue) compiles <liveness-capture> as a custom element (`isCustomElement`) and
// `import type {} from 'liveness-capture/vue'` types it for vue-tsc with strictTemplates: properties, `@liveness-*`
// handlers and their details. Vue sets the bindings as properties (`:headers` is an object).
import { exampleTests } from '../support/apps.mjs';

exampleTests('vue', { title: 'Vue 3', checker: 'vue-tsc, strictTemplates', negative: 'negative/Wrong.vue' });
