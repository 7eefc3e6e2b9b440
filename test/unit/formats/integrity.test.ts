/** The pure parts of integrity checking: SRI values, the integrity.json manifest, which value applies to a file. */
import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../../src/errors.ts';
import {
  expectedIntegrity,
  formatSri,
  normalizeSri,
  parseIntegrityManifest,
  parseIntegrityOption,
  parseSri,
  sha256Sri,
} from '../../../src/formats/integrity.ts';
import { pathInFolder } from '../../../src/formats/model-files.ts';

/** SHA-256("abc") from FIPS 180-2, appendix B.1, in SRI form (`printf abc | openssl dgst -sha256 -binary | base64`). */
const ABC = 'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=';
const ABC_HEX = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
/** SHA-256 of no bytes. */
const EMPTY = 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

describe('SRI values', () => {
  it('sha256Sri hashes with WebCrypto and formats as sha256-<base64>', async () => {
    expect(await sha256Sri(new TextEncoder().encode('abc'))).toBe(ABC);
    expect(await sha256Sri(new Uint8Array(0))).toBe(EMPTY);
  });

  it('parseSri gives the 32 digest bytes; formatSri is its inverse', () => {
    const digest = parseSri(ABC)!;
    expect(Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')).toBe(ABC_HEX);
    expect(formatSri(digest)).toBe(ABC);
  });

  it('accepts missing padding and surrounding blanks, normalising to the canonical form', () => {
    expect(normalizeSri(ABC.replace(/=$/, ''))).toBe(ABC);
    expect(normalizeSri(`  ${ABC}\n`)).toBe(ABC);
  });

  it.each([
    ['another algorithm (SHA-384 of "abc")', 'sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn'],
    ['hex instead of base64', `sha256-${ABC_HEX}`],
    ['a digest of the wrong length', 'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qc'],
    ['no prefix', ABC.slice('sha256-'.length)],
    ['two values', `${ABC} ${EMPTY}`],
    ['SRI options', `${ABC}?opt`],
    ['empty', ''],
  ])('rejects %s', (_what, value) => {
    expect(parseSri(value)).toBeUndefined();
    expect(normalizeSri(value)).toBeUndefined();
  });
});

describe('integrity.json', () => {
  it('maps files (relative paths, "./" dropped) to canonical values', () => {
    const m = parseIntegrityManifest({ 'model.json': ABC, './group1-shard1of1.bin': EMPTY.replace(/=$/, '') }, 'integrity.json');
    expect([...m]).toEqual([
      ['model.json', ABC],
      ['group1-shard1of1.bin', EMPTY],
    ]);
  });

  it.each([
    ['an array', [ABC]],
    ['null', null],
    ['a string', ABC],
  ])('is an error when the document is %s', (_what, doc) => {
    expect(() => parseIntegrityManifest(doc, 'https://x.test/m/integrity.json')).toThrow(ModelFormatError);
    expect(() => parseIntegrityManifest(doc, 'https://x.test/m/integrity.json')).toThrow(/integrity\.json must be an object/);
  });

  it('names the file whose value is bad', () => {
    expect(() => parseIntegrityManifest({ 'model.json': ABC, 'shard.bin': 'md5-abc' }, 'integrity.json')).toThrow(
      /integrity\.json: the value for "shard\.bin" \("md5-abc"\)/,
    );
    expect(() => parseIntegrityManifest({ 'model.json': 42 }, 'integrity.json')).toThrow(/"model\.json" \(42\)/);
  });
});

describe('which value applies to a file', () => {
  const manifest = { url: 'https://x.test/m/integrity.json', files: new Map([['model.json', ABC], ['shard.bin', EMPTY]]) };

  it('the manifest, when the option says nothing', () => {
    expect(expectedIntegrity('model.json', true, undefined, manifest)).toEqual({ sri: ABC, from: manifest.url });
    expect(expectedIntegrity('other.bin', false, undefined, manifest)).toBeUndefined();
    expect(expectedIntegrity('model.json', true, undefined, undefined)).toBeUndefined();
  });

  it('an option string covers the main file only, over the manifest', () => {
    const option = parseIntegrityOption(EMPTY);
    expect(expectedIntegrity('model.json', true, option, manifest)).toEqual({ sri: EMPTY, from: 'the integrity option' });
    expect(expectedIntegrity('shard.bin', false, option, undefined)).toBeUndefined();
    expect(expectedIntegrity('shard.bin', false, option, manifest)).toEqual({ sri: EMPTY, from: manifest.url });
  });

  it('an option record wins file by file; files it leaves out fall back to the manifest', () => {
    const option = parseIntegrityOption({ 'shard.bin': ABC });
    expect(expectedIntegrity('shard.bin', false, option, manifest)).toEqual({ sri: ABC, from: 'the integrity option' });
    expect(expectedIntegrity('model.json', true, option, manifest)).toEqual({ sri: ABC, from: manifest.url });
  });

  it('a malformed option is an error that says so', () => {
    expect(() => parseIntegrityOption('sha1-abc')).toThrow(/integrity option \("sha1-abc"\) is not "sha256-"/);
    expect(() => parseIntegrityOption({ 'model.json': 'x' })).toThrow(/The integrity option: the value for "model\.json"/);
  });

  it('files are keyed by their path in the model folder', () => {
    expect(pathInFolder('https://x.test/m/model.json', 'https://x.test/m/group1-shard1of1.bin')).toBe('group1-shard1of1.bin');
    expect(pathInFolder('https://x.test/m/model.json?v=3', 'https://x.test/m/sub/a.bin#x')).toBe('sub/a.bin');
    expect(pathInFolder('https://x.test/m/model.json', 'https://x.test/m/model.json')).toBe('model.json');
    expect(pathInFolder('https://x.test/m/model.json', 'https://cdn.test/w/a.bin')).toBe('a.bin');
    expect(pathInFolder('models/seq/model.json', 'models/seq/group1-shard1of2.bin')).toBe('group1-shard1of2.bin');
  });
});
