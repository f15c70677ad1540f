// The objects stored before a fuzz run, and the check that every one of them reads back byte-identical after it:
// small and empty ones, a streamed one, a multipart one, two versions of a key, and keys with dot segments,
// escapes, control characters and the longest allowed length, each sent the way a client would send it.
import { createHash, randomBytes } from "node:crypto";
import { signRaw, sha256Hex } from "./sign.ts";
import { type Answer, exchange } from "./wire.ts";

export interface SealedObject {
  key: string;
  /** the path it is read at (percent-encoded, or as sent when stored raw) */
  path: string;
  versionId?: string;
  sha256: string;
  size: number;
}

export interface Sealed {
  port: number;
  bucket: string;
  objects: SealedObject[];
  versionIds: string[];
  uploadIds: string[];
  etags: string[];
}

const encode = (key: string) => key.split("/").map(encodeURIComponent).join("/");

/** One signed request (SigV4 over the exact target) on its own connection, and its answer. */
export async function signedCall(port: number, method: string, path: string, query: string, key: string, body: Buffer = Buffer.alloc(0)): Promise<Answer> {
  const host = `127.0.0.1:${port}`;
  const { headers } = signRaw({ method, rawPath: path, rawQuery: query, host, payloadHash: sha256Hex(body), accessKey: key, secret: key });
  const head = `${method} ${path}${query ? `?${query}` : ""} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${body.length}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`;
  const out = await exchange(port, { pieces: [Buffer.from(head, "latin1"), body], pauseMs: 0, methods: [method], owed: 1, hangUp: "none" });
  if (out.problems.length || !out.answers[0]) throw new Error(`${method} ${path}?${query}: ${out.problems.join("; ")}`);
  return out.answers[0];
}

async function ok(port: number, method: string, path: string, query: string, key: string, body?: Buffer): Promise<Answer> {
  const a = await signedCall(port, method, path, query, key, body);
  if (a.status !== 200) throw new Error(`${method} ${path}?${query}: ${a.status} ${a.body.toString()}`);
  return a;
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? "";

/** Stores the sealed objects in `bucket` (made here, versioning on), and leaves an upload open in `writable`. */
export async function sealObjects(port: number, bucket: string, writable: string, key: string): Promise<Sealed> {
  const sealed: Sealed = { port, bucket, objects: [], versionIds: [], uploadIds: [], etags: [] };
  for (const b of [bucket, writable]) {
    const made = await signedCall(port, "PUT", `/${b}`, "", key);
    if (made.status !== 200 && made.status !== 409) throw new Error(`CreateBucket ${b}: ${made.status} ${made.body.toString()}`);
  }
  await ok(port, "PUT", `/${bucket}`, "versioning", key, Buffer.from("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"));
  const put = async (objectKey: string, body: Buffer, path = `/${bucket}/${encode(objectKey)}`) => {
    const a = await ok(port, "PUT", path, "", key, body);
    const versionId = a.headers.get("x-amz-version-id");
    sealed.versionIds.push(versionId!);
    sealed.etags.push(a.headers.get("etag")!);
    return { key: objectKey, path, versionId, sha256: sha256Hex(body), size: body.length };
  };
  const objects: [string, Buffer][] = [
    ["plain.txt", Buffer.from("plain text\n")],
    ["empty", Buffer.alloc(0)],
    ["./dot", Buffer.from("dot")],
    ["%2e%2e/literal-percent", Buffer.from("percent")],
    ["ünï/ключ/日本", Buffer.from("unicode")],
    ["sp ace+plus&amp", Buffer.from("space")],
    ["ctl\x01char", Buffer.from("control")],
    ["trailing/", Buffer.from("trailing slash")],
    ["//double//slash", Buffer.from("slashes")],
    ["k".repeat(1024), Buffer.from("longest key")],
    ["big.bin", randomBytes(1024 * 1024 + 3)],
  ];
  for (const [k, body] of objects) sealed.objects.push(await put(k, body));
  // sent unencoded: the key is the bytes of the path, dot segments and all
  sealed.objects.push(await put("x/../k3", Buffer.from("dot dot"), `/${bucket}/x/../k3`));
  sealed.objects.push(await put("y/./%2e%2e/z", Buffer.from("dot escapes"), `/${bucket}/y/./%252e%252e/z`));
  const first = await put("versioned", Buffer.from("version one"));
  const second = await put("versioned", Buffer.from("version two, longer"));
  sealed.objects.push(first, { ...second, versionId: undefined });

  // multipart: a 5 MiB part and a short last one
  const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1234)];
  const mp = `/${bucket}/multi/part.bin`;
  const uploadId = tag((await ok(port, "POST", mp, "uploads=", key)).body.toString(), "UploadId");
  const etags: string[] = [];
  for (const [i, part] of parts.entries()) etags.push((await ok(port, "PUT", mp, `partNumber=${i + 1}&uploadId=${encodeURIComponent(uploadId)}`, key, part)).headers.get("etag")!);
  const complete = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
  await ok(port, "POST", mp, `uploadId=${encodeURIComponent(uploadId)}`, key, Buffer.from(complete));
  const whole = Buffer.concat(parts);
  sealed.objects.push({ key: "multi/part.bin", path: mp, sha256: sha256Hex(whole), size: whole.length });
  sealed.uploadIds.push(uploadId, tag((await ok(port, "POST", `/${writable}/open-upload`, "uploads=", key)).body.toString(), "UploadId"));
  sealed.etags.push(...etags);
  return sealed;
}

/** What differs from what was stored: each object by its path (and version), and the bucket's list of keys. */
export async function unsealedProblems(port: number, sealed: Sealed, key: string): Promise<string[]> {
  const problems: string[] = [];
  for (const o of sealed.objects) {
    const query = o.versionId ? `versionId=${encodeURIComponent(o.versionId)}` : "";
    const a = await signedCall(port, "GET", o.path, query, key);
    const got = createHash("sha256").update(a.body).digest("hex");
    if (a.status !== 200 || got !== o.sha256) problems.push(`${JSON.stringify(o.key)}${o.versionId ? ` version ${o.versionId}` : ""}: ${a.status}, ${a.body.length} bytes (stored ${o.size})`);
  }
  const list = await signedCall(port, "GET", `/${sealed.bucket}`, "encoding-type=url&list-type=2", key);
  const keys = [...list.body.toString().matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => decodeURIComponent(m[1])).sort();
  const expected = [...new Set(sealed.objects.map((o) => o.key))].sort();
  if (JSON.stringify(keys) !== JSON.stringify(expected)) problems.push(`the bucket lists ${JSON.stringify(keys)}, stored ${JSON.stringify(expected)}`);
  return problems;
}
