# boto3, signed and UNSIGNED, with keys that hold "." and ".." segments and a backslash: each is its own object
# (botocore signs S3 paths without normalising them), and none overwrites another.
import sys

import boto3
from botocore import UNSIGNED
from botocore.config import Config

url, bucket = sys.argv[1], sys.argv[2]
signed = boto3.client("s3", endpoint_url=url)
unsigned = boto3.client("s3", endpoint_url=url, config=Config(signature_version=UNSIGNED))
keys = {"x/../k3": signed, "y/./k3": signed, "../k3": signed, "a\\b": signed, "u/../k3": unsigned, "./k3": unsigned}
signed.put_object(Bucket=bucket, Key="k3", Body=b"original")
for key, client in keys.items():
    client.put_object(Bucket=bucket, Key=key, Body=key.encode())
for key, client in keys.items():
    body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    assert body == key.encode(), (key, body)
assert signed.get_object(Bucket=bucket, Key="k3")["Body"].read() == b"original"
listed = sorted(o["Key"] for o in signed.list_objects_v2(Bucket=bucket)["Contents"])
assert listed == sorted([*keys, "k3"]), listed
print("ok", len(keys))
