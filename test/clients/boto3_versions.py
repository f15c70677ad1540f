"""boto3 against Strata's versions: suspended versioning and emptying a bucket the SDK way.

Usage: python3 boto3_versions.py ENDPOINT PHASE, PHASE one of:
  suspended  AWS "Managing objects in a versioning-suspended bucket": writes become the null version and replace
             the one before; GetBucketVersioning reports it; re-enabling works; MFA delete is refused.
  empty      AWS "Deleting object versions" / DeleteBucket: list every version and marker, delete each by id,
             then delete the bucket.
Prints a JSON document of what later steps need, after "ok <n> checks", and exits 0, or raises.
"""
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, phase = sys.argv[1], sys.argv[2]
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
        return e.response["Error"]["Code"]
    return None


def versions(bucket, prefix=""):
    """Every version and marker in S3's order, as (key, id, is_latest, is_marker), paged two at a time."""
    out = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix, PaginationConfig={"PageSize": 2}):
        items = [(v["Key"], v["VersionId"], v["IsLatest"], False, v["LastModified"]) for v in page.get("Versions", [])]
        items += [(m["Key"], m["VersionId"], m["IsLatest"], True, m["LastModified"]) for m in page.get("DeleteMarkers", [])]
        out += [i[:4] for i in sorted(items, key=lambda i: (i[0], -i[4].timestamp()))]
    return out


result = {}
if phase == "suspended":
    B = "scratch"
    s3.create_bucket(Bucket=B)
    check(s3.get_bucket_versioning(Bucket=B).get("Status") == "Enabled", "a new bucket is versioned")
    kept = s3.put_object(Bucket=B, Key="k", Body=b"kept, from before the suspension")["VersionId"]
    s3.put_bucket_versioning(Bucket=B, VersioningConfiguration={"Status": "Suspended"})
    check(s3.get_bucket_versioning(Bucket=B)["Status"] == "Suspended", "GetBucketVersioning reports Suspended")
    for i in range(5):
        put = s3.put_object(Bucket=B, Key="k", Body=(b"scratch %d " % i) * 20000)
        check("VersionId" not in put, "a suspended write answers without a version id (AWS PutObject example)")
    got = s3.get_object(Bucket=B, Key="k")
    check(got["Body"].read().startswith(b"scratch 4 "), "the last write is current")
    check(got["VersionId"] == "null", "its version id is null")
    check(s3.get_object(Bucket=B, Key="k", VersionId="null")["Body"].read().startswith(b"scratch 4 "), "versionId=null reads it")
    listed = versions(B, "k")
    check(listed == [("k", "null", True, False), ("k", kept, False, False)], f"one null version replaced the others: {listed}")
    check(s3.get_object(Bucket=B, Key="k", VersionId=kept)["Body"].read() == b"kept, from before the suspension", "older versions stay")
    # A simple DELETE while suspended: a delete marker that is the null version, replacing the null version.
    d = s3.delete_object(Bucket=B, Key="k")
    check(d["DeleteMarker"] and d["VersionId"] == "null", f"the marker is the null version: {d}")
    check(versions(B, "k") == [("k", "null", True, True), ("k", kept, False, False)], "the null version became a marker")
    check(error_code(s3.get_object, Bucket=B, Key="k") == "NoSuchKey", "the key reads as deleted")
    s3.delete_object(Bucket=B, Key="k", VersionId="null")  # purging the marker brings back what it hid
    check(s3.get_object(Bucket=B, Key="k")["VersionId"] == kept, "the version from before the suspension is current again")
    check(error_code(s3.get_object, Bucket=B, Key="k", VersionId="null") == "NoSuchVersion", "no null version is left")
    # Re-enabling: writes get version ids again; the null version written meanwhile stays as it is.
    s3.put_object(Bucket=B, Key="n", Body=b"null version")
    s3.put_bucket_versioning(Bucket=B, VersioningConfiguration={"Status": "Enabled"})
    check(s3.get_bucket_versioning(Bucket=B)["Status"] == "Enabled", "re-enabled")
    v = s3.put_object(Bucket=B, Key="n", Body=b"versioned again")["VersionId"]
    check(len(v) == 32, "a write gets a version id again")
    check([i[1] for i in versions(B, "n")] == [v, "null"], "the null version is kept under the new one")
    check(s3.get_object(Bucket=B, Key="n", VersionId="null")["Body"].read() == b"null version", "and still reads by versionId=null")
    mfa = error_code(s3.put_bucket_versioning, Bucket=B, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"}, MFA="123456 654321")
    check(mfa == "NotImplemented", f"MFA delete is refused: {mfa}")
    # Suspended again: the next write replaces that null version (the only one a key can have).
    s3.put_bucket_versioning(Bucket=B, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket=B, Key="n", Body=b"replaces the null version")
    check([i[1] for i in versions(B, "n")] == ["null", v], "still one null version, now current")
elif phase == "empty":
    B = "emptied"
    s3.create_bucket(Bucket=B)
    for i in range(3):
        s3.put_object(Bucket=B, Key="a.txt", Body=b"a%d" % i)
        s3.put_object(Bucket=B, Key=f"dir/{i}.txt", Body=b"x")
    s3.delete_object(Bucket=B, Key="a.txt")
    s3.delete_objects(Bucket=B, Delete={"Objects": [{"Key": "dir/0.txt"}, {"Key": "never-there"}]})
    check(error_code(s3.delete_bucket, Bucket=B) == "BucketNotEmpty", "a bucket with versions cannot be deleted")
    listed = versions(B)
    check(sum(1 for i in listed if i[2]) == len({i[0] for i in listed}), "exactly one IsLatest per key")
    check(len(listed) == 9, f"3 versions and a marker of a.txt, 3 of dir/ and a marker, a marker of never-there: {listed}")
    # The SDK way: every version and marker by id, in batches, then the bucket.
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=B, PaginationConfig={"PageSize": 4}):
        ids = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if ids:
            res = s3.delete_objects(Bucket=B, Delete={"Objects": ids})
            check(not res.get("Errors"), f"every version deletes: {res.get('Errors')}")
    check(versions(B) == [], "nothing is left")
    s3.delete_bucket(Bucket=B)
    check(error_code(s3.head_bucket, Bucket=B) in ("404", "NoSuchBucket"), "the bucket is gone")
print(f"ok {checks} checks")
print(json.dumps(result))
