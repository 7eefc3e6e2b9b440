/**
 * Runs inside the test page for test/e2e/dicom-worker.test.ts: readDicom in a browser window, which
 * decodes in the module Worker, with the codecs' WebAssembly fetched from the dev server's
 * /node_modules/. Results cross into Node as plain data (hashes of the float32 bytes, shapes, errors).
 */
import { readDicom } from '../../src/formats/dicom/index.ts';
import { dicomWorkerState, terminateDicomWorker } from '../../src/formats/dicom/worker-client.ts';

export interface Decoded {
  shape: number[];
  sha256: string;
  description: string;
}

export interface Failure {
  name: string;
  code?: string;
  message: string;
}

async function bytesOf(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function hash(data: Float32Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function asFailure(err: unknown): Failure {
  const e = err as Error & { code?: string };
  return { name: e.name, code: e.code, message: e.message };
}

/** Decodes each URL in the worker (the default in a window); says whether the worker answered them. */
export async function decodeInPage(urls: string[]): Promise<{ results: (Decoded | Failure)[]; before: number; after: number; running: boolean }> {
  const before = dicomWorkerState().answered;
  const results: (Decoded | Failure)[] = [];
  for (const url of urls) {
    try {
      const image = await readDicom(await bytesOf(url), { name: url.split('/').pop() });
      results.push({ shape: image.shape, sha256: await hash(image.data), description: image.description });
    } catch (err) {
      results.push(asFailure(err));
    }
  }
  const state = dicomWorkerState();
  return { results, before, after: state.answered, running: state.running };
}

/** A codec folder that serves nothing: the read fails with MissingPackageError, in the worker. */
export async function missingCodec(url: string): Promise<Failure | undefined> {
  try {
    await readDicom(await bytesOf(url), { name: 'jpegls.dcm', codecBaseUrl: '/nowhere/' });
    return undefined;
  } catch (err) {
    return asFailure(err);
  }
}

/** The worker ended under a pending read (as a crash would): the read rejects typed, the next read works. */
export async function workerEndsMidRead(bigUrl: string, smallUrl: string): Promise<{ ended: Failure | string; aborted: Failure | string; next: Decoded | Failure }> {
  const big = await bytesOf(bigUrl);
  const pendingRead = readDicom(big, { name: 'big.dcm' }).then(() => 'resolved', asFailure);
  await new Promise((r) => setTimeout(r, 50));
  terminateDicomWorker();
  const ended = await pendingRead;
  const controller = new AbortController();
  const abortedRead = readDicom(big, { name: 'big.dcm', signal: controller.signal }).then(() => 'resolved', asFailure);
  controller.abort(new Error('the user closed the study'));
  const aborted = await abortedRead;
  let next: Decoded | Failure;
  try {
    const image = await readDicom(await bytesOf(smallUrl), { name: 'small.dcm' });
    next = { shape: image.shape, sha256: await hash(image.data), description: image.description };
  } catch (err) {
    next = asFailure(err);
  }
  return { ended, aborted, next };
}

/** The same read with `worker: false`: decoded in the window itself (codecs fetched there). */
export async function decodeInline(url: string): Promise<Decoded | Failure> {
  const before = dicomWorkerState().answered;
  try {
    const image = await readDicom(await bytesOf(url), { name: url.split('/').pop(), worker: false });
    if (dicomWorkerState().answered !== before) throw new Error('the worker answered a worker: false read');
    return { shape: image.shape, sha256: await hash(image.data), description: image.description };
  } catch (err) {
    return asFailure(err);
  }
}
