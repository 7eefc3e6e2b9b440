/**
 * Fuzzing image decoding (src/runtime/image-decode.ts over fast-png and jpeg-js): real PNGs (1-,
 * 8- and 16-bit, grey, grey+alpha, palette, RGB, RGBA, real microscopy cells) and JPEGs (colour,
 * a grey DICOM frame, a lossless DICOM frame) with bytes flipped, cut and inserted, chunk lengths,
 * CRCs, IHDR and SOF sizes corrupted; and PNGs rebuilt with consistent CRCs and valid zlib whose
 * IHDR no longer matches the data (huge, zero, odd depth/colour combinations). Every case must
 * end in an ImageInputError or pixels that fill width × height × channels within 0–255.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { Campaign, type CaseSpec } from './harness/campaign.ts';
import { bytesOf } from './harness/materialize.ts';
import { runsFor, testTimeoutMs } from './harness/settings.ts';
import type { ByteEdit, CaseRequest, FileRef, PngHeader } from './harness/spec.ts';
import { byteEditsArb, randomEditArb } from './mutate/bytes.ts';
import { jpegFields, pngFields } from './mutate/fields.ts';
import { JPEG_SEEDS, PNG_SEEDS } from './seeds.ts';

const campaign = new Campaign('image (PNG/JPEG)');
afterAll(async () => {
  console.log(campaign.report());
  await campaign.sandbox.close();
});

interface ImageSpec extends CaseSpec {
  edits: ByteEdit[];
  channels: 1 | 3;
  grayscale: boolean;
}
interface RebuiltSpec extends CaseSpec {
  /** Each edit is one change to the rebuilt PNG: an IHDR field, or a byte edit of the inflated data. */
  edits: ({ ihdr: Partial<PngHeader> } | { data: ByteEdit })[];
  channels: 1 | 3;
  grayscale: boolean;
}

const SEEDS: Record<string, FileRef> = { ...Object.fromEntries(PNG_SEEDS.map((p) => [p, { path: p }])), ...JPEG_SEEDS };
const asked = { channels: fc.constantFrom(1 as const, 3 as const), grayscale: fc.boolean() };

function editedArb(labels: fc.Arbitrary<string>, fieldsOf: (b: Uint8Array) => ReturnType<typeof pngFields>): fc.Arbitrary<ImageSpec> {
  return labels.chain((seed) => {
    const b = bytesOf(SEEDS[seed]);
    return fc.record({ seed: fc.constant(seed), edits: byteEditsArb(b.length, fieldsOf(b)), ...asked });
  });
}

/**
 * The 512×512 DICOM frame gets a fifth of the JPEG cases: a SOF edit to 32767 or 65535 columns
 * makes jpeg-js decode 16–33 million pixels from 18 KB (seconds each; see F9 in FINDINGS.md).
 */
const jpegSeeds = fc.oneof({ weight: 3, arbitrary: fc.constant('rgb.jpg') }, { weight: 1, arbitrary: fc.constant('dicom baseline frame 1') }, { weight: 1, arbitrary: fc.constant('dicom lossless') });

const edited = (s: ImageSpec): CaseRequest => ({ target: 'image', file: { base: SEEDS[s.seed], edits: s.edits }, channels: s.channels, grayscale: s.grayscale });

const dimension = fc.constantFrom(0, 1, 2, 7, 255, 256, 65535, 65536, 100_000, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1);
const ihdrEdit = fc.oneof(
  fc.record({ width: dimension }),
  fc.record({ height: dimension }),
  fc.record({ width: dimension, height: dimension }),
  fc.record({ depth: fc.constantFrom(0, 1, 2, 3, 4, 8, 16, 32) }),
  fc.record({ colorType: fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7) }),
  fc.record({ depth: fc.constantFrom(1, 2, 4, 8, 16), colorType: fc.constantFrom(0, 2, 3, 4, 6) }),
  fc.record({ interlace: fc.constantFrom(1, 2) }),
);
const rebuiltArb: fc.Arbitrary<RebuiltSpec> = fc.record({
  seed: fc.constantFrom(...PNG_SEEDS),
  edits: fc.array(
    fc.oneof(
      ihdrEdit.map((ihdr) => ({ ihdr })),
      randomEditArb(4096).map((data) => ({ data })),
    ),
    { minLength: 1, maxLength: 3 },
  ),
  ...asked,
});

function rebuilt(s: RebuiltSpec): CaseRequest {
  const ihdr = Object.assign({}, ...s.edits.map((e) => ('ihdr' in e ? e.ihdr : {}))) as Partial<PngHeader>;
  const dataEdits = s.edits.flatMap((e) => ('data' in e ? [e.data] : []));
  return {
    target: 'image',
    file: { png: SEEDS[s.seed], ihdr, dataEdits: dataEdits.length ? dataEdits : undefined, fixCrc: true },
    channels: s.channels,
    grayscale: s.grayscale,
  };
}

describe('fuzz: image decoding', () => {
  it(
    'mutated PNGs (bytes, chunk lengths, CRCs, IHDR fields) end in ImageInputError or well-formed pixels',
    async () => {
      await campaign.property('png bytes', editedArb(fc.constantFrom(...PNG_SEEDS), pngFields), edited, { runs: runsFor(400) });
      campaign.expectNoBadEndings('png bytes');
    },
    testTimeoutMs(),
  );

  it(
    'PNGs rebuilt with valid CRCs and zlib but an IHDR that lies, or edited image data, end in ImageInputError or well-formed pixels',
    async () => {
      await campaign.property('png rebuilt', rebuiltArb, rebuilt, { runs: runsFor(150) });
      campaign.expectNoBadEndings('png rebuilt');
    },
    testTimeoutMs(),
  );

  it(
    'mutated JPEGs (bytes, segment lengths, SOF size and components, SOS) end in ImageInputError or well-formed pixels',
    async () => {
      await campaign.property('jpeg bytes', editedArb(jpegSeeds, jpegFields), edited, { runs: runsFor(200) });
      campaign.expectNoBadEndings('jpeg bytes');
    },
    testTimeoutMs(),
  );
});
