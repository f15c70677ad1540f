// Repos, branches and commits over the store. Every write is a commit (or goes into the branch's open commit).
// Writers build on the latest refs under a per-repo lock; readers see only what is durable.
import { randomHex } from "../util/bytes.ts";
import { KeyedMutex } from "../util/mutex.ts";
import { type CacheBudgets, DEFAULT_CACHE_BUDGETS } from "../util/memory-budget.ts";
import { retryOnConflict, type Store } from "../store/store.ts";
import type { RefChange, RefView as View } from "../store/ref-journal.ts";
import { getJson, putJson, putJsonSized } from "./blob-codec.ts";
import { type ListOptions, type ListPage, listKeys, listVersions, type VersionItem } from "./listing.ts";
import { CommitGraph, heightOf } from "./commit-graph.ts";
import { type Conflict, type MergeStrategy, planMerge, type Take } from "./merge.ts";
import { RepoError, tagIsReadOnly } from "./errors.ts";
import { completionRemovals, uploadRemovals } from "./multipart.ts";
import { type BranchRef, type CommitRecord, type CorsRule, isLiveEntry, type JobLease, type ObjectManifest, type OpenCommit, type RepoRef, type TagRef, type TagSet, type VersionEntry } from "./model.ts";
import { ObjectTags, type TagLookup, type TagRecord } from "./object-tags.ts";
import { History, NULL_VERSION, type PurgeFilter, purgeKey, versionIdOf } from "./purges.ts";
import { branchRef, COMMIT_ID, NAME_PATTERN, reservedRepoProblem } from "./ref-names.ts";
import { parseRefKey, REF } from "./ref-keys.ts";
import { Tree } from "./tree.ts";
import { writesMessage } from "./commit-messages.ts";

/**
 * A write to one key: a new version (manifest hash with its size and ETag), a deletion (a delete marker), or the
 * purge of one version for good (by its version id: the commit that wrote it, or "null").
 */
export type KeyWrite =
  | { key: string; manifest: string; size: number; etag: string; time: number }
  | { key: string; delete: true; time: number }
  | { key: string; purge: string; time: number };

/**
 * What a write did to its key. `version` is the S3 version id: of the new version or marker (the commit, or
 * "null" while versioning is suspended), of the version purged, or as asked for when there was nothing to do.
 */
export type WriteOutcome =
  | { key: string; kind: "version" | "marker"; version: string }
  | { key: string; kind: "purged"; version: string; marker: boolean }
  | { key: string; kind: "none"; version?: string };

/** A reader's view of a repo's contents: a tree, and which versions in it were purged (see purges.ts). */
export interface Snapshot {
  root: string | null;
  purged: PurgeFilter;
  /** the tags of versions changed since they were written (see object-tags.ts) */
  tagged: TagLookup;
}

export type Versioning = "Enabled" | "Suspended";

/** What a write records besides its commit: who made it, and ref changes that must land with it (see write). */
export interface WriteExtras {
  author?: string;
  also?: (written: { commit: string; outcomes: WriteOutcome[] }) => RefChange[];
}

/** Chronologically sortable commit ids: 12 hex digits of milliseconds, then 20 random hex digits. */
export function newCommitId(now = Date.now()): string {
  return now.toString(16).padStart(12, "0").slice(-12) + randomHex(10);
}

export type KeyChange = { key: string; change: "added" | "changed" | "deleted"; before?: VersionEntry; after?: VersionEntry };

export interface BranchInfo {
  repo: string;
  branch: string;
  created: number;
  head: string | null;
  open?: string;
  protected?: true;
  /** the sidecar job whose staging branch this is (BranchRef.job) */
  job?: string;
}

/** What makes a new branch a sidecar job's staging branch: the job, and until when its lease holds at first. */
export interface JobMark {
  id: string;
  leaseUntil: number;
}

/** Who makes a commit and what it carries besides its changes. */
export interface CommitDetails {
  message?: string;
  /** the user of the request's token, or "anonymous" */
  author?: string;
  meta?: Record<string, string>;
}

export interface MergeOptions extends CommitDetails {
  strategy?: MergeStrategy;
  /** compute the outcome (and every conflict) without writing anything */
  dryRun?: boolean;
}

/**
 * What a merge (or revert) did: nothing to do, moved the branch to the source (fast-forward), made a commit, or
 * found conflicts (and wrote nothing). `commit` is the branch's head afterwards (none on a dry run that would
 * make one); `changed` counts the keys it changes, `resolved` the conflicts its strategy settled.
 */
export interface MergeOutcome {
  result: "up-to-date" | "fast-forward" | "merged" | "conflict";
  commit: string | null;
  base: string | null;
  changed: number;
  resolved: number;
  conflicts: Conflict<VersionEntry>[];
  dryRun: boolean;
}

/** Two entries of a key are one version exactly when all their fields match (a tree diff's equality). */
const sameEntry = (a: VersionEntry, b: VersionEntry): boolean => a.c === b.c && a.m === b.m && a.p === b.p && a.n === b.n && a.t === b.t;

export class VersionedStore {
  readonly objects: Tree<VersionEntry>;
  readonly commitIndex: Tree<string>;
  readonly graph: CommitGraph;
  readonly history: History;
  readonly tags: ObjectTags;
  private readonly locks = new KeyedMutex();

  constructor(readonly store: Store, budgets: CacheBudgets = DEFAULT_CACHE_BUDGETS) {
    this.objects = new Tree<VersionEntry>(store.blobs, budgets.trees.objects, isLiveEntry);
    this.commitIndex = new Tree<string>(store.blobs, budgets.trees.commitIndex);
    this.graph = new CommitGraph(store.blobs, this.commitIndex, budgets.commits);
    this.history = new History(store.blobs, budgets.trees.purges);
    this.tags = new ObjectTags(store.blobs, budgets.trees.tags);
  }

  /** Forgets every decoded tree node and commit (memory pressure); they are read again as needed. */
  dropCaches(): void {
    this.objects.dropCache();
    this.commitIndex.dropCache();
    this.graph.dropCache();
    this.history.index.dropCache();
    this.tags.index.dropCache();
  }

  // ---- reading ----

  /** A tree of a repo as readers see it: with the versions purged from the repo left out. */
  snapshot(repo: string, root: string | null, view: View): Snapshot {
    const ref = this.getRepo(repo, view);
    return { root, purged: this.history.filter(ref?.purged ?? null), tagged: this.tags.lookup(ref?.tagging ?? null) };
  }

  /** The key's version in a snapshot (a delete marker included), purged versions skipped. */
  entry(s: Snapshot, key: string): VersionEntry | undefined {
    return this.history.resolve(s.purged, key, this.objects.get(s.root, key));
  }

  /** The key's versions in a snapshot, newest first, purged ones left out. */
  versionsOf(s: Snapshot, key: string): Generator<VersionEntry> {
    return this.history.versions(s.purged, key, this.objects.get(s.root, key));
  }

  /** The version of the key that a version id names in a snapshot's history ("null": the null version). */
  findVersion(s: Snapshot, key: string, version: string): VersionEntry | undefined {
    return this.history.find(s.purged, key, this.objects.get(s.root, key), version);
  }

  /** A page of keys of a snapshot (their surviving versions; delete markers left out). */
  listKeys(s: Snapshot, o: ListOptions): ListPage {
    return listKeys(this.objects, s.root, o, (key, e) => this.history.resolve(s.purged, key, e));
  }

  /** Every surviving version of every key of a snapshot, newest first per key, delete markers included. */
  listVersions(s: Snapshot, o: { prefix?: string; delimiter?: string; from?: string; after?: string }): Generator<VersionItem | { prefix: string }> {
    return listVersions(this.objects, s.root, o, (key, head) => this.history.versions(s.purged, key, head));
  }

  /** Whether that version of the key was purged for good. */
  isPurged(repo: string, key: string, version: string): boolean {
    return this.snapshot(repo, null, "durable").purged?.(key, version) ?? false;
  }

  private get refs() {
    return this.store.refs;
  }

  // ---- repos ----

  listRepos(view: View): Array<{ name: string } & RepoRef> {
    return this.refs.list<RepoRef>(REF.repos(), view).map(([k, v]) => ({ name: parseRefKey(k, "repo").repo, ...v }));
  }

  getRepo(repo: string, view: View): RepoRef | undefined {
    return this.refs.get<RepoRef>(REF.repo(repo), view);
  }

  async createRepo(repo: string, description?: string): Promise<void> {
    checkNewRepoName(repo);
    await this.locked(repo, () => {
      if (this.getRepo(repo, "latest")) throw new RepoError("RepoExists", `repo ${repo} already exists`);
      return this.store.commit([{ key: REF.repo(repo), value: { created: Date.now(), commits: null, description } satisfies RepoRef }]);
    });
  }

  /** Deletes a repo; with force, its branches too, otherwise it must have none. */
  async deleteRepo(repo: string, force = false): Promise<void> {
    await this.locked(repo, () => {
      this.requireRepo(repo, "latest");
      const branches = this.refs.list<BranchRef>(REF.branches(repo), "latest");
      // Empty branches (a new repo's master) go with it; ones with commits only when forced.
      const used = branches.filter(([, b]) => b.head !== null || b.open);
      if (used.length && !force) throw new RepoError("RepoHasBranches", `repo ${repo} still has ${used.length} branch(es) with commits`);
      return this.store.commit([
        ...branches.map(([key]) => ({ key, value: null })),
        ...uploadRemovals(this.refs, REF.uploads(repo)),
        ...completionRemovals(this.refs, REF.completions(repo)),
        ...this.refs.list(REF.corsOf(repo), "latest").map(([key]) => ({ key, value: null })),
        ...this.refs.list(REF.bucketTaggingOf(repo), "latest").map(([key]) => ({ key, value: null })),
        ...this.refs.list(REF.tags(repo), "latest").map(([key]) => ({ key, value: null })),
        { key: REF.repo(repo), value: null },
      ]);
    });
  }

  // ---- branches ----

  listBranches(repo: string | undefined, view: View): BranchInfo[] {
    return this.refs.list<BranchRef>(REF.branches(repo), view).map(([k, v]) => {
      const { repo: r, branch: b } = parseRefKey(k, "branch");
      return { repo: r, branch: b, created: v.created, head: v.head, open: v.open?.id, ...(v.protected && { protected: v.protected }), ...(v.job && { job: v.job }) };
    });
  }

  getBranch(repo: string, branch: string, view: View): BranchRef | undefined {
    return this.refs.get<BranchRef>(REF.branch(repo, branch), view);
  }

  /**
   * Creates a branch (and its repo when missing), empty or starting at a commit or another branch's head.
   */
  async createBranch(repo: string, branch: string, from?: { commit?: string; branch?: string }, job?: JobMark): Promise<void> {
    checkName(repo, "repo");
    checkName(branch, "branch");
    await this.locked(repo, () => {
      if (this.getBranch(repo, branch, "latest")) throw new RepoError("BranchExists", `branch ${branch}.${repo} already exists`);
      if (this.getTag(repo, branch, "latest")) throw new RepoError("TagExists", `${branch}.${repo} is a tag; tags and branches share one namespace per repo`);
      const changes: RefChange[] = [];
      const repoRef = this.getRepo(repo, "latest");
      if (!repoRef) {
        checkNewRepoName(repo);
        changes.push({ key: REF.repo(repo), value: { created: Date.now(), commits: null } satisfies RepoRef });
      }
      let head: string | null = null;
      if (from?.branch) {
        const source = this.getBranch(repo, from.branch, "latest");
        if (!source) throw new RepoError("NoSuchBranch", `branch ${from.branch}.${repo} does not exist`);
        head = source.head;
      } else if (from?.commit) {
        if (!this.graph.find(repoRef?.commits ?? null, from.commit)) throw new RepoError("NoSuchCommit", `commit ${from.commit} is not in repo ${repo}`);
        head = from.commit;
      }
      changes.push({ key: REF.branch(repo, branch), value: { created: Date.now(), head, ...(job && { job: job.id }) } satisfies BranchRef });
      if (job) changes.push({ key: REF.jobLease(job.id), value: { expires: job.leaseUntil } satisfies JobLease });
      return this.store.commit(changes);
    });
  }

  /**
   * Deletes a branch; the repo goes with its last branch. Commits stay reachable from the repo's index. With
   * `keepVersions`, only when that makes no version unreadable (see versionOnlyHere). A job's staging branch goes
   * with its lease; with `unlessLeased`, only once that lease has expired (its job's server died), else it stays
   * and the answer is false. The lease is a compare-and-swap ref: a renewal on another server meanwhile makes
   * this attempt lose and run again, and then see the lease held.
   */
  async deleteBranch(repo: string, branch: string, options: { keepVersions?: boolean; keepEmptyRepo?: boolean; unlessLeased?: boolean } = {}): Promise<boolean> {
    return await this.locked(repo, () => {
      const ref = this.requireBranch(repo, branch, "latest");
      const lease = ref.job === undefined ? undefined : this.refs.get<JobLease>(REF.jobLease(ref.job), "latest");
      if (options.unlessLeased && lease && lease.expires > Date.now()) return false;
      if (ref.protected) throw new RepoError("BranchProtected", `branch ${branch}.${repo} is protected; unprotect it first (strata branch unprotect ${branch}.${repo})`);
      const lost = options.keepVersions ? this.versionOnlyHere(repo, branch, ref) : undefined;
      if (lost) {
        throw new RepoError(
          "BranchNotEmpty",
          `branch ${branch}.${repo} holds versions no other branch has (key ${JSON.stringify(lost.key)} ${lost.what}); deleting it would make them unreadable. ` +
            `Delete every version by id first (DeleteObject with versionId purges it for good), or delete the whole repo with \`strata repo delete ${repo} --force\`.`,
        );
      }
      const changes: RefChange[] = [{ key: REF.branch(repo, branch), value: null }];
      changes.push(...uploadRemovals(this.refs, REF.uploads(repo, branch)), ...completionRemovals(this.refs, REF.completions(repo, branch)));
      if (this.getCors(repo, branch, "latest")) changes.push({ key: REF.cors(repo, branch), value: null });
      if (this.getBucketTags(repo, branch, "latest")) changes.push({ key: REF.bucketTagging(repo, branch), value: null });
      const others = this.refs.list(REF.branches(repo), "latest").filter(([k]) => k !== REF.branch(repo, branch));
      if (others.length === 0 && !options.keepEmptyRepo) changes.push({ key: REF.repo(repo), value: null });
      if (lease) changes.push({ key: REF.jobLease(ref.job!), value: null });
      return this.store.commit(changes).then(() => true);
    });
  }

  /** Moves a running job's lease on to `until`; false when it is gone (another server took its job for dead). */
  renewJobLease(job: string, until: number): Promise<boolean> {
    return this.retrying(async () => {
      if (!this.refs.get<JobLease>(REF.jobLease(job), "latest")) return false;
      await this.store.commit([{ key: REF.jobLease(job), value: { expires: until } satisfies JobLease }]);
      return true;
    });
  }

  /** Makes a branch (and its commits) readable without credentials, or not. */
  async setPublic(repo: string, branch: string, on: boolean): Promise<void> {
    await this.locked(repo, () => {
      const { public: _, ...ref } = this.requireBranch(repo, branch, "latest");
      return this.store.commit([{ key: REF.branch(repo, branch), value: (on ? { ...ref, public: true } : ref) satisfies BranchRef }]);
    });
  }

  /** The branch's CORS rules, or undefined when it has none. */
  getCors(repo: string, branch: string, view: View): CorsRule[] | undefined {
    return this.refs.get<{ rules: CorsRule[] }>(REF.cors(repo, branch), view)?.rules;
  }

  /** Replaces the branch's CORS rules (null: removes them). */
  async setCors(repo: string, branch: string, rules: CorsRule[] | null): Promise<void> {
    await this.locked(repo, () => {
      this.requireBranch(repo, branch, "latest");
      return this.store.commit([{ key: REF.cors(repo, branch), value: rules && { rules } }]);
    });
  }

  /** The branch's bucket tags (S3 PutBucketTagging), or undefined when it has none. */
  getBucketTags(repo: string, branch: string, view: View): TagSet | undefined {
    return this.refs.get<{ tags: TagSet }>(REF.bucketTagging(repo, branch), view)?.tags;
  }

  /** Replaces the branch's bucket tags (null: removes them). */
  async setBucketTags(repo: string, branch: string, tags: TagSet | null): Promise<void> {
    await this.locked(repo, () => {
      this.requireBranch(repo, branch, "latest");
      return this.store.commit([{ key: REF.bucketTagging(repo, branch), value: tags && { tags } }]);
    });
  }

  /**
   * Gives the version `version` (the commit that wrote it) of a key the tag set `record` holds, or its manifest's
   * again (null), in the repo's tag index: no commit, no new version (S3's PutObjectTagging). Asked through a
   * branch, whose protection it respects; a version purged meanwhile is NoSuchVersion.
   */
  async setObjectTags(repo: string, branch: string, key: string, version: string, record: TagRecord | null): Promise<void> {
    await this.locked(repo, () => {
      this.requireWritable(repo, branch);
      const repoRef = this.requireRepo(repo, "latest");
      if (this.history.filter(repoRef.purged ?? null)?.(key, version)) throw new RepoError("NoSuchVersion", `version ${version} of key ${key} was deleted for good`);
      const tagging = this.tags.apply(repoRef.tagging ?? null, [[key, version, record]]);
      return this.store.commit([{ key: REF.repo(repo), value: { ...repoRef, tagging } satisfies RepoRef }]);
    });
  }

  /**
   * A version that deleting the branch would make unreadable, if any: one in its working tree (a key's first
   * surviving version) written after the last commit the branch shares with another branch. Keys unchanged since
   * that fork point are skipped without reading (the trees share those subtrees); an older version of a key is
   * older in the branch's history, so shared whenever the newest one is.
   */
  private versionOnlyHere(repo: string, branch: string, ref: BranchRef): { key: string; what: string } | undefined {
    const head = ref.head ? this.findCommit(repo, ref.head, "latest") : undefined;
    const root = this.workingBase(repo, ref).root;
    const index = this.requireRepo(repo, "latest").commits;
    const others = this.listBranches(repo, "latest").filter((o) => o.branch !== branch && o.head).map((o) => this.findCommit(repo, o.head!, "latest")!);
    let fork: CommitRecord | undefined;
    for (const other of head ? others : []) {
      const common = this.graph.mergeBase(index, head!, other);
      if (common && (!fork || heightOf(common) > heightOf(fork))) fork = common;
    }
    if (fork && fork.id === head?.id && !ref.open) return undefined;
    const s = this.snapshot(repo, root, "latest");
    const shared = (version: string) => {
      const commit = this.findCommit(repo, version, "latest");
      return commit !== undefined && others.some((o) => this.graph.isAncestor(index, commit, o));
    };
    for (const d of this.objects.diff(fork?.root ?? null, root, sameEntry)) {
      const survivor = this.history.resolve(s.purged, d.key, d.after);
      if (survivor && !shared(survivor.c)) return { key: d.key, what: survivorText(survivor) };
    }
    return undefined;
  }

  /** S3 bucket versioning of a branch: Enabled (every branch starts so) or Suspended. */
  versioning(repo: string, branch: string): Versioning {
    return this.requireBranch(repo, branch, "durable").versioning ?? "Enabled";
  }

  async setVersioning(repo: string, branch: string, status: Versioning): Promise<void> {
    await this.locked(repo, () => {
      const ref = this.requireBranch(repo, branch, "latest");
      const next: BranchRef = { ...ref };
      if (status === "Suspended") next.versioning = "Suspended";
      else delete next.versioning;
      return this.store.commit([{ key: REF.branch(repo, branch), value: next }]);
    });
  }

  // ---- commits ----

  /** The commit with this id in repo, or undefined. */
  findCommit(repo: string, id: string, view: View): CommitRecord | undefined {
    if (!COMMIT_ID.test(id)) return undefined;
    return this.graph.find(this.getRepo(repo, view)?.commits ?? null, id);
  }

  headCommit(repo: string, branch: string, view: View): CommitRecord | undefined {
    const head = this.getBranch(repo, branch, view)?.head;
    return head ? this.findCommit(repo, head, view) : undefined;
  }

  /** Whether commit id is the head of branch or one of its ancestors. */
  inHistory(repo: string, branch: string, id: string): boolean {
    const head = this.headCommit(repo, branch, "durable");
    const commit = this.findCommit(repo, id, "durable");
    if (!head || !commit) return false;
    return this.graph.isAncestor(this.getRepo(repo, "durable")?.commits ?? null, commit, head);
  }

  /** Commits of a branch, newest first. */
  *log(repo: string, branch: string): Generator<CommitRecord> {
    let commit = this.headCommit(repo, branch, "durable");
    while (commit) {
      yield commit;
      commit = commit.parent ? this.findCommit(repo, commit.parent, "durable") : undefined;
    }
  }

  /**
   * Every finished commit of a repo, newest first — on a branch or not (a deleted branch's stay in the repo's
   * index) —, at most `limit` of them. Ids sort by time, so the index's order is the commits' order.
   */
  repoCommits(repo: string, limit: number): { commits: CommitRecord[]; truncated: boolean } {
    const index = this.requireRepo(repo, "durable").commits;
    const newest: string[] = [];
    let total = 0;
    for (const [, hash] of this.commitIndex.scan(index)) {
      newest.push(hash);
      if (newest.length > limit) newest.shift();
      total++;
    }
    return { commits: newest.reverse().map((hash) => this.graph.read(hash)), truncated: total > limit };
  }

  /** Keys added, changed or deleted between two commits of a repo; subtrees the commits share are skipped. */
  diff(repo: string, from: string | null, to: string): Generator<KeyChange> {
    const rootOf = (id: string) => {
      const commit = this.findCommit(repo, id, "durable");
      if (!commit) throw new RepoError("NoSuchCommit", `commit ${id} is not in repo ${repo}`);
      return commit.root;
    };
    const purged = this.snapshot(repo, null, "durable").purged;
    return this.diffRoots(from ? rootOf(from) : null, rootOf(to), (a, b) => a.m === b.m && a.c === b.c, purged);
  }

  /**
   * Keys whose live version differs between two object trees of a repo, by `sameVersion`, purged versions left
   * out; a delete marker against nothing is no change in content.
   */
  *diffRoots(from: string | null, to: string | null, sameVersion: (a: VersionEntry, b: VersionEntry) => boolean, purged: PurgeFilter): Generator<KeyChange> {
    const live = (key: string, raw: VersionEntry | undefined) => {
      const e = this.history.resolve(purged, key, raw);
      return e && isLiveEntry(e) ? e : undefined;
    };
    for (const d of this.objects.diff(from, to, (a, b) => sameVersion(a, b) && a.p === b.p)) {
      const before = live(d.key, d.before);
      const after = live(d.key, d.after);
      if (before && after && sameVersion(before, after)) continue;
      if (!before && !after) continue;
      yield { key: d.key, change: !before ? "added" : !after ? "deleted" : "changed", before, after };
    }
  }

  /**
   * Opens a commit on a branch: writes collect in it and become visible together at finish.
   * With `empty`, its tree starts empty instead of at the head's, so it ends up holding only what was written
   * into it (a job's output commit).
   */
  async startCommit(repo: string, branch: string, message?: string, options: { empty?: boolean } & Omit<CommitDetails, "message"> = {}): Promise<string> {
    return await this.locked(repo, async () => {
      const ref = this.requireWritable(repo, branch);
      if (ref.open) throw new RepoError("CommitAlreadyOpen", `branch ${branch}.${repo} already has open commit ${ref.open.id}`);
      const head = ref.head ? this.findCommit(repo, ref.head, "latest") : undefined;
      const id = newCommitId();
      const open: OpenCommit = { id, parent: ref.head, root: options.empty ? null : (head?.root ?? null), started: Date.now(), message };
      if (options.author) open.author = options.author;
      if (options.meta && Object.keys(options.meta).length) open.meta = options.meta;
      await this.store.commit([{ key: REF.branch(repo, branch), value: { ...ref, open } satisfies BranchRef }]);
      return id;
    });
  }

  /** Finishes the branch's open commit, making its writes visible as one commit. */
  finishCommit(repo: string, branch: string, message?: string): Promise<CommitRecord> {
    return this.retrying(() => this.finishCommitOnce(repo, branch, message));
  }

  private async finishCommitOnce(repo: string, branch: string, message?: string): Promise<CommitRecord> {
    const { record, durable } = await this.lockedOnce(repo, () => {
      const ref = this.requireBranch(repo, branch, "latest");
      if (!ref.open) throw new RepoError("NoOpenCommit", `branch ${branch}.${repo} has no open commit`);
      const { open } = ref;
      return this.appendCommit(repo, branch, { ...ref, open: undefined }, {
        id: open.id,
        parent: open.parent ? this.findCommit(repo, open.parent, "latest") : undefined,
        root: open.root,
        started: open.started,
        message: message ?? open.message,
        author: open.author,
        meta: open.meta,
        purged: open.purged,
      });
    });
    await durable;
    return record;
  }

  /**
   * Drops the branch's open commit and everything written into it, except its purges: those took effect when
   * they were made, so they become a commit of their own on the branch (history never changes silently).
   */
  dropCommit(repo: string, branch: string): Promise<void> {
    return this.retrying(() => this.dropCommitOnce(repo, branch));
  }

  private async dropCommitOnce(repo: string, branch: string): Promise<void> {
    const { durable } = await this.lockedOnce(repo, () => {
      const ref = this.requireBranch(repo, branch, "latest");
      if (!ref.open) throw new RepoError("NoOpenCommit", `branch ${branch}.${repo} has no open commit`);
      const purged = ref.open.purged ?? [];
      const rest: BranchRef = { ...ref, open: undefined };
      // Retags of versions the dropped commit wrote: no read can name those versions any more.
      const repoRef = this.requireRepo(repo, "latest");
      const tagging = repoRef.tagging ?? null;
      const dropped = this.tags.keysOf(tagging, ref.open.id).map((key): [string, string] => [key, ref.open!.id]);
      const repoValue: RepoRef = dropped.length ? { ...repoRef, tagging: this.staleTagsRemoved(tagging, dropped) } : repoRef;
      if (purged.length === 0) {
        return { durable: this.store.commit([...(dropped.length ? [{ key: REF.repo(repo), value: repoValue }] : []), { key: REF.branch(repo, branch), value: rest }]) };
      }
      const { root, head } = this.workingBase(repo, rest);
      const batch = new WriteBatch(this, root, this.history.filter(repoRef.purged ?? null));
      for (const [key] of purged) batch.settle(key);
      return this.appendCommit(repo, branch, rest, {
        id: newCommitId(),
        parent: head,
        root: this.objects.apply(root, [...batch.changes]),
        started: ref.open.started,
        message: `purges made in dropped commit ${ref.open.id}`,
        purged,
        repoRef: repoValue,
      });
    });
    await durable;
  }

  /**
   * Applies writes to a branch as one commit (or into its open commit) and resolves once durable.
   * `check` runs under the lock against the versions the writes would replace: conditional writes are atomic.
   *
   * As S3 does: a delete always records a delete marker (over a missing key or another marker too); while the
   * branch's versioning is suspended a new version or marker is the key's null version and purges the previous
   * one; a purge takes a version out of the repo for good (the purge index) and, when it was the key's current
   * version, points the key at the version before it (or removes the key when none is left). Purges take effect
   * at once, also inside an open commit, which records them when it is finished (or dropped).
   * `options.also` gives more ref changes, built under the lock from the outcomes, that reach disk atomically with
   * the write (a completed upload's removal and completion record).
   */
  write(
    repo: string,
    branch: string,
    writes: KeyWrite[],
    check?: (current: (key: string) => VersionEntry | undefined) => void,
    options: WriteExtras = {},
  ): Promise<{ commit: string; changed: boolean; outcomes: WriteOutcome[] }> {
    return this.retrying(() => this.writeOnce(repo, branch, writes, check, options));
  }

  private async writeOnce(
    repo: string,
    branch: string,
    writes: KeyWrite[],
    check: ((current: (key: string) => VersionEntry | undefined) => void) | undefined,
    options: WriteExtras,
  ): Promise<{ commit: string; changed: boolean; outcomes: WriteOutcome[] }> {
    const result = await this.lockedOnce(repo, () => {
      const ref = this.requireWritable(repo, branch);
      const repoRef = this.requireRepo(repo, "latest");
      const { root, head } = this.workingBase(repo, ref);
      const commitId = ref.open?.id ?? newCommitId();
      const batch = new WriteBatch(this, root, this.history.filter(repoRef.purged ?? null));
      check?.((key) => batch.current(key));
      if (this.store.blobs.gcRunning) this.retainManifests(writes);
      const suspended = ref.versioning === "Suspended";
      const outcomes = writes.map((w) => batch.apply(w, commitId, suspended));
      const also = options.also?.({ commit: commitId, outcomes }) ?? [];
      if (batch.changes.size === 0 && batch.purges.length === 0) {
        return { commit: ref.open?.id ?? ref.head ?? "", changed: false, outcomes, durable: also.length ? this.store.commit(also) : Promise.resolve() };
      }
      const newRoot = this.objects.apply(root, [...batch.changes]);
      const { purges } = batch;
      const purgeIndex = purges.length ? this.history.addPurges(repoRef.purged ?? null, purges, { commit: commitId, time: Date.now() }) : undefined;
      const tagging = this.staleTagsRemoved(repoRef.tagging ?? null, purges, ref.open ? writes.filter((w) => !("purge" in w)).map((w): [string, string] => [w.key, commitId]) : []);
      const repoValue: RepoRef = purgeIndex === undefined && tagging === (repoRef.tagging ?? null) ? repoRef : {
        ...repoRef,
        ...(purgeIndex !== undefined && { purged: purgeIndex }),
        ...(tagging !== (repoRef.tagging ?? null) && { tagging }),
      };
      if (ref.open) {
        const open: OpenCommit = { ...ref.open, root: newRoot };
        if (purges.length) open.purged = [...(ref.open.purged ?? []), ...purges];
        const durable = this.store.commit([
          ...(repoValue === repoRef ? [] : [{ key: REF.repo(repo), value: repoValue }]),
          { key: REF.branch(repo, branch), value: { ...ref, open } satisfies BranchRef },
          ...also,
        ]);
        return { commit: ref.open.id, changed: true, outcomes, durable };
      }
      const { durable } = this.appendCommit(repo, branch, ref, {
        id: commitId,
        parent: head,
        root: newRoot,
        started: writes[0]?.time ?? Date.now(),
        message: writesMessage(writes, purges),
        purged: purges,
        author: options.author,
        repoRef: repoValue,
        also,
      });
      return { commit: commitId, changed: true, outcomes, durable };
    });
    await result.durable;
    return { commit: result.commit, changed: result.changed, outcomes: result.outcomes };
  }

  /**
   * The tag index without the entries a write makes stale: those of versions it purged (no read can name them
   * again), and inside an open commit those of keys it writes again, whose new version has the same version id
   * (the open commit's) and must not show the retag of the version it replaces.
   */
  private staleTagsRemoved(root: string | null, ...versions: Array<Array<[key: string, version: string]>>): string | null {
    const tagged = this.tags.lookup(root);
    if (!tagged) return root;
    const stale = versions.flat().filter(([key, version]) => tagged(key, version) !== undefined);
    return stale.length ? this.tags.apply(root, stale.map(([key, version]) => [key, version, null])) : root;
  }

  /**
   * While gc runs, a write that names an existing manifest (a copy, a completed upload, an upload that began
   * before gc did) marks it and its chunks live, or fails if gc already removed them: never a dangling ref.
   */
  private retainManifests(writes: KeyWrite[]): void {
    for (const w of writes) {
      if (!("manifest" in w)) continue;
      this.store.blobs.retain(w.manifest);
      for (const [chunk] of getJson<ObjectManifest>(this.store.blobs, w.manifest).chunks) this.store.blobs.retain(chunk);
    }
  }

  /** The tree writers build on: the open commit's, else the head's (latest view), with that head commit. */
  private workingBase(repo: string, ref: BranchRef): { root: string | null; head?: CommitRecord } {
    if (ref.open) return { root: ref.open.root };
    const head = ref.head ? this.findCommit(repo, ref.head, "latest") : undefined;
    return { root: head?.root ?? null, head };
  }

  /** Writes a commit blob, indexes it, and moves the branch head to it. Caller holds the repo lock. */
  private appendCommit(
    repo: string,
    branch: string,
    ref: BranchRef,
    c: {
      id: string;
      parent: CommitRecord | undefined;
      /** a merge commit's second parent */
      merged?: CommitRecord;
      root: string | null;
      started: number;
      message?: string;
      author?: string;
      meta?: Record<string, string>;
      purged?: Array<[string, string]>;
      /** the repo ref to build on, when the caller changed it (a new purge index) */
      repoRef?: RepoRef;
      /** more ref changes to commit with it */
      also?: RefChange[];
    },
  ): { record: CommitRecord; durable: Promise<void> } {
    const repoRef = c.repoRef ?? this.requireRepo(repo, "latest");
    const { parent, merged } = c;
    const record: CommitRecord = {
      id: c.id,
      repo,
      branch,
      parent: parent?.id ?? null,
      gen: parent ? parent.gen + 1 : 0,
      skip: this.graph.skipFor(repoRef.commits, parent),
      root: c.root,
      time: Date.now(),
      started: c.started,
    };
    if (merged) record.merged = merged.id;
    const height = CommitGraph.heightAbove([parent, merged].filter((p): p is CommitRecord => p !== undefined));
    if (height !== record.gen) record.height = height;
    const lastMerge = CommitGraph.lastMergeFor(parent);
    if (lastMerge) record.lastMerge = lastMerge;
    if (c.message) record.message = c.message;
    if (c.author) record.author = c.author;
    if (c.meta && Object.keys(c.meta).length) record.meta = c.meta;
    if (c.purged?.length) record.purged = c.purged;
    const { hash, bytes } = putJsonSized(this.store.blobs, "commit", record);
    this.graph.remember(hash, record, bytes);
    const commits = this.commitIndex.apply(repoRef.commits, [[c.id, hash]]);
    const durable = this.store.commit([
      { key: REF.repo(repo), value: { ...repoRef, commits } satisfies RepoRef },
      { key: REF.branch(repo, branch), value: { ...ref, head: c.id } satisfies BranchRef },
      ...(c.also ?? []),
    ]);
    return { record, durable };
  }

  // ---- merges, reverts, tags, protection ----

  /**
   * Merges a commit of the repo (a branch's head, a tag's commit) into a branch: nothing when the branch has it
   * already, a fast-forward when the branch's head is an ancestor of it, else one merge commit (parents: the
   * branch's head, then the source) holding a three-way merge at key level against their merge base. With strategy
   * fail, keys both sides changed differently make it write nothing and list them all. Runs under the repo's lock
   * against the latest head, again on the new head whenever a compare-and-swap is lost: merges and writes into one
   * branch queue up instead of failing, and each lands or reports a real conflict.
   */
  merge(repo: string, into: string, source: string, options: MergeOptions = {}): Promise<MergeOutcome> {
    return this.landing(repo, () => {
      const ref = this.mergeTarget(repo, into);
      const from = this.findCommit(repo, source, "latest");
      if (!from) throw new RepoError("NoSuchCommit", `commit ${source} is not in repo ${repo}`);
      const head = ref.head ? this.findCommit(repo, ref.head, "latest") : undefined;
      const base = head && this.graph.mergeBase(this.requireRepo(repo, "latest").commits, from, head);
      const outcome = (result: MergeOutcome["result"], commit: string | null): MergeOutcome =>
        ({ result, commit, base: base?.id ?? null, changed: 0, resolved: 0, conflicts: [], dryRun: options.dryRun === true });
      if (head && base?.id === from.id) return { outcome: outcome("up-to-date", head.id) };
      if (!head || base?.id === head.id) {
        const moved = outcome("fast-forward", from.id);
        moved.changed = [...this.objects.diff(head?.root ?? null, from.root, sameEntry)].length;
        if (options.dryRun) return { outcome: moved };
        return { outcome: moved, durable: this.store.commit([{ key: REF.branch(repo, into), value: { ...ref, head: from.id } satisfies BranchRef }]) };
      }
      const message = options.message ?? `merge ${source} into ${into}`;
      return this.landPlan(repo, into, ref, head, { base: base?.root ?? null, source: from.root }, { ...options, message }, { base: base?.id ?? null, merged: from }, (t) => (t.clean ? t.source ?? null : undefined));
    });
  }

  /**
   * A new commit on the branch that undoes exactly what one commit of its history changed (against that commit's
   * first parent): a three-way merge of the parent's tree into the head against the commit's own, so keys changed
   * again since are conflicts as for merge. Every key it changes gets a new version (a delete marker where the
   * commit had added the key).
   */
  revert(repo: string, branch: string, commit: string, options: MergeOptions = {}): Promise<MergeOutcome> {
    return this.landing(repo, () => {
      const ref = this.mergeTarget(repo, branch);
      const target = this.findCommit(repo, commit, "latest");
      const head = ref.head ? this.findCommit(repo, ref.head, "latest") : undefined;
      if (!target || !head || !this.graph.isAncestor(this.requireRepo(repo, "latest").commits, target, head)) {
        throw new RepoError("NoSuchCommit", `commit ${commit} is not in the history of ${branch}.${repo}`);
      }
      const parent = target.parent ? this.findCommit(repo, target.parent, "latest") : undefined;
      const message = options.message ?? `revert ${commit}${target.message ? `: ${target.message}` : ""}`;
      return this.landPlan(repo, branch, ref, head, { base: target.root, source: parent?.root ?? null }, { ...options, message }, { base: target.id }, () => undefined);
    });
  }

  /** Runs a merge-like attempt under the repo's lock, again on fresh refs after a lost compare-and-swap. */
  private landing(repo: string, attempt: () => { outcome: MergeOutcome; durable?: Promise<void> }): Promise<MergeOutcome> {
    return this.retrying(async () => {
      const { outcome, durable } = await this.lockedOnce(repo, attempt);
      await durable;
      return outcome;
    });
  }

  /** The branch a merge or revert lands on (protected ones too); one with an open commit must finish it first. */
  private mergeTarget(repo: string, branch: string): BranchRef {
    const ref = this.requireBranch(repo, branch, "latest");
    if (ref.open) throw new RepoError("CommitAlreadyOpen", `branch ${branch}.${repo} has open commit ${ref.open.id}; finish or drop it first`);
    return ref;
  }

  /**
   * Plans a three-way merge of `roots.source` into the head against `roots.base` and, unless it conflicts or is a
   * dry run, commits it. `entryOf` gives a take's tree entry as it is (a clean merge keeps the source's version,
   * its id and LastModified), or undefined for a new version written by this commit.
   */
  private landPlan(
    repo: string,
    branch: string,
    ref: BranchRef,
    head: CommitRecord,
    roots: { base: string | null; source: string | null },
    options: MergeOptions,
    { base, merged }: { base: string | null; merged?: CommitRecord },
    entryOf: (take: Take<VersionEntry>) => VersionEntry | null | undefined,
  ): { outcome: MergeOutcome; durable?: Promise<void> } {
    const purged = this.history.filter(this.requireRepo(repo, "latest").purged ?? null);
    const contents = new Map<string, string>();
    const content = (key: string, raw: VersionEntry | undefined) => {
      const e = this.history.resolve(purged, key, raw);
      if (!e || !isLiveEntry(e)) return undefined;
      let c = contents.get(e.m!);
      if (c === undefined) contents.set(e.m!, (c = manifestContent(getJson<ObjectManifest>(this.store.blobs, e.m!))));
      return c;
    };
    const plan = planMerge(this.objects, { ...roots, dest: head.root }, sameEntry, content, options.strategy ?? "fail");
    const outcome: MergeOutcome = {
      result: plan.conflicts.length ? "conflict" : "merged",
      commit: null,
      base,
      changed: plan.takes.length,
      resolved: plan.resolved,
      conflicts: plan.conflicts,
      dryRun: options.dryRun === true,
    };
    if (plan.conflicts.length || options.dryRun) return { outcome };
    const id = newCommitId();
    const time = Date.now();
    const changes = plan.takes.map((t): [string, VersionEntry | null] => {
      const kept = entryOf(t);
      return [t.key, kept !== undefined ? kept : this.newVersion(purged, t.key, t.source, this.objects.get(head.root, t.key), id, time)];
    });
    const { durable } = this.appendCommit(repo, branch, ref, {
      id, parent: head, merged, root: this.objects.apply(head.root, changes), started: time, message: options.message, author: options.author, meta: options.meta,
    });
    outcome.commit = id;
    return { outcome, durable };
  }

  /** A version written by commit `id` that shows what `source` shows (a delete marker for nothing) over `current`. */
  private newVersion(purged: PurgeFilter, key: string, source: VersionEntry | undefined, current: VersionEntry | undefined, id: string, time: number): VersionEntry | null {
    const from = this.history.resolve(purged, key, source);
    const prev = this.history.resolve(purged, key, current);
    const live = from && isLiveEntry(from);
    if (!live && !prev) return null;
    const entry: VersionEntry = live ? { c: id, t: time, m: from.m, s: from.s, e: from.e } : { c: id, t: time };
    if (prev) entry.p = putJson(this.store.blobs, "version", prev);
    return entry;
  }

  listTags(repo: string, view: View): Array<{ name: string } & TagRef> {
    return this.refs.list<TagRef>(REF.tags(repo), view).map(([k, v]) => ({ name: parseRefKey(k, "tag").tag, ...v }));
  }

  getTag(repo: string, tag: string, view: View): TagRef | undefined {
    return this.refs.get<TagRef>(REF.tag(repo, tag), view);
  }

  /** Names a commit of the repo for good: a tag is never moved (delete it and create it again to). */
  async createTag(repo: string, tag: string, commit: string, details: Omit<CommitDetails, "meta"> = {}): Promise<TagRef> {
    checkName(tag, "tag");
    return await this.locked(repo, async () => {
      this.requireRepo(repo, "latest");
      if (this.getTag(repo, tag, "latest")) throw new RepoError("TagExists", `tag ${tag}.${repo} already exists`);
      if (this.getBranch(repo, tag, "latest")) throw new RepoError("BranchExists", `${tag}.${repo} is a branch; tags and branches share one namespace per repo`);
      if (!this.findCommit(repo, commit, "latest")) throw new RepoError("NoSuchCommit", `commit ${commit} is not in repo ${repo}`);
      const value: TagRef = { commit, created: Date.now() };
      if (details.author) value.author = details.author;
      if (details.message) value.message = details.message;
      await this.store.commit([{ key: REF.tag(repo, tag), value }]);
      return value;
    });
  }

  async deleteTag(repo: string, tag: string): Promise<void> {
    await this.locked(repo, () => {
      if (!this.getTag(repo, tag, "latest")) throw new RepoError("NoSuchTag", `tag ${tag}.${repo} does not exist`);
      return this.store.commit([{ key: REF.tag(repo, tag), value: null }]);
    });
  }

  /** Protects a branch (direct writes refused, merges and reverts land, no delete) or lifts that. */
  async setProtected(repo: string, branch: string, on: boolean): Promise<void> {
    await this.locked(repo, () => {
      const next: BranchRef = { ...this.requireBranch(repo, branch, "latest") };
      if (on) next.protected = true;
      else delete next.protected;
      return this.store.commit([{ key: REF.branch(repo, branch), value: next }]);
    });
  }

  requireRepo(repo: string, view: View): RepoRef {
    const ref = this.getRepo(repo, view);
    if (!ref) throw new RepoError("NoSuchRepo", `repo ${repo} does not exist`);
    return ref;
  }

  /** The branch direct writes may go to (as writers see it); throws NoSuchBranch, IsTag, or BranchProtected (merges and reverts only). */
  requireWritable(repo: string, branch: string): BranchRef {
    const ref = this.requireBranch(repo, branch, "latest");
    if (ref.protected) {
      throw new RepoError("BranchProtected", `branch ${branch}.${repo} is protected: write to another branch and merge it in (strata merge <branch>.${repo} ${branch}.${repo})`);
    }
    return ref;
  }

  /** The branch; throws NoSuchBranch, or IsTag when the name is one of the repo's tags (they share one namespace). */
  requireBranch(repo: string, branch: string, view: View): BranchRef {
    const ref = this.getBranch(repo, branch, view);
    if (ref) return ref;
    const tag = this.getTag(repo, branch, view);
    if (tag) throw tagIsReadOnly(repo, branch, tag.commit);
    // "branch master.photso does not exist" sends a user looking for a branch when it is the repo they misspelt.
    const missingRepo = this.getRepo(repo, view) ? "" : `: there is no repo ${repo}`;
    throw new RepoError("NoSuchBranch", `branch ${branch}.${repo} does not exist${missingRepo}`);
  }

  /** Runs fn under the repo's lock, awaiting its result there, again (on fresh refs) whenever its commit lost a CAS. */
  private locked<T>(repo: string, fn: () => T | Promise<T>): Promise<T> {
    return this.retrying(() => this.lockedOnce(repo, fn));
  }

  /** Runs fn under the repo's lock, awaiting its result there; to wait for durability outside the lock, return it wrapped. */
  private async lockedOnce<T>(repo: string, fn: () => T | Promise<T>): Promise<T> {
    const box = await this.locks.run(repo, async () => ({ value: await fn() }));
    return box.value;
  }

  /** Runs an attempt again on fresh refs whenever its commit lost a compare-and-swap (distributed store only). */
  private retrying<T>(attempt: () => Promise<T>): Promise<T> {
    return retryOnConflict(this.store, attempt);
  }
}

/** What a manifest shows, its write time aside: two writes of one object with one description are one content. */
function manifestContent(m: ObjectManifest): string {
  const { time: _time, ...rest } = m;
  return JSON.stringify(rest);
}

/** The message of a commit that purged versions, naming them (its `purged` field lists them all). */
/**
 * Names the version a branch deletion would lose. After `aws s3 rb --force` every key's newest version is the
 * delete marker it just wrote: naming that as a bare "version" sent users hunting for an object that looks gone.
 */
function survivorText(entry: VersionEntry): string {
  const id = versionIdOf(entry);
  return isLiveEntry(entry) ? `version ${id}` : `delete marker ${id}: delete markers are versions too, and so are the versions under them`;
}

/** A new repo's name also may not be one of the server's own paths (ref-names.ts, SERVER_PATHS). */
function checkNewRepoName(repo: string): void {
  checkName(repo, "repo");
  const reserved = reservedRepoProblem(repo);
  if (reserved) throw new RepoError("InvalidName", reserved);
}

function checkName(name: string, what: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new RepoError("InvalidName", `${what} name ${JSON.stringify(name)} must be 1-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit`);
  }
}

/**
 * The changes one write request makes to a working tree, key by key in request order: a key written twice sees
 * its first write, and a version purged early in the batch is skipped by the writes after it.
 */
class WriteBatch {
  readonly changes = new Map<string, VersionEntry | null>();
  readonly purges: Array<[key: string, version: string]> = [];
  private readonly purgedNow = new Set<string>();
  private readonly purged: (key: string, version: string) => boolean;

  constructor(
    private readonly vs: VersionedStore,
    private readonly root: string | null,
    before: PurgeFilter,
  ) {
    this.purged = (key, version) => this.purgedNow.has(purgeKey(key, version)) || (before?.(key, version) ?? false);
  }

  private raw(key: string): VersionEntry | undefined {
    return this.changes.has(key) ? (this.changes.get(key) ?? undefined) : this.vs.objects.get(this.root, key);
  }

  /** The key's version as readers would see it now (a marker included). */
  current(key: string): VersionEntry | undefined {
    return this.vs.history.resolve(this.purged, key, this.raw(key));
  }

  apply(w: KeyWrite, commit: string, suspended: boolean): WriteOutcome {
    const history = this.vs.history;
    const head = this.raw(w.key);
    if ("purge" in w) {
      const target = history.find(this.purged, w.key, head, w.purge);
      // A version written inside this open commit is no version yet: nothing outside the commit can name it.
      if (!target || target.c === commit) return { key: w.key, kind: "none", version: w.purge };
      this.purge(w.key, target);
      this.settle(w.key);
      return { key: w.key, kind: "purged", version: versionIdOf(target), marker: !isLiveEntry(target) };
    }
    const prev = history.resolve(this.purged, w.key, head);
    const isDelete = "delete" in w;
    if (isDelete && prev?.c === commit && !prev.p) {
      this.changes.set(w.key, null); // created and deleted inside one open commit: it never existed outside it
      return { key: w.key, kind: "none" };
    }
    if (suspended) {
      const nullVersion = history.find(this.purged, w.key, head, NULL_VERSION);
      if (nullVersion && nullVersion.c !== commit) this.purge(w.key, nullVersion);
    }
    // The new version links to the one before it, except one it replaces: an earlier write of this open commit
    // (a key keeps only its last version there) or, while suspended, the null version just purged.
    const replaces = prev && (prev.c === commit || (suspended && prev.n === 1));
    const link = !prev ? undefined : replaces ? prev.p : putJson(this.vs.store.blobs, "version", prev);
    const entry: VersionEntry = "manifest" in w ? { c: commit, t: w.time, m: w.manifest, s: w.size, e: w.etag } : { c: commit, t: w.time };
    if (link !== undefined) entry.p = link;
    if (suspended) entry.n = 1;
    this.changes.set(w.key, entry);
    return { key: w.key, kind: isDelete ? "marker" : "version", version: suspended ? NULL_VERSION : commit };
  }

  private purge(key: string, version: VersionEntry): void {
    this.purges.push([key, version.c]);
    this.purgedNow.add(purgeKey(key, version.c));
  }

  /** Points the key at its first surviving version (or removes it) when its tree entry was purged. */
  settle(key: string): void {
    const head = this.raw(key);
    const survivor = this.vs.history.resolve(this.purged, key, head);
    if (survivor !== head) this.changes.set(key, survivor ?? null);
  }
}
