// The one door into the versioned model for the protocol layers (S3, admin, jobs), in repo words: repos,
// branches, commits, snapshots of a ref, versions of a key, listings, writes, uploads. Callers never see tree
// roots, the commit graph, the store or the on-disk fields of a version entry (scripts/check-layers.ts checks).
// Reads see the durable view of the refs (what has reached disk); writers build on the latest under a lock.
import type { Store } from "../store/store.ts";
import { ChunkBuffers, DEFAULT_CHUNKING } from "../hash/chunker.ts";
import { sharedChunkHasher } from "../hash/chunk-hashing.ts";
import { type CacheBudgets, DEFAULT_CACHE_BUDGETS } from "../util/memory-budget.ts";
import { checkStore, type FsckReport } from "./fsck.ts";
import { collectGarbage, type GcOptions, type GcReport } from "./gc.ts";
import { Manifests } from "./manifests.ts";
import type { BranchRef, CommitRecord, CompletionRef, CorsRule, ObjectManifest, RepoRef, TagRef, TagSet, UploadRef, VersionEntry } from "./model.ts";
import { sameTags, type TagLookup } from "./object-tags.ts";
import { Multipart, partListDigest, type PartInfo } from "./multipart.ts";
import {
  bytesManifest,
  copyManifest,
  type EtagMode,
  type ObjectChecksum,
  type ObjectDescription,
  type ObjectVersion,
  partRecord,
  partsManifest,
  reusableBytes,
  summaryOf,
  type VersionSummary,
} from "./object-records.ts";
import { type ChunkRef, ChunkRangeReader, readChunks, storeBytes, storeStream, type StoredBytes } from "./objects.ts";
import { RepoError } from "./errors.ts";
import { NULL_VERSION, type PurgeFilter } from "./purges.ts";
import { LogicalSizes } from "./sizes.ts";
import type { Conflict, MergeStrategy } from "./merge.ts";
import { type BranchInfo, type CommitDetails, type JobMark, type KeyWrite, type MergeOptions, type MergeOutcome, VersionedStore, type Versioning, type WriteExtras, type WriteOutcome } from "./versioned-store.ts";

/** A branch of a repo: where writes go. */
export interface BranchId {
  repo: string;
  branch: string;
}

/** A commit as callers see it (its tree and ancestry links stay inside); `merged` is a merge's second parent. */
export type CommitInfo = Omit<CommitRecord, "root" | "gen" | "skip" | "height" | "lastMerge">;

/** A tag: a name for one commit of its repo. */
export interface TagInfo {
  repo: string;
  name: string;
  commit: string;
  created: number;
  author?: string;
  message?: string;
}

/** A key both sides of a merge changed differently, with its version in the merge base and on each side. */
export type MergeConflict = { key: string } & { [side in "base" | "source" | "dest"]?: VersionSummary };

/** What a merge or revert did (see VersionedStore.merge); conflicts are listed only when it wrote nothing. */
export type MergeResult = Omit<MergeOutcome, "conflicts"> & { conflicts: MergeConflict[] };

export type { CommitDetails, MergeOptions, MergeStrategy };
export { MERGE_STRATEGIES } from "./merge.ts";

/** The commit open on a branch, if any: writes collect in it until it is finished. */
export interface OpenCommitInfo {
  id: string;
  parent: string | null;
  started: number;
  message?: string;
}

export interface BranchState {
  repo: string;
  branch: string;
  created: number;
  head: string | null;
  open?: OpenCommitInfo;
  protected?: true;
}

/**
 * What a snapshot shows: a commit of the repo (in the history of `branch` when given, else of any branch), or a
 * branch's head (or its open commit, with `openCommit`: a job's output), or the commit a tag names.
 */
export interface SnapshotOf {
  repo: string;
  branch?: string;
  commit?: string;
  openCommit?: boolean;
  /** a tag of the repo (without branch or commit): its commit, shown for as long as the tag names it */
  tag?: string;
}

/** A commit named by a ref: a branch's head, or a tag's commit when the repo has a tag of that name, or a commit id. */
export interface CommitRef {
  repo: string;
  branch?: string;
  commit?: string;
}

/** A ref resolved to the tree it shows at one moment; hand it back to read, list and diff. */
export interface Snapshot {
  readonly of: SnapshotOf;
  /** the commit shown (the version served), if the branch has any */
  readonly commit?: string;
  /** @internal repo/ only */
  readonly root: string | null;
  /** @internal which versions of the repo were purged (left out of every read) */
  readonly purged: PurgeFilter;
  /** @internal the tags of versions changed since they were written (object-tags.ts) */
  readonly tagged: TagLookup;
  /** @internal the refs it was resolved from (the repo's, the branch's or tag's): while they are the current ones, so is the snapshot */
  readonly refs: readonly [RepoRef | undefined, BranchRef | TagRef | undefined];
}

/** Runs under the branch lock against the versions the write would replace: conditional writes are atomic. */
export type WriteCheck = (current: (key: string) => VersionSummary | undefined) => void;

export interface WriteOptions {
  check?: WriteCheck;
  /** who makes the commit (the request's user), recorded in it */
  author?: string;
}

/** What a write did: its commit, and the version id it gave the key (undefined: none, e.g. "null" is not named). */
export interface Written {
  commit: string;
  manifest: ObjectManifest;
  /** the new version's id: the commit, or "null" while the branch's versioning is suspended */
  version?: string;
}

/** New bytes for a key: their chunks (see ingest), the ETag wanted, the description and verified checksums. */
export interface NewObject {
  stored: StoredBytes;
  etag: EtagMode;
  description: ObjectDescription;
  checksum?: ObjectChecksum;
}

export interface UploadInfo {
  id: string;
  key: string;
  created: number;
  /** what the object will be described by, set when the upload was created */
  description: ObjectDescription;
  checksumAlgorithm?: string;
  checksumType?: "FULL_OBJECT" | "COMPOSITE";
}

/** What completing an upload answered: the object's key, ETag, checksum and new version id (see Written). */
export type CompletedUpload = Omit<CompletionRef, "parts" | "time">;

export type { PartInfo } from "./multipart.ts";
export type { EtagMode, ObjectDescription, ObjectVersion, VersionSummary } from "./object-records.ts";
export type { Versioning, WriteOutcome } from "./versioned-store.ts";

export class RepoService<S extends Store = Store> {
  /** internals, for repo-level tests and tools; the protocol layers use the methods below */
  readonly versions: VersionedStore;
  readonly manifests: Manifests;
  readonly multipart: Multipart;
  private readonly sizes: LogicalSizes;
  /** Chunk buffers shared by every upload and streamed read; a few stay allocated between them. */
  private readonly chunkBuffers: ChunkBuffers;

  /** `budgets`: what each cache may hold (util/memory-budget.ts; the composition root splits --memory-limit). */
  constructor(readonly store: S, budgets: CacheBudgets = DEFAULT_CACHE_BUDGETS) {
    this.versions = new VersionedStore(store, budgets);
    this.manifests = new Manifests(store.blobs, budgets.manifests);
    this.chunkBuffers = new ChunkBuffers(DEFAULT_CHUNKING.max, budgets.chunkBuffers, budgets.chunkBuffers > 0 ? sharedChunkHasher(DEFAULT_CHUNKING.max) : undefined);
    this.multipart = new Multipart(store);
    this.sizes = new LogicalSizes((s, o) => this.versions.listKeys(s, o));
  }

  // ---- repos and branches ----

  listRepos(): Array<{ name: string; created: number; description?: string }> {
    return this.versions.listRepos("durable").map(({ name, created, description }) => ({ name, created, description }));
  }

  hasRepo(repo: string): boolean {
    return this.versions.getRepo(repo, "durable") !== undefined;
  }

  /** Throws NoSuchRepo unless the repo exists. */
  requireRepo(repo: string): void {
    this.versions.requireRepo(repo, "durable");
  }

  createRepo(repo: string, description?: string): Promise<void> {
    return this.versions.createRepo(repo, description);
  }

  async deleteRepo(repo: string, force: boolean): Promise<void> {
    await this.versions.deleteRepo(repo, force);
    this.sizes.drop(repo);
  }

  /** A repo's logical size (sizes.ts): the bytes its branches show, each version counted once. */
  logicalBytes(repo: string): number {
    const snapshots = this.listBranches(repo).filter((b) => b.head).map((b) => this.snapshot({ repo, branch: b.branch }));
    return this.sizes.of(repo, snapshots, this.versions.getRepo(repo, "durable")?.purged ?? null);
  }

  listBranches(repo?: string): BranchInfo[] {
    return this.versions.listBranches(repo, "durable");
  }

  branch(repo: string, branch: string): BranchState | undefined {
    const ref = this.versions.getBranch(repo, branch, "durable");
    return ref && branchState(repo, branch, ref);
  }

  /** Throws NoSuchBranch unless the branch exists. */
  requireBranch(repo: string, branch: string): BranchState {
    return branchState(repo, branch, this.versions.requireBranch(repo, branch, "durable"));
  }

  /** `job`: the branch is that sidecar job's staging branch (BranchRef.job), leased to its server (JobLease). */
  createBranch(repo: string, branch: string, from?: { commit?: string; branch?: string }, job?: JobMark): Promise<void> {
    return this.versions.createBranch(repo, branch, from, job);
  }

  /**
   * With `keepVersions`, only when that makes no version unreadable (BranchNotEmpty otherwise); with
   * `unlessLeased`, a job's staging branch only once its lease has expired (false: it stays).
   */
  deleteBranch(repo: string, branch: string, options: { keepVersions?: boolean; keepEmptyRepo?: boolean; unlessLeased?: boolean } = {}): Promise<boolean> {
    return this.versions.deleteBranch(repo, branch, options);
  }

  /** Keeps a running job's staging branch leased until `until`; false when its lease is gone. */
  renewJobLease(job: string, until: number): Promise<boolean> {
    return this.versions.renewJobLease(job, until);
  }

  /** S3 bucket versioning of a branch: Enabled (every branch starts so) or Suspended. */
  versioning(repo: string, branch: string): Versioning {
    return this.versions.versioning(repo, branch);
  }

  setVersioning(repo: string, branch: string, status: Versioning): Promise<void> {
    return this.versions.setVersioning(repo, branch, status);
  }

  // ---- commits ----

  findCommit(repo: string, id: string): CommitInfo | undefined {
    return this.versions.findCommit(repo, id, "durable");
  }

  headCommit(repo: string, branch: string): CommitInfo | undefined {
    return this.versions.headCommit(repo, branch, "durable");
  }

  /** Every finished commit of a repo, newest first, on a branch or not (a deleted branch's too); at most `limit`. */
  repoCommits(repo: string, limit: number): { commits: CommitInfo[]; truncated: boolean } {
    return this.versions.repoCommits(repo, limit);
  }

  /**
   * A commit and its ancestors through both parents (what a merge brought in too), newest first, each once: a
   * history as `log` shows it. Only the commits yielded and their parents are read.
   */
  *history(repo: string, from: string): Generator<CommitInfo> {
    const seen = new Set<string>();
    // Commits still to show, oldest first (so the newest pops); ids order commits made in the same millisecond.
    const frontier: CommitInfo[] = [];
    const newer = (a: CommitInfo, b: CommitInfo) => a.time > b.time || (a.time === b.time && a.id > b.id);
    const add = (id: string | null | undefined) => {
      if (!id || seen.has(id)) return;
      seen.add(id);
      const commit = this.versions.findCommit(repo, id, "durable");
      if (!commit) return;
      let at = frontier.length;
      while (at > 0 && newer(frontier[at - 1], commit)) at--;
      frontier.splice(at, 0, commit);
    };
    add(from);
    for (let commit = frontier.pop(); commit; commit = frontier.pop()) {
      yield commit;
      add(commit.parent);
      add(commit.merged);
    }
  }

  /** Whether the commit is the head of the branch or one of its ancestors. */
  inHistory(repo: string, branch: string, commit: string): boolean {
    return this.versions.inHistory(repo, branch, commit);
  }

  startCommit(repo: string, branch: string, message?: string, options: { empty?: boolean } & Omit<CommitDetails, "message"> = {}): Promise<string> {
    return this.versions.startCommit(repo, branch, message, options);
  }

  finishCommit(repo: string, branch: string, message?: string): Promise<CommitInfo> {
    return this.versions.finishCommit(repo, branch, message);
  }

  dropCommit(repo: string, branch: string): Promise<void> {
    return this.versions.dropCommit(repo, branch);
  }

  /** The id of the commit open on a branch as writers see it (including what is not durable yet). */
  openCommitNow(repo: string, branch: string): string | undefined {
    return this.versions.getBranch(repo, branch, "latest")?.open?.id;
  }

  // ---- merges, reverts, tags, protected branches ----

  /** The commit a ref names (see CommitRef); throws NoSuchBranch / NoSuchCommit when there is none. */
  resolveCommit(ref: CommitRef): string {
    const vs = this.versions;
    vs.requireRepo(ref.repo, "durable");
    if (ref.commit) {
      if (!vs.findCommit(ref.repo, ref.commit, "durable") || (ref.branch !== undefined && !vs.inHistory(ref.repo, ref.branch, ref.commit))) {
        throw new RepoError("NoSuchCommit", `commit ${ref.commit} is not in ${ref.branch === undefined ? `repo ${ref.repo}` : `the history of ${ref.branch}.${ref.repo}`}`);
      }
      return ref.commit;
    }
    const name = ref.branch!;
    const tag = vs.getTag(ref.repo, name, "durable");
    if (tag) return tag.commit;
    const head = vs.requireBranch(ref.repo, name, "durable").head;
    if (!head) throw new RepoError("NoSuchCommit", `branch ${name}.${ref.repo} has no commits yet`);
    return head;
  }

  /** Merges what a ref names into a branch (see VersionedStore.merge); the source must be of the same repo. */
  async merge(into: BranchId, from: CommitRef, options: MergeOptions = {}): Promise<MergeResult> {
    if (from.repo !== into.repo) throw new RepoError("NoSuchCommit", `can't merge from repo ${from.repo} into repo ${into.repo}: a merge stays within one repo`);
    return this.mergeResult(await this.versions.merge(into.repo, into.branch, this.resolveCommit(from), options));
  }

  /** A new commit on the branch undoing exactly one commit of its history. */
  async revert(branch: BranchId, commit: string, options: MergeOptions = {}): Promise<MergeResult> {
    return this.mergeResult(await this.versions.revert(branch.repo, branch.branch, commit, options));
  }

  private mergeResult(outcome: MergeOutcome): MergeResult {
    const side = (key: string, e: VersionEntry | undefined) => e && summaryOf(key, e);
    const conflicts = outcome.conflicts.map((c: Conflict<VersionEntry>): MergeConflict => ({
      key: c.key,
      ...(c.base && { base: side(c.key, c.base) }),
      ...(c.source && { source: side(c.key, c.source) }),
      ...(c.dest && { dest: side(c.key, c.dest) }),
    }));
    return { ...outcome, conflicts };
  }

  listTags(repo: string): TagInfo[] {
    return this.versions.listTags(repo, "durable").map((t) => ({ repo, ...t }));
  }

  tag(repo: string, name: string): TagInfo | undefined {
    const t = this.versions.getTag(repo, name, "durable");
    return t && { repo, name, ...t };
  }

  /** Names the commit a ref names (a branch's head, a commit) as a tag, for good. */
  async createTag(repo: string, name: string, at: CommitRef, details: Omit<CommitDetails, "meta"> = {}): Promise<TagInfo> {
    if (at.repo !== repo) throw new RepoError("NoSuchCommit", `tag ${name}.${repo} must name a commit of repo ${repo}, not of ${at.repo}`);
    return { repo, name, ...(await this.versions.createTag(repo, name, this.resolveCommit(at), details)) };
  }

  deleteTag(repo: string, name: string): Promise<void> {
    return this.versions.deleteTag(repo, name);
  }

  /** Protected branches refuse direct writes and deletion; merges and reverts still land. */
  setProtected(repo: string, branch: string, on: boolean): Promise<void> {
    return this.versions.setProtected(repo, branch, on);
  }

  // ---- snapshots and reads ----

  /** Resolves a ref to what it shows now; throws NoSuchRepo, NoSuchBranch, NoSuchTag, or NoSuchCommit (not there, or not in the branch's history). */
  snapshot(of: SnapshotOf): Snapshot {
    const vs = this.versions;
    const repoRef = vs.getRepo(of.repo, "durable");
    if (!repoRef) throw new RepoError("NoSuchRepo", `repo ${of.repo} does not exist`);
    if (of.tag !== undefined) {
      const tagRef = vs.getTag(of.repo, of.tag, "durable");
      const commit = tagRef && vs.findCommit(of.repo, tagRef.commit, "durable");
      if (!commit) throw new RepoError("NoSuchTag", `tag ${of.tag}.${of.repo} does not exist`);
      return { of, refs: [repoRef, tagRef], ...vs.snapshot(of.repo, commit.root, "durable"), commit: commit.id };
    }
    const branchRef = of.branch === undefined ? undefined : vs.getBranch(of.repo, of.branch, "durable");
    if (of.branch !== undefined && !branchRef) throw new RepoError("NoSuchBranch", `branch ${of.branch} of repo ${of.repo} does not exist`);
    const refs = [repoRef, branchRef] as const;
    if (of.commit) {
      const commit = vs.findCommit(of.repo, of.commit, "durable");
      if (!commit || (of.branch !== undefined && !vs.inHistory(of.repo, of.branch, of.commit))) {
        throw new RepoError("NoSuchCommit", `commit ${of.commit} is not in the history of ${of.branch === undefined ? `repo ${of.repo}` : `${of.branch}.${of.repo}`}`);
      }
      return { of, refs, ...vs.snapshot(of.repo, commit.root, "durable"), commit: commit.id };
    }
    const open = of.openCommit ? branchRef?.open : undefined;
    if (open) return { of, refs, ...vs.snapshot(of.repo, open.root, "durable"), commit: open.id };
    const head = branchRef?.head ? vs.findCommit(of.repo, branchRef.head, "durable") : undefined;
    return { of, refs, ...vs.snapshot(of.repo, head?.root ?? null, "durable"), commit: head?.id };
  }

  /** Whether a snapshot still shows what its ref does: refs are replaced, never changed, on every write. */
  isCurrent(snapshot: Snapshot): boolean {
    const { repo, branch, tag } = snapshot.of;
    const [repoRef, nameRef] = snapshot.refs;
    const named = branch !== undefined ? this.versions.getBranch(repo, branch, "durable") : tag !== undefined ? this.versions.getTag(repo, tag, "durable") : undefined;
    return this.versions.getRepo(repo, "durable") === repoRef && named === nameRef;
  }

  /**
   * The version of key the snapshot shows (undefined when none), or the one a version id names: "null" the key's
   * null version, a commit id the version that commit wrote or the one the key had then; that commit must be the
   * snapshot's or an ancestor of it (any commit of the repo for a snapshot of a commit without branch). A version
   * id that names nothing there, or a purged version, throws NoSuchVersion saying why.
   */
  readVersion(snapshot: Snapshot, key: string, versionId?: string): ObjectVersion | undefined {
    const vs = this.versions;
    let entry;
    if (versionId === undefined) entry = vs.entry(snapshot, key);
    else if (versionId === NULL_VERSION) {
      entry = vs.findVersion(snapshot, key, NULL_VERSION);
      if (!entry) throw new RepoError("NoSuchVersion", `key ${key} has no null version in ${refText(snapshot.of)}`);
    } else {
      const { repo, branch } = snapshot.of;
      const commit = vs.findCommit(repo, versionId, "durable");
      const visible = commit && (branch === undefined || (snapshot.commit !== undefined &&
        vs.graph.isAncestor(vs.getRepo(repo, "durable")?.commits ?? null, commit, vs.findCommit(repo, snapshot.commit, "durable")!)));
      if (!visible) throw new RepoError("NoSuchVersion", `${versionId} is not a commit in the history of ${refText(snapshot.of)}`);
      if (snapshot.purged?.(key, versionId)) throw new RepoError("NoSuchVersion", `version ${versionId} of key ${key} was deleted for good`);
      entry = vs.entry({ root: commit.root, purged: snapshot.purged, tagged: snapshot.tagged }, key);
      if (!entry) throw new RepoError("NoSuchVersion", `key ${key} has no version as of commit ${versionId}`);
    }
    if (!entry) return undefined;
    const summary = summaryOf(key, entry);
    if (summary.deleteMarker) return summary;
    const manifest = this.manifests.get(entry.m!);
    return { ...summary, manifest, tags: snapshot.tagged?.(key, entry.c) ?? manifest.tags ?? [] };
  }

  /** Live keys under a prefix, after a key, folded into common prefixes by a delimiter; at most `limit` items. */
  list(snapshot: Snapshot, o: { prefix?: string; delimiter?: string; after?: string; limit: number }) {
    const page = this.versions.listKeys(snapshot, o);
    return {
      objects: page.entries.map(([key, e]) => summaryOf(key, e) as Extract<VersionSummary, { deleteMarker: false }>),
      prefixes: page.prefixes,
      truncated: page.truncated,
      /** where the next page starts after */
      last: page.last,
    };
  }

  /** Every version of every key from `from` (or after `after`) on, newest first per key, delete markers included. */
  *listVersions(snapshot: Snapshot, o: { prefix?: string; delimiter?: string; from?: string; after?: string }): Generator<(VersionSummary & { latest: boolean }) | { prefix: string }> {
    for (const item of this.versions.listVersions(snapshot, o)) {
      yield "prefix" in item ? item : { ...summaryOf(item.key, item.entry), latest: item.latest };
    }
  }

  countObjects(snapshot: Snapshot): number {
    return this.versions.objects.count(snapshot.root);
  }

  /**
   * Keys whose bytes differ between two snapshots of a repo (purged versions left out), with their versions before
   * and after, as a person reading a diff means it: a key written again with the same bytes (same manifest, or
   * same size and chunks — chunks are content-addressed, their boundaries set by the bytes alone) is no change,
   * though it has a new version.
   */
  *diffContents(from: Snapshot, to: Snapshot): Generator<{ key: string; change: "added" | "changed" | "deleted"; before?: VersionSummary; after?: VersionSummary }> {
    const sameBytes = (x: VersionEntry, y: VersionEntry) => x.m === y.m || (x.s === y.s && this.sameChunks(x.m!, y.m!));
    for (const d of this.versions.diffRoots(from.root, to.root, sameBytes, to.purged)) {
      yield { key: d.key, change: d.change, before: d.before && summaryOf(d.key, d.before), after: d.after && summaryOf(d.key, d.after) };
    }
  }

  // ---- bytes ----

  /**
   * Stores bytes as chunks; nothing is visible until a manifest that names them is committed. Bytes given in
   * memory are handed over: the caller must not change them afterwards. With `declared` (the body's announced
   * length) a disk too full for it refuses the write (DiskFullError) before a byte is read.
   */
  async ingest(body: ReadableStream<Uint8Array> | Uint8Array | null, options: { md5?: boolean; maxSize?: number; declared?: number } = {}): Promise<StoredBytes> {
    if (options.declared !== undefined) this.store.blobs.admit?.(options.declared);
    return body instanceof Uint8Array ? storeBytes(this.store.blobs, this.chunkBuffers, body, options) : storeStream(this.store.blobs, this.chunkBuffers, body, options);
  }

  readObject(manifest: ObjectManifest, start = 0, end = manifest.size - 1): ReadableStream<Uint8Array> {
    return this.read(manifest.chunks, start, end);
  }

  /** Bytes [start, end] of stored chunks (see ingest). */
  read(chunks: ChunkRef[], start: number, end: number): ReadableStream<Uint8Array> {
    return readChunks(this.store.blobs, chunks, start, end);
  }

  /**
   * readObject for a consumer that is done with each piece before it asks for the next (an HTTP server writing it
   * out) and closes the reader at the end: the pieces are views of one buffer, reused, and given back by close().
   */
  readObjectPieces(manifest: ObjectManifest, start = 0, end = manifest.size - 1): ChunkRangeReader {
    return new ChunkRangeReader(this.store.blobs, manifest.chunks, start, end, this.chunkBuffers);
  }

  /**
   * Bytes [start, end] of an object stored as a single chunk (every object below the chunker's minimum size),
   * read at once; undefined for objects of several chunks, which are streamed. Memory is bounded by the largest
   * chunk, as when streaming. A response with a body in hand is far cheaper than a one-chunk stream: with
   * 4 KiB objects the stream machinery was ~20% of a GET.
   */
  readSingleChunk(manifest: ObjectManifest, start = 0, end = manifest.size - 1): Uint8Array<ArrayBuffer> | undefined {
    if (manifest.chunks.length !== 1) return undefined;
    const bytes = this.store.blobs.get(manifest.chunks[0][0]) as Uint8Array<ArrayBuffer>; // read into a fresh ArrayBuffer
    return bytes.subarray(start, end + 1);
  }

  // ---- writes: each is one commit on the branch (or goes into its open commit), resolved once durable ----

  /** New bytes as the key's next version. */
  writeObject(branch: BranchId, key: string, object: NewObject, options: WriteOptions = {}): Promise<Written> {
    return this.commitManifest(branch, key, bytesManifest(object.stored, object.etag, object.description, object.checksum), options);
  }

  /**
   * A copy of a version (its chunks reused, no byte copied) as the key's next version; `description` replaces the
   * source's; `tags`: the copy's (the source's now, or new ones).
   */
  copyObject(branch: BranchId, key: string, source: Extract<ObjectVersion, { deleteMarker: false }>, description: ObjectDescription | undefined, tags: TagSet, options: WriteOptions = {}): Promise<Written> {
    return this.commitManifest(branch, key, copyManifest(source.manifest, description, tags), options);
  }

  /**
   * Gives a version of a key (as a read of the branch found it) a new tag set, without a new version (S3's
   * PutObjectTagging; an empty set: DeleteObjectTagging). Every branch, commit and tag bucket that shows the
   * version sees it. Throws NoSuchVersion when the version was purged meanwhile, BranchProtected on a protected
   * branch.
   */
  async setObjectTags(branch: BranchId, key: string, version: Extract<ObjectVersion, { deleteMarker: false }>, tags: TagSet): Promise<void> {
    // Back to the tags it was written with: the index forgets it rather than repeat its manifest.
    const record = sameTags(tags, version.manifest.tags ?? []) ? null : { tags, time: Date.now() };
    await this.versions.setObjectTags(branch.repo, branch.branch, key, version.commit, record);
  }

  /** The branch's bucket tags (S3 PutBucketTagging), or undefined when it has none. */
  bucketTags(repo: string, branch: string): TagSet | undefined {
    return this.versions.getBucketTags(repo, branch, "durable");
  }

  /** Replaces a branch's bucket tags; null removes them. */
  setBucketTags(repo: string, branch: string, tags: TagSet | null): Promise<void> {
    return this.versions.setBucketTags(repo, branch, tags);
  }

  /**
   * Deletes keys, as one commit: without a version id a delete marker (over a missing key or another marker
   * too); with one, that version is purged for good. `outcomes` says what happened to each, in order.
   */
  deleteObjects(branch: BranchId, deletes: Array<{ key: string; version?: string }>, options: WriteOptions = {}): Promise<{ commit: string; changed: boolean; outcomes: WriteOutcome[] }> {
    const time = Date.now();
    return this.write(branch, deletes.map(({ key, version }) => (version === undefined ? { key, delete: true as const, time } : { key, purge: version, time })), options);
  }

  /** Stores bytes as one version at key (for tools and tests; S3 writes through writeObject). */
  async putObject(repo: string, branch: string, key: string, body: ReadableStream<Uint8Array> | Uint8Array, options: { contentType?: string; meta?: Record<string, string> } = {}): Promise<{ commit: string; etag: string; manifest: string }> {
    const stored = await this.ingest(body instanceof Uint8Array ? body.slice() : body);
    const description = { contentType: options.contentType, meta: options.meta };
    const { commit, manifest, hash } = await this.commitManifest({ repo, branch }, key, bytesManifest(stored, "sha256", description), {});
    return { commit, etag: manifest.etag, manifest: hash };
  }

  /** The manifest of key at a branch's head (or at a commit of the repo), or undefined when absent or deleted. */
  statObject(repo: string, branch: string, key: string, commit?: string): ObjectManifest | undefined {
    const root = commit ? this.versions.findCommit(repo, commit, "durable")?.root : this.versions.headCommit(repo, branch, "durable")?.root;
    const entry = root ? this.versions.entry(this.versions.snapshot(repo, root, "durable"), key) : undefined;
    return entry?.m ? this.manifests.get(entry.m) : undefined;
  }

  /** Reads a whole object into memory: for tools and tests; servers stream with readObject. */
  async getObject(repo: string, branch: string, key: string, commit?: string): Promise<Uint8Array | undefined> {
    const manifest = this.statObject(repo, branch, key, commit);
    if (!manifest) return undefined;
    return new Uint8Array(await new Response(this.readObject(manifest)).arrayBuffer());
  }

  /** The branch's cross-origin (browser) access rules, or undefined when it has none. */
  corsRules(repo: string, branch: string): CorsRule[] | undefined {
    return this.versions.getCors(repo, branch, "durable");
  }

  /** Replaces a branch's cross-origin access rules; null removes them. */
  setCorsRules(repo: string, branch: string, rules: CorsRule[] | null): Promise<void> {
    return this.versions.setCors(repo, branch, rules);
  }

  /** Whether anyone may read the branch (and its commits) without credentials. */
  isPublic(repo: string, branch: string): boolean {
    return this.versions.getBranch(repo, branch, "durable")?.public === true;
  }

  /** Opens a branch to reading without credentials, or closes it again; writes always need credentials. */
  setPublic(repo: string, branch: string, on: boolean): Promise<void> {
    return this.versions.setPublic(repo, branch, on);
  }

  // ---- multipart uploads ----

  /** Refused at once where the upload could never be completed (a protected branch), before any part is sent. */
  async createUpload(branch: BranchId, key: string, o: { description: ObjectDescription; checksumAlgorithm?: string; checksumType?: "FULL_OBJECT" | "COMPOSITE" }): Promise<string> {
    this.versions.requireWritable(branch.repo, branch.branch);
    return this.multipart.create(branch.repo, branch.branch, { key, created: Date.now(), template: o.description, checksumAlgorithm: o.checksumAlgorithm, checksumType: o.checksumType });
  }

  /** Throws NoSuchUpload unless the upload is in progress on the branch. */
  upload(branch: BranchId, id: string): UploadInfo {
    return uploadInfo({ id, ...this.multipart.get(branch.repo, branch.branch, id) });
  }

  uploads(branch: BranchId): UploadInfo[] {
    return this.multipart.list(branch.repo, branch.branch).map(uploadInfo);
  }

  /** Records new bytes as part n (replacing an earlier one); resolves once durable, with the part's ETag and time. */
  async putPart(branch: BranchId, id: string, n: number, stored: StoredBytes, etag: EtagMode, checksums?: Record<string, string>): Promise<{ etag: string; time: number }> {
    const part = partRecord(stored, etag, checksums);
    await this.multipart.putPart(branch.repo, branch.branch, id, n, part);
    return { etag: part.etag, time: part.time };
  }

  /** Records bytes [start, end] of a version (the whole of it without a range) as part n. */
  async copyPart(branch: BranchId, id: string, n: number, source: Extract<ObjectVersion, { deleteMarker: false }>, range: { start: number; end: number } | undefined, etag: EtagMode): Promise<{ etag: string; time: number }> {
    const reused = range ? undefined : reusableBytes(source.manifest, etag);
    const stored = reused ?? await this.ingest(this.readObject(source.manifest, range?.start ?? 0, range?.end ?? source.manifest.size - 1), { md5: etag === "md5" });
    return this.putPart(branch, id, n, stored, etag);
  }

  /** The upload's parts by number (as writers see them). */
  parts(id: string): PartInfo[] {
    return this.multipart.parts(id);
  }

  /**
   * Commits the chosen parts, in order, as the key's next version (no byte is copied) and forgets the upload, in
   * one atomic ref change under the branch lock, so that of concurrent completes exactly one makes a version. The
   * others, and later retries, get its answer when they name the same parts (see completedUpload), else
   * NoSuchUpload. `checksum` is the object's, computed from its parts' by the caller.
   */
  async completeUpload(
    branch: BranchId,
    upload: UploadInfo,
    parts: readonly PartInfo[],
    etag: EtagMode,
    checksum: { algorithm: string; value: string; type: "FULL_OBJECT" | "COMPOSITE" } | undefined,
    options: WriteOptions = {},
  ): Promise<CompletedUpload> {
    const manifest = partsManifest(upload.description, parts, etag, checksum);
    const hash = this.manifests.put(manifest);
    const answer = (version: string | undefined): CompletedUpload => ({ key: upload.key, etag: manifest.etag, ...(version && { version }), ...(checksum && { checksum }) });
    const stillOpen: WriteCheck = (current) => {
      this.multipart.get(branch.repo, branch.branch, upload.id); // NoSuchUpload once another complete (or an abort) won
      options.check?.(current);
    };
    try {
      const { outcomes } = await this.write(branch, [{ key: upload.key, manifest: hash, size: manifest.size, etag: manifest.etag, time: manifest.time }], { ...options, check: stillOpen }, ({ outcomes }) =>
        this.multipart.completionChanges(branch.repo, branch.branch, upload.id, { ...answer(outcomes[0].version), parts: partListDigest(parts), time: Date.now() }));
      return answer(outcomes[0].version);
    } catch (err) {
      const won = err instanceof RepoError && err.code === "NoSuchUpload" && (await this.completedUpload(branch, upload.id, upload.key, parts));
      if (won) return won;
      throw err;
    }
  }

  /**
   * The answer upload `id` gave when it was completed as `key` with these parts (remembered for a while: see
   * COMPLETIONS in multipart.ts), once that completion is durable; undefined when it was not, or not so.
   */
  async completedUpload(branch: BranchId, id: string, key: string, parts: ReadonlyArray<{ number: number; etag: string }>): Promise<CompletedUpload | undefined> {
    const record = this.multipart.completion(branch.repo, branch.branch, id);
    if (!record || record.key !== key || record.parts !== partListDigest(parts)) return undefined;
    await this.store.flush(); // the winner's record may still be on its way to disk
    const { parts: _parts, time: _time, ...answer } = record;
    return answer;
  }

  /** Forgets an upload and its parts. */
  removeUpload(branch: BranchId, id: string): Promise<void> {
    return this.multipart.remove(branch.repo, branch.branch, id);
  }

  private sameChunks(a: string, b: string): boolean {
    const x = this.manifests.get(a).chunks;
    const y = this.manifests.get(b).chunks;
    return x.length === y.length && x.every(([hash], i) => hash === y[i][0]);
  }

  // ---- maintenance ----

  /** Verifies every pack record and every reachable object; safe while serving. */
  fsck(): Promise<FsckReport> {
    return checkStore(this.store, this.versions.history);
  }

  /** Removes what no ref reaches by rewriting sparse packs; safe while serving (see gc.ts for the protocol). */
  gc(options?: GcOptions): Promise<GcReport> {
    return collectGarbage(this.store, this.versions.history, options);
  }

  /**
   * Lets go of everything cached (memory pressure): decoded trees, commits and manifests, the chunk buffers kept
   * between uploads, the store's blob cache. Reads after it load what they need again.
   */
  dropCaches(): void {
    this.versions.dropCaches();
    this.manifests.dropCache();
    this.chunkBuffers.clear();
    this.store.blobs.dropCaches?.();
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private async commitManifest(branch: BranchId, key: string, manifest: ObjectManifest, options: WriteOptions): Promise<Written & { hash: string }> {
    const hash = this.manifests.put(manifest);
    const { commit, outcomes } = await this.write(branch, [{ key, manifest: hash, size: manifest.size, etag: manifest.etag, time: manifest.time }], options);
    return { commit, manifest, version: outcomes[0].version, hash };
  }

  private write(branch: BranchId, writes: KeyWrite[], { check, author }: WriteOptions, also?: WriteExtras["also"]): Promise<{ commit: string; changed: boolean; outcomes: WriteOutcome[] }> {
    const checkEntries = check && ((current: (key: string) => VersionEntry | undefined) => check((key) => {
      const entry = current(key);
      return entry && summaryOf(key, entry);
    }));
    return this.versions.write(branch.repo, branch.branch, writes, checkEntries, { author, also });
  }
}

/** How a snapshot's ref reads in messages: `branch.repo`, or `repo` for a commit of any branch. */
const refText = (of: SnapshotOf): string => (of.branch === undefined ? `repo ${of.repo}` : `${of.branch}.${of.repo}`);

function uploadInfo({ id, key, created, template, checksumAlgorithm, checksumType }: { id: string } & UploadRef): UploadInfo {
  return { id, key, created, description: template, checksumAlgorithm, checksumType };
}

function branchState(repo: string, branch: string, ref: BranchRef): BranchState {
  const open = ref.open && { id: ref.open.id, parent: ref.open.parent, started: ref.open.started, message: ref.open.message };
  return { repo, branch, created: ref.created, head: ref.head, open, ...(ref.protected && { protected: ref.protected }) };
}
