/**
 * `mi explain` as users run it (a child process): cam.npy of shape (N, h, w) equal to model.explain in
 * the test page and to real Keras' Grad-CAM (test/fixtures/gradcam, scripts/keras_refs/gradcam.py) on
 * the bundled malaria CNN, in Chromium and under Dawn (--runtime node); --image with --class and an
 * overlay PNG the size of the image; refusals in one line with the right exit status.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { parseNpy, toNpy } from '../../src/formats/npy.ts';
import { fromWire } from '../../src/cli/wire.ts';
import { decodeImage } from '../../src/runtime/image-decode.ts';
import { overlayHeatmap } from '../../src/explain/overlay.ts';
import type { Tensor } from '../../src/tensor.ts';
import type { GradCamPageResult } from '../browser/gradcam.ts';
import { fixturesDir, repoRoot } from '../util/fixtures.ts';
import { fileUrl, gpuPage } from '../util/gpu.ts';
import { mi, show, tempDir } from './run-mi.ts';

const MODEL = join(repoRoot, 'weights/malaria-cnn/model.keras');
const GRADCAM = join(repoRoot, 'test/fixtures/gradcam');
const tmp = tempDir();
const test8 = parseNpy(readFileSync(join(repoRoot, 'weights/malaria-cnn/ref/test8.input.npy')));
const two: Tensor = { shape: [2, ...test8.shape.slice(1)], data: test8.data.slice(0, (2 * test8.data.length) / test8.shape[0]) };
const INPUT = join(tmp, 'two.npy');
writeFileSync(INPUT, toNpy(two));
const keras = parseNpy(readFileSync(join(GRADCAM, 'malaria_cnn/default.npy')));
const kerasClass1 = parseNpy(readFileSync(join(GRADCAM, 'malaria_cnn/class1.npy')));
const cells = JSON.parse(readFileSync(join(repoRoot, 'weights/malaria-cnn/ref/test-cells.json'), 'utf8')).test8.paths as string[];

const maxAbs = (a: Tensor, b: Tensor) => a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i])), 0);

async function apiMaps(): Promise<Tensor> {
  const page = await gpuPage();
  // The page reads files of the repository (not /tmp): test8's first 2 items are INPUT's.
  const args = [{ url: fileUrl(MODEL) }, fileUrl(join(repoRoot, 'weights/malaria-cnn/ref/test8.input.npy')), 2, [{}], 'webgpu'];
  const r = (await page.evaluate(`import('/test/browser/gradcam.ts').then((m) => m.explainInPage(...${JSON.stringify(args)}))`)) as { results: GradCamPageResult[] };
  const first = r.results[0];
  if ('error' in first) throw new Error(first.error.message);
  return fromWire(first.maps);
}

describe('mi explain', () => {
  it('--input x.npy -o cam.npy (Chromium): (N, h, w) float32 maps, equal to model.explain and to Keras; the class and layer printed', async () => {
    const out = join(tmp, 'cam.npy');
    const r = await mi(['explain', MODEL, '--input', INPUT, '-o', out]);
    expect(r.code, show(r)).toBe(0);
    const cam = parseNpy(readFileSync(out));
    expect(cam.shape).toEqual([2, 14, 14]);
    const api = await apiMaps();
    expect(maxAbs(cam, api)).toBeLessThanOrEqual(1e-6);
    expect(maxAbs(cam, keras)).toBeLessThanOrEqual(1e-3);
    console.log(`mi explain (Chromium): max |cam - API| ${maxAbs(cam, api).toExponential(2)}, max |cam - Keras| ${maxAbs(cam, keras).toExponential(2)}`);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^item 0: class 0 \(Parasitized\) · layer pool2 \(14×14\) · strongest in the .+, covering \d+ % of the image$/);
    expect(lines[1]).toMatch(/^item 1: class 1 \(Uninfected\) · layer pool2 \(14×14\) · /);
    expect(lines[2]).toMatch(new RegExp(`^maps \\[2, 14, 14\\] float32 → ${out} · [\\d.]+ ms · WebGPU: .+ · chromium$`));
    expect(r.stderr).toBe('');
  });

  it('--class 1 under Dawn (--runtime node): the explicit class, as Keras explains it', async () => {
    const out = join(tmp, 'cam-node.npy');
    const r = await mi(['explain', MODEL, '--input', INPUT, '-o', out, '--class', '1', '--runtime', 'node']);
    expect(r.code, show(r)).toBe(0);
    const cam = parseNpy(readFileSync(out));
    expect(cam.shape).toEqual([2, 14, 14]);
    expect(maxAbs(cam, kerasClass1)).toBeLessThanOrEqual(1e-3);
    expect(r.stdout).toMatch(/^item 0: class 1 \(Uninfected\) · layer pool2/);
    expect(r.stdout).toMatch(/ · node\n$/);
  });

  it('--image --overlay out.png: the map over the image, at the image\'s own size', async () => {
    const image = join(fixturesDir(), cells[0]);
    const out = join(tmp, 'cell.npy');
    const png = join(tmp, 'overlay.png');
    const r = await mi(['explain', MODEL, '--image', image, '-o', out, '--overlay', png, '--colormap', 'inferno', '--opacity', '0.6']);
    expect(r.code, show(r)).toBe(0);
    expect(parseNpy(readFileSync(out)).shape).toEqual([1, 14, 14]);
    const original = decodeImage(readFileSync(image), { channels: 3 });
    const overlay = decodePng(readFileSync(png));
    expect([overlay.width, overlay.height, overlay.channels]).toEqual([original.width, original.height, 4]);
    // The image's pixels with the map upsampled, coloured and blended at 0.6 (src/explain/overlay.ts).
    const rgba = new Uint8ClampedArray(original.width * original.height * 4);
    for (let i = 0; i < original.width * original.height; i++) rgba.set([...original.data.subarray(i * 3, i * 3 + 3), 255], i * 4);
    const cam = parseNpy(readFileSync(out));
    const expected = overlayHeatmap(rgba, original.width, original.height, cam.data, 14, 14, { colormap: 'inferno', opacity: 0.6 });
    expect(Buffer.from(overlay.data as Uint8Array).equals(Buffer.from(expected))).toBe(true);
    // ... and it is not the image: the blend changed most pixels.
    let changed = 0;
    for (let i = 0; i < rgba.length; i++) if (i % 4 !== 3 && overlay.data[i] !== rgba[i]) changed++;
    expect(changed / (original.width * original.height * 3)).toBeGreaterThan(0.5);
    expect(r.stdout).toMatch(/^class 0 \(Parasitized\) · layer pool2 \(14×14\) · strongest in /);
    expect(r.stdout).toContain(`→ ${out}, ${png} · `);
  });

  it('--image FILE.dcm --window (Dawn): the same map as explaining the windowed pixels mi predict --save-input writes', async () => {
    const ct = join(repoRoot, 'test/fixtures/dicom/ct_signed16.dcm');
    const [fromDicom, pixels, fromNpy] = ['dcm.npy', 'dcm-input.npy', 'dcm-as-npy.npy'].map((f) => join(tmp, f));
    const a = await mi(['explain', MODEL, '--image', ct, '--window=40,400', '-o', fromDicom, '--runtime', 'node']);
    expect(a.code, show(a)).toBe(0);
    expect(a.stdout).toMatch(/ · node · window 40,400 \(flag\) → \[0, 255\]\n$/);
    const p = await mi(['predict', MODEL, '--image', ct, '--window=40,400', '--save-input', pixels, '--runtime', 'node']);
    expect(p.code, show(p)).toBe(0);
    const b = await mi(['explain', MODEL, '--input', pixels, '-o', fromNpy, '--runtime', 'node']);
    expect(b.code, show(b)).toBe(0);
    const [x, y] = [parseNpy(readFileSync(fromDicom)), parseNpy(readFileSync(fromNpy))];
    expect(x.shape).toEqual([1, 14, 14]);
    expect(maxAbs(x, y)).toBe(0);
  });

  it('refuses in one line: a head it cannot differentiate (exit 1), a layer it does not know (1), usage mistakes (2)', async () => {
    const tiny = join(GRADCAM, 'tiny_head/model.keras');
    const tinyInput = join(GRADCAM, 'tiny_head/input.npy');
    const pool = await mi(['explain', tiny, '--input', tinyInput, '-o', join(tmp, 'x.npy'), '--layer', 'conv1']);
    expect(pool.code, show(pool)).toBe(1);
    expect(pool.stderr.trim()).toMatch(/^mi explain: Layer "pool1" \(MaxPooling2D\) is not supported: Grad-CAM cannot differentiate through MaxPooling2D/);
    expect(pool.stderr.trim().split('\n')).toHaveLength(1);
    const missing = await mi(['explain', tiny, '--input', tinyInput, '-o', join(tmp, 'x.npy'), '--layer', 'nope']);
    expect(missing.code, show(missing)).toBe(1);
    expect(missing.stderr.trim()).toBe('mi explain: no layer named "nope" in this model');
    for (const [args, message] of [
      [['--input', tinyInput], /give -o CAM.npy and\/or --overlay/],
      [['--input', tinyInput, '-o', 'x.npy', '--class', 'two'], /--class must be a class index/],
      [['--input', tinyInput, '-o', 'x.npy', '--colormap', 'rainbow'], /--colormap must be one of jet, inferno, viridis, gray/],
      [['-o', 'x.npy'], /give --input X.npy or --image FILE/],
    ] as const) {
      const r = await mi(['explain', tiny, ...args]);
      expect(r.code, show(r)).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
