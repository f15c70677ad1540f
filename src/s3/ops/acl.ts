// Bucket and object ACLs, as far as Strata has them: a branch is private (its owner has FULL_CONTROL) or
// public-read (AllUsers may also READ), set per branch with the canned ACLs. AWS: "Canned ACL"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl), GetBucketAcl /
// PutBucketAcl / GetObjectAcl API references. Every other grant answers 501 and changes nothing.
import type { S3Deps, S3Request } from "../context.ts";
import { S3Error } from "../errors.ts";
import { branchAcl, type CannedAcl, requestedAcl } from "../canned-acl.ts";
import { findVersion } from "../object-lookup.ts";
import { versionIdParam } from "../version-id.ts";
import { notImplemented, OWNER, xmlResponse } from "../respond.ts";
import { readView, resolveTarget, writeTarget } from "../targets.ts";
import { BODY_LIMITS, boundedText } from "../request-body.ts";
import { escapeXml, parseXml, RawXml } from "../xml.ts";

const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
function policyXml(isPublic: boolean): Response {
  const owner = `<ID>${escapeXml(OWNER.ID)}</ID><DisplayName>${escapeXml(OWNER.DisplayName)}</DisplayName>`;
  let grants = `<Grant><Grantee ${XSI} xsi:type="CanonicalUser">${owner}</Grantee><Permission>FULL_CONTROL</Permission></Grant>`;
  if (isPublic) grants += `<Grant><Grantee ${XSI} xsi:type="Group"><URI>${ALL_USERS}</URI></Grantee><Permission>READ</Permission></Grant>`;
  return xmlResponse("AccessControlPolicy", { Owner: OWNER, AccessControlList: new RawXml(`<AccessControlList>${grants}</AccessControlList>`) });
}

export function getBucketAcl(req: S3Request, deps: S3Deps): Response {
  const target = resolveTarget(deps, req.bucket!);
  return policyXml(deps.repo.isPublic(target.repo, target.branch));
}

export function getObjectAcl(req: S3Request, deps: S3Deps): Response {
  findVersion(deps, req.bucket!, req.key!, versionIdParam(req.query.get("versionId"))); // NoSuchKey / NoSuchVersion as S3
  const { target } = readView(deps, req.bucket!);
  return policyXml(deps.repo.isPublic(target.repo, target.branch));
}

/** Makes the branch private or public-read: from x-amz-acl, or from an AccessControlPolicy body of either shape. */
export async function putBucketAcl(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  const acl = await aclOfRequest(req);
  await deps.repo.setPublic(target.repo, target.branch, acl === "public-read");
  return new Response(null, { status: 200 });
}

/** Object ACLs are the branch's: asking an object for the ACL its branch already has changes nothing, any other is 501. */
export async function putObjectAcl(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  findVersion(deps, req.bucket!, req.key!, versionIdParam(req.query.get("versionId")));
  const acl = await aclOfRequest(req);
  const has = branchAcl(deps, target);
  if (acl !== has) notImplemented(`per-object ACLs (objects have their branch's ACL, ${has}: set ACLs on the bucket)`);
  return new Response(null, { status: 200 });
}

/** The ACL a Put*Acl asks for: x-amz-acl (or grant headers), else its AccessControlPolicy body. */
async function aclOfRequest(req: S3Request): Promise<CannedAcl> {
  const text = await boundedText(req.body, BODY_LIMITS.configuration);
  return req.headers.has("x-amz-acl") || text.trim() === "" ? requestedAcl(req.headers) : aclOfPolicy(text);
}

/** The canned ACL an AccessControlPolicy body amounts to: the owner's FULL_CONTROL, plus AllUsers READ or not. */
function aclOfPolicy(text: string): CannedAcl {
  const doc = parseXml(text);
  const policy = doc?.AccessControlPolicy as Record<string, unknown> | undefined;
  if (!policy || typeof policy !== "object") throw new S3Error("MalformedACLError");
  const list = (policy.AccessControlList as Record<string, unknown> | undefined)?.Grant;
  const grants = (Array.isArray(list) ? list : list === undefined ? [] : [list]) as Array<Record<string, unknown>>;
  let owner = false;
  let everyone = false;
  for (const g of grants) {
    const grantee = (g.Grantee ?? {}) as Record<string, unknown>;
    if (g.Permission === "FULL_CONTROL" && grantee.ID === OWNER.ID) owner = true;
    else if (g.Permission === "READ" && grantee.URI === ALL_USERS) everyone = true;
    else notImplemented("ACL grants other than the owner's FULL_CONTROL and AllUsers READ");
  }
  if (!owner) notImplemented("ACLs that take FULL_CONTROL away from the owner");
  return everyone ? "public-read" : "private";
}
