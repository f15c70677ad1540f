// Bodies declared larger than S3 allows are refused from their headers, before a byte is stored: PutObject over
// 5 GiB (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html), UploadPart over 5 GiB
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html), by Content-Length or, for aws-chunked
// bodies, by x-amz-decoded-content-length.
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as net from "node:net";
import type { StrataServer } from "../../src/server.ts";
import { rawRequest } from "../helpers/framing.ts";
import { withServer } from "../helpers/server.ts";

const GIB = 1024 ** 3;
const OVER = String(5 * GIB + 1);
let server: StrataServer;
beforeAll(async () => {
  server = await withServer();
  expect((await fetch(`${server.url}/big`, { method: "PUT" })).status).toBe(200);
});
afterAll(() => server.stop());

/** The first 64 KiB of a body said to be larger: an answer before the rest proves it was refused up front. */
const head = new Uint8Array(64 * 1024).fill(7);
const chunkedHead = new TextEncoder().encode(`10000\r\n${"x".repeat(0x10000)}\r\n`);
/** An aws-chunked body's Content-Length counts its framing too: more than the object's bytes. */
const FRAMED = String(5 * GIB + 1 + 4096);
const aws = { "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "content-encoding": "aws-chunked" };

async function refused(path: string, headers: Record<string, string>, body: Uint8Array) {
  const before = server.repo.store.blobs.stats().bytes;
  const answer = await rawRequest(server.url, "PUT", path, headers, body);
  expect(answer.status).toBe(400);
  expect(answer.text).toContain("<Code>EntityTooLarge</Code>");
  expect(answer.text).toContain(`<ProposedSize>${OVER}</ProposedSize>`);
  expect(answer.text).toContain(`<MaxSizeAllowed>${5 * GIB}</MaxSizeAllowed>`);
  expect(server.repo.store.blobs.stats().bytes).toBe(before);
}

test("PutObject with Content-Length over 5 GiB: EntityTooLarge, nothing stored", async () => {
  await refused("/big/k", { "content-length": OVER }, head);
  expect((await fetch(`${server.url}/big/k`)).status).toBe(404);
});

test("aws-chunked PutObject with x-amz-decoded-content-length over 5 GiB: EntityTooLarge", async () => {
  await refused("/big/k", { ...aws, "x-amz-decoded-content-length": OVER, "content-length": FRAMED }, chunkedHead);
});

test("UploadPart over 5 GiB, plain or aws-chunked: EntityTooLarge", async () => {
  const created = await (await fetch(`${server.url}/big/mp?uploads`, { method: "POST" })).text();
  const id = /<UploadId>([^<]+)</.exec(created)![1];
  await refused(`/big/mp?partNumber=1&uploadId=${id}`, { "content-length": OVER }, head);
  await refused(`/big/mp?partNumber=2&uploadId=${id}`, { ...aws, "x-amz-decoded-content-length": OVER, "content-length": FRAMED }, chunkedHead);
  const parts = await (await fetch(`${server.url}/big/mp?uploadId=${id}`)).text();
  expect(parts).not.toContain("<Part>");
});

test("exactly 5 GiB declared is not refused up front", async () => {
  // The body stops short: the server waits for the rest, so the refusals above are not just any early 400.
  const { hostname, port } = new URL(server.url);
  const socket = net.connect(Number(port), hostname);
  let answered = false;
  socket.on("data", () => (answered = true));
  socket.write(`PUT /big/exact HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-length: ${5 * GIB}\r\n\r\n`);
  socket.write(head);
  await Bun.sleep(500);
  socket.destroy();
  expect(answered).toBe(false);
});
