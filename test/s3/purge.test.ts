// Purging a version (DeleteObject/DeleteObjects with a version id): AWS, "Deleting object versions from a
// versioning-enabled bucket". The version is gone from every read path, its history records the purge, and gc
// gives its bytes back.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";
import { expectError, http, list, type S3Http } from "./http.ts";

let server: StrataServer;
let s3: S3Http;

beforeAll(async () => {
  server = await withServer();
  s3 = http(server);
  await s3.put("/pur", "");
});
afterAll(() => server.stop());

const put = async (path: string, body: BodyInit) => (await s3.put(path, body)).headers.get("x-amz-version-id")!;
const del = (path: string) => s3.call(path, { method: "DELETE" });
const admin = async (path: string) => (await fetch(`${server.url}/_strata/${path}`)).json() as Promise<any>;
const versionsOf = async (bucket: string, key: string) =>
  [...(await s3.xml(`/${bucket}?versions&prefix=${encodeURIComponent(key)}`)).text.matchAll(/<(Version|DeleteMarker)>.*?<VersionId>([^<]*)<\/VersionId><IsLatest>([^<]*)</g)]
    .map(([, kind, id, latest]) => `${kind === "DeleteMarker" ? "D:" : ""}${id}${latest === "true" ? "*" : ""}`);

describe("purging a version", () => {
  test("the current version: the previous one becomes current, and no read path serves the purged bytes", async () => {
    const v1 = await put("/pur/secret.txt", "harmless");
    const v2 = await put("/pur/secret.txt", "password=hunter2");
    const after = await put("/pur/other.txt", "later commit"); // a commit whose tree still holds v2
    const purged = await del(`/pur/secret.txt?versionId=${v2}`);
    expect(purged.status).toBe(204);
    expect(purged.headers.get("x-amz-version-id")).toBe(v2);
    expect(purged.headers.get("x-amz-delete-marker")).toBeNull();

    expect(await versionsOf("pur", "secret.txt")).toEqual([`${v1}*`]);
    expect(await (await s3.call("/pur/secret.txt")).text()).toBe("harmless");
    await expectError(await s3.call(`/pur/secret.txt?versionId=${v2}`), 404, "NoSuchVersion");
    expect((await s3.call(`/pur/secret.txt?versionId=${v2}`, { method: "HEAD" })).status).toBe(404);
    await expectError(await s3.call(`/pur/secret.txt?versionId=${v2}`, { headers: { range: "bytes=0-3" } }), 404, "NoSuchVersion");
    // Commit buckets at the purged version's commit and at a later one show the version before it.
    for (const bucket of [`${v2}.master.pur`, `${v2}.pur`, `${after}.master.pur`, `${after}.pur`]) {
      const res = await s3.call(`/${bucket}/secret.txt`);
      expect(await res.text()).toBe("harmless");
      expect(res.headers.get("x-amz-version-id")).toBe(v1);
      expect(await (await s3.call(`/${bucket}/secret.txt`, { headers: { range: "bytes=0-3" } })).text()).toBe("harm");
      expect(await versionsOf(bucket, "secret.txt")).toEqual([`${v1}*`]);
    }
    // As of a commit by version id, too.
    expect(await (await s3.call(`/pur/secret.txt?versionId=${after}`)).text()).toBe("harmless");
    // Copy sources: by version id it is gone; from a commit bucket the copy takes the surviving version.
    await expectError(await s3.call("/pur/copy.txt", { method: "PUT", headers: { "x-amz-copy-source": `/pur/secret.txt?versionId=${v2}` } }), 404, "NoSuchVersion");
    expect((await s3.call("/pur/copy.txt", { method: "PUT", headers: { "x-amz-copy-source": `/${after}.pur/secret.txt` } })).status).toBe(200);
    expect(await (await s3.call("/pur/copy.txt")).text()).toBe("harmless");
    const upload = /<UploadId>([^<]+)</.exec((await s3.xml("/pur/mp?uploads", { method: "POST" })).text)![1];
    await expectError(await s3.call(`/pur/mp?uploadId=${upload}&partNumber=1`, { method: "PUT", headers: { "x-amz-copy-source": `/pur/secret.txt?versionId=${v2}` } }), 404, "NoSuchVersion");
    // The admin API (strata ls, strata diff) sees the surviving version only.
    const listed = await admin(`objects?ref=${after}.pur&prefix=secret`);
    expect(listed.objects.map((o: any) => o.commit)).toEqual([v1]);
    const diff = await admin(`diff?from=${v1}.pur&to=${after}.pur`);
    expect(diff.changes.map((c: any) => c.key)).toEqual(["other.txt"]);
  });

  test("the purge is a commit in the branch's history: which key and version, and by whom", async () => {
    const v = await put("/pur/logged.txt", "x");
    await del(`/pur/logged.txt?versionId=${v}`);
    const { commits } = await admin("commits?ref=master.pur&limit=1");
    expect(commits[0].purged).toEqual([["logged.txt", v]]);
    expect(commits[0].author).toBe("anonymous");
    expect(commits[0].message).toContain("logged.txt");
    expect((await s3.call("/pur/logged.txt")).status).toBe(404);
    expect(await versionsOf("pur", "logged.txt")).toEqual([]);
  });

  test("an older version: the current one stays; a delete marker: what it hid is current again", async () => {
    const v1 = await put("/pur/k", "one");
    const v2 = await put("/pur/k", "two");
    expect((await del(`/pur/k?versionId=${v1}`)).status).toBe(204);
    expect(await versionsOf("pur", "k")).toEqual([`${v2}*`]);
    const marker = (await del("/pur/k")).headers.get("x-amz-version-id")!;
    expect((await s3.call("/pur/k")).status).toBe(404);
    const res = await del(`/pur/k?versionId=${marker}`);
    expect(res.headers.get("x-amz-delete-marker")).toBe("true");
    expect(res.headers.get("x-amz-version-id")).toBe(marker);
    expect(await (await s3.call("/pur/k")).text()).toBe("two");
    expect(await versionsOf("pur", "k")).toEqual([`${v2}*`]);
  });

  test("DeleteObjects purges several versions of one key in one commit, markers included", async () => {
    const a = await put("/pur/batch", "a");
    const b = await put("/pur/batch", "b");
    const m = (await del("/pur/batch")).headers.get("x-amz-version-id")!;
    const body = `<Delete>${[a, m, b, "0".repeat(32)].map((id) => `<Object><Key>batch</Key><VersionId>${id}</VersionId></Object>`).join("")}</Delete>`;
    const { res, doc } = await s3.xml("/pur?delete", { method: "POST", body });
    expect(list(doc.DeleteResult.Deleted).map((d: any) => [d.VersionId, d.DeleteMarker ?? "", d.DeleteMarkerVersionId ?? ""])).toEqual([
      [a, "", ""],
      [m, "true", m],
      [b, "", ""],
      ["0".repeat(32), "", ""], // a version that does not exist: deleted already, as far as S3 is concerned
    ]);
    expect(await versionsOf("pur", "batch")).toEqual([]);
    const { commits } = await admin("commits?ref=master.pur&limit=1");
    expect(commits[0].id).toBe(res.headers.get("x-amz-version-id"));
    expect(commits[0].purged).toEqual([["batch", a], ["batch", m], ["batch", b]]);
  });

  test("a version other branches share stops being served there too", async () => {
    const v = await put("/pur/shared", "shared secret");
    await fetch(`${server.url}/_strata/branches`, { method: "POST", body: JSON.stringify({ ref: "dev.pur", from: "master" }) });
    expect(await (await s3.call("/dev.pur/shared")).text()).toBe("shared secret");
    await del(`/pur/shared?versionId=${v}`);
    expect((await s3.call("/dev.pur/shared")).status).toBe(404);
    await expectError(await s3.call(`/dev.pur/shared?versionId=${v}`), 404, "NoSuchVersion");
  });

  test("gc gives the purged bytes back and keeps every other version", async () => {
    const big = randomBytes(200 * 1024);
    const keep = await put("/pur/big", "kept");
    const gone = await put("/pur/big", big);
    await server.repo.gc({ minLiveFraction: 1, minAgeMs: 0 }); // sweep what earlier tests left
    await del(`/pur/big?versionId=${gone}`);
    const report = await server.repo.gc({ minLiveFraction: 1, minAgeMs: 0 });
    expect(report.bytesBefore - report.bytesAfter).toBeGreaterThanOrEqual(big.length);
    expect(await (await s3.call(`/pur/big?versionId=${keep}`)).text()).toBe("kept");
    expect(await (await s3.call("/pur/k")).text()).toBe("two");
    const fsck = await server.repo.fsck();
    expect(JSON.stringify(fsck)).not.toContain("missing");
  });
});
