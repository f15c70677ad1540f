// Users, tokens and multipart uploads across gateways move by compare-and-swap like branch heads: two
// gateways changing one user at once (each read-modify-writes the record) both land, and an upload
// completed on one gateway cannot also be completed or aborted on another; the last admin survives two gateways
// each deleting one of the last two at once.
import { describe, expect, test } from "bun:test";
import { gatewaysOnMoto, pgAvailable } from "../helpers/distributed.ts";

const skip = !(await pgAvailable());

describe.skipIf(skip)("read-modify-write refs across two gateways", () => {
  const cluster = gatewaysOnMoto("auth-cas", skip, 2);
  const admin = (i: number, method: string, path: string, body?: unknown) =>
    fetch(`${cluster.gateways[i % 2].url}/_strata${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  test("grants of different repos to one user through both gateways at once: none is lost", async () => {
    const repos = Array.from({ length: 12 }, (_, i) => `team${i}`);
    for (const r of repos) expect((await admin(0, "POST", "/repos", { name: r })).status).toBeLessThan(300);
    expect((await admin(0, "POST", "/auth/users", { name: "ana" })).status).toBe(201);
    const answers = await Promise.all(repos.map((r, i) => admin(i, "PUT", `/auth/users/ana/roles/${r}`, { role: "reader" })));
    expect(answers.map((a) => a.status)).toEqual(repos.map(() => 200));
    for (const i of [0, 1]) {
      const users = (await (await admin(i, "GET", "/auth/users")).json()) as { users: Array<{ name: string; roles: Record<string, string> }> };
      const ana = users.users.find((u) => u.name === "ana")!;
      expect(Object.keys(ana.roles).sort()).toEqual([...repos].sort());
    }
  }, 60_000);

  test("the last two admins deleted through the two gateways at once: one is refused, one admin stays", async () => {
    const admins = async (i: number) =>
      ((await (await admin(i, "GET", "/auth/users")).json()) as { users: Array<{ name: string; admin: boolean }> }).users.filter((u) => u.admin).map((u) => u.name);
    expect((await admin(0, "POST", "/auth/users", { name: "boss0", admin: true })).status).toBe(201);
    // Each round: the survivor of the last round and a new admin, each deleted through its own gateway at once.
    // Checked on one gateway's view only, both deletes would pass most rounds.
    let survivor = "boss0";
    for (let round = 1; round <= 8; round++) {
      const fresh = `boss${round}`;
      expect((await admin(1, "POST", "/auth/users", { name: fresh, admin: true })).status).toBe(201);
      const [a, b] = await Promise.all([admin(0, "DELETE", `/auth/users/${survivor}`), admin(1, "DELETE", `/auth/users/${fresh}`)]);
      const codes = await Promise.all([a, b].map(async (r) => (r.status === 200 ? "ok" : ((await r.json()) as { error: { code: string } }).error.code)));
      expect(codes.sort()).toEqual(["LastAdmin", "ok"]);
      const left = await admins(0);
      expect(left).toHaveLength(1);
      expect(await admins(1)).toEqual(left);
      survivor = left[0];
    }
  }, 120_000);

  test("one upload completed through both gateways at once: one version, the same answer twice", async () => {
    const gw = cluster.gateways;
    expect((await fetch(`${gw[0].url}/uploads`, { method: "PUT" })).status).toBe(200);
    const created = await (await fetch(`${gw[0].url}/uploads/big?uploads`, { method: "POST" })).text();
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created)![1];
    const part = await fetch(`${gw[1].url}/uploads/big?partNumber=1&uploadId=${uploadId}`, { method: "PUT", body: "only part" });
    const etag = part.headers.get("etag")!;
    const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`;
    const done = await Promise.all(gw.map((g) => fetch(`${g.url}/uploads/big?uploadId=${uploadId}`, { method: "POST", body })));
    const texts = await Promise.all(done.map((d) => d.text()));
    expect(done.map((d) => d.status)).toEqual([200, 200]);
    expect(done[0].headers.get("x-amz-version-id")).toBe(done[1].headers.get("x-amz-version-id"));
    expect(/<ETag>[^<]+<\/ETag>/.exec(texts[0])![0]).toBe(/<ETag>[^<]+<\/ETag>/.exec(texts[1])![0]);
    const versions = await (await fetch(`${gw[0].url}/uploads?versions&prefix=big`)).text();
    expect(versions.match(/<Version>/g)?.length).toBe(1);
  }, 60_000);
});
