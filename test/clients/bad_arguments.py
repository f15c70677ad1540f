# boto3 sending arguments S3 refuses: a continuation token it did not issue, a version id that is no version id,
# and versionId=null where there is no null version (then one, once versioning is suspended).
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

url, bucket = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=url, config=Config(retries={"max_attempts": 1}))
s3.create_bucket(Bucket=bucket)
for key in ["a", "b", "c"]:
    s3.put_object(Bucket=bucket, Key=key, Body=key.encode())


def error(call, **params):
    try:
        call(**params)
    except ClientError as e:
        err = e.response["Error"]
        return e.response["ResponseMetadata"]["HTTPStatusCode"], err.get("Code"), err.get("Message")
    raise AssertionError(f"{call.__name__} {params} succeeded")


def check(got, want, what):
    assert got == want, f"{what}: {got} != {want}"


page = s3.list_objects_v2(Bucket=bucket, MaxKeys=1)
token = page["NextContinuationToken"]
check([o["Key"] for o in s3.list_objects_v2(Bucket=bucket, ContinuationToken=token)["Contents"]], ["b", "c"], "the token issued resumes")
incorrect = (400, "InvalidArgument", "The continuation token provided is incorrect")
for forged in ["garbage", "YQ==", token[:-2], token + "A"]:
    check(error(s3.list_objects_v2, Bucket=bucket, ContinuationToken=forged), incorrect, f"token {forged!r}")
s3.create_bucket(Bucket=bucket + "2")
check(error(s3.list_objects_v2, Bucket=bucket + "2", ContinuationToken=token), incorrect, "a token of another bucket")
paginated = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, PaginationConfig={"PageSize": 1}) for o in p.get("Contents", [])]
check(paginated, ["a", "b", "c"], "boto3's paginator")

invalid = (400, "InvalidArgument", "Invalid version id specified")
for bad in ["garbage", "0" * 31, "Z" * 32, "NULL"]:
    check(error(s3.get_object, Bucket=bucket, Key="a", VersionId=bad), invalid, f"GET versionId={bad}")
    check(error(s3.head_object, Bucket=bucket, Key="a", VersionId=bad)[0], 400, f"HEAD versionId={bad}")
    check(error(s3.delete_object, Bucket=bucket, Key="a", VersionId=bad), invalid, f"DELETE versionId={bad}")
    check(error(s3.copy_object, Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "a", "VersionId": bad}), invalid, f"CopySource versionId={bad}")

no_null = (404, "NoSuchVersion")
check(error(s3.get_object, Bucket=bucket, Key="a", VersionId="null")[:2], no_null, "GET versionId=null without a null version")
check(error(s3.head_object, Bucket=bucket, Key="a", VersionId="null")[0], 404, "HEAD versionId=null without a null version")
check(error(s3.copy_object, Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "a", "VersionId": "null"})[:2], no_null, "CopySource versionId=null")
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
s3.put_object(Bucket=bucket, Key="a", Body=b"null version")
check(s3.get_object(Bucket=bucket, Key="a", VersionId="null")["Body"].read(), b"null version", "GET the null version")
check(s3.head_object(Bucket=bucket, Key="a", VersionId="null")["VersionId"], "null", "HEAD the null version")
print("ok")
