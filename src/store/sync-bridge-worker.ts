// The worker behind SyncBridge (sync-bridge.ts): performs one request at a time for a caller that waits on a shared
// flag (Atomics.wait), and writes the answer into the shared buffer. Its own PostgreSQL client (one connection),
// since the caller's thread is blocked while it waits. Answers: head (sync-bridge.ts, HEAD_BYTES) + body, where
// status is the HTTP status of a fetch, 200 for a lookup (body: the rows as JSON), -1 unreachable, -2 too large,
// -3 a lookup failed otherwise (body: the message).
// A module of its own (not eval'd source) because it imports the PostgreSQL client; the release build compiles it
// into the binary as a second entry point (scripts/build-release.ts).
import { parentPort } from "node:worker_threads";
import type postgres from "postgres";
import { UnavailableError } from "../util/unavailable.ts";
import { locateBlobs, pgClient } from "./pg-meta.ts";
import { type BridgeRequest, HEAD_BYTES } from "./sync-bridge.ts";

let ctl: Int32Array;
let data: Uint8Array;
const clients = new Map<string, postgres.Sql>();

async function answer(m: BridgeRequest): Promise<{ status: number; body: Uint8Array }> {
  if (m.op === "fetch") {
    const res = await fetch(m.url, { headers: m.headers, signal: AbortSignal.timeout(m.timeoutMs) });
    return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) };
  }
  let sql = clients.get(m.meta);
  if (!sql) clients.set(m.meta, (sql = pgClient(m.meta, 1).sql));
  const rows = await locateBlobs(sql, m.hashes);
  return { status: 200, body: new TextEncoder().encode(JSON.stringify(rows)) };
}

parentPort!.on("message", async (m: BridgeRequest & { sab?: SharedArrayBuffer }) => {
  if (m.sab) {
    ctl = new Int32Array(m.sab, 0, 5);
    data = new Uint8Array(m.sab, HEAD_BYTES);
  }
  let res: { status: number; body: Uint8Array };
  try {
    res = await answer(m);
  } catch (err) {
    // Unreachable, timed out, PostgreSQL unavailable: the caller answers 503. Anything else is a bug to report.
    const unavailable = m.op === "fetch" || err instanceof UnavailableError;
    res = { status: unavailable ? -1 : -3, body: new TextEncoder().encode(String((err as Error).message ?? err)) };
  }
  if (Atomics.load(ctl, 4) !== m.id) return; // the caller gave up waiting for this one
  let { status } = res;
  let length = 0;
  if (res.body.length > data.length) status = -2;
  else {
    data.set(res.body);
    length = res.body.length;
  }
  ctl[1] = status;
  ctl[2] = length;
  ctl[3] = m.id;
  Atomics.store(ctl, 0, 1);
  Atomics.notify(ctl, 0);
});
