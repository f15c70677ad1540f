# boto3 with non-ASCII user metadata, SigV4. botocore refuses non-ASCII metadata before sending
# (validate_ascii_metadata), so first as a boto3 user must send it: RFC 2047 encoded by hand; then with that check
# unregistered, as raw UTF-8 header bytes (what botocore then sends, having signed the value's UTF-8). GET and
# HEAD return it RFC 2047 encoded, as AWS does ("User-defined object metadata", S3 User Guide).
import base64
import sys
from email.header import decode_header, make_header

import boto3
import botocore.handlers
from botocore.config import Config

url, bucket = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=url, config=Config(signature_version="s3v4", retries={"max_attempts": 1}))
text = "résumé ☃"
encoded = "=?UTF-8?B?" + base64.b64encode(text.encode()).decode() + "?="
decode = lambda v: str(make_header(decode_header(v)))

s3.put_object(Bucket=bucket, Key="boto3-encoded", Body=b"x", Metadata={"name": encoded, "plain": "ascii ok"})
for got in (s3.head_object(Bucket=bucket, Key="boto3-encoded"), s3.get_object(Bucket=bucket, Key="boto3-encoded")):
    assert got["Metadata"] == {"name": encoded, "plain": "ascii ok"}, got["Metadata"]

s3.meta.events.unregister("before-parameter-build.s3.PutObject", botocore.handlers.validate_ascii_metadata)
s3.meta.events.unregister("before-parameter-build.s3.CreateMultipartUpload", botocore.handlers.validate_ascii_metadata)
values = {"name": text, "nbsp": "à\u00a0la carte", "cjk": "日本語"}
s3.put_object(Bucket=bucket, Key="boto3-raw", Body=b"x", Metadata=values)
for got in (s3.head_object(Bucket=bucket, Key="boto3-raw"), s3.get_object(Bucket=bucket, Key="boto3-raw")):
    assert got["Metadata"]["name"] == encoded, got["Metadata"]
    assert {k: decode(v) for k, v in got["Metadata"].items()} == values, got["Metadata"]

up = s3.create_multipart_upload(Bucket=bucket, Key="boto3-multipart", Metadata={"name": text})["UploadId"]
etag = s3.upload_part(Bucket=bucket, Key="boto3-multipart", UploadId=up, PartNumber=1, Body=b"part")["ETag"]
s3.complete_multipart_upload(Bucket=bucket, Key="boto3-multipart", UploadId=up, MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": 1}]})
assert s3.head_object(Bucket=bucket, Key="boto3-multipart")["Metadata"] == {"name": encoded}
print("ok")
