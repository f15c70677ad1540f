"""Concurrent boto3 writers through several Strata gateways on one distributed store.

Usage: python3 load.py MODE BUCKET ENDPOINT[,ENDPOINT...] [WRITERS] [OPS]
Prints one JSON line per acknowledged write ({"ack": key, "sha": ..., "version": ...}) and failures
({"fail": key, "sha": ..., "error": ...}), then a final {"done": ...} line.

Modes:
  load       writer w PUTs through gateway w % n, then GETs the key through the next gateway (read-after-write)
  reuse      as load, but every body is one of ten fixed ones ("junk N" * 500): writes reuse blobs already stored
  race       every writer PUTs the same key with If-None-Match: * through its own gateway: one may win
  multipart  one upload, parts through different gateways, completed through another, read through a third
"""
import hashlib
import json
import os
import sys
import threading

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError, ConnectionClosedError

mode, bucket, endpoints = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
writers = int(sys.argv[4]) if len(sys.argv) > 4 else 6
ops = int(sys.argv[5]) if len(sys.argv) > 5 else 20
# "load": writers retry throttling answers (SlowDown/503) as boto3's standard retry mode does, so a lost
# compare-and-swap race under contention is a retry, not a failure. Outage modes count every failure.
attempts = 3 if mode in ("load", "reuse") else 1
lock = threading.Lock()


def client(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x",
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": attempts, "mode": "standard"}, connect_timeout=5, read_timeout=30))


def emit(obj):
    with lock:
        print(json.dumps(obj), flush=True)


def code_of(err):
    if isinstance(err, ClientError):
        return err.response["Error"]["Code"]
    return type(err).__name__


def load_writer(w):
    n = len(endpoints)
    put, get = client(endpoints[w % n]), client(endpoints[(w + 1) % n])
    for i in range(ops):
        key = f"w{w}/k{i}"
        body = (f"junk {i % 10}" * 500).encode() if mode == "reuse" else os.urandom(100 + (w * 131 + i * 17) % 3000)
        sha = hashlib.sha256(body).hexdigest()
        try:
            r = put.put_object(Bucket=bucket, Key=key, Body=body)
        except Exception as e:  # a gateway killed under us: not acknowledged
            emit({"fail": key, "sha": sha, "error": code_of(e)})
            continue
        emit({"ack": key, "sha": sha, "version": r.get("VersionId")})
        try:
            got = get.get_object(Bucket=bucket, Key=key)["Body"].read()
            emit({"read": key, "same": hashlib.sha256(got).hexdigest() == sha})
        except Exception as e:
            emit({"readfail": key, "error": code_of(e)})


def race_writer(w):
    c = client(endpoints[w % len(endpoints)])
    try:
        c.put_object(Bucket=bucket, Key="race", Body=f"writer {w}".encode(), IfNoneMatch="*")
        emit({"won": w})
    except Exception as e:
        emit({"lost": w, "error": code_of(e)})


def multipart():
    n = len(endpoints)
    c0 = client(endpoints[0])
    up = c0.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    parts, whole = [], b""
    for p in range(1, 4):
        body = os.urandom(5 * 1024 * 1024 if p < 3 else 1000)
        whole += body
        r = client(endpoints[p % n]).upload_part(Bucket=bucket, Key="mp", UploadId=up, PartNumber=p, Body=body)
        parts.append({"PartNumber": p, "ETag": r["ETag"]})
    listed = client(endpoints[(n - 1) % n]).list_parts(Bucket=bucket, Key="mp", UploadId=up)["Parts"]
    client(endpoints[(n - 1) % n]).complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up, MultipartUpload={"Parts": parts})
    got = client(endpoints[1 % n]).get_object(Bucket=bucket, Key="mp")["Body"].read()
    emit({"multipart": hashlib.sha256(got).hexdigest() == hashlib.sha256(whole).hexdigest(), "listed": len(listed)})


if mode == "multipart":
    multipart()
else:
    target = race_writer if mode == "race" else load_writer
    threads = [threading.Thread(target=target, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
emit({"done": mode})
