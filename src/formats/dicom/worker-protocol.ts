/**
 * Messages between readDicom (worker-client.ts) and decode-worker.ts, and how an engine error
 * crosses: as plain data (name, code, message, a LimitError's numbers), rebuilt as the same class.
 */
import { AbortError, DicomFormatError, EngineError, ImageInputError, LimitError, MissingPackageError } from '../../errors.ts';
import type { EngineLimits } from '../../limits.ts';
import type { DecodedDicom } from './decode.ts';

export interface WorkerRequest {
  id: number;
  bytes: Uint8Array;
  options: { name?: string; limits?: Partial<EngineLimits>; codecBaseUrl?: string };
}

export interface SerializedError {
  name: string;
  code?: string;
  message: string;
  limit?: { limit: string; value: number; max: number };
}

export type WorkerResponse = { id: number; result: DecodedDicom; error?: undefined } | { id: number; error: SerializedError; result?: undefined };

export function serializeError(err: unknown): SerializedError {
  const e = err as Error & { code?: string };
  const out: SerializedError = { name: e?.name ?? 'Error', code: e?.code, message: e?.message ?? String(err) };
  if (err instanceof LimitError) out.limit = { limit: err.limit, value: err.value, max: err.max };
  return out;
}

/** The typed error `s` was made from (an unknown kind becomes a DicomFormatError with its words). */
export function deserializeError(s: SerializedError, fileName: string): EngineError {
  switch (s.name) {
    case 'DicomFormatError':
      return new DicomFormatError(s.message);
    case 'LimitError':
      return s.limit ? new LimitError(s.limit.limit, s.limit.value, s.limit.max, s.message) : new DicomFormatError(s.message);
    case 'MissingPackageError':
      return new MissingPackageError(s.message);
    case 'AbortError':
      return new AbortError(s.message);
    case 'ImageInputError':
      return new ImageInputError(s.message);
    default:
      return new DicomFormatError(`${fileName}: the decoder failed (${s.name}): ${s.message}`);
  }
}
