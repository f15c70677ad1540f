// Golden strings: the exact bytes of every XML document shape Strata answers with (commit ids, upload ids, times
// and request ids replaced by placeholders), so a refactoring that changes a response byte fails here.
// Shapes as in the Amazon S3 API Reference: ListBuckets, ListObjects, ListObjectsV2, ListObjectVersions,
// GetBucketLocation, GetBucketVersioning, CopyObject, DeleteObjects, CreateMultipartUpload, UploadPartCopy,
// ListParts, ListMultipartUploads, CompleteMultipartUpload, GetBucketCors, GetBucketAcl, GetObjectAcl,
// GetObjectAttributes, POST Object (PostResponse), and "Error responses"; with the elements only some answers carry
// (delete markers, DeleteObjects errors and quiet mode, EncodingType and StartAfter, checksums, object parts). A last
// test finds every document root src/s3 answers with, so a new shape cannot go without its golden string.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";
import { http, type S3Http } from "./http.ts";

let server: StrataServer;
let s3: S3Http;

beforeAll(async () => {
  server = await withServer();
  s3 = http(server);
});
afterAll(() => server.stop());

const normalise = (xml: string) =>
  xml
    .replace(/\b[0-9a-f]{32}\b/g, "{id}")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "{time}")
    .replace(/<RequestId>[^<]*<\/RequestId>/g, "<RequestId>{rid}</RequestId>");

async function shape(path: string, init: Parameters<S3Http["call"]>[1] = {}): Promise<string> {
  const res = await s3.call(path, init);
  return normalise(await res.text());
}

const got: Record<string, string> = {};

beforeAll(async () => {
  expect((await s3.call("/golden", { method: "PUT" })).status).toBe(200);
  await s3.put("/golden/dir/a.txt", "a");
  await s3.put("/golden/b.txt", "bb");
  got.listBuckets = await shape("/");
  got.listV1 = await shape("/golden?delimiter=/");
  got.listV2 = await shape("/golden?list-type=2&max-keys=1");
  got.versions = await shape("/golden?versions");
  got.location = await shape("/golden?location");
  got.versioning = await shape("/golden?versioning");
  got.copy = await shape("/golden/c.txt", { method: "PUT", headers: { "x-amz-copy-source": "/golden/b.txt" } });
  got.deleteObjects = await shape("/golden?delete", { method: "POST", body: "<Delete><Object><Key>c.txt</Key></Object></Delete>" });
  got.create = await shape("/golden/big?uploads", { method: "POST" });
  const uploadId = /<UploadId>([0-9a-f]{32})<\/UploadId>/.exec(await (await s3.call("/golden/big?uploads", { method: "POST" })).text())![1];
  got.partCopy = await shape(`/golden/big?uploadId=${uploadId}&partNumber=1`, { method: "PUT", headers: { "x-amz-copy-source": "/golden/b.txt" } });
  got.parts = await shape(`/golden/big?uploadId=${uploadId}`);
  got.uploads = await shape("/golden?uploads");
  const etag = /<ETag>&quot;([0-9a-f]+)&quot;<\/ETag>/.exec(got.partCopy)![1];
  got.complete = await shape(`/golden/big?uploadId=${uploadId}`, {
    method: "POST",
    body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"${etag}"</ETag></Part></CompleteMultipartUpload>`,
  });
  const cors = "<CORSConfiguration><CORSRule><ID>r</ID><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>60</MaxAgeSeconds></CORSRule></CORSConfiguration>";
  await s3.call("/golden?cors", { method: "PUT", body: cors });
  got.cors = await shape("/golden?cors");
  await s3.call("/golden?acl", { method: "PUT", headers: { "x-amz-acl": "public-read" } });
  got.acl = await shape("/golden?acl");
  got.attributes = await shape("/golden/b.txt?attributes", { headers: { "x-amz-object-attributes": "ETag,Checksum,ObjectParts,StorageClass,ObjectSize" } });
  const form = new FormData();
  form.append("key", "posted.txt");
  form.append("success_action_status", "201");
  form.append("file", new Blob(["p"]), "p.txt");
  got.postObject = (await shape("/golden", { method: "POST", body: form })).replace(/127\.0\.0\.1:\d+/, "{host}");
  // The variants of the shapes above: elements only some answers carry.
  got.objectAcl = await shape("/golden/b.txt?acl");
  got.listV2Options = await shape("/golden?list-type=2&delimiter=/&encoding-type=url&start-after=a&fetch-owner=true");
  got.versionsWithMarker = await shape("/golden?versions&prefix=c.txt");
  got.deleteObjectsErrors = await shape("/golden?delete", {
    method: "POST",
    body: "<Delete><Object><Key>x</Key><VersionId>not-a-version</VersionId></Object><Object><Key>gone.txt</Key></Object></Delete>",
  });
  got.deleteObjectsQuiet = await shape("/golden?delete", { method: "POST", body: "<Delete><Quiet>true</Quiet><Object><Key>gone.txt</Key></Object></Delete>" });
  await s3.put("/golden/summed.txt", "s", { "x-amz-checksum-crc32": "Gw7PCw==" });
  got.attributesChecksum = await shape("/golden/summed.txt?attributes", { headers: { "x-amz-object-attributes": "Checksum" } });
  got.attributesParts = await shape("/golden/big?attributes", { headers: { "x-amz-object-attributes": "ObjectParts" } });
  const tagging = "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>";
  await s3.call("/golden/b.txt?tagging", { method: "PUT", body: tagging });
  got.tagging = await shape("/golden/b.txt?tagging");
  await s3.call("/golden?tagging", { method: "PUT", body: tagging });
  got.bucketTagging = await shape("/golden?tagging");
  got.error = await shape("/golden/missing");
  got.errorWithExtras = await shape("/no-such-bucket/x");
});

const GOLDEN: Record<string, string> = {
  listBuckets:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>strata</ID><DisplayName>strata</DisplayName></Owner><Buckets><Bucket><Name>master.golden</Name><CreationDate>{time}</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket></Buckets></ListAllMyBucketsResult>",
  listV1:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>golden</Name><Prefix></Prefix><Marker></Marker><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><IsTruncated>false</IsTruncated><Contents><Key>b.txt</Key><LastModified>{time}</LastModified><ETag>&quot;3b64db95cb55c763391c707108489ae18b4112d783300de38e033b4c98c3deaf&quot;</ETag><Size>2</Size><Owner><ID>strata</ID><DisplayName>strata</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents><CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes></ListBucketResult>",
  listV2:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>golden</Name><Prefix></Prefix><MaxKeys>1</MaxKeys><KeyCount>1</KeyCount><IsTruncated>true</IsTruncated><NextContinuationToken>AUFeXLf9Kbzzd0hIxGIudHh0</NextContinuationToken><Contents><Key>b.txt</Key><LastModified>{time}</LastModified><ETag>&quot;3b64db95cb55c763391c707108489ae18b4112d783300de38e033b4c98c3deaf&quot;</ETag><Size>2</Size><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>",
  versions:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListVersionsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>golden</Name><Prefix></Prefix><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><Version><Key>b.txt</Key><VersionId>{id}</VersionId><IsLatest>true</IsLatest><LastModified>{time}</LastModified><Owner><ID>strata</ID><DisplayName>strata</DisplayName></Owner><ETag>&quot;3b64db95cb55c763391c707108489ae18b4112d783300de38e033b4c98c3deaf&quot;</ETag><Size>2</Size><StorageClass>STANDARD</StorageClass></Version><Version><Key>dir/a.txt</Key><VersionId>{id}</VersionId><IsLatest>true</IsLatest><LastModified>{time}</LastModified><Owner><ID>strata</ID><DisplayName>strata</DisplayName></Owner><ETag>&quot;ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb&quot;</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Version></ListVersionsResult>",
  location:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></LocationConstraint>",
  versioning:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>Enabled</Status></VersioningConfiguration>",
  copy:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyObjectResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><ETag>&quot;3b64db95cb55c763391c707108489ae18b4112d783300de38e033b4c98c3deaf&quot;</ETag><LastModified>{time}</LastModified></CopyObjectResult>",
  deleteObjects:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Deleted><Key>c.txt</Key><DeleteMarker>true</DeleteMarker><DeleteMarkerVersionId>{id}</DeleteMarkerVersionId></Deleted></DeleteResult>",
  create:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>golden</Bucket><Key>big</Key><UploadId>{id}</UploadId></InitiateMultipartUploadResult>",
  partCopy:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyPartResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><ETag>&quot;3b64db95cb55c763391c707108489ae18b4112d783300de38e033b4c98c3deaf&quot;</ETag><LastModified>{time}</LastModified></CopyPartResult>",
  parts:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListPartsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>golden</Bucket><Key>big</Key><UploadId>{id}</UploadId><Initiator><ID>strata</ID><DisplayName>strata</DisplayName></Initiator><Owner><ID>strata</ID><DisplayName>strata</DisplayName></Owner><StorageClass>STANDARD</StorageClass><PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>1</NextPartNumberMarker><MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><LastModified>{time}</LastModified><ETag>&quot;3b64db95cb55c763391c707108489ae18b4112d783300de38e033b4c98c3deaf&quot;</ETag><Size>2</Size></Part></ListPartsResult>",
  uploads:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListMultipartUploadsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>golden</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><Prefix></Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated><Upload><Key>big</Key><UploadId>{id}</UploadId><Initiator><ID>strata</ID><DisplayName>strata</DisplayName></Initiator><Owner><ID>strata</ID><DisplayName>strata</DisplayName></Owner><StorageClass>STANDARD</StorageClass><Initiated>{time}</Initiated></Upload><Upload><Key>big</Key><UploadId>{id}</UploadId><Initiator><ID>strata</ID><DisplayName>strata</DisplayName></Initiator><Owner><ID>strata</ID><DisplayName>strata</DisplayName></Owner><StorageClass>STANDARD</StorageClass><Initiated>{time}</Initiated></Upload></ListMultipartUploadsResult>",
  complete:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location>/golden/big</Location><Bucket>golden</Bucket><Key>big</Key><ETag>&quot;b5b8f3211e72d2f6ee59b2b1be874fa6e5516d9924691576a08e5a62801c05dc-1&quot;</ETag></CompleteMultipartUploadResult>",
  cors:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><CORSRule><ID>r</ID><AllowedHeader>*</AllowedHeader><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>60</MaxAgeSeconds></CORSRule></CORSConfiguration>",
  acl:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>strata</ID><DisplayName>strata</DisplayName></Owner><AccessControlList><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\"><ID>strata</ID><DisplayName>strata</DisplayName></Grantee><Permission>FULL_CONTROL</Permission></Grant><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>",
  attributes:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<GetObjectAttributesResponse xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><ETag>3b64db95cb55c763391c707108489ae18b4112d783300de38e033b4c98c3deaf</ETag><StorageClass>STANDARD</StorageClass><ObjectSize>2</ObjectSize></GetObjectAttributesResponse>",
  postObject:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location>http://{host}/golden/posted.txt</Location><Bucket>golden</Bucket><Key>posted.txt</Key><ETag>&quot;148de9c5a7a44d19e56cd9ae1a554bf67847afb0c58f6e12fa29ac7ddfca9940&quot;</ETag></PostResponse>",
  objectAcl:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>strata</ID><DisplayName>strata</DisplayName></Owner><AccessControlList><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\"><ID>strata</ID><DisplayName>strata</DisplayName></Grantee><Permission>FULL_CONTROL</Permission></Grant><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>",
  listV2Options:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>golden</Name><Prefix></Prefix><Delimiter>/</Delimiter><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType><KeyCount>4</KeyCount><IsTruncated>false</IsTruncated><StartAfter>a</StartAfter><Contents><Key>b.txt</Key><LastModified>{time}</LastModified><ETag>&quot;3b64db95cb55c763391c707108489ae18b4112d783300de38e033b4c98c3deaf&quot;</ETag><Size>2</Size><Owner><ID>strata</ID><DisplayName>strata</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>big</Key><LastModified>{time}</LastModified><ETag>&quot;b5b8f3211e72d2f6ee59b2b1be874fa6e5516d9924691576a08e5a62801c05dc-1&quot;</ETag><Size>2</Size><Owner><ID>strata</ID><DisplayName>strata</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>posted.txt</Key><LastModified>{time}</LastModified><ETag>&quot;148de9c5a7a44d19e56cd9ae1a554bf67847afb0c58f6e12fa29ac7ddfca9940&quot;</ETag><Size>1</Size><Owner><ID>strata</ID><DisplayName>strata</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents><CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes></ListBucketResult>",
  versionsWithMarker:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListVersionsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>golden</Name><Prefix>c.txt</Prefix><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><DeleteMarker><Key>c.txt</Key><VersionId>{id}</VersionId><IsLatest>true</IsLatest><LastModified>{time}</LastModified><Owner><ID>strata</ID><DisplayName>strata</DisplayName></Owner></DeleteMarker><Version><Key>c.txt</Key><VersionId>{id}</VersionId><IsLatest>false</IsLatest><LastModified>{time}</LastModified><Owner><ID>strata</ID><DisplayName>strata</DisplayName></Owner><ETag>&quot;3b64db95cb55c763391c707108489ae18b4112d783300de38e033b4c98c3deaf&quot;</ETag><Size>2</Size><StorageClass>STANDARD</StorageClass></Version></ListVersionsResult>",
  deleteObjectsErrors:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Deleted><Key>gone.txt</Key><DeleteMarker>true</DeleteMarker><DeleteMarkerVersionId>{id}</DeleteMarkerVersionId></Deleted><Error><Key>x</Key><VersionId>not-a-version</VersionId><Code>InvalidArgument</Code><Message>Invalid version id specified</Message></Error></DeleteResult>",
  deleteObjectsQuiet:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></DeleteResult>",
  attributesChecksum:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<GetObjectAttributesResponse xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Checksum><ChecksumCRC32>Gw7PCw==</ChecksumCRC32><ChecksumType>FULL_OBJECT</ChecksumType></Checksum></GetObjectAttributesResponse>",
  attributesParts:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<GetObjectAttributesResponse xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><ObjectParts><PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>1</NextPartNumberMarker><MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated><PartsCount>1</PartsCount><Part><PartNumber>1</PartNumber><Size>2</Size></Part></ObjectParts></GetObjectAttributesResponse>",
  tagging:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>",
  bucketTagging:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>",
  error:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>missing</Key><Resource>/golden/missing</Resource><RequestId>{rid}</RequestId></Error>",
  errorWithExtras:
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist: repo no-such-bucket does not exist.</Message><BucketName>no-such-bucket</BucketName><Resource>/no-such-bucket/x</Resource><RequestId>{rid}</RequestId></Error>",
};

describe("XML response shapes", () => {
  for (const [name, xml] of Object.entries(GOLDEN)) test(name, () => expect(got[name]).toBe(xml));

  test("every document root the S3 layer answers with has a golden string here", async () => {
    const roots = new Set<string>();
    for await (const file of new Bun.Glob("**/*.ts").scan({ cwd: `${import.meta.dirname}/../../src/s3` })) {
      const text = await Bun.file(`${import.meta.dirname}/../../src/s3/${file}`).text();
      for (const m of text.matchAll(/xml(?:Response|Document)\(\s*"(\w+)"/g)) roots.add(m[1]);
    }
    expect(roots.size).toBeGreaterThan(10);
    const golden = Object.values(GOLDEN).join("\n");
    expect([...roots].filter((root) => !golden.includes(`\n<${root}`)).sort()).toEqual([]);
  });
});
