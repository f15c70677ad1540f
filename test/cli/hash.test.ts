// `strata hash` prints the ETag the server gives a file: checked against real uploads by the aws CLI (one
// PUT, and multipart in its default 8 MiB parts), in both ETag modes, and against an independent MD5 computation.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { StrataServer } from "../../src/server.ts";
import { parseSize } from "../../src/util/size.ts";
import { run } from "../helpers/process.ts";
import { tempDir, withServer } from "../helpers/server.ts";
import { aws, ROOT } from "./helpers.ts";

const servers: StrataServer[] = [];
let dir: string;
const files: Record<string, string> = {};

beforeAll(async () => {
  dir = tempDir();
  // One chunk, several chunks in one PUT, and several 8 MiB parts with a short last one.
  for (const [name, size] of [["small", 100_000], ["medium", 6 * 1024 * 1024 + 7], ["large", 21 * 1024 * 1024 + 3]] as const) {
    files[name] = path.join(dir, name);
    fs.writeFileSync(files[name], randomBytes(size));
  }
  servers.push(await withServer(), await withServer({ etagMode: "md5" }));
}, 60_000);

afterAll(async () => {
  for (const s of servers) await s.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function strataHash(args: string[]): Promise<Array<{ file: string; etag: string }>> {
  const r = await run(process.execPath, [path.join(ROOT, "src/main.ts"), "hash", ...args, "--json"], { env: { PATH: process.env.PATH } });
  if (r.code !== 0) throw new Error(`strata hash failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function uploadedEtag(server: StrataServer, name: string): Promise<string> {
  expect((await aws(server.url, ["s3", "cp", files[name], `s3://hashes/${name}`])).code).toBe(0);
  const head = await aws(server.url, ["s3api", "head-object", "--bucket", "hashes", "--key", name]);
  return JSON.parse(head.stdout).ETag.replace(/"/g, "");
}

test("matches the ETag of aws CLI uploads: single PUT below 8 MiB, multipart in 8 MiB parts above, sha256 and md5 modes", async () => {
  for (const [server, mode] of [[servers[0], "sha256"], [servers[1], "md5"]] as const) {
    expect((await aws(server.url, ["s3", "mb", "s3://hashes"])).code).toBe(0);
    const single = await strataHash([files.small, files.medium, "--etag", mode]);
    const multipart = await strataHash([files.large, "--part-size", "8MiB", "--etag", mode]);
    expect(await uploadedEtag(server, "small")).toBe(single[0].etag);
    expect(await uploadedEtag(server, "medium")).toBe(single[1].etag);
    expect(await uploadedEtag(server, "large")).toBe(multipart[0].etag);
    expect(multipart[0].etag).toEndWith("-3");
  }
}, 120_000);

test("md5 mode is the classic S3 ETag: MD5 of the bytes, or MD5 of the parts' MD5s then -N", async () => {
  const bytes = fs.readFileSync(files.large);
  const part = 8 * 1024 * 1024;
  const partMd5s = [0, part, 2 * part].map((at) => createHash("md5").update(bytes.subarray(at, at + part)).digest());
  const expected = `${createHash("md5").update(Buffer.concat(partMd5s)).digest("hex")}-3`;
  expect((await strataHash([files.large, "--part-size", String(part), "--etag", "md5"]))[0].etag).toBe(expected);
  expect((await strataHash([files.small, "--etag", "md5"]))[0].etag).toBe(createHash("md5").update(fs.readFileSync(files.small)).digest("hex"));
});

test.each([
  ["5242880", 5242880],
  ["5M", 5 * 1024 ** 2],
  ["8MiB", 8 * 1024 ** 2],
  ["8mb", 8 * 1024 ** 2],
  ["256k", 256 * 1024],
  ["1.5GiB", 1.5 * 1024 ** 3],
  ["12b", 12],
])("parseSize(%p) = %p", (text, bytes) => {
  expect(parseSize(text)).toBe(bytes);
});

test.each(["", "-1", "5 X", "MiB", "1e6", "5MiBs"])("parseSize(%p) throws", (text) => {
  expect(() => parseSize(text)).toThrow(RangeError);
});
