/**
 * Minimal typings for jsfive (pure-JS HDF5 reader, browser + Node), covering what src/formats uses.
 * jsfive throws plain strings on bad paths and corrupt files, so callers must wrap every call.
 */
declare module 'jsfive' {
  /** Attribute values: strings, numbers, or arrays of them (Keras stores lists as arrays). */
  export type Hdf5Attr = string | number | bigint | (string | number | bigint)[] | unknown;

  export class Group {
    readonly name: string;
    readonly keys: string[];
    readonly attrs: Record<string, Hdf5Attr>;
    get(path: string): Group | Dataset;
  }

  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }

  export class Dataset {
    readonly name: string;
    readonly shape: number[];
    /** numpy-style dtype string, e.g. "<f4", "<f8", "<i4", "|u1"; a structure for compound/vlen. */
    readonly dtype: string | unknown;
    readonly value: ArrayLike<number | bigint> | unknown;
    readonly attrs: Record<string, Hdf5Attr>;
  }
}
