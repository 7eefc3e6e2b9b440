/**
 * `<mi-segmenter>`'s 3-D glue without a browser (src/element/segmenter-volume.ts): the progress of a
 * run as one never-decreasing bar, the `grid` attribute as `mi segment --grid`, the saved file's name,
 * and the labels as NIfTI in the scan's space (shape, affine, transform code, values).
 */
import { describe, expect, it } from 'vitest';
import { readNifti, type NiftiImage } from '../../../src/formats/nifti/index.ts';
import { writeNifti } from '../../../src/formats/nifti/write.ts';
import { labelsFileName, labelsNifti, parseGrid, progressDetail, type MiSegmentVolumeDetail } from '../../../src/element/segmenter-volume.ts';

describe('progressDetail', () => {
  it('maps each stage onto its share of one bar that never goes back, and counts tiles', () => {
    const reports = [
      { stage: 'conform', fraction: 0 },
      { stage: 'conform', fraction: 1 },
      { stage: 'normalise', fraction: 0 },
      { stage: 'normalise', fraction: 1 },
      { stage: 'infer', fraction: 0, tile: 0, tiles: 8 },
      { stage: 'infer', fraction: 0.5, tile: 4, tiles: 8 },
      { stage: 'infer', fraction: 1, tile: 8, tiles: 8 },
      { stage: 'write-back', fraction: 0 },
      { stage: 'write-back', fraction: 1 },
    ] as const;
    const details = reports.map((r) => progressDetail(r));
    const fractions = details.map((d) => d.fraction);
    expect(fractions[0]).toBe(0);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    expect(details[5]).toMatchObject({ phase: 'segment', stage: 'infer', tile: 4, tiles: 8 });
    expect(details[5].text).toMatch(/Running the model: tile 4 of 8 \(\d+ %\)/);
    expect(details[1]).not.toHaveProperty('tiles');
  });
});

describe('parseGrid', () => {
  it('reads N, N,MM and none as mi segment --grid does, and refuses anything else', () => {
    expect(parseGrid(undefined)).toBeUndefined();
    expect(parseGrid('')).toBeUndefined();
    expect(parseGrid('none')).toBe(false);
    expect(parseGrid('128')).toEqual({ size: 128 });
    expect(parseGrid('128,2')).toEqual({ size: 128, voxelSize: 2 });
    for (const bad of ['0', '1.5', '128,0', '128,2,3', 'big', '4096']) expect(() => parseGrid(bad), bad).toThrow(/grid must be N/);
  });
});

describe('labelsFileName', () => {
  it('names the labels after the scan', () => {
    expect(labelsFileName('t1_crop.nii.gz')).toBe('t1_crop_labels.nii.gz');
    expect(labelsFileName('t1.nii')).toBe('t1_labels.nii.gz');
    expect(labelsFileName('20 DICOM files (DICOM, slice 10 of 20)')).toBe('20_DICOM_files_labels.nii.gz');
    expect(labelsFileName(undefined)).toBe('scan_labels.nii.gz');
  });
});

describe('labelsNifti', () => {
  const affine = [[-1, 0, 0, 90], [0, 0, 1.5, -126], [0, -1, 0, 72], [0, 0, 0, 1]];
  const labels = Float32Array.from({ length: 4 * 3 * 2 }, (_, v) => v % 3);
  const detail: MiSegmentVolumeDetail = {
    kind: 'volume',
    labels: { format: 'nifti', name: 'scan labels', data: labels, shape: [4, 3, 2], channels: 1, affine, description: '3-class labels of scan' },
    volumes: [],
    labelTable: [0, 1, 2].map((label) => ({ label, name: `l${label}`, color: '#000000' })),
    notes: [],
    ms: 1,
    adapter: 'test',
    backend: 'wasm',
  };

  it('writes uint8 labels, gzipped, with the scan affine and the input NIfTI transform code', () => {
    const input = readNifti(writeNifti(new Float32Array(24), [4, 3, 2], affine, { sformCode: 4 }), { name: 'scan.nii' }) as NiftiImage;
    const bytes = labelsNifti(detail, input);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    const back = readNifti(bytes, { name: 'labels.nii.gz' });
    expect(back.shape).toEqual([4, 3, 2]);
    expect(back.affine).toEqual(affine);
    expect(Array.from(back.data)).toEqual(Array.from(labels));
    expect(back.header.datatype.name).toBe('uint8');
    expect(back.header.xformCode).toBe(4);
  });

  it('says scanner space (1) when the input had no NIfTI transform (a DICOM series)', () => {
    const back = readNifti(labelsNifti(detail, { ...detail.labels, format: 'dicom' }), { name: 'labels.nii.gz' });
    expect(back.header.xformCode).toBe(1);
  });
});
