/**
 * The module Worker readDicom uses in browser windows: decodes one file per message (codecs load
 * once per worker and stay), answers with the image (its float32 buffer transferred, not copied) or
 * with the error as plain data, which worker-client.ts turns back into the same typed error.
 */
import { decodeDicom, type DecodeOptions } from './decode.ts';
import { serializeError } from './worker-protocol.ts';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.ts';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerResponse, transfer?: Transferable[]): void;
};

scope.onmessage = (event) => {
  const { id, bytes, options } = event.data;
  const decodeOptions: DecodeOptions = { ...options };
  decodeDicom(bytes, decodeOptions).then(
    (result) => scope.postMessage({ id, result }, [result.image.data.buffer as ArrayBuffer]),
    (err: unknown) => scope.postMessage({ id, error: serializeError(err) }),
  );
};
