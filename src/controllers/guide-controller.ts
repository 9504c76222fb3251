import type { ReactiveController, ReactiveElement } from 'lit';
import { guideGeometry, stageAspectRatio, type GuideRules } from '../guide.js';

/** Styles for the stage and the guide (custom properties and plain properties), set through the CSSOM by the view. */
export interface GuideStyle {
  stage: Record<string, string>;
  guide: Record<string, string>;
}

/**
 * Keeps the guide where the face rules want the face: watches the stage's size (ResizeObserver) and the video's
 * resolution (`resize` event), and recomputes `guideGeometry` for the rules of the moment. The host renders
 * `style` on the stage and the guide (`styleProperties`).
 */
export class GuideController implements ReactiveController {
  readonly #host: ReactiveElement;
  readonly #rules: () => GuideRules;
  #observer: ResizeObserver | null = null;
  #video: HTMLVideoElement | null = null;
  #stage: HTMLElement | null = null;
  #key = '';
  style: GuideStyle = { stage: {}, guide: {} };

  constructor(host: ReactiveElement, rules: () => GuideRules) {
    this.#host = host;
    this.#rules = rules;
    host.addController(this);
  }

  hostUpdated(): void {
    const root = this.#host.renderRoot;
    const video = root.querySelector('video');
    const stage = root.querySelector<HTMLElement>('.stage');
    if (video === this.#video && stage === this.#stage) return;
    this.hostDisconnected();
    this.#video = video;
    this.#stage = stage;
    if (!video || !stage) return;
    video.addEventListener('resize', this.#measure);
    video.addEventListener('loadedmetadata', this.#measure);
    if (typeof ResizeObserver === 'function') {
      this.#observer = new ResizeObserver(this.#measure);
      this.#observer.observe(stage);
    }
    this.#measure();
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = null;
    this.#video?.removeEventListener('resize', this.#measure);
    this.#video?.removeEventListener('loadedmetadata', this.#measure);
    this.#video = null;
    this.#stage = null;
  }

  readonly #measure = (): void => {
    const video = this.#video;
    const stage = this.#stage;
    if (!video || !stage) return;
    const rules = this.#rules();
    const ratio = stageAspectRatio(video.videoWidth, video.videoHeight,
      getComputedStyle(this.#host).getPropertyValue('--liveness-aspect-ratio'));
    const geometry = guideGeometry({
      videoWidth: video.videoWidth,
      videoHeight: video.videoHeight,
      stageWidth: stage.clientWidth,
      stageHeight: stage.clientHeight,
      rules,
    });
    const style: GuideStyle = { stage: ratio ? { 'aspect-ratio': ratio } : {}, guide: {} };
    if (geometry) {
      const { percent: p } = geometry;
      style.guide = {
        '--liveness-guide-width': `${p.width.toFixed(2)}%`,
        '--liveness-guide-height': `${p.height.toFixed(2)}%`,
        top: `${(p.top + p.height / 2).toFixed(2)}%`,
      };
    }
    const key = JSON.stringify(style);
    if (key === this.#key) return;
    this.#key = key;
    this.style = style;
    this.#host.requestUpdate();
  };
}
