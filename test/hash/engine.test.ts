import { afterAll, expect, test } from "bun:test";
import { digest, hashEngineName, selectHashEngine } from "../../src/hash/hashing.ts";
import { randomBytes, seededRandom } from "./random.ts";

afterAll(() => selectHashEngine("auto"));

test("auto picks one of the engines and reports it", () => {
  const picked = selectHashEngine("auto");
  expect(["wasm", "native"]).toContain(picked);
  expect(hashEngineName()).toBe(picked);
});

test("an explicit choice is reported as chosen", () => {
  expect(selectHashEngine("wasm")).toBe("wasm");
  expect(hashEngineName()).toBe("wasm");
  expect(selectHashEngine("native")).toBe("native");
  expect(hashEngineName()).toBe("native");
});

test("the engine changes no digest of any algorithm", () => {
  const data = randomBytes(100_003, seededRandom(7));
  const algorithms = ["sha256", "sha1", "md5", "crc32", "crc32c", "crc64nvme"] as const;
  const withEngine = (e: "wasm" | "native") => {
    selectHashEngine(e);
    return algorithms.map((alg) => Buffer.from(digest(alg, data)).toString("hex"));
  };
  expect(withEngine("wasm")).toEqual(withEngine("native"));
});
