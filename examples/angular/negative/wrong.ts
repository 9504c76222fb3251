// Must not type-check: every line marked "rejected" misuses the element. Angular checks the events' types
// (strictTemplates); with CUSTOM_ELEMENTS_SCHEMA it leaves property bindings of custom elements unchecked.
import { Component, CUSTOM_ELEMENTS_SCHEMA } from '@angular/core';
import 'liveness-capture';
import type { LivenessPassEvent } from 'liveness-capture';

@Component({
  selector: 'app-wrong',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <liveness-capture (liveness-pass)="onKey($event)"></liveness-capture><!-- rejected -->
    <liveness-capture (liveness-error)="onPass($event)"></liveness-capture><!-- rejected -->
    <liveness-capture (liveness-error)="$event.detail.probReal"></liveness-capture><!-- rejected -->
  `,
})
export class Wrong {
  onKey(event: KeyboardEvent): string {
    return event.key;
  }

  onPass(event: LivenessPassEvent): number {
    return event.detail.probReal;
  }
}
