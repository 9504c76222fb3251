// Where detection runs: in the detector's worker (the page only answers its results), loaded ahead by `preload`,
// and on the main thread where workers cannot run the detector. The camera plays the astronaut photo; the backend
// is the contract handler on the test server.
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import { LivenessCapture } from '../../../src/liveness-capture.js';
import { Backend, createElement, elementPerTest, nextResult, until } from '../../support/helpers.js';

const LIVE = { body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.99 } } };

/** Counts the workers the page creates (every other behaviour of `Worker` unchanged). */
function countWorkers(): { made: () => number; restore: () => void } {
  const Original = window.Worker;
  let made = 0;
  window.Worker = class extends Original {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      made++;
    }
  };
  return { made: () => made, restore: () => { window.Worker = Original; } };
}

/** The wasm binaries the page itself fetched (a worker's fetches are not in the page's resource timing). */
const pageWasm = () => performance.getEntriesByType('resource').map((e) => e.name).filter((u) => u.endsWith('.wasm'));

describe('<liveness-capture> detection thread', () => {
  const t = elementPerTest();

  it('detects in one worker: the page fetches no wasm and passes the captured frame', async () => {
    const workers = countWorkers();
    t.restores.push(workers.restore);
    const backend = await new Backend().script(LIVE);
    t.el = await createElement({ endpoint: backend.endpoint });
    const result = nextResult(t.el);
    await t.el.start();
    expect((await result).type).to.equal('liveness-pass');
    expect(workers.made()).to.equal(1);
    expect(pageWasm()).to.deep.equal([]);
    const [req] = await backend.requests();
    expect(req!.jpeg).to.deep.equal({ width: 1280, height: 720 });
  });

  it('LivenessCapture.preload() loads a detector that the next element adopts (no second worker)', async () => {
    const workers = countWorkers();
    t.restores.push(workers.restore);
    await LivenessCapture.preload();
    expect(workers.made()).to.equal(1);
    const backend = await new Backend().script(LIVE);
    t.el = await createElement({ endpoint: backend.endpoint });
    const result = nextResult(t.el);
    await t.el.start();
    expect(t.el.status).to.equal('detecting');
    expect((await result).type).to.equal('liveness-pass');
    expect(workers.made()).to.equal(1);
  });

  it('the preload attribute starts loading the detector on connect, before start()', async () => {
    const workers = countWorkers();
    t.restores.push(workers.restore);
    const backend = await new Backend().script(LIVE);
    t.el = await createElement({ endpoint: backend.endpoint, preload: true });
    await until(() => workers.made() === 1, 'the worker to be created on connect');
    expect(t.el.status).to.equal('idle');
    const result = nextResult(t.el);
    await t.el.start();
    expect((await result).type).to.equal('liveness-pass');
    expect(workers.made()).to.equal(1);
  });

  it('without MediaStreamTrackProcessor (Firefox, Safari), the page transfers frames to the worker one at a time', async () => {
    const w = window as { MediaStreamTrackProcessor?: unknown };
    const processor = w.MediaStreamTrackProcessor;
    w.MediaStreamTrackProcessor = undefined;
    t.restores.push(() => { w.MediaStreamTrackProcessor = processor; });
    const workers = countWorkers();
    t.restores.push(workers.restore);
    // Every frame message the page sends, and whether a frame was sent while another was still in the worker.
    const post = Worker.prototype.postMessage;
    let sent = 0;
    let answered = 0;
    let overlapping = 0;
    const send = post as (this: Worker, message: unknown, transfer?: Transferable[] | StructuredSerializeOptions) => void;
    Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: Transferable[] | StructuredSerializeOptions) {
      const type = (message as { type?: string }).type;
      if (type === 'frame') {
        if (sent > answered) overlapping++;
        sent++;
      }
      send.call(this, message, transfer);
    };
    t.restores.push(() => { Worker.prototype.postMessage = post; });
    const backend = await new Backend().script(LIVE);
    t.el = await createElement({ endpoint: backend.endpoint });
    // A frame is answered when its result (or its skip) comes back.
    const onMessage = (e: MessageEvent) => {
      if (e.data?.type === 'result' || e.data?.type === 'skipped') answered++;
    };
    const Counting = window.Worker;
    window.Worker = class extends Counting {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        this.addEventListener('message', onMessage);
      }
    };
    const result = nextResult(t.el);
    await t.el.start();
    expect((await result).type).to.equal('liveness-pass');
    expect(workers.made()).to.equal(1);
    expect(sent).to.be.greaterThan(1);
    expect(overlapping).to.equal(0);
    expect(pageWasm()).to.deep.equal([]);
    const [req] = await backend.requests();
    expect(req!.jpeg).to.deep.equal({ width: 1280, height: 720 });
  });

  it('where workers cannot run the detector, the main thread does, with the same outcome', async () => {
    const Original = window.Worker;
    // A browser without module workers for the detector.
    (window as { Worker?: unknown }).Worker = undefined;
    t.restores.push(() => { window.Worker = Original; });
    const backend = await new Backend().script(LIVE);
    t.el = await createElement({ endpoint: backend.endpoint });
    const result = nextResult(t.el);
    await t.el.start();
    expect((await result).type).to.equal('liveness-pass');
    expect(pageWasm().length).to.be.greaterThan(0);
    const [req] = await backend.requests();
    expect(req!.jpeg).to.deep.equal({ width: 1280, height: 720 });
  });
});
