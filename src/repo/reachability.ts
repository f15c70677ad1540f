// Walks everything the refs reach: repos → commit index → commits → trees → version chains → manifests →
// chunks, branches' open commits, repos' purge and tag indexes, and multipart parts → chunks. fsck and gc share this
// one walker, so what gc keeps is exactly what fsck checks. A purged version's manifest is not followed (its
// bytes are what a purge gives back), so gc reclaims them unless another version still names them.
import { BlobCorruptError, BlobMissingError } from "../store/blob-store.ts";
import type { BlobKind } from "../store/pack-format.ts";
import type { Store } from "../store/store.ts";
import { getJson } from "./blob-codec.ts";
import { type BranchRef, type CommitRecord, type ObjectManifest, type PartRecord, type RepoRef, type VersionEntry } from "./model.ts";
import type { History, PurgeFilter } from "./purges.ts";
import { parseRefKey, REF } from "./ref-keys.ts";
import { nodeLinks, type TreeNode } from "./tree.ts";

export interface Unreachable {
  hash: string;
  kind: BlobKind;
  /** who refers to it: repo, branch, commit and key, or upload and part */
  where: string;
  problem: "missing" | "damaged";
}

export interface WalkResult {
  /** every hash reached (present or not) */
  reached: Set<string>;
  problems: Unreachable[];
}

/** Where in the model a blob was reached from. */
interface Context {
  repo?: string;
  branch?: string;
  commit?: string;
  key?: string;
  /** reached through the repo's commit index (its leaves map commit id → commit blob) */
  index?: true;
  /** a node of the repo's purge index (its leaves hold purge records, nothing to follow) */
  purges?: true;
  /** a node of the repo's tag index (its leaves hold tag sets, nothing to follow) */
  tags?: true;
  upload?: string;
  part?: number;
}
type Task = { hash: string; kind: BlobKind; ctx: Context };

function describe(ctx: Context): string {
  if (ctx.upload) return `upload ${ctx.upload} part ${ctx.part}`;
  const parts = [ctx.branch ? `${ctx.repo}/${ctx.branch}` : `repo ${ctx.repo}`];
  if (ctx.index) parts.push("commit index");
  if (ctx.purges) parts.push("purge index");
  if (ctx.tags) parts.push("tag index");
  if (ctx.commit) parts.push(`commit ${ctx.commit}`);
  if (ctx.key !== undefined) parts.push(`key ${ctx.key}`);
  return parts.join(" ");
}

/**
 * Visits every blob reachable from the refs (both the latest and the durable view, so that a ref staged but
 * not yet durable, or one just replaced, is covered). Blobs are immutable, so the walk may yield to the
 * event loop between steps while the store keeps serving. Chunks are checked for presence, not read:
 * reading every chunk is the pack verification's job.
 */
/** Chunks asked about in one present() call. */
const CHUNK_BATCH = 1000;

export async function walkReachable(store: Store, history: History, options: { isDamaged?: (hash: string) => boolean } = {}): Promise<WalkResult> {
  const reached = new Set<string>();
  const problems: Unreachable[] = [];
  const tasks: Task[] = [];
  const refs = [...store.refs.list("", "latest"), ...store.refs.list("", "durable")];
  const push = (hash: string | null | undefined, kind: BlobKind, ctx: Context) => {
    if (!hash || reached.has(hash)) return;
    reached.add(hash);
    tasks.push({ hash, kind, ctx });
  };
  const report = (t: Task, problem: Unreachable["problem"]) => problems.push({ hash: t.hash, kind: t.kind, where: describe(t.ctx), problem });
  // Purges count once durable: one staged but lost in a crash would leave its version readable again.
  const purged = new Map<string, PurgeFilter>();
  for (const [key, value] of store.refs.list(REF.repos(), "durable")) purged.set(parseRefKey(key, "repo").repo, history.filter((value as RepoRef).purged ?? null));
  // A version blob may stand in two keys' chains (the same entry written to both) and be purged in one only.
  const versionsSeen = new Set<string>();
  for (const [key, value] of refs) {
    const ref = parseRefKey(key);
    if (ref?.kind === "repo") {
      push((value as RepoRef).commits, "tree", { repo: ref.repo, index: true });
      push((value as RepoRef).purged, "tree", { repo: ref.repo, purges: true });
      push((value as RepoRef).tagging, "tree", { repo: ref.repo, tags: true });
    } else if (ref?.kind === "branch") {
      const open = (value as BranchRef).open;
      if (open) push(open.root, "tree", { repo: ref.repo, branch: ref.branch, commit: open.id });
    } else if (ref?.kind === "part") push(value as string, "part", { upload: ref.upload, part: ref.part });
  }

  const read = <T>(t: Task): T | undefined => {
    try {
      return getJson<T>(store.blobs, t.hash);
    } catch (err) {
      if (err instanceof BlobMissingError || err instanceof BlobCorruptError) {
        report(t, err instanceof BlobMissingError ? "missing" : "damaged");
        return undefined;
      }
      throw err;
    }
  };
  const visitEntry = (ctx: Context, e: VersionEntry) => {
    const filter = purged.get(ctx.repo!);
    if (!filter?.(ctx.key!, e.c)) push(e.m, "manifest", { ...ctx, commit: e.c });
    if (!e.p) return;
    if (!filter) push(e.p, "version", ctx);
    else if (!versionsSeen.has(`${e.p}${ctx.key}`)) {
      versionsSeen.add(`${e.p}${ctx.key}`);
      reached.add(e.p);
      tasks.push({ hash: e.p, kind: "version", ctx });
    }
  };

  let steps = 0;
  while (tasks.length) {
    const t = tasks.pop()!;
    if (++steps % 2000 === 0) await new Promise((resolve) => setImmediate(resolve));
    if (t.kind === "chunk") {
      // A manifest's chunks lie together on top of the stack: a backend that looks blobs up remotely is asked
      // about all of them at once (one query, not one synchronous lookup per chunk).
      const batch = [t];
      if (store.blobs.present) while (batch.length < CHUNK_BATCH && tasks.at(-1)?.kind === "chunk") batch.push(tasks.pop()!);
      const stored = store.blobs.present ? await store.blobs.present(batch.map((c) => c.hash)) : undefined;
      for (const c of batch) {
        if (!(stored ? stored.has(c.hash) : store.blobs.has(c.hash))) report(c, "missing");
        else if (options.isDamaged?.(c.hash)) report(c, "damaged");
      }
      continue;
    }
    if (options.isDamaged?.(t.hash) && store.blobs.has(t.hash)) {
      report(t, "damaged");
      continue;
    }
    switch (t.kind) {
      case "tree": {
        const node = read<TreeNode<unknown>>(t);
        if (!node) break;
        const { children, entries } = nodeLinks(node);
        for (const child of children) push(child, "tree", t.ctx);
        if (t.ctx.index) for (const [id, hash] of entries as Array<[string, string]>) push(hash, "commit", { repo: t.ctx.repo, commit: id });
        else if (t.ctx.purges || t.ctx.tags) break;
        else for (const [key, e] of entries as Array<[string, VersionEntry]>) visitEntry({ ...t.ctx, key }, e);
        break;
      }
      case "commit": {
        const c = read<CommitRecord>(t);
        if (c) push(c.root, "tree", { repo: c.repo, branch: c.branch, commit: c.id });
        break;
      }
      case "version": {
        const e = read<VersionEntry>(t);
        if (e) visitEntry(t.ctx, e);
        break;
      }
      case "manifest":
      case "part": {
        const m = read<ObjectManifest | PartRecord>(t);
        if (m) for (const [hash] of m.chunks) push(hash, "chunk", t.ctx);
        break;
      }
    }
  }
  return { reached, problems };
}
