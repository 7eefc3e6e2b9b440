/**
 * The codecs are optional peers: in a Node process where they are not installed (a resolve hook
 * makes them fail as Node does for a missing package), a compressed file fails with
 * MissingPackageError naming the transfer syntax and the exact `npm install`, while uncompressed and
 * RLE files (decoded by our own code) still read.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../../util/fixtures.ts';
import { DICOM } from './dicom-refs.ts';

const HIDE = join(repoRoot, 'test/unit/formats/dicom-hide');

it('codec packages not installed: MissingPackageError with the syntax and npm install; native and RLE still read', () => {
  const files = ['jpegls_lossless.dcm', 'j2k_lossless.dcm', 'ybr422_jpeg.dcm', 'jpeg12_extended.dcm', 'ct_signed16.dcm', 'rle_ct.dcm'];
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--import', join(HIDE, 'register.mjs'), join(HIDE, 'read-each.ts'), ...files.map((f) => join(DICOM, f))], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const rows = out.trim().split('\n').map((l) => JSON.parse(l) as { name: string; error?: string; code?: string; message?: string; shape?: number[] });
  const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
  const expectMissing = (file: string, syntax: string, pkg: string) => {
    expect(byName[file]).toMatchObject({ error: 'MissingPackageError', code: 'MISSING_PACKAGE' });
    expect(byName[file]!.message).toContain(syntax);
    expect(byName[file]!.message).toContain(`npm install ${pkg}`);
  };
  expectMissing('jpegls_lossless.dcm', '1.2.840.10008.1.2.4.80 (JPEG-LS Lossless)', '@cornerstonejs/codec-charls');
  expectMissing('j2k_lossless.dcm', '1.2.840.10008.1.2.4.90 (JPEG 2000 (Lossless Only))', '@cornerstonejs/codec-openjpeg');
  expectMissing('ybr422_jpeg.dcm', '1.2.840.10008.1.2.4.50 (JPEG Baseline (Process 1))', '@cornerstonejs/codec-libjpeg-turbo-8bit');
  expectMissing('jpeg12_extended.dcm', '1.2.840.10008.1.2.4.51 (JPEG Extended (Process 2 & 4))', 'dcmjs-codecs');
  expect(byName['ct_signed16.dcm']).toEqual({ name: 'ct_signed16.dcm', shape: [64, 64] });
  expect(byName['rle_ct.dcm']).toEqual({ name: 'rle_ct.dcm', shape: [64, 64] });
});
