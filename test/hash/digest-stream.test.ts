import { expect, test } from "bun:test";
import { createDigestStream } from "../../src/hash/digest-stream.ts";
import { digest } from "../../src/hash/hashing.ts";
import { randomBytes, randomSplits, seededRandom } from "./random.ts";

const random = seededRandom(42);

function source(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(p);
      controller.close();
    },
  });
}

test("passes bytes through unchanged and yields every digest and the length at the end", async () => {
  const data = randomBytes(300_000, random);
  const stream = createDigestStream(["sha256", "md5", "crc32", "crc32c", "crc64nvme"]);
  const passed = new Uint8Array(await new Response(source(randomSplits(data, random)).pipeThrough(stream)).arrayBuffer());
  expect(Buffer.from(passed).equals(Buffer.from(data))).toBe(true);
  const { digests, length } = await stream.result;
  expect(length).toBe(data.length);
  for (const alg of ["sha256", "md5", "crc32", "crc32c", "crc64nvme"] as const) {
    expect(Buffer.from(digests[alg]).toString("hex")).toBe(Buffer.from(digest(alg, data)).toString("hex"));
  }
});

test("an empty body has the digests of nothing", async () => {
  const stream = createDigestStream(["crc32c"]);
  await source([]).pipeThrough(stream).pipeTo(new WritableStream());
  const { digests, length } = await stream.result;
  expect(length).toBe(0);
  expect(Array.from(digests.crc32c)).toEqual([0, 0, 0, 0]);
});

test("the result rejects when the body fails midway", async () => {
  const stream = createDigestStream(["sha256"]);
  const failing = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array(10));
      controller.error(new Error("client went away"));
    },
  });
  await expect(failing.pipeThrough(stream).pipeTo(new WritableStream())).rejects.toThrow("client went away");
  await expect(stream.result).rejects.toThrow("client went away");
});
