// Public read-only branches with auth on (AWS: "Canned ACL" public-read, GetBucketAcl / PutBucketAcl /
// GetObjectAcl API references): an owner opens a branch; anyone may then read and list it and its commit
// buckets without credentials, every write and every other branch stays denied, and the ACLs say so.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as path from "node:path";
import { CreateBucketCommand, GetBucketAclCommand, GetObjectAclCommand, PutBucketAclCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { run } from "../helpers/process.ts";
import { expectError } from "../s3/http.ts";
import { type AuthServer, withAuthServer } from "./helpers.ts";

let server: AuthServer;
const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
const sdk = (token: string) =>
  new S3Client({ endpoint: server.url, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: token, secretAccessKey: token } });
const anonymous = (p: string, init: RequestInit = {}) => fetch(`${server.url}${p}`, init);
let version = "";

beforeAll(async () => {
  server = await withAuthServer("pics");
  const admin = sdk(server.tokens.admin);
  await admin.send(new CreateBucketCommand({ Bucket: "pics" }));
  await admin.send(new CreateBucketCommand({ Bucket: "dev.pics" }));
  const owner = sdk(server.tokens.owner);
  version = (await owner.send(new PutObjectCommand({ Bucket: "pics", Key: "cat.jpg", Body: "meow" }))).VersionId!;
  await owner.send(new PutObjectCommand({ Bucket: "dev.pics", Key: "draft.jpg", Body: "wip" }));
});
afterAll(() => server.stop());

describe("a private branch", () => {
  test("anonymous reads are denied; GetBucketAcl shows only the owner", async () => {
    await expectError(await anonymous("/pics/cat.jpg"), 403, "AccessDenied");
    const acl = await sdk(server.tokens.reader).send(new GetBucketAclCommand({ Bucket: "pics" }));
    expect(acl.Grants).toEqual([{ Grantee: { Type: "CanonicalUser", ID: "strata", DisplayName: "strata" }, Permission: "FULL_CONTROL" }]);
  });

  test("only an owner may make it public", async () => {
    for (const role of ["reader", "writer"]) {
      const err = await sdk(server.tokens[role]).send(new PutBucketAclCommand({ Bucket: "pics", ACL: "public-read" })).catch((e) => e);
      expect([role, err.name]).toEqual([role, "AccessDenied"]);
    }
    const err = await sdk(server.tokens.owner).send(new PutBucketAclCommand({ Bucket: "pics", ACL: "public-read-write" })).catch((e) => e);
    expect(err.$metadata.httpStatusCode).toBe(501);
  });
});

describe("a public branch (PutBucketAcl public-read by its owner)", () => {
  beforeAll(async () => {
    await sdk(server.tokens.owner).send(new PutBucketAclCommand({ Bucket: "pics", ACL: "public-read" }));
  });

  test("anonymous GET, HEAD, listings, versions and commit buckets work", async () => {
    const get = await anonymous("/pics/cat.jpg");
    expect([get.status, await get.text()]).toEqual([200, "meow"]);
    expect((await anonymous("/master.pics/cat.jpg", { method: "HEAD" })).status).toBe(200);
    expect(await (await anonymous("/pics?list-type=2")).text()).toContain("<Key>cat.jpg</Key>");
    expect(await (await anonymous("/pics?versions")).text()).toContain(`<VersionId>${version}</VersionId>`);
    expect((await anonymous(`/pics/cat.jpg?versionId=${version}`)).status).toBe(200);
    expect(await (await anonymous(`/${version}.master.pics/cat.jpg`)).text()).toBe("meow");
    expect(await (await anonymous(`/${version}.pics/cat.jpg`)).text()).toBe("meow");
    expect((await anonymous("/pics", { method: "HEAD" })).status).toBe(200);
    const attrs = await anonymous("/pics/cat.jpg?attributes", { headers: { "x-amz-object-attributes": "ObjectSize" } });
    expect(await attrs.text()).toContain("<ObjectSize>4</ObjectSize>");
  });

  test("the aws CLI lists and copies it with --no-sign-request", async () => {
    const env = { ...process.env, AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: "/dev/null", AWS_DEFAULT_REGION: "us-east-1" } as Record<string, string>;
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    const ls = await run("aws", ["--endpoint-url", server.url, "--no-sign-request", "s3", "ls", "s3://pics/"], { env });
    expect([ls.code, ls.stdout]).toEqual([0, expect.stringContaining("cat.jpg")]);
    const cp = await run("aws", ["--endpoint-url", server.url, "--no-sign-request", "s3", "cp", "s3://pics/cat.jpg", "-"], { env });
    expect([cp.code, cp.stdout]).toEqual([0, "meow"]);
    const put = await run("aws", ["--endpoint-url", server.url, "--no-sign-request", "s3", "cp", "-", "s3://pics/evil.txt"], { env, input: "evil" });
    expect(put.code).not.toBe(0);
    expect(put.stderr).toContain("AccessDenied");
  }, 60_000); // three aws CLI starts: seconds each on a loaded machine

  test("every anonymous write is denied and stores nothing", async () => {
    const form = new FormData();
    form.append("key", "evil.txt");
    form.append("file", new Blob(["evil"]), "evil.txt");
    const writes: [string, RequestInit][] = [
      ["/pics/evil.txt", { method: "PUT", body: "evil" }],
      ["/pics/cat.jpg", { method: "DELETE" }],
      ["/pics?delete", { method: "POST", body: "<Delete><Object><Key>cat.jpg</Key></Object></Delete>" }],
      ["/pics/evil.txt?uploads", { method: "POST" }],
      ["/pics", { method: "POST", body: form }],
      ["/pics?acl", { method: "PUT", headers: { "x-amz-acl": "private" } }],
      ["/pics?cors", { method: "PUT", body: "<CORSConfiguration/>" }],
      ["/pics", { method: "DELETE" }],
    ];
    for (const [p, init] of writes) {
      const res = await anonymous(p, init);
      expect([init.method, p, res.status]).toEqual([init.method, p, 403]);
    }
    await expectError(await anonymous("/pics?uploads"), 403, "AccessDenied"); // not a read of objects
    await expectError(await anonymous("/pics?acl"), 403, "AccessDenied"); // READ does not include READ_ACP
    expect((await anonymous("/pics/evil.txt")).status).toBe(404);
    expect(await (await anonymous("/pics/cat.jpg")).text()).toBe("meow");
  });

  test("other branches stay private, and the service list too", async () => {
    await expectError(await anonymous("/dev.pics/draft.jpg"), 403, "AccessDenied");
    await expectError(await anonymous("/dev.pics?list-type=2"), 403, "AccessDenied");
    await expectError(await anonymous("/"), 403, "AccessDenied");
  });

  test("GetBucketAcl and GetObjectAcl answer owner FULL_CONTROL plus AllUsers READ", async () => {
    const reader = sdk(server.tokens.reader);
    const bucket = await reader.send(new GetBucketAclCommand({ Bucket: "pics" }));
    expect(bucket.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.ID ?? g.Grantee?.URI, g.Permission])).toEqual([
      ["CanonicalUser", "strata", "FULL_CONTROL"],
      ["Group", ALL_USERS, "READ"],
    ]);
    const object = await reader.send(new GetObjectAclCommand({ Bucket: "pics", Key: "cat.jpg" }));
    expect(object.Grants).toHaveLength(2);
    expect(object.Owner?.ID).toBe("strata");
    const dev = await reader.send(new GetBucketAclCommand({ Bucket: "dev.pics" }));
    expect(dev.Grants).toHaveLength(1);
  });
});

describe("strata branch public <branch.repo> on|off (admin API), and CreateBucket x-amz-acl", () => {
  const strata = (args: string[]) =>
    run(process.execPath, [path.resolve(import.meta.dir, "../../src/main.ts"), ...args, "--server", server.url], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: server.tokens.admin, AWS_SECRET_ACCESS_KEY: server.tokens.admin },
    });

  test("on opens a branch to anonymous reads, off closes it again", async () => {
    const on = await strata(["branch", "public", "dev.pics", "on"]);
    expect([on.code, on.stdout]).toEqual([0, expect.stringContaining("dev.pics is public")]);
    expect(await (await anonymous("/dev.pics/draft.jpg")).text()).toBe("wip");
    const off = await strata(["branch", "public", "dev.pics", "off", "--json"]);
    expect([off.code, JSON.parse(off.stdout)]).toEqual([0, { ref: "dev.pics", public: false }]);
    await expectError(await anonymous("/dev.pics/draft.jpg"), 403, "AccessDenied");
    const bad = await strata(["branch", "public", "dev.pics", "maybe"]);
    expect(bad.code).toBe(2);
    const missing = await strata(["branch", "public", "nope.pics", "on"]);
    expect(missing.code).toBe(3);
  }, 30_000);

  test("CreateBucket with x-amz-acl: public-read makes a public branch", async () => {
    await sdk(server.tokens.owner).send(new CreateBucketCommand({ Bucket: "shared.pics", ACL: "public-read" }));
    expect((await anonymous("/shared.pics?list-type=2")).status).toBe(200);
    await expectError(await anonymous("/shared.pics/x", { method: "PUT", body: "x" }), 403, "AccessDenied");
  });
});
