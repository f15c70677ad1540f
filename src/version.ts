// The version and build commit `strata --version` prints. Release builds (`npm run build:release`, `npm run
// build`) bake the commit in by replacing `process.env.STRATA_BUILD_COMMIT` at compile time (bun build --define);
// a run from source says so.
import pkg from "../package.json" with { type: "json" };

export const VERSION: string = pkg.version;

/**
 * One line: `strata 0.1.0 (commit 1a2b3c4, bun-linux-arm64)` for a build; from source, where neither is baked in,
 * `strata 0.1.0 (from source)` rather than "(commit source, source)".
 */
export function versionLine(build: { commit?: string; target?: string } = { commit: process.env.STRATA_BUILD_COMMIT, target: process.env.STRATA_BUILD_TARGET }): string {
  if (!build.commit) return `strata ${VERSION} (from source)`;
  return `strata ${VERSION} (commit ${build.commit}${build.target ? `, ${build.target}` : ""})`;
}
