// Multipart uploads: parts are stored as chunk lists (part blobs) named by refs; completing an upload
// concatenates their chunk lists into one manifest without copying a byte, and leaves a completion record behind
// so that a retried complete (an SDK's, after a lost answer) gets the same answer again.
import { digest } from "../hash/hashing.ts";
import { randomHex, toHex, utf8 } from "../util/bytes.ts";
import type { RefChange } from "../store/ref-journal.ts";
import { type RefReader, retryOnConflict, type Store } from "../store/store.ts";
import { getJson, putJson } from "./blob-codec.ts";
import { RepoError } from "./errors.ts";
import type { CompletionRef, PartRecord, UploadRef } from "./model.ts";
import { parseRefKey, REF } from "./ref-keys.ts";

export interface PartInfo extends PartRecord {
  number: number;
}

/**
 * How long, and how many per branch, completed uploads are remembered. AWS documents that CompleteMultipartUpload
 * may fail after S3 started it and that applications retry it
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html); SDKs retry within seconds.
 */
export const COMPLETIONS = { keepMs: 24 * 60 * 60 * 1000, perBranch: 1000 };

/** What identifies the part list a complete named: its numbers and ETags, in order. */
export const partListDigest = (parts: ReadonlyArray<{ number: number; etag: string }>): string =>
  toHex(digest("sha256", utf8(JSON.stringify(parts.map((p) => [p.number, p.etag])))));

/** An upload id as create makes it (16 random bytes in hex); anything else names no upload and is not looked up. */
const UPLOAD_ID = /^[0-9a-f]{32}$/;

export class Multipart {
  constructor(private readonly store: Store) {}

  async create(repo: string, branch: string, upload: UploadRef): Promise<string> {
    const id = randomHex(16);
    await this.store.commit([{ key: REF.upload(repo, branch, id), value: upload }]);
    return id;
  }

  get(repo: string, branch: string, id: string): UploadRef {
    const ref = UPLOAD_ID.test(id) ? this.store.refs.get<UploadRef>(REF.upload(repo, branch, id), "latest") : undefined;
    if (!ref) throw new RepoError("NoSuchUpload", `upload ${id} does not exist`);
    return ref;
  }

  list(repo: string, branch: string): Array<{ id: string } & UploadRef> {
    return this.store.refs.list<UploadRef>(REF.uploads(repo, branch), "latest").map(([k, v]) => ({ id: parseRefKey(k, "upload").upload, ...v }));
  }

  /** Records a part (replacing an earlier one with the same number) once its chunks are durable. */
  async putPart(repo: string, branch: string, id: string, n: number, part: PartRecord): Promise<void> {
    this.get(repo, branch, id);
    const hash = putJson(this.store.blobs, "part", part);
    await this.store.commit([{ key: REF.part(id, n), value: hash }]);
    // The upload may have been aborted or completed while the part streamed in.
    if (!this.store.refs.get(REF.upload(repo, branch, id), "latest")) {
      await this.store.commit([{ key: REF.part(id, n), value: null }]);
      throw new RepoError("NoSuchUpload", `upload ${id} does not exist`);
    }
  }

  parts(id: string): PartInfo[] {
    return this.store.refs.list<string>(REF.parts(id), "latest").map(([k, hash]) => ({
      number: parseRefKey(k, "part").part,
      ...getJson<PartRecord>(this.store.blobs, hash),
    }));
  }

  /** The completion record of upload `id` (latest view: a concurrent complete may have just made it), if remembered. */
  completion(repo: string, branch: string, id: string): CompletionRef | undefined {
    return UPLOAD_ID.test(id) ? this.store.refs.get<CompletionRef>(REF.completion(repo, branch, id), "latest") : undefined;
  }

  /**
   * The ref changes that complete an upload, to commit with the new version: forget the upload and its parts,
   * remember its answer, and forget the branch's completions beyond COMPLETIONS' bounds.
   */
  completionChanges(repo: string, branch: string, id: string, record: CompletionRef): RefChange[] {
    const kept = this.store.refs
      .list<CompletionRef>(REF.completions(repo, branch), "latest")
      .sort(([, a], [, b]) => b.time - a.time);
    const expired = kept.filter(([, c], i) => i >= COMPLETIONS.perBranch - 1 || c.time < record.time - COMPLETIONS.keepMs);
    return [
      ...uploadRemovals(this.store.refs, REF.upload(repo, branch, id)),
      ...expired.map(([key]) => ({ key, value: null })),
      { key: REF.completion(repo, branch, id), value: record },
    ];
  }

  /** Forgets an upload and its parts; their chunks become garbage for gc unless something else uses them. */
  remove(repo: string, branch: string, id: string): Promise<void> {
    // On a distributed store the upload may be completed through another gateway meanwhile: then again, on fresh refs.
    return retryOnConflict(this.store, () => this.store.commit(uploadRemovals(this.store.refs, REF.upload(repo, branch, id))));
  }
}

/**
 * The ref deletions that forget every upload whose ref starts with `prefix` (one upload, a branch's, a repo's)
 * together with its parts: a part ref left behind would keep its blobs alive for gc forever.
 */
export function uploadRemovals(refs: RefReader, prefix: string): RefChange[] {
  return refs.list(prefix, "latest").flatMap(([key]) => [
    ...refs.list(REF.parts(parseRefKey(key, "upload").upload), "latest").map(([part]) => ({ key: part, value: null })),
    { key, value: null },
  ]);
}

/** The ref deletions that forget the completion records under `prefix` (a branch's, a repo's) that `keep` refuses. */
export function completionRemovals(refs: RefReader, prefix: string, keep: (c: CompletionRef) => boolean = () => false): RefChange[] {
  return refs.list<CompletionRef>(prefix, "latest").filter(([, c]) => !keep(c)).map(([key]) => ({ key, value: null }));
}

/**
 * The ref deletions that abort every upload started before `createdBefore` (a stalled upload: as S3's lifecycle
 * rule AbortIncompleteMultipartUpload does after DaysAfterInitiation), forget every part whose upload is gone
 * (a crash between recording a part and noticing its upload was aborted leaves one), and forget completions
 * older than COMPLETIONS.keepMs (on a branch no upload completed on since). gc runs them first, so the chunks
 * only these held become garbage in the same round.
 */
export function stalledUploadRemovals(refs: RefReader, createdBefore: number, now = Date.now()): { changes: RefChange[]; uploads: number } {
  const uploads = refs.list<UploadRef>(REF.uploads(), "latest");
  const live = new Set(uploads.map(([key]) => parseRefKey(key, "upload").upload));
  const stalled = uploads.filter(([, upload]) => upload.created < createdBefore);
  const orphans = refs.list(REF.parts(), "latest").filter(([key]) => !live.has(parseRefKey(key, "part").upload));
  return {
    changes: [
      ...stalled.flatMap(([key]) => uploadRemovals(refs, key)),
      ...orphans.map(([key]) => ({ key, value: null })),
      ...completionRemovals(refs, REF.completions(), (c) => c.time >= now - COMPLETIONS.keepMs),
    ],
    uploads: stalled.length,
  };
}
