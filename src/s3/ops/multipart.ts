// Multipart uploads. Parts are chunk lists; completing concatenates them into one manifest, copying nothing.
import type { ObjectManifest, PartRecord } from "../../repo/model.ts";
import { versionIdOf } from "../../repo/purges.ts";
import { bytesDigest, digestOfDigests, ObjectTooLargeError, type StoredBytes } from "../../repo/objects.ts";
import { isoTime } from "../../util/time.ts";
import type { S3Deps, S3Request } from "../context.ts";
import { copyRange, readCopySource } from "../copy-source.ts";
import { S3Error } from "../errors.ts";
import { describedBy, quoteEtag } from "../object-headers.ts";
import { OWNER, xmlResponse } from "../respond.ts";
import { writeTarget } from "../targets.ts";
import { parseXml } from "../xml.ts";
import type { ChecksumAlgorithm } from "../payload/checksums.ts";
import { maxKeys, partNumber } from "../list-params.ts";
import { checkAcl, commitObject } from "../object-writes.ts";
import { checksumElement, completedChecksum, uploadChecksum, uploadChecksumHeaders } from "../multipart-checksums.ts";

const MIN_PART = 5 * 1024 * 1024;
const MAX_PART = 5 * 1024 ** 3;
function uploadOf(req: S3Request, deps: S3Deps) {
  const target = writeTarget(deps, req.bucket!);
  const id = req.query.get("uploadId") ?? "";
  const upload = deps.repo.multipart.get(target.repo, target.branch, id);
  if (upload.key !== req.key) throw new S3Error("NoSuchUpload");
  return { target, id, upload };
}

export async function createMultipartUpload(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  checkAcl(req.headers);
  const checksum = uploadChecksum(req.headers);
  const id = await deps.repo.multipart.create(target.repo, target.branch, {
    key: req.key!,
    created: Date.now(),
    template: describedBy(req.headers),
    checksumAlgorithm: checksum.algorithm,
    checksumType: checksum.type,
  });
  const headers = uploadChecksumHeaders(checksum);
  return xmlResponse("InitiateMultipartUploadResult", { Bucket: target.name, Key: req.key, UploadId: id }, { headers });
}

function partRecord(stored: StoredBytes, etag: string, checksums?: Record<string, string>): PartRecord {
  const { size, digest, md5, chunks } = stored;
  return { size, sha256: digest, md5, etag, checksums, chunks, time: Date.now() };
}

/** Records part `n` of the upload found before its bytes came in (putPart checks again that it still exists). */
async function storePart(deps: S3Deps, { target, id }: ReturnType<typeof uploadOf>, n: number, part: PartRecord): Promise<void> {
  await deps.repo.multipart.putPart(target.repo, target.branch, id, n, part);
}

export async function uploadPart(req: S3Request, deps: S3Deps): Promise<Response> {
  const upload = uploadOf(req, deps);
  const n = partNumber(req.query);
  let stored;
  try {
    stored = await deps.repo.ingest(req.body, { md5: deps.config.etagMode === "md5", maxSize: MAX_PART });
  } catch (err) {
    if (err instanceof ObjectTooLargeError) throw new S3Error("EntityTooLarge");
    throw err;
  }
  const checksums = req.verifiedChecksums();
  const etag = deps.config.etagMode === "md5" ? stored.md5! : stored.digest;
  await storePart(deps, upload, n, partRecord(stored, etag, Object.keys(checksums).length ? checksums : undefined));
  const headers: Record<string, string> = { etag: quoteEtag(etag) };
  for (const [alg, value] of Object.entries(checksums)) headers[`x-amz-checksum-${alg}`] = value;
  return new Response(null, { status: 200, headers });
}

export async function uploadPartCopy(req: S3Request, deps: S3Deps): Promise<Response> {
  const upload = uploadOf(req, deps);
  const n = partNumber(req.query);
  const source = readCopySource(req.headers, deps);
  const range = copyRange(req.headers, source.manifest.size);
  const md5 = deps.config.etagMode === "md5";
  // A whole-object copy reuses the source's chunks, which are the ones its bytes chunk into, unless the
  // source is multipart (its chunks were cut part by part); a range is re-chunked from the source's bytes.
  const { size, md5: sourceMd5, chunks, parts } = source.manifest;
  const stored = !range && !parts && (!md5 || sourceMd5)
    ? { size, digest: bytesDigest(chunks), md5: sourceMd5, chunks }
    : await deps.repo.ingest(deps.repo.readObject(source.manifest, range?.start ?? 0, range?.end ?? source.manifest.size - 1), { md5 });
  const etag = md5 ? stored.md5! : stored.digest;
  const part = partRecord(stored, etag);
  await storePart(deps, upload, n, part);
  return xmlResponse("CopyPartResult", { ETag: quoteEtag(etag), LastModified: isoTime(part.time) }, {
    headers: { "x-amz-copy-source-version-id": versionIdOf(source.entry) },
  });
}

interface RequestedPart {
  number: number;
  etag: string;
}

function requestedParts(text: string): RequestedPart[] {
  const doc = parseXml(text);
  const root = doc?.CompleteMultipartUpload as { Part?: Array<{ PartNumber?: unknown; ETag?: unknown }> } | undefined;
  if (!root || typeof root !== "object" || !root.Part?.length) throw new S3Error("MalformedXML");
  return root.Part.map((p) => {
    const number = Number(p.PartNumber);
    if (!Number.isInteger(number) || typeof p.ETag !== "string") throw new S3Error("MalformedXML");
    return { number, etag: p.ETag.trim().replace(/^"|"$/g, "") };
  });
}

export async function completeMultipartUpload(req: S3Request, deps: S3Deps): Promise<Response> {
  const { target, id, upload } = uploadOf(req, deps);
  const wanted = requestedParts(await new Response(req.body).text());
  const have = new Map(deps.repo.multipart.parts(id).map((p) => [p.number, p]));
  const parts = wanted.map((w, i) => {
    if (i > 0 && w.number <= wanted[i - 1].number) throw new S3Error("InvalidPartOrder");
    const part = have.get(w.number);
    if (!part || part.etag !== w.etag) throw new S3Error("InvalidPart", undefined, { PartNumber: String(w.number), ETag: w.etag });
    return part;
  });
  parts.forEach((p, i) => {
    if (i < parts.length - 1 && p.size < MIN_PART) {
      throw new S3Error("EntityTooSmall", undefined, { ProposedSize: String(p.size), MinSizeAllowed: String(MIN_PART), PartNumber: String(p.number), ETag: p.etag });
    }
  });
  const md5 = deps.config.etagMode === "md5";
  const etag = `${digestOfDigests(md5 ? "md5" : "sha256", parts.map((p) => (md5 ? p.md5! : p.sha256)))}-${parts.length}`;
  // the object's checksum from its parts' (COMPOSITE or FULL_OBJECT)
  const checksum = completedChecksum({ algorithm: upload.checksumAlgorithm as ChecksumAlgorithm | undefined, type: upload.checksumType }, parts, req.headers);
  const manifest: ObjectManifest = {
    ...upload.template,
    size: parts.reduce((n, p) => n + p.size, 0),
    etag,
    time: Date.now(),
    chunks: parts.flatMap((p) => p.chunks),
    parts: parts.map((p) => p.size),
    ...(checksum && { checksums: { [checksum.algorithm]: checksum.value }, checksumType: checksum.type }),
  };
  const versionHeaders = await commitObject(req, deps, target, manifest);
  await deps.repo.multipart.remove(target.repo, target.branch, id);
  return xmlResponse("CompleteMultipartUploadResult", {
    Location: `/${target.name}/${encodeURIComponent(req.key!)}`,
    Bucket: target.name,
    Key: req.key,
    ETag: quoteEtag(etag),
    ...(checksum && { [checksumElement(checksum.algorithm)]: checksum.value, ChecksumType: checksum.type }),
  }, { headers: versionHeaders });
}

export async function abortMultipartUpload(req: S3Request, deps: S3Deps): Promise<Response> {
  const { target, id } = uploadOf(req, deps);
  await deps.repo.multipart.remove(target.repo, target.branch, id);
  return new Response(null, { status: 204 });
}

export function listParts(req: S3Request, deps: S3Deps): Response {
  const { target, id } = uploadOf(req, deps);
  const max = maxKeys(req.query, "max-parts");
  const marker = Number(req.query.get("part-number-marker") ?? 0) || 0;
  const all = deps.repo.multipart.parts(id).filter((p) => p.number > marker);
  const page = all.slice(0, max);
  const truncated = all.length > max;
  return xmlResponse("ListPartsResult", {
    Bucket: target.name,
    Key: req.key,
    UploadId: id,
    Initiator: OWNER,
    Owner: OWNER,
    StorageClass: "STANDARD",
    PartNumberMarker: marker,
    NextPartNumberMarker: page.length ? page[page.length - 1].number : marker,
    MaxParts: max,
    IsTruncated: truncated,
    Part: page.map((p) => ({ PartNumber: p.number, LastModified: isoTime(p.time), ETag: quoteEtag(p.etag), Size: p.size })),
  });
}

export function listMultipartUploads(req: S3Request, deps: S3Deps): Response {
  const target = writeTarget(deps, req.bucket!);
  const max = maxKeys(req.query, "max-uploads");
  const prefix = req.query.get("prefix") ?? "";
  const keyMarker = req.query.get("key-marker") ?? "";
  const idMarker = req.query.get("upload-id-marker") ?? "";
  const all = deps.repo.multipart
    .list(target.repo, target.branch)
    .filter((u) => u.key.startsWith(prefix))
    .filter((u) => u.key > keyMarker || (u.key === keyMarker && idMarker !== "" && u.id > idMarker))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1));
  const page = all.slice(0, max);
  const truncated = all.length > max;
  const last = page[page.length - 1];
  return xmlResponse("ListMultipartUploadsResult", {
    Bucket: target.name,
    KeyMarker: keyMarker,
    UploadIdMarker: idMarker,
    NextKeyMarker: truncated ? last.key : undefined,
    NextUploadIdMarker: truncated ? last.id : undefined,
    Prefix: prefix,
    MaxUploads: max,
    IsTruncated: truncated,
    Upload: page.map((u) => ({ Key: u.key, UploadId: u.id, Initiator: OWNER, Owner: OWNER, StorageClass: "STANDARD", Initiated: isoTime(u.created) })),
  });
}
