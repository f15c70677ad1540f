// ls, put and get: files and folders between this machine and a ref. Bytes go through the S3 API as streams
// (a file is never read whole into memory); a folder put is one commit.
import * as fs from "node:fs";
import * as path from "node:path";
import { branchRef, parseBranchRef, splitRefPath } from "../../repo/ref-names.ts";
import type { StrataClient } from "../client.ts";
import type { Command, CommandContext } from "../command.ts";
import { COMMIT_OPTIONS, commitDetails } from "../commit-options.ts";
import { contentTypeOf } from "../content-type.ts";
import { CliError, EXIT, usageError } from "../exit.ts";
import { emit, humanSize, shortTime } from "../output.ts";
import { Progress } from "../progress.ts";

interface ObjectJson {
  key: string;
  size: number;
  etag: string;
  commit: string;
  modified: string;
}

interface ListJson {
  objects: ObjectJson[];
  prefixes: string[];
  truncated: boolean;
  next?: string;
}

const CONCURRENCY = 4;

function contentTypeHeader(key: string): Record<string, string> {
  const type = contentTypeOf(key);
  return type ? { "content-type": type } : {};
}
const READ_SIZE = 1024 * 1024;

/** Every page of a listing, following the server's cursor. */
async function* listAll(client: StrataClient, ref: string, prefix: string, delimiter?: string): AsyncGenerator<ListJson> {
  let after: string | undefined;
  for (;;) {
    const page = await client.admin<ListJson>("GET", "objects", { query: { ref, prefix, delimiter, after } });
    yield page;
    if (!page.truncated) return;
    after = page.next;
  }
}

/** A file as a stream of 1 MiB reads, reporting each read. */
function fileStream(file: string, onRead: (n: number) => void): ReadableStream<Uint8Array> {
  let handle: fs.promises.FileHandle | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      handle ??= await fs.promises.open(file, "r");
      const buf = new Uint8Array(READ_SIZE);
      const { bytesRead } = await handle.read(buf, 0, READ_SIZE, null);
      if (bytesRead === 0) {
        await handle.close();
        controller.close();
        return;
      }
      onRead(bytesRead);
      controller.enqueue(buf.subarray(0, bytesRead));
    },
    async cancel() {
      await handle?.close();
    },
  }, { highWaterMark: 0 });
}

/** Runs jobs with at most `n` at a time; the first failure stops new ones and is thrown. */
async function inParallel<T>(items: T[], n: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await job(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

function* walkFiles(dir: string, rel = ""): Generator<string> {
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const relPath = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) yield* walkFiles(dir, relPath);
    else if (entry.isFile() || (entry.isSymbolicLink() && fs.statSync(path.join(dir, relPath)).isFile())) yield relPath;
  }
}

async function put(ctx: CommandContext): Promise<void> {
  const [source, dest] = ctx.positionals;
  const { refText, path: destPath } = splitRefPath(dest);
  const { repo, branch } = parseBranchRef(refText);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch {
    throw new CliError(EXIT.notFound, `${source}: no such file or folder`);
  }
  const files = stat.isDirectory()
    ? [...walkFiles(source)].map((rel) => ({ local: path.join(source, rel), key: `${destPath && !destPath.endsWith("/") ? `${destPath}/` : destPath}${rel}` }))
    : [{ local: source, key: destPath === "" || destPath.endsWith("/") ? `${destPath}${path.basename(source)}` : destPath }];
  const sized = files.map((f) => ({ ...f, size: fs.statSync(f.local).size }));
  const client = ctx.client();

  // Several files (or a message or metadata) make one commit: open one unless the branch already has an open commit.
  const details = commitDetails(ctx.values);
  let ownCommit: string | undefined;
  if (stat.isDirectory() || details.message !== undefined || details.meta !== undefined) {
    const { branches } = await client.admin<{ branches: Array<{ branch: string; open?: string }> }>("GET", "branches", { query: { repo } });
    if (!branches.find((b) => b.branch === branch)?.open) {
      ownCommit = (await client.admin<{ id: string }>("POST", "commits/start", { body: { ref: branchRef(repo, branch), ...details } })).id;
    }
  }
  const progress = new Progress(ctx.io, sized.reduce((n, f) => n + f.size, 0), sized.length, ctx.json);
  const results: Array<{ file: string; key: string; size: number; etag: string | null; commit: string | null }> = [];
  try {
    await inParallel(sized, CONCURRENCY, async (f) => {
      const res = await client.s3("PUT", `${branch}.${repo}`, f.key, {
        body: fileStream(f.local, (n) => progress.bytes(n)),
        headers: { "content-length": String(f.size), ...contentTypeHeader(f.key) },
      });
      await res.body?.cancel();
      results.push({ file: f.local, key: f.key, size: f.size, etag: res.headers.get("etag")?.replaceAll('"', "") ?? null, commit: res.headers.get("x-amz-version-id") });
      progress.file(`put ${f.local} → ${branch}.${repo}/${f.key} (${humanSize(f.size)})`);
    });
  } catch (err) {
    progress.finish();
    if (ownCommit) await client.admin("POST", "commits/drop", { body: { ref: `${branch}.${repo}` } }).catch(() => {});
    throw err;
  }
  progress.finish();
  const commit = ownCommit
    ? (await client.admin<{ id: string }>("POST", "commits/finish", { body: { ref: `${branch}.${repo}` } })).id
    : results[0]?.commit ?? null;
  results.sort((a, b) => (a.key < b.key ? -1 : 1));
  const total = results.reduce((n, r) => n + r.size, 0);
  emit(ctx, { ref: `${branch}.${repo}`, commit, files: results }, () => `put ${results.length} file(s), ${humanSize(total)}, into ${branch}.${repo}${commit ? ` as commit ${commit}` : ""}`);
}

/** Where a key lands under a local folder; keys that would climb out of it are refused. */
function localPath(root: string, rel: string): string {
  const target = path.resolve(root, ...rel.split("/").filter((s) => s !== "" && s !== "."));
  if (target !== path.resolve(root) && !target.startsWith(path.resolve(root) + path.sep)) {
    throw new CliError(EXIT.failure, `key ${rel} would be written outside ${root}: refusing`);
  }
  return target;
}

async function download(ctx: CommandContext, client: StrataClient, bucket: string, key: string, file: string, progress: Progress): Promise<number> {
  const res = await client.s3("GET", bucket, key);
  const out = file === "-" ? undefined : await fs.promises.open((fs.mkdirSync(path.dirname(file), { recursive: true }), file), "w");
  let size = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (out) await out.write(chunk);
      else await ctx.io.write(chunk);
      size += chunk.length;
      progress.bytes(chunk.length);
    }
  } finally {
    await out?.close();
  }
  return size;
}

async function get(ctx: CommandContext): Promise<void> {
  const [source, dest = "."] = ctx.positionals;
  const { refText, path: key } = splitRefPath(source);
  const client = ctx.client();
  // One object when the path names one; otherwise everything under it as a folder.
  let single = false;
  if (key !== "" && !key.endsWith("/")) {
    single = await client.s3("HEAD", refText, key).then(() => true, (err) => {
      if (err instanceof CliError && err.exitCode === EXIT.notFound) return false;
      throw err;
    });
  }
  const items: Array<{ key: string; file: string; size: number }> = [];
  if (single) {
    const toDir = dest !== "-" && (dest.endsWith("/") || (fs.existsSync(dest) && fs.statSync(dest).isDirectory()));
    items.push({ key, file: toDir ? path.join(dest, path.basename(key)) : dest, size: 0 });
  } else {
    const prefix = key === "" || key.endsWith("/") ? key : `${key}/`;
    for await (const page of listAll(client, refText, prefix)) {
      for (const o of page.objects) items.push({ key: o.key, file: dest === "-" ? "-" : localPath(dest, o.key.slice(prefix.length)), size: o.size });
    }
    if (items.length === 0) throw new CliError(EXIT.notFound, `${source}: no such object or folder`, "NoSuchKey");
    if (dest === "-") throw usageError(`${source} is a folder of ${items.length} object(s): only a single object can go to stdout (-)`);
  }
  const progress = new Progress(ctx.io, items.reduce((n, i) => n + i.size, 0), items.length, ctx.json || dest === "-");
  const results: Array<{ key: string; file: string; size: number }> = [];
  try {
    await inParallel(items, dest === "-" ? 1 : CONCURRENCY, async (item) => {
      const size = await download(ctx, client, refText, item.key, item.file, progress);
      results.push({ key: item.key, file: item.file, size });
      progress.file(`get ${refText}/${item.key} → ${item.file} (${humanSize(size)})`);
    });
  } finally {
    progress.finish();
  }
  if (dest === "-") return;
  results.sort((a, b) => (a.key < b.key ? -1 : 1));
  emit(ctx, { ref: refText, files: results }, () => `got ${results.length} file(s), ${humanSize(results.reduce((n, r) => n + r.size, 0))}, from ${refText}`);
}

export const fileCommands: Command[] = [
  {
    name: "ls",
    summary: "list objects and folders of a ref (a branch's head or a commit)",
    usage: "<ref>[/prefix] [-r]",
    example: "strata ls master.images/2024/ -r",
    options: { recursive: { type: "boolean", short: "r", help: "list every key below, not folder by folder" } },
    args: [1, 1],
    async run(ctx) {
      const { refText, path: prefix } = splitRefPath(ctx.positionals[0]);
      const objects: ObjectJson[] = [];
      const prefixes: string[] = [];
      for await (const page of listAll(ctx.client(), refText, prefix, ctx.values.recursive ? undefined : "/")) {
        objects.push(...page.objects);
        prefixes.push(...page.prefixes);
      }
      emit(ctx, { ref: refText, objects, prefixes }, () => [
        ...prefixes.map((p) => `${"DIR".padStart(10)}  ${"".padEnd(19)}  ${p}`),
        ...objects.map((o) => `${humanSize(o.size).padStart(10)}  ${shortTime(o.modified)}  ${o.key}`),
      ]);
    },
  },
  {
    name: "put",
    summary: "upload a file or a folder (recursively; a folder becomes one commit)",
    usage: "<local file|folder> <branch.repo>[/path] [-m TEXT] [--meta K=V]...",
    example: "strata put ./photos master.images/photos/ -m 'add photos'",
    options: COMMIT_OPTIONS,
    args: [2, 2],
    notes: "A destination ending in / (or just the ref) keeps the file's name. Objects stream: any size works.\n-m or --meta makes the upload one commit even for one file.",
    run: put,
  },
  {
    name: "get",
    summary: "download an object or a folder (every key under a prefix) from a ref",
    usage: "<ref>/<path> [local file|folder|-]",
    example: "strata get 0194d7f0a1b2c3d4e5f60718293a4b5c.master.images/photos/ ./restored",
    args: [1, 2],
    notes: "The local destination defaults to the current folder; - writes a single object to stdout.",
    run: get,
  },
];
