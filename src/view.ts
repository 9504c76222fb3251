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
}

export interface ViewActions {
  start(): void;
  stop(): void;
  capture(): void;
}

/** The element's shadow DOM for one state: the stage (preview, guide, progress), the hint and the panel. */
export function renderView(m: ViewModel, actions: ViewActions): TemplateResult {
  const live = m.status === 'starting' || m.status === 'detecting';
  const percent = Math.round(m.progress * 100);
  return html`
    <div class="root" dir=${m.rtl ? 'rtl' : 'ltr'} lang=${m.lang}>
      <div part="stage" class="stage" ${styleProperties(m.layout?.stage ?? {})} ?hidden=${m.status === 'idle' || isFinal(m.status)}>
        <!-- Not a tab stop: Firefox makes a <video> focusable, and the preview has nothing to operate. -->
        <video part="video" aria-label=${m.t['label.preview']} tabindex="-1" muted playsinline autoplay ?hidden=${!live}></video>
        ${m.snapshotUrl && !live ? html`<img part="snapshot" class="snapshot" alt="" src=${m.snapshotUrl} />` : nothing}
        <div part="guide" class="guide" ${styleProperties(m.layout?.guide ?? {})} ?data-ready=${m.ready || m.progress > 0} aria-hidden="true"></div>
        ${m.status === 'detecting' && m.progress > 0
          ? html`<div part="progress" class="progress" role="progressbar" aria-label=${format(m.t['progress'], { percent })}
                aria-valuemin="0" aria-valuemax="100" aria-valuenow=${percent}>
                <span part="progress-bar" ${styleProperties({ width: `${percent}%` })}></span>
              </div>`
          : nothing}
      </div>
      <div part="body" class="body">
        <p part="hint" class="hint" role="status" aria-live="polite" aria-atomic="true">${hintText(m)}</p>
        ${renderPanel(m, actions)}
      </div>
    </div>
  `;
}

/** The one line the live region holds: it changes only when the hint or the status changes. */
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
    default:
      return '';
  }
}

function button(part: string, label: string, onClick: () => void, options: { disabled?: boolean; secondary?: boolean } = {}) {
  return html`<button part="button ${part}" class=${options.secondary ? 'secondary' : ''} ?disabled=${options.disabled ?? false}
    @click=${onClick}>${label}</button>`;
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
          ? button('capture-button', t['button.capture'], actions.capture, { disabled: !m.ready })
          : nothing}
        ${button('cancel-button', t['button.cancel'], actions.stop, { secondary: true })}
      </div>`;
    case 'passed':
    case 'failed': {
      const kind = m.status === 'passed' ? 'pass' : 'fail';
      return html`<section part="panel result-${kind}" class="panel" data-kind=${kind} tabindex="-1"
          aria-label=${t[`result.${kind}.title`]}>
        <slot name=${kind}>
          <h2>${t[`result.${kind}.title`]}</h2>
          <p>${t[`result.${kind}.body`]}</p>
        </slot>
        ${kind === 'fail' ? button('retry-button', t['button.retry'], actions.start) : nothing}
      </section>`;
    }
    case 'error': {
      const error = m.error;
      return html`<section part="panel result-error" class="panel" data-kind="error" tabindex="-1"
          aria-label=${t['result.error.title']}>
        <slot name="error">
          <h2>${t['result.error.title']}</h2>
          <p>${error ? t[`error.${error.code}` as MessageKey] : ''}</p>
          ${error ? html`<p class="code">${format(t['label.error-code'], { code: error.code })}</p>` : nothing}
        </slot>
        ${error?.recoverable ? button('retry-button', t['button.retry'], actions.start) : nothing}
      </section>`;
    }
    default:
      return nothing;
  }
}
