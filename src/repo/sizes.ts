// A repo's logical size: the bytes its branches show, each version once however many branches show it (a
// branch made from another shares all its versions, so it adds nothing until it changes), purged versions not
// at all. Counting walks every key of every branch head (sizes are in the tree's entries, no manifest is read),
// so the answer is cached by what decides it: the branch heads' trees and the repo's purge index.
import type { ListPage } from "./listing.ts";
import type { Snapshot } from "./versioned-store.ts";

/** Keys listed per step of the walk. */
const PAGE = 1000;

export class LogicalSizes {
  private readonly cache = new Map<string, { state: string; bytes: number }>();

  constructor(private readonly listKeys: (s: Snapshot, o: { after?: string; limit: number }) => ListPage) {}

  /** The bytes of the versions the snapshots show, each (key, version) once; `purgeRoot` names the purge index. */
  of(repo: string, snapshots: Snapshot[], purgeRoot: string | null): number {
    const state = [purgeRoot, ...snapshots.map((s) => s.root)].join(",");
    const cached = this.cache.get(repo);
    if (cached?.state === state) return cached.bytes;
    const seen = new Set<string>();
    let bytes = 0;
    for (const s of snapshots) {
      for (let after: string | undefined, page: ListPage | undefined; !page || page.truncated; after = page.last) {
        page = this.listKeys(s, { after, limit: PAGE });
        for (const [key, entry] of page.entries) {
          const id = `${entry.c}/${key}`;
          if (seen.has(id)) continue;
          seen.add(id);
          bytes += entry.s ?? 0;
        }
      }
    }
    this.cache.set(repo, { state, bytes });
    return bytes;
  }

  /** Forgets a deleted repo. */
  drop(repo: string): void {
    this.cache.delete(repo);
  }
}
