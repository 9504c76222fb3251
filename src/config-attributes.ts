// The element's settings as attributes: defaults and converters, read when the element is defined. The checks run
// at `start()` live in config.ts, loaded with the rest of an attempt.
import type { ComplexAttributeConverter } from 'lit';
import { DEFAULT_HOLD_MS, DEFAULT_MAX_FPS } from './pacing.js';

/** Defaults of the settings that always have a value; a removed attribute returns to these. */
export const CONFIG_DEFAULTS = {
  captureMode: 'auto',
  politeness: 'polite',
  threshold: 0.55,
  minFaceSize: 128,
  holdMs: DEFAULT_HOLD_MS,
  maxFps: DEFAULT_MAX_FPS,
  requestTimeout: 30_000,
  virtualCamera: 'flag',
} as const;

export const CAPTURE_MODES = ['auto', 'manual'] as const;
export const QUALITY_CHECKS = ['brightness', 'sharpness', 'pose'] as const;
export const POLITENESS = ['polite', 'assertive', 'off'] as const;
export const VIRTUAL_CAMERA_POLICIES = ['allow', 'flag', 'block'] as const;

/**
 * Attribute converter for numbers. Lit's own `Number` converter turns `threshold=""` into 0 and `threshold="abc"`
 * into NaN, losing what the page wrote; this one keeps any text that is not a number as the raw string, so the
 * check at `start()` rejects it and quotes it. A removed attribute goes back to `fallback`.
 */
export function numberAttribute(fallback?: number): ComplexAttributeConverter<unknown> {
  return {
    fromAttribute(value: string | null): unknown {
      if (value === null) return fallback;
      const n = Number(value);
      return value.trim() === '' || Number.isNaN(n) ? value : n;
    },
    toAttribute: (value: unknown) => (value === undefined || value === null ? null : String(value)),
  };
}

/** Attribute converter for a keyword: the text as written, or `fallback` when the attribute is removed. */
export function keywordAttribute(fallback: string): ComplexAttributeConverter<unknown> {
  return { fromAttribute: (value: string | null) => value ?? fallback };
}

/**
 * Attribute converter for a setting that is on unless the page turns it off, as HTML's `autocomplete="off"`:
 * absent, empty, `on` or `true` is on; `off` or `false` is off; any other text is kept, so the check at `start()`
 * rejects it and quotes it.
 */
export const onOffAttribute: ComplexAttributeConverter<unknown> = {
  fromAttribute(value: string | null): unknown {
    const word = value?.trim().toLowerCase() ?? 'on';
    if (word === '' || word === 'on' || word === 'true') return true;
    if (word === 'off' || word === 'false') return false;
    return value;
  },
};

/** `checks` is a space- or comma-separated list; every word is kept, so an unknown one is reported, not dropped. */
export const checksAttribute: ComplexAttributeConverter<unknown> = {
  fromAttribute: (value: string | null): string[] => (value === null ? [...QUALITY_CHECKS] : value.split(/[\s,]+/).filter(Boolean)),
  toAttribute: (value: unknown) => (Array.isArray(value) ? value.join(' ') : null),
};

