// Two gateways writing one branch are served fairly: a gateway whose writers chain on their own in-flight commits
// must not win every compare-and-swap round while the other gateway's writers rebuild until their retries run out
// (issue 17: "any number of gateways serve the same repos with the same guarantees as one").
import { describe, expect, test } from "bun:test";
import { gatewaysOnMoto, pgAvailable } from "../helpers/distributed.ts";

const skip = !(await pgAvailable());

describe.skipIf(skip)("one branch written through two gateways", () => {
  const cluster = gatewaysOnMoto("fair", skip, 2);

  test("the quiet gateway's writes land, without a 503, while the other gateway is under sustained load", async () => {
    const [busy, quiet] = cluster.gateways;
    expect((await fetch(`${busy.url}/photos`, { method: "PUT" })).status).toBe(200);
    const put = (url: string, key: string) => fetch(`${url}/photos/${key}`, { method: "PUT", body: crypto.getRandomValues(new Uint8Array(500)) }).then((r) => r.status);
    let quietDone = false;
    const busyAcks: number[] = [];
    // Sustained load: 4 writers through one gateway, each PUTting back to back until the quiet gateway is done.
    const load = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !quietDone && i < 2000; i++) if ((await put(busy.url, `busy/w${w}/k${i}`)) === 200) busyAcks.push(Date.now());
    });
    while (busyAcks.length < 20) await Bun.sleep(20); // the busy gateway is chaining commits before the quiet one starts
    // Two writers through the quiet gateway, 8 PUTs each, no client retries: each answer counts.
    const quietStatuses: number[] = [];
    const quietStart = Date.now();
    await Promise.all(Array.from({ length: 2 }, async (_, w) => {
      for (let i = 0; i < 8; i++) quietStatuses.push(await put(quiet.url, `quiet/w${w}/k${i}`));
    }));
    const quietEnd = Date.now();
    quietDone = true;
    await Promise.all(load);
    expect(quietStatuses).toEqual(Array(16).fill(200));
    // The load really went on meanwhile: the busy gateway was acknowledging writes while the quiet one ran.
    const during = busyAcks.filter((t) => t >= quietStart && t <= quietEnd).length;
    console.log(`quiet gateway: 16 writes in ${quietEnd - quietStart} ms; busy gateway meanwhile: ${during} acks`);
    expect(during).toBeGreaterThan(0);
  }, 180_000);
});
