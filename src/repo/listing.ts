// Listing a tree: keys by prefix/delimiter/start-after/limit, and every version of every key.
import { compareUtf8 } from "../util/bytes.ts";
import type { BlobStore } from "../store/blob-store.ts";
import { getJson } from "./blob-codec.ts";
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

export function listKeys(tree: Tree<VersionEntry>, root: string | null, o: ListOptions): ListPage {
  const prefix = o.prefix ?? "";
  const page: ListPage = { entries: [], prefixes: [], truncated: false };
  if (o.limit <= 0) return page;
  let after = o.after !== undefined && compareUtf8(o.after, prefix) >= 0 ? resumePoint(o.after, prefix, o.delimiter) : undefined;
  let from = after === undefined ? prefix : undefined;
  for (;;) {
    let reseek: string | undefined;
    for (const [key, entry] of tree.scan(root, after !== undefined ? { after } : { from })) {
      if (!key.startsWith(prefix)) {
        if (compareUtf8(key, prefix) > 0) return page;
        continue;
      }
      if (!isLiveEntry(entry)) continue;
      const cut = o.delimiter ? key.indexOf(o.delimiter, prefix.length) : -1;
      const item = cut >= 0 ? key.slice(0, cut + o.delimiter!.length) : key;
      if (page.entries.length + page.prefixes.length >= o.limit) {
        page.truncated = true;
        return page;
      }
      page.last = item;
      if (cut < 0) {
        page.entries.push([key, entry]);
        continue;
      }
      page.prefixes.push(item);
      reseek = pastPrefix(item);
      break;
    }
    if (reseek === undefined) return page;
    after = reseek;
    from = undefined;
  }
}

export interface VersionItem {
  key: string;
  entry: VersionEntry;
  latest: boolean;
}

/**
 * Every version of every key from `from` (or after `after`) on, newest first per key, delete markers included.
 * With a delimiter, a folder yields its common prefix once and the scan seeks past it.
 */
export function* listVersions(
  tree: Tree<VersionEntry>,
  blobs: BlobStore,
  root: string | null,
  o: { prefix?: string; delimiter?: string; from?: string; after?: string },
): Generator<VersionItem | { prefix: string }> {
  const prefix = o.prefix ?? "";
  let bound: { from: string } | { after: string } = o.after !== undefined
    ? { after: resumePoint(o.after, prefix, o.delimiter) }
    : { from: o.from ?? prefix };
  for (;;) {
    let reseek: string | undefined;
    for (const [key, head] of tree.scan(root, bound)) {
      if (!key.startsWith(prefix)) {
        if (compareUtf8(key, prefix) > 0) return;
        continue;
      }
      const cut = o.delimiter ? key.indexOf(o.delimiter, prefix.length) : -1;
      if (cut >= 0) {
        const folder = key.slice(0, cut + o.delimiter!.length);
        yield { prefix: folder };
        reseek = pastPrefix(folder);
        break;
      }
      yield* versionsOf(blobs, key, head);
    }
    if (reseek === undefined) return;
    bound = { after: reseek };
  }
}

export function* versionsOf(blobs: BlobStore, key: string, head: VersionEntry): Generator<VersionItem> {
  let entry: VersionEntry | undefined = head;
  let latest = true;
  while (entry) {
    yield { key, entry, latest };
    latest = false;
    entry = entry.p ? getJson<VersionEntry>(blobs, entry.p) : undefined;
  }
}
