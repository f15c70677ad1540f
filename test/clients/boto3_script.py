"""boto3 against Strata with its default checksum behaviour: puts, gets, multipart, copy, versions, errors.

Usage: python3 boto3_script.py ENDPOINT. Prints "ok <n> checks" and exits 0, or raises.
"""
import hashlib
import io
import os
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint = sys.argv[1]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id="x", aws_secret_access_key="x",
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
checks = 0


def check(cond, what):
    global checks
    if not cond:
        raise AssertionError(what)
    checks += 1


def error_code(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError(f"{fn.__name__} did not fail")


B = "boto"
s3.create_bucket(Bucket=B)
check(any(b["Name"] == "master.boto" for b in s3.list_buckets()["Buckets"]), "bucket listed")
check(s3.get_bucket_versioning(Bucket=B)["Status"] == "Enabled", "versioning")
check(s3.get_bucket_location(Bucket=B).get("LocationConstraint") in (None, ""), "location")

# Puts and gets (boto3 >= 1.36 sends x-amz-checksum-crc32 with every put).
r1 = s3.put_object(Bucket=B, Key="hello.txt", Body=b"hello", ContentType="text/plain", Metadata={"who": "boto"})
check(r1["ETag"] == '"%s"' % hashlib.sha256(b"hello").hexdigest(), "sha256 etag")
v1 = r1["VersionId"]
got = s3.get_object(Bucket=B, Key="hello.txt")
check(got["Body"].read() == b"hello", "get body")
check(got["ContentType"] == "text/plain" and got["Metadata"] == {"who": "boto"}, "get headers")
check(s3.get_object(Bucket=B, Key="hello.txt", Range="bytes=1-3")["Body"].read() == b"ell", "range")
head = s3.head_object(Bucket=B, Key="hello.txt")
check(head["ContentLength"] == 5 and head["ETag"] == r1["ETag"], "head")
s3.put_object(Bucket=B, Key="hello.txt", Body=b"hello again")
check(s3.get_object(Bucket=B, Key="hello.txt", VersionId=v1)["Body"].read() == b"hello", "old version")
check(error_code(s3.put_object, Bucket=B, Key="hello.txt", Body=b"x", IfNoneMatch="*") == ("PreconditionFailed", 412), "if-none-match")

# Awkward keys.
for key in ["with space", "plus+sign", "per%cent", "unicodé/😀", "double//slash", "/leading", "x" * 1018 + "ééé"]:
    s3.put_object(Bucket=B, Key=key, Body=key.encode())
    check(s3.get_object(Bucket=B, Key=key)["Body"].read() == key.encode(), f"key {key[:20]}")
keys = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket=B, PaginationConfig={"PageSize": 2}) for o in p.get("Contents", [])]
check("/leading" in keys and "double//slash" in keys and "unicodé/😀" in keys, "listed awkward keys")
check(len(keys) == len(set(keys)) == 8, f"paged listing has each key once: {len(keys)}")
v1keys = [o["Key"] for p in s3.get_paginator("list_objects").paginate(Bucket=B, PaginationConfig={"PageSize": 3}) for o in p.get("Contents", [])]
check(sorted(v1keys) == sorted(keys), "v1 listing (botocore asks for encoding-type=url and decodes) gives the same keys")

# Multipart through the transfer manager (8 MiB threshold) and by hand.
data = os.urandom(20 * 1024 * 1024 + 5)
s3.upload_fileobj(io.BytesIO(data), B, "multi.bin")
check(s3.head_object(Bucket=B, Key="multi.bin")["ETag"].endswith('-3"'), "multipart etag")
buf = io.BytesIO()
s3.download_fileobj(B, "multi.bin", buf)
check(buf.getvalue() == data, "multipart round trip")
up = s3.create_multipart_upload(Bucket=B, Key="manual.bin")["UploadId"]
p2 = s3.upload_part(Bucket=B, Key="manual.bin", UploadId=up, PartNumber=2, Body=b"tail")
p1 = s3.upload_part(Bucket=B, Key="manual.bin", UploadId=up, PartNumber=1, Body=data[:5 * 1024 * 1024])
check(len(s3.list_parts(Bucket=B, Key="manual.bin", UploadId=up)["Parts"]) == 2, "list parts")
check(s3.list_multipart_uploads(Bucket=B)["Uploads"][0]["UploadId"] == up, "list uploads")
check(error_code(s3.complete_multipart_upload, Bucket=B, Key="manual.bin", UploadId=up,
                 MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": p2["ETag"]}, {"PartNumber": 1, "ETag": p1["ETag"]}]})[0] == "InvalidPartOrder", "order")
s3.complete_multipart_upload(Bucket=B, Key="manual.bin", UploadId=up,
                             MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p1["ETag"]}, {"PartNumber": 2, "ETag": p2["ETag"]}]})
check(s3.get_object(Bucket=B, Key="manual.bin")["Body"].read() == data[:5 * 1024 * 1024] + b"tail", "manual multipart")
check(error_code(s3.list_parts, Bucket=B, Key="manual.bin", UploadId=up) == ("NoSuchUpload", 404), "no such upload")
small = s3.create_multipart_upload(Bucket=B, Key="small.bin")["UploadId"]
e1 = s3.upload_part(Bucket=B, Key="small.bin", UploadId=small, PartNumber=1, Body=b"a")["ETag"]
e2 = s3.upload_part(Bucket=B, Key="small.bin", UploadId=small, PartNumber=2, Body=b"b")["ETag"]
check(error_code(s3.complete_multipart_upload, Bucket=B, Key="small.bin", UploadId=small,
                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})[0] == "EntityTooSmall", "too small")
s3.abort_multipart_upload(Bucket=B, Key="small.bin", UploadId=small)

# Copy within the bucket, to another branch, and from an old version.
s3.create_bucket(Bucket="dev.boto")
s3.copy_object(Bucket=B, Key="copy.txt", CopySource={"Bucket": B, "Key": "hello.txt"})
check(s3.get_object(Bucket=B, Key="copy.txt")["Body"].read() == b"hello again", "copy")
s3.copy_object(Bucket="dev.boto", Key="old.txt", CopySource={"Bucket": B, "Key": "hello.txt", "VersionId": v1})
check(s3.get_object(Bucket="dev.boto", Key="old.txt")["Body"].read() == b"hello", "copy from version")
s3.copy(CopySource={"Bucket": B, "Key": "multi.bin"}, Bucket="dev.boto", Key="multi-copy.bin")  # managed copy: UploadPartCopy
check(s3.get_object(Bucket="dev.boto", Key="multi-copy.bin")["Body"].read() == data, "managed multipart copy")

# Versions and deletes.
s3.delete_object(Bucket=B, Key="copy.txt")
vers = s3.list_object_versions(Bucket=B, Prefix="hello.txt")
check([v["VersionId"] for v in vers["Versions"]][-1] == v1 and vers["Versions"][0]["IsLatest"], "versions")
marks = s3.list_object_versions(Bucket=B, Prefix="copy.txt")["DeleteMarkers"]
check(len(marks) == 1 and marks[0]["IsLatest"], "delete marker")
all_versions = [v for p in s3.get_paginator("list_object_versions").paginate(Bucket=B, PaginationConfig={"PageSize": 2}) for v in p.get("Versions", []) + p.get("DeleteMarkers", [])]
check(len(all_versions) == len({(v["Key"], v["VersionId"]) for v in all_versions}) >= 12, "paged versions, each once")
res = s3.delete_objects(Bucket=B, Delete={"Objects": [{"Key": "with space"}, {"Key": "plus+sign"}]})
check(len(res["Deleted"]) == 2, "delete objects")
check(len({d["DeleteMarkerVersionId"] for d in res["Deleted"]}) == 1, "one commit")

# Tags (AWS: PutObjectTagging, GetObjectTagging, DeleteObjectTagging, PutBucketTagging): boto3 sends
# PutObjectTagging with its required checksum, and reads TagCount from x-amz-tagging-count.
tv = s3.put_object(Bucket=B, Key="tagged.txt", Body=b"t", Tagging="a=1&b=two%20words")["VersionId"]
got = s3.get_object_tagging(Bucket=B, Key="tagged.txt")
check(got["VersionId"] == tv and got["TagSet"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "two words"}], "tags at put")
check(s3.get_object(Bucket=B, Key="tagged.txt")["TagCount"] == 2, "tag count")
put = s3.put_object_tagging(Bucket=B, Key="tagged.txt", VersionId=tv, Tagging={"TagSet": [{"Key": "c", "Value": "3"}]})
check(put["VersionId"] == tv, "retag answers the version")
check(s3.get_object_tagging(Bucket=B, Key="tagged.txt")["TagSet"] == [{"Key": "c", "Value": "3"}], "retagged")
check(len(s3.list_object_versions(Bucket=B, Prefix="tagged.txt")["Versions"]) == 1, "no new version")
s3.delete_object_tagging(Bucket=B, Key="tagged.txt")
check(s3.get_object_tagging(Bucket=B, Key="tagged.txt")["TagSet"] == [], "tags deleted")
check(error_code(s3.put_object_tagging, Bucket=B, Key="tagged.txt", Tagging={"TagSet": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]}) == ("InvalidTag", 400), "duplicate key")
check(error_code(s3.put_object, Bucket=B, Key="t11", Body=b"x", Tagging="&".join(f"k{i}=v" for i in range(11))) == ("BadRequest", 400), "11 tags")
check(error_code(s3.get_object_tagging, Bucket=B, Key="nope") == ("NoSuchKey", 404), "tags of no key")
check(error_code(s3.get_bucket_tagging, Bucket=B) == ("NoSuchTagSet", 404), "no bucket tags")
s3.put_bucket_tagging(Bucket=B, Tagging={"TagSet": [{"Key": "team", "Value": "boto"}]})
check(s3.get_bucket_tagging(Bucket=B)["TagSet"] == [{"Key": "team", "Value": "boto"}], "bucket tags")
s3.delete_bucket_tagging(Bucket=B)

# Errors.
check(error_code(s3.get_object, Bucket=B, Key="nope") == ("NoSuchKey", 404), "no such key")
check(error_code(s3.head_object, Bucket=B, Key="nope")[1] == 404, "head 404")
check(error_code(s3.get_object, Bucket="nobucket", Key="x") == ("NoSuchBucket", 404), "no such bucket")
# AWS, CreateBucket (BucketAlreadyOwnedByYou): re-creating a bucket you own in us-east-1 is 200 OK (legacy).
check(s3.create_bucket(Bucket=B)["ResponseMetadata"]["HTTPStatusCode"] == 200, "re-create owned bucket in us-east-1")
elsewhere = {"LocationConstraint": "eu-west-1"}  # the server is in us-east-1
check(error_code(s3.create_bucket, Bucket="elsewhere", CreateBucketConfiguration=elsewhere) == ("IllegalLocationConstraintException", 400), "other region")
for reserved in ("xn--boto", "boto-s3alias"):
    check(error_code(s3.create_bucket, Bucket=reserved) == ("InvalidBucketName", 400), f"reserved name {reserved}")
check(error_code(s3.delete_bucket, Bucket=B) == ("BucketNotEmpty", 409), "not empty")
check(error_code(s3.get_object_lock_configuration, Bucket=B) == ("NotImplemented", 501), "501")
check(error_code(s3.put_object, Bucket=f"{v1}.master.boto", Key="k", Body=b"x") == ("AccessDenied", 403), "read-only")
check(error_code(s3.get_object, Bucket=B, Key="hello.txt", IfMatch='"nope"') == ("PreconditionFailed", 412), "if-match")
print(f"ok {checks} checks")
