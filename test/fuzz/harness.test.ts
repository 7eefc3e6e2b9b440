/**
 * The fuzzer's own machinery: markers become what they promise, edits change the bytes they name,
 * the format field finders find the real fields of real seeds, and the sandbox reports a hang and
 * a typed error as such. A fuzzer that silently stopped mutating would pass every property.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/errors.ts';
import { applyByteEdits, bytesOf, editJson, expand, jsonText, pngChunks } from './harness/materialize.ts';
import { Sandbox } from './harness/sandbox.ts';
import { h5Fields, jpegFields, npyFields, pngFields, zipFields } from './mutate/fields.ts';
import { JPEG_SEEDS } from './seeds.ts';

describe('fuzz harness', () => {
  it('writes markers as JSON tokens in text and as values in objects', () => {
    const doc = { a: { $: 'NaN' }, b: { $deep: 3 }, c: [{ $: '-Infinity' }], d: { $long: 4 }, e: { $zeros: 2 } };
    expect(jsonText(doc)).toBe('{"a":NaN,"b":[[[]]],"c":[-Infinity],"d":"xxxx","e":[0,0]}');
    const v = expand(doc) as Record<string, unknown>;
    expect(v.a).toBeNaN();
    expect(v.b).toEqual([[[]]]);
    expect(v.c).toEqual([-Infinity]);
  });

  it('nests a model config as text and as an object without recursing that deep itself', () => {
    const cfg = { name: 'm', layers: [] };
    const text = jsonText(editJson({ top: cfg }, [{ op: 'nest-model', path: ['top'], depth: 2 }]));
    expect(JSON.parse(text)).toEqual(expand(editJson({ top: cfg }, [{ op: 'nest-model', path: ['top'], depth: 2 }])));
    expect(JSON.parse(text).top.layers[0]).toMatchObject({ class_name: 'Sequential', config: { name: 'nest_0' } });
    expect(jsonText(editJson({ top: cfg }, [{ op: 'nest-model', path: ['top'], depth: 100_000 }])).length).toBeGreaterThan(5_000_000);
  });

  it('applies byte edits where they say', () => {
    const b = Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7);
    expect([...applyByteEdits(b, [{ op: 'flip', at: 1, mask: 0xff }])]).toEqual([0, 0xfe, 2, 3, 4, 5, 6, 7]);
    expect([...applyByteEdits(b, [{ op: 'int', at: 2, width: 2, le: false, value: '258' }])]).toEqual([0, 1, 1, 2, 4, 5, 6, 7]);
    expect([...applyByteEdits(b, [{ op: 'truncate', at: 3 }, { op: 'insert', at: 1, bytes: [9] }])]).toEqual([0, 9, 1, 2]);
    expect([...applyByteEdits(b, [{ op: 'delete', at: 6, len: 5 }])]).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...b]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]); // the seed is never touched
  });

  it('finds the real length fields of real seeds', () => {
    const keras = bytesOf({ path: 'repo:test/fixtures/formats/functional/model.keras' });
    const cd = zipFields(keras).filter((f) => /^zip\.cd\[\d+\]\.compressedSize$/.test(f.name));
    expect(cd.length).toBe(3);
    expect(cd.reduce((s, f) => s + Number(f.value), 0)).toBeLessThan(keras.length);
    const h5 = h5Fields(bytesOf({ path: 'repo:test/fixtures/formats/functional/model.h5' }));
    expect(h5.find((f) => f.name === 'h5.superblock.version')?.value).toBe(0n);
    expect(h5.filter((f) => f.name.endsWith('.dataspace.dim0')).length).toBeGreaterThan(5);
    expect(h5.filter((f) => f.name.includes('.attribute.')).length).toBeGreaterThan(5);
    const png = bytesOf({ path: 'repo:test/cli/fixtures/decode/rgb8.png' });
    expect(pngFields(png).find((f) => f.name === 'png.IHDR.width')?.value).toBe(BigInt(new DataView(png.buffer, png.byteOffset).getUint32(16)));
    expect(pngChunks(png)[0].type).toBe('IHDR');
    expect(jpegFields(bytesOf(JPEG_SEEDS['dicom baseline frame 1'])).find((f) => f.name.endsWith('.sof.width'))?.value).toBe(512n);
    expect(npyFields(bytesOf({ path: 'repo:test/fixtures/formats/npy/f4.npy' })).map((f) => f.name)).toContain('npy.headerLength');
  });
});

describe('fuzz sandbox', () => {
  const sandbox = new Sandbox();
  afterAll(() => sandbox.close());

  it('sorts endings: a typed error by code, a valid result, a non-engine throw', async () => {
    expect(await sandbox.run({ target: 'npy', file: { path: 'repo:test/fixtures/formats/npy/f4.npy' } })).toMatchObject({ outcome: 'valid' });
    expect(await sandbox.run({ target: 'npy', file: { base: { path: 'repo:test/fixtures/formats/npy/f4.npy' }, edits: [{ op: 'truncate', at: 3 }] } })).toMatchObject({
      outcome: 'typed',
      code: new ModelFormatError('').code,
    });
    expect(await sandbox.run({ target: 'npy', file: { path: 'repo:no/such/file.npy' } })).toMatchObject({ outcome: 'harness' });
  });
});
