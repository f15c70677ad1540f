// The real aws CLI (v1, preinstalled): high-level s3 commands and s3api calls, end to end.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir, withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";
import { AWKWARD_KEYS, AWS_ENV, missing, run, runOk } from "./tools.ts";

const skip = missing("aws");
let server: StrataServer;
let dir: string;

const aws = (...args: string[]) => runOk("aws", ["--endpoint-url", server.url, ...args], { env: AWS_ENV });
const awsJson = async (...args: string[]) => JSON.parse(await aws(...args, "--output", "json"));
/** `aws s3 …`; the transfer commands run without progress lines so their output lists only what they did. */
const s3 = (verb: string, ...args: string[]) => aws("s3", verb, ...args, ...(["cp", "sync", "mv"].includes(verb) ? ["--no-progress"] : verb === "rm" ? ["--only-show-errors"] : []));

function sameFiles(a: string, b: string): void {
  expect(fs.readFileSync(a).equals(fs.readFileSync(b))).toBe(true);
}

/** Every file under root, relative, sorted. */
function walk(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(root, f)).isFile())
    .sort();
}

beforeAll(async () => {
  if (skip) return;
  server = await withServer();
  dir = tempDir("strata-aws-");
});
afterAll(async () => {
  if (skip) return;
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skip)("aws CLI", () => {
  test("mb, cp small and 50 MiB (multipart) both ways", async () => {
    expect(await s3("mb", "s3://cli")).toContain("make_bucket: cli");
    const small = path.join(dir, "small.txt");
    fs.writeFileSync(small, "hello from the aws CLI\n");
    await s3("cp", small, "s3://cli/docs/small.txt");
    await s3("cp", "s3://cli/docs/small.txt", path.join(dir, "small.back"));
    sameFiles(small, path.join(dir, "small.back"));

    const big = path.join(dir, "big.bin");
    fs.writeFileSync(big, randomBytes(50 * 1024 * 1024));
    await s3("cp", big, "s3://cli/big.bin");
    const head = await awsJson("s3api", "head-object", "--bucket", "cli", "--key", "big.bin");
    expect(head.ContentLength).toBe(50 * 1024 * 1024);
    expect(head.ETag).toMatch(/^"[0-9a-f]{64}-\d+"$/); // it went multipart
    await s3("cp", "s3://cli/big.bin", path.join(dir, "big.back"));
    sameFiles(big, path.join(dir, "big.back"));
    fs.rmSync(big);
    fs.rmSync(path.join(dir, "big.back"));
  }, 120_000);

  test("sync both ways twice (the second run copies nothing), ls --recursive over 1000 keys, rm --recursive, rb refused while history would be lost", async () => {
    const up = path.join(dir, "up");
    for (let i = 0; i < 1100; i++) {
      const sub = path.join(up, `d${i % 3}`);
      fs.mkdirSync(sub, { recursive: true });
      fs.writeFileSync(path.join(sub, `f${String(i).padStart(4, "0")}.txt`), `file ${i}\n`.repeat(i % 7));
    }
    await s3("mb", "s3://synced");
    const first = await s3("sync", up, "s3://synced/tree");
    expect(first.split("\n").filter((l) => l.startsWith("upload:"))).toHaveLength(1100);
    expect(await s3("sync", up, "s3://synced/tree")).toBe("");

    const listed = (await s3("ls", "--recursive", "s3://synced")).trim().split("\n");
    expect(listed).toHaveLength(1100);
    expect(listed[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\d+ tree\/d0\/f0000\.txt$/);
    const top = await s3("ls", "s3://synced/tree/");
    expect(top.trim().split("\n").map((l) => l.trim())).toEqual(["PRE d0/", "PRE d1/", "PRE d2/"]);

    const down = path.join(dir, "down");
    const pulled = await s3("sync", "s3://synced/tree", down);
    expect(pulled.split("\n").filter((l) => l.startsWith("download:"))).toHaveLength(1100);
    expect(await s3("sync", "s3://synced/tree", down)).toBe("");
    expect(walk(down)).toEqual(walk(up));
    for (const f of walk(up).slice(0, 50)) sameFiles(path.join(up, f), path.join(down, f));
    expect(await s3("sync", up, "s3://synced/tree")).toBe(""); // and still nothing to upload

    await s3("rm", "--recursive", "s3://synced/tree");
    expect(await s3("ls", "--recursive", "s3://synced")).toBe("");
    // rm leaves delete markers over the versions, so rb would lose history: refused, and the bucket stays.
    const rb = await run("aws", ["--endpoint-url", server.url, "s3", "rb", "s3://synced"], { env: AWS_ENV });
    expect(rb.code).not.toBe(0);
    expect(rb.stderr).toContain("BucketNotEmpty");
    expect(await s3("ls", "s3://synced")).toBe("");
  }, 150_000);

  test("s3api get-object --version-id, list-object-versions, and an old commit through commit.branch.repo", async () => {
    const file = path.join(dir, "v.txt");
    const versions: string[] = [];
    for (const text of ["first\n", "second\n", "third\n"]) {
      fs.writeFileSync(file, text);
      versions.push((await awsJson("s3api", "put-object", "--bucket", "cli", "--key", "v.txt", "--body", file)).VersionId);
    }
    const out = path.join(dir, "v.out");
    const got = await awsJson("s3api", "get-object", "--bucket", "cli", "--key", "v.txt", "--version-id", versions[0], out);
    expect(got.VersionId).toBe(versions[0]);
    expect(fs.readFileSync(out, "utf8")).toBe("first\n");

    await aws("s3", "rm", "s3://cli/v.txt");
    const listed = await awsJson("s3api", "list-object-versions", "--bucket", "cli", "--prefix", "v.txt");
    expect(listed.Versions.map((v: any) => v.VersionId)).toEqual([...versions].reverse());
    expect(listed.DeleteMarkers).toHaveLength(1);
    expect(listed.DeleteMarkers[0].IsLatest).toBe(true);
    // The CLI pages list-object-versions itself: ask for pages of 1.
    const paged = await awsJson("s3api", "list-object-versions", "--bucket", "cli", "--page-size", "1");
    expect(paged.Versions.length + paged.DeleteMarkers.length).toBeGreaterThanOrEqual(5);

    await s3("cp", `s3://${versions[1]}.master.cli/v.txt`, out);
    expect(fs.readFileSync(out, "utf8")).toBe("second\n");
    const ls = await s3("ls", `s3://${versions[1]}.master.cli/`);
    expect(ls).toContain("v.txt");
    const write = await run("aws", ["--endpoint-url", server.url, "s3", "cp", file, `s3://${versions[1]}.master.cli/new.txt`], { env: AWS_ENV });
    expect(write.code).not.toBe(0);
    expect(write.stderr).toContain("AccessDenied");
  }, 60_000);

  // AWS: PutObjectTagging / GetObjectTagging / Put/GetBucketTagging, through the CLI's own request builders.
  test("s3api put-object --tagging, put-object-tagging and get-object-tagging (with --version-id), bucket tagging; aws s3 cp keeps tags", async () => {
    const file = path.join(dir, "t.txt");
    fs.writeFileSync(file, "tagged\n");
    const v1 = (await awsJson("s3api", "put-object", "--bucket", "cli", "--key", "t.txt", "--body", file, "--tagging", "team=data&stage=raw")).VersionId;
    const tagSet = async (...extra: string[]) => (await awsJson("s3api", "get-object-tagging", "--bucket", "cli", "--key", "t.txt", ...extra));
    expect(await tagSet()).toEqual({ VersionId: v1, TagSet: [{ Key: "stage", Value: "raw" }, { Key: "team", Value: "data" }] });
    const v2 = (await awsJson("s3api", "put-object", "--bucket", "cli", "--key", "t.txt", "--body", file)).VersionId;
    const put = await awsJson("s3api", "put-object-tagging", "--bucket", "cli", "--key", "t.txt", "--version-id", v1, "--tagging", "TagSet=[{Key=stage,Value=clean}]");
    expect(put.VersionId).toBe(v1);
    expect((await tagSet("--version-id", v1)).TagSet).toEqual([{ Key: "stage", Value: "clean" }]);
    expect(await tagSet()).toEqual({ VersionId: v2, TagSet: [] });
    await aws("s3api", "delete-object-tagging", "--bucket", "cli", "--key", "t.txt", "--version-id", v1);
    expect((await tagSet("--version-id", v1)).TagSet).toEqual([]);
    // aws s3 cp between buckets copies (CopyObject), and the tagging directive's default keeps the source's tags
    await aws("s3api", "put-object-tagging", "--bucket", "cli", "--key", "t.txt", "--tagging", "TagSet=[{Key=k,Value=v}]");
    await s3("cp", "s3://cli/t.txt", "s3://cli/t-copy.txt");
    expect((await awsJson("s3api", "get-object-tagging", "--bucket", "cli", "--key", "t-copy.txt")).TagSet).toEqual([{ Key: "k", Value: "v" }]);
    const bad = await run("aws", ["--endpoint-url", server.url, "s3api", "put-object-tagging", "--bucket", "cli", "--key", "t.txt", "--tagging", "TagSet=[{Key=aws:x,Value=v}]"], { env: AWS_ENV });
    expect(bad.stderr).toContain("InvalidTag");
    const none = await run("aws", ["--endpoint-url", server.url, "s3api", "get-bucket-tagging", "--bucket", "cli"], { env: AWS_ENV });
    expect(none.stderr).toContain("NoSuchTagSet");
    await aws("s3api", "put-bucket-tagging", "--bucket", "cli", "--tagging", "TagSet=[{Key=owner,Value=cli}]");
    expect((await awsJson("s3api", "get-bucket-tagging", "--bucket", "cli")).TagSet).toEqual([{ Key: "owner", Value: "cli" }]);
    await aws("s3api", "delete-bucket-tagging", "--bucket", "cli");
  }, 180_000); // about 15 CLI runs of a second or more each on a loaded box

  test("awkward keys through s3api and s3 ls", async () => {
    const file = path.join(dir, "k.txt");
    for (const key of AWKWARD_KEYS) {
      fs.writeFileSync(file, `content of ${key}`);
      await aws("s3api", "put-object", "--bucket", "cli", "--key", key, "--body", file);
      const out = path.join(dir, "k.out");
      await aws("s3api", "get-object", "--bucket", "cli", "--key", key, out);
      expect(fs.readFileSync(out, "utf8")).toBe(`content of ${key}`);
    }
    const listed = await awsJson("s3api", "list-objects-v2", "--bucket", "cli");
    const keys = listed.Contents.map((c: any) => c.Key);
    for (const key of AWKWARD_KEYS) expect(keys).toContain(key);
    const v1 = await awsJson("s3api", "list-objects", "--bucket", "cli");
    for (const key of AWKWARD_KEYS) expect(v1.Contents.map((c: any) => c.Key)).toContain(key);
    // aws s3 cp of a key with spaces and unicode, and a copy between keys.
    await s3("cp", "s3://cli/unicodé/日本語/😀.bin", "s3://cli/copied with space/😀");
    expect(await aws("s3", "cp", "s3://cli/copied with space/😀", "-")).toBe(`content of unicodé/日本語/😀.bin`);
  }, 180_000); // ~24 aws CLI starts, each seconds long on a loaded machine

  test("errors the CLI shows", async () => {
    const missingKey = await run("aws", ["--endpoint-url", server.url, "s3api", "head-object", "--bucket", "cli", "--key", "nope"], { env: AWS_ENV });
    expect(missingKey.stderr).toContain("404");
    const missingBucket = await run("aws", ["--endpoint-url", server.url, "s3", "ls", "s3://no-such-bucket"], { env: AWS_ENV });
    expect(missingBucket.stderr).toContain("The specified bucket does not exist");
    const badName = await run("aws", ["--endpoint-url", server.url, "s3", "mb", "s3://Bad_Name"], { env: AWS_ENV });
    expect(badName.code).not.toBe(0);
  }, 30_000);
});
