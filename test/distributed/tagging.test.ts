// Object and bucket tags on the distributed store: a retag (PutObjectTagging, which makes no new version) moves the
// repo ref by the same compare-and-swap as every write, so retags and writes racing through two gateways all land,
// each gateway reads the others' at once, and gc keeps the tag index (a fresh gateway, with nothing cached, reads it).
import { expect, test } from "bun:test";
import { gatewayArgs, gatewaysOnMoto, pgAvailable, strataCli } from "../helpers/distributed.ts";

const skip = !(await pgAvailable());
const cluster = gatewaysOnMoto("tags", skip);
const { gateways } = cluster;

const tagging = (tags: Array<[string, string]>) => `<Tagging><TagSet>${tags.map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join("")}</TagSet></Tagging>`;

async function tagsOf(url: string, path: string): Promise<string> {
  const res = await fetch(`${url}${path}?tagging`);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path}?tagging: ${res.status} ${text}`);
  return text.slice(text.indexOf("<TagSet>"), text.indexOf("</TagSet>") + "</TagSet>".length);
}

test.skipIf(skip)("retags and writes racing through two gateways all land, read back through either; gc and fsck keep the tag index", async () => {
  const [a, b] = gateways;
  expect((await fetch(`${a.url}/tagged`, { method: "PUT" })).status).toBe(200);
  const keys = Array.from({ length: 16 }, (_, i) => `k${i}`);
  for (const key of keys) {
    const res = await fetch(`${a.url}/tagged/${key}`, { method: "PUT", body: key, headers: { "x-amz-tagging": "at=put" } });
    expect(res.status).toBe(200);
  }
  expect(await tagsOf(b.url, "/tagged/k0")).toBe("<TagSet><Tag><Key>at</Key><Value>put</Value></Tag></TagSet>");

  // Every key retagged once, half through each gateway, while new objects are written through both.
  const retags = keys.map((key, i) => fetch(`${(i % 2 ? a : b).url}/tagged/${key}?tagging`, { method: "PUT", body: tagging([["by", i % 2 ? "a" : "b"], ["n", String(i)]]) }));
  const writes = Array.from({ length: 8 }, (_, i) => fetch(`${(i % 2 ? b : a).url}/tagged/w${i}`, { method: "PUT", body: `w${i}` }));
  for (const res of await Promise.all([...retags, ...writes])) expect(res.status).toBe(200);
  for (const gw of gateways) {
    for (const [i, key] of keys.entries()) {
      expect(await tagsOf(gw.url, `/tagged/${key}`)).toBe(`<TagSet><Tag><Key>by</Key><Value>${i % 2 ? "a" : "b"}</Value></Tag><Tag><Key>n</Key><Value>${i}</Value></Tag></TagSet>`);
    }
  }
  // A retag made no version: each key still has the one it was written with.
  const versions = await (await fetch(`${b.url}/tagged?versions&prefix=k1`)).text();
  expect(versions.match(/<Version>/g)?.length).toBe(keys.filter((k) => k.startsWith("k1")).length);

  expect((await fetch(`${b.url}/tagged?tagging`, { method: "PUT", body: tagging([["team", "dist"]]) })).status).toBe(204);
  expect(await tagsOf(a.url, "/tagged")).toBe("<TagSet><Tag><Key>team</Key><Value>dist</Value></Tag></TagSet>");

  const args = gatewayArgs(cluster.schema.url(), cluster.objects, "tags");
  const gc = await strataCli(["gc", ...args, "--min-age", "0", "--json"]);
  expect(gc.code).toBe(0);
  const fresh = await cluster.add();
  expect(await tagsOf(fresh.url, "/tagged/k3")).toBe("<TagSet><Tag><Key>by</Key><Value>a</Value></Tag><Tag><Key>n</Key><Value>3</Value></Tag></TagSet>");
  const fsck = await strataCli(["fsck", ...args, "--json"]);
  expect(JSON.parse(fsck.stdout).ok).toBe(true);
}, 120_000);
