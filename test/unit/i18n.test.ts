import { expect, fixture, html } from '@open-wc/testing';
import { LIVENESS_ERROR_CODES } from '../../src/errors.js';
import { en, type Messages } from '../../src/i18n/catalog.js';
import {
  SUPPORTED_LANGUAGES,
  errorKey,
  format,
  hintKey,
  isRtl,
  catalogLoaded,
  languageOf,
  loadCatalog,
  messagesFor,
  placeholders,
  resolveLanguage,
  statusKey,
  type HintCode,
  type MessageKey,
} from '../../src/i18n/localize.js';

const englishKeys = Object.keys(en).sort();

/** Only English ships with the element; every other catalog is its own chunk, loaded here before the tests. */
const lazyBefore = SUPPORTED_LANGUAGES.filter((lang) => !catalogLoaded(lang));
const CATALOGS: Record<string, Messages> = Object.fromEntries(
  await Promise.all(SUPPORTED_LANGUAGES.map(async (lang) => [lang, await loadCatalog(lang)] as const)),
);

/** Keys whose translation may legitimately equal English (proper nouns, numbers only). None so far. */
const SAME_AS_ENGLISH_ALLOWED = new Set<string>();

/** The script each non-Latin catalog must be written in (every message has at least one such letter). */
const SCRIPT: Record<string, RegExp> = { hi: /\p{Script=Devanagari}/u, ar: /\p{Script=Arabic}/u };

describe('i18n catalogs', () => {
  it('loads only English up front: the others load on demand', () => {
    expect(lazyBefore).to.deep.equal(['es', 'fr', 'de', 'pt', 'hi', 'ar']);
    expect(SUPPORTED_LANGUAGES.every((lang) => catalogLoaded(lang))).to.equal(true);
  });

  it('has a catalog for every supported language and nothing else', () => {
    expect(Object.keys(CATALOGS).sort()).to.deep.equal([...SUPPORTED_LANGUAGES].sort());
    expect(SUPPORTED_LANGUAGES).to.deep.equal(['en', 'es', 'fr', 'de', 'pt', 'hi', 'ar']);
  });

  it('has a message for every error code, status and hint the element uses', () => {
    for (const code of LIVENESS_ERROR_CODES) expect(en, code).to.have.property(`error.${code}`);
    const statuses = ['idle', 'starting', 'detecting', 'capturing', 'submitting', 'passed', 'failed', 'error'];
    for (const status of statuses) expect(en, status).to.have.property(`state.${status}`);
    const hints = ['no-face', 'multiple-faces', 'move-closer', 'move-back', 'center-face', 'too-dark', 'too-bright',
      'too-blurry', 'face-turned', 'hold-still'];
    for (const hint of hints) expect(en, hint).to.have.property(`hint.${hint}`);
    expect(errorKey('CAMERA_DENIED')).to.equal('error.CAMERA_DENIED');
    expect(statusKey('submitting')).to.equal('state.submitting');
    expect(hintKey('move-closer' satisfies HintCode)).to.equal('hint.move-closer');
  });

  for (const lang of SUPPORTED_LANGUAGES) {
    describe(lang, () => {
      const catalog = CATALOGS[lang] as Record<string, unknown>;

      it('has exactly the English keys', () => {
        expect(Object.keys(catalog).sort()).to.deep.equal(englishKeys);
      });

      it('has no empty or padded strings and no stray braces', () => {
        for (const [key, value] of Object.entries(catalog)) {
          expect(value, key).to.be.a('string');
          const text = value as string;
          expect(text.trim(), key).to.not.equal('');
          expect(text, key).to.equal(text.trim());
          // Only {name} placeholders may use braces.
          expect(text.replace(/\{[A-Za-z_][\w-]*\}/g, ''), key).to.not.match(/[{}]/);
        }
      });

      it('keeps every English placeholder and adds none', () => {
        for (const key of englishKeys) {
          const expected = placeholders(en[key as MessageKey]).sort();
          expect(placeholders(catalog[key] as string).sort(), `${lang} ${key}`).to.deep.equal(expected);
        }
      });

      if (lang !== 'en') {
        it('is translated, not copied from English', () => {
          const copies = englishKeys.filter(
            (key) => catalog[key] === en[key as MessageKey] && !SAME_AS_ENGLISH_ALLOWED.has(key),
          );
          expect(copies).to.deep.equal([]);
        });
      }

      const script = SCRIPT[lang];
      if (script) {
        it('is written in its own script', () => {
          for (const key of englishKeys) expect(catalog[key] as string, key).to.match(script);
        });
      }
    });
  }

  it('uses the placeholders the element fills in', () => {
    expect(placeholders(en.countdown)).to.deep.equal(['seconds']);
    expect(placeholders(en.progress)).to.deep.equal(['percent']);
    expect(placeholders(en['label.score'])).to.deep.equal(['score']);
  });
});

describe('resolveLanguage', () => {
  it('matches by primary subtag', () => {
    expect(resolveLanguage('pt-BR', null, [])).to.equal('pt');
    expect(resolveLanguage('pt_PT', null, [])).to.equal('pt');
    expect(resolveLanguage('ES-419', null, [])).to.equal('es');
    expect(resolveLanguage('ar-EG', null, [])).to.equal('ar');
    expect(resolveLanguage(' de ', null, [])).to.equal('de');
  });

  it('prefers the requested language over the page and the browser', () => {
    expect(resolveLanguage('fr', 'de', ['es'])).to.equal('fr');
  });

  it('falls back to the page language, then the browser languages in order, then English', () => {
    expect(resolveLanguage(null, 'hi-IN', ['es'])).to.equal('hi');
    expect(resolveLanguage('ja', 'de-AT', ['es'])).to.equal('de');
    expect(resolveLanguage(undefined, undefined, ['ja-JP', 'zh', 'pt-BR', 'fr'])).to.equal('pt');
    expect(resolveLanguage('', '', ['es-MX'])).to.equal('es');
    expect(resolveLanguage('ja', 'ko', ['zh-CN'])).to.equal('en');
    expect(resolveLanguage(null, null, [])).to.equal('en');
  });

  it('does not mistake a longer subtag for a supported one', () => {
    expect(resolveLanguage('ast', null, [])).to.equal('en');
    expect(resolveLanguage('arn', null, [])).to.equal('en');
    expect(resolveLanguage('english', null, [])).to.equal('en');
  });

  it("reads the browser's languages when none are given", () => {
    const expected = resolveLanguage(null, null, navigator.languages);
    expect(resolveLanguage(null, null)).to.equal(expected);
  });
});

describe('isRtl', () => {
  it('is true for right-to-left languages and scripts', () => {
    for (const lang of ['ar', 'ar-SA', 'AR', 'he', 'fa-IR', 'ur', 'pa-Arab']) expect(isRtl(lang), lang).to.equal(true);
  });

  it('is false for left-to-right languages', () => {
    for (const lang of ['en', 'es', 'fr', 'de', 'pt-BR', 'hi', 'arn', 'pa-Guru', '']) {
      expect(isRtl(lang), lang).to.equal(false);
    }
  });
});

describe('messagesFor', () => {
  it('returns the catalog of the language, by primary subtag', () => {
    expect(messagesFor('es')['button.retry']).to.equal(CATALOGS.es?.['button.retry']);
    expect(messagesFor('pt-BR')['button.retry']).to.equal(CATALOGS.pt?.['button.retry']);
    expect(messagesFor('ar')['button.cancel']).to.equal(CATALOGS.ar?.['button.cancel']);
  });

  it('falls back to English for an unsupported language', () => {
    expect(messagesFor('ja')).to.deep.equal(en);
    expect(messagesFor('')).to.deep.equal(en);
  });

  it('lets overrides win and ignores unknown keys and non-strings', () => {
    const messages = messagesFor('de', {
      'button.start': 'Los geht’s',
      'not.a.key': 'ignored',
      toString: 'ignored',
      'button.cancel': 42 as unknown as string,
    });
    expect(messages['button.start']).to.equal('Los geht’s');
    expect(messages['button.cancel']).to.equal(CATALOGS.de?.['button.cancel']);
    expect(messages['button.retry']).to.equal(CATALOGS.de?.['button.retry']);
    expect(Object.keys(messages).sort()).to.deep.equal(englishKeys);
    expect(Object.hasOwn(messages, 'not.a.key')).to.equal(false);
  });

  it('returns a fresh object, leaving the catalogs untouched', () => {
    const messages = messagesFor('fr', { 'button.retry': 'Encore' });
    messages['button.cancel'] = 'changed';
    expect(CATALOGS.fr?.['button.retry']).to.not.equal('Encore');
    expect(messagesFor('fr')['button.cancel']).to.equal(CATALOGS.fr?.['button.cancel']);
  });
});

describe('format', () => {
  it('fills named placeholders with strings and numbers', () => {
    expect(format('Hold still… {seconds}', { seconds: 3 })).to.equal('Hold still… 3');
    expect(format('{a} and {b} and {a}', { a: 'x', b: 0 })).to.equal('x and 0 and x');
  });

  it('leaves placeholders without a value as written', () => {
    expect(format('Score: {score}', {})).to.equal('Score: {score}');
    expect(format('{percent}% ready', { seconds: 2 })).to.equal('{percent}% ready');
    expect(format('{toString}', {})).to.equal('{toString}');
  });

  it('fills every placeholder of every catalog', () => {
    const values = { seconds: 3, percent: 40, score: 0.97, code: 'NETWORK_ERROR' };
    for (const lang of SUPPORTED_LANGUAGES) {
      for (const [key, template] of Object.entries(messagesFor(lang))) {
        const text = format(template, values);
        expect(text, `${lang} ${key}`).to.not.match(/\{[A-Za-z_][\w-]*\}/);
      }
    }
    expect(format(messagesFor('pt').countdown, { seconds: 2 })).to.equal('Não se mexa… 2');
  });
});

describe('languageOf', () => {
  it('finds the nearest lang attribute', async () => {
    const el = await fixture<HTMLElement>(html`<div lang="fr-CA"><section><span id="t"></span></section></div>`);
    expect(languageOf(el.querySelector('#t') as Element)).to.equal('fr-CA');
    const own = await fixture<HTMLElement>(html`<div lang="fr"><span lang="de"></span></div>`);
    expect(languageOf(own.querySelector('span') as Element)).to.equal('de');
  });

  it('crosses shadow roots', async () => {
    const outer = await fixture<HTMLElement>(html`<div lang="ar"><div id="host"></div></div>`);
    const host = outer.querySelector('#host') as HTMLElement;
    const inner = host.attachShadow({ mode: 'open' });
    inner.innerHTML = '<div><span></span></div>';
    const nestedHost = inner.querySelector('div') as HTMLElement;
    const nested = nestedHost.attachShadow({ mode: 'closed' });
    nested.innerHTML = '<p></p>';
    expect(languageOf(nested.querySelector('p') as Element)).to.equal('ar');
    expect(languageOf(inner.querySelector('span') as Element)).to.equal('ar');
  });

  it('treats an empty lang as unknown and returns null without any lang', () => {
    const root = document.documentElement;
    const saved = root.getAttribute('lang');
    root.removeAttribute('lang');
    try {
      const detached = document.createElement('div');
      detached.innerHTML = '<span></span>';
      expect(languageOf(detached.querySelector('span') as Element)).to.equal(null);
      const unknown = document.createElement('div');
      unknown.setAttribute('lang', '');
      expect(languageOf(unknown)).to.equal(null);
    } finally {
      if (saved !== null) root.setAttribute('lang', saved);
    }
  });
});
