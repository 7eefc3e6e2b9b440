/**
 * The one preprocessing resolution (src/runtime/preprocess-resolve.ts) that predictImage, the
 * element and `mi predict` share: option > metadata.json > graph > default, field by field, with
 * the source of each recorded and the default never silent.
 */
import { describe, expect, it } from 'vitest';
import { describeRecipe, formatScale, resolvePreprocessing, scaleOrigin, withOverrides, type PreprocessEvidence } from '../../../src/runtime/preprocess-resolve.ts';
import type { InputScalingLayer } from '../../../src/graph/input-scaling.ts';

const RESCALING: InputScalingLayer = { name: 'rescale', kerasClass: 'Rescaling', op: 'rescaling' };
const NORMALIZATION: InputScalingLayer = { name: 'norm', kerasClass: 'Normalization', op: 'normalization' };
const declared = [null, 64, 64, 3];
/** What weights/malaria-cnn/metadata.json says about its input. */
const malariaMeta = {
  labels: ['Parasitized', 'Uninfected'],
  outputActivation: 'sigmoid',
  threshold: 0.5,
  input: { height: 64, width: 64, channels: 3, resize: 'bilinear-half-pixel', scale: 1, offset: 0 },
  files: { keras: 'model.keras', tfjs: 'model.json' },
};

describe('resolvePreprocessing', () => {
  it('metadata wins over the graph, and its labels and output rule are carried', () => {
    const p = resolvePreprocessing({ declared: [null, 128, 128, 3], metadata: { ...malariaMeta, input: { height: 64, width: 64, scale: 2, offset: -1 } }, metadataFrom: 'http://x/models/metadata.json', inputLayer: RESCALING });
    expect(p.options).toMatchObject({ height: 64, width: 64, scale: 2, offset: -1, channels: 3, resize: 'bilinear' });
    expect(p.sources).toMatchObject({ size: 'metadata', scale: 'metadata', offset: 'metadata', channels: 'graph', resize: 'default' });
    // What the metadata leaves out, the graph still implies.
    expect(p.sources.mean).toBe('graph');
    expect(p).toMatchObject({ usedDefault: false, labels: ['Parasitized', 'Uninfected'], outputActivation: 'sigmoid', threshold: 0.5 });
    expect(p.reason).toBe('scale 2, offset -1: from metadata.json');
    expect(scaleOrigin(p)).toBe('metadata.json');
  });

  it.each([
    ['Rescaling', RESCALING],
    ['Normalization', NORMALIZATION],
  ])('an input %s layer means raw 0–255 pixels go in (scale 1, offset 0)', (kerasClass, inputLayer) => {
    const p = resolvePreprocessing({ declared, inputLayer, modelFile: 'model.keras' });
    expect(p.options).toEqual({ height: 64, width: 64, channels: 3, resize: 'bilinear', scale: 1, offset: 0, mean: [0], std: [1] });
    expect(p.sources).toEqual({ size: 'graph', channels: 'graph', resize: 'default', scale: 'graph', offset: 'graph', mean: 'graph', std: 'graph' });
    expect(p.usedDefault).toBe(false);
    expect(p.inputLayer).toEqual({ name: inputLayer.name, kerasClass });
    expect(p.reason).toContain(`"${inputLayer.name}" (${kerasClass}) scales them itself`);
    expect(scaleOrigin(p)).toBe(`${kerasClass} layer`);
  });

  it('explicit options beat metadata and graph, field by field', () => {
    const evidence: PreprocessEvidence = { declared, metadata: malariaMeta, metadataFrom: 'metadata.json', inputLayer: RESCALING };
    const p = resolvePreprocessing(evidence, { scale: 1 / 255, height: 32, width: 48, resize: 'nearest' });
    expect(p.options).toMatchObject({ scale: 1 / 255, offset: 0, height: 32, width: 48, resize: 'nearest' });
    expect(p.sources).toMatchObject({ scale: 'option', size: 'option', resize: 'option', offset: 'metadata' });
    expect(p.usedDefault).toBe(false);
    expect(scaleOrigin(p, '--scale')).toBe('--scale');
    // withOverrides on a resolution gives the same answer as resolving with the options.
    expect(withOverrides(resolvePreprocessing(evidence), { scale: 1 / 255, height: 32, width: 48, resize: 'nearest' })).toEqual(p);
  });

  it('with neither metadata nor an input scaling layer: the documented default, and it says so', () => {
    const p = resolvePreprocessing({ declared: [null, 150, 150, 1], modelFile: '/m/pneumonia_model.h5' });
    expect(p.options).toEqual({ height: 150, width: 150, channels: 1, resize: 'bilinear', scale: 1 / 255, offset: 0, mean: [0], std: [1] });
    expect(p.sources).toMatchObject({ scale: 'default', offset: 'default', size: 'graph', channels: 'graph' });
    expect(p.usedDefault).toBe(true);
    expect(p.reason).toBe('no metadata.json and no Rescaling or Normalization layer in pneumonia_model.h5: assumed pixels × 1/255');
    // Metadata without an input recipe does not help either, and the reason says which file.
    const q = resolvePreprocessing({ declared, metadata: { labels: ['a', 'b'] }, metadataFrom: 'm.metadata.json' });
    expect(q.usedDefault).toBe(true);
    expect(q.reason).toMatch(/^m\.metadata\.json gives no input\.scale and no Rescaling/);
    // An explicit scale is no assumption.
    expect(withOverrides(q, { scale: 1 }).usedDefault).toBe(false);
  });

  it('a model of open size and no metadata leaves the size unknown (predictImage then asks for it)', () => {
    const p = resolvePreprocessing({ declared: [null, null, null, 3] });
    expect(p.options.height).toBeUndefined();
    expect(p.sources.size).toBe('default');
    expect(resolvePreprocessing({ declared: [null, null, null, 3], metadata: malariaMeta }).options).toMatchObject({ height: 64, width: 64 });
  });

  it('the declared channel count beats the metadata, with a note; odd metadata values are noted and ignored', () => {
    const p = resolvePreprocessing({ declared: [null, 64, 64, 1], metadata: { input: { channels: 3, resize: 'bicubic' } }, metadataFrom: 'metadata.json' });
    expect(p.options).toMatchObject({ channels: 1, resize: 'bilinear' });
    expect(p.notes).toEqual([
      'metadata.json says 3 input channels but the model declares 1: the model\'s count is used',
      'metadata.json: unknown input.resize "bicubic": ignored',
    ]);
  });

  it('notes from finding the metadata are kept (a malformed file is ignored, not thrown)', () => {
    const p = resolvePreprocessing({ declared, metadataNotes: ['metadata.json ignored: not valid JSON (Unexpected token)'] });
    expect(p.usedDefault).toBe(true);
    expect(p.notes).toEqual(['metadata.json ignored: not valid JSON (Unexpected token)']);
  });

  it('formats scales and recipes for people', () => {
    expect(formatScale(1 / 255)).toBe('1/255');
    expect(formatScale(0.00392156862745098)).toBe('1/255');
    expect(formatScale(1 / 127.5)).toBe('0.00784314');
    expect(formatScale(1)).toBe('1');
    expect(formatScale(2)).toBe('2');
    expect(describeRecipe({ resize: 'bilinear', scale: 1 / 255, offset: 0, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] })).toBe(
      'scale 1/255, mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]',
    );
  });
});
