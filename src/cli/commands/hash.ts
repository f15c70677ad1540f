// `strata hash`: the ETag Strata gives a local file, computed here, so an object can be checked without
// trusting the server (see docs/etag.md for the derivation).
import * as fs from "node:fs";
import { etagOf, type EtagMode } from "../../repo/etag.ts";
import type { Command } from "../command.ts";
import { CliError, EXIT, usageError } from "../exit.ts";
import { emit } from "../output.ts";
import { parseSize } from "../../util/size.ts";

export const hashCommand: Command = {
  name: "hash",
  summary: "print the ETag Strata gives each file (single PUT, or multipart with --part-size)",
  usage: "<file>... [--part-size SIZE] [--etag sha256|md5]",
  example: "strata hash photo.jpg --part-size 8MiB",
  options: {
    "part-size": { type: "string", help: "SIZE  the ETag of a multipart upload with parts of SIZE bytes (8MiB, 5242880, …)" },
    etag: { type: "string", help: "MODE  sha256 (the default) or md5, as the server's --etag" },
  },
  args: [1, Infinity],
  notes: "Without --part-size: the ETag of a single PUT (what `aws s3 cp` sends for files under 8 MiB).\n" +
    "The aws CLI uploads larger files in 8 MiB parts: --part-size 8MiB gives their ETag.",
  async run(ctx) {
    const mode = (ctx.values.etag as string | undefined) ?? "sha256";
    if (mode !== "sha256" && mode !== "md5") throw usageError(`--etag is sha256 or md5, not ${JSON.stringify(mode)}`);
    const sizeText = ctx.values["part-size"] as string | undefined;
    let partSize: number | undefined;
    try {
      partSize = sizeText === undefined ? undefined : parseSize(sizeText);
    } catch (err) {
      throw usageError(`--part-size: ${(err as Error).message}`);
    }
    if (partSize === 0) throw usageError("--part-size must be more than 0 bytes");
    const results: Array<{ file: string; etag: string; size: number }> = [];
    for (const file of ctx.positionals) {
      let size: number;
      try {
        const st = fs.statSync(file);
        if (!st.isFile()) throw new CliError(EXIT.usage, `${file} is not a file`);
        size = st.size;
      } catch (err) {
        if (err instanceof CliError) throw err;
        throw new CliError(EXIT.notFound, `${file}: no such file`, "NoSuchFile");
      }
      const etag = await etagOf(fs.createReadStream(file, { highWaterMark: 1 << 20 }), { mode: mode as EtagMode, partSize });
      results.push({ file, etag, size });
    }
    emit(ctx, results, () => results.map((r) => `"${r.etag}"  ${r.file}`));
  },
};
