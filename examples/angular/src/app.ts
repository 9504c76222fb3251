import { Component, CUSTOM_ELEMENTS_SCHEMA, signal } from '@angular/core';
import 'liveness-capture';
import type { LivenessErrorEvent, LivenessFailEvent, LivenessPassEvent } from 'liveness-capture';

@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <liveness-capture
      endpoint="/backend/antispoofing"
      assets-base="/liveness-capture/"
      autostart
      [threshold]="0.6"
      [headers]="headers"
      (liveness-pass)="onPass($event)"
      (liveness-fail)="onFail($event)"
      (liveness-error)="onError($event)"
    ></liveness-capture>
    <p id="result">{{ result() }}</p>
  `,
})
export class App {
  readonly result = signal('');
  readonly headers = { 'x-example': 'angular' };

  onPass(event: LivenessPassEvent): void {
    this.result.set(`pass ${event.detail.probReal}`);
  }

  onFail(event: LivenessFailEvent): void {
    this.result.set(`fail ${event.detail.probReal}`);
  }

  onError(event: LivenessErrorEvent): void {
    this.result.set(`error ${event.detail.code}`);
  }
}
