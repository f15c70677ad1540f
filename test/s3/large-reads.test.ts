// Streamed GETs read their chunks into buffers shared with uploads (repo/objects.ts, ChunkRangeReader): many at once,
// whole and ranged, beside uploads taking the same buffers, every answer carries exactly its object's bytes.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createCipheriv } from "node:crypto";
import type { StrataServer } from "../../src/server.ts";
import { withServer } from "../helpers/server.ts";
import { http, type S3Http } from "./http.ts";

let server: StrataServer;
let s3: S3Http;
const MiB = 1024 * 1024;
const bodyOf = (seed: number, size: number) => createCipheriv("aes-256-ctr", Buffer.alloc(32, seed), Buffer.alloc(16)).update(Buffer.alloc(size));
const objects = [0, 1, 2, 3].map((i) => bodyOf(i + 1, 5 * MiB + i * 77_777));

beforeAll(async () => {
  server = await withServer();
  s3 = http(server);
  await s3.put("/reads", "");
  for (const [i, body] of objects.entries()) await s3.put(`/reads/o${i}`, body);
});
afterAll(() => server.stop());

async function bytesOf(path: string, range?: string): Promise<Buffer> {
  const res = await s3.call(path, { headers: range ? { range: `bytes=${range}` } : {} });
  expect(res.status).toBe(range ? 206 : 200);
  const bytes = Buffer.from(await res.arrayBuffer());
  expect(bytes.length).toBe(Number(res.headers.get("content-length")));
  return bytes;
}

test("concurrent whole and ranged GETs beside concurrent uploads each get exactly their bytes", async () => {
  const reads = objects.flatMap((body, i) => [
    bytesOf(`/reads/o${i}`).then((got) => expect(got.equals(body), `o${i}`).toBe(true)),
    bytesOf(`/reads/o${i}`, `${MiB + 3}-${4 * MiB}`).then((got) => expect(got.equals(body.subarray(MiB + 3, 4 * MiB + 1)), `o${i} range`).toBe(true)),
  ]);
  const uploads = [5, 6].map((seed) => s3.put(`/reads/new${seed}`, bodyOf(seed, 3 * MiB)));
  await Promise.all([...reads, ...reads.map(() => bytesOf("/reads/o2").then((got) => expect(got.equals(objects[2])).toBe(true))), ...uploads]);
  for (const seed of [5, 6]) expect((await bytesOf(`/reads/new${seed}`)).equals(bodyOf(seed, 3 * MiB))).toBe(true);
});
