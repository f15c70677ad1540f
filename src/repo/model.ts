// The shapes of the versioned model: what refs hold and what manifest, version and commit blobs contain
// (docs/format.md, "Ref keys" and "Blobs").
import type { ChunkRef } from "./objects.ts";

/** Everything about an object but its bytes. */
export interface ObjectManifest {
  size: number;
  /**
   * SHA-256 of the bytes; present only where it costs no second pass over them: objects of one chunk
   * (or none; older versions also have it on larger single-upload objects). The ETag of a larger object
   * derives from its chunk digests (see bytesDigest), that of a multipart object from its parts' digests.
   */
  sha256?: string;
  md5?: string;
  /** Unquoted ETag as served: hex digest, or digest-N for multipart objects. */
  etag: string;
  contentType?: string;
  /** content-encoding, content-disposition, content-language, cache-control, expires */
  headers?: Record<string, string>;
  /** User metadata, names lower-cased without the x-amz-meta- prefix. */
  meta?: Record<string, string>;
  /** Verified checksums by algorithm (crc32, crc32c, crc64nvme, sha1, sha256), base64 as S3 returns them. */
  checksums?: Record<string, string>;
  checksumType?: "FULL_OBJECT" | "COMPOSITE";
  /** Time of the write (ms since epoch). */
  time: number;
  chunks: ChunkRef[];
  /** Part sizes of a multipart object, for GET ?partNumber=N. */
  parts?: number[];
  /** A multipart object's part checksums (base64, of the algorithm in `checksums`), in part order, for GetObjectAttributes. */
  partChecksums?: string[];
  /**
   * The S3 object tags the version was written with (x-amz-tagging, a POST form's tagging, a copy's), sorted by
   * key; absent: none. Later PutObjectTagging / DeleteObjectTagging changes live in the repo's tag index.
   */
  tags?: TagSet;
}

/** S3 tags (of an object or a bucket) as [key, value] pairs, sorted by key, keys unique. */
export type TagSet = Array<[key: string, value: string]>;

/** A key's entry in a commit's tree: the version it has there, or a delete marker. */
export interface VersionEntry {
  /** commit that wrote this version */
  c: string;
  /** time of that write (LastModified) */
  t: number;
  /** manifest hash; absent for a delete marker */
  m?: string;
  s?: number;
  e?: string;
  /** hash of the previous version's entry (a "version" blob), forming the key's history */
  p?: string;
  /** 1: the key's null version, written while versioning was suspended (S3 shows its version id as "null") */
  n?: 1;
}

export const isLiveEntry = (e: VersionEntry): boolean => e.m !== undefined;

export interface CommitRecord {
  id: string;
  repo: string;
  branch: string;
  /** the first parent: the branch's head the commit was made on */
  parent: string | null;
  /** a merge commit's second parent: the commit it merged in */
  merged?: string;
  /** distance from the first commit (0) along first parents */
  gen: number;
  /** length of the longest path to a first commit, through both parents; absent when it equals gen */
  height?: number;
  /** the newest merge commit on the first-parent chain below this one (for ancestry through merges) */
  lastMerge?: string;
  /** an older ancestor, for O(log n) ancestry checks (skip list) */
  skip: string | null;
  root: string | null;
  time: number;
  started: number;
  message?: string;
  /** who made the commit: the user of the request's token, or "anonymous" */
  author?: string;
  meta?: Record<string, string>;
  /** versions this commit purged for good, as [key, version id] (the version id is the commit that wrote it) */
  purged?: Array<[string, string]>;
}

export interface RepoRef {
  created: number;
  /** root of the tree mapping commit id → commit blob hash */
  commits: string | null;
  description?: string;
  /** root of the purge index: versions purged for good, which no read path serves again (see purges.ts) */
  purged?: string | null;
  /** root of the tag index: the tags of versions changed since they were written (see object-tags.ts) */
  tagging?: string | null;
}

export interface OpenCommit {
  id: string;
  parent: string | null;
  root: string | null;
  started: number;
  message?: string;
  /** who opened the commit, and the key/value metadata it was opened with: the finished commit records both */
  author?: string;
  meta?: Record<string, string>;
  /** versions purged while the commit was open, as [key, version id]: the finished commit records them */
  purged?: Array<[string, string]>;
}

export interface BranchRef {
  created: number;
  head: string | null;
  open?: OpenCommit;
  /** S3 bucket versioning; absent means Enabled (every branch starts versioned) */
  versioning?: "Suspended";
  /** readable without credentials (S3's canned ACL public-read), reads only; writes stay denied */
  public?: true;
  /** refuses direct writes: only merges and reverts land on it, and it can't be deleted */
  protected?: true;
  /**
   * the sidecar job whose staging branch this is (jobs/endpoints.ts): only the server sets it, so a branch a user
   * named job-something is never taken for one; the server removes such a branch when its job is not running
   * (on a shared metadata store: once the job's lease has expired)
   */
  job?: string;
}

/**
 * A running sidecar job's claim on its staging branch (ref lease/<job id>), made with the branch and renewed by the
 * server that runs the job. Servers sharing one metadata store cannot see each other's processes: a staging branch
 * whose lease is past `expires` (ms since the epoch) belongs to a job whose server died, and any server removes it.
 */
export interface JobLease {
  expires: number;
}

/** A tag: a name for one commit of the repo, for good (tags and branches share one namespace per repo). */
export interface TagRef {
  commit: string;
  created: number;
  author?: string;
  message?: string;
}

/**
 * One rule of a branch's cross-origin (browser) access, as S3's CORSRule: which origins (at most one `*` each)
 * may use which methods with which request headers, which response headers they may read, how long a preflight
 * answer may be cached.
 */
export interface CorsRule {
  id?: string;
  origins: string[];
  methods: string[];
  headers: string[];
  expose: string[];
  maxAgeSeconds?: number;
}

export interface UploadRef {
  key: string;
  created: number;
  template: Omit<ObjectManifest, "size" | "sha256" | "md5" | "etag" | "chunks" | "time" | "parts" | "checksums">;
  checksumAlgorithm?: string;
  /** COMPOSITE or FULL_OBJECT, chosen at CreateMultipartUpload */
  checksumType?: "FULL_OBJECT" | "COMPOSITE";
}

/**
 * A completed multipart upload, remembered for a while (see multipart.ts, COMPLETIONS) so that a retried or
 * concurrent CompleteMultipartUpload with the same part list gets the first one's answer.
 */
export interface CompletionRef {
  key: string;
  /** sha256 of the completed part list (numbers and ETags in order): a retry must name the same parts */
  parts: string;
  etag: string;
  /** the new version's id (absent: none named, as while versioning is suspended) */
  version?: string;
  checksum?: { algorithm: string; value: string; type: "FULL_OBJECT" | "COMPOSITE" };
  time: number;
}

export interface PartRecord {
  size: number;
  /**
   * The part's SHA-256 digest as bytesDigest gives it (parts stored by older versions: of their bytes),
   * which is its ETag in sha256 mode and what the multipart ETag is computed from.
   */
  sha256: string;
  md5?: string;
  etag: string;
  checksums?: Record<string, string>;
  chunks: ChunkRef[];
  time: number;
}
