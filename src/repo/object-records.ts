// The records a write stores, built in one place: an object's manifest (from new bytes, a copy, or an upload's
// parts), the part record of a multipart upload, and the public summary of a key's version. See docs/format.md,
// "Blobs", for their stored shapes.
import { bytesDigest, digestOfDigests, type StoredBytes } from "./objects.ts";
import type { ObjectManifest, PartRecord, TagSet, VersionEntry } from "./model.ts";
import { versionIdOf } from "./purges.ts";

/** Which digest an object's ETag is: SHA-256 (content address, the default) or MD5 (for clients that insist). */
export type EtagMode = "sha256" | "md5";

/** What describes an object besides its bytes, as its writer set it (tags: those it is written with). */
export type ObjectDescription = Pick<ObjectManifest, "contentType" | "headers" | "meta" | "tags">;

/** Checksums verified on the bytes (algorithm → base64), with the type S3 reports for them. */
export interface ObjectChecksum {
  checksums: Record<string, string>;
  type: "FULL_OBJECT" | "COMPOSITE";
}

/**
 * A key's version as a listing shows it: which commit wrote it, its version id (that commit, or "null" for a
 * version written while versioning was suspended), when, and (unless it is a delete marker) size and ETag.
 */
export type VersionSummary =
  | { key: string; commit: string; version: string; time: number; deleteMarker: false; size: number; etag: string }
  | { key: string; commit: string; version: string; time: number; deleteMarker: true };

/** A key's version as a read gets it: the summary and, for a live version, its manifest and its tags now. */
export type ObjectVersion =
  | (Extract<VersionSummary, { deleteMarker: false }> & { manifest: ObjectManifest; tags: TagSet })
  | Extract<VersionSummary, { deleteMarker: true }>;

export function summaryOf(key: string, e: VersionEntry): VersionSummary {
  const version = versionIdOf(e);
  return e.m === undefined
    ? { key, commit: e.c, version, time: e.t, deleteMarker: true }
    : { key, commit: e.c, version, time: e.t, deleteMarker: false, size: e.s!, etag: e.e! };
}

export const etagOf = (stored: Pick<StoredBytes, "digest" | "md5">, mode: EtagMode): string => (mode === "md5" ? stored.md5! : stored.digest);

/** The manifest of new bytes. */
export function bytesManifest(stored: StoredBytes, mode: EtagMode, description: ObjectDescription, checksum?: ObjectChecksum): ObjectManifest {
  return {
    ...description,
    size: stored.size,
    sha256: stored.sha256,
    md5: stored.md5,
    etag: etagOf(stored, mode),
    time: Date.now(),
    chunks: stored.chunks,
    checksums: checksum?.checksums,
    checksumType: checksum?.type,
  };
}

/**
 * The manifest of a copy: the source's bytes (no byte is copied) with the given description, or the source's, and
 * the tags given (S3's x-amz-tagging-directive: the source's tags now, or the request's).
 */
export function copyManifest(source: ObjectManifest, description: ObjectDescription | undefined, tags: TagSet): ObjectManifest {
  const described = description ?? { contentType: source.contentType, headers: source.headers, meta: source.meta };
  const manifest: ObjectManifest = { ...source, ...described, tags: tags.length ? tags : undefined, time: Date.now() };
  for (const k of ["contentType", "headers", "meta", "tags"] as const) if (manifest[k] === undefined) delete manifest[k];
  return manifest;
}

/**
 * The manifest of a completed multipart upload: its parts' chunk lists one after the other (no byte is copied);
 * the ETag is the digest of the parts' digests, then `-N`.
 */
export function partsManifest(description: ObjectDescription, parts: readonly PartRecord[], mode: EtagMode, checksum?: { algorithm: string; value: string; type: "FULL_OBJECT" | "COMPOSITE" }): ObjectManifest {
  const md5 = mode === "md5";
  return {
    ...description,
    size: parts.reduce((n, p) => n + p.size, 0),
    etag: `${digestOfDigests(md5 ? "md5" : "sha256", parts.map((p) => (md5 ? p.md5! : p.sha256)))}-${parts.length}`,
    time: Date.now(),
    chunks: parts.flatMap((p) => p.chunks),
    parts: parts.map((p) => p.size),
    ...(checksum && { checksums: { [checksum.algorithm]: checksum.value }, checksumType: checksum.type }),
    ...(checksum && { partChecksums: parts.map((p) => p.checksums?.[checksum.algorithm] ?? "") }),
  };
}

export function partRecord(stored: StoredBytes, mode: EtagMode, checksums?: Record<string, string>): PartRecord {
  const { size, digest, md5, chunks } = stored;
  return { size, sha256: digest, md5, etag: etagOf(stored, mode), checksums, chunks, time: Date.now() };
}

/**
 * The stored bytes of a whole source object reused as they are, when that gives the same result as chunking
 * its bytes again: not for a multipart source (its chunks were cut part by part), nor when an MD5 is needed
 * that the source does not have. Undefined when the bytes must be read and stored again.
 */
export function reusableBytes(source: ObjectManifest, mode: EtagMode): StoredBytes | undefined {
  const { size, md5, chunks, parts } = source;
  if (parts || (mode === "md5" && !md5)) return undefined;
  return { size, digest: bytesDigest(chunks), md5, chunks };
}
