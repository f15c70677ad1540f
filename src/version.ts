// The version and build commit `strata --version` prints. Release builds (`npm run build:release`, `npm run
// build`) bake the commit in by replacing `process.env.STRATA_BUILD_COMMIT` at compile time (bun build --define);
// a run from source reports "source".
import pkg from "../package.json" with { type: "json" };

export const VERSION: string = pkg.version;
export const BUILD_COMMIT: string = process.env.STRATA_BUILD_COMMIT || "source";

/** One line: `strata 0.1.0 (commit 1a2b3c4, bun-linux-arm64)`. */
export function versionLine(): string {
  const target = process.env.STRATA_BUILD_TARGET || "source";
  return `strata ${VERSION} (commit ${BUILD_COMMIT}, ${target})`;
}
