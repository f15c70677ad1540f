// The canonical path and query, checked against the platform's encodeURIComponent (plus the
// sub-delimiters RFC 3986 reserves, which AWS signers encode too).
import { describe, expect, test } from "bun:test";
import { canonicalPath, canonicalQuery, parseQuery } from "../../src/s3/auth/uri-encoding.ts";

const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

describe("canonicalPath", () => {
  const keys = ["a b", "plus+", "100%", "ünï/ключ", "dir//x", "/lead", "~tilde-._", "!'()*", "q?#[]@$&=;:,"];

  test("already-encoded paths stay as they are (no double encoding)", () => {
    for (const key of keys) {
      const path = "/bucket/" + key.split("/").map(rfc3986).join("/");
      expect(canonicalPath(path)).toBe(path);
    }
  });

  test("loosely encoded paths get the signers' encoding, segment by segment", () => {
    expect(canonicalPath("/b/a+b!(c)")).toBe("/b/a%2Bb%21%28c%29");
    expect(canonicalPath("/b/%7euser/%2f/%c3%bc")).toBe("/b/~user/%2F/%C3%BC");
    expect(canonicalPath("/b/100%/%zz")).toBe("/b/100%25/%25zz");
    expect(canonicalPath("/b/./../x")).toBe("/b/./../x"); // no dot-segment removal: those are key bytes
    expect(canonicalPath("")).toBe("/");
  });
});

describe("canonicalQuery", () => {
  test("sorted by encoded name then value, re-encoded, '+' read as a space", () => {
    expect(canonicalQuery("versions&prefix=a+b&delimiter=%2F&max-keys=2&prefix=a%2Bb")).toBe(
      "delimiter=%2F&max-keys=2&prefix=a%20b&prefix=a%2Bb&versions=",
    );
    expect(canonicalQuery("X-Amz-Signature=abc&b=1", "X-Amz-Signature")).toBe("b=1");
    expect(canonicalQuery("")).toBe("");
  });

  test("parseQuery decodes names and values", () => {
    expect(parseQuery("a=%C3%BC&b&c=1%2B1=2")).toEqual([["a", "ü"], ["b", ""], ["c", "1+1=2"]]);
  });
});
