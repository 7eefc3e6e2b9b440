/**
 * Model files cached across visits and verified, in headless Chromium with its real Cache API and
 * the engine's test page (http://127.0.0.1 is a secure context). Every request of the page passes
 * through puppeteer's interception, which counts them and can answer with damaged bytes; the
 * bundled weights/malaria-cnn has an integrity.json beside it, the sequential fixture has none.
 * The page lives in a browser context of its own, so no other test file's loads share its cache.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser, BrowserContext, HTTPRequest, Page } from 'puppeteer';
import type { Failure } from '../browser/model-cache.ts';
import { repoRoot } from '../util/fixtures.ts';
import { fileUrl } from '../util/gpu.ts';

const MALARIA = join(repoRoot, 'weights/malaria-cnn');
const SEQUENTIAL = join(repoRoot, 'test/fixtures/formats/sequential/tfjs-f32');
const MODEL = fileUrl(join(MALARIA, 'model.json'));
const SHARD = fileUrl(join(MALARIA, 'group1-shard1of1.bin'));
const MANIFEST = fileUrl(join(MALARIA, 'integrity.json'));
const listed: Record<string, string> = JSON.parse(readFileSync(join(MALARIA, 'integrity.json'), 'utf8'));
const sri = (bytes: Uint8Array) => `sha256-${createHash('sha256').update(bytes).digest('base64')}`;

let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Every URL the page requested since the last reset. */
let requests: string[] = [];
/** Answers for chosen URLs (damaged files, a different manifest); others go to the server. */
const answers = new Map<string, { body: Buffer; contentType?: string }>();

/** Requests for the files of a model under `dir`: not its integrity.json or metadata.json, which are looked up every load. */
const modelRequests = (dir = MALARIA) => requests.filter((u) => u.startsWith(fileUrl(dir)) && !/(integrity|metadata)\.json$/.test(u));

/** Calls an export of test/browser/model-cache.ts in the page. */
function call<T>(fn: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(`import('/test/browser/model-cache.ts').then((m) => m.${fn}(...${JSON.stringify(args)}))`) as Promise<T>;
}

function outputs(r: number[] | Failure): number[] {
  if (!Array.isArray(r)) throw new Error(`the load failed: ${r.error.name}: ${r.error.message}`);
  return r;
}

function failure(r: unknown): Failure['error'] {
  if (!r || typeof r !== 'object' || !('error' in r)) throw new Error(`expected a failure, got ${JSON.stringify(r).slice(0, 200)}`);
  return (r as Failure).error;
}

beforeAll(async () => {
  const ws = inject('browserWSEndpoint');
  if (!ws) throw new Error(`These tests need headless Chromium with WebGPU, which could not start: ${inject('browserError')}`);
  const { default: puppeteer } = await import('puppeteer');
  browser = await puppeteer.connect({ browserWSEndpoint: ws, protocolTimeout: 0 });
  context = await browser.createBrowserContext();
  page = await context.newPage();
  await page.setRequestInterception(true); // also turns off the HTTP cache: every fetch is seen here
  page.on('request', (r: HTTPRequest) => {
    requests.push(r.url());
    const answer = answers.get(r.url());
    if (answer) void r.respond({ status: 200, contentType: answer.contentType ?? 'application/octet-stream', body: answer.body });
    else void r.continue();
  });
  await page.goto(inject('pageUrl'));
  await page.waitForFunction('globalThis.miReady === true', { timeout: 120_000 });
});

afterAll(async () => {
  await context?.close();
  await browser?.disconnect();
});

beforeEach(async () => {
  answers.clear();
  await call('clear');
  requests = [];
});

describe('the model cache (Cache API)', () => {
  it('a second load of the same URL requests no model file, with the page fetch or a fetch option, and predicts the same', async () => {
    const first = outputs(await call('predictFrom', MODEL));
    expect(modelRequests().sort()).toEqual([MODEL, SHARD].sort());
    expect(await call('cachedUrls')).toEqual([MODEL, SHARD].sort());

    requests = [];
    const second = outputs(await call('predictFrom', MODEL));
    expect(modelRequests()).toEqual([]);
    expect(requests).toContain(MANIFEST); // looked up every time, so a changed model is noticed
    expect(second).toEqual(first);

    expect(await call('fetchedThroughOption', MODEL)).toEqual([MANIFEST]);
  });

  it('cache: false neither reads nor writes it; clearModelCache empties it', async () => {
    outputs(await call('predictFrom', MODEL, { cache: false }));
    expect(await call('cachedUrls')).toEqual([]);
    expect(await call('clear')).toBe(false);

    outputs(await call('predictFrom', MODEL));
    requests = [];
    await call('damageCached', SHARD, 'keep'); // were it read, the load would have to fetch the shard again
    outputs(await call('predictFrom', MODEL, { cache: false }));
    expect(modelRequests().sort()).toEqual([MODEL, SHARD].sort());
    expect((await call<{ actual: string; recorded: string }>('cachedHashes', SHARD)).actual).not.toBe(listed['group1-shard1of1.bin']);

    expect(await call('clear')).toBe(true);
    expect(await call('cachedUrls')).toEqual([]);
  });

  it('a cached copy that fails integrity.json is deleted and downloaded again, and predicts as if never cached', async () => {
    const uncached = outputs(await call('predictFrom', MODEL, { cache: false }));
    outputs(await call('predictFrom', MODEL));
    // Damaged but consistently recorded (as an older deployment's file would be): only the manifest can tell.
    await call('damageCached', SHARD, 'rehash');
    requests = [];
    const again = outputs(await call('predictFrom', MODEL));
    expect(modelRequests()).toEqual([SHARD]);
    expect(again).toEqual(uncached);
    expect(await call('cachedHashes', SHARD)).toEqual({ actual: listed['group1-shard1of1.bin'], recorded: listed['group1-shard1of1.bin'] });
  });

  it('without a manifest, a cached copy damaged on disk (bytes differ from their record) is downloaded again', async () => {
    const model = fileUrl(join(SEQUENTIAL, 'model.json'));
    const shard = fileUrl(join(SEQUENTIAL, 'group1-shard2of2.bin'));
    const uncached = await call<string>('weightsDigest', model, { cache: false });
    expect(await call('weightsDigest', model)).toBe(uncached);
    await call('damageCached', shard, 'keep');
    requests = [];
    expect(await call('weightsDigest', model)).toBe(uncached);
    expect(modelRequests(SEQUENTIAL)).toEqual([shard]);
  });

  // The fixture without a manifest: no hash can catch the cut, only the download's own end.
  it.each(['short', 'abort'] as const)('a weight shard download cut %s is not cached', async (how) => {
    const model = fileUrl(join(SEQUENTIAL, 'model.json'));
    const result = await call('readCut', model, how);
    if (how === 'abort') expect(failure(result).message).toMatch(/group1-shard1of2\.bin.*failed midway: The user left the page/);
    else expect(failure(result).name).toBe('ModelFormatError'); // the shard is cut short, so its weights do not fit
    const cached = await call<string[]>('cachedUrls');
    expect(cached).toContain(model); // the cache was in use: the whole model.json is in it
    expect(cached.filter((u) => u.endsWith('.bin'))).toEqual([]);
  });
});

describe('integrity', () => {
  it('a damaged download is a ModelFetchError naming the file and both hashes; nothing of it is cached', async () => {
    const damaged = readFileSync(join(MALARIA, 'group1-shard1of1.bin'));
    damaged[1000] ^= 0x01;
    answers.set(SHARD, { body: damaged });
    const err = failure(await call('predictFrom', MODEL));
    expect(err).toMatchObject({ name: 'ModelFetchError', code: 'MODEL_FETCH' });
    expect(err.message).toContain('group1-shard1of1.bin');
    expect(err.message).toContain(listed['group1-shard1of1.bin']);
    expect(err.message).toContain(sri(damaged));
    expect(err.message).toContain(MANIFEST);
    expect(await call('cachedUrls')).toEqual([MODEL]); // model.json was sound
  });

  it('the integrity option wins over integrity.json: a right option beats a wrong manifest, a wrong option fails a right file', async () => {
    const wrong = { ...listed, 'model.json': listed['group1-shard1of1.bin'] };
    answers.set(MANIFEST, { body: Buffer.from(JSON.stringify(wrong)), contentType: 'application/json' });
    expect(failure(await call('predictFrom', MODEL)).message).toMatch(/The model file .*model\.json.*failed its integrity check.*integrity\.json/);
    outputs(await call('predictFrom', MODEL, { integrity: listed['model.json'] }));

    answers.clear();
    await call('clear');
    const err = failure(await call('predictFrom', MODEL, { integrity: { 'group1-shard1of1.bin': listed['model.json'] } }));
    expect(err.message).toMatch(/Weight shard "group1-shard1of1\.bin" .*\(from the integrity option\)/);
    expect(await call('cachedUrls')).not.toContain(SHARD);
  });
});
