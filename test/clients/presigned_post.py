"""boto3's generate_presigned_post (SigV4, and SigV2 with signature_version "s3") against Strata's POST Object.

Every condition S3 supports is met once and violated once (AWS: "Creating a POST policy"); a violation must
answer S3's error and store nothing. Usage: python3 presigned_post.py ENDPOINT. Prints "ok <n> checks".
"""
import base64
import html
import json
import sys
import urllib.parse

import boto3
import urllib3
from botocore.config import Config

endpoint = sys.argv[1]


def client(signature_version="s3v4"):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="x", aws_secret_access_key="x",
                        config=Config(signature_version=signature_version, s3={"addressing_style": "path"},
                                      retries={"max_attempts": 1}))


s3 = client()
http = urllib3.PoolManager()
checks = 0
BUCKET = "boto-forms"


def check(cond, what):
    global checks
    if not cond:
        raise AssertionError(what)
    checks += 1


def send(post, data=b"hello", filename="f.txt", change=None, drop=()):
    """Posts the form (fields in order, file last), with some fields changed or left out."""
    fields = [(k, v) for k, v in post["fields"].items() if k not in drop]
    for k, v in (change or {}).items():
        fields = [(fk, v if fk == k else fv) for fk, fv in fields]
        if k not in dict(fields):
            fields.append((k, v))
    fields.append(("file", (filename, data, "application/octet-stream")))
    return http.request("POST", post["url"], fields=fields, redirect=False)


def stored_keys():
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def expect_error(resp, status, code, message=None, what=""):
    body = resp.data.decode()
    check(resp.status == status and f"<Code>{code}</Code>" in body, f"{what}: expected {status} {code}, got {resp.status} {body}")
    if message is not None:
        check(message in html.unescape(body), f"{what}: expected message {message!r} in {body}")


s3.create_bucket(Bucket=BUCKET)

# ---- every condition met: one upload, one commit ----
conditions = [
    ["starts-with", "$key", "in/"],
    ["content-length-range", 3, 100],
    {"Content-Type": "text/plain"},
    {"x-amz-meta-owner": "bo"},
    {"success_action_status": "201"},
    {"acl": "private"},
]
fields = {"Content-Type": "text/plain", "x-amz-meta-owner": "bo", "success_action_status": "201", "acl": "private"}
post = s3.generate_presigned_post(BUCKET, "in/${filename}", Fields=fields, Conditions=conditions, ExpiresIn=600)
policy = json.loads(base64.b64decode(post["fields"]["policy"]))
check({"bucket": BUCKET} in policy["conditions"], "boto3 puts the bucket condition in")
check(any(isinstance(c, dict) and "x-amz-credential" in c for c in policy["conditions"]), "and the credential")
ok = send(post, b"hello", "ok.txt")
check(ok.status == 201 and b"<Key>in/ok.txt</Key>" in ok.data, f"upload: {ok.status} {ok.data}")
head = s3.head_object(Bucket=BUCKET, Key="in/ok.txt")
check(head["ContentType"] == "text/plain" and head["Metadata"] == {"owner": "bo"} and head["ContentLength"] == 5, f"stored as described: {head}")
check(head["VersionId"] == ok.headers["x-amz-version-id"], "the upload's commit is the object's version")

# ---- each condition violated once ----
violations = [
    ("bucket", lambda: send({"url": f"{endpoint}/boto-forms-2", "fields": post["fields"]}), 403, "AccessDenied", f'["eq", "$bucket", "{BUCKET}"]'),
    ("key starts-with", lambda: send(post, change={"key": "out/x"}), 403, "AccessDenied", '["starts-with", "$key", "in/"]'),
    ("content-length-range max", lambda: send(post, b"x" * 101), 400, "EntityTooLarge", None),
    ("content-length-range min", lambda: send(post, b"xy"), 400, "EntityTooSmall", "<MinSizeAllowed>3</MinSizeAllowed>"),
    ("Content-Type", lambda: send(post, change={"Content-Type": "text/html"}), 403, "AccessDenied", '["eq", "$content-type", "text/plain"]'),
    ("x-amz-meta-*", lambda: send(post, change={"x-amz-meta-owner": "eve"}), 403, "AccessDenied", '["eq", "$x-amz-meta-owner", "bo"]'),
    ("success_action_status", lambda: send(post, change={"success_action_status": "200"}), 403, "AccessDenied", '"$success_action_status"'),
    ("acl", lambda: send(post, change={"acl": "public-read"}), 403, "AccessDenied", '["eq", "$acl", "private"]'),
    ("x-amz-date", lambda: send(post, change={"x-amz-date": post["fields"]["x-amz-date"][:9] + "000000Z"}), 403, "AccessDenied", '"$x-amz-date"'),
    # the credential names the signing key: another one cannot verify the signature
    ("x-amz-credential", lambda: send(post, change={"x-amz-credential": post["fields"]["x-amz-credential"].replace("x/", "y/", 1)}), 403, "SignatureDoesNotMatch", None),
    ("x-amz-algorithm", lambda: send(post, change={"x-amz-algorithm": "AWS4-HMAC-SHA1"}), 400, "InvalidArgument", None),
    ("a field the policy does not name", lambda: send(post, change={"x-amz-meta-extra": "1"}), 403, "AccessDenied", "Extra input fields: x-amz-meta-extra"),
    ("signature", lambda: send(post, change={"x-amz-signature": "0" * 64}), 403, "SignatureDoesNotMatch", None),
    ("no policy with a signature", lambda: send(post, drop=("policy",)), 400, "InvalidArgument", "'policy'"),
    ("no key", lambda: send(post, drop=("key",)), 400, "InvalidArgument", "'key'"),
]
s3.create_bucket(Bucket="boto-forms-2")
for what, fn, status, code, message in violations:
    expect_error(fn(), status, code, message, what)

# expiration: a policy that expired (signed by boto3 with a negative lifetime)
expired = s3.generate_presigned_post(BUCKET, "in/late.txt", ExpiresIn=-60)
expect_error(send(expired), 403, "AccessDenied", "Invalid according to Policy: Policy expired.", "expiration")

# success_action_redirect: met (303 to it) and violated
redirect = "http://127.0.0.1:9/thanks"
red = s3.generate_presigned_post(BUCKET, "in/red.txt", Fields={"success_action_redirect": redirect},
                                 Conditions=[{"success_action_redirect": redirect}])
r = send(red)
loc = urllib.parse.urlparse(r.headers.get("location", ""))
q = urllib.parse.parse_qs(loc.query)
check(r.status == 303 and loc.netloc == "127.0.0.1:9" and q["key"] == ["in/red.txt"] and q["bucket"] == [BUCKET], f"redirect: {r.status} {r.headers}")
expect_error(send(red, change={"success_action_redirect": "http://evil/"}), 403, "AccessDenied", '"$success_action_redirect"', "redirect")

check(stored_keys() == ["in/ok.txt", "in/red.txt"], f"violations stored nothing: {stored_keys()}")
check("Contents" not in s3.list_objects_v2(Bucket="boto-forms-2"), "nothing in the other bucket either")

# ---- SigV2 (signature_version "s3": AWSAccessKeyId, signature) ----
v2 = client("s3").generate_presigned_post(BUCKET, "in/v2.txt")
check("AWSAccessKeyId" in v2["fields"] and "signature" in v2["fields"], f"a SigV2 form: {v2['fields']}")
check(send(v2).status == 204, "SigV2 form upload")
expect_error(send(v2, change={"signature": base64.b64encode(b"0" * 20).decode()}), 403, "SignatureDoesNotMatch", None, "SigV2 signature")
check(s3.get_object(Bucket=BUCKET, Key="in/v2.txt")["Body"].read() == b"hello", "SigV2 upload stored")

print(f"ok {checks} checks")
