/**
 * Bytes to a dicom-parser DataSet: Part 10 files, files without the 128-byte preamble, and bare data
 * sets (no meta header; the VR kind is sniffed). Deflated data sets are inflated with fflate (the
 * engine's inflater) rather than dicom-parser's Node zlib or global pako. Every failure becomes a
 * DicomFormatError naming the file; an element whose length runs past the end of the file is found
 * here, before anything reads it.
 */
import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { inflateSync } from 'fflate';
import { DicomFormatError } from '../../errors.ts';
import { describeSyntax } from './transfer-syntax.ts';
import { bareStart, hasPart10Prefix } from './sniff.ts';

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const PIXEL_DATA = 'x7fe00010';

export interface ParsedDicom {
  dataSet: DataSet;
  transferSyntaxUid: string;
  /** The bytes the data set's offsets refer to (inflated for deflated files). */
  bytes: Uint8Array;
}

/** dicom-parser throws strings, or `{ exception, dataSet }`; this gets the words out. */
function parserMessage(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && 'exception' in err) return parserMessage((err as { exception: unknown }).exception);
  return err instanceof Error ? err.message : String(err);
}

function inflater(name: string) {
  return (byteArray: Uint8Array, position: number): Uint8Array => {
    let inflated: Uint8Array;
    try {
      inflated = inflateSync(byteArray.subarray(position));
    } catch (cause) {
      throw new DicomFormatError(`${name}: the deflated data set (transfer syntax ${describeSyntax('1.2.840.10008.1.2.1.99')}) does not inflate: ${parserMessage(cause)}`, { cause });
    }
    const whole = new Uint8Array(position + inflated.length);
    whole.set(byteArray.subarray(0, position));
    whole.set(inflated, position);
    return whole;
  };
}

/** Parses `bytes` (see the file comment). `name` is the file's, for messages. */
export function parseDicomBytes(bytes: Uint8Array, name: string): ParsedDicom {
  let input = bytes;
  let defaultSyntax: string | undefined;
  if (!hasPart10Prefix(bytes)) {
    const start = bareStart(bytes);
    if (!start) throw new DicomFormatError(`${name} is not a DICOM file: no "DICM" at byte 128 and it does not start like a DICOM data set`);
    if (start === 'meta') {
      // The meta header without its preamble: put one back, so dicom-parser reads the header.
      input = new Uint8Array(132 + bytes.length);
      input.set([0x44, 0x49, 0x43, 0x4d], 128);
      input.set(bytes, 132);
    } else {
      defaultSyntax = start === 'explicit' ? EXPLICIT_LE : IMPLICIT_LE;
    }
  }
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(input, {
      ...(defaultSyntax ? { TransferSyntaxUID: defaultSyntax } : {}),
      inflater: inflater(name),
    } as Parameters<typeof dicomParser.parseDicom>[1]);
  } catch (err) {
    if (err instanceof DicomFormatError) throw err;
    const inner = err && typeof err === 'object' && 'exception' in err ? (err as { exception: unknown }).exception : err;
    if (inner instanceof DicomFormatError) throw inner;
    // On "buffer overrun" dicom-parser hands back what it parsed, the overrunning element last:
    // name it (and say "truncated" when it is the pixel data).
    const partial = err && typeof err === 'object' && 'dataSet' in err ? (err as { dataSet?: DataSet }).dataSet : undefined;
    if (partial?.elements && partial.byteArray) checkLengths({ dataSet: partial, transferSyntaxUid: '', bytes: partial.byteArray as Uint8Array }, name);
    throw new DicomFormatError(`${name}: the DICOM data set cannot be parsed: ${parserMessage(err)}`, { cause: err });
  }
  const transferSyntaxUid = (dataSet.string('x00020010') ?? defaultSyntax ?? IMPLICIT_LE).replace(/\0/g, '').trim();
  const parsed = { dataSet, transferSyntaxUid, bytes: dataSet.byteArray as Uint8Array };
  checkLengths(parsed, name);
  return parsed;
}

/** "(0010,0010)" from dicom-parser's "x00100010". */
export function tagName(tag: string): string {
  return `(${tag.slice(1, 5).toUpperCase()},${tag.slice(5, 9).toUpperCase()})`;
}

/**
 * Every element's value must lie inside the file. dicom-parser records an element whose declared
 * length runs past the end (a lying length, a cut file) and stops; the reader would then read the
 * next file's worth of zeros or throw deep inside. The pixel data's own shortfall is "truncated".
 */
function checkLengths({ dataSet, bytes }: ParsedDicom, name: string): void {
  for (const element of Object.values(dataSet.elements)) {
    // dicom-parser adds a synthetic (0002,0010) for bare data sets: a value, no offset.
    if (element.hadUndefinedLength || element.encapsulatedPixelData || element.dataOffset === undefined) continue;
    const end = element.dataOffset + element.length;
    if (end <= bytes.length) continue;
    if (element.tag === PIXEL_DATA) {
      throw new DicomFormatError(
        `${name}: the pixel data is truncated: the header declares ${element.length} bytes, the file holds ${Math.max(0, bytes.length - element.dataOffset)}`,
      );
    }
    throw new DicomFormatError(
      `${name}: element ${tagName(element.tag)} declares a length of ${element.length} bytes at offset ${element.dataOffset}, past the end of the file (${bytes.length} bytes): a lying length or a cut file`,
    );
  }
}
