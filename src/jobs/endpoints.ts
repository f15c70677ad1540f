// Sidecar jobs' private S3 endpoints, served by the server process (the one owner of the data dir).
// A job gets its own port where each input NAME is a read-only bucket pinned to a commit, and `out` is an open
// commit on the output branch whose tree starts empty, so the finished commit holds exactly what the job wrote.
import { AdminError } from "../admin/errors.ts";
import { RepoError } from "../repo/errors.ts";
import type { CommitInfo, RepoService } from "../repo/service.ts";
import { serve, type RunningServer } from "../runtime/serve.ts";
import { createS3Endpoint, internalErrorResponse, type S3AppOptions, type S3Endpoint, unparsableRequestResponse } from "../s3/app.ts";
import type { BucketTarget } from "../s3/buckets.ts";
import type { BucketResolver, S3Config } from "../s3/context.ts";
import { ANY_CREDENTIALS } from "../s3/auth/types.ts";
import { S3Error } from "../s3/errors.ts";
import { noSuchBucket } from "../s3/targets.ts";
import { randomHex } from "../util/bytes.ts";
import { type JobHost, type JobInfo, type JobSpec, OUTPUT_BUCKET } from "./spec.ts";

/** The buckets a job sees: its inputs by name and `out`; no others, and none can be created or deleted. */
export class JobBuckets implements BucketResolver {
  readonly managesBuckets = false;
  constructor(private readonly spec: JobSpec) {}

  resolve(name: string): BucketTarget {
    const { output, inputs } = this.spec;
    if (name === OUTPUT_BUCKET) return { name, repo: output.repo, branch: output.branch, readsOpenCommit: true };
    const input = Object.hasOwn(inputs, name) ? inputs[name] : undefined;
    if (!input) throw noSuchBucket(name, `this job's buckets are ${[...Object.keys(inputs), OUTPUT_BUCKET].join(", ")}`);
    // anyBranch: the pinned commit stays readable even if its branch moves on or goes away.
    return { name, repo: input.repo, branch: input.branch ?? "", commit: input.commit, anyBranch: true };
  }
}

export interface JobEndpointOptions {
  repo: RepoService;
  s3Config: S3Config;
  hostname: string;
  tls?: { cert: string; key: string };
  /** whether auth is on when a job starts: then its endpoint takes only the job's own access key, else any */
  authEnabled: () => boolean;
  /** the server's request observer: the same metrics and log lines as the main endpoint */
  observe: S3AppOptions["observe"];
  /** the server app around a job's S3 endpoint (server-app.ts, in the composition root): health as on the main port */
  serverApp: (s3: S3Endpoint) => { fetch: (req: Request) => Response | Promise<Response> };
}

export class JobEndpoints implements JobHost {
  private readonly jobs = new Map<string, { info: JobInfo; server: RunningServer }>();

  constructor(private readonly o: JobEndpointOptions) {}

  async start(spec: JobSpec): Promise<JobInfo> {
    const vs = this.o.repo;
    const { repo, branch } = spec.output;
    const commit = await vs.startCommit(repo, branch, spec.message, { empty: true });
    const id = randomHex(8);
    const accessKey = `job-${id}`;
    const auth: Pick<S3AppOptions, "auth" | "authorize"> = this.o.authEnabled()
      ? {
        auth: { secretFor: (key) => (key === accessKey ? key : undefined) },
        authorize: (result) => {
          if (result.kind !== "signed") throw new S3Error("AccessDenied", `This job endpoint takes the job's access key (${accessKey}).`);
        },
      }
      : { auth: ANY_CREDENTIALS };
    const s3 = createS3Endpoint({ repo: this.o.repo, config: this.o.s3Config, buckets: new JobBuckets(spec) }, { domains: [], observe: this.o.observe, ...auth });
    let server: RunningServer;
    try {
      server = await serve({ port: 0, hostname: this.o.hostname, fetch: this.o.serverApp(s3).fetch, onError: internalErrorResponse, onBadRequest: unparsableRequestResponse, tls: this.o.tls });
    } catch (err) {
      await vs.dropCommit(repo, branch);
      throw err;
    }
    const info: JobInfo = { ...spec, id, port: server.port, commit, accessKey, region: this.o.s3Config.region };
    this.jobs.set(id, { info, server });
    return info;
  }

  /** Stops the job's endpoint (its requests in flight finish first), then finishes its output commit. */
  async finish(id: string): Promise<CommitInfo> {
    const { info } = await this.stop(id);
    return this.o.repo.finishCommit(info.output.repo, info.output.branch);
  }

  async drop(id: string): Promise<void> {
    const { info } = await this.stop(id);
    await this.o.repo.dropCommit(info.output.repo, info.output.branch);
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => j.info);
  }

  /** At server shutdown: a job that has not finished leaves nothing behind. */
  async dropAll(): Promise<void> {
    for (const id of [...this.jobs.keys()]) await this.drop(id).catch(() => {});
  }

  private async stop(id: string): Promise<{ info: JobInfo }> {
    const job = this.jobs.get(id);
    if (!job) throw new AdminError("NoSuchJob", `no running job ${id}`, 404);
    this.jobs.delete(id);
    await job.server.stop();
    const { repo, branch } = job.info.output;
    // Someone may have finished or dropped the output commit by hand meanwhile: never touch another commit.
    if (this.o.repo.openCommitNow(repo, branch) !== job.info.commit) {
      throw new RepoError("NoOpenCommit", `job ${id}'s output commit ${job.info.commit} is no longer open on ${branch}.${repo}`);
    }
    return job;
  }
}
