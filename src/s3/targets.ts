// Resolving a request's bucket to what it reads (a tree at a commit) or writes (a branch).
import { RepoError, tagIsReadOnly } from "../repo/errors.ts";
import type { Snapshot } from "../repo/service.ts";
import type { BucketTarget } from "./buckets.ts";
import type { BucketResolver, S3Deps } from "./context.ts";
import { S3Error } from "./errors.ts";
import { notImplemented } from "./respond.ts";

export interface ReadView {
  target: BucketTarget;
  /** what the bucket shows: hand it to the repo's reads */
  snapshot: Snapshot;
  /** the commit shown (the version served), if the branch has any */
  commit?: string;
}

export function noSuchBucket(name: string, why?: string): S3Error {
  return new S3Error("NoSuchBucket", why ? `The specified bucket does not exist: ${why}.` : undefined, { BucketName: name });
}

export function resolveTarget(deps: S3Deps, bucket: string): BucketTarget {
  const target = withTag(deps, deps.buckets.resolve(bucket));
  if (!deps.repo.hasRepo(target.repo)) throw noSuchBucket(target.name, `repo ${target.repo} does not exist`);
  if (!target.anyBranch && !deps.repo.branch(target.repo, target.branch)) {
    throw noSuchBucket(target.name, `branch ${target.branch} of repo ${target.repo} does not exist`);
  }
  return target;
}

/**
 * A `branch.repo` bucket whose name is no branch but one of the repo's tags: the tag's commit, read-only (a
 * commit bucket of the whole repo, as `commit.repo`). Any other target is returned as it is.
 */
function withTag(deps: S3Deps, target: BucketTarget): BucketTarget {
  if (target.commit || target.anyBranch || target.readsOpenCommit || deps.repo.branch(target.repo, target.branch)) return target;
  const tag = deps.repo.tag(target.repo, target.branch);
  return tag ? { ...target, tag: tag.name, commit: tag.commit, anyBranch: true } : target;
}

const VIEWS_KEPT = 1024;
// Per resolver: a job endpoint maps the same names to other refs. Resolvers are pure functions of the name.
const resolvedViews = new WeakMap<BucketResolver, Map<string, ReadView>>();

/**
 * The tree a bucket shows. Resolving it (name rules, repo, branch, head commit in the commit index) cost as much
 * as finding the key in that tree, so the result is kept while the repo says its snapshot is current (the refs it
 * came from are replaced on every write, so a write acknowledged a moment ago is seen: read-after-write holds).
 */
export function readView(deps: S3Deps, bucket: string): ReadView {
  let views = resolvedViews.get(deps.buckets);
  if (!views) resolvedViews.set(deps.buckets, (views = new Map()));
  const known = views.get(bucket);
  if (known && deps.repo.isCurrent(known.snapshot)) return known;
  const view = resolveView(deps, bucket);
  if (views.size >= VIEWS_KEPT) views.clear();
  views.set(bucket, view);
  return view;
}

function resolveView(deps: S3Deps, bucket: string): ReadView {
  const target = withTag(deps, deps.buckets.resolve(bucket));
  try {
    // A tag's snapshot stays current only while the tag names that commit (deleted and made again elsewhere: not).
    const snapshot = deps.repo.snapshot(target.tag !== undefined ? { repo: target.repo, tag: target.tag } : {
      repo: target.repo,
      branch: target.anyBranch ? undefined : target.branch,
      commit: target.commit,
      openCommit: target.readsOpenCommit,
    });
    return { target, snapshot, commit: snapshot.commit };
  } catch (err) {
    if (err instanceof RepoError && (err.code === "NoSuchRepo" || err.code === "NoSuchBranch" || err.code === "NoSuchCommit" || err.code === "NoSuchTag")) {
      throw noSuchBucket(target.name, err.message);
    }
    throw err;
  }
}

/**
 * A branch bucket that may be written; commit and tag buckets are read-only: AccessDenied (403) saying which, for
 * every write (PUT, POST, DELETE, DeleteObjects, multipart, CopyObject into it, bucket settings).
 */
export function writeTarget(deps: S3Deps, bucket: string): BucketTarget {
  const target = resolveTarget(deps, bucket);
  if (target.tag !== undefined) throw fromRepoError(tagIsReadOnly(target.repo, target.tag, target.commit!), target.name);
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
    case "NoSuchTag":
      return noSuchBucket(bucket ?? "", err.message);
    // A protected branch takes merges only; a tag is read-only (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html: AccessDenied, 403).
    case "BranchProtected":
    case "IsTag":
      return new S3Error("AccessDenied", err.message);
    case "NoSuchUpload":
      return new S3Error("NoSuchUpload");
    case "PreconditionFailed":
      return new S3Error("PreconditionFailed");
    case "TagExists":
    case "BranchExists":
      return new S3Error("BucketAlreadyOwnedByYou", undefined, bucket ? { BucketName: bucket } : {});
    case "BranchNotEmpty":
      return new S3Error("BucketNotEmpty", `The bucket you tried to delete is not empty: ${err.message}`, bucket ? { BucketName: bucket } : {});
    case "InvalidName":
      return new S3Error("InvalidBucketName", err.message);
    case "NoSuchCommit":
    case "NoSuchVersion":
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
