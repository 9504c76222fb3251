// Shared helpers for browser tests: the scripted backend on the test server, and waiting for the element.
import { expect } from '@open-wc/testing';
import type { LivenessCapture } from '../../src/liveness-capture.js';

export const BODY_LIMIT = 10_485_760;

export interface BackendScript {
  status?: number;
  body?: unknown;
  contentType?: string;
  hang?: boolean;
  /** Spaces streamed after the body, chunked, with no Content-Length. */
  padBytes?: number;
}

export interface RecordedRequest {
  path: string;
  headers: Record<string, string>;
  bodyBytes: number;
  aborted: boolean;
  json: boolean;
  keys: string[];
  base64: boolean;
  prefixed: boolean;
  imageBytes: number;
  jpeg: { width: number; height: number } | null;
  /** Padding bytes the backend produced before the client stopped reading (with `padBytes`). */
  sentBytes?: number;
}

/** A backend session of its own on the test server's contract handler (test/support/mock-backend.mjs). */
export class Backend {
  readonly id = crypto.randomUUID();
  readonly endpoint = `/__backend/${this.id}/antispoofing`;

  async script(script: BackendScript): Promise<this> {
    const res = await fetch(`/__backend/${this.id}/script`, { method: 'POST', body: JSON.stringify(script) });
    if (res.status !== 204) throw new Error(`scripting the backend failed: ${res.status}`);
    return this;
  }

  async requests(): Promise<RecordedRequest[]> {
    return (await fetch(`/__backend/${this.id}/requests`)).json();
  }
}

/** Resolves when `predicate` holds, polling on animation frames (no fixed delays). */
export async function until<T>(predicate: () => T | Promise<T>, what = 'condition'): Promise<NonNullable<T>> {
  for (;;) {
    const value = await predicate();
    if (value) return value as NonNullable<T>;
    // The test's own mocha timeout ends a wait that never succeeds; `what` names it in the stack.
    await new Promise((r) => setTimeout(r, 20, what));
  }
}

export type ResultEvent = CustomEvent & { type: 'liveness-pass' | 'liveness-fail' | 'liveness-error' };

/** The first of liveness-pass / liveness-fail / liveness-error. */
export function nextResult(el: HTMLElement): Promise<Event & { detail: any }> {
  return new Promise((resolve) => {
    const types = ['liveness-pass', 'liveness-fail', 'liveness-error'];
    const on = (e: Event) => {
      for (const t of types) el.removeEventListener(t, on);
      resolve(e as Event & { detail: any });
    };
    for (const t of types) el.addEventListener(t, on);
  });
}

/** Waits for `count` new frames of the element's preview video. */
export async function frames(el: LivenessCapture, count: number): Promise<void> {
  const video = el.shadowRoot!.querySelector('video')!;
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()));
  }
}

/** Creates `<liveness-capture>` in the document with the given attributes and properties. */
export async function createElement(
  attributes: Record<string, string | boolean> = {},
  properties: Partial<LivenessCapture> = {},
): Promise<LivenessCapture> {
  const el = document.createElement('liveness-capture');
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false) continue;
    el.setAttribute(name, value === true ? '' : value);
  }
  Object.assign(el, properties);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

/** Every live track of every stream the page ever got from getUserMedia (for "tracks stopped" checks). */
export function trackGetUserMedia(): { tracks: MediaStreamTrack[]; restore(): void } {
  const media = navigator.mediaDevices;
  const original = media.getUserMedia;
  const tracks: MediaStreamTrack[] = [];
  media.getUserMedia = async function (this: MediaDevices, constraints?: MediaStreamConstraints) {
    const stream = await original.call(this, constraints);
    tracks.push(...stream.getTracks());
    return stream;
  };
  return { tracks, restore: () => { media.getUserMedia = original; } };
}

/** Asserts that the camera was opened (at least one track) and that every track it gave is stopped now. */
export function expectCameraOff(tracks: readonly MediaStreamTrack[]): void {
  expect(tracks.length, 'the camera was opened').to.be.greaterThan(0);
  expect(tracks.map((t) => t.readyState)).to.deep.equal(tracks.map(() => 'ended'));
}

/**
 * Per-test state for a describe block: `camera` records the tracks of every getUserMedia call of the test; after
 * each test (in afterEach, so also when it fails) the element the test put in `el` is removed and every function
 * the test pushed on `restores` runs, last pushed first.
 */
export function elementPerTest(): {
  el: LivenessCapture | undefined;
  camera: ReturnType<typeof trackGetUserMedia>;
  restores: (() => void)[];
} {
  const state = {
    el: undefined as LivenessCapture | undefined,
    camera: undefined as unknown as ReturnType<typeof trackGetUserMedia>,
    restores: [] as (() => void)[],
  };
  beforeEach(() => {
    state.camera = trackGetUserMedia();
  });
  afterEach(() => {
    state.el?.remove();
    state.el = undefined;
    for (const restore of state.restores.splice(0).reverse()) restore();
    state.camera.restore();
  });
  return state;
}

/** The element's `@media (<feature>)` rules, applied as if the feature matched; returns the undo. */
export function matchMedia(el: LivenessCapture, feature: string): () => void {
  const rules = el.shadowRoot!.adoptedStyleSheets.flatMap((s) => [...s.cssRules])
    .filter((r): r is CSSMediaRule => r instanceof CSSMediaRule && r.conditionText.includes(feature));
  expect(rules.length, `a @media (${feature}) rule`).to.be.greaterThan(0);
  const texts = rules.map((r) => r.media.mediaText);
  for (const r of rules) r.media.mediaText = 'all';
  return () => rules.forEach((r, i) => { r.media.mediaText = texts[i]!; });
}
