// A chunk damaged on disk is never served: a streamed GetObject checks each record's checksum before it sends any of
// its bytes, so the answer is InternalError when the damage is met before it starts, and is cut short before the
// damaged chunk (its Content-Length already sent) when met later.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createCipheriv } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import type { BlobStore } from "../../src/store/blob-store.ts";
import { packName } from "../../src/store/pack-format.ts";
import type { StrataServer } from "../../src/server.ts";
import { withServer } from "../helpers/server.ts";
import { http } from "./http.ts";

let server: StrataServer;
// The same pseudo-random bytes every run (so the same chunk boundaries): AES-CTR over zeros.
const bytes = createCipheriv("aes-256-ctr", Buffer.alloc(32, 7), Buffer.alloc(16)).update(Buffer.alloc(12 * 1024 * 1024));
/** Object offsets of the damaged chunk's first byte and of the byte after it. */
let damagedFrom = 0;
let damagedTo = 0;

beforeAll(async () => {
  server = await withServer();
  await http(server).put("/rot", "");
  const { manifest } = await server.repo.putObject("rot", "master", "big", bytes);
  const chunks = server.repo.manifests.get(manifest).chunks;
  expect(chunks.length).toBeGreaterThan(3);
  damagedFrom = chunks[0][1] + chunks[1][1];
  damagedTo = damagedFrom + chunks[2][1];
  const loc = (server.repo.store.blobs as BlobStore).where(chunks[2][0])!; // an embedded server's store
  const file = path.join(server.dataDir, "packs", packName(loc.pack));
  const fd = fs.openSync(file, "r+");
  const byte = new Uint8Array(1);
  fs.readSync(fd, byte, 0, 1, loc.offset + 1000);
  byte[0] ^= 0x20; // one flipped bit in the payload of the object's third chunk
  fs.writeSync(fd, byte, 0, 1, loc.offset + 1000);
  fs.closeSync(fd);
});
afterAll(() => server.stop());

/** One GET on a raw connection: the declared length and every body byte that came before the server hung up. */
function get(range?: string): Promise<{ status: number; length: number; body: Buffer }> {
  return new Promise((resolve) => {
    const socket = net.connect(server.port, "127.0.0.1");
    const parts: Buffer[] = [];
    socket.on("data", (d: Buffer) => parts.push(d));
    socket.on("error", () => {});
    socket.on("close", () => {
      const all = Buffer.concat(parts);
      const head = all.subarray(0, all.indexOf("\r\n\r\n")).toString("latin1");
      resolve({
        status: Number(head.split(" ")[1] ?? 0),
        length: Number(/content-length: (\d+)/i.exec(head)?.[1] ?? -1),
        body: all.subarray(head.length + 4),
      });
    });
    socket.write(`GET /rot/big HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n${range ? `range: bytes=${range}\r\n` : ""}\r\n`);
  });
}

test("a whole GET is cut short before the damaged chunk: what came is the object's first bytes, none of that chunk", async () => {
  const res = await get();
  expect([res.status, res.length]).toEqual([200, bytes.length]);
  expect(res.body.length).toBeLessThanOrEqual(damagedFrom);
  expect(res.body.equals(bytes.subarray(0, res.body.length))).toBe(true);
});

test("a ranged GET that starts in the damaged chunk is an InternalError answer; ranges around it are served whole", async () => {
  // Streamed (over 1 MiB) or read whole: either way the damage is met before the answer starts.
  for (const range of [`${damagedFrom + 10}-`, `${damagedFrom + 10}-${damagedFrom + 1000}`]) {
    const inside = await get(range);
    expect(inside.status, range).toBe(500);
    expect(inside.body.toString()).toContain("<Code>InternalError</Code>");
  }
  const before = await get(`0-${damagedFrom - 1}`);
  expect([before.status, before.length]).toEqual([206, damagedFrom]);
  expect(before.body.equals(bytes.subarray(0, damagedFrom))).toBe(true);
  const after = await get(`${damagedTo}-`);
  expect([after.status, after.length]).toEqual([206, bytes.length - damagedTo]);
  expect(after.body.equals(bytes.subarray(damagedTo))).toBe(true);
});
