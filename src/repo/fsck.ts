// fsck: every record of every pack is verified (checksum and SHA-256), then everything the refs reach is
// checked to be present and intact, and each problem is named by where it is used.
import { type PackReport, verifyPacks } from "../store/pack-verify.ts";
import { RemoteStore } from "../store/remote-store.ts";
import { verifyRemotePacks } from "../store/remote-gc.ts";
import { LocalStore, type Store } from "../store/store.ts";
import { type Unreachable, walkReachable } from "./reachability.ts";
import type { History } from "./purges.ts";

export interface FsckReport {
  ok: boolean;
  packs: PackReport;
  /** reachable blobs that are missing or damaged, with the repo/branch/commit/key that uses them */
  problems: Unreachable[];
  reachable: number;
}

/** `history`: the server's purge index reader (and its cache), for the walk's purge checks. */
export async function checkStore(store: Store, history: History): Promise<FsckReport> {
  if (!(store instanceof LocalStore) && !(store instanceof RemoteStore)) throw new Error("fsck: unknown store");
  const packs = store instanceof RemoteStore ? await verifyRemotePacks(store) : await verifyPacks(store.blobs);
  const damagedAt = new Set(packs.damaged.map((d) => `${d.pack}:${d.offset}`));
  // A hash is damaged when the copy reads would use is: an intact duplicate elsewhere (left by gc) is fine.
  const isDamaged = (hash: string) => {
    if (damagedAt.size === 0) return false; // (a distributed store's where() may have to ask PostgreSQL)
    const loc = store.blobs.where(hash);
    return loc !== undefined && damagedAt.has(`${loc.pack}:${loc.offset}`);
  };
  const walk = await walkReachable(store, history, { isDamaged });
  return { ok: packs.damaged.length === 0 && walk.problems.length === 0, packs, problems: walk.problems, reachable: walk.reached.size };
}
