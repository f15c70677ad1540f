// POST Object: an HTML form upload (multipart/form-data) signed by a POST policy. The fields before the file
// are read and checked (signature, policy conditions) before a byte of the file is stored; the file streams
// into the store, its size checked against content-length-range as it goes; one upload is one commit, and a
// violation stores nothing. AWS: "POST Object" API reference
// (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html), "Browser-based uploads using POST".
import type { TagSet } from "../../repo/model.ts";
import { verifyPostSignature } from "../auth/post-policy-signature.ts";
import { checkObjectAcl } from "../canned-acl.ts";
import type { S3Deps, S3Request } from "../context.ts";
import { S3Error } from "../errors.ts";
import { formBoundary, readForm } from "../form-data.ts";
import { headerBytes } from "../header-text.ts";
import { describedBy, quoteEtag, STORED_HEADERS } from "../object-headers.ts";
import { decodePayload } from "../payload/decode-payload.ts";
import { checkKeyLength, ingestObject, versionHeaders, writeOptions } from "../object-writes.ts";
import { checkPolicy, parsePolicy } from "../post-policy.ts";
import { xmlResponse } from "../respond.ts";
import { parseTaggingXml } from "../tagging.ts";
import { writeTarget } from "../targets.ts";

const FILENAME = "${filename}";
/** Fields that sign a form: with any of them, the form must carry the policy they sign. */
const SIGNATURE_FIELDS = ["x-amz-signature", "signature", "x-amz-algorithm", "awsaccesskeyid"];

export async function postObject(req: S3Request, deps: S3Deps): Promise<Response> {
  const boundary = formBoundary(req.headers.get("content-type"));
  if (!boundary) {
    throw new S3Error("PreconditionFailed", "Bucket POST must be of the enclosure-type multipart/form-data", { Condition: "Bucket POST must be of the enclosure-type multipart/form-data" });
  }
  const form = await readForm(req.body, boundary);
  const fields = new Map<string, string>();
  for (const f of form.fields) if (!fields.has(f.name.toLowerCase())) fields.set(f.name.toLowerCase(), f.value);
  const keyField = fields.get("key");
  if (keyField === undefined || keyField === "") {
    throw new S3Error("InvalidArgument", "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", { ArgumentName: "key", ArgumentValue: "" });
  }
  if (!form.file) throw new S3Error("InvalidArgument", "POST requires exactly one file upload per request.", { ArgumentName: "file", ArgumentValue: "0" });
  const file = form.file;
  const key = keyField.split(FILENAME).join(file.filename);
  checkKeyLength(key);

  // Who signed, then may they write here; a form without a policy is anonymous (auth off: allowed).
  const policyText = fields.get("policy");
  if (policyText === undefined && SIGNATURE_FIELDS.some((name) => fields.has(name))) {
    throw new S3Error("InvalidArgument", "Bucket POST must contain a field named 'policy'.  If it is specified, please check the order of the fields.", { ArgumentName: "policy", ArgumentValue: "" });
  }
  const auth = verifyPostSignature((name) => fields.get(name), policyText ?? "", req.formAuth!.credentials);
  req.formAuth!.authorize(auth);
  const target = writeTarget(deps, req.bucket!);
  const range = policyText === undefined ? undefined : checkPolicy(parsePolicy(policyText), { bucket: req.bucket!, fields: new Map([...fields, ["key", key]]), now: Date.now() });
  const asHeaders = fieldsAsHeaders(fields);
  const described = { ...describedBy(asHeaders), tags: formTags(fields.get("tagging")) };
  checkObjectAcl(asHeaders, deps, target);
  // Content-MD5 and x-amz-checksum-* fields are verified while the file streams, as a PUT's headers are.
  const checked = decodePayload(asHeaders, file.body, { kind: "anonymous" });

  const maxSize = Math.min(deps.config.maxObjectSize, range?.max ?? Infinity);
  const stored = await ingestObject(deps, checked.body, maxSize);
  if (range && stored.size < range.min) {
    throw new S3Error("EntityTooSmall", undefined, { ProposedSize: String(stored.size), MinSizeAllowed: String(range.min) });
  }
  const checksums = checked.checksums();
  const checksum = Object.keys(checksums).length ? { checksums, type: "FULL_OBJECT" as const } : undefined;
  req.key = key; // the object the form names (request logs show it too)
  const { manifest, version } = await deps.repo.writeObject(target, key, { stored, etag: deps.config.etagMode, description: described, checksum }, writeOptions(req));
  return answer(req, fields, target.name, key, manifest.etag, versionHeaders(version));
}

/** The `tagging` field: a Tagging document, as PutObjectTagging's body (RESTObjectPOST: "tagging"); undefined: no tags. */
function formTags(field: string | undefined): TagSet | undefined {
  const tags = field === undefined ? [] : parseTaggingXml(field, "object");
  return tags.length ? tags : undefined;
}

/** The form fields that describe and vouch for the object, as the headers a PUT would carry them in. */
function fieldsAsHeaders(fields: Map<string, string>): Headers {
  const headers = new Headers();
  for (const [name, value] of fields) {
    const described = name === "content-type" || (STORED_HEADERS as readonly string[]).includes(name) || name.startsWith("x-amz-meta-");
    // Form fields are text (UTF-8 in the form), headers hold bytes: as a PUT's headers would carry them.
    if (described || name === "content-md5" || name.startsWith("x-amz-checksum-")) headers.set(name, headerBytes(value));
  }
  if (fields.has("acl")) headers.set("x-amz-acl", fields.get("acl")!);
  return headers;
}

/**
 * success_action_redirect (or the older redirect): 303 to it with bucket, key and etag; else
 * success_action_status 200 or 201 (201 with a PostResponse document); else 204.
 */
function answer(req: S3Request, fields: Map<string, string>, bucket: string, key: string, etag: string, versionHeaders: Record<string, string>): Response {
  const path = req.virtualHost ? `/${encodeKey(key)}` : `/${bucket}/${encodeKey(key)}`;
  const location = `${req.scheme}://${req.headers.get("host")}${path}`;
  const headers: Record<string, string> = { etag: quoteEtag(etag), location, ...versionHeaders };
  const redirect = fields.get("success_action_redirect") ?? fields.get("redirect");
  if (redirect) {
    let url: URL | undefined;
    try {
      url = new URL(redirect);
    } catch {
      url = undefined; // S3 ignores a redirect it cannot parse and answers with the status instead
    }
    if (url) {
      url.searchParams.append("bucket", bucket);
      url.searchParams.append("key", key);
      url.searchParams.append("etag", quoteEtag(etag));
      return new Response(null, { status: 303, headers: { ...headers, location: url.toString() } });
    }
  }
  const status = fields.get("success_action_status");
  if (status === "201") return xmlResponse("PostResponse", { Location: location, Bucket: bucket, Key: key, ETag: quoteEtag(etag) }, { status: 201, headers });
  return new Response(null, { status: status === "200" ? 200 : 204, headers });
}

const encodeKey = (key: string): string => key.split("/").map(encodeURIComponent).join("/");
