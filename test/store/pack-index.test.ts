// The sealed pack index: every stored hash is found where it was put; absent hashes are mostly turned away by
// its Bloom filter before any bisection.
import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import type { BlobLocation } from "../../src/store/pack-format.ts";
import { SealedIndex } from "../../src/store/pack-index.ts";
import { toHex } from "../../src/util/bytes.ts";

const hashOf = (s: string) => new Uint8Array(createHash("sha256").update(s).digest());

test("stored hashes are all found, also after a round trip through the file; absent ones rarely pass the filter", () => {
  const n = 5000;
  const items: Array<[string, BlobLocation]> = Array.from({ length: n }, (_, i) => [
    toHex(hashOf(`present ${i}`)),
    { pack: 7, offset: 100 + i * 50, length: i, kind: "chunk" },
  ]);
  const built = SealedIndex.build(7, new Map(items));
  const parsed = SealedIndex.parse(7, built.serialize())!;
  for (const index of [built, parsed]) {
    for (const [hex, loc] of items) expect(index.find(Uint8Array.from(Buffer.from(hex, "hex")))).toEqual(loc);
    let passed = 0;
    for (let i = 0; i < 20_000; i++) {
      const absent = hashOf(`absent ${i}`);
      expect(index.find(absent)).toBeUndefined();
      if (index.mayHave(absent)) passed++;
    }
    expect(passed / 20_000).toBeLessThan(0.03); // ~1.2% expected with 10 bits and 4 probes per entry
  }
});

test("an empty index has nothing and turns everything away", () => {
  const empty = SealedIndex.build(1, new Map());
  expect(empty.find(hashOf("x"))).toBeUndefined();
  expect(empty.mayHave(hashOf("x"))).toBe(false);
});
