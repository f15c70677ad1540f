// The dashboard's last hour: requests, 5xx errors and bytes counted per minute, gauges carried over idle minutes,
// and only the last `minutes` kept.
import { expect, test } from "bun:test";
import { MetricsHistory } from "../../src/admin/metrics-history.ts";

test("requests fall into their minute; idle minutes count zero and keep the gauges; old minutes drop out", () => {
  let now = 10 * 60_000;
  let stored = 100;
  const h = new MetricsHistory(() => ({ storedBytes: stored, logicalBytes: stored * 2 }), 3, () => now);
  h.record(200, 10, 20);
  h.record(503, 1, 2);
  h.record(404, 0, 5);
  now += 60_000 + 5;
  stored = 150;
  h.record(200, 7, 0);
  now += 2 * 60_000;
  const samples = h.samples();
  expect(samples.map((s) => [s.minute / 60_000, s.requests, s.errors, s.bytesIn, s.bytesOut, s.storedBytes, s.logicalBytes])).toEqual([
    [11, 1, 0, 7, 0, 150, 300],
    [12, 0, 0, 0, 0, 150, 300],
    [13, 0, 0, 0, 0, 150, 300],
  ]);
});

test("a fresh history is an hour of zeros ending now", () => {
  const h = new MetricsHistory(() => ({ storedBytes: 5, logicalBytes: 5 }), 60, () => 3_600_000 * 5 + 1234);
  const samples = h.samples();
  expect(samples.length).toBe(60);
  expect(samples.at(-1)!.minute).toBe(3_600_000 * 5);
  expect(samples.every((s) => s.requests === 0)).toBe(true);
});
