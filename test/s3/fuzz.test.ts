// A property-based fuzzer of the request path: a real server (its own process, auth off and on) holds objects
// stored first (small, multipart, odd keys, versions); then random requests go at it over raw TCP for a bounded
// time, and the properties below must hold throughout. STRATA_FUZZ_SECONDS sets the time (default 20, shared by
// both variants), STRATA_FUZZ_SEED replays a run (the seed is printed), STRATA_FUZZ_WORKERS the connections at once.
//
// Properties: every answer is well-framed HTTP/1.x; a 5xx is only a well-formed ServiceUnavailable, SlowDown or
// NotImplemented error (and InternalError, which fails the run too: random input is the client's fault); no error
// body is HTML or carries a stack or source text; every owed answer comes; the server never crashes nor stops
// answering (health check between batches); its memory stays bounded; every object stored before the run reads
// back byte-identical after it, and again after a restart on the same data dir.
import { afterAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type ChildProcess } from "node:child_process";
import { freePort, type ServerProcess, startServerProcess } from "../helpers/process.ts";
import { tempDir } from "../helpers/server.ts";
import { prepareAuth } from "./fuzz/setup.ts";
import { type Answer, exchange, type WireCase } from "./fuzz/wire.ts";
import { RequestGen, Rng, type World } from "./fuzz/requests.ts";
import { type Sealed, sealObjects, unsealedProblems } from "./fuzz/objects.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SECONDS = Number(process.env.STRATA_FUZZ_SECONDS ?? 20);
const SEED = process.env.STRATA_FUZZ_SEED ? Number(process.env.STRATA_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const WORKERS = Number(process.env.STRATA_FUZZ_WORKERS ?? 4);
/** Generous: the server holds a few MiB of bodies at a time; a leak of every request's body would pass it fast. */
const MAX_RSS_MB = 1024;
/** Failures reported at most (each with the bytes that caused it): the first few say what is wrong. */
const MAX_FAILURES = 8;

console.log(`fuzz: seed ${SEED} (STRATA_FUZZ_SEED=${SEED} replays it), ${SECONDS} s, ${WORKERS} connections at once`);

const dirs: string[] = [];
const running: ServerProcess[] = [];
afterAll(async () => {
  for (const s of running.splice(0)) await stopServer(s);
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function startServer(dataDir: string, port: number, auth: boolean): Promise<ServerProcess> {
  const bun = path.join(ROOT, "node_modules/.bin/bun");
  const args = [path.join(ROOT, "src/main.ts"), "serve", "--port", String(port), "--bind", "127.0.0.1", "--data-dir", dataDir, "--quiet", ...(auth ? ["--auth"] : [])];
  const server = await startServerProcess(bun, args, { port, env: { PATH: process.env.PATH!, HOME: process.env.HOME! } });
  running.push(server);
  return server;
}

async function stopServer(server: ServerProcess): Promise<void> {
  running.splice(running.indexOf(server), 1);
  if (server.proc.exitCode === null && server.proc.signalCode === null) server.proc.kill("SIGTERM");
  await server.exited;
}

function rssMb(proc: ChildProcess): number {
  const status = fs.readFileSync(`/proc/${proc.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** What is wrong with one answer, by the properties above. */
function answerProblems(a: Answer, method = ""): string[] {
  const problems: string[] = [];
  const text = a.body.toString("latin1");
  const type = a.headers.get("content-type") ?? "";
  if (a.status >= 500) {
    // a HEAD's answer has no body: S3's carry the code in a header, the admin API's only the status
    const headCode = a.headers.get("x-amz-error-code") ?? (a.status === 501 ? "NotImplemented" : a.status === 503 ? "ServiceUnavailable" : undefined);
    const bodyCode = (/^<\?xml[^>]*>\s*<Error><Code>(\w+)<\/Code>/.exec(text) ?? /^\{"error":\{"code":"(\w+)"/.exec(text))?.[1];
    const code = method.startsWith("HEAD") && a.body.length === 0 ? headCode : bodyCode;
    if (!code || !["ServiceUnavailable", "SlowDown", "NotImplemented"].includes(code)) problems.push(`${a.status} ${code ?? "without an S3 error body"}`);
  }
  if (a.status >= 400) {
    if (/<html|<!doctype html/i.test(text) || type.includes("text/html")) problems.push(`${a.status} answered with HTML`);
    if (/\bat [\w.$<>]+ \(|\.(ts|js|tsx):\d+(:\d+)?|node_modules|\b(TypeError|RangeError|ReferenceError): /.test(text)) problems.push(`${a.status} has a stack or source text`);
  }
  return problems;
}

/** Writes a failing case's bytes to a file (for replaying by hand: `cat FILE > /dev/tcp/127.0.0.1/PORT`); its path. */
const keep = (c: WireCase, name: string): string => {
  const file = path.join(os.tmpdir(), `strata-fuzz-${SEED}-${name}.bin`);
  fs.writeFileSync(file, Buffer.concat(c.pieces));
  return file;
};

/** A case as text a person can read and replay: its bytes, cut short when long. */
const show = (c: WireCase): string => {
  const all = Buffer.concat(c.pieces).toString("latin1");
  const head = Math.max(1200, all.indexOf("\r\n\r\n") + 4);
  return JSON.stringify(all.length > head + 300 ? `${all.slice(0, head + 100)}…(${all.length} bytes)…${all.slice(-200)}` : all);
};

for (const auth of [false, true]) {
  describe(`fuzzing the request path, auth ${auth ? "on" : "off"}`, () => {
    test("no 5xx but well-formed errors, no stack, no crash, bounded memory, stored objects intact (also after a restart)", async () => {
      const dataDir = tempDir("strata-fuzz-");
      dirs.push(dataDir);
      const port = await freePort();
      const tokens = auth ? await prepareAuth(dataDir, { sealed: "sealed", writable: "fuzz" }) : { admin: "admin-key", fuzzer: "fuzz-key" };
      let server = await startServer(dataDir, port, auth);
      const sealed: Sealed = await sealObjects(port, "sealed", "fuzz", tokens.admin);
      const world: World = {
        port,
        sealed: ["sealed"],
        writable: ["fuzz", "fuzz2"],
        keys: sealed.objects.map((o) => o.key),
        versionIds: sealed.versionIds,
        uploadIds: sealed.uploadIds,
        etags: sealed.etags,
        accessKey: tokens.fuzzer,
        protectSealed: !auth,
      };

      const failures: string[] = [];
      const fail = (what: string) => failures.length < MAX_FAILURES && failures.push(what);
      const deadline = performance.now() + (SECONDS * 1000) / 2;
      let cases = 0;
      let answers = 0;
      const outcomes = new Map<string, number>();
      const recent: { worker: number; n: number; started: number; ended: number; c: WireCase }[] = [];
      const worker = async (index: number) => {
        const gen = new RequestGen(new Rng(SEED + index + (auth ? 1000 : 0)), world);
        for (let n = 0; performance.now() < deadline && failures.length < MAX_FAILURES; n++) {
          const c = gen.connection();
          const started = performance.now();
          const out = await exchange(port, c);
          recent.push({ worker: index, n, started, ended: performance.now(), c });
          if (recent.length > 64) recent.shift();
          cases++;
          answers += out.answers.length;
          for (const a of out.answers) {
            const what = `${a.status} ${/<Code>(\w+)<\/Code>/.exec(a.body.toString("latin1"))?.[1] ?? a.headers.get("x-amz-error-code") ?? ""}`.trim();
            outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
          }
          const problems = [...out.problems, ...out.answers.flatMap((a, i) => answerProblems(a, c.methods[i]).map((p) => `answer ${i + 1}: ${p}: ${JSON.stringify(a.body.toString("latin1").slice(0, 400))}`))];
          if (problems.length) {
            // what other connections sent meanwhile: a failure may be theirs
            const meanwhile = recent.filter((o) => o.worker !== index && o.ended >= started).map((o) => `  worker ${o.worker} case ${o.n} sent: ${show(o.c).slice(0, 300)}`);
            fail(`worker ${index} case ${n}: ${problems.join("; ")}\n  sent (${keep(c, `w${index}-c${n}`)}): ${show(c)}${meanwhile.length ? `\n  meanwhile:\n${meanwhile.join("\n")}` : ""}`);
          }
          if (server.proc.exitCode !== null || server.proc.signalCode !== null) {
            fail(`the server died (${server.proc.exitCode ?? server.proc.signalCode}) after worker ${index} case ${n}: ${show(c)}\n${server.stderr().slice(-3000)}`);
            return;
          }
        }
      };
      const health = async () => {
        while (performance.now() < deadline && failures.length < MAX_FAILURES) {
          await new Promise((r) => setTimeout(r, 1000));
          const ok = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.ok, () => false);
          if (!ok) fail("the server stopped answering /healthz");
        }
      };
      await Promise.all([...Array.from({ length: WORKERS }, (_, i) => worker(i)), health()]);
      const common = [...outcomes].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([what, n]) => `${what}: ${n}`).join(", ");
      console.log(`fuzz (auth ${auth ? "on" : "off"}): ${cases} connections, ${answers} answers, RSS ${rssMb(server.proc).toFixed(0)} MB\n  ${common}`);

      // Every unexpected exception is logged with its stack: each one is a request the server did not foresee.
      const internal = server.stderr().split("\n").filter((l) => /internal error/.test(l));
      if (internal.length) fail(`the server logged ${internal.length} internal errors:\n${server.stderr().slice(0, 4000)}`);
      if (server.proc.exitCode === null) {
        const rss = rssMb(server.proc);
        if (rss > MAX_RSS_MB) fail(`RSS ${rss.toFixed(0)} MB after the run`);
        failures.push(...(await unsealedProblems(port, sealed, tokens.admin)).map((p) => `after the run: ${p}`));
        await stopServer(server);
        server = await startServer(dataDir, port, auth);
        failures.push(...(await unsealedProblems(port, sealed, tokens.admin)).map((p) => `after a restart: ${p}`));
        await stopServer(server);
      }
      if (failures.length) failures.push(`the server's stderr:\n${server.stderr().slice(-4000)}`);
      expect(failures.join("\n\n") || "no failures", `seed ${SEED}`).toBe("no failures");
    }, SECONDS * 1000 + 120_000);
  });
}
