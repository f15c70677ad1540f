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

export function listKeys(tree: Tree<VersionEntry>, root: string | null, o: ListOptions): ListPage {
  const prefix = o.prefix ?? "";
  const page: ListPage = { entries: [], prefixes: [], truncated: false };
  if (o.limit <= 0) return page;
  let after = o.after !== undefined && compareUtf8(o.after, prefix) >= 0 ? o.after : undefined;
  let from = after === undefined ? prefix : undefined;
  // When `after` sits inside a folder already returned as a common prefix, resume past the whole folder.
  if (after !== undefined && o.delimiter) {
    const cut = after.indexOf(o.delimiter, prefix.length);
    if (cut >= 0) after = pastPrefix(after.slice(0, cut + o.delimiter.length));
  }
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

/** Every version of every key from `afterKey` on (newest first per key), including delete markers. */
export function* listVersions(
  tree: Tree<VersionEntry>,
  blobs: BlobStore,
  root: string | null,
  o: { prefix?: string; from?: string; after?: string },
): Generator<VersionItem> {
  const prefix = o.prefix ?? "";
  const bound = o.after !== undefined ? { after: o.after } : { from: o.from ?? prefix };
  for (const [key, head] of tree.scan(root, bound)) {
    if (!key.startsWith(prefix)) {
      if (compareUtf8(key, prefix) > 0) return;
      continue;
    }
    yield* versionsOf(blobs, key, head);
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
