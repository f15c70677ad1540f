// ListBuckets: every branch of every repo is a bucket (inside a job: only the job's own buckets).
import { isoTime } from "../../util/time.ts";
import { branchRef } from "../../repo/ref-names.ts";
import type { S3Deps, S3Request } from "../context.ts";
import { continuationToken, resumeAfter } from "../continuation-token.ts";
import { S3Error } from "../errors.ts";
import { OWNER, xmlResponse } from "../respond.ts";

/** ListBuckets' tokens are of no bucket. */
const SERVICE_SCOPE = "";

export function listBuckets(req: S3Request, deps: S3Deps): Response {
  const prefix = req.query.get("prefix") ?? "";
  const max = req.query.has("max-buckets") ? Number(req.query.get("max-buckets")) : 10000;
  if (!Number.isInteger(max) || max < 1 || max > 10000) throw new S3Error("InvalidArgument", "max-buckets must be an integer from 1 to 10000");
  const token = req.query.get("continuation-token");
  const after = token !== null ? resumeAfter(SERVICE_SCOPE, token) : "";
  const buckets = deps.buckets.list?.() ??
    deps.repo.listBranches().filter((b) => req.mayList?.(b.repo) ?? true).map((b) => ({ name: branchRef(b.repo, b.branch), created: b.created }));
  const all = buckets
    .map((b) => ({ Name: b.name, CreationDate: isoTime(b.created), BucketRegion: deps.config.region }))
    .filter((b) => b.Name.startsWith(prefix) && b.Name > after)
    .sort((a, b) => (a.Name < b.Name ? -1 : 1));
  const page = all.slice(0, max);
  const truncated = all.length > max;
  return xmlResponse("ListAllMyBucketsResult", {
    Owner: OWNER,
    Buckets: { Bucket: page },
    ContinuationToken: truncated ? continuationToken(SERVICE_SCOPE, page[page.length - 1].Name) : undefined,
    Prefix: req.query.has("prefix") ? prefix : undefined,
  });
}
