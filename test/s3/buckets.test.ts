// Service and bucket operations, bucket naming, addressing (path and virtual host), unsupported sub-resources.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { request } from "node:http";
import { withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";
import { emptyBucket, expectError, http, list, type S3Http } from "./http.ts";

let server: StrataServer;
let s3: S3Http;

beforeAll(async () => {
  server = await withServer();
  s3 = http(server);
});
afterAll(() => server.stop());

const bucketNames = async () => list((await s3.xml("/")).doc.ListAllMyBucketsResult.Buckets?.Bucket).map((b: any) => b.Name as string);

describe("CreateBucket, DeleteBucket, HeadBucket, ListBuckets", () => {
  test("a repo bucket is branch master; branch.repo adds a branch", async () => {
    const res = await s3.call("/photos", { method: "PUT", headers: { "x-amz-acl": "private" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("location")).toBe("/photos");
    expect((await s3.call("/dev.photos", { method: "PUT" })).status).toBe(200);
    expect(await bucketNames()).toEqual(["dev.photos", "master.photos"]);
    const { doc } = await s3.xml("/");
    const b = list(doc.ListAllMyBucketsResult.Buckets.Bucket)[0];
    expect(b.CreationDate).toMatch(/Z$/);
    expect(doc.ListAllMyBucketsResult.Owner.ID).toBe("strata");
  });

  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html (BucketAlreadyOwnedByYou): in us-east-1
  // re-creating a bucket you own is 200 OK and resets its ACL; in every other region it is 409.
  test("re-creating a bucket you own in us-east-1: 200 OK under either name, its ACL reset to the request's", async () => {
    const isPublic = async () => (await s3.xml("/photos?acl")).doc.AccessControlPolicy.AccessControlList.Grant.length === 2;
    expect((await s3.call("/photos", { method: "PUT", headers: { "x-amz-acl": "public-read" } })).status).toBe(200);
    expect(await isPublic()).toBe(true);
    const again = await s3.call("/master.photos", { method: "PUT" });
    expect([again.status, again.headers.get("location")]).toEqual([200, "/master.photos"]);
    expect(await isPublic()).toBe(false);
  });

  test("re-creating a bucket you own in another region: 409 BucketAlreadyOwnedByYou, under either name", async () => {
    const elsewhere = await withServer({ region: "eu-west-1" });
    try {
      const there = http(elsewhere);
      expect((await there.call("/photos", { method: "PUT" })).status).toBe(200);
      await expectError(await there.call("/photos", { method: "PUT" }), 409, "BucketAlreadyOwnedByYou");
      await expectError(await there.call("/master.photos", { method: "PUT" }), 409, "BucketAlreadyOwnedByYou");
    } finally {
      await elsewhere.stop();
    }
  });

  test("a CreateBucketConfiguration body is accepted; other canned ACLs are not", async () => {
    const body = "<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>";
    expect((await s3.call("/withconfig", { method: "PUT", body })).status).toBe(200);
    await expectError(await s3.call("/publicbucket", { method: "PUT", headers: { "x-amz-acl": "public-read-write" } }), 501, "NotImplemented");
    expect(await bucketNames()).not.toContain("master.publicbucket");
  });

  test("names S3 forbids are refused with InvalidBucketName and create nothing", async () => {
    const before = await bucketNames();
    // AWS's rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), then the ref grammar's.
    const reserved = ["xn--abc", "sthree-abc", "amzn-s3-demo-abc", "abc-s3alias", "abc--ol-s3", "dev.mrap", "abc--x-s3", "abc--table-s3"];
    for (const name of ["foo_bar", "UpperCase", "ab", "a".repeat(64), "a..b", "192.168.1.1", "-abc", "abc-", ...reserved, "a.-b", "x.y.z.w", "ab.c_d"]) {
      const text = await expectError(await s3.call(`/${name}`, { method: "PUT" }), 400, "InvalidBucketName");
      expect(text).toContain("The specified bucket is not valid");
    }
    // A 63-character name with dots and dashes is fine (branch-name.repo-name).
    const long = `${"b".repeat(30)}.${"r-".repeat(15)}rr`;
    expect(long.length).toBe(63);
    expect((await s3.call(`/${long}`, { method: "PUT" })).status).toBe(200);
    expect(await bucketNames()).toEqual([...before, long].sort());
    expect((await s3.call(`/${long}`, { method: "DELETE" })).status).toBe(204);
  });

  test("HeadBucket: 200 with the region, 404 without a body, 400 for a bad name", async () => {
    const ok = await s3.call("/photos", { method: "HEAD" });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-amz-bucket-region")).toBe("us-east-1");
    const missing = await s3.call("/nothere", { method: "HEAD" });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("");
    expect((await s3.call("/not_valid", { method: "HEAD" })).status).toBe(400);
  });

  test("DeleteBucket: 409 BucketNotEmpty while a version would be lost, 204 once every version is deleted by id; the repo goes with its last branch", async () => {
    const written = (await s3.put("/dev.photos/x", "x")).headers.get("x-amz-version-id");
    const live = await expectError(await s3.call("/dev.photos", { method: "DELETE" }), 409, "BucketNotEmpty");
    expect(live).toContain(`(key &quot;x&quot; version ${written})`);
    const deleted = await s3.call("/dev.photos/x", { method: "DELETE" });
    expect(deleted.status).toBe(204);
    // A delete marker hides x, but its version is still there to read: the bucket is not empty (AWS's DeleteBucket).
    // The message names the marker as one (what `aws s3 rb --force` leaves behind), not as a bare "version".
    const text = await expectError(await s3.call("/dev.photos", { method: "DELETE" }), 409, "BucketNotEmpty");
    expect(text).toContain(`(key &quot;x&quot; delete marker ${deleted.headers.get("x-amz-version-id")}: delete markers are versions too`);
    expect(text).toContain("strata repo delete photos --force");
    expect(await emptyBucket(s3, "dev.photos")).toBe(2);
    expect((await s3.call("/dev.photos", { method: "DELETE" })).status).toBe(204);
    expect((await s3.call("/photos", { method: "DELETE" })).status).toBe(204);
    expect(await bucketNames()).not.toContain("master.photos");
    await expectError(await s3.call("/photos", { method: "DELETE" }), 404, "NoSuchBucket");
  });

  test("ListBuckets pages with max-buckets and continuation-token, and filters by prefix", async () => {
    for (const b of ["aaa", "bbb", "ccc"]) await s3.put(`/${b}`, "");
    const first = (await s3.xml("/?max-buckets=2")).doc.ListAllMyBucketsResult;
    expect(list(first.Buckets.Bucket).map((b: any) => b.Name)).toEqual(["master.aaa", "master.bbb"]);
    const next = (await s3.xml(`/?max-buckets=2&continuation-token=${first.ContinuationToken}`)).doc.ListAllMyBucketsResult;
    expect(list(next.Buckets.Bucket).map((b: any) => b.Name)[0]).toBe("master.ccc");
    expect(list((await s3.xml("/?prefix=master.b")).doc.ListAllMyBucketsResult.Buckets.Bucket).map((b: any) => b.Name)).toEqual(["master.bbb"]);
    await expectError(await s3.call("/?max-buckets=0"), 400, "InvalidArgument");
  });

  test("GetBucketLocation: empty for us-east-1", async () => {
    const { text } = await s3.xml("/aaa?location");
    expect(text).toContain('<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>');
    await expectError(await s3.call("/nothere?location"), 404, "NoSuchBucket");
  });
});

describe("addressing", () => {
  const viaHost = (host: string, path: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${server.port}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), host } });

  test("virtual-host style: Host: branch.repo.localhost:PORT", async () => {
    await s3.put("/vhost", "");
    const put = await viaHost(`master.vhost.localhost:${server.port}`, "/dir/a%20b.txt", { method: "PUT", body: "hello" });
    expect(put.status).toBe(200);
    expect(await (await s3.call("/vhost/dir/a%20b.txt")).text()).toBe("hello");
    const got = await viaHost(`master.vhost.localhost:${server.port}`, "/dir/a%20b.txt");
    expect(await got.text()).toBe("hello");
    const listing = await (await viaHost(`vhost.localhost:${server.port}`, "/?list-type=2")).text();
    expect(listing).toContain("<Key>dir/a b.txt</Key>");
    const commit = put.headers.get("x-amz-version-id");
    expect(await (await viaHost(`${commit}.master.vhost.localhost`, "/dir/a%20b.txt")).text()).toBe("hello");
    // A key that starts with a slash: the whole path after the host's first slash.
    // (Bun's fetch folds a leading "//" of the path, so this request goes out through node:http.)
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: server.port, method: "PUT", path: "//lead", headers: { host: `vhost.localhost:${server.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", reject);
      req.end("l");
    });
    expect(status).toBe(200);
    expect(await (await s3.call("/vhost//lead")).text()).toBe("l");
    // Plain localhost and IP addresses are path style.
    expect((await viaHost(`localhost:${server.port}`, "/vhost/dir/a%20b.txt")).status).toBe(200);
    const missing = await viaHost(`nothere.localhost:${server.port}`, "/key");
    await expectError(missing, 404, "NoSuchBucket");
  });

  test("bad percent-encoding is InvalidURI", async () => {
    await expectError(await s3.call("/vhost/%E0%A4%A"), 400, "InvalidURI");
  });

  test("unsupported sub-resources answer 501 and change nothing", async () => {
    await s3.put("/vhost/obj", "o");
    for (const sub of ["policy", "lifecycle", "website", "encryption", "object-lock", "replication", "logging", "notification"]) {
      for (const method of ["GET", "PUT", "DELETE"]) {
        const text = await expectError(await s3.call(`/vhost?${sub}`, { method, body: method === "PUT" ? "<x/>" : undefined }), 501, "NotImplemented");
        expect(text).toContain("This functionality is not implemented");
      }
    }
    for (const sub of ["retention", "legal-hold", "torrent"]) {
      await expectError(await s3.call(`/vhost/obj?${sub}`, { method: "PUT", body: "<x/>" }), 501, "NotImplemented");
      await expectError(await s3.call(`/vhost/obj?${sub}`), 501, "NotImplemented");
    }
    expect(await (await s3.call("/vhost/obj")).text()).toBe("o");
    expect((await s3.call("/vhost")).status).toBe(200);
  });

  test("methods with no operation: 405", async () => {
    await expectError(await s3.call("/", { method: "PUT" }), 405, "MethodNotAllowed");
    await expectError(await s3.call("/vhost/obj", { method: "POST" }), 405, "MethodNotAllowed");
    // served sub-resources, used with a method they do not have, are not mistaken for plain operations
    await expectError(await s3.call("/vhost?acl", { method: "DELETE" }), 405, "MethodNotAllowed");
    await expectError(await s3.call("/vhost/obj?cors", { method: "PUT", body: "x" }), 405, "MethodNotAllowed");
    await expectError(await s3.call("/vhost/obj?attributes", { method: "DELETE" }), 405, "MethodNotAllowed");
    expect((await s3.call("/vhost")).status).toBe(200);
  });

  test("every answer carries x-amz-request-id; errors echo it in the body", async () => {
    const res = await s3.call("/vhost/missing");
    const id = res.headers.get("x-amz-request-id")!;
    expect(id).toMatch(/^[0-9A-F]{16}$/);
    expect(await res.text()).toContain(`<RequestId>${id}</RequestId>`);
    expect(res.headers.get("content-type")).toBe("application/xml");
  });
});

describe("bucket views stay current", () => {
  test("reads right after each write see it: overwrite, delete, branch deleted and created again", async () => {
    expect((await s3.call("/fresh", { method: "PUT" })).status).toBe(200);
    for (const body of ["one", "two", "three"]) {
      expect((await s3.put("/fresh/k", body)).status).toBe(200);
      expect(await (await s3.call("/fresh/k")).text()).toBe(body);
    }
    expect((await s3.call("/fresh/k", { method: "DELETE" })).status).toBe(204);
    await expectError(await s3.call("/fresh/k"), 404, "NoSuchKey");
    await emptyBucket(s3, "fresh");
    expect((await s3.call("/fresh", { method: "DELETE" })).status).toBe(204);
    await expectError(await s3.call("/fresh/k"), 404, "NoSuchBucket");
    expect((await s3.call("/fresh", { method: "PUT" })).status).toBe(200);
    await expectError(await s3.call("/fresh/k"), 404, "NoSuchKey");
    expect((await s3.put("/fresh/k", "again")).status).toBe(200);
    expect(await (await s3.call("/fresh/k")).text()).toBe("again");
  });
});
