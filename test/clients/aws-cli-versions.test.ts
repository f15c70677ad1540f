// The real aws CLI (v1, preinstalled) and rclone on versions: `s3api delete-object --version-id` on the current,
// an older and a delete-marker version (AWS, "Deleting object versions from a versioning-enabled bucket"),
// checked through ListObjectVersions, the commit bucket and gc; `aws s3 rb --force` (and rclone's delete + rmdir)
// of a bucket whose history they would lose is refused, and the data stays readable.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir, withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";
import { AWS_ENV, missing, run, runOk } from "./tools.ts";

const skip = missing("aws");
const noRclone = missing("rclone");
let server: StrataServer;
let dir: string;

const aws = (...args: string[]) => runOk("aws", ["--endpoint-url", server.url, ...args], { env: AWS_ENV });
const awsJson = async (...args: string[]) => JSON.parse((await aws(...args, "--output", "json")) || "{}");
const B = "cliversions";

/** Every version and marker of a key, in the CLI's listing, as "id" / "D:id", the latest starred. */
async function versionsOf(key: string, bucket = B): Promise<string[]> {
  const r = await awsJson("s3api", "list-object-versions", "--bucket", bucket, "--prefix", key);
  const all = [
    ...(r.Versions ?? []).map((v: any) => ({ id: v.VersionId, at: v.LastModified, text: v.VersionId, latest: v.IsLatest })),
    ...(r.DeleteMarkers ?? []).map((v: any) => ({ id: v.VersionId, at: v.LastModified, text: `D:${v.VersionId}`, latest: v.IsLatest })),
  ];
  return all.sort((a, b) => (a.id < b.id ? 1 : -1)).map((v) => `${v.text}${v.latest ? "*" : ""}`);
}

const putFile = async (key: string, bytes: Uint8Array | string): Promise<string> => {
  const file = path.join(dir, "upload");
  fs.writeFileSync(file, bytes);
  return (await awsJson("s3api", "put-object", "--bucket", B, "--key", key, "--body", file)).VersionId;
};

const getText = async (bucket: string, key: string, versionId?: string): Promise<string> => {
  const out = path.join(dir, "download");
  await aws("s3api", "get-object", "--bucket", bucket, "--key", key, ...(versionId ? ["--version-id", versionId] : []), out);
  return fs.readFileSync(out, "utf8");
};

const failure = (p: Promise<unknown>) => p.then(() => "succeeded", (e) => String(e));

beforeAll(async () => {
  if (skip) return;
  server = await withServer();
  dir = tempDir("strata-aws-versions-");
  await aws("s3", "mb", `s3://${B}`);
});
afterAll(async () => {
  if (skip) return;
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skip)("aws CLI: s3api delete-object --version-id", () => {
  test("the current version: the previous one is current again, also in commit buckets", async () => {
    const v1 = await putFile("doc.txt", "first");
    const v2 = await putFile("doc.txt", "second, by mistake");
    const gone = await awsJson("s3api", "delete-object", "--bucket", B, "--key", "doc.txt", "--version-id", v2);
    expect(gone.VersionId).toBe(v2);
    expect(gone.DeleteMarker).toBeUndefined();
    expect(await versionsOf("doc.txt")).toEqual([`${v1}*`]);
    expect(await getText(B, "doc.txt")).toBe("first");
    expect(await failure(getText(B, "doc.txt", v2))).toContain("NoSuchVersion");
    // The commit that wrote v2, read as a bucket: the key shows the version before it.
    expect(await getText(`${v2}.master.${B}`, "doc.txt")).toBe("first");
    expect((await aws("s3", "ls", `s3://${v2}.${B}/`))).toContain("doc.txt");
  }, 60_000);

  test("an older version: gone from the listing and from every commit, the current one stays", async () => {
    const v1 = await putFile("old.txt", "old secret");
    const v2 = await putFile("old.txt", "current");
    await aws("s3api", "delete-object", "--bucket", B, "--key", "old.txt", "--version-id", v1);
    expect(await versionsOf("old.txt")).toEqual([`${v2}*`]);
    expect(await getText(B, "old.txt")).toBe("current");
    expect(await failure(getText(`${v1}.master.${B}`, "old.txt"))).toContain("NoSuchKey");
    expect(await failure(getText(B, "old.txt", v1))).toContain("NoSuchVersion");
  }, 60_000);

  test("a delete marker: what it hid is current again", async () => {
    const v1 = await putFile("hidden.txt", "hidden");
    const marker = await awsJson("s3api", "delete-object", "--bucket", B, "--key", "hidden.txt");
    expect(marker.DeleteMarker).toBe(true);
    expect(await versionsOf("hidden.txt")).toEqual([`D:${marker.VersionId}*`, v1]);
    const res = await awsJson("s3api", "delete-object", "--bucket", B, "--key", "hidden.txt", "--version-id", marker.VersionId);
    expect(res).toEqual({ DeleteMarker: true, VersionId: marker.VersionId });
    expect(await versionsOf("hidden.txt")).toEqual([`${v1}*`]);
    expect(await getText(B, "hidden.txt")).toBe("hidden");
  }, 60_000);

  test("gc reclaims the purged version's bytes", async () => {
    await putFile("big.bin", "small current");
    const big = await putFile("big.bin", randomBytes(300 * 1024));
    await putFile("big.bin", "small again");
    await server.repo.gc({ minLiveFraction: 1, minAgeMs: 0 });
    await aws("s3api", "delete-object", "--bucket", B, "--key", "big.bin", "--version-id", big);
    const report = await server.repo.gc({ minLiveFraction: 1, minAgeMs: 0 });
    expect(report.bytesBefore - report.bytesAfter).toBeGreaterThanOrEqual(300 * 1024);
    expect(await getText(B, "big.bin")).toBe("small again");
  }, 60_000);
});

describe.skipIf(skip)("deleting a bucket never loses history", () => {
  test("aws s3 rb --force of a bucket with versions is refused; every version stays readable", async () => {
    await aws("s3", "mb", "s3://keepme");
    const file = path.join(dir, "k");
    fs.writeFileSync(file, "precious");
    const v = (await awsJson("s3api", "put-object", "--bucket", "keepme", "--key", "k", "--body", file)).VersionId;
    const rb = await failure(aws("s3", "rb", "--force", "s3://keepme"));
    expect(rb).toContain("BucketNotEmpty");
    expect(rb).toContain("strata repo delete keepme --force");
    expect(await getText("keepme", "k", v)).toBe("precious"); // rb --force deleted the current key (a marker); its version stays
    expect((await awsJson("s3api", "list-object-versions", "--bucket", "keepme")).DeleteMarkers).toHaveLength(1);
  }, 60_000);

  // rclone sees a versioned bucket (GetBucketVersioning) and handles it as it does on AWS: `delete` leaves markers
  // (so `rmdir` is refused, as `rb` is), while `purge` lists every version and marker and deletes each by id: the
  // deliberate way, after which the bucket goes.
  test.skipIf(noRclone)("rclone: delete then rmdir is refused with the data readable; purge deletes every version by id, then the bucket", async () => {
    await aws("s3", "mb", "s3://rcl");
    const file = path.join(dir, "r");
    fs.writeFileSync(file, "kept by rclone delete");
    const v = (await awsJson("s3api", "put-object", "--bucket", "rcl", "--key", "dir/r", "--body", file)).VersionId;
    await awsJson("s3api", "put-object", "--bucket", "rcl", "--key", "dir/r", "--body", file);
    const env = {
      AWS_CA_BUNDLE: "", // rclone refuses a CA bundle for plain HTTP
      RCLONE_CONFIG: "/dev/null",
      RCLONE_CONFIG_STRATA_TYPE: "s3",
      RCLONE_CONFIG_STRATA_PROVIDER: "Other",
      RCLONE_CONFIG_STRATA_ENDPOINT: server.url,
      RCLONE_CONFIG_STRATA_ACCESS_KEY_ID: "x",
      RCLONE_CONFIG_STRATA_SECRET_ACCESS_KEY: "x",
      RCLONE_CONFIG_STRATA_REGION: "us-east-1",
      RCLONE_CONFIG_STRATA_FORCE_PATH_STYLE: "true",
    };
    const rclone = (...args: string[]) => run("rclone", ["--retries=1", "--low-level-retries=1", ...args], { env });
    expect((await rclone("delete", "strata:rcl")).code).toBe(0);
    const rmdir = await rclone("rmdir", "strata:rcl");
    expect(rmdir.code).not.toBe(0);
    expect(rmdir.stderr).toContain("BucketNotEmpty");
    expect(await getText("rcl", "dir/r", v)).toBe("kept by rclone delete");
    const purge = await rclone("purge", "strata:rcl");
    expect(purge.stderr).toBe("");
    expect(purge.code).toBe(0);
    expect(await failure(aws("s3api", "head-bucket", "--bucket", "rcl"))).toContain("404");
  }, 60_000);
});
