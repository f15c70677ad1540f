// One object through the admin API, for the console (which signs nothing: with auth on its session cookie
// identifies it here, never on S3): its description, its versions, its bytes streamed down and up, and deletes.
//
//   GET    /object?ref&key[&version]           → {key, version, commit, modified, size, etag, contentType, meta} | {…, deleteMarker}
//   GET    /object/versions?ref&key            → {versions: [...newest first], truncated}
//   GET    /object/content?ref&key[&version][&download=1]  → the bytes
//   PUT    /object/content?ref&key  (body)     → {commit, version, etag}   (into the branch's open commit, if any)
//   DELETE /object?ref&key[&version]           → {commit, outcome}         (with a version: purged for good)
import { type Context, Hono } from "hono";
import { ObjectTooLargeError } from "../../repo/objects.ts";
import { parseBranchRef } from "../../repo/ref-names.ts";
import type { EtagMode, RepoService, Snapshot, VersionSummary } from "../../repo/service.ts";
import { iso } from "../answers.ts";
import { AdminError } from "../errors.ts";
import { snapshotOf } from "../refs.ts";
import { type AdminEnv, authorOf, requireQuery } from "../requests.ts";

/** Versions listed per key: a key rewritten more often is shown truncated. */
const VERSIONS_SHOWN = 1000;

export interface ObjectRoutesOptions {
  etagMode: EtagMode;
  maxObjectSize: number;
}

export function createObjectRoutes(vs: RepoService, options: ObjectRoutesOptions): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  app.get("/object", (c) => {
    const { snapshot, key } = target(c);
    const v = found(vs.readVersion(snapshot, key, c.req.query("version") || undefined), key);
    const base = { key, version: v.version, commit: v.commit, modified: iso(v.time) };
    if (v.deleteMarker) return c.json({ ...base, deleteMarker: true });
    const m = v.manifest;
    return c.json({ ...base, size: v.size, etag: v.etag, contentType: m.contentType, meta: m.meta ?? {}, headers: m.headers ?? {}, checksums: m.checksums ?? {} });
  });

  app.get("/object/versions", (c) => {
    const { snapshot, key } = target(c);
    const versions: unknown[] = [];
    let truncated = false;
    for (const item of vs.listVersions(snapshot, { prefix: key, from: key })) {
      if ("prefix" in item || item.key !== key) break;
      if (versions.length === VERSIONS_SHOWN) {
        truncated = true;
        break;
      }
      versions.push(keyVersionJson(item));
    }
    return c.json({ key, versions, truncated });
  });

  app.get("/object/content", (c) => {
    const { snapshot, key } = target(c);
    const v = found(vs.readVersion(snapshot, key, c.req.query("version") || undefined), key);
    if (v.deleteMarker) throw new AdminError("NoSuchKey", `${key} is deleted in this version`, 404);
    const name = key.slice(key.lastIndexOf("/") + 1) || "download";
    const headers: Record<string, string> = {
      "content-type": v.manifest.contentType ?? "application/octet-stream",
      "content-length": String(v.size),
      etag: `"${v.etag}"`,
      // Stored bytes are the users' own: never run as a page of this origin (an uploaded .html or .svg).
      "content-security-policy": "sandbox",
      "x-content-type-options": "nosniff",
      "content-disposition": `${c.req.query("download") ? "attachment" : "inline"}; filename*=UTF-8''${encodeURIComponent(name)}`,
    };
    return new Response(vs.readObject(v.manifest), { status: 200, headers });
  });

  app.put("/object/content", async (c) => {
    const { repo, branch } = parseBranchRef(requireQuery(c, "ref"));
    const key = requireQuery(c, "key");
    vs.requireBranch(repo, branch);
    let stored;
    try {
      const declared = Number(c.req.header("content-length") ?? 0) || 0;
      stored = await vs.ingest(c.req.raw.body, { md5: options.etagMode === "md5", maxSize: options.maxObjectSize, declared });
    } catch (err) {
      if (err instanceof ObjectTooLargeError) throw new AdminError("EntityTooLarge", err.message, 413);
      throw err;
    }
    const contentType = c.req.header("content-type") || undefined;
    const written = await vs.writeObject({ repo, branch }, key, { stored, etag: options.etagMode, description: { contentType } }, { author: authorOf(c) });
    return c.json({ key, commit: written.commit, version: written.version, etag: written.manifest.etag }, 201);
  });

  app.delete("/object", async (c) => {
    const { repo, branch } = parseBranchRef(requireQuery(c, "ref"));
    const key = requireQuery(c, "key");
    const version = c.req.query("version") || undefined;
    const { commit, outcomes } = await vs.deleteObjects({ repo, branch }, [{ key, version }], { author: authorOf(c) });
    return c.json({ commit, outcome: outcomes[0] });
  });

  /** The snapshot `ref` shows (a branch's head or a commit) and the key asked about. */
  function target(c: Context): { snapshot: Snapshot; key: string } {
    return { snapshot: snapshotOf(vs, requireQuery(c, "ref")), key: requireQuery(c, "key") };
  }

  return app;
}

function found<T>(v: T | undefined, key: string): T {
  if (v === undefined) throw new AdminError("NoSuchKey", `no object ${key} here`, 404);
  return v;
}

function keyVersionJson(v: VersionSummary & { latest: boolean }) {
  const base = { version: v.version, commit: v.commit, modified: iso(v.time), latest: v.latest };
  return v.deleteMarker ? { ...base, deleteMarker: true } : { ...base, size: v.size, etag: v.etag };
}
