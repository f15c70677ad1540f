// `npm run bench:hono-mount`: what serving S3 from inside the one Hono server app (server-app.ts: the S3
// endpoint as its catch-all route, behind the Host check and the health, metrics, console and admin routes)
// costs per small GET against serving the same S3 endpoint directly as the fetch handler. Two server processes
// built from the same sources and the same data dir contents, one of each; rounds alternate between them, each
// round 32 lean clients GETting 4 KiB objects, and server CPU (/proc user + system, all threads) is divided by
// the GETs answered. Prints the median µs per GET of each and the difference.
//
//   bun scripts/bench/hono-mount.ts [--rounds 7] [--ops 10000]
//   (child)  bun scripts/bench/hono-mount.ts --serve app|direct --port P --data-dir D
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { RepoService } from "../../src/repo/service.ts";
import { serve } from "../../src/runtime/serve.ts";
import { createS3Endpoint, internalErrorResponse } from "../../src/s3/app.ts";
import { ANY_CREDENTIALS } from "../../src/s3/auth/types.ts";
import { parseBucket } from "../../src/s3/buckets.ts";
import { DEFAULT_S3_CONFIG } from "../../src/s3/context.ts";
import { createServerApp } from "../../src/server-app.ts";
import { LocalStore } from "../../src/store/store.ts";
import { PhaseCpu } from "./cpu.ts";
import { freePort, launch, type Launched, timeToFirstAnswer } from "./launch.ts";
import { runPhase } from "./loadgen.ts";
import { S3Endpoint } from "./s3-client.ts";
import { LeanS3Client } from "./s3-lean-client.ts";
import { SigV4Signer } from "./sigv4.ts";
import { REPO_ROOT } from "./targets.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    serve: { type: "string" },
    port: { type: "string" },
    "data-dir": { type: "string" },
    rounds: { type: "string", default: "7" },
    ops: { type: "string", default: "10000" },
  },
});

const VARIANTS = ["direct", "app"] as const;
type Variant = (typeof VARIANTS)[number];

if (values.serve) {
  // The child: the S3 endpoint as `strata serve` builds it with auth off and --quiet, served either way.
  const repo = new RepoService(LocalStore.open(values["data-dir"]!));
  const domains = ["localhost"];
  const s3 = createS3Endpoint({ repo, config: DEFAULT_S3_CONFIG, buckets: { resolve: parseBucket, managesBuckets: true } }, { domains, auth: ANY_CREDENTIALS });
  const fetch = values.serve === "app" ? createServerApp({ s3, domains }).fetch : s3;
  await serve({ port: Number(values.port), hostname: "127.0.0.1", fetch, onError: internalErrorResponse });
} else {
  await measure(Number(values.rounds), Number(values.ops));
}

async function measure(rounds: number, ops: number): Promise<void> {
  const workRoot = join(REPO_ROOT, ".bench");
  mkdirSync(workRoot, { recursive: true });
  const workDir = mkdtempSync(join(workRoot, "hono-mount-"));
  const servers = new Map<Variant, { server: Launched; url: string }>();
  const objects = 512;
  const body = new Uint8Array(4096).fill(7);
  try {
    for (const variant of VARIANTS) {
      const port = await freePort();
      const server = launch([process.execPath, import.meta.filename, "--serve", variant, "--port", String(port), "--data-dir", join(workDir, variant)], {
        logPath: join(workDir, `${variant}.log`),
      });
      const url = `http://127.0.0.1:${port}`;
      await timeToFirstAnswer(server, `${url}/`);
      servers.set(variant, { server, url });
      const signer = new SigV4Signer();
      await new S3Endpoint(url, signer).createBucket("bench");
      const lean = new LeanS3Client(url, signer);
      await runPhase({ concurrency: 32, maxOps: objects, seconds: 60 }, async (i, c) => {
        await lean.put("bench", `k${i}`, body, c);
        return body.length;
      });
      lean.close();
    }
    const perGet: Record<Variant, number[]> = { direct: [], app: [] };
    for (let round = 0; round <= rounds; round++) {
      for (const variant of round % 2 ? [...VARIANTS].reverse() : VARIANTS) {
        const { server, url } = servers.get(variant)!;
        const lean = new LeanS3Client(url, new SigV4Signer());
        const cpu = new PhaseCpu(server.pid);
        cpu.mark("get");
        const r = await runPhase({ concurrency: 32, maxOps: ops, seconds: 30 }, (i, c) => lean.getSmall("bench", `k${i % objects}`, c));
        cpu.stop();
        lean.close();
        if (r.errors > 0) throw new Error(`${variant}: ${r.errors} failed GETs (${r.firstError})`);
        // Round 0 warms both servers up (JIT, caches, connections) and is not counted.
        if (round > 0) perGet[variant].push(cpu.microsByLabel.get / r.ops);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const direct = median(perGet.direct);
    const app = median(perGet.app);
    const show = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(", ");
    console.log(`server CPU per 4 KiB GET (32 clients, ${ops} GETs a round, ${rounds} rounds alternating):`);
    console.log(`  S3 endpoint served directly: median ${direct.toFixed(1)} µs  (${show(perGet.direct)})`);
    console.log(`  S3 inside the Hono app:      median ${app.toFixed(1)} µs  (${show(perGet.app)})`);
    console.log(`  the Hono app adds ${(app - direct).toFixed(1)} µs per GET (${(((app - direct) / direct) * 100).toFixed(1)}% of the direct cost)`);
  } finally {
    for (const { server } of servers.values()) await server.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}
