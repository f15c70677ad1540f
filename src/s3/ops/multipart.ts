// Multipart uploads. Parts are chunk lists; completing concatenates them into one manifest, copying nothing.
import { isoTime } from "../../util/time.ts";
import type { CompletedUpload } from "../../repo/service.ts";
import type { S3Deps, S3Request } from "../context.ts";
import { copyRange, readCopySource } from "../copy-source.ts";
import { S3Error } from "../errors.ts";
import { describedBy, quoteEtag } from "../object-headers.ts";
import { OWNER, xmlResponse } from "../respond.ts";
import { writeTarget } from "../targets.ts";
import { BODY_LIMITS, boundedText } from "../request-body.ts";
import { keyElement, parseXml } from "../xml.ts";
import type { ChecksumAlgorithm } from "../payload/checksums.ts";
import { maxKeys, partNumber } from "../list-params.ts";
import { checkObjectAcl } from "../canned-acl.ts";
import { ingestObject, versionHeaders, writeOptions } from "../object-writes.ts";
import { declaredLength } from "../payload/decode-payload.ts";
import { checksumElement, completedChecksum, uploadChecksum, uploadChecksumHeaders } from "../multipart-checksums.ts";
import { requestedTags } from "../tagging.ts";

const MIN_PART = 5 * 1024 * 1024;
const MAX_PART = 5 * 1024 ** 3;
function uploadOf(req: S3Request, deps: S3Deps) {
  const target = writeTarget(deps, req.bucket!);
  const upload = deps.repo.upload(target, req.query.get("uploadId") ?? "");
  if (upload.key !== req.key) throw new S3Error("NoSuchUpload");
  return { target, id: upload.id, upload };
}

export async function createMultipartUpload(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  checkObjectAcl(req.headers, deps, target);
  const checksum = uploadChecksum(req.headers);
  // x-amz-tagging (API_CreateMultipartUpload) is kept with the upload and given to the object at completion.
  const id = await deps.repo.createUpload(target, req.key!, {
    description: { ...describedBy(req.headers), tags: requestedTags(req.headers) },
    checksumAlgorithm: checksum.algorithm,
    checksumType: checksum.type,
  });
  const headers = uploadChecksumHeaders(checksum);
  return xmlResponse("InitiateMultipartUploadResult", { Bucket: target.name, Key: keyElement(req.key), UploadId: id }, { headers });
}

// A part is recorded for the upload found before its bytes came in; the repo checks again that it still exists.

export async function uploadPart(req: S3Request, deps: S3Deps): Promise<Response> {
  const { target, id } = uploadOf(req, deps);
  const n = partNumber(req.query);
  const stored = await ingestObject(deps, req.body, MAX_PART, declaredLength(req.headers));
  const checksums = req.verifiedChecksums();
  const { etag } = await deps.repo.putPart(target, id, n, stored, deps.config.etagMode, Object.keys(checksums).length ? checksums : undefined);
  const headers: Record<string, string> = { etag: quoteEtag(etag) };
  for (const [alg, value] of Object.entries(checksums)) headers[`x-amz-checksum-${alg}`] = value;
  return new Response(null, { status: 200, headers });
}

export async function uploadPartCopy(req: S3Request, deps: S3Deps): Promise<Response> {
  const { target, id } = uploadOf(req, deps);
  const n = partNumber(req.query);
  const source = readCopySource(req.headers, deps);
  const range = copyRange(req.headers, source.size);
  const part = await deps.repo.copyPart(target, id, n, source, range, deps.config.etagMode);
  return xmlResponse("CopyPartResult", { ETag: quoteEtag(part.etag), LastModified: isoTime(part.time) }, {
    headers: { "x-amz-copy-source-version-id": source.version },
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

/**
 * Completes an upload, or answers as it did when it completed already with the same parts: AWS asks applications to
 * retry a failed CompleteMultipartUpload (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html),
 * and an SDK whose answer was lost does. Of concurrent completes one makes the version; the others get its answer.
 */
export async function completeMultipartUpload(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  // The body is read first: from here to the repo's lock nothing awaits, so the parts checked are the upload's.
  const wanted = requestedParts(await boundedText(req.body, BODY_LIMITS.completeMultipartUpload));
  const done = await deps.repo.completedUpload(target, req.query.get("uploadId") ?? "", req.key!, wanted);
  if (done) return completedResponse(target.name, done);
  const { id, upload } = uploadOf(req, deps);
  const have = new Map(deps.repo.parts(id).map((p) => [p.number, p]));
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
  // the object's checksum from its parts' (COMPOSITE or FULL_OBJECT)
  const checksum = completedChecksum({ algorithm: upload.checksumAlgorithm as ChecksumAlgorithm | undefined, type: upload.checksumType }, parts, req.headers);
  return completedResponse(target.name, await deps.repo.completeUpload(target, upload, parts, deps.config.etagMode, checksum, writeOptions(req)));
}

function completedResponse(bucket: string, done: CompletedUpload): Response {
  const { key, etag, checksum, version } = done;
  return xmlResponse("CompleteMultipartUploadResult", {
    Location: `/${bucket}/${encodeURIComponent(key)}`,
    Bucket: bucket,
    Key: keyElement(key),
    ETag: quoteEtag(etag),
    ...(checksum && { [checksumElement(checksum.algorithm as ChecksumAlgorithm)]: checksum.value, ChecksumType: checksum.type }),
  }, { headers: versionHeaders(version) });
}

export async function abortMultipartUpload(req: S3Request, deps: S3Deps): Promise<Response> {
  const { target, id } = uploadOf(req, deps);
  await deps.repo.removeUpload(target, id);
  return new Response(null, { status: 204 });
}

export function listParts(req: S3Request, deps: S3Deps): Response {
  const { target, id } = uploadOf(req, deps);
  const max = maxKeys(req.query, "max-parts");
  const marker = Number(req.query.get("part-number-marker") ?? 0) || 0;
  const all = deps.repo.parts(id).filter((p) => p.number > marker);
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
  const all = deps.repo
    .uploads(target)
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
