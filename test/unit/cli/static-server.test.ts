/**
 * The installed CLI's page server (src/cli/static-server.ts) serves the prebuilt page and the
 * folders it was given, and nothing else: not through `..`, not through a link, not another file
 * beside an allowed folder. File names with `#`, `%`, `?` and spaces survive the URL.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer } from '../../../src/cli/static-server.ts';
import type { PageServer } from '../../../src/cli/page-server.ts';

let root: string;
let server: PageServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mi-static-'));
  mkdirSync(join(root, 'page'));
  mkdirSync(join(root, 'model dir #1 %?'));
  mkdirSync(join(root, 'secret'));
  writeFileSync(join(root, 'page', 'index.html'), '<p>page</p>');
  writeFileSync(join(root, 'model dir #1 %?', 'model.json'), '{"ok":true}');
  writeFileSync(join(root, 'secret', 'key.txt'), 'secret');
  writeFileSync(join(root, 'beside.txt'), 'beside');
  symlinkSync(join(root, 'secret', 'key.txt'), join(root, 'model dir #1 %?', 'link.json'));
  server = await startStaticServer(join(root, 'page'), [join(root, 'model dir #1 %?')]);
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

/** The status of a GET whose path goes on the wire exactly as given. */
function rawStatus(origin: string, path: string): Promise<number> {
  const { hostname, port } = new URL(origin);
  return new Promise((ok, fail) => {
    request({ host: hostname, port, path, method: 'GET' }, (res) => {
      res.resume();
      ok(res.statusCode ?? 0);
    })
      .on('error', fail)
      .end();
  });
}

describe('static page server', () => {
  it('serves the page and an allowed file whose path needs percent-encoding', async () => {
    expect(await get(server.pageUrl)).toMatchObject({ status: 200, text: '<p>page</p>' });
    const model = await get(server.fileUrl(join(root, 'model dir #1 %?', 'model.json')));
    expect(model).toMatchObject({ status: 200, type: 'application/json', text: '{"ok":true}' });
  });

  it('refuses files outside the allowed folders, by path, by .. and through a link', async () => {
    const origin = new URL(server.pageUrl).origin;
    expect((await get(server.fileUrl(join(root, 'secret', 'key.txt')))).status).toBe(404);
    expect((await get(server.fileUrl(join(root, 'beside.txt')))).status).toBe(404);
    // fetch() would normalise `..` away before sending; a raw request sends it as written.
    expect(await rawStatus(origin, `/@fs${encodeURI(join(root, 'model dir #1 %?'))}/../secret/key.txt`)).toBe(404);
    expect(await rawStatus(origin, '/page/../secret/key.txt')).toBe(404);
    expect(await rawStatus(origin, '/page/%2e%2e/%2e%2e/beside.txt')).toBe(404);
    expect((await get(server.fileUrl(join(root, 'model dir #1 %?', 'link.json')))).status).toBe(404);
    expect((await get(`${origin}/elsewhere`)).status).toBe(404);
  });

  it("serves ONNX Runtime Web's module and .wasm under /ort/ (the prebuilt page's import map), no other file of it", async () => {
    const origin = server.pageUrl.replace('/page/index.html', '');
    const mjs = await fetch(`${origin}/ort/ort.wasm.bundle.min.mjs`);
    expect(mjs.status).toBe(200);
    expect(mjs.headers.get('content-type')).toMatch(/^text\/javascript/);
    const wasm = await fetch(`${origin}/ort/ort-wasm-simd-threaded.wasm`);
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer()).subarray(0, 4)).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d])); // "\0asm"
    for (const other of ['/ort/ort.min.mjs', '/ort/../package.json', '/ort/']) expect((await fetch(`${origin}${other}`)).status).toBe(404);
  });
});
