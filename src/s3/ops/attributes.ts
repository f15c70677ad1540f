// GetObjectAttributes: an object version's ETag, checksum, parts (with their checksums), size and storage class
// in one call, the attributes picked by x-amz-object-attributes. AWS: GetObjectAttributes API reference
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html).
import { httpDate } from "../../util/time.ts";
import type { S3Deps, S3Request } from "../context.ts";
import { S3Error } from "../errors.ts";
import { checksumElement } from "../multipart-checksums.ts";
import { findVersion } from "../object-lookup.ts";
import { versionIdParam } from "../version-id.ts";
import type { ChecksumAlgorithm } from "../payload/checksums.ts";
import { xmlResponse } from "../respond.ts";
import type { XmlObject } from "../xml.ts";

const ATTRIBUTES = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"] as const;
type Attribute = (typeof ATTRIBUTES)[number];

function requestedAttributes(headers: Headers): Set<Attribute> {
  const raw = headers.get("x-amz-object-attributes");
  if (raw === null || raw.trim() === "") throw new S3Error("InvalidRequest", "Missing required header for this request: x-amz-object-attributes");
  const picked = new Set<Attribute>();
  for (const name of raw.split(",").map((s) => s.trim())) {
    const known = ATTRIBUTES.find((a) => a === name);
    if (!known) throw new S3Error("InvalidArgument", "Invalid attribute name specified.", { ArgumentName: "x-amz-object-attributes", ArgumentValue: name });
    picked.add(known);
  }
  return picked;
}

/** x-amz-max-parts (default and at most 1000) and x-amz-part-number-marker, as headers (unlike ListParts). */
function headerNumber(headers: Headers, name: string, fallback: number): number {
  const raw = headers.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw new S3Error("InvalidArgument", `${name} must be a non-negative integer`, { ArgumentName: name, ArgumentValue: raw });
  return Number(raw);
}

export function getObjectAttributes(req: S3Request, deps: S3Deps): Response {
  const wanted = requestedAttributes(req.headers);
  const version = findVersion(deps, req.bucket!, req.key!, versionIdParam(req.query.get("versionId")));
  const { manifest } = version;
  const body: XmlObject = {};
  if (wanted.has("ETag")) body.ETag = manifest.etag; // unquoted here, as S3 answers it
  const [algorithm, value] = (Object.entries(manifest.checksums ?? {})[0] ?? []) as [ChecksumAlgorithm?, string?];
  if (wanted.has("Checksum") && algorithm && value) {
    body.Checksum = { [checksumElement(algorithm)]: value, ChecksumType: manifest.checksumType ?? "FULL_OBJECT" };
  }
  if (wanted.has("ObjectParts") && manifest.parts) {
    const max = Math.min(headerNumber(req.headers, "x-amz-max-parts", 1000), 1000);
    const marker = headerNumber(req.headers, "x-amz-part-number-marker", 0);
    const numbers = manifest.parts.map((_, i) => i + 1).filter((n) => n > marker);
    const page = numbers.slice(0, max);
    body.ObjectParts = {
      PartNumberMarker: marker,
      NextPartNumberMarker: page.length ? page[page.length - 1] : marker,
      MaxParts: max,
      IsTruncated: numbers.length > max,
      PartsCount: manifest.parts.length,
      Part: page.map((n) => {
        const partChecksum = algorithm ? manifest.partChecksums?.[n - 1] : undefined;
        return { ...(partChecksum && { [checksumElement(algorithm!)]: partChecksum }), PartNumber: n, Size: manifest.parts![n - 1] };
      }),
    };
  }
  if (wanted.has("StorageClass")) body.StorageClass = "STANDARD";
  if (wanted.has("ObjectSize")) body.ObjectSize = manifest.size;
  return xmlResponse("GetObjectAttributesResponse", body, { headers: { "last-modified": httpDate(version.time), "x-amz-version-id": version.version } });
}
