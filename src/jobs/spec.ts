// What a sidecar job is: named read-only inputs pinned to commits, and an output branch that takes the job's
// writes through a staging branch of its own, merged in when the job succeeds. The admin routes (routes.ts) check
// a spec; the job host (endpoints.ts) serves it.
import type { CommitInfo, MergeResult, MergeStrategy } from "../repo/service.ts";

export interface JobInput {
  ref: string;
  repo: string;
  branch?: string;
  commit: string;
}

/** The bucket name under which a job writes its output commit (no input may take it). */
export const OUTPUT_BUCKET = "out";

/**
 * The name of a job's staging branch in the output's repo. The name alone never makes a branch a job's: the server
 * marks the branches it makes so (BranchRef.job), and only marked ones are ever removed as jobs' leftovers.
 */
export const stagingBranch = (id: string): string => `job-${id}`;

/** Names a job input may take: S3 bucket names without dots (no clash with refs), `out` excepted. */
export const INPUT_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export interface JobSpec {
  inputs: Record<string, JobInput>;
  output: { ref: string; repo: string; branch: string };
  /** how the merge into the output branch settles keys the branch changed too while the job ran */
  strategy: MergeStrategy;
  message?: string;
  /** who runs the job (the token's user, or anonymous): the author of its commits */
  author?: string;
  meta?: Record<string, string>;
}

export interface JobInfo extends JobSpec {
  id: string;
  /** port of the job's private S3 endpoint, on the server's host */
  port: number;
  /** the branch of the output's repo, made off the output branch's head at the start, whose open commit takes the writes */
  staging: string;
  /** the open commit on the staging branch that the job's writes go into */
  commit: string;
  started: number;
  /** credentials the job's S3 clients use (secret = access key) */
  accessKey: string;
  region: string;
}

/** A finished job: its staging commit, and how merging it into the output branch went (conflict: not at all). */
export interface JobOutcome {
  job: JobInfo;
  staged: CommitInfo;
  merge: MergeResult;
}

/** Serves jobs' private S3 endpoints (endpoints.ts; started by the composition root, which may start servers). */
export interface JobHost {
  start(spec: JobSpec): Promise<JobInfo>;
  finish(id: string): Promise<JobOutcome>;
  drop(id: string): Promise<void>;
  list(): JobInfo[];
}
