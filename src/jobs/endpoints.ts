// Sidecar jobs' private S3 endpoints, served by the server process (the one owner of the data dir).
// A job gets its own port where each input NAME is a read-only bucket pinned to a commit, and `out` is an open
// commit on a staging branch of the job's own, made off the output branch's head when the job starts. Finishing
// the job merges that commit into the output branch (a fast-forward when nothing landed there meanwhile), so jobs
// writing one output branch at once neither block each other nor lose each other's keys.
import { AdminError } from "../admin/errors.ts";
import { RepoError } from "../repo/errors.ts";
import type { RepoService } from "../repo/service.ts";
import { serve, type RunningServer } from "../runtime/serve.ts";
import { createS3Endpoint, internalErrorResponse, type S3AppOptions, type S3Endpoint, unparsableRequestResponse } from "../s3/app.ts";
import type { BucketTarget } from "../s3/buckets.ts";
import type { BucketResolver, S3Config } from "../s3/context.ts";
import { ANY_CREDENTIALS } from "../s3/auth/types.ts";
import { S3Error } from "../s3/errors.ts";
import { noSuchBucket } from "../s3/targets.ts";
import { randomHex } from "../util/bytes.ts";
import { type JobHost, type JobInfo, type JobOutcome, type JobSpec, OUTPUT_BUCKET, stagingBranch } from "./spec.ts";

/** The buckets a job sees (ListBuckets too): its inputs by name and `out`; no others, and none can be created or deleted. */
export class JobBuckets implements BucketResolver {
  readonly managesBuckets = false;
  constructor(private readonly job: Pick<JobInfo, "inputs" | "output" | "staging" | "started">) {}

  resolve(name: string): BucketTarget {
    const { output, inputs, staging } = this.job;
    if (name === OUTPUT_BUCKET) return { name, repo: output.repo, branch: staging, readsOpenCommit: true };
    const input = Object.hasOwn(inputs, name) ? inputs[name] : undefined;
    if (!input) throw noSuchBucket(name, `this job's buckets are ${[...Object.keys(inputs), OUTPUT_BUCKET].join(", ")}`);
    // anyBranch: the pinned commit stays readable even if its branch moves on or goes away.
    return { name, repo: input.repo, branch: input.branch ?? "", commit: input.commit, anyBranch: true };
  }

  /** They all came into being when the job started. */
  list(): Array<{ name: string; created: number }> {
    return [...Object.keys(this.job.inputs), OUTPUT_BUCKET].map((name) => ({ name, created: this.job.started }));
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
  /**
   * whether this process is the only one serving the data (an embedded store): then a marked staging branch of a job
   * it does not run is a leftover (a crash, a failed cleanup) and goes. Servers sharing a metadata store can't see
   * each other's processes: they go by the jobs' leases (JobLease), and take a branch for a leftover once its lease
   * has expired.
   */
  soleServer: boolean;
  /** how long a job's lease lasts unrenewed; this server renews its jobs' leases, and looks for expired ones, every third of it */
  leaseMs: number;
  /** catches up with the other servers' writes (a shared metadata store): their leases and staging branches */
  refresh?: () => Promise<void>;
}

export class JobEndpoints implements JobHost {
  private readonly jobs = new Map<string, { info: JobInfo; server: RunningServer }>();
  private readonly leaseTimer: ReturnType<typeof setInterval>;
  private tending: Promise<void> | undefined;

  constructor(private readonly o: JobEndpointOptions) {
    this.leaseTimer = setInterval(() => {
      this.tending ??= this.tendLeases().finally(() => (this.tending = undefined));
    }, o.leaseMs / 3);
    this.leaseTimer.unref?.();
  }

  /**
   * Renews the leases of the jobs running here and, on a shared metadata store, removes staging branches whose lease
   * has expired. A failure (the metadata store away) is tried again at the next tick; a lease renewed a third of
   * its life ahead survives two missed ticks.
   */
  private async tendLeases(): Promise<void> {
    try {
      for (const id of this.jobs.keys()) await this.o.repo.renewJobLease(id, Date.now() + this.o.leaseMs);
      if (this.o.soleServer) return;
      await this.o.refresh?.();
      await this.removeLeftovers();
    } catch {
      // next tick
    }
  }

  async start(spec: JobSpec): Promise<JobInfo> {
    const vs = this.o.repo;
    const { repo, branch } = spec.output;
    const id = randomHex(8);
    const staging = stagingBranch(id);
    await vs.createBranch(repo, staging, { branch }, { id, leaseUntil: Date.now() + this.o.leaseMs });
    let server: RunningServer | undefined;
    try {
      // The job's writes get the version ids the output branch would give them.
      if (vs.versioning(repo, branch) === "Suspended") await vs.setVersioning(repo, staging, "Suspended");
      const commit = await vs.startCommit(repo, staging, spec.message, { author: spec.author, meta: spec.meta });
      const accessKey = `job-${id}`;
      const job = { ...spec, id, staging, commit, started: Date.now(), accessKey, region: this.o.s3Config.region };
      const auth: Pick<S3AppOptions, "auth" | "authorize"> = this.o.authEnabled()
        ? {
          auth: { secretFor: (key) => (key === accessKey ? key : undefined) },
          authorize: (result) => {
            if (result.kind !== "signed") throw new S3Error("AccessDenied", `This job endpoint takes the job's access key (${accessKey}).`);
          },
        }
        : { auth: ANY_CREDENTIALS };
      const s3 = createS3Endpoint({ repo: this.o.repo, config: this.o.s3Config, buckets: new JobBuckets(job) }, { domains: [], observe: this.o.observe, ...auth });
      server = await serve({ port: 0, hostname: this.o.hostname, fetch: this.o.serverApp(s3).fetch, onError: internalErrorResponse, onBadRequest: unparsableRequestResponse, tls: this.o.tls });
      const info: JobInfo = { ...job, port: server.port };
      this.jobs.set(id, { info, server });
      return info;
    } catch (err) {
      await server?.stop();
      await this.discardStaging(repo, staging);
      throw err;
    }
  }

  /**
   * Stops the job's endpoint (its requests in flight finish first), finishes its staging commit and merges it into
   * the output branch with the job's strategy. A conflict (strategy fail) leaves the output branch as it was; the
   * staged commit stays in the repo (`<commit>.repo`), so it can still be merged by hand.
   */
  async finish(id: string): Promise<JobOutcome> {
    const { info } = await this.stop(id);
    const { repo, branch } = info.output;
    try {
      const staged = await this.o.repo.finishCommit(repo, info.staging);
      const merge = await this.o.repo.merge({ repo, branch }, { repo, commit: staged.id }, {
        strategy: info.strategy,
        message: `merge job ${id}${info.message ? `: ${info.message}` : ""}`,
        author: info.author,
        meta: info.meta,
      });
      await this.discardStaging(repo, info.staging);
      return { job: info, staged, merge };
    } catch (err) {
      await this.discardStaging(repo, info.staging);
      await this.removeLeftovers();
      throw err;
    }
  }

  /** Stops the job's endpoint; its staging branch goes, with everything written into it. */
  async drop(id: string): Promise<void> {
    const { info } = await this.stop(id);
    await this.discardStaging(info.output.repo, info.staging);
    await this.removeLeftovers();
  }

  /**
   * Removes the staging branches of jobs this server is not running: at start (a crash or kill -9 left them), when
   * a job ends abnormally (a cleanup that failed then) and, on a shared metadata store, at every lease tick; there
   * only those whose lease has expired (another server's running job renews its own). Only branches a server
   * marked as a job's (BranchRef.job) are candidates, never one a user merely named job-something.
   */
  async removeLeftovers(): Promise<void> {
    for (const b of this.o.repo.listBranches()) {
      if (b.job !== undefined && !this.jobs.has(b.job)) await this.discardStaging(b.repo, b.branch, { unlessLeased: !this.o.soleServer });
    }
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => j.info);
  }

  /** At server shutdown: a job that has not finished leaves nothing behind. */
  async dropAll(): Promise<void> {
    clearInterval(this.leaseTimer);
    await this.tending;
    for (const id of [...this.jobs.keys()]) await this.drop(id).catch(() => {});
  }

  private async stop(id: string): Promise<{ info: JobInfo }> {
    const job = this.jobs.get(id);
    if (!job) throw new AdminError("NoSuchJob", `no running job ${id}`, 404);
    this.jobs.delete(id);
    await job.server.stop();
    const { output: { repo }, staging, commit } = job.info;
    // Someone may have finished or dropped the staging commit by hand meanwhile: never touch another commit.
    if (this.o.repo.openCommitNow(repo, staging) !== commit) {
      throw new RepoError("NoOpenCommit", `job ${id}'s output commit ${commit} is no longer open on ${staging}.${repo}`);
    }
    return job;
  }

  /**
   * Deletes a staging branch (its open commit, if any, goes with it). Best effort: the job's outcome is what the
   * caller needs to hear, and a staging branch left behind is harmless and shows in `strata branch list`.
   */
  private async discardStaging(repo: string, staging: string, options: { unlessLeased?: boolean } = {}): Promise<void> {
    await this.o.repo.deleteBranch(repo, staging, { keepEmptyRepo: true, ...options }).catch(() => {});
  }
}
