// The decoded-blob cache is bounded by the bytes its values weigh, keeps what is used, and drops what is not.
import { expect, test } from "bun:test";
import { DecodedCache } from "../../src/repo/blob-codec.ts";

function counting(cache: DecodedCache<string>) {
  let loads = 0;
  const get = (key: string, bytes = 100) =>
    cache.get(key, () => {
      loads++;
      return { value: `value of ${key}`, bytes };
    });
  return { get, loads: () => loads };
}

test("values are loaded once while they fit, and the budget bounds what stays", () => {
  const c = counting(new DecodedCache<string>(1000)); // two generations of 500 bytes
  for (let i = 0; i < 5; i++) expect(c.get(`k${i}`)).toBe(`value of k${i}`);
  for (let i = 0; i < 5; i++) c.get(`k${i}`);
  expect(c.loads()).toBe(5);
  // 30 more keys of 100 bytes: far past the budget, so the first five are gone.
  for (let i = 5; i < 35; i++) c.get(`k${i}`);
  const before = c.loads();
  for (let i = 0; i < 5; i++) c.get(`k${i}`);
  expect(c.loads()).toBe(before + 5);
});

test("a value in steady use survives any number of other values", () => {
  const c = counting(new DecodedCache<string>(1000));
  c.get("hot");
  for (let i = 0; i < 1000; i++) {
    c.get(`cold${i}`);
    c.get("hot");
  }
  expect(c.loads()).toBe(1001);
});

test("weight is by bytes, not entries: one heavy value displaces many light ones", () => {
  const c = counting(new DecodedCache<string>(1000));
  for (let i = 0; i < 4; i++) c.get(`light${i}`, 10);
  c.get("heavy1", 600);
  c.get("heavy2", 600);
  const before = c.loads();
  for (let i = 0; i < 4; i++) c.get(`light${i}`, 10);
  expect(c.loads()).toBe(before + 4);
  const remembered = new DecodedCache<string>(1000);
  remembered.remember("written", { value: "w", bytes: 5000 }); // bigger than a generation: still kept until the next
  expect(remembered.get("written", () => ({ value: "reloaded", bytes: 1 }))).toBe("w");
});

test("clear() forgets every value: each is loaded again on its next read", () => {
  const cache = new DecodedCache<string>(1000);
  const c = counting(cache);
  c.get("a");
  c.get("b");
  cache.clear();
  c.get("a");
  c.get("b");
  expect(c.loads()).toBe(4);
});
