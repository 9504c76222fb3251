import { html, nothing, type TemplateResult } from 'lit';
import type { LivenessErrorDetail } from './errors.js';
import type { HintCode } from './events.js';
import type { MessageKey, Messages } from './i18n/localize.js';
import { format } from './i18n/localize.js';
import { isFinal, type LivenessStatus } from './status.js';
import { styleProperties } from './style-properties.js';

/** What the element shows besides its status; changed by the element, rendered here. */
export interface ViewState {
  hint: HintCode | null;
  progress: number;
  ready: boolean;
  loading: boolean;
  error?: LivenessErrorDetail;
}

/** Styles the element derives from the camera and the face rules (see GuideController), set through the CSSOM. */
export interface ViewLayout {
  stage: Record<string, string>;
  guide: Record<string, string>;
}

export interface ViewModel extends ViewState {
  status: LivenessStatus;
  lang: string;
  rtl: boolean;
  t: Messages;
  captureMode: 'auto' | 'manual';
  snapshotUrl: string | null;
  layout?: ViewLayout;
  /** The live region's line as paced by the element (see AnnouncerController); `hintText` when absent. */
  announcement?: string;
  /** Result slots the page filled (`pass`, `fail`, `error`): their panels are labelled by the result alone. */
  slotted?: readonly string[];
  /** `aria-live` of the live region; `polite` when absent. */
  politeness?: 'polite' | 'assertive' | 'off';
  /** The cameras the person may switch between while detecting: the picker shows when there are two or more. */
  cameras?: readonly { readonly deviceId: string; readonly label: string }[];
  /** The deviceId of the open camera. */
  camera?: string | null;
}

export interface ViewActions {
  start(): void;
  stop(): void;
  capture(): void;
  /** The person picked a camera in the picker. */
  chooseCamera(deviceId: string): void;
}

/** The element's shadow DOM for one state: the stage (preview, guide, progress), the hint and the panel. */
export function renderView(m: ViewModel, actions: ViewActions): TemplateResult {
  const live = m.status === 'starting' || m.status === 'detecting';
  const percent = Math.round(m.progress * 100);
  const politeness = m.politeness ?? 'polite';
  return html`
    <div class="root" dir=${m.rtl ? 'rtl' : 'ltr'} lang=${m.lang}>
      <div part="stage" class="stage" ${styleProperties(m.layout?.stage ?? {})} ?hidden=${m.status === 'idle' || isFinal(m.status)}>
        <!-- Not a tab stop: Firefox makes a <video> focusable, and the preview has nothing to operate. -->
        <video part="video" aria-label=${m.t['label.preview']} tabindex="-1" muted playsinline autoplay ?hidden=${!live}></video>
        ${m.snapshotUrl && !live ? html`<img part="snapshot" class="snapshot" alt="" src=${m.snapshotUrl} />` : nothing}
        <div part="guide" class="guide" ${styleProperties(m.layout?.guide ?? {})} ?data-ready=${m.ready || m.progress > 0} aria-hidden="true"></div>
        ${m.status === 'detecting' && m.progress > 0
          ? html`<div part="progress" class="progress" role="progressbar" aria-label=${m.t['label.progress']}
                aria-valuetext=${format(m.t['progress'], { percent })} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${percent}>
                <span part="progress-bar" ${styleProperties({ width: `${percent}%` })}></span>
              </div>`
          : nothing}
      </div>
      <div part="body" class="body">
        <p part="hint" class="hint" role=${politeness === 'polite' ? 'status' : nothing} aria-live=${politeness}
          aria-atomic="true">${m.announcement ?? hintText(m)}</p>
        ${renderCameraPicker(m, actions)}
        ${renderPanel(m, actions)}
      </div>
    </div>
  `;
}

/**
 * The camera picker, while detecting with two or more cameras, and with a refused virtual camera: a native select (keyboard, screen readers and
 * phones' own pickers for free), labelled by a visible label. It stays in place while the chosen camera opens.
 */
function renderCameraPicker(m: ViewModel, actions: ViewActions): TemplateResult | typeof nothing {
  const cameras = m.cameras ?? [];
  // After VIRTUAL_CAMERA, the picker offers the other cameras for the retry.
  const refused = m.status === 'error' && m.error?.code === 'VIRTUAL_CAMERA' && cameras.length > 0;
  if (!refused && (m.status !== 'detecting' || cameras.length < 2)) return nothing;
  return html`<div class="camera">
    <label for="camera-select">${m.t['label.camera']}</label>
    <select id="camera-select" part="camera-select"
      @change=${(e: Event) => actions.chooseCamera((e.target as HTMLSelectElement).value)}>
      ${cameras.map((c) => html`<option value=${c.deviceId} .selected=${c.deviceId === m.camera}>${c.label}</option>`)}
    </select>
  </div>`;
}

/**
 * The one line the live region holds: it changes only when the hint or the status changes. A result is said too,
 * so a person whose focus is elsewhere on the page hears it without focus moving.
 */
export function hintText(m: Pick<ViewModel, 'status' | 'loading' | 'hint' | 't'>): string {
  switch (m.status) {
    case 'starting':
      return m.loading ? m.t['state.loading'] : m.t['state.starting'];
    case 'detecting':
      return m.hint ? m.t[`hint.${m.hint}` as MessageKey] : m.t['state.detecting'];
    case 'capturing':
      return m.t['state.capturing'];
    case 'submitting':
      return m.t['state.submitting'];
    case 'passed':
      return m.t['state.passed'];
    case 'failed':
      return m.t['state.failed'];
    case 'error':
      return m.t['state.error'];
    default:
      return '';
  }
}

/**
 * A button. `unavailable` is `aria-disabled`, never `disabled`: the button keeps focus and its place in the tab
 * order while the face flickers in and out of position, and a press made meanwhile is queued by its action.
 */
function button(part: string, label: string, onClick: () => void, options: { unavailable?: boolean; secondary?: boolean } = {}) {
  return html`<button part="button ${part}" class=${options.secondary ? 'secondary' : ''}
    aria-disabled=${options.unavailable ? 'true' : 'false'} @click=${onClick}>${label}</button>`;
}

/** An expired session the page can renew says "try again" instead of "reload". */
function errorMessageKey(error: LivenessErrorDetail): MessageKey {
  return error.code === 'SESSION_INVALID' && error.recoverable ? 'error.SESSION_INVALID.renew' : (`error.${error.code}` as MessageKey);
}

/**
 * A result panel, named by its heading and described by its message, so that taking focus it says both. Content the
 * page slots in has no id the panel could point to across the shadow boundary: the panel is then labelled by the
 * result, and the page's content is read inside it.
 */
function resultPanel(m: ViewModel, kind: 'pass' | 'fail' | 'error', content: TemplateResult) {
  const result = m.t[kind === 'pass' ? 'state.passed' : kind === 'fail' ? 'state.failed' : 'state.error'];
  const own = !m.slotted?.includes(kind);
  return html`<section part="panel result-${kind}" class="panel" data-kind=${kind} tabindex="-1"
    aria-label=${own ? nothing : result} aria-labelledby=${own ? 'result-title' : nothing}
    aria-describedby=${own ? 'result-message' : nothing}>${content}</section>`;
}

function renderPanel(m: ViewModel, actions: ViewActions): TemplateResult | typeof nothing {
  const { t } = m;
  switch (m.status) {
    case 'idle':
      return html`<div part="panel" class="panel" data-kind="idle">
        <slot name="start"><p>${t['state.idle']}</p></slot>
        ${button('start-button', t['button.start'], actions.start)}
      </div>`;
    case 'starting':
    case 'detecting':
    case 'capturing':
    case 'submitting':
      // One template for every running status, so the cancel button (and keyboard focus on it) stays.
      return html`<div class="actions">
        ${m.captureMode === 'manual' && (m.status === 'starting' || m.status === 'detecting')
          ? button('capture-button', t['button.capture'], actions.capture, { unavailable: !m.ready })
          : nothing}
        ${button('cancel-button', t['button.cancel'], actions.stop, { secondary: true })}
      </div>`;
    case 'passed':
    case 'failed': {
      const kind = m.status === 'passed' ? 'pass' : 'fail';
      return resultPanel(m, kind, html`
        <slot name=${kind}>
          <h2 id="result-title">${t[`result.${kind}.title`]}</h2>
          <p id="result-message">${t[`result.${kind}.body`]}</p>
        </slot>
        ${kind === 'fail' ? button('retry-button', t['button.retry'], actions.start) : nothing}`);
    }
    case 'error': {
      const error = m.error;
      return resultPanel(m, 'error', html`
        <slot name="error">
          <h2 id="result-title">${t['result.error.title']}</h2>
          <p id="result-message">${error ? t[errorMessageKey(error)] : ''}</p>
          ${error ? html`<p class="code">${format(t['label.error-code'], { code: error.code })}</p>` : nothing}
        </slot>
        ${error?.recoverable ? button('retry-button', t['button.retry'], actions.start) : nothing}`);
    }
    default:
      return nothing;
  }
}
