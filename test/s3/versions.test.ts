// ListObjectVersions: each key's commits newest first, delete markers, pagination by key-marker/version-id-marker.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";
import { encodeKey, expectError, http, list, type S3Http } from "./http.ts";

let server: StrataServer;
let s3: S3Http;
/** key → version ids, newest first; "D:" marks a delete marker */
const history = new Map<string, string[]>();

async function write(key: string, body: string | null) {
  const res = body === null
    ? await s3.call(`/vers/${encodeKey(key)}`, { method: "DELETE" })
    : await s3.put(`/vers/${encodeKey(key)}`, body);
  const id = res.headers.get("x-amz-version-id")!;
  expect(id).toMatch(/^[0-9a-f]{32}$/);
  history.set(key, [body === null ? `D:${id}` : id, ...(history.get(key) ?? [])]);
  // Commit ids sort by their millisecond; the test orders a key's versions by id, so keep writes apart.
  await Bun.sleep(2);
}

beforeAll(async () => {
  server = await withServer();
  s3 = http(server);
  await s3.put("/vers", "");
  await write("a", "1");
  await write("a", "2");
  await write("b/x", "1");
  await write("b/y", "1");
  await write("b/x", "2");
  await write("c", "1");
  await write("c", null);
  await write("d", "1");
  await write("a", "3");
  await write("c", "again");
});
afterAll(() => server.stop());

type Item = string; // "key@version" or "key@D:version" or "P:prefix"

async function walk(params: string): Promise<{ items: Item[]; pages: number }> {
  const items: Item[] = [];
  let markers = "";
  for (let pages = 1; pages < 100; pages++) {
    const { doc, text } = await s3.xml(`/vers?versions&${params}${markers}`);
    const r = doc.ListVersionsResult;
    // Versions and markers interleaved in the document's order, per key newest first (as S3 lists them).
    const entries = versionElements(text).map((v) => ({ ...v, item: `${v.key}@${v.marker ? "D:" : ""}${v.id}` }));
    for (const e of entries) expect(e.latest).toBe(history.get(e.key)![0].replace(/^D:/, "") === e.id);
    items.push(...entries.map((e) => e.item), ...list(r.CommonPrefixes).map((p: any) => `P:${p.Prefix}`));
    if (r.IsTruncated !== "true") return { items, pages };
    expect(r.NextKeyMarker).toBeTruthy();
    markers = `&key-marker=${encodeURIComponent(r.NextKeyMarker)}` + (r.NextVersionIdMarker ? `&version-id-marker=${r.NextVersionIdMarker}` : "");
  }
  throw new Error("listing does not end");
}

/** The <Version> and <DeleteMarker> elements of a ListVersionsResult, in document order. */
function versionElements(xml: string): Array<{ key: string; id: string; marker: boolean; latest: boolean }> {
  const field = (body: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1] ?? "";
  return [...xml.matchAll(/<(Version|DeleteMarker)>(.*?)<\/\1>/g)].map(([, kind, body]) => ({
    key: field(body, "Key"),
    id: field(body, "VersionId"),
    marker: kind === "DeleteMarker",
    latest: field(body, "IsLatest") === "true",
  }));
}

const all = () => [...history.keys()].sort().flatMap((k) => history.get(k)!.map((v) => `${k}@${v}`));

test("lists every version of every key, newest first, with delete markers", async () => {
  const { items, pages } = await walk("");
  expect(pages).toBe(1);
  expect(items).toEqual(all());
  const { doc } = await s3.xml("/vers?versions&prefix=c");
  const r = doc.ListVersionsResult;
  expect(list(r.DeleteMarker)).toHaveLength(1);
  expect(list(r.DeleteMarker)[0].IsLatest).toBe("false");
  const v = list(r.Version)[0];
  expect(v.ETag).toMatch(/^"[0-9a-f]{64}"$/);
  expect(v.Size).toBe("5");
  expect(v.LastModified).toMatch(/Z$/);
  expect(r.Name).toBe("vers");
});

for (const max of [1, 2, 3, 5]) {
  test(`pages of ${max} resume with key-marker and version-id-marker`, async () => {
    expect((await walk(`max-keys=${max}`)).items).toEqual(all());
  });
  test(`pages of ${max} with a delimiter give each common prefix once`, async () => {
    const { items } = await walk(`max-keys=${max}&delimiter=/`);
    const expected = all().filter((i) => !i.startsWith("b/"));
    expected.splice(expected.findIndex((i) => i.startsWith("c@")), 0, "P:b/");
    expect(items.filter((i) => i.startsWith("P:"))).toEqual(["P:b/"]);
    expect(items.filter((i) => !i.startsWith("P:"))).toEqual(expected.filter((i) => !i.startsWith("P:")));
  });
}

test("prefix and key-marker alone (resume after that key)", async () => {
  expect((await walk("prefix=b/")).items).toEqual(all().filter((i) => i.startsWith("b/")));
  expect((await walk("key-marker=b/x")).items).toEqual(all().filter((i) => i > "b/y"));
});

test("a deleted key's current version is a delete marker; an old version is still readable", async () => {
  await write("e", "gone soon");
  const old = history.get("e")![0];
  await write("e", null);
  const head = await s3.call("/vers/e", { method: "HEAD" });
  expect(head.status).toBe(404);
  expect(head.headers.get("x-amz-delete-marker")).toBe("true");
  expect(await (await s3.call(`/vers/e?versionId=${old}`)).text()).toBe("gone soon");
  const marker = history.get("e")![0].slice(2);
  await expectError(await s3.call(`/vers/e?versionId=${marker}`), 405, "MethodNotAllowed");
  await expectError(await s3.call(`/vers/e?versionId=${"0".repeat(32)}`), 404, "NoSuchVersion");
});

test("a commit bucket lists the versions as of that commit", async () => {
  const first = history.get("a")!.at(-1)!;
  const { doc } = await s3.xml(`/${first}.vers?versions`);
  expect(list(doc.ListVersionsResult.Version).map((v: any) => `${v.Key}@${v.VersionId}`)).toEqual([`a@${first}`]);
});

test("versioning is Enabled; MFA delete and malformed configurations are refused", async () => {
  const { doc } = await s3.xml("/vers?versioning");
  expect(doc.VersioningConfiguration.Status).toBe("Enabled");
  const enable = '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>';
  expect((await s3.call("/vers?versioning", { method: "PUT", body: enable })).status).toBe(200);
  const mfa = enable.replace("</Status>", "</Status><MfaDelete>Enabled</MfaDelete>");
  await expectError(await s3.call("/vers?versioning", { method: "PUT", body: mfa }), 501, "NotImplemented");
  await expectError(await s3.call("/vers?versioning", { method: "PUT", body: enable.replace("Enabled", "Paused") }), 400, "MalformedXML");
  await expectError(await s3.call("/vers?versioning", { method: "PUT", body: "<oops" }), 400, "MalformedXML");
  expect((await s3.xml("/vers?versioning")).doc.VersioningConfiguration.Status).toBe("Enabled");
});

test("max-keys 0 lists nothing and is not truncated", async () => {
  const r = (await s3.xml("/vers?versions&max-keys=0")).doc.ListVersionsResult;
  expect(r.IsTruncated).toBe("false");
  expect(r.Version).toBeUndefined();
});
