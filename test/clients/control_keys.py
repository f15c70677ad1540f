# boto3 with keys holding characters XML 1.0 cannot carry (C0 controls, U+FFFE) or must escape: listings parse
# (boto3 lists with EncodingType=url and decodes), writes whose answers name the key report success.
import sys

import boto3

url, bucket = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=url)
s3.create_bucket(Bucket=bucket)
keys = ["ex\x01ist", "tab\tnl\ncr\rend", "bell\x07\x1f", "amp&<lt>'\"", "fffe\ufffe"]
for key in keys:
    s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]) == sorted(keys)
assert sorted(o["Key"] for o in s3.list_objects(Bucket=bucket)["Contents"]) == sorted(keys)
assert sorted(v["Key"] for v in s3.list_object_versions(Bucket=bucket)["Versions"]) == sorted(keys)
for key in keys:
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode(), key

upload = s3.create_multipart_upload(Bucket=bucket, Key="mp\x01")["UploadId"]
etag = s3.upload_part(Bucket=bucket, Key="mp\x01", UploadId=upload, PartNumber=1, Body=b"part")["ETag"]
s3.complete_multipart_upload(Bucket=bucket, Key="mp\x01", UploadId=upload, MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": 1}]})
assert s3.get_object(Bucket=bucket, Key="mp\x01")["Body"].read() == b"part"
assert len(s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])) == 0  # one upload made: no retries

assert s3.delete_object(Bucket=bucket, Key=keys[0])["ResponseMetadata"]["HTTPStatusCode"] == 204
answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in [*keys[1:], "mp\x01"]]})
assert len(answer["Deleted"]) == len(keys) and not answer.get("Errors"), answer
assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
print("ok", len(keys))
