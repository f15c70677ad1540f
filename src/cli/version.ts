// What `strata --version` prints: the version in package.json and, for release binaries, the commit they
// were built from. This is the one place both live.
import packageJson from "../../package.json" with { type: "json" };

export const VERSION: string = packageJson.version;

/** The commit a release binary was built from; empty when running from source. Release builds set it here. */
export const BUILD_COMMIT: string = "";

export const versionLine = (): string => `strata ${VERSION}${BUILD_COMMIT ? ` (${BUILD_COMMIT})` : ""}`;
