/**
 * The main thread's side of the decode worker: one module Worker, started on first use and kept for
 * later files (its codecs stay loaded). Each call's bytes are copied into a buffer that is
 * transferred; the image comes back transferred. A worker that fails to start or crashes rejects
 * every pending call with a DicomFormatError and is terminated (the next call starts a new one); an
 * aborted call terminates it too, so the abandoned decode stops using the CPU. Nothing waits forever.
 */
import { AbortError, DicomFormatError } from '../../errors.ts';
import type { DecodedDicom, DecodeOptions } from './decode.ts';
import { deserializeError, type WorkerRequest, type WorkerResponse } from './worker-protocol.ts';

interface Pending {
  resolve(r: DecodedDicom): void;
  reject(e: Error): void;
  name: string;
}

let worker: Worker | undefined;
const pending = new Map<number, Pending>();
let nextId = 1;
let answered = 0;

/** True where readDicom uses a worker by default: a browser window with module workers. */
export function workerByDefault(): boolean {
  return typeof Worker !== 'undefined' && typeof window !== 'undefined' && typeof document !== 'undefined';
}

function stop(reason: string): void {
  const w = worker;
  worker = undefined;
  w?.terminate();
  const calls = [...pending.values()];
  pending.clear();
  for (const p of calls) p.reject(new DicomFormatError(`${p.name}: the DICOM decode worker ${reason}`));
}

function start(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module', name: 'medimg-dicom-decoder' });
  w.onmessage = (event: MessageEvent<WorkerResponse>) => {
    const msg = event.data;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    answered++;
    if (msg.error) p.reject(deserializeError(msg.error, p.name));
    else p.resolve(msg.result!);
  };
  // A script that does not load, a crash, an uncaught error, a message that cannot be cloned.
  w.onerror = (event: ErrorEvent) => {
    event.preventDefault?.();
    stop(`failed: ${event.message || 'it could not be started or crashed'}`);
  };
  w.onmessageerror = () => stop('sent a message that could not be read');
  worker = w;
  return w;
}

export function decodeInWorker(bytes: Uint8Array, options: DecodeOptions & { name: string }): Promise<DecodedDicom> {
  const { signal, name } = options;
  if (signal?.aborted) return Promise.reject(new AbortError(`Reading ${name} was aborted: ${String(signal.reason)}`, { cause: signal.reason }));
  const w = start();
  const id = nextId++;
  return new Promise<DecodedDicom>((resolve, reject) => {
    const onAbort = () => {
      pending.delete(id);
      reject(new AbortError(`Reading ${name} was aborted: ${String(signal!.reason)}`, { cause: signal!.reason }));
      // The worker may be deep in a codec: end it, and with it the other calls' work (they fail typed).
      stop('was stopped because a read was aborted');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    pending.set(id, {
      name,
      resolve: (r) => { signal?.removeEventListener('abort', onAbort); resolve(r); },
      reject: (e) => { signal?.removeEventListener('abort', onAbort); reject(e); },
    });
    const copy = bytes.slice();
    const request: WorkerRequest = { id, bytes: copy, options: { name, limits: options.limits, codecBaseUrl: options.codecBaseUrl } };
    try {
      w.postMessage(request, [copy.buffer]);
    } catch (err) {
      pending.delete(id);
      reject(new DicomFormatError(`${name}: could not send the file to the DICOM decode worker: ${(err as Error).message}`, { cause: err }));
    }
  });
}

/** Ends the worker (tests; an app that wants its memory back). Pending reads reject. */
export function terminateDicomWorker(): void {
  stop('was terminated');
}

/** Whether the worker runs and how many files it has answered (tests check the worker path was taken). */
export function dicomWorkerState(): { running: boolean; answered: number } {
  return { running: worker !== undefined, answered };
}
