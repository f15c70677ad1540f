// Repos named like the server's own top-level paths (/healthz, /metrics) are refused at creation, on every path
// that creates one: S3 CreateBucket (signed, by the JS SDK) answers 400 InvalidBucketName, as AWS answers a name it
// won't take (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html), the admin API and the CLI
// InvalidName. And every path the server app routes at its top level is such a name, or no bucket name at all.
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as path from "node:path";
import { CreateBucketCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { createAdminApp } from "../../src/admin/api.ts";
import { createConsoleRoutes } from "../../src/admin/console/routes.ts";
import { ConsoleSessions } from "../../src/admin/console/sessions.ts";
import { MetricsHistory } from "../../src/admin/metrics-history.ts";
import { SERVER_PATHS } from "../../src/repo/ref-names.ts";
import { createServerApp } from "../../src/server-app.ts";
import type { StrataServer } from "../../src/server.ts";
import { openService } from "../helpers/repo.ts";
import { run } from "../helpers/process.ts";
import { withServer } from "../helpers/server.ts";

let server: StrataServer;
let s3: S3Client;
beforeAll(async () => {
  server = await withServer();
  s3 = new S3Client({ endpoint: server.url, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "x", secretAccessKey: "x" }, maxAttempts: 1 });
});
afterAll(async () => {
  s3.destroy();
  await server.stop();
});

test("every top-level path the server app routes is /_strata/… or a name no new repo may take", () => {
  const repo = openService();
  const app = createServerApp({
    s3: async () => new Response(null),
    admin: createAdminApp({ repo, limits: { etagMode: "sha256", maxObjectSize: 1 } }),
    console: createConsoleRoutes({ sessions: new ConsoleSessions(() => undefined), authOn: () => false, history: new MetricsHistory(() => ({ storedBytes: 0, logicalBytes: 0 })) }),
    metrics: () => "",
    domains: [],
  });
  const firstSegments = new Set(app.routes.map((r) => r.path.split("/")[1]));
  expect([...firstSegments].filter((s) => s !== "" && s !== "*" && s !== "_strata" && !Object.hasOwn(SERVER_PATHS, s))).toEqual([]);
  expect(Object.keys(SERVER_PATHS).every((name) => firstSegments.has(name))).toBe(true);
  void repo.close();
});

test("S3 CreateBucket of a server path's name (or a branch in such a new repo) is 400 InvalidBucketName", async () => {
  for (const bucket of ["metrics", "healthz", "dev.metrics"]) {
    const err = await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((e) => e);
    expect(err).toBeInstanceOf(S3ServiceException);
    expect([bucket, err.name, err.$metadata.httpStatusCode]).toEqual([bucket, "InvalidBucketName", 400]);
    expect(err.message).toContain("reserved");
  }
  // The admin API's prefix is no bucket name at all.
  const strata = await fetch(`${server.url}/_strata`, { method: "PUT" });
  expect(strata.status).toBe(400);
  expect(await strata.text()).toContain("<Code>InvalidBucketName</Code>");
  // The names are only refused: the server's own paths still answer, and ordinary repos are made as ever.
  expect(await (await fetch(`${server.url}/healthz`)).text()).toBe("ok\n");
  await s3.send(new CreateBucketCommand({ Bucket: "metrics-archive" }));
});

test("the admin API and the CLI refuse such a repo with InvalidName", async () => {
  const res = await fetch(`${server.url}/_strata/repos`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "metrics" }) });
  expect(res.status).toBe(400);
  const { error } = await res.json();
  expect(error.code).toBe("InvalidName");
  expect(error.message).toContain("/metrics is the server's own path");

  const cli = await run(process.execPath, [path.join(import.meta.dir, "../../src/main.ts"), "repo", "create", "healthz", "--server", server.url], { env: { PATH: process.env.PATH } });
  expect(cli.code).toBe(2);
  expect(cli.stderr).toContain("/healthz is the server's own path");
  const listed = await (await fetch(`${server.url}/_strata/repos`)).json();
  expect(JSON.stringify(listed)).not.toMatch(/"(metrics|healthz)"/);
});
