// S3 tag sets, read and checked in one place: the x-amz-tagging header (PutObject, CreateMultipartUpload,
// CopyObject), the Tagging document (PutObjectTagging, PutBucketTagging, POST Object's `tagging` field), and the
// Tagging answer. AWS: "Categorizing your storage using tags"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html), "Using cost allocation S3 bucket
// tags" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/CostAllocTagging.html), the PutObject,
// PutObjectTagging, PutBucketTagging and Tag API references.
import type { TagSet } from "../repo/model.ts";
import { S3Error } from "./errors.ts";
import { xmlResponse } from "./respond.ts";
import { parseXml, type XmlObject } from "./xml.ts";

/** Objects take up to 10 tags, buckets up to 50. */
export type Tagged = "object" | "bucket";
const MAX_TAGS: Record<Tagged, number> = { object: 10, bucket: 50 };
// "A tag key can be up to 128 Unicode characters in length, and tag values can be up to 256 Unicode characters
// in length. Amazon S3 object tags are internally represented in UTF-16": lengths count UTF-16 code units,
// which is what a JS string's length is.
const MAX_KEY = 128;
const MAX_VALUE = 256;
// "Unicode letters or numbers, white space, and the following symbols: _ . : / = + @ -" (tagging.html).
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const invalidTag = (message: string, key?: string) => new S3Error("InvalidTag", message, key !== undefined ? { TagKey: key } : {});

/**
 * Checks a tag set as S3 does and returns it sorted by key (S3 lists tags in key order, whatever order they
 * were sent in: ceph s3-tests' test_put_obj_with_tags). Messages are AWS's: more than 10 tags on an object is
 * "BadRequest: Object tags cannot be greater than 10" (AWS answers that code, not InvalidTag:
 * hashicorp/terraform-provider-aws#19895); an `aws:` key is refused on objects and on buckets with their own
 * messages (getmoto/moto's AWS-verified tests).
 */
export function checkTags(tags: TagSet, what: Tagged): TagSet {
  const max = MAX_TAGS[what];
  if (tags.length > max) throw new S3Error("BadRequest", `${what === "object" ? "Object" : "Bucket"} tags cannot be greater than ${max}`);
  const seen = new Set<string>();
  for (const [key, value] of tags) {
    if (key.length === 0 || key.length > MAX_KEY || !TAG_TEXT.test(key)) throw invalidTag("The TagKey you have provided is invalid", key);
    if (value.length > MAX_VALUE || !TAG_TEXT.test(value)) throw invalidTag("The TagValue you have provided is invalid", key);
    if (seen.has(key)) throw invalidTag("Cannot provide multiple Tags with the same key", key);
    seen.add(key);
    if (key.startsWith("aws:")) throw invalidTag(what === "object" ? "Your TagKey cannot be prefixed with aws:" : "System tags cannot be added/updated by requester", key);
  }
  return [...tags].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const badHeader = (value: string) =>
  new S3Error("InvalidArgument", "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.", {
    ArgumentName: "x-amz-tagging",
    ArgumentValue: value,
  });

/**
 * The tags of an x-amz-tagging header ("The tag-set must be encoded as URL Query parameters. (For example,
 * "Key1=Value1")", API_PutObject), checked; undefined when the header is absent or names no tag. As a form's
 * query: `+` is a space, a key without `=` has the empty value. A pair with a second raw `=`, bad
 * percent-encoding or a key named twice is InvalidArgument, as S3 answers (aws/aws-cli#2841).
 */
export function parseTaggingHeader(value: string | null): TagSet | undefined {
  if (value === null) return undefined;
  const tags: TagSet = [];
  const keys = new Set<string>();
  for (const pair of value.split("&")) {
    if (pair === "") continue;
    const [rawKey, rawValue = "", ...more] = pair.split("=");
    if (more.length) throw badHeader(value);
    let key: string;
    let text: string;
    try {
      key = formDecode(rawKey);
      text = formDecode(rawValue);
    } catch {
      throw badHeader(value);
    }
    if (keys.has(key)) throw badHeader(value);
    keys.add(key);
    tags.push([key, text]);
  }
  return tags.length ? checkTags(tags, "object") : undefined;
}

/** A query component as a form writes it (WHATWG URL, application/x-www-form-urlencoded): `+` is a space. */
const formDecode = (text: string): string => decodeURIComponent(text.replaceAll("+", " "));

/** The tags a write request's x-amz-tagging header gives an object (undefined: none; from a presigned URL's query too, see presigned-headers.ts). */
export const requestedTags = (headers: Headers): TagSet | undefined => parseTaggingHeader(headers.get("x-amz-tagging"));

const malformed = () => new S3Error("MalformedXML");

/**
 * The tag set of a Tagging document, checked: `<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag>…`.
 * Tagging and TagSet are required, and each Tag has one Key and one Value (API_Tagging, API_Tag): anything else
 * is MalformedXML. An empty TagSet is an empty set.
 */
export function parseTaggingXml(text: string, what: Tagged): TagSet {
  const doc = parseXml(text);
  const tagging = doc?.Tagging;
  if (tagging === undefined || tagging === null || typeof tagging !== "object") throw malformed();
  const set = (tagging as Record<string, unknown>).TagSet;
  if (set === undefined) throw malformed();
  if (typeof set === "string" && set.trim() === "") return []; // <TagSet/>, or one holding only white space
  // a second TagSet parses as an array; text or other elements beside the Tags are no tag set either
  if (typeof set !== "object" || set === null || Array.isArray(set) || !onlyFields(set, ["Tag"])) throw malformed();
  const list = (set as Record<string, unknown>).Tag ?? [];
  if (!Array.isArray(list)) throw malformed();
  const tags: TagSet = list.map((tag: unknown) => {
    if (typeof tag !== "object" || tag === null || !onlyFields(tag, ["Key", "Value"])) throw malformed();
    const { Key: key, Value: value } = tag as Record<string, unknown>;
    if (typeof key !== "string" || typeof value !== "string") throw malformed();
    return [key, value];
  });
  return checkTags(tags, what);
}

/** Whether an element holds no field but `names` and white space (nothing else validates against AWS's schema). */
const onlyFields = (element: object, names: string[]): boolean =>
  Object.entries(element).every(([name, value]) => names.includes(name) || (name === "#text" && typeof value === "string" && value.trim() === ""));

/** The Tagging answer of GetObjectTagging and GetBucketTagging. */
export function taggingResponse(tags: TagSet, headers: Record<string, string> = {}): Response {
  const body: XmlObject = { TagSet: { Tag: tags.map(([Key, Value]) => ({ Key, Value })) } };
  return xmlResponse("Tagging", body, { headers });
}

/** x-amz-tagging-count on GET and HEAD: "The number of tags, if any, on the object" (API_GetObject). */
export function setTaggingCount(headers: Headers, tags: TagSet): void {
  if (tags.length) headers.set("x-amz-tagging-count", String(tags.length));
}
