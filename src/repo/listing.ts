// Listing a tree: keys by prefix/delimiter/start-after/limit, and every version of every key.
import { compareUtf8 } from "../util/bytes.ts";
import { isLiveEntry, type VersionEntry } from "./model.ts";
import type { Tree } from "./tree.ts";

export interface ListOptions {
  prefix?: string;
  delimiter?: string;
  /** list keys strictly after this one */
  after?: string;
  limit: number;
}

export interface ListPage {
  entries: Array<[string, VersionEntry]>;
  prefixes: string[];
  truncated: boolean;
  /** the last key or prefix returned: where the next page starts after */
  last?: string;
}

/** Seeks past every key that starts with p (U+10FFFF sorts after any other code point). */
const pastPrefix = (p: string) => `${p}\u{10FFFF}`;

/** Where a listing resumes after `after`: past the whole folder when `after` sits in one already returned as a common prefix. */
function resumePoint(after: string, prefix: string, delimiter?: string): string {
  const cut = delimiter && after.startsWith(prefix) ? after.indexOf(delimiter, prefix.length) : -1;
  return cut >= 0 ? pastPrefix(after.slice(0, cut + delimiter!.length)) : after;
}

/**
 * Where a listing starts: after `after` (past its folder when that was returned as a common prefix), else from
 * `from`, but never before `prefix`, where the first key under it can be.
 */
function startBound(prefix: string, delimiter: string | undefined, after?: string, from?: string): { from: string } | { after: string } {
  if (after !== undefined && compareUtf8(after, prefix) >= 0) return { after: resumePoint(after, prefix, delimiter) };
  return { from: from !== undefined && compareUtf8(from, prefix) > 0 ? from : prefix };
}

/** What a key's tree entry stands for (its first version that was not purged), or undefined when none is left. */
export type Resolve = (key: string, entry: VersionEntry) => VersionEntry | undefined;

/**
 * The keys under `prefix` from `start` on, in order, with their entries resolved; with a delimiter a folder comes
 * once, as its common prefix, and the scan seeks past it. Keys whose entry `include` refuses (or that resolve to
 * nothing) are passed over (a folder of only those is no folder).
 */
function* scanFolded(
  tree: Tree<VersionEntry>,
  root: string | null,
  prefix: string,
  delimiter: string | undefined,
  start: { from: string } | { after: string },
  resolve: Resolve,
  include: (entry: VersionEntry) => boolean = () => true,
): Generator<{ key: string; entry: VersionEntry } | { prefix: string }> {
  let bound = start;
  for (;;) {
    let reseek: string | undefined;
    for (const [key, raw] of tree.scan(root, bound)) {
      if (!key.startsWith(prefix)) {
        if (compareUtf8(key, prefix) > 0) return;
        continue;
      }
      const entry = resolve(key, raw);
      if (!entry || !include(entry)) continue;
      const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      if (cut >= 0) {
        const folder = key.slice(0, cut + delimiter!.length);
        yield { prefix: folder };
        reseek = pastPrefix(folder);
        break;
      }
      yield { key, entry };
    }
    if (reseek === undefined) return;
    bound = { after: reseek };
  }
}

export function listKeys(tree: Tree<VersionEntry>, root: string | null, o: ListOptions, resolve: Resolve): ListPage {
  const prefix = o.prefix ?? "";
  const page: ListPage = { entries: [], prefixes: [], truncated: false };
  if (o.limit <= 0) return page;
  for (const item of scanFolded(tree, root, prefix, o.delimiter, startBound(prefix, o.delimiter, o.after), resolve, isLiveEntry)) {
    if (page.entries.length + page.prefixes.length >= o.limit) {
      page.truncated = true;
      return page;
    }
    if ("key" in item) {
      page.entries.push([item.key, item.entry]);
      page.last = item.key;
    } else {
      page.prefixes.push(item.prefix);
      page.last = item.prefix;
    }
  }
  return page;
}

export interface VersionItem {
  key: string;
  entry: VersionEntry;
  latest: boolean;
}

/**
 * Every version of every key from `from` (or after `after`) on, newest first per key, delete markers included
 * (`versions` gives a key's versions from its tree entry). With a delimiter, a folder yields its common prefix
 * once and the scan seeks past it.
 */
export function* listVersions(
  tree: Tree<VersionEntry>,
  root: string | null,
  o: { prefix?: string; delimiter?: string; from?: string; after?: string },
  versions: (key: string, head: VersionEntry) => Iterable<VersionEntry>,
): Generator<VersionItem | { prefix: string }> {
  const prefix = o.prefix ?? "";
  // A key all of whose versions were purged has none to list; resolving it first tells (and skips it in folders).
  const first: Resolve = (key, head) => {
    for (const e of versions(key, head)) return e;
    return undefined;
  };
  for (const item of scanFolded(tree, root, prefix, o.delimiter, startBound(prefix, o.delimiter, o.after, o.from), first)) {
    if (!("key" in item)) {
      yield item;
      continue;
    }
    let latest = true;
    for (const entry of versions(item.key, item.entry)) {
      yield { key: item.key, entry, latest };
      latest = false;
    }
  }
}
