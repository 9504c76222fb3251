// The live region's pacing (src/controllers/announcer-controller.ts) driven by a hand-stepped clock: which lines
// reach the region and in which order, for the sequences an attempt produces. No real timer runs.
import { expect } from '@open-wc/testing';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { AnnouncerController, HOLD_MS, SETTLE_MS, type AnnouncerClock, type LineKind } from '../../src/controllers/announcer-controller.js';

/** A clock whose time moves only when the test says so, firing due timers in order. */
class ManualClock implements AnnouncerClock {
  time = 0;
  #timers = new Map<number, { at: number; callback: () => void }>();
  #next = 1;
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): number {
    const id = this.#next++;
    this.#timers.set(id, { at: this.time + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }
  get pending(): number {
    return this.#timers.size;
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.#timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }
}

/** An announcer on a fake host that records every line the region shows. */
function setup() {
  const clock = new ManualClock();
  const said: string[] = [];
  const times: number[] = [];
  const controllers: ReactiveController[] = [];
  const ref: { announcer?: AnnouncerController } = {};
  const host: ReactiveControllerHost = {
    addController: (c) => controllers.push(c),
    removeController: () => {},
    requestUpdate: () => {
      const text = ref.announcer!.text;
      if (said.at(-1) !== text) {
        said.push(text);
        times.push(clock.time);
      }
    },
    updateComplete: Promise.resolve(true),
  };
  const announcer = new AnnouncerController(host, clock);
  ref.announcer = announcer;
  const say = (text: string, kind: LineKind) => announcer.say(text, kind);
  return { clock, said, times, say, controllers };
}

describe('AnnouncerController', () => {
  it('a quick pass says the hint and the result, and skips the steps replaced within a second', () => {
    const { clock, said, say } = setup();
    say('Starting the camera…', 'status');
    clock.advance(300);
    say('Loading face detection…', 'status');
    clock.advance(400);
    say('Looking for your face…', 'status');
    clock.advance(28);
    say('Hold still', 'hint');
    clock.advance(400);
    say('Taking the photo…', 'status');
    clock.advance(28);
    say('Checking…', 'status');
    clock.advance(300);
    say('Check passed', 'result');
    clock.advance(5000);
    expect(said).to.deep.equal(['Hold still', 'Check passed']);
  });

  it('a slow check says the steps that last, each after the previous line was held', () => {
    const { clock, said, say } = setup();
    say('Loading face detection…', 'status');
    clock.advance(SETTLE_MS + 500);
    say('Hold still', 'hint');
    clock.advance(HOLD_MS);
    say('Checking…', 'status');
    clock.advance(HOLD_MS + SETTLE_MS);
    say('Check not passed', 'result');
    expect(said).to.deep.equal(['Loading face detection…', 'Hold still', 'Checking…', 'Check not passed']);
  });

  it('a flickering hint is held: each line at least HOLD_MS, the newest waiting one wins, a return to the shown one is dropped', () => {
    const { clock, said, times, say } = setup();
    say('Too dark. Find a brighter spot', 'hint');
    // 21 changes in 12 s, 70 ms apart at times.
    const lines = ['Hold still', 'Too dark. Find a brighter spot'];
    for (let i = 0; i < 170; i++) {
      clock.advance(70);
      say(lines[i % 2]!, 'hint');
    }
    clock.advance(HOLD_MS);
    expect(said.length, said.join(' | ')).to.be.at.least(2);
    expect(said.length, said.join(' | ')).to.be.at.most(Math.ceil((170 * 70) / HOLD_MS) + 1);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).to.be.at.least(HOLD_MS);
    for (let i = 1; i < said.length; i++) expect(said[i]).to.not.equal(said[i - 1]);
  });

  it('a result and the return to idle are said at once, dropping a waiting line', () => {
    const { clock, said, say } = setup();
    say('Hold still', 'hint');
    say('Move a little closer', 'hint');
    say('Something went wrong', 'result');
    expect(said).to.deep.equal(['Hold still', 'Something went wrong']);
    say('', 'clear');
    clock.advance(HOLD_MS * 2);
    expect(said).to.deep.equal(['Hold still', 'Something went wrong', '']);
  });

  it('clears its timer when the host disconnects', () => {
    const { clock, said, say, controllers } = setup();
    say('Hold still', 'hint');
    say('Move back a little', 'hint');
    expect(clock.pending).to.equal(1);
    for (const c of controllers) c.hostDisconnected?.();
    expect(clock.pending).to.equal(0);
    clock.advance(HOLD_MS * 2);
    expect(said).to.deep.equal(['Hold still']);
  });
});
