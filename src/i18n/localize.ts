/**
 * Language choice and message lookup for `<liveness-capture>`. Pure functions: nothing here touches the DOM or
 * `navigator` at import time.
 */
import type { LivenessErrorCode } from '../errors.js';
import type { HintCode } from '../events.js';
import type { LivenessStatus } from '../status.js';
import { CATALOG_LOADERS, en, type MessageKey, type Messages } from './catalog.js';

export type { MessageKey, Messages } from './catalog.js';

export type { HintCode };

/** Languages with a built-in catalog, as primary language subtags. */
export const SUPPORTED_LANGUAGES: readonly string[] = Object.freeze(['en', 'es', 'fr', 'de', 'pt', 'hi', 'ar']);

export const DEFAULT_LANGUAGE = 'en';

/** Primary subtags of languages written right to left. */
const RTL_LANGUAGES = new Set(['ar', 'he', 'iw', 'fa', 'ur', 'ps', 'sd', 'ug', 'yi', 'dv', 'ckb', 'syr']);
/** Script subtags written right to left (e.g. `pa-Arab`, `az-Arab`). */
const RTL_SCRIPTS = new Set(['arab', 'hebr', 'thaa', 'syrc', 'nkoo', 'adlm', 'rohg', 'mand', 'samr']);

function subtags(tag: string): string[] {
  return tag.trim().toLowerCase().split(/[-_]/);
}

/** The primary subtag of a BCP 47 tag (`pt-BR` → `pt`, `zh_Hant` → `zh`), or '' for an empty tag. */
export function primaryLanguage(tag: string | null | undefined): string {
  return typeof tag === 'string' ? (subtags(tag)[0] ?? '') : '';
}

function supported(tag: string | null | undefined): string | undefined {
  const primary = primaryLanguage(tag);
  return primary !== '' && SUPPORTED_LANGUAGES.includes(primary) ? primary : undefined;
}

/**
 * Picks the catalog language: the first of `requested` (the element's own `lang`), `pageLang` (the document's),
 * then `navigatorLanguages` in order, whose primary subtag has a catalog; otherwise English. When
 * `navigatorLanguages` is omitted, `navigator.languages` (or `navigator.language`) is read at call time; pass `[]`
 * to ignore the browser.
 */
export function resolveLanguage(
  requested: string | null | undefined,
  pageLang?: string | null,
  navigatorLanguages?: readonly string[],
): string {
  const browser = navigatorLanguages ?? browserLanguages();
  for (const tag of [requested, pageLang, ...browser]) {
    const match = supported(tag);
    if (match) return match;
  }
  return DEFAULT_LANGUAGE;
}

function browserLanguages(): readonly string[] {
  const nav = (globalThis as { navigator?: { languages?: readonly string[]; language?: string } }).navigator;
  if (!nav) return [];
  if (nav.languages && nav.languages.length > 0) return nav.languages;
  return nav.language ? [nav.language] : [];
}

/** Whether text in `lang` runs right to left (Arabic, Hebrew, Persian, Urdu, … or an RTL script subtag). */
export function isRtl(lang: string): boolean {
  const [primary = '', ...rest] = subtags(lang);
  if (RTL_LANGUAGES.has(primary)) return true;
  return rest.some((tag) => tag.length === 4 && RTL_SCRIPTS.has(tag));
}

/** Catalogs loaded so far, by primary subtag. English is always there (it ships with the element). */
const loaded = new Map<string, Messages>([[DEFAULT_LANGUAGE, en]]);
const loading = new Map<string, Promise<Messages>>();

/** True when the catalog `messagesFor(lang)` would use is loaded (English always is). */
export function catalogLoaded(lang: string): boolean {
  return loaded.has(supported(lang) ?? DEFAULT_LANGUAGE);
}

/**
 * Loads the catalog for `lang` (matched like `messagesFor`); resolves with it. A catalog that fails to load
 * resolves with English, and the next call tries again.
 */
export function loadCatalog(lang: string): Promise<Messages> {
  const primary = supported(lang) ?? DEFAULT_LANGUAGE;
  const ready = loaded.get(primary);
  if (ready) return Promise.resolve(ready);
  let pending = loading.get(primary);
  if (!pending) {
    const load = CATALOG_LOADERS[primary];
    pending = (load ? load() : Promise.resolve(en)).then(
      (messages) => {
        loaded.set(primary, messages);
        loading.delete(primary);
        return messages;
      },
      () => {
        loading.delete(primary);
        return en;
      },
    );
    loading.set(primary, pending);
  }
  return pending;
}

/**
 * The messages for `lang` (any tag; matched by primary subtag, English when unsupported or not loaded yet: see
 * `loadCatalog`), with `overrides` applied on top. Overrides are single strings keyed by message id; keys the catalog does not know and values that are
 * not strings are ignored. Returns a fresh object.
 */
export function messagesFor(lang: string, overrides?: Partial<Record<string, string>>): Messages {
  const base = loaded.get(supported(lang) ?? DEFAULT_LANGUAGE) ?? en;
  const messages: Messages = { ...base };
  if (overrides) {
    for (const [key, value] of Object.entries(overrides)) {
      if (Object.hasOwn(en, key) && typeof value === 'string') messages[key as MessageKey] = value;
    }
  }
  return messages;
}

/** Replaces each `{name}` in `template` with `values[name]`; a placeholder without a value stays as written. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{([A-Za-z_][\w-]*)\}/g, (match, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : match,
  );
}

/** The placeholder names used in a template, in order of first appearance. */
export function placeholders(template: string): string[] {
  const names = [...template.matchAll(/\{([A-Za-z_][\w-]*)\}/g)].map((m) => m[1] as string);
  return [...new Set(names)];
}

/**
 * The language of `element` as HTML inherits it: the nearest `lang` attribute on the element or an ancestor,
 * continuing from a shadow root's host up to the document. `null` when there is none or it is empty (unknown).
 */
export function languageOf(element: Element): string | null {
  let node: Element | null = element;
  while (node) {
    const withLang: Element | null = node.closest('[lang]');
    if (withLang) {
      const lang = withLang.getAttribute('lang')?.trim() ?? '';
      return lang === '' ? null : lang;
    }
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return null;
}

/** The message id of a `liveness-error` code. */
export function errorKey(code: LivenessErrorCode): MessageKey {
  return `error.${code}`;
}

/** The message id of a status line. */
export function statusKey(status: LivenessStatus): MessageKey {
  return `state.${status}`;
}

/** The message id of a hint. Every hint code must have one: a code without its `hint.<code>` text fails to compile here. */
export function hintKey(hint: HintCode): MessageKey {
  return `hint.${hint}`;
}
