// CreateBucket's CreateBucketConfiguration: the region a new bucket is asked to live in (LocationConstraint).
// A Strata server is one region (`--region`), so a bucket can only be in that one. AWS answers a constraint that
// is not the endpoint's region with 400 IllegalLocationConstraintException
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html, CreateBucketConfiguration).
import { S3Error } from "./errors.ts";
import { parseXml } from "./xml.ts";

/** S3's legacy names of regions, still accepted in a LocationConstraint. */
const LEGACY: Record<string, string> = { EU: "eu-west-1" };

/**
 * The region a CreateBucket body names; undefined when it names none (no body, an empty configuration or an empty
 * LocationConstraint: the endpoint's region). Not a CreateBucketConfiguration document: MalformedXML.
 */
export function requestedRegion(body: string): string | undefined {
  if (body.trim() === "") return undefined;
  const config = parseXml(body)?.CreateBucketConfiguration;
  if (config === "") return undefined; // <CreateBucketConfiguration/>
  if (typeof config !== "object" || config === null || Array.isArray(config)) throw new S3Error("MalformedXML");
  const constraint = (config as Record<string, unknown>).LocationConstraint;
  if (constraint === undefined) return undefined;
  if (typeof constraint !== "string") throw new S3Error("MalformedXML");
  const region = constraint.trim();
  return region === "" ? undefined : region;
}

/** Refuses a bucket in another region than the server's, with AWS's message naming the constraint. */
export function checkRegion(requested: string | undefined, serverRegion: string): void {
  if (requested === undefined || (LEGACY[requested] ?? requested) === serverRegion) return;
  throw new S3Error(
    "IllegalLocationConstraintException",
    `The ${requested} location constraint is incompatible for the region specific endpoint this request was sent to.`,
  );
}
