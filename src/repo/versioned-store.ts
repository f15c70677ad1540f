// Repos, branches and commits over the store. Every write is a commit (or goes into the branch's open commit).
// Writers build on the latest refs under a per-repo lock; readers see only what is durable.
import { randomHex } from "../util/bytes.ts";
import { KeyedMutex } from "../util/mutex.ts";
import { RefConflictError, type Store } from "../store/store.ts";
import { UnavailableError } from "../util/unavailable.ts";
import type { RefChange } from "../store/ref-journal.ts";
import { getJson, putJson, putJsonSized } from "./blob-codec.ts";
import { CommitGraph } from "./commit-graph.ts";
import { RepoError } from "./errors.ts";
import { uploadRemovals } from "./multipart.ts";
import { type BranchRef, type CommitRecord, isLiveEntry, type ObjectManifest, REF, type RepoRef, type VersionEntry } from "./model.ts";
import { Tree } from "./tree.ts";

export const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const COMMIT_ID = /^[0-9a-f]{32}$/;

/** A write to one key: a new version (manifest hash with its size and ETag) or a deletion. */
export type KeyWrite = { key: string; manifest: string; size: number; etag: string; time: number } | { key: string; delete: true; time: number };

/** Chronologically sortable commit ids: 12 hex digits of milliseconds, then 20 random hex digits. */
export function newCommitId(now = Date.now()): string {
  return now.toString(16).padStart(12, "0").slice(-12) + randomHex(10);
}

type View = "latest" | "durable";

/** A write that keeps losing its compare-and-swap to other gateways gives up with SlowDown after this many tries. */
const MAX_ATTEMPTS = 64;

export type KeyChange = { key: string; change: "added" | "changed" | "deleted"; before?: VersionEntry; after?: VersionEntry };

export interface BranchInfo {
  repo: string;
  branch: string;
  created: number;
  head: string | null;
  open?: string;
}

export class VersionedStore {
  readonly objects: Tree<VersionEntry>;
  readonly commitIndex: Tree<string>;
  readonly graph: CommitGraph;
  private readonly locks = new KeyedMutex();

  constructor(readonly store: Store) {
    this.objects = new Tree<VersionEntry>(store.blobs, isLiveEntry);
    this.commitIndex = new Tree<string>(store.blobs);
    this.graph = new CommitGraph(store.blobs, this.commitIndex);
  }

  private get refs() {
    return this.store.refs;
  }

  // ---- repos ----

  listRepos(view: View = "durable"): Array<{ name: string } & RepoRef> {
    return this.refs.list<RepoRef>(REF.repos(), view).map(([k, v]) => ({ name: k.slice(REF.repos().length), ...v }));
  }

  getRepo(repo: string, view: View = "durable"): RepoRef | undefined {
    return this.refs.get<RepoRef>(REF.repo(repo), view);
  }

  async createRepo(repo: string, description?: string): Promise<void> {
    checkName(repo, "repo");
    await this.locked(repo, () => {
      if (this.getRepo(repo, "latest")) throw new RepoError("RepoExists", `repo ${repo} already exists`);
      return this.store.commit([{ key: REF.repo(repo), value: { created: Date.now(), commits: null, description } satisfies RepoRef }]);
    });
  }

  /** Deletes a repo; with force, its branches too, otherwise it must have none. */
  async deleteRepo(repo: string, force = false): Promise<void> {
    await this.locked(repo, () => {
      this.requireRepo(repo, "latest");
      const branches = this.refs.list(REF.branches(repo), "latest");
      if (branches.length && !force) throw new RepoError("RepoHasBranches", `repo ${repo} still has ${branches.length} branch(es)`);
      return this.store.commit([
        ...branches.map(([key]) => ({ key, value: null })),
        ...uploadRemovals(this.refs, REF.uploads(repo)),
        { key: REF.repo(repo), value: null },
      ]);
    });
  }

  // ---- branches ----

  listBranches(repo?: string, view: View = "durable"): BranchInfo[] {
    return this.refs.list<BranchRef>(REF.branches(repo), view).map(([k, v]) => {
      const [, r, b] = k.split("/");
      return { repo: r, branch: b, created: v.created, head: v.head, open: v.open?.id };
    });
  }

  getBranch(repo: string, branch: string, view: View = "durable"): BranchRef | undefined {
    return this.refs.get<BranchRef>(REF.branch(repo, branch), view);
  }

  /**
   * Creates a branch (and its repo when missing), empty or starting at a commit or another branch's head.
   */
  async createBranch(repo: string, branch: string, from?: { commit?: string; branch?: string }): Promise<void> {
    checkName(repo, "repo");
    checkName(branch, "branch");
    await this.locked(repo, () => {
      if (this.getBranch(repo, branch, "latest")) throw new RepoError("BranchExists", `branch ${branch}.${repo} already exists`);
      const changes: RefChange[] = [];
      const repoRef = this.getRepo(repo, "latest");
      if (!repoRef) changes.push({ key: REF.repo(repo), value: { created: Date.now(), commits: null } satisfies RepoRef });
      let head: string | null = null;
      if (from?.branch) {
        const source = this.getBranch(repo, from.branch, "latest");
        if (!source) throw new RepoError("NoSuchBranch", `branch ${from.branch}.${repo} does not exist`);
        head = source.head;
      } else if (from?.commit) {
        if (!this.graph.find(repoRef?.commits ?? null, from.commit)) throw new RepoError("NoSuchCommit", `commit ${from.commit} is not in repo ${repo}`);
        head = from.commit;
      }
      changes.push({ key: REF.branch(repo, branch), value: { created: Date.now(), head } satisfies BranchRef });
      return this.store.commit(changes);
    });
  }

  /** Deletes a branch; the repo goes with its last branch. Commits stay reachable from the repo's index. */
  async deleteBranch(repo: string, branch: string, options: { requireEmpty?: boolean; keepEmptyRepo?: boolean } = {}): Promise<void> {
    await this.locked(repo, () => {
      const ref = this.requireBranch(repo, branch, "latest");
      if (options.requireEmpty && this.objects.count(this.workingBase(repo, ref).root) > 0) {
        throw new RepoError("BranchNotEmpty", `branch ${branch}.${repo} still holds objects`);
      }
      const changes: RefChange[] = [{ key: REF.branch(repo, branch), value: null }];
      changes.push(...uploadRemovals(this.refs, REF.uploads(repo, branch)));
      const others = this.refs.list(REF.branches(repo), "latest").filter(([k]) => k !== REF.branch(repo, branch));
      if (others.length === 0 && !options.keepEmptyRepo) changes.push({ key: REF.repo(repo), value: null });
      return this.store.commit(changes);
    });
  }

  // ---- commits ----

  /** The commit with this id in repo, or undefined. */
  findCommit(repo: string, id: string, view: View = "durable"): CommitRecord | undefined {
    if (!COMMIT_ID.test(id)) return undefined;
    return this.graph.find(this.getRepo(repo, view)?.commits ?? null, id);
  }

  headCommit(repo: string, branch: string, view: View = "durable"): CommitRecord | undefined {
    const head = this.getBranch(repo, branch, view)?.head;
    return head ? this.findCommit(repo, head, view) : undefined;
  }

  /** Whether commit id is the head of branch or one of its ancestors. */
  inHistory(repo: string, branch: string, id: string): boolean {
    const head = this.headCommit(repo, branch);
    const commit = this.findCommit(repo, id);
    if (!head || !commit) return false;
    return this.graph.isAncestor(this.getRepo(repo)?.commits ?? null, commit, head);
  }

  /** Commits of a branch, newest first. */
  *log(repo: string, branch: string): Generator<CommitRecord> {
    let commit = this.headCommit(repo, branch);
    while (commit) {
      yield commit;
      commit = commit.parent ? this.findCommit(repo, commit.parent) : undefined;
    }
  }

  /** Keys added, changed or deleted between two commits of a repo; subtrees the commits share are skipped. */
  diff(repo: string, from: string | null, to: string): Generator<KeyChange> {
    const rootOf = (id: string) => {
      const commit = this.findCommit(repo, id);
      if (!commit) throw new RepoError("NoSuchCommit", `commit ${id} is not in repo ${repo}`);
      return commit.root;
    };
    return this.diffRoots(from ? rootOf(from) : null, rootOf(to), (a, b) => a.m === b.m && a.c === b.c);
  }

  /**
   * Keys whose live version differs between two object trees, by `sameVersion`; a delete marker against
   * nothing is no change in content.
   */
  *diffRoots(from: string | null, to: string | null, sameVersion: (a: VersionEntry, b: VersionEntry) => boolean): Generator<KeyChange> {
    const live = (e: VersionEntry | undefined) => (e && isLiveEntry(e) ? e : undefined);
    for (const d of this.objects.diff(from, to, sameVersion)) {
      const before = live(d.before);
      const after = live(d.after);
      if (!before && !after) continue;
      yield { key: d.key, change: !before ? "added" : !after ? "deleted" : "changed", before, after };
    }
  }

  /**
   * Opens a commit on a branch: writes collect in it and become visible together at finish.
   * With `empty`, its tree starts empty instead of at the head's, so it ends up holding only what was written
   * into it (a job's output commit).
   */
  async startCommit(repo: string, branch: string, message?: string, options: { empty?: boolean } = {}): Promise<string> {
    return await this.locked(repo, async () => {
      const ref = this.requireBranch(repo, branch, "latest");
      if (ref.open) throw new RepoError("CommitAlreadyOpen", `branch ${branch}.${repo} already has open commit ${ref.open.id}`);
      const head = ref.head ? this.findCommit(repo, ref.head, "latest") : undefined;
      const id = newCommitId();
      const open = { id, parent: ref.head, root: options.empty ? null : (head?.root ?? null), started: Date.now(), message };
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
      });
    });
    await durable;
    return record;
  }

  /** Drops the branch's open commit and everything written into it. */
  async dropCommit(repo: string, branch: string): Promise<void> {
    await this.locked(repo, () => {
      const ref = this.requireBranch(repo, branch, "latest");
      if (!ref.open) throw new RepoError("NoOpenCommit", `branch ${branch}.${repo} has no open commit`);
      return this.store.commit([{ key: REF.branch(repo, branch), value: { ...ref, open: undefined } satisfies BranchRef }]);
    });
  }

  /**
   * Applies writes to a branch as one commit (or into its open commit) and resolves once durable.
   * `check` runs under the lock against the entries the writes would replace: conditional writes are atomic.
   */
  write(
    repo: string,
    branch: string,
    writes: KeyWrite[],
    check?: (current: (key: string) => VersionEntry | undefined) => void,
  ): Promise<{ commit: string; changed: boolean }> {
    return this.retrying(() => this.writeOnce(repo, branch, writes, check));
  }

  private async writeOnce(
    repo: string,
    branch: string,
    writes: KeyWrite[],
    check?: (current: (key: string) => VersionEntry | undefined) => void,
  ): Promise<{ commit: string; changed: boolean }> {
    const result = await this.lockedOnce(repo, () => {
      const ref = this.requireBranch(repo, branch, "latest");
      const { root, head } = this.workingBase(repo, ref);
      const current = (key: string) => this.objects.get(root, key);
      check?.(current);
      if (this.store.blobs.gcRunning) this.retainManifests(writes);
      const commitId = ref.open?.id ?? newCommitId();
      const changes: Array<[string, VersionEntry | null]> = [];
      for (const w of writes) {
        const prev = current(w.key);
        if ("delete" in w && (!prev || !isLiveEntry(prev))) continue; // deleting what is not there changes nothing
        if ("delete" in w && prev!.c === commitId && !prev!.p) {
          changes.push([w.key, null]); // created and deleted inside one open commit: it never existed outside it
          continue;
        }
        // Within one open commit a key keeps only its last version.
        const prevLink = prev ? (prev.c === commitId ? prev.p : putJson(this.store.blobs, "version", prev)) : undefined;
        const entry: VersionEntry = "delete" in w
          ? { c: commitId, t: w.time, p: prevLink }
          : { c: commitId, t: w.time, m: w.manifest, s: w.size, e: w.etag, p: prevLink };
        if (entry.p === undefined) delete entry.p;
        changes.push([w.key, entry]);
      }
      if (changes.length === 0) return { commit: ref.open?.id ?? ref.head ?? "", changed: false, durable: Promise.resolve() };
      const newRoot = this.objects.apply(root, changes);
      if (ref.open) {
        const durable = this.store.commit([{ key: REF.branch(repo, branch), value: { ...ref, open: { ...ref.open, root: newRoot } } satisfies BranchRef }]);
        return { commit: ref.open.id, changed: true, durable };
      }
      const { durable } = this.appendCommit(repo, branch, ref, { id: commitId, parent: head, root: newRoot, started: writes[0]?.time ?? Date.now() });
      return { commit: commitId, changed: true, durable };
    });
    await result.durable;
    return { commit: result.commit, changed: result.changed };
  }

  /**
   * While gc runs, a write that names an existing manifest (a copy, a completed upload, an upload that began
   * before gc did) marks it and its chunks live, or fails if gc already removed them: never a dangling ref.
   */
  private retainManifests(writes: KeyWrite[]): void {
    for (const w of writes) {
      if ("delete" in w) continue;
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
    c: { id: string; parent: CommitRecord | undefined; root: string | null; started: number; message?: string },
  ): { record: CommitRecord; durable: Promise<void> } {
    const repoRef = this.requireRepo(repo, "latest");
    const { parent } = c;
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
    if (c.message) record.message = c.message;
    const { hash, bytes } = putJsonSized(this.store.blobs, "commit", record);
    this.graph.remember(hash, record, bytes);
    const commits = this.commitIndex.apply(repoRef.commits, [[c.id, hash]]);
    const durable = this.store.commit([
      { key: REF.repo(repo), value: { ...repoRef, commits } satisfies RepoRef },
      { key: REF.branch(repo, branch), value: { ...ref, head: c.id } satisfies BranchRef },
    ]);
    return { record, durable };
  }

  requireRepo(repo: string, view: View = "durable"): RepoRef {
    const ref = this.getRepo(repo, view);
    if (!ref) throw new RepoError("NoSuchRepo", `repo ${repo} does not exist`);
    return ref;
  }

  requireBranch(repo: string, branch: string, view: View = "durable"): BranchRef {
    const ref = this.getBranch(repo, branch, view);
    if (!ref) throw new RepoError("NoSuchBranch", `branch ${branch}.${repo} does not exist`);
    return ref;
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

  /**
   * Runs an attempt until its commit does not lose a compare-and-swap. Only a distributed store reports lost ones
   * (another gateway moved the branch first): the attempt then rebuilds its change on the refreshed refs.
   */
  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof RefConflictError)) throw err;
        if (tries >= MAX_ATTEMPTS) throw new UnavailableError(`gave up after ${tries} conflicting attempts`, "SlowDown");
        await this.store.refresh?.();
      }
    }
  }
}

function checkName(name: string, what: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new RepoError("InvalidName", `${what} name ${JSON.stringify(name)} must be 1-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit`);
  }
}
