// Resolving a request's bucket to what it reads (a tree at a commit) or writes (a branch).
import { RepoError } from "../repo/errors.ts";
import type { Snapshot } from "../repo/versioned-store.ts";
import type { BucketTarget } from "./buckets.ts";
import type { BucketResolver, S3Deps } from "./context.ts";
import { S3Error } from "./errors.ts";
import { notImplemented } from "./respond.ts";

/** What a bucket shows: a tree (with the repo's purged versions left out, as a Snapshot) at a commit. */
export interface ReadView extends Snapshot {
  target: BucketTarget;
  /** the tree the bucket shows */
  root: string | null;
  /** the commit that tree belongs to (the version served), if the branch has any */
  commit?: string;
}

export function noSuchBucket(name: string, why?: string): S3Error {
  return new S3Error("NoSuchBucket", why ? `The specified bucket does not exist: ${why}.` : undefined, { BucketName: name });
}

export function resolveTarget(deps: S3Deps, bucket: string): BucketTarget {
  const target = deps.buckets.resolve(bucket);
  const vs = deps.repo.versions;
  if (!vs.getRepo(target.repo, "durable")) throw noSuchBucket(target.name, `repo ${target.repo} does not exist`);
  if (!target.anyBranch && !vs.getBranch(target.repo, target.branch, "durable")) {
    throw noSuchBucket(target.name, `branch ${target.branch} of repo ${target.repo} does not exist`);
  }
  return target;
}

/**
 * A bucket's view as last resolved, with the repo and branch refs it was resolved from. Refs are frozen values
 * replaced (never changed) on every write, so while both lookups still return those very objects the view is
 * current; a write acknowledged a moment ago has replaced one and is seen (read-after-write holds).
 */
interface ResolvedView {
  repoRef: unknown;
  branchRef: unknown;
  view: ReadView;
}
const VIEWS_KEPT = 1024;
// Per resolver: a job endpoint maps the same names to other refs. Resolvers are pure functions of the name.
const resolvedViews = new WeakMap<BucketResolver, Map<string, ResolvedView>>();

/**
 * The tree a bucket shows. Resolving it (name rules, repo, branch, head commit in the commit index) cost as much
 * as finding the key in that tree, so the result is kept until the bucket's repo or branch ref changes.
 */
export function readView(deps: S3Deps, bucket: string): ReadView {
  let views = resolvedViews.get(deps.buckets);
  if (!views) resolvedViews.set(deps.buckets, (views = new Map()));
  const vs = deps.repo.versions;
  const known = views.get(bucket);
  if (known) {
    const { repo, branch } = known.view.target;
    if (vs.getRepo(repo, "durable") === known.repoRef && vs.getBranch(repo, branch, "durable") === known.branchRef) return known.view;
  }
  const view = resolveView(deps, bucket);
  if (views.size >= VIEWS_KEPT) views.clear();
  const { repo, branch } = view.target;
  views.set(bucket, { repoRef: vs.getRepo(repo, "durable"), branchRef: vs.getBranch(repo, branch, "durable"), view });
  return view;
}

function resolveView(deps: S3Deps, bucket: string): ReadView {
  const target = resolveTarget(deps, bucket);
  const vs = deps.repo.versions;
  if (target.commit) {
    const commit = vs.findCommit(target.repo, target.commit, "durable");
    if (!commit || (!target.anyBranch && !vs.inHistory(target.repo, target.branch, target.commit))) {
      throw noSuchBucket(target.name, `commit ${target.commit} is not in the history of ${target.anyBranch ? `repo ${target.repo}` : `${target.branch}.${target.repo}`}`);
    }
    return { target, ...vs.snapshot(target.repo, commit.root, "durable"), commit: commit.id };
  }
  const open = target.readsOpenCommit ? vs.getBranch(target.repo, target.branch, "durable")?.open : undefined;
  if (open) return { target, ...vs.snapshot(target.repo, open.root, "durable"), commit: open.id };
  const head = vs.headCommit(target.repo, target.branch, "durable");
  return { target, ...vs.snapshot(target.repo, head?.root ?? null, "durable"), commit: head?.id };
}

/** A branch bucket that may be written; commit buckets are read-only. */
export function writeTarget(deps: S3Deps, bucket: string): BucketTarget {
  const target = resolveTarget(deps, bucket);
  if (target.commit) {
    // Behind a job's private endpoint the read-only buckets are its pinned inputs: not writable by design.
    if (!deps.buckets.managesBuckets) notImplemented(`writing to ${target.name}, a job input pinned to commit ${target.commit}`);
    throw new S3Error("AccessDenied", `Bucket ${target.name} is commit ${target.commit}, which is read-only: write to the branch bucket ${target.branch}.${target.repo} instead.`);
  }
  return target;
}

/**
 * Maps errors of the versioned model to S3 errors. Every repo error is listed: a new one fails to compile here
 * until it is given its S3 error, instead of silently becoming InvalidRequest.
 */
export function fromRepoError(err: RepoError, bucket?: string): S3Error {
  const code = err.code;
  switch (code) {
    case "NoSuchRepo":
    case "NoSuchBranch":
      return noSuchBucket(bucket ?? "", err.message);
    case "NoSuchUpload":
      return new S3Error("NoSuchUpload");
    case "PreconditionFailed":
      return new S3Error("PreconditionFailed");
    case "BranchExists":
      return new S3Error("BucketAlreadyOwnedByYou", undefined, bucket ? { BucketName: bucket } : {});
    case "BranchNotEmpty":
      return new S3Error("BucketNotEmpty", `The bucket you tried to delete is not empty: ${err.message}`, bucket ? { BucketName: bucket } : {});
    case "InvalidName":
      return new S3Error("InvalidBucketName", err.message);
    case "NoSuchCommit":
      return new S3Error("NoSuchVersion", err.message);
    // Admin-side states an S3 request can run into (a job's output commit closed under it, ...): the message says which.
    case "RepoExists":
    case "RepoHasBranches":
    case "NoOpenCommit":
    case "CommitAlreadyOpen":
      return new S3Error("InvalidRequest", err.message);
    default: {
      const unmapped: never = code;
      throw new Error(`repo error ${String(unmapped)} has no S3 error`);
    }
  }
}
