// The binary from `npm run build`, alone in an empty folder with a clean environment: serve, the web console,
// the aws CLI round trip, health/metrics/logs, --ephemeral, and SIGTERM during uploads losing no acknowledged write.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { aws, binaryInEmptyFolder, CLEAN_ENV, expectConsoleServed } from "./helpers.ts";
import { freePort, type ServerProcess, startServerProcess } from "../helpers/process.ts";

let dir: string;
let bin: string;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  ({ dir, bin } = await binaryInEmptyFolder());
}, 120_000);

afterAll(() => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
});

async function serve(args: string[], env: Record<string, string> = CLEAN_ENV): Promise<ServerProcess> {
  const port = await freePort();
  const server = await startServerProcess(bin, ["serve", "--port", String(port), "--bind", "127.0.0.1", ...args], { port, env, cwd: dir });
  servers.push(server);
  return server;
}

async function stop(server: ServerProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  server.proc.kill("SIGTERM");
  return server.exited;
}

test("serves from an empty folder with a clean environment; the aws CLI round-trips a file", async () => {
  const server = await serve(["--data-dir", "data", "--quiet"]);
  const file = path.join(dir, "hello.bin");
  const bytes = randomBytes(300_000);
  fs.writeFileSync(file, bytes);
  expect((await aws(server.url, ["s3", "mb", "s3://trip"])).code).toBe(0);
  expect((await aws(server.url, ["s3", "cp", file, "s3://trip/dir/hello.bin"])).code).toBe(0);
  const ls = await aws(server.url, ["s3", "ls", "--recursive", "s3://trip"]);
  expect(ls.stdout).toContain("dir/hello.bin");
  expect(ls.stdout).toContain("300000");
  const back = path.join(dir, "back.bin");
  expect((await aws(server.url, ["s3", "cp", "s3://trip/dir/hello.bin", back])).code).toBe(0);
  expect(Buffer.compare(fs.readFileSync(back), bytes)).toBe(0);
  expect(await stop(server)).toEqual({ code: 0, signal: null });
  expect(fs.existsSync(path.join(dir, "data", "FORMAT"))).toBe(true);
  expect(fs.existsSync(path.join(dir, "data", "LOCK"))).toBe(false);
}, 60_000);

test("the web console is in the binary: / sends a browser there, page and script served with their content types, nothing from elsewhere", async () => {
  const server = await serve(["--ephemeral", "--quiet"]);
  await expectConsoleServed(server.url);
  expect(await stop(server)).toEqual({ code: 0, signal: null });
}, 30_000);

test("--ephemeral serves at once and removes its data at exit", async () => {
  const tmp = path.join(dir, "tmp");
  fs.mkdirSync(tmp);
  const server = await serve(["--ephemeral", "--quiet"], { ...CLEAN_ENV, TMPDIR: tmp });
  console.log(`--ephemeral: /healthz answered ${server.readyMs.toFixed(0)} ms after spawn`);
  expect(fs.readdirSync(tmp).length).toBe(1);
  expect((await fetch(`${server.url}/eph`, { method: "PUT" })).status).toBe(200);
  expect(await stop(server)).toEqual({ code: 0, signal: null });
  expect(fs.readdirSync(tmp)).toEqual([]);
}, 30_000);

test("/healthz, /metrics and one JSON log line per request, without secrets", async () => {
  const server = await serve(["--ephemeral"], { ...CLEAN_ENV, STRATA_REGION: "eu-west-1" });
  expect(await (await fetch(`${server.url}/healthz`)).text()).toBe("ok\n");
  const secret = "sEcReT-kEy-NeVeR-lOgGeD";
  // Without --auth a key is its own secret: the signatures verify, and neither may reach the log.
  const env = { AWS_ACCESS_KEY_ID: secret, AWS_SECRET_ACCESS_KEY: secret };
  expect((await aws(server.url, ["s3", "mb", "s3://logs"], env)).code).toBe(0);
  const file = path.join(dir, "log.txt");
  fs.writeFileSync(file, "twelve bytes");
  expect((await aws(server.url, ["s3", "cp", file, "s3://logs/a/b.txt"], env)).code).toBe(0);
  expect((await aws(server.url, ["s3", "cp", "s3://logs/a/b.txt", "-"], env)).stdout).toBe("twelve bytes");
  // A bucket named like the metrics endpoint would be shadowed by it: the name is refused.
  const shadowed = await aws(server.url, ["s3", "mb", "s3://metrics"], env);
  expect(shadowed.code).not.toBe(0);
  expect(shadowed.stderr).toContain("InvalidBucketName");

  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  expect(metrics).toContain('strata_requests_total{operation="PutObject",status="200"} 1');
  expect(metrics).toContain('strata_requests_total{operation="CreateBucket",status="200"} 1');
  expect(metrics).toContain('strata_requests_total{operation="CreateBucket",status="400"} 1');
  expect(metrics).toMatch(/strata_request_duration_seconds_count\{operation="GetObject"\} [1-9]/);
  expect(metrics).toMatch(/strata_received_bytes_total (1[2-9]|[2-9]\d|\d{3,})/);
  expect(metrics).toMatch(/strata_store_bytes [1-9]/);
  expect(metrics).toContain("strata_chunks_deduplicated_total 0");
  expect(await (await fetch(`${server.url}/_strata/metrics`)).text()).toContain("strata_requests_total");

  // Storing the same bytes again writes no new chunk.
  expect((await aws(server.url, ["s3", "cp", file, "s3://logs/copy.txt"], env)).code).toBe(0);
  expect(await (await fetch(`${server.url}/metrics`)).text()).toContain("strata_chunks_deduplicated_total 1");

  expect(await stop(server)).toEqual({ code: 0, signal: null });
  const lines = server.stdout().trim().split("\n").map((l) => JSON.parse(l));
  const put = lines.find((l) => l.op === "PutObject" && l.key === "a/b.txt");
  expect(put).toMatchObject({ method: "PUT", bucket: "logs", status: 200, in: 12 });
  expect(put.id).toMatch(/^[0-9A-F]{16}$/);
  expect(typeof put.ms).toBe("number");
  expect(lines.find((l) => l.op === "GetObject")).toMatchObject({ status: 200, out: 12 });
  expect(server.stdout()).not.toContain(secret);
  expect(server.stdout().toLowerCase()).not.toContain("signature");
}, 60_000);

test("SIGTERM during uploads: exit 0 and every acknowledged write is there after restart", async () => {
  const server = await serve(["--data-dir", "sigterm-data", "--quiet"]);
  expect((await fetch(`${server.url}/load`, { method: "PUT" })).status).toBe(200);
  const acknowledged = new Map<string, string>();
  let stopped = false;
  let sigtermAt = 0;
  let inFlightAtSigterm = 0;
  let inFlight = 0;
  // Each upload trickles its body in pieces, so some are mid-request when SIGTERM lands.
  const upload = async (key: string) => {
    const body = randomBytes(256 * 1024);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (sent >= body.length) return c.close();
        await new Promise((r) => setTimeout(r, 15));
        c.enqueue(body.subarray(sent, (sent += 64 * 1024)));
      },
    });
    inFlight++;
    try {
      const res = await fetch(`${server.url}/load/${key}`, { method: "PUT", body: stream, duplex: "half", headers: { "content-length": String(body.length) } } as RequestInit);
      if (res.status === 200) acknowledged.set(key, createHash("sha256").update(body).digest("hex"));
    } catch {
      stopped = true; // refused or cut: not acknowledged, so it may be missing
    } finally {
      inFlight--;
    }
  };
  const workers = Array.from({ length: 8 }, async (_, w) => {
    for (let i = 0; !stopped && i < 1000; i++) await upload(`w${w}/k${i}`);
  });
  await new Promise((r) => setTimeout(r, 600));
  inFlightAtSigterm = inFlight;
  sigtermAt = acknowledged.size;
  server.proc.kill("SIGTERM");
  const exit = await server.exited;
  stopped = true;
  await Promise.all(workers);
  expect(exit).toEqual({ code: 0, signal: null });
  expect(inFlightAtSigterm).toBeGreaterThan(0);
  expect(acknowledged.size).toBeGreaterThan(sigtermAt); // requests in flight at SIGTERM were finished
  console.log(`SIGTERM: ${sigtermAt} acknowledged before, ${inFlightAtSigterm} in flight, ${acknowledged.size} acknowledged in all`);

  const again = await serve(["--data-dir", "sigterm-data", "--quiet"]);
  for (const [key, sha] of acknowledged) {
    const res = await fetch(`${again.url}/load/${key}`);
    expect(res.status).toBe(200);
    expect(createHash("sha256").update(new Uint8Array(await res.arrayBuffer())).digest("hex")).toBe(sha);
  }
  expect(await stop(again)).toEqual({ code: 0, signal: null });
}, 60_000);
