// The streaming multipart/form-data reader of POST Object: fields before the file, the file as a stream,
// whatever the body's pieces look like; and the POST policy's conditions (AWS: "Creating a POST policy").
import { describe, expect, test } from "bun:test";
import { formBoundary, indexOfBytes, readForm } from "../../src/s3/form-data.ts";
import { checkPolicy, parsePolicy } from "../../src/s3/post-policy.ts";
import { concatBytes } from "../../src/util/bytes.ts";
import { rng } from "../helpers/tmp-dir.ts";

const enc = new TextEncoder();

/** A body as a browser builds it (what FormData + fetch send), with the file's bytes. */
function formBody(boundary: string, fields: [string, string][], file: Uint8Array, after: [string, string][] = []): Uint8Array {
  const parts: Uint8Array[] = [];
  const field = ([name, value]: [string, string]) => enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  for (const f of fields) parts.push(field(f));
  parts.push(enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a \\"b\\".bin"\r\nContent-Type: application/octet-stream\r\n\r\n`), file, enc.encode("\r\n"));
  for (const f of after) parts.push(field(f));
  parts.push(enc.encode(`--${boundary}--\r\n`));
  return concatBytes(parts);
}

/** The body cut into pieces of random sizes (1 byte to 1 KiB), as a network may deliver it. */
function pieces(bytes: Uint8Array, seed: number): ReadableStream<Uint8Array> {
  const random = rng(seed);
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      const n = 1 + Math.floor(random() * 1024);
      c.enqueue(bytes.slice(at, at + n));
      at += n;
    },
  });
}

describe("multipart/form-data", () => {
  test("boundary from Content-Type", () => {
    expect(formBoundary("multipart/form-data; boundary=----WebKitFormBoundaryX")).toBe("----WebKitFormBoundaryX");
    expect(formBoundary('multipart/form-data; charset=utf-8; boundary="a b"')).toBe("a b");
    expect(formBoundary("application/x-www-form-urlencoded")).toBeUndefined();
    expect(formBoundary("multipart/form-data")).toBeUndefined();
  });

  test("indexOfBytes", () => {
    expect(indexOfBytes(enc.encode("ab\r\n--x\r\n--xy"), enc.encode("\r\n--xy"))).toBe(7);
    expect(indexOfBytes(enc.encode("abc"), enc.encode("abcd"))).toBe(-1);
  });

  test("fields, then the file's exact bytes, whatever the pieces; fields after the file are ignored", async () => {
    // file bytes that look like a delimiter's start, and CRs and LFs everywhere
    const file = new Uint8Array(200_000);
    const random = rng(7);
    for (let i = 0; i < file.length; i++) file[i] = [13, 10, 45, Math.floor(random() * 256)][Math.floor(random() * 4)];
    file.set(enc.encode("\r\n--BOUNDAR"), 1000);
    const body = formBody("BOUNDARY", [["key", "up/${filename}"], ["Content-Type", "image/png"], ["x-amz-meta-a", "é"]], file, [["late", "x"]]);
    for (const seed of [1, 2, 3]) {
      const form = await readForm(pieces(body, seed), "BOUNDARY");
      expect(form.fields).toEqual([{ name: "key", value: "up/${filename}" }, { name: "Content-Type", value: "image/png" }, { name: "x-amz-meta-a", value: "é" }]);
      expect(form.file!.filename).toBe('a "b".bin');
      expect(form.file!.contentType).toBe("application/octet-stream");
      const got = new Uint8Array(await new Response(form.file!.body).arrayBuffer());
      expect(got.length).toBe(file.length);
      expect(Buffer.compare(got, file)).toBe(0);
    }
    const whole = await readForm(body, "BOUNDARY");
    expect((await new Response(whole.file!.body).arrayBuffer()).byteLength).toBe(file.length);
  });

  test("malformed bodies: MalformedPOSTRequest, over-long fields: MaxPostPreDataLengthExceededError", async () => {
    const code = async (body: Uint8Array | ReadableStream<Uint8Array>, read = false) => {
      try {
        const form = await readForm(body, "B");
        if (read && form.file) await new Response(form.file.body).arrayBuffer();
        return form.file ? "file" : "no file";
      } catch (err) {
        return (err as { code: string }).code;
      }
    };
    expect(await code(enc.encode("not a form"))).toBe("MalformedPOSTRequest");
    expect(await code(enc.encode('--B\r\nContent-Disposition: form-data; name="key"\r\n\r\nabc'))).toBe("MalformedPOSTRequest");
    expect(await code(enc.encode('--B\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\ntruncated'), true)).toBe("MalformedPOSTRequest");
    expect(await code(enc.encode('--B\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--B--\r\n'))).toBe("no file");
    const big = formBody("B", [["policy", "x".repeat(70_000)]], new Uint8Array(1));
    expect(await code(pieces(big, 4))).toBe("MaxPostPreDataLengthExceededError");
  });
});

describe("POST policy", () => {
  const b64 = (doc: unknown) => btoa(JSON.stringify(doc));
  const EXPIRES = "2030-01-01T00:00:00.000Z";
  const subject = (fields: Record<string, string>) => ({ bucket: "uploads", fields: new Map(Object.entries(fields)), now: Date.parse("2029-01-01T00:00:00Z") });
  const outcome = (policy: unknown, fields: Record<string, string>) => {
    try {
      return checkPolicy(parsePolicy(typeof policy === "string" ? policy : b64(policy)), subject(fields)) ?? "ok";
    } catch (err) {
      return `${(err as { code: string }).code}: ${(err as Error).message}`;
    }
  };

  test("each condition, met and violated", () => {
    const conditions = [
      { bucket: "uploads" },
      ["starts-with", "$key", "user/"],
      ["eq", "$success_action_status", "201"],
      ["starts-with", "$Content-Type", "image/"],
      ["content-length-range", 1, 100],
      { "x-amz-meta-tag": "t" },
    ];
    const ok = { key: "user/a", success_action_status: "201", "content-type": "image/png", "x-amz-meta-tag": "t", policy: "p", "x-amz-signature": "s" };
    expect(outcome({ expiration: EXPIRES, conditions }, ok)).toEqual({ min: 1, max: 100 });
    const failed = (c: string) => `AccessDenied: Invalid according to Policy: Policy Condition failed: ${c}`;
    expect(outcome({ expiration: EXPIRES, conditions }, { ...ok, key: "other/a" })).toBe(failed('["starts-with", "$key", "user/"]'));
    expect(outcome({ expiration: EXPIRES, conditions }, { ...ok, success_action_status: "200" })).toBe(failed('["eq", "$success_action_status", "201"]'));
    expect(outcome({ expiration: EXPIRES, conditions }, { ...ok, "content-type": "image/png, text/html" })).toBe(failed('["starts-with", "$content-type", "image/"]'));
    expect(outcome({ expiration: EXPIRES, conditions: [{ bucket: "other" }] }, {})).toBe(failed('["eq", "$bucket", "other"]'));
    expect(outcome({ expiration: EXPIRES, conditions }, { ...ok, "x-amz-meta-extra": "1", "x-ignore-me": "1" })).toBe("AccessDenied: Invalid according to Policy: Extra input fields: x-amz-meta-extra");
    expect(outcome({ expiration: "2020-01-01T00:00:00Z", conditions }, ok)).toBe("AccessDenied: Invalid according to Policy: Policy expired.");
  });

  test("documents S3 refuses: InvalidPolicyDocument", () => {
    expect(outcome("!!!", {})).toBe("InvalidPolicyDocument: Invalid Policy: Invalid JSON.");
    expect(outcome({ conditions: [] }, {})).toBe("InvalidPolicyDocument: Invalid Policy: Policy missing expiration.");
    expect(outcome({ expiration: "tomorrow", conditions: [] }, {})).toStartWith("InvalidPolicyDocument: Invalid Policy: Invalid 'expiration' value");
    expect(outcome({ expiration: EXPIRES }, {})).toBe("InvalidPolicyDocument: Invalid Policy: Policy missing conditions.");
    expect(outcome({ expiration: EXPIRES, conditions: [{ a: "1", b: "2" }] }, {})).toStartWith("InvalidPolicyDocument: Invalid Policy: Invalid Simple-Condition");
    expect(outcome({ expiration: EXPIRES, conditions: [["matches", "$key", "x"]] }, {})).toStartWith("InvalidPolicyDocument: Invalid Policy: Invalid Condition");
    expect(outcome({ expiration: EXPIRES, conditions: [["content-length-range", 10, 1]] }, {})).toStartWith("InvalidPolicyDocument");
  });
});
