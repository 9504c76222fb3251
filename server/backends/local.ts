// Local mode: the in-process reference backend (./local-backend.js) answering as the contract says.

import { createRequire } from 'node:module';
import { faceNotDetected, faceTooSmall, failure, invalidImage, isProbability, json } from '../contract/contract.js';
import type { LocalBackend, LocalBackendOptions } from './local-backend.js';
import type { Answer } from '../handler/answer.js';
import type { VerdictField } from '../stores/verdict.js';

export interface LocalBackendSource {
  /** The backend, loaded on first use; a failed load is retried on the next request. */
  get(): Promise<LocalBackend>;
  /** Closes the backend if this source created it. */
  close(): Promise<void>;
}

/**
 * The packages local mode needs, with the ranges of this package's `peerDependencies` (optional peers: proxy mode
 * and the element need none of them, so npm does not install them).
 */
export const LOCAL_PEERS: Readonly<Record<string, string>> = {
  sharp: '^0.35.5',
  '@vladmandic/human': '^3.3.6',
  '@tensorflow/tfjs-backend-wasm': '^4.22.0',
  '@tensorflow/tfjs-converter': '^4.22.0',
};

/** The local mode's peers that cannot be resolved from this package, by name. */
export function missingLocalPeers(resolve: (name: string) => string = createRequire(import.meta.url).resolve): string[] {
  return Object.keys(LOCAL_PEERS).filter((name) => {
    try {
      resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

/** The error for missing peers: their names and the one command that installs them all. */
export function missingPeersError(missing: readonly string[]): Error {
  const line = `npm install ${Object.entries(LOCAL_PEERS).map(([name, range]) => `${name}@${range}`).join(' ')}`;
  return new Error(
    `local mode needs packages that are not installed: ${missing.join(', ')}. Install them next to liveness-capture:\n` +
      `  ${line}\n` +
      'or set SPOOFSENSE_API_KEY to forward to the hosted API instead (proxy mode needs none of them).',
  );
}

/**
 * The in-process reference backend, loaded through a dynamic import so that importing this package (and
 * running proxy mode) never loads the models or their native dependencies. Share one between handlers with
 * the `localBackend` option; close it when done.
 */
export async function createLocalBackend(options: LocalBackendOptions = {}): Promise<LocalBackend> {
  const missing = missingLocalPeers();
  if (missing.length) throw missingPeersError(missing);
  const local = await import('./local-backend.js');
  return local.createLocalBackend(options);
}

/**
 * Loads `./local-backend.js` lazily (a dynamic import on first use, so proxy mode never loads models), or wraps
 * a backend the caller injected (and does not close it: the caller owns it).
 */
export function localBackendSource(
  injected: LocalBackend | Promise<LocalBackend> | undefined,
  minFaceSize: number | undefined,
): LocalBackendSource {
  let loading: Promise<LocalBackend> | undefined;
  return {
    get() {
      if (injected) return Promise.resolve(injected);
      loading ??= createLocalBackend(minFaceSize === undefined ? {} : { minFaceSize }).catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      return loading;
    },
    async close() {
      if (injected || !loading) return;
      const pending = loading;
      loading = undefined;
      await (await pending.catch(() => null))?.close();
    },
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Answers a contract request whose body is already read and within the limit. */
export async function answerLocally(
  image: Uint8Array | null,
  source: LocalBackendSource,
  minFaceSize: number,
  verdict?: (probReal: number) => VerdictField,
  signal?: AbortSignal,
): Promise<Answer> {
  if (!image) return { response: invalidImage(), outcome: 'invalid-image-payload' };

  let backend: LocalBackend;
  try {
    backend = await source.get();
  } catch (error) {
    return {
      response: failure(500, 'The local liveness backend could not be loaded', 'LOCAL_BACKEND_UNAVAILABLE'),
      outcome: 'local-backend-error',
      level: 'error',
      detail: `local backend failed to load: ${message(error)}`,
    };
  }

  let analysis: Awaited<ReturnType<LocalBackend['analyze']>>;
  try {
    analysis = await backend.analyze(image, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw error;
    return {
      response: failure(500, 'The local liveness backend failed', 'LOCAL_BACKEND_ERROR'),
      outcome: 'local-backend-error',
      level: 'error',
      detail: `local backend failed: ${message(error)}`,
    };
  }

  switch (analysis.kind) {
    case 'invalid-image':
      return { response: invalidImage(), outcome: 'invalid-image-payload' };
    case 'no-face':
      return { response: faceNotDetected(), outcome: 'face-not-detected' };
    case 'too-small':
      return {
        response: faceTooSmall(analysis.box.height, analysis.box.width, minFaceSize),
        outcome: 'face-too-small',
      };
    case 'scored': {
      const probReal = analysis.probReal;
      if (!isProbability(probReal)) {
        return {
          response: failure(500, 'The local liveness backend failed', 'LOCAL_BACKEND_ERROR'),
          outcome: 'local-backend-error',
          level: 'error',
          detail: `local backend returned prob_real ${String(probReal)}, not a number in [0, 1]`,
        };
      }
      const body = {
        success: true,
        message: 'Process finished successfully',
        model_output: { pred_idx: probReal > 0.5 ? 'real' : 'spoof', prob_real: probReal },
        ...(verdict ? { verdict: verdict(probReal) } : {}),
      };
      return { response: json(200, body), outcome: 'scored', probReal, decision: body.verdict?.decision };
    }
    default: {
      const unknown: { kind?: unknown } = analysis;
      return {
        response: failure(500, 'The local liveness backend failed', 'LOCAL_BACKEND_ERROR'),
        outcome: 'local-backend-error',
        level: 'error',
        detail: `local backend returned an unknown result kind ${String(unknown.kind)}`,
      };
    }
  }
}
