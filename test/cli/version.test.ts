// `strata --version`'s line, for a build (commit and target baked in) and from source (neither).
import { expect, test } from "bun:test";
import packageJson from "../../package.json" with { type: "json" };
import { versionLine } from "../../src/version.ts";

const v = packageJson.version;

test.each([
  [{ commit: "1a2b3c4d5e6f", target: "bun-linux-arm64" }, `strata ${v} (commit 1a2b3c4d5e6f, bun-linux-arm64)`],
  [{ commit: "1a2b3c4d5e6f" }, `strata ${v} (commit 1a2b3c4d5e6f)`],
  [{}, `strata ${v} (from source)`], // not "(commit source, source)"
  [{ commit: "", target: "" }, `strata ${v} (from source)`],
])("versionLine(%p)", (build, line) => {
  expect(versionLine(build)).toBe(line);
});
