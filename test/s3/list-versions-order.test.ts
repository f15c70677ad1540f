// ListObjectVersions in S3's order (AWS ListObjectVersions API reference): per key, versions and delete markers
// interleaved newest first, exactly one IsLatest per key, purged versions gone; every page size gives the same
// sequence through key-marker and version-id-marker. One table row per history.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";
import { encodeKey, http, type S3Http } from "./http.ts";

let server: StrataServer;
let s3: S3Http;
beforeAll(async () => {
  server = await withServer();
  s3 = http(server);
});
afterAll(() => server.stop());

/** put NAME (a version named NAME), del NAME (a marker named NAME), purge NAME, suspend, enable; all on `key`. */
type Step = [op: "put" | "del" | "purge", key: string, name: string] | [op: "suspend" | "enable"];

interface Row {
  what: string;
  steps: Step[];
  /** the listing, "key@name" for a version, "key@D:name" for a marker, "*" on the latest; "null" is the null version */
  expected: string[];
}

const ROWS: Row[] = [
  { what: "versions and markers interleave", steps: [["put", "a", "1"], ["del", "a", "2"], ["put", "a", "3"], ["del", "a", "4"]], expected: ["a@D:4*", "a@3", "a@D:2", "a@1"] },
  { what: "markers over nothing, twice", steps: [["del", "x", "1"], ["del", "x", "2"]], expected: ["x@D:2*", "x@D:1"] },
  { what: "a purged middle version", steps: [["put", "b", "1"], ["put", "b", "2"], ["put", "b", "3"], ["purge", "b", "2"]], expected: ["b@3*", "b@1"] },
  { what: "a purged marker brings back what it hid", steps: [["put", "c", "1"], ["del", "c", "2"], ["purge", "c", "2"]], expected: ["c@1*"] },
  { what: "a purged current version", steps: [["put", "d", "1"], ["put", "d", "2"], ["purge", "d", "2"]], expected: ["d@1*"] },
  { what: "every version purged", steps: [["put", "e", "1"], ["del", "e", "2"], ["purge", "e", "1"], ["purge", "e", "2"]], expected: [] },
  {
    what: "several keys, each its own latest",
    steps: [["put", "k1", "1"], ["put", "k2", "2"], ["del", "k1", "3"], ["put", "k2", "4"], ["put", "k3", "5"], ["del", "k3", "6"], ["put", "k3", "7"]],
    expected: ["k1@D:3*", "k1@1", "k2@4*", "k2@2", "k3@7*", "k3@D:6", "k3@5"],
  },
  {
    what: "suspended: one null version per key, replaced by each write",
    steps: [["put", "n", "1"], ["suspend"], ["put", "n", "null"], ["put", "n", "null"], ["enable"], ["put", "n", "2"], ["suspend"], ["del", "n", "null"]],
    expected: ["n@D:null*", "n@2", "n@1"],
  },
];

/** Runs a row's steps on a fresh bucket; returns version ids by name. */
async function build(bucket: string, steps: Step[]): Promise<Map<string, string>> {
  await s3.put(`/${bucket}`, "");
  const ids = new Map<string, string>([["null", "null"]]);
  for (const step of steps) {
    const [op] = step;
    if (op === "suspend" || op === "enable") {
      const status = op === "suspend" ? "Suspended" : "Enabled";
      await s3.xml(`/${bucket}?versioning`, { method: "PUT", body: `<VersioningConfiguration><Status>${status}</Status></VersioningConfiguration>` });
      continue;
    }
    const [, key, name] = step as [string, string, string];
    const path = `/${bucket}/${encodeKey(key)}`;
    if (op === "purge") {
      const res = await s3.call(`${path}?versionId=${ids.get(name)}`, { method: "DELETE" });
      expect(res.status).toBe(204);
      continue;
    }
    const res = op === "put" ? await s3.put(path, `${key} ${name}`) : await s3.call(path, { method: "DELETE" });
    ids.set(name, res.headers.get("x-amz-version-id") ?? (name === "null" ? "null" : "?"));
  }
  return ids;
}

/** The listing in document order, paged by max-keys, as "key@id" / "key@D:id" with "*" on the latest. */
async function listAll(bucket: string, maxKeys: number): Promise<string[]> {
  const out: string[] = [];
  let markers = "";
  for (let page = 0; page < 100; page++) {
    const { text } = await s3.xml(`/${bucket}?versions&max-keys=${maxKeys}${markers}`);
    const field = (body: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1] ?? "";
    for (const [, kind, body] of text.matchAll(/<(Version|DeleteMarker)>(.*?)<\/\1>/g)) {
      out.push(`${field(body, "Key")}@${kind === "DeleteMarker" ? "D:" : ""}${field(body, "VersionId")}${field(body, "IsLatest") === "true" ? "*" : ""}`);
    }
    if (field(text, "IsTruncated") !== "true") return out;
    markers = `&key-marker=${encodeURIComponent(field(text, "NextKeyMarker"))}&version-id-marker=${field(text, "NextVersionIdMarker")}`;
  }
  throw new Error("the listing does not end");
}

ROWS.forEach((row, i) => {
  test(`order: ${row.what}`, async () => {
    const bucket = `order${i}`;
    const ids = await build(bucket, row.steps);
    const expected = row.expected.map((e) => e.replace(/@(D:)?([^*]+)/, (_, d, name) => `@${d ?? ""}${ids.get(name)}`));
    for (const maxKeys of [1, 2, 3, 1000]) expect({ maxKeys, got: await listAll(bucket, maxKeys) }).toEqual({ maxKeys, got: expected });
  });
});

test("paging resumes where it was when the version at the marker is purged between pages", async () => {
  const ids = await build("resume", [["put", "r", "1"], ["put", "r", "2"], ["put", "r", "3"], ["put", "s", "4"]]);
  const first = (await s3.xml("/resume?versions&max-keys=2")).text;
  expect(first).toContain(`<NextVersionIdMarker>${ids.get("2")}</NextVersionIdMarker>`);
  await s3.call(`/resume/r?versionId=${ids.get("2")}`, { method: "DELETE" });
  const next = (await s3.xml(`/resume?versions&max-keys=2&key-marker=r&version-id-marker=${ids.get("2")}`)).text;
  expect([...next.matchAll(/<VersionId>([^<]*)</g)].map((m) => m[1])).toEqual([ids.get("1")!, ids.get("4")!]);
});

test("a version-id-marker without a key-marker, or not a version id, is InvalidArgument", async () => {
  for (const q of [`version-id-marker=${"1".repeat(32)}`, "key-marker=a&version-id-marker=nonsense"]) {
    const res = await s3.call(`/order0?versions&${q}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("<Code>InvalidArgument</Code>");
  }
});
