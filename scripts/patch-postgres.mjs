// Run by `npm install` (postinstall). Patches the `postgres` driver against an open upstream bug that kills the
// process: a write scheduled with setImmediate runs after the connection closed and calls `socket.write` on null
// (porsager/postgres#1066, #1208; the fix proposed in PR #1209). Seen here as a gateway exiting when PostgreSQL
// restarts under load. The guard settles the pending queries with CONNECTION_CLOSED (a 503 to S3 clients) instead
// of throwing from a timer. Idempotent; fails loudly if a new driver version no longer has the patched line, so
// the patch is looked at again rather than silently dropped. Bun builds the binary from these patched sources.
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.join(import.meta.dirname, "../node_modules/postgres");
const ORIGINAL = "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)";
const PATCHED = `  function nextWrite(fn) {
    if (socket === null) { // strata: porsager/postgres#1208
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)`;

for (const file of ["src/connection.js", "cjs/src/connection.js"]) {
  const p = path.join(root, file);
  if (!fs.existsSync(p)) continue;
  const text = fs.readFileSync(p, "utf8");
  if (text.includes("strata: porsager/postgres#1208")) continue;
  if (!text.includes(ORIGINAL)) throw new Error(`patch-postgres: ${file} no longer has the line to patch; check porsager/postgres#1208`);
  fs.writeFileSync(p, text.replace(ORIGINAL, PATCHED));
}
