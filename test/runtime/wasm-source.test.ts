// The sources init({ wasm }) accepts besides bytes and modules (test/runtime/init.test.ts): URLs and
// paths read from disk in Node, Responses whatever their content type, and the errors that name the
// URL. `instantiate` is the function init() runs, so each case gets a fresh instance.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WasmInitError } from '../../bindings/index.js';
import { instantiate } from '../../bindings/runtime/instance.js';

const wasmPath = fileURLToPath(new URL('../../build/proxkit.wasm', import.meta.url));
const bytes = readFileSync(wasmPath);

/** A fresh instance computes: soft-threshold of [3, -0.25, -2] at 1 is sign(v)·max(|v| − 1, 0) = [2, 0, -1]. */
async function works(source: Parameters<typeof instantiate>[0]): Promise<number[]> {
  const k = await instantiate(source);
  const p = k.alloc(3 * 8);
  new Float64Array(k.memory.buffer, p, 3).set([3, -0.25, -2]);
  k.softThreshold(p, 3, 1, p);
  const out = Array.from(new Float64Array(k.memory.buffer, p, 3));
  k.free(p);
  return out;
}

describe('init sources in Node', () => {
  let server: Server | undefined;
  let origin = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/proxkit.wasm') res.writeHead(200, { 'content-type': 'application/wasm' }).end(bytes);
      else if (path === '/octet.wasm') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
  });

  it('reads a file: URL (object or string) and a plain path from disk', async () => {
    const url = pathToFileURL(wasmPath);
    expect(await works(url)).toEqual([2, 0, -1]);
    expect(await works(url.href)).toEqual([2, 0, -1]);
    expect(await works(wasmPath)).toEqual([2, 0, -1]);
  });

  it('fetches http URLs, streaming when served as application/wasm and from the bytes otherwise', async () => {
    expect(await works(`${origin}/proxkit.wasm`)).toEqual([2, 0, -1]);
    expect(await works(new URL(`${origin}/octet.wasm`))).toEqual([2, 0, -1]);
    expect(await works(fetch(`${origin}/octet.wasm`))).toEqual([2, 0, -1]);
    // A Response-like object that is not a fetch Response: read through arrayBuffer().
    const like = { ok: true, status: 200, url: 'memory:', headers: { get: () => null }, arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) };
    expect(await works(like)).toEqual([2, 0, -1]);
  });

  it('names the URL and the HTTP status, or the file and the system error', async () => {
    const http404 = await instantiate(`${origin}/missing.wasm`).catch((e: unknown) => e);
    expect(http404).toBeInstanceOf(WasmInitError);
    expect((http404 as Error).message).toBe(
      `init: could not fetch the WebAssembly module from ${origin}/missing.wasm (HTTP 404); pass init({ wasm }) with the URL where proxkit.wasm is served`,
    );
    const response404 = await instantiate(fetch(`${origin}/gone.wasm`)).catch((e: unknown) => e);
    expect((response404 as Error).message).toMatch(/^init: could not fetch the WebAssembly module from http:\/\/127\.0\.0\.1:\d+\/gone\.wasm \(HTTP 404\)/);
    const missing = await instantiate('/no/such/dir/proxkit.wasm').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(WasmInitError);
    expect((missing as Error).message).toMatch(/^init: could not read the WebAssembly module from \/no\/such\/dir\/proxkit\.wasm \(ENOENT/);
    const refused = await instantiate('http://127.0.0.1:9/proxkit.wasm').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WasmInitError);
    expect((refused as Error).message).toMatch(/^init: could not fetch the WebAssembly module from http:\/\/127\.0\.0\.1:9\/proxkit\.wasm \(/);
  });
});
