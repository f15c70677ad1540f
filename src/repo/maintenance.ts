// fsck and gc on a data dir that no server is using (the CLI's offline commands). They take the data dir's
// lock like a server would, so they refuse to run beside one; a running server offers the same through
// RepoService.fsck() and RepoService.gc().
import { Store, type StoreOptions } from "../store/store.ts";
import type { FsckReport } from "./fsck.ts";
import type { GcOptions, GcReport } from "./gc.ts";
import { RepoService } from "./service.ts";

async function withService<T>(dir: string, options: StoreOptions, fn: (svc: RepoService) => Promise<T>): Promise<T> {
  const svc = new RepoService(Store.open(dir, options));
  try {
    return await fn(svc);
  } finally {
    await svc.close();
  }
}

export function fsck(dir: string, options: StoreOptions = {}): Promise<FsckReport> {
  return withService(dir, options, (svc) => svc.fsck());
}

/** Offline, nothing can be in flight, so packs of any age are candidates unless told otherwise. */
export function gc(dir: string, options: GcOptions & StoreOptions = {}): Promise<GcReport> {
  return withService(dir, options, (svc) => svc.gc({ minAgeMs: 0, ...options }));
}
