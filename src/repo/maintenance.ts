// fsck and gc on a data dir that no server is using (the CLI's offline commands). They take the data dir's
// lock like a server would, so they refuse to run beside one; a running server offers the same through
// RepoService.fsck() and RepoService.gc().
import { type DistributedConfig, openRemoteStore } from "../store/distributed-config.ts";
import { migrateStore, type MigrateReport } from "../store/migrate.ts";
import { LocalStore, Store, type StoreOptions } from "../store/store.ts";
import type { FsckReport } from "./fsck.ts";
import type { GcOptions, GcReport } from "./gc.ts";
import { RepoService } from "./service.ts";

/** Where an offline command works: a data dir, or a distributed store (which may be in use by gateways meanwhile). */
export type StoreLocation = string | DistributedConfig;

async function withService<T>(where: StoreLocation, options: StoreOptions, fn: (svc: RepoService) => Promise<T>): Promise<T> {
  const svc = new RepoService(typeof where === "string" ? Store.open(where, options) : await openRemoteStore(where));
  try {
    return await fn(svc);
  } finally {
    await svc.close();
  }
}

export function fsck(dir: StoreLocation, options: StoreOptions = {}): Promise<FsckReport> {
  return withService(dir, options, (svc) => svc.fsck());
}

/** Offline, nothing can be in flight, so packs of any age are candidates unless told otherwise. */
export function gc(dir: StoreLocation, options: GcOptions & StoreOptions = {}): Promise<GcReport> {
  // A distributed store may have gateways writing: keep the default grace period there.
  return withService(dir, options, (svc) => svc.gc(typeof dir === "string" ? { ...options, minAgeMs: options.minAgeMs ?? 0 } : options));
}

/** Copies the data dir's store (history included) into a distributed store; resumable (see store/migrate.ts). */
export async function migrate(from: string, to: DistributedConfig, progress?: (r: MigrateReport) => void): Promise<MigrateReport> {
  const source = LocalStore.open(from);
  try {
    const target = await openRemoteStore(to);
    try {
      return await migrateStore(source, target, progress);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
