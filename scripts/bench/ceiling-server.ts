// The benchmark's ceiling: what Bun itself does when a server only moves bytes between sockets
// and files. No S3 logic: no signatures, no metadata, no ETags, no XML beyond a bare list of
// keys. Strata is measured against it to see how much its S3 and store layers cost.
//
// With --fsync (the `ceiling-fsync` target) each PUT fdatasyncs its file before answering, so an
// acknowledged write survives a crash, the guarantee Strata's default settings give. On ext4 and
// XFS that one call also makes a new file's directory entry durable (it commits the journal
// transaction that created it). Without the flag the ceiling is exactly what issue 7 defines.
//
//   PUT  /b         mkdir             PUT  /b/k   stream the body to a file
//   GET  /b/k       stream the file   HEAD /b/k   stat
//   GET  /b?...     readdir, sorted, filtered by prefix / start-after / continuation-token,
//                   cut at max-keys, returned as <Key> elements
//
// Run: bun scripts/bench/ceiling-server.ts --port P --dir D [--fsync]
import { mkdir, open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";

export interface CeilingOptions {
  port: number;
  dir: string;
  /** fdatasync each PUT's file before answering. */
  fsync?: boolean;
}

// A key becomes one flat file name; encoding keeps "/" and ".." from escaping the bucket.
function fileOf(dir: string, bucket: string, key: string): string {
  return join(dir, encodeURIComponent(bucket), encodeURIComponent(key));
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function listKeys(dir: string, bucket: string, params: URLSearchParams): Promise<Response> {
  const prefix = params.get("prefix") ?? "";
  const after = params.get("continuation-token") ?? params.get("start-after") ?? "";
  const maxKeys = Math.min(Number(params.get("max-keys") ?? 1000), 1000);
  const names = await readdir(join(dir, encodeURIComponent(bucket)));
  const keys = names
    .map((n) => decodeURIComponent(n))
    .filter((k) => k.startsWith(prefix) && k > after)
    .sort();
  const page = keys.slice(0, maxKeys);
  const truncated = keys.length > maxKeys;
  const next = truncated ? `<NextContinuationToken>${escapeXml(page[page.length - 1])}</NextContinuationToken>` : "";
  const body =
    `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${escapeXml(bucket)}</Name>` +
    `<KeyCount>${page.length}</KeyCount><IsTruncated>${truncated}</IsTruncated>${next}` +
    page.map((k) => `<Contents><Key>${escapeXml(k)}</Key></Contents>`).join("") +
    `</ListBucketResult>`;
  return new Response(body, { headers: { "content-type": "application/xml" } });
}

async function datasync(file: string): Promise<void> {
  const fh = await open(file, "r"); // Linux syncs through a read-only descriptor too
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

async function handle({ dir, fsync }: CeilingOptions, req: Request): Promise<Response> {
  const url = new URL(req.url);
  const slash = url.pathname.indexOf("/", 1);
  const bucket = decodeURIComponent(slash < 0 ? url.pathname.slice(1) : url.pathname.slice(1, slash));
  const key = slash < 0 ? "" : decodeURIComponent(url.pathname.slice(slash + 1));
  if (bucket === "") return new Response("<ListAllMyBucketsResult/>", { headers: { "content-type": "application/xml" } });
  if (key === "") {
    if (req.method === "PUT") {
      await mkdir(join(dir, encodeURIComponent(bucket)), { recursive: true });
      return new Response(null);
    }
    if (req.method === "GET") return listKeys(dir, bucket, url.searchParams);
    return new Response(null, { status: 405 });
  }
  const file = fileOf(dir, bucket, key);
  switch (req.method) {
    case "PUT":
      // Bun.write streams a Response body to the file chunk by chunk.
      await Bun.write(file, new Response(req.body));
      if (fsync) await datasync(file);
      return new Response(null);
    case "GET": {
      const f = Bun.file(file);
      if (!(await f.exists())) return new Response(null, { status: 404 });
      return new Response(f);
    }
    case "HEAD": {
      const s = await stat(file).catch(() => null);
      if (!s) return new Response(null, { status: 404 });
      return new Response(null, { headers: { "content-length": String(s.size) } });
    }
    default:
      return new Response(null, { status: 405 });
  }
}

export function startCeiling(opts: CeilingOptions): { port: number; stop(): void } {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: opts.port,
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    fetch: (req) => handle(opts, req).catch(() => new Response(null, { status: 500 })),
  });
  return { port: server.port ?? opts.port, stop: () => server.stop(true) };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { port: { type: "string" }, dir: { type: "string" }, fsync: { type: "boolean", default: false } } });
  if (!values.port || !values.dir) throw new Error("usage: ceiling-server.ts --port P --dir D [--fsync]");
  await mkdir(values.dir, { recursive: true });
  const { port } = startCeiling({ port: Number(values.port), dir: values.dir, fsync: values.fsync });
  console.log(`ceiling${values.fsync ? " (fsync)" : ""} listening on 127.0.0.1:${port}`);
}
