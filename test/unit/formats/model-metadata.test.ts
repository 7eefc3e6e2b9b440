/**
 * Finding a model's metadata.json (src/formats/model-metadata.ts) beside a URL model, among given
 * files, or from the `metadata` option; the sidecar acceptance rule; malformed files ignored with
 * the reason, never thrown. URLs go through a fake fetch that records what was asked.
 */
import { describe, expect, it } from 'vitest';
import { findModelMetadata, parseMetadataText, sidecarNames } from '../../../src/formats/model-metadata.ts';

const META = { labels: ['Parasitized', 'Uninfected'], input: { scale: 1, offset: 0 }, files: { keras: 'model.keras', tfjs: 'model.json' } };
const json = (v: unknown) => JSON.stringify(v);

/** A fetch serving `files` (path → body; an HTML body is served as text/html), 404 otherwise. */
function fakeFetch(files: Record<string, string>) {
  const asked: string[] = [];
  const fn = (async (input: RequestInfo | URL) => {
    const url = String(input);
    asked.push(new URL(url).pathname);
    const body = files[new URL(url).pathname];
    if (body === undefined) return new Response('not found', { status: 404 });
    const type = body.startsWith('<!doctype') ? 'text/html' : 'application/json';
    return new Response(body, { headers: { 'content-type': type } });
  }) as typeof fetch;
  return { fetch: fn, asked };
}

describe('sidecar names', () => {
  it('metadata.json for a model.json; <stem>.metadata.json first for a .h5/.keras', () => {
    expect(sidecarNames('http://h/m/model.json')).toEqual(['metadata.json']);
    expect(sidecarNames('/m/cells.keras')).toEqual(['cells.metadata.json', 'metadata.json']);
    expect(sidecarNames('x.h5')).toEqual(['x.metadata.json', 'metadata.json']);
  });
});

describe('beside a URL model', () => {
  it('model.json: metadata.json beside it, nothing else fetched', async () => {
    const f = fakeFetch({ '/m/metadata.json': json(META) });
    const found = await findModelMetadata('http://h/m/model.json', undefined, { fetch: f.fetch });
    expect(found).toMatchObject({ metadata: { labels: META.labels, input: META.input }, from: 'http://h/m/metadata.json', modelFile: 'model.json', notes: [] });
    expect(f.asked).toEqual(['/m/metadata.json']);
  });

  it('.keras: <stem>.metadata.json first, then a metadata.json that lists this file', async () => {
    const f = fakeFetch({ '/m/metadata.json': json(META) });
    const found = await findModelMetadata('http://h/m/model.keras', undefined, { fetch: f.fetch });
    expect(found.from).toBe('http://h/m/metadata.json');
    expect(f.asked).toEqual(['/m/model.metadata.json', '/m/metadata.json']);
    const own = fakeFetch({ '/m/other.metadata.json': json({ labels: ['a', 'b'] }), '/m/metadata.json': json(META) });
    expect((await findModelMetadata('http://h/m/other.keras', undefined, { fetch: own.fetch })).metadata?.labels).toEqual(['a', 'b']);
  });

  it('a metadata.json that lists other model files is not this model\'s', async () => {
    const f = fakeFetch({ '/m/metadata.json': json(META) });
    const found = await findModelMetadata('http://h/m/other.h5', undefined, { fetch: f.fetch });
    expect(found.metadata).toBeUndefined();
    expect(found.notes).toEqual(['metadata.json ignored: it describes model.keras, model.json, not other.h5']);
    // Without a files field it is taken.
    const plain = fakeFetch({ '/m/metadata.json': json({ input: { scale: 1 } }) });
    expect((await findModelMetadata('http://h/m/other.h5', undefined, { fetch: plain.fetch })).metadata).toEqual({ input: { scale: 1 } });
  });

  it('missing is no error; malformed is ignored with the reason; an HTML fallback page counts as missing', async () => {
    expect(await findModelMetadata('http://h/m/model.json', undefined, { fetch: fakeFetch({}).fetch })).toEqual({ notes: [], modelFile: 'model.json' });
    const bad = await findModelMetadata('http://h/m/model.json', undefined, { fetch: fakeFetch({ '/m/metadata.json': '{"labels": [' }).fetch });
    expect(bad.metadata).toBeUndefined();
    expect(bad.notes).toHaveLength(1);
    expect(bad.notes[0]).toMatch(/^metadata\.json ignored: not valid JSON \(/);
    const spa = await findModelMetadata('http://h/m/model.json', undefined, { fetch: fakeFetch({ '/m/metadata.json': '<!doctype html><html></html>' }).fetch });
    expect(spa).toEqual({ notes: [], modelFile: 'model.json' });
    // A malformed sidecar does not hide the next candidate.
    const next = fakeFetch({ '/m/a.metadata.json': '[1, 2]', '/m/metadata.json': json({ labels: ['x', 'y'] }) });
    const found = await findModelMetadata('http://h/m/a.keras', undefined, { fetch: next.fetch });
    expect(found.metadata?.labels).toEqual(['x', 'y']);
    expect(found.notes).toEqual(['a.metadata.json ignored: not a JSON object']);
  });

  it('a field of the wrong type is dropped with a note, the rest kept', () => {
    const r = parseMetadataText(json({ labels: ['a', 'b'], threshold: 'high', input: { scale: '1/255', offset: 0, height: 64.5, mean: 0.5 } }), 'http://h/metadata.json');
    expect(r.metadata).toEqual({ labels: ['a', 'b'], input: { offset: 0, mean: [0.5] } });
    expect(r.notes).toEqual([
      'metadata.json: threshold "high" is not a number: ignored',
      'metadata.json: input.height 64.5 is not a positive integer: ignored',
      'metadata.json: input.scale "1/255" is not a number: ignored',
    ]);
  });

  it('colors (segmentation label colours): CSS hex kept, anything else dropped with a note', () => {
    const ok = parseMetadataText(json({ labels: ['bg', 'grey', 'white'], colors: ['#000000', '#888', '#FFFFFF'] }), 'http://h/metadata.json');
    expect(ok.metadata?.colors).toEqual(['#000000', '#888', '#FFFFFF']);
    const bad = parseMetadataText(json({ colors: ['red', '#00ff00'] }), 'http://h/metadata.json');
    expect(bad.metadata?.colors).toBeUndefined();
    expect(bad.notes).toEqual([`metadata.json: colors ["red","#00ff00"] is not a list of CSS hex colours ('#rrggbb'): ignored`]);
  });
});

describe('the metadata option', () => {
  it('false looks for none; an object is used as given; a URL is fetched instead of the sidecars', async () => {
    const f = fakeFetch({ '/m/metadata.json': json(META), '/elsewhere/meta.json': json({ labels: ['p', 'q'] }) });
    expect(await findModelMetadata('http://h/m/model.json', false, { fetch: f.fetch })).toEqual({ notes: ['metadata lookup turned off'], modelFile: 'model.json' });
    expect(f.asked).toEqual([]);
    expect(await findModelMetadata('http://h/m/model.json', { labels: ['c', 'd'] }, { fetch: f.fetch })).toMatchObject({ metadata: { labels: ['c', 'd'] }, from: 'the metadata option' });
    expect((await findModelMetadata('http://h/m/model.json', 'http://h/elsewhere/meta.json', { fetch: f.fetch })).metadata?.labels).toEqual(['p', 'q']);
    expect(f.asked).toEqual(['/elsewhere/meta.json']);
    const missing = await findModelMetadata('http://h/m/model.json', 'http://h/none.json', { fetch: f.fetch });
    expect(missing).toEqual({ notes: ['metadata http://h/none.json not read: HTTP 404'], modelFile: 'model.json' });
  });
});

describe('among given files', () => {
  const file = (name: string, body: string) => new File([body], name);
  it('File[]: metadata.json or <stem>.metadata.json, by the same acceptance rule', async () => {
    const tfjs = [file('model.json', '{}'), file('group1-shard1of1.bin', ''), file('metadata.json', json(META))];
    expect(await findModelMetadata(tfjs, undefined)).toMatchObject({ metadata: { labels: META.labels }, from: 'metadata.json', modelFile: 'model.json' });
    const h5 = [file('cells.h5', ''), file('metadata.json', json(META)), file('cells.metadata.json', json({ labels: ['own', 'labels'] }))];
    expect(await findModelMetadata(h5, undefined)).toMatchObject({ metadata: { labels: ['own', 'labels'] }, from: 'cells.metadata.json', modelFile: 'cells.h5' });
    const foreign = await findModelMetadata([file('cells.h5', ''), file('metadata.json', json(META))], undefined);
    expect(foreign.metadata).toBeUndefined();
    expect(foreign.notes).toEqual(['metadata.json ignored: it describes model.keras, model.json, not cells.h5']);
  });
  it('{ files } (what the CLI reads from disk), and a single Blob with no metadata', async () => {
    const files = new Map([['model.keras', new Uint8Array([0x50, 0x4b])], ['metadata.json', new TextEncoder().encode(json(META))]]);
    expect((await findModelMetadata({ files }, undefined)).metadata?.labels).toEqual(META.labels);
    expect(await findModelMetadata(file('model.keras', ''), undefined)).toEqual({ notes: [], modelFile: 'model.keras' });
  });
  it('bytes have no neighbours', async () => {
    expect(await findModelMetadata(new Uint8Array(4), undefined)).toEqual({ notes: [] });
  });
});
