/**
 * The demo's DICOM sample: a sample cell (a PNG from the shared fixtures) wrapped, at request time, in
 * a DICOM Part 10 file (Secondary Capture, explicit VR little endian, RGB, 8 bits), so the page can
 * show a DICOM classified by the bundled malaria model without a copy of any fixture in the
 * repository. The pixels are the PNG's own numbers, untouched: classifying the .dcm must give exactly
 * what classifying the PNG gives (test/e2e checks that).
 *
 * A writer this small is enough because we write one fixed layout; reading DICOM is the engine's job
 * (src/formats/dicom, on dicom-parser).
 */
import { decode } from 'fast-png';

const EXPLICIT_LITTLE = '1.2.840.10008.1.2.1';
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
/** A UID root for the demo's made-up instances (2.25 = UUID-derived, PS3.5 B.2). */
const DEMO_ROOT = '2.25.31415926535897932384626433';

/** VRs whose length field is 4 bytes after 2 reserved bytes in explicit VR (PS3.5 7.1.2). */
const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN']);

type Element = [group: number, element: number, vr: string, value: Uint8Array];

const ascii = (text: string, pad: ' ' | '\0'): Uint8Array => {
  const even = text.length % 2 ? text + pad : text;
  return new TextEncoder().encode(even);
};
const ui = (uid: string) => ascii(uid, '\0');
const cs = (text: string) => ascii(text, ' ');
const us = (n: number) => new Uint8Array(new Uint16Array([n]).buffer);
const ul = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);

function encode(elements: readonly Element[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [group, element, vr, value] of elements) {
    const long = LONG_VRS.has(vr);
    const header = new DataView(new ArrayBuffer(long ? 12 : 8));
    header.setUint16(0, group, true);
    header.setUint16(2, element, true);
    header.setUint8(4, vr.charCodeAt(0));
    header.setUint8(5, vr.charCodeAt(1));
    if (long) header.setUint32(8, value.length, true);
    else header.setUint16(6, value.length, true);
    parts.push(new Uint8Array(header.buffer), value);
  }
  return concat(parts);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** RGB 8-bit pixels (row-major, interleaved) as a DICOM Part 10 file. */
export function rgbDicom(pixels: Uint8Array, rows: number, columns: number, id: number): Uint8Array {
  if (pixels.length !== rows * columns * 3) throw new RangeError(`${pixels.length} bytes are not ${rows}×${columns} RGB`);
  const instance = `${DEMO_ROOT}.${id}`;
  const dataset = encode([
    [0x0008, 0x0016, 'UI', ui(SECONDARY_CAPTURE)],
    [0x0008, 0x0018, 'UI', ui(instance)],
    [0x0008, 0x0060, 'CS', cs('OT')],
    [0x0010, 0x0010, 'PN', cs('Demo^Cell')],
    [0x0020, 0x000d, 'UI', ui(`${DEMO_ROOT}.1`)],
    [0x0020, 0x000e, 'UI', ui(`${DEMO_ROOT}.2`)],
    [0x0028, 0x0002, 'US', us(3)],
    [0x0028, 0x0004, 'CS', cs('RGB')],
    [0x0028, 0x0006, 'US', us(0)],
    [0x0028, 0x0010, 'US', us(rows)],
    [0x0028, 0x0011, 'US', us(columns)],
    [0x0028, 0x0100, 'US', us(8)],
    [0x0028, 0x0101, 'US', us(8)],
    [0x0028, 0x0102, 'US', us(7)],
    [0x0028, 0x0103, 'US', us(0)],
    [0x7fe0, 0x0010, 'OB', pixels.length % 2 ? concat([pixels, new Uint8Array(1)]) : pixels],
  ]);
  const metaBody = encode([
    [0x0002, 0x0001, 'OB', new Uint8Array([0, 1])],
    [0x0002, 0x0002, 'UI', ui(SECONDARY_CAPTURE)],
    [0x0002, 0x0003, 'UI', ui(instance)],
    [0x0002, 0x0010, 'UI', ui(EXPLICIT_LITTLE)],
    [0x0002, 0x0012, 'UI', ui(`${DEMO_ROOT}.0`)],
  ]);
  const meta = concat([encode([[0x0002, 0x0000, 'UL', ul(metaBody.length)]]), metaBody]);
  return concat([new Uint8Array(128), new TextEncoder().encode('DICM'), meta, dataset]);
}

/** A PNG (8-bit grey or RGB, alpha dropped) as an RGB DICOM; grey is repeated into the three samples. */
export function pngToDicom(png: Uint8Array, id: number): Uint8Array {
  const image = decode(png);
  if (image.depth !== 8) throw new RangeError(`the demo wraps 8-bit PNGs, this one is ${image.depth}-bit`);
  const n = image.width * image.height;
  const rgb = new Uint8Array(n * 3);
  const c = image.channels;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) rgb[i * 3 + k] = image.data[i * c + (c >= 3 ? k : 0)];
  }
  return rgbDicom(rgb, image.height, image.width, id);
}
