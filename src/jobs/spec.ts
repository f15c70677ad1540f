// What a sidecar job is: named read-only inputs pinned to commits, and an output branch whose open commit takes
// the job's writes. The admin routes (routes.ts) check a spec; the job host (endpoints.ts) serves it.
import type { CommitInfo } from "../repo/service.ts";

export interface JobInput {
  ref: string;
  repo: string;
  branch?: string;
  commit: string;
}

/** The bucket name under which a job writes its output commit (no input may take it). */
export const OUTPUT_BUCKET = "out";

/** Names a job input may take: S3 bucket names without dots (no clash with refs), `out` excepted. */
export const INPUT_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export interface JobSpec {
  inputs: Record<string, JobInput>;
  output: { ref: string; repo: string; branch: string };
  message?: string;
}

export interface JobInfo extends JobSpec {
  id: string;
  /** port of the job's private S3 endpoint, on the server's host */
  port: number;
  /** the open commit on the output branch that the job's writes go into */
  commit: string;
  /** credentials the job's S3 clients use (secret = access key) */
  accessKey: string;
  region: string;
}

/** Serves jobs' private S3 endpoints (endpoints.ts; started by the composition root, which may start servers). */
export interface JobHost {
  start(spec: JobSpec): Promise<JobInfo>;
  finish(id: string): Promise<CommitInfo>;
  drop(id: string): Promise<void>;
  list(): JobInfo[];
}
